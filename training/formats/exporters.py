"""Export our JSONL records to other tools' formats.

Each format has a ``to_<format>(records, out, ...) -> list[Path]`` in its own module
(``hf``, ``docbin``, ``labelstudio``, and for round trips ``doccano``,
``bio``, ``cluener``); :func:`export_records` picks one by name. Records are checked
first (:func:`check_exportable`): an out-of-bounds or overlapping span cannot be written
as per-character tags, so exporting refuses instead of writing something else.

>>> from gongkai.training.corpus import Span
>>> try:
...     check_exportable([Record("a", "0", [Span(0, 2, "CELL")])])
... except ExportError as exc:
...     print(exc)  # doctest: +ELLIPSIS
1 record(s) cannot be exported; fix them first (gongkai annotations validate):
  <input>: error: record 'a': span [0, 2) CELL '0': span is out of bounds: ...
"""

from __future__ import annotations

import importlib
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from ..corpus import Record
from ..validate import ERROR, Problem, check_record

FORMATS = ("hf", "docbin", "labelstudio", "doccano", "bio", "cluener")


class ExportError(ValueError):
    """Records that cannot be written in the target format."""


def check_exportable(records: Iterable[Record]) -> list[Record]:
    """Return the records as a list, or raise :class:`ExportError` listing what is wrong."""
    records = list(records)
    problems: list[Problem] = []
    seen: set[str] = set()
    bad: set[str] = set()
    for r in records:
        if r.id in seen:
            problems.append(Problem(ERROR, "duplicate_id", "id used by an earlier record", id=r.id))
        seen.add(r.id)
        problems += [p for p in check_record(r) if p.is_error]
        bad.update(p.id for p in problems)
    if problems:
        shown = "\n".join(f"  {p}" for p in problems[:20])
        more = f"\n  ... and {len(problems) - 20} more" if len(problems) > 20 else ""
        raise ExportError(
            f"{len(bad)} record(s) cannot be exported; fix them first (gongkai annotations validate):\n{shown}{more}"
        )
    return records


def export_records(fmt: str, records: Iterable[Record], out: str | Path, **options: Any) -> list[Path]:
    """Write ``records`` in ``fmt`` (one of :data:`FORMATS`) to ``out``; return the paths written."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown export format {fmt!r}; known formats: {', '.join(FORMATS)}")
    records = check_exportable(records)
    module = importlib.import_module(f".{fmt}", __package__)
    out = Path(out)
    if out.parent:
        out.parent.mkdir(parents=True, exist_ok=True)
    return getattr(module, f"to_{fmt}")(records, out, **options)
