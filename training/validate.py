"""Check annotation files before they train anything.

:func:`validate` reads JSONL files (or directories of them, recursively) line by line and
returns every :class:`Problem` it finds, each naming the file, line, record id and span:

- errors: a line that is not JSON or not a record, a span out of bounds
  (``0 <= start < end <= len(text)`` must hold), overlapping spans, an unknown label, a
  span whose text is all whitespace, an id used twice (across all files);
- warnings: a span with leading or trailing whitespace. It still marks the entity, so it
  does not block training, but the tagger would learn to tag the space too and
  annotators should trim it. (A whitespace-only span is an error: it marks nothing.)

The importers reuse :func:`span_errors`, :func:`resolve_label` and :class:`Problem` so an
imported file already passes these checks.

>>> r = Record("r1", "一、总体情况 ", [Span(0, 7, "SECTION"), Span(2, 4, "cell")])
>>> for p in check_record(r, file="a.jsonl", line=3):
...     print(p)  # doctest: +NORMALIZE_WHITESPACE
a.jsonl:3: warning: record 'r1': span [0, 7) SECTION '一、总体情况 ': span text has leading or trailing whitespace
a.jsonl:3: error: record 'r1': span [2, 4) cell '总体': unknown label 'cell' (did you mean 'CELL'?); known labels: SECTION, SUBSECTION, TABLE_TITLE, COL_HEADER, ROW_LABEL, CELL, BLANK, FIG_METRIC, FIG_VALUE, FIG_UNIT, ORGAN, YEAR
a.jsonl:3: error: record 'r1': span [2, 4) cell '总体': overlaps span [0, 7) SECTION
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from rapidfuzz import fuzz, process

from gongkai.model.labels import LABELS

from .corpus import CorpusError, Record, Span, annotation_files, parse_lines

ERROR = "error"
WARNING = "warning"


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an annotation file, located as precisely as is known."""

    severity: str  # ERROR or WARNING
    kind: str  # json, record, bounds, overlap, label, blank, whitespace, duplicate_id, file, offsets, ...
    message: str
    file: str | None = None
    line: int | None = None
    id: str | None = None
    span: Span | None = None
    span_text: str | None = None

    @property
    def is_error(self) -> bool:
        return self.severity == ERROR

    def __str__(self) -> str:
        where = self.file or "<input>"
        if self.line is not None:
            where += f":{self.line}"
        parts = [where, self.severity]
        if self.id is not None:
            parts.append(f"record {self.id!r}")
        if self.span is not None:
            text = "" if self.span_text is None else f" {self.span_text!r}"
            parts.append(f"span [{self.span.start}, {self.span.end}) {self.span.label}{text}")
        return ": ".join([*parts, self.message])


class LabelError(ValueError):
    """A label that is not one of ours (and not mapped to one)."""


def close_label(name: str) -> str | None:
    """Our label that ``name`` most likely means, or None.

    >>> close_label("Col-Header"), close_label("zzz")
    ('COL_HEADER', None)
    """
    hit = process.extractOne(name.upper().replace("-", "_"), LABELS, scorer=fuzz.ratio, score_cutoff=60)
    return hit[0] if hit else None


def unknown_label_message(name: str) -> str:
    hint = close_label(name)
    hint = f" (did you mean {hint!r}?)" if hint else ""
    return f"unknown label {name!r}{hint}; known labels: {', '.join(LABELS)}"


def resolve_label(name: str, label_map: Mapping[str, str] | None = None) -> str:
    """Map a foreign label name to ours: through ``label_map`` first, then case-insensitively.

    >>> resolve_label("cell"), resolve_label(" Fig_Value "), resolve_label("address", {"ADDRESS": "ORGAN"})
    ('CELL', 'FIG_VALUE', 'ORGAN')
    >>> resolve_label("TABLE")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    LabelError: unknown label 'TABLE' (did you mean 'TABLE_TITLE'?); known labels: SECTION, ...
    """
    if not isinstance(name, str):
        raise LabelError(f"label {name!r} is not a string; known labels: {', '.join(LABELS)}")
    key = name.strip().upper()
    for foreign, ours in (label_map or {}).items():
        if foreign.strip().upper() == key:
            name, key = ours, ours.strip().upper()
            break
    if key in LABELS:
        return key
    raise LabelError(unknown_label_message(name))


