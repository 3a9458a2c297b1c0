"""Import annotations made in other tools into our JSONL records, checking every span.

Each format has a ``from_<format>(path, label_map=None) -> ImportResult`` in its own
module of this package (``labelstudio``, ``conll``, ``doccano``, ``bio``, ``cluener``,
``docbin``, ``hf``); :func:`import_file` picks one by name. All of them go through
:class:`Importer`, which enforces what :mod:`gongkai.training.validate` checks and
*rejects* (reports, does not import) rather than guesses:

- a label that is not ours after ``label_map`` and case folding (the message lists ours);
- offsets that are not integers, out of bounds, or whose ``text[start:end]`` differs from
  the span's own copy of its text. One repair is made, only when the text proves it:
  offsets counted in UTF-16 code units (as JavaScript front ends count; a character
  outside the BMP, like 𠀀 or an emoji, counts twice) are converted to Python character
  offsets when that makes ``text[start:end]`` equal the span's text; a warning says so;
- a whitespace-only span, a span overlapping one already accepted, a record whose id
  was already imported.

A span with leading or trailing whitespace is imported with a warning, as validate does.

>>> imp = Importer("x.json")
>>> r = imp.add("r1", "😀总体情况", [Candidate(2, 4, "section", "体情"), Candidate(3, 6, "CELL", "体情况")])
>>> r.spans
[Span(start=2, end=4, label='SECTION')]
>>> print(imp.result().problems[0])
x.json: warning: record 'r1': span [3, 6) CELL '体情况': offsets were UTF-16 code units; read them as [2, 5)
>>> print(imp.result().problems[1])
x.json: error: record 'r1': span [2, 5) CELL '体情况': overlaps span [2, 4) SECTION; rejected
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..corpus import Record, Span
from ..validate import ERROR, WARNING, LabelError, Problem, has_edge_whitespace, resolve_label, span_errors

FORMATS = ("labelstudio", "conll", "doccano", "bio", "cluener", "docbin", "hf")
#: The formats whose records can take their id from a field the user names, and that can take
#: the texts a lossy export lost (a CoNLL export, also read by ``labelstudio``).
ID_FIELD_FORMATS = ("labelstudio", "conll")
TEXTS_FORMATS = ("labelstudio", "conll")


class ImportFormatError(ValueError):
    """An input file that is not in the format it was said to be in; names the file."""


@dataclass(frozen=True)
class Candidate:
    """A span as a foreign file states it; ``text`` is the file's own copy of the span text, if any."""

    start: Any
    end: Any
    label: Any
    text: str | None = None


@dataclass
class ImportResult:
    records: list[Record] = field(default_factory=list)
    #: Errors are what was rejected (not imported); warnings are what was imported with a note.
    problems: list[Problem] = field(default_factory=list)

    @property
    def rejected(self) -> list[Problem]:
        return [p for p in self.problems if p.is_error]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if not p.is_error]

    @property
    def n_spans(self) -> int:
        return sum(len(r.spans) for r in self.records)


def utf16_to_index(text: str, unit: int) -> int | None:
    """The character index at UTF-16 code unit ``unit`` of ``text``; None inside a pair or past the end.

    >>> utf16_to_index("𠀀a", 2), utf16_to_index("𠀀a", 1), utf16_to_index("𠀀a", 3)
    (1, None, 2)
    """
    pos = 0
    for i, ch in enumerate(text):
        if pos == unit:
            return i
        pos += 2 if ord(ch) > 0xFFFF else 1
        if pos > unit:
            return None
    return len(text) if pos == unit else None


