"""Per-character tags <-> spans, for the formats that store tags (BIO files, HF datasets).

Writing uses IOB2 (our tag set, :data:`gongkai.model.labels.TAGS`). Reading is lenient, as
foreign files vary: IOB2, IOB1/BIO (an ``I-`` with no ``B-`` before it starts a new
entity, with a warning), and BIOES/BMES (``S-`` single, ``E-`` end, ``M-`` middle).

>>> spans_to_tags(5, [Span(1, 3, "CELL"), Span(3, 4, "CELL")])
['O', 'B-CELL', 'I-CELL', 'B-CELL', 'O']
>>> tags_to_spans(['O', 'B-CELL', 'I-CELL', 'B-CELL', 'O'])
([(1, 3, 'CELL'), (3, 4, 'CELL')], [])
>>> tags_to_spans(['I-CELL', 'I-CELL', 'O', 'S-YEAR', 'B-ORGAN', 'E-ORGAN'])[0]
[(0, 2, 'CELL'), (3, 4, 'YEAR'), (4, 6, 'ORGAN')]
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from gongkai.model.labels import OUTSIDE

from ..corpus import Span

PREFIXES = ("B", "I", "M", "E", "S")


def spans_to_tags(length: int, spans: Iterable[Span]) -> list[str]:
    """IOB2 tags, one per character, for valid (in-bounds, non-overlapping) spans."""
    tags = [OUTSIDE] * length
    for s in spans:
        tags[s.start] = f"B-{s.label}"
        for i in range(s.start + 1, s.end):
            tags[i] = f"I-{s.label}"
    return tags


def tags_to_spans(tags: Sequence[str]) -> tuple[list[tuple[int, int, str]], list[tuple[int, str, bool]]]:
    """Decode tags into ``(start, end, label)`` and notes ``(position, message, is_error)``.

    Labels are returned as written; the caller maps them to ours.

    >>> tags_to_spans(['B-CELL', 'I-ROW_LABEL', 'X'])
    ([(0, 1, 'CELL'), (1, 2, 'ROW_LABEL')], [(1, "'I-ROW_LABEL' follows no B-ROW_LABEL: read as the start of an entity", False), (2, "tag 'X' is not O or B-/I-/E-/S-/M-LABEL: read as O", True)])
    """
    spans: list[tuple[int, int, str]] = []
    notes: list[tuple[int, str, bool]] = []
    start: int | None = None
    label = ""

    def close(end: int) -> None:
        nonlocal start
        if start is not None:
            spans.append((start, end, label))
        start = None

    for i, tag in enumerate(tags):
        if tag == OUTSIDE:
            close(i)
            continue
        prefix, _, name = tag.partition("-")
        if not name or prefix.upper() not in PREFIXES:
            close(i)
            notes.append((i, f"tag {tag!r} is not O or B-/I-/E-/S-/M-LABEL: read as O", True))
            continue
        prefix = prefix.upper()
        if prefix in ("B", "S"):
            close(i)
            start, label = i, name
        elif start is None or name.upper() != label.upper():  # labels map case-insensitively
            close(i)
            notes.append((i, f"{tag!r} follows no B-{name}: read as the start of an entity", False))
            start, label = i, name
        if prefix in ("S", "E"):
            close(i + 1)
    close(len(tags))
    return spans, notes
