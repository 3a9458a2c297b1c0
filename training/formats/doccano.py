"""doccano sequence labelling JSONL: ``{"id", "text", "label": [[start, end, "LABEL"], ...]}``.

Import also reads the older ``"labels"`` key and the ``"entities"`` list
(``{"start_offset", "end_offset", "label"}``) of doccano's relation projects; a record
without ``"id"`` gets ``<file stem>-<line>``. doccano stores no span text, so offsets are
only checked for bounds. A ``"meta"`` object is kept; other extra keys are dropped.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from ..corpus import Record
from .importers import Candidate, Importer, ImportFormatError, ImportResult


def to_doccano(records: list[Record], out: Path) -> list[Path]:
    with out.open("w", encoding="utf-8") as fh:
        for r in records:
            row = {"id": r.id, "text": r.text, "label": [[s.start, s.end, s.label] for s in r.spans]}
            if r.meta:
                row["meta"] = r.meta
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")
    return [out]


def json_rows(path: Path, what: str) -> Iterator[tuple[int, Any]]:
    """``(line, object)`` of a JSONL file, or of a JSON list (line None); bad lines raise naming the line."""
    try:
        content = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ImportFormatError(f"{path}: cannot read it as UTF-8 {what} ({exc})") from exc
    if content.lstrip().startswith("["):
        try:
            rows = json.loads(content)
        except json.JSONDecodeError as exc:
            raise ImportFormatError(f"{path}: not valid {what} JSON ({exc})") from exc
        yield from ((None, row) for row in rows)
        return
    for lineno, line in enumerate(content.split("\n"), 1):
        if line.strip():
            try:
                yield lineno, json.loads(line)
            except json.JSONDecodeError as exc:
                raise ImportFormatError(f"{path}:{lineno}: not valid {what} JSONL ({exc})") from exc


def from_doccano(path: Path, label_map: Mapping[str, str] | None = None) -> ImportResult:
    imp = Importer(path, label_map)
    for n, (line, row) in enumerate(json_rows(path, "doccano"), 1):
        if not isinstance(row, dict):
            imp.reject_record("not a JSON object", line=line)
            continue
        rid = row.get("id", f"{path.stem}-{line or n}")
        entries = row.get("label", row.get("labels"))
        candidates = []
        if entries is None and isinstance(row.get("entities"), list):
            candidates = [
                Candidate(e.get("start_offset"), e.get("end_offset"), e.get("label"))
                for e in row["entities"]
                if isinstance(e, dict)
            ]
        for entry in entries or []:
            if isinstance(entry, (list, tuple)) and len(entry) == 3:
                candidates.append(Candidate(*entry))
            else:
                imp.problem(
                    "error",
                    "label",
                    f"label entry {entry!r} is not [start, end, label]; rejected",
                    line=line,
                    rid=str(rid),
                )
        meta = row.get("meta")
        imp.add(rid, row.get("text"), candidates, meta=meta, line=line)
    return imp.result()