class Importer:
    """Collects the records and problems of one input file."""

    def __init__(self, file: str | Path, label_map: Mapping[str, str] | None = None):
        self.file = str(file)
        self.label_map = label_map
        self._result = ImportResult()
        self._ids: set[str] = set()

    def problem(
        self,
        severity: str,
        kind: str,
        message: str,
        *,
        line: int | None = None,
        rid: str | None = None,
        span: Span | None = None,
        span_text: str | None = None,
    ) -> None:
        self._result.problems.append(Problem(severity, kind, message, self.file, line, rid, span, span_text))

    def reject_record(self, message: str, *, line: int | None = None, rid: str | None = None) -> None:
        self.problem(ERROR, "record", f"{message}; record rejected", line=line, rid=rid)

    def add(
        self, rid: Any, text: Any, candidates: Sequence[Candidate], *, meta: Any = None, line: int | None = None
    ) -> Record | None:
        """Check and add one record; return it, or None when the whole record is rejected."""
        rid = str(rid)
        if not isinstance(text, str):
            self.reject_record(f"text is {type(text).__name__}, not a string", line=line, rid=rid)
            return None
        if rid in self._ids:
            self.reject_record("id already imported from this input", line=line, rid=rid)
            return None
        if meta is not None and not isinstance(meta, dict):
            self.problem(WARNING, "meta", f"meta is {type(meta).__name__}, not an object; dropped", line=line, rid=rid)
            meta = None
        accepted: list[Span] = []
        for cand in candidates:
            span = self._check(rid, text, cand, accepted, line)
            if span is not None:
                accepted.append(span)
        record = Record(rid, text, sorted(accepted), dict(meta or {}))
        self._ids.add(rid)
        self._result.records.append(record)
        return record

    def _check(self, rid: str, text: str, cand: Candidate, accepted: list[Span], line: int | None) -> Span | None:
        raw = Span(cand.start, cand.end, cand.label)

        def reject(kind: str, message: str, span: Span = raw, shown: str | None = cand.text) -> None:
            self.problem(ERROR, kind, f"{message}; rejected", line=line, rid=rid, span=span, span_text=shown)

        try:
            label = resolve_label(cand.label, self.label_map)
        except LabelError as exc:
            reject("label", str(exc))
            return None
        start, end = cand.start, cand.end
        if not all(isinstance(x, int) and not isinstance(x, bool) for x in (start, end)):
            reject("offsets", "offsets are not integers")
            return None
        span = Span(start, end, label)
        in_bounds = 0 <= start < end <= len(text)
        if cand.text is not None and not (in_bounds and text[start:end] == cand.text):
            fixed = self._utf16(text, start, end, cand.text)
            if fixed is None:
                found = repr(text[start:end]) if in_bounds else "out of bounds"
                reject("offsets", f"text[{start}:{end}] is {found}, not the span's text {cand.text!r}", span)
                return None
            self.problem(
                WARNING,
                "offsets",
                f"offsets were UTF-16 code units; read them as [{fixed[0]}, {fixed[1]})",
                line=line,
                rid=rid,
                span=span,
                span_text=cand.text,
            )
            span = Span(*fixed, label)
        for kind, message in span_errors(text, span):
            reject(kind, message, span, text[span.start : span.end] if kind != "bounds" else cand.text)
            return None
        shown = text[span.start : span.end]
        for other in accepted:
            if span.start < other.end and other.start < span.end:
                reject("overlap", f"overlaps span [{other.start}, {other.end}) {other.label}", span, shown)
                return None
        if has_edge_whitespace(shown):
            self.problem(
                WARNING,
                "whitespace",
                "span text has leading or trailing whitespace (imported as is)",
                line=line,
                rid=rid,
                span=span,
                span_text=shown,
            )
        return span

    @staticmethod
    def _utf16(text: str, start: int, end: int, expected: str) -> tuple[int, int] | None:
        if start < 0 or all(ord(c) <= 0xFFFF for c in text):
            return None
        s, e = utf16_to_index(text, start), utf16_to_index(text, end)
        if s is None or e is None or text[s:e] != expected:
            return None
        return s, e

    def result(self) -> ImportResult:
        return self._result


def read_json(path: Path, what: str) -> Any:
    """Parse a whole JSON file, with an error naming the file and the expected format."""
    import json

    try:
        return json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ImportFormatError(f"{path}: cannot read it as a {what} JSON file ({exc})") from exc


def import_file(
    fmt: str,
    path: str | Path,
    label_map: Mapping[str, str] | None = None,
    *,
    id_field: str | None = None,
    texts: str | Path | None = None,
) -> ImportResult:
    """Import ``path`` written in ``fmt`` (one of :data:`FORMATS`). ``id_field`` names the field
    that holds each record's id (:data:`ID_FIELD_FORMATS`); ``texts``, the texts a CoNLL export
    was made from (:data:`TEXTS_FORMATS`, see :mod:`gongkai.training.formats.conll`)."""
    import importlib

    if fmt not in FORMATS:
        raise ValueError(f"unknown import format {fmt!r}; known formats: {', '.join(FORMATS)}")
    options: dict[str, Any] = {}
    for name, value, formats in (("id_field", id_field, ID_FIELD_FORMATS), ("texts", texts, TEXTS_FORMATS)):
        if value is not None:
            if fmt not in formats:
                flag = "--" + name.replace("_", "-")
                raise ValueError(f"{flag} works with {' or '.join(formats)} imports, not {fmt}")
            options[name] = value
    path = Path(path)
    if not path.exists():
        raise ImportFormatError(f"{path}: no such file or directory")
    if texts is not None and not Path(texts).is_file():
        raise ImportFormatError(f"{texts}: no such file (--texts)")
    module = importlib.import_module(f".{fmt}", __package__)
    return getattr(module, f"from_{fmt}")(path, label_map, **options)
