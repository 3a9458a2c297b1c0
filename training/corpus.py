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
        return self.text[span.start : span.end]

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "text": self.text, "spans": [s.to_dict() for s in self.spans], "meta": self.meta}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Record:
        if not isinstance(d, dict) or not isinstance(d.get("text"), str):
            raise TypeError("need an object with a string 'text'")
        return cls(
            id=str(d["id"]),
            text=d["text"],
            spans=[Span(int(s["start"]), int(s["end"]), str(s["label"])) for s in d.get("spans") or []],
            meta=dict(d.get("meta") or {}),
        )


class CorpusError(ValueError):
    """A line of an annotation file that is not a record; names the file and line.

    ``kind`` is ``json`` (the line is not JSON) or ``record`` (JSON, but not a record; ``id`` is
    its id where it has one), ``reason`` the message without the place."""

    def __init__(self, path: str | Path, line: int, kind: str, reason: str, id: str | None = None):
        super().__init__(f"{path}:{line}: {reason}")
        self.path, self.line, self.kind, self.reason, self.id = str(path), line, kind, reason, id


def parse_lines(path: str | Path) -> Iterator[tuple[int, Record | CorpusError]]:
    """Each non-empty line of a JSONL file: its number, and its record or the :class:`CorpusError`
    that says why it is none. The one reader of annotation files: :func:`read_jsonl` stops at the
    first error, :func:`gongkai.training.validate.validate` reports them all.

    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as d:
    ...     f = Path(d) / "a.jsonl"
    ...     _ = f.write_text('{"id": "a", "text": "x"}\\n\\n{"id": 7}\\nnot json\\n', encoding="utf-8")
    ...     [(n, getattr(item, "kind", "ok")) for n, item in parse_lines(f)]
    [(1, 'ok'), (3, 'record'), (4, 'json')]
    """
    path = Path(path)
    with path.open(encoding="utf-8") as fh:
        for lineno, line in enumerate(fh, 1):
            if line.strip():
                yield lineno, _parse(line, path, lineno)


def _parse(line: str, path: Path, lineno: int) -> Record | CorpusError:
    try:
        data = json.loads(line)
    except json.JSONDecodeError as exc:
        return CorpusError(path, lineno, "json", f"not valid JSON ({exc})")
    try:
        return Record.from_dict(data)
    except (KeyError, TypeError, ValueError) as exc:
        rid = data.get("id") if isinstance(data, dict) else None
        return CorpusError(
            path, lineno, "record", f"not an annotation record ({exc!r})", None if rid is None else str(rid)
        )


def read_jsonl(path: str | Path) -> Iterator[Record]:
    """Yield the records of one JSONL file, one per non-empty line; raises :class:`CorpusError`
    at the first line that is not one."""
    for _, item in parse_lines(path):
        if isinstance(item, CorpusError):
            raise item
        yield item


def read_records(paths: Iterable[str | Path]) -> list[Record]:
    """All records of JSONL files and directories (recursive ``*.jsonl``), file by file.
    Raises ``FileNotFoundError`` naming every path that does not exist, :class:`CorpusError`
    for a line that is not a record."""
    paths = [Path(p) for p in paths]
    missing = [str(p) for p in paths if not p.exists()]
    if missing:
        raise FileNotFoundError(f"no such file or directory: {', '.join(missing)}")
    return [r for f in annotation_files(paths) for r in read_jsonl(f)]


def write_jsonl(records: Iterable[Record], path: str | Path) -> int:
    """Write records, one per line, UTF-8 without escaping; return how many."""
    n = 0
    Path(path).parent.mkdir(parents=True, exist_ok=True)
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
