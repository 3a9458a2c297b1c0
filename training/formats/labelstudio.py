"""Label Studio: tasks with predictions out, JSON / JSON-MIN exports in.

Export writes ``OUT`` (a JSON list of tasks, each record's spans as one prediction, so
a model's output can be corrected in Label Studio) and ``OUT`` with ``.config.xml`` for
the project's labelling config. Offsets are written as Python character offsets. Each task
carries the record's id twice, as ``data.id`` and ``data.doc_id``: Label Studio's JSON-MIN
export writes its own task number over ``id`` but keeps ``doc_id``.

Import reads Label Studio's "JSON" export (tasks with ``annotations``; cancelled ones
are skipped, and of several the most recent is taken, with a warning), its "JSON-MIN"
export (``{"text", "label": [...]}`` per task) or its "CONLL2003" export (see
:mod:`gongkai.training.formats.conll`). Every span's ``text`` is compared with
``text[start:end]``; front ends that count UTF-16 code units are repaired only when the
span text proves it (see :mod:`gongkai.training.formats.importers`).

A record keeps the task's own id, never Label Studio's task number: the field named with
``id_field`` (``--id-field``), else ``doc_id``, else ``data.id`` (not in JSON-MIN, where
``id`` is Label Studio's). A task with none of them is named ``<file stem>-<task number>``,
with a warning.

>>> print(labelstudio_config().splitlines()[1])
  <Labels name="label" toName="text">
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime
from pathlib import Path
from typing import Any

from gongkai.model.labels import LABELS

from ..corpus import Record
from ..validate import WARNING
from .conll import from_conll, is_json_min, looks_like_conll, task_id
from .importers import Candidate, Importer, ImportFormatError, ImportResult, read_json

FROM_NAME, TO_NAME = "label", "text"


def labelstudio_config() -> str:
    """The labelling config XML for a project that uses our labels."""
    labels = "\n".join(f'    <Label value="{label}"/>' for label in LABELS)
    return (
        f'<View>\n  <Labels name="{FROM_NAME}" toName="{TO_NAME}">\n{labels}\n  </Labels>\n'
        f'  <Text name="{TO_NAME}" value="$text"/>\n</View>\n'
    )


def config_path(out: Path) -> Path:
    return out.with_name(out.stem + ".config.xml")


def to_labelstudio(records: list[Record], out: Path, model_version: str = "gongkai") -> list[Path]:
    tasks = []
    for r in records:
        result = [
            {
                "id": f"s{i}",
                "from_name": FROM_NAME,
                "to_name": TO_NAME,
                "type": "labels",
                "value": {"start": s.start, "end": s.end, "text": r.span_text(s), "labels": [s.label]},
            }
            for i, s in enumerate(r.spans)
        ]
        data: dict[str, Any] = {"text": r.text, "id": r.id, "doc_id": r.id}
        if r.meta:
            data["meta"] = r.meta
        tasks.append({"data": data, "predictions": [{"model_version": model_version, "result": result}]})
    out.write_text(json.dumps(tasks, ensure_ascii=False, indent=1), encoding="utf-8")
    config = config_path(out)
    config.write_text(labelstudio_config(), encoding="utf-8")
    return [out, config]


def from_labelstudio(
    path: Path,
    label_map: Mapping[str, str] | None = None,
    *,
    id_field: str | None = None,
    texts: str | Path | None = None,
) -> ImportResult:
    """Import a Label Studio export: JSON, JSON-MIN or CONLL2003 (told apart by their content).
    ``texts`` is for a CONLL2003 export only (see :func:`gongkai.training.formats.conll.from_conll`)."""
    if looks_like_conll(path):
        return from_conll(path, label_map, id_field=id_field, texts=texts)
    if texts is not None:
        raise ImportFormatError(f"{path}: --texts is for a CoNLL export; a JSON export has its texts")
    tasks = read_json(path, "Label Studio")
    if not isinstance(tasks, list) or not all(isinstance(t, dict) for t in tasks):
        raise ImportFormatError(f"{path}: a Label Studio export is a JSON list of tasks (objects)")
    imp = Importer(path, label_map)
    unnamed = 0
    for n, task in enumerate(tasks, 1):
        if "data" in task:
            fields = task["data"] if isinstance(task["data"], dict) else {}
            json_min = False
        elif "text" in task:
            # JSON-MIN: the data's fields at the top, Label Studio's own task number in ``id``.
            fields, json_min = task, is_json_min(task)
        else:
            imp.reject_record(f"task {n} has neither 'data' (JSON export) nor 'text' (JSON-MIN export)")
            continue
        rid = task_id(fields, id_field, json_min)
        if rid is None:
            if id_field:
                imp.reject_record(f"task {n} (Label Studio task {task.get('id')}) has no field {id_field!r}")
                continue
            unnamed += 1
            rid = f"{path.stem}-{task.get('id', n)}"
        (_min_task if "data" not in task else _full_task)(imp, task, rid)
    if unnamed:
        imp.problem(
            WARNING,
            "id",
            f"{unnamed} task(s) carry no id of their own (doc_id, data.id or the field "
            f"named with --id-field): named {path.stem}-<Label Studio task number>",
        )
    return imp.result()


def _when(annotation: dict[str, Any]) -> tuple[float, str]:
    stamp = annotation.get("updated_at") or annotation.get("created_at") or ""
    try:
        t = datetime.fromisoformat(str(stamp).replace("Z", "+00:00")).timestamp()
    except ValueError:
        t = float("-inf")
    return t, str(annotation.get("id", ""))


def _full_task(imp: Importer, task: dict[str, Any], rid: str) -> None:
    data = task["data"] if isinstance(task["data"], dict) else {}
    done = [a for a in task.get("annotations") or [] if isinstance(a, dict) and not a.get("was_cancelled")]
    if not done:
        cancelled = len(task.get("annotations") or [])
        imp.reject_record(
            f"no completed annotation ({cancelled} cancelled, "
            f"{len(task.get('predictions') or [])} predictions not imported)",
            rid=rid,
        )
        return
    chosen = max(done, key=_when)
    if len(done) > 1:
        imp.problem(
            WARNING,
            "annotations",
            f"{len(done)} completed annotations; took the most recent "
            f"(id {chosen.get('id')}, {chosen.get('updated_at') or chosen.get('created_at')})",
            rid=rid,
        )
    candidates = []
    for res in chosen.get("result") or []:
        value = res.get("value") if isinstance(res, dict) else None
        if not isinstance(value, dict) or "start" not in value or "labels" not in value:
            kind = res.get("type") if isinstance(res, dict) else type(res).__name__
            imp.problem(WARNING, "result", f"a result of type {kind!r} is not a labelled span; ignored", rid=rid)
            continue
        candidates.append(_candidate(imp, rid, value))
    imp.add(rid, data.get("text"), [c for c in candidates if c], meta=data.get("meta"))


def _min_task(imp: Importer, task: dict[str, Any], rid: str) -> None:
    # The regions sit under the Labels tag's name ("label" in our config).
    regions = task.get(FROM_NAME)
    if regions is None:
        regions = next(
            (v for v in task.values() if isinstance(v, list) and v and isinstance(v[0], dict) and "start" in v[0]), []
        )
    candidates = [_candidate(imp, rid, v) for v in regions if isinstance(v, dict)]
    imp.add(rid, task.get("text"), [c for c in candidates if c], meta=task.get("meta"))


def _candidate(imp: Importer, rid: str, value: dict[str, Any]) -> Candidate | None:
    labels = value.get("labels")
    if not isinstance(labels, list) or len(labels) != 1:
        imp.problem(
            "error",
            "label",
            f"a span needs exactly one label, got {labels!r}; rejected",
            rid=rid,
            span_text=value.get("text"),
        )
        return None
    return Candidate(value.get("start"), value.get("end"), labels[0], value.get("text"))