def span_errors(text: str, span: Span) -> list[tuple[str, str]]:
    """``(kind, message)`` for each error of one span on its own (not overlap, not label).

    >>> span_errors("abc", Span(2, 5, "CELL"))
    [('bounds', 'span is out of bounds: need 0 <= start < end <= 3 (the text length)')]
    >>> span_errors("a  b", Span(1, 3, "CELL"))
    [('blank', 'span text is all whitespace')]
    """
    if not (isinstance(span.start, int) and isinstance(span.end, int)):
        return [("bounds", "span offsets are not integers")]
    if not 0 <= span.start < span.end <= len(text):
        return [("bounds", f"span is out of bounds: need 0 <= start < end <= {len(text)} (the text length)")]
    if not text[span.start : span.end].strip():
        return [("blank", "span text is all whitespace")]
    return []


def has_edge_whitespace(s: str) -> bool:
    return bool(s) and s != s.strip()


def check_record(record: Record, *, file: str | None = None, line: int | None = None) -> list[Problem]:
    """Every problem of one record's spans (ids are checked across files by :func:`validate`)."""

    def problem(severity: str, kind: str, message: str, span: Span) -> Problem:
        return Problem(severity, kind, message, file, line, record.id, span, record.text[span.start : span.end])

    problems: list[Problem] = []
    for span in record.spans:
        errors = span_errors(record.text, span)
        problems += [problem(ERROR, kind, msg, span) for kind, msg in errors]
        if not errors and has_edge_whitespace(record.span_text(span)):
            problems.append(problem(WARNING, "whitespace", "span text has leading or trailing whitespace", span))
        if span.label not in LABELS:
            problems.append(problem(ERROR, "label", unknown_label_message(span.label), span))
    # Overlaps: sort once, compare each span with the furthest-reaching one before it.
    ordered = sorted(
        (s for s in record.spans if isinstance(s.start, int) and isinstance(s.end, int)), key=lambda s: (s.start, s.end)
    )
    reach: Span | None = None
    for span in ordered:
        if reach is not None and span.start < reach.end:
            problems.append(
                problem(ERROR, "overlap", f"overlaps span [{reach.start}, {reach.end}) {reach.label}", span)
            )
        if reach is None or span.end > reach.end:
            reach = span
    return problems


def validate(paths: Iterable[str | Path]) -> list[Problem]:
    """Check annotation files and directories (recursive ``*.jsonl``); return every problem."""
    problems: list[Problem] = []
    seen: dict[str, tuple[str, int]] = {}
    paths = list(paths)
    for p in map(Path, paths):
        if not p.exists():
            problems.append(Problem(ERROR, "file", "no such file or directory", str(p)))
        elif p.is_dir() and not any(p.rglob("*.jsonl")):
            problems.append(Problem(WARNING, "file", "directory holds no *.jsonl files", str(p)))
    for path in annotation_files(p for p in map(Path, paths) if p.exists()):
        problems += _validate_file(path, seen)
    return problems


def _validate_file(path: Path, seen: dict[str, tuple[str, int]]) -> list[Problem]:
    file = str(path)
    try:
        items = list(parse_lines(path))
    except (OSError, UnicodeDecodeError) as exc:
        return [Problem(ERROR, "file", f"cannot read the file as UTF-8 ({exc})", file)]
    problems: list[Problem] = []
    for lineno, record in items:
        if isinstance(record, CorpusError):
            problems.append(Problem(ERROR, record.kind, record.reason, file, lineno, record.id))
            continue
        if record.id in seen:
            first_file, first_line = seen[record.id]
            problems.append(
                Problem(ERROR, "duplicate_id", f"id already used at {first_file}:{first_line}", file, lineno, record.id)
            )
        else:
            seen[record.id] = (file, lineno)
        problems += check_record(record, file=file, line=lineno)
    return problems


def summary(problems: list[Problem], n_files: int | None = None) -> str:
    """One line: how many errors and warnings.

    >>> summary([Problem(ERROR, "json", "x"), Problem(WARNING, "whitespace", "y")], n_files=2)
    '2 files checked: 1 error, 1 warning'
    """
    errors = sum(p.is_error for p in problems)
    warnings = len(problems) - errors
    head = f"{n_files} file{'s' * (n_files != 1)} checked: " if n_files is not None else ""
    return f"{head}{errors} error{'s' * (errors != 1)}, {warnings} warning{'s' * (warnings != 1)}"
