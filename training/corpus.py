"""The annotation format: JSONL, one report per line.

``{"id": ..., "text": ..., "spans": [{"start": .., "end": .., "label": ..}], "meta": {...}}``

Offsets are character offsets (Python ``str`` indices, so a character outside the BMP
counts once) into ``text`` exactly as the annotator saw it, before any normalisation;
``end`` is exclusive. Training maps spans through normalisation.

>>> r = Record("a", "一、总体情况", [Span(0, 6, "SECTION")])
>>> r.span_text(r.spans[0])
'一、总体情况'
>>> Record.from_dict(r.to_dict()) == r
True
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


@dataclass(frozen=True, order=True)
class Span:
    start: int
    end: int
    label: str

    def to_dict(self) -> dict[str, Any]:
        return {"start": self.start, "end": self.end, "label": self.label}


@dataclass
class Record:
    id: str
    text: str
    spans: list[Span] = field(default_factory=list)
    meta: dict[str, Any] = field(default_factory=dict)

    def span_text(self, span: Span) -> str:
        return self.text[span.start:span.end]

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "text": self.text, "spans": [s.to_dict() for s in self.spans], "meta": self.meta}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "Record":
        return cls(
            id=str(d["id"]),
            text=d["text"],
            spans=[Span(int(s["start"]), int(s["end"]), str(s["label"])) for s in d.get("spans") or []],
            meta=dict(d.get("meta") or {}),
        )


class CorpusError(ValueError):
    """A line of an annotation file that is not a record; names the file and line."""


def read_jsonl(path: str | Path) -> Iterator[Record]:
    """Yield the records of one JSONL file, one per non-empty line."""
    path = Path(path)
    with path.open(encoding="utf-8") as fh:
        for lineno, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                yield Record.from_dict(json.loads(line))
            except (json.JSONDecodeError, KeyError, TypeError, ValueError) as exc:
                raise CorpusError(f"{path}:{lineno}: not an annotation record ({exc})") from exc


def write_jsonl(records: Iterable[Record], path: str | Path) -> int:
    """Write records, one per line, UTF-8 without escaping; return how many."""
    n = 0
    with Path(path).open("w", encoding="utf-8") as fh:
        for r in records:
            fh.write(json.dumps(r.to_dict(), ensure_ascii=False) + "\n")
            n += 1
    return n


def annotation_files(paths: Iterable[str | Path]) -> list[Path]:
    """Expand files and directories (recursively, ``*.jsonl``) into a sorted file list."""
    out: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            out.extend(sorted(p.rglob("*.jsonl")))
        else:
            out.append(p)
    return out
