"""Hugging Face ``datasets``: one row per record, one token per character.

Columns: ``id``; ``tokens``, the characters of the text exactly (no normalisation, so
``"\\r"`` and ``"\\n"`` are tokens too); ``ner_tags``, a sequence of ``ClassLabel`` over
:data:`gongkai.model.labels.TAGS` (IOB2); ``meta``, the record's meta as a JSON string.
Export ``save_to_disk``\\ s to a directory; import reads such a directory (a Dataset, or
every split of a DatasetDict). Multi-character tokens of foreign datasets are joined
without separators, which suits Chinese text.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path

from gongkai.model.labels import TAGS

from ..corpus import Record
from ..validate import ERROR, WARNING
from .importers import Candidate, Importer, ImportFormatError, ImportResult
from .tags import spans_to_tags, tags_to_spans


def features():
    import datasets

    seq = getattr(datasets, "List", None) or datasets.Sequence  # List since datasets 4
    return datasets.Features(
        {
            "id": datasets.Value("string"),
            "tokens": seq(datasets.Value("string")),
            "ner_tags": seq(datasets.ClassLabel(names=list(TAGS))),
            "meta": datasets.Value("string"),
        }
    )


def to_hf(records: list[Record], out: Path) -> list[Path]:
    import datasets

    ds = datasets.Dataset.from_dict(
        {
            "id": [r.id for r in records],
            "tokens": [list(r.text) for r in records],
            "ner_tags": [spans_to_tags(len(r.text), r.spans) for r in records],
            "meta": [json.dumps(r.meta, ensure_ascii=False) for r in records],
        },
        features=features(),
    )
    ds.save_to_disk(str(out))
    return [out]


def from_hf(path: Path, label_map: Mapping[str, str] | None = None) -> ImportResult:
    import datasets

    try:
        loaded = datasets.load_from_disk(str(path))
    except (FileNotFoundError, ValueError) as exc:
        raise ImportFormatError(f"{path}: not a dataset saved with save_to_disk ({exc})") from exc
    splits = loaded.items() if isinstance(loaded, datasets.DatasetDict) else [("", loaded)]
    imp = Importer(path, label_map)
    for split, ds in splits:
        missing = {"tokens", "ner_tags"} - set(ds.column_names)
        if missing:
            raise ImportFormatError(f"{path}: split {split or 'default'!r} lacks columns {sorted(missing)}")
        feature = ds.features["ner_tags"]
        names = getattr(getattr(feature, "feature", None), "names", None)
        for n, row in enumerate(ds, 1):
            rid = row.get("id") or f"{path.name}{'-' + split if split else ''}-{n}"
            _add_row(imp, rid, row, names)
    return imp.result()


def _add_row(imp: Importer, rid: str, row: dict, names: list[str] | None) -> None:
    tokens, tags = row["tokens"], row["ner_tags"]
    if len(tokens) != len(tags):
        imp.reject_record(f"{len(tokens)} tokens but {len(tags)} tags", rid=rid)
        return
    tags = [names[t] if names and isinstance(t, int) else str(t) for t in tags]
    starts = [0]
    for tok in tokens:
        starts.append(starts[-1] + len(tok))
    spans, notes = tags_to_spans(tags)
    for pos, message, is_error in notes:
        imp.problem(ERROR if is_error else WARNING, "tag", f"token {pos}: {message}", rid=rid)
    meta = None
    if row.get("meta"):
        try:
            meta = json.loads(row["meta"])
        except (TypeError, json.JSONDecodeError):
            imp.problem(WARNING, "meta", "meta column is not a JSON object; dropped", rid=rid)
    imp.add(rid, "".join(tokens), [Candidate(starts[s], starts[e], label) for s, e, label in spans], meta=meta)
