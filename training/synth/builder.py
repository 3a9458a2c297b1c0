"""Text with exact spans: the writer every synth_ module renders into, and the offset
tracker that keeps spans exact when damage edits the text afterwards.

Spans are mutable ``[start, end, label, info]`` lists so that damage passes can move
them in place; ``info`` is the side channel (the intended clean text, a cell's value).
Labels starting with ``_`` are internal (a whole figure, a section heading's key): they
move with the text like the others and end up in ``meta`` instead of the record's spans.

>>> b = Builder()
>>> b.add("规章 ", None); b.add("0", "CELL", value=0); b.add(" |\\n")
>>> b.text(), [(s[0], s[1], s[2]) for s in b.spans]
('规章 0 |\\n', [(3, 4, 'CELL')])
>>> text, spans = apply_edits("据x", [[0, 1, "數", False], [1, 0, "(jù)", True]], [[0, 1, "L", {}]])
>>> text, spans[0][:2]
('數(jù)x', [0, 5])
"""

from __future__ import annotations

from bisect import bisect_right
from typing import Any


class Builder:
    """Accumulates text pieces; a labelled piece becomes a span over exactly its text."""

    __slots__ = ("_parts", "_len", "spans")

    def __init__(self) -> None:
        self._parts: list[str] = []
        self._len = 0
        self.spans: list[list[Any]] = []

    def __len__(self) -> int:
        return self._len

    def add(self, text: str, label: str | None = None, **info: Any) -> None:
        if label is not None and text:
            # Labels cover the printed text only, never the whitespace around it.
            stripped = text.strip(" \n\t")
            lead = len(text) - len(text.lstrip(" \n\t"))
            start = self._len + lead
            info.setdefault("intended", stripped)
            self.spans.append([start, start + len(stripped), label, info])
        self._parts.append(text)
        self._len += len(text)

    def open(self, label: str, **info: Any) -> list[Any]:
        """Start a span whose end :meth:`close` sets (a figure spanning several pieces)."""
        span = [self._len, self._len, label, info]
        self.spans.append(span)
        return span

    def close(self, span: list[Any]) -> None:
        span[1] = self._len
        span[3].setdefault("intended", self.text()[span[0] : span[1]])

    def text(self) -> str:
        if len(self._parts) > 1:
            self._parts = ["".join(self._parts)]
        return self._parts[0] if self._parts else ""


def apply_edits(text: str, edits: list[list[Any]], spans: list[list[Any]]) -> tuple[str, list[list[Any]]]:
    """Apply single-character edits and move every span with them (in place).

    An edit is ``[pos, old_len, new_text, sticky]`` with ``old_len`` 0 (insert before
    ``pos``) or 1 (replace the character at ``pos``). A sticky insertion belongs to the
    character before it (a ruby), so a span ending there takes it in; a plain insertion
    (padding) stays outside any span that starts or ends at its position.
    """
    if not edits:
        return text, spans
    # Inserts before replacements at one position; sticky (ruby of the previous char) first.
    edits.sort(key=lambda e: (e[0], e[1] > 0, not e[3]))
    out: list[str] = []
    ends: list[int] = []
    cum: list[int] = [0]
    prev = 0
    for pos, old_len, new, _sticky in edits:
        if pos < prev:
            raise ValueError(f"overlapping edits at {pos}")
        out.append(text[prev:pos])
        out.append(new)
        prev = pos + old_len
        ends.append(prev)
        cum.append(cum[-1] + len(new) - old_len)
    out.append(text[prev:])
    n = len(edits)
    for span in spans:
        s, e = span[0], span[1]
        # A start moves past everything ending at or before it.
        span[0] = s + cum[bisect_right(ends, s)]
        # An end takes in replacements ending there and sticky inserts at it, not padding.
        i = bisect_right(ends, e - 1)
        while i < n and ends[i] == e and (edits[i][1] > 0 or edits[i][3]):
            i += 1
        span[1] = e + cum[i]
        if span[1] < span[0]:
            span[1] = span[0]
    return "".join(out), spans
