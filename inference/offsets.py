"""Character offset maps: each output character ``i`` covers the input range
``[starts[i], ends[i])``. Maps are int32 numpy arrays (8 bytes a character), built by
applying sorted edits and composed stage after stage, so a normalised span can always be
traced back to the text the caller gave.

>>> text, starts, ends = apply_edits("a  b\\r\\nc", [(1, 3, " "), (4, 5, "")])
>>> text
'a b\\nc'
>>> starts.tolist(), ends.tolist()
([0, 1, 3, 5, 6], [1, 3, 4, 6, 7])
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

#: An edit replaces ``text[start:end]`` by ``replacement`` (``''`` deletes; one character
#: stands for the whole range).
Edit = tuple[int, int, str]

INDEX = np.int32


def identity(n: int) -> tuple[np.ndarray, np.ndarray]:
    """The map of an unchanged text of length ``n``.

    >>> [a.tolist() for a in identity(3)]
    [[0, 1, 2], [1, 2, 3]]
    """
    starts = np.arange(n, dtype=INDEX)
    return starts, starts + 1


def apply_edits(text: str, edits: Iterable[Edit]) -> tuple[str, np.ndarray, np.ndarray]:
    """Apply non-overlapping ``edits`` (sorted by start) to ``text``; return the new text and
    its map into ``text``. Replacements are at most one character long."""
    pieces: list[str] = []
    copy_from: list[int] = []  # input offset of each kept run / replacement
    out_at: list[int] = []  # output offset where it lands
    lengths: list[int] = []
    replaced: list[tuple[int, int]] = []  # (output offset, input end) of each replacement char
    pos = out = 0
    for start, end, replacement in edits:
        if start < pos or end < start or len(replacement) > 1:
            raise ValueError(f"bad edit {(start, end, replacement)!r} at input offset {pos}")
        if start > pos:
            pieces.append(text[pos:start])
            copy_from.append(pos), out_at.append(out), lengths.append(start - pos)
            out += start - pos
        if replacement:
            pieces.append(replacement)
            copy_from.append(start), out_at.append(out), lengths.append(1)
            replaced.append((out, end))
            out += 1
        pos = end
    if pos < len(text):
        pieces.append(text[pos:])
        copy_from.append(pos), out_at.append(out), lengths.append(len(text) - pos)
        out += len(text) - pos
    # Within a piece the input offset grows with the output offset: starts = i + shift.
    shift = np.asarray(copy_from, dtype=INDEX) - np.asarray(out_at, dtype=INDEX)
    starts = np.arange(out, dtype=INDEX)
    starts += np.repeat(shift, np.asarray(lengths, dtype=np.int64))
    ends = starts + 1
    if replaced:
        where, end = np.asarray(replaced, dtype=INDEX).T
        ends[where] = end
    return "".join(pieces), starts, ends


def compose(
    outer: tuple[np.ndarray, np.ndarray], inner: tuple[np.ndarray, np.ndarray] | None
) -> tuple[np.ndarray, np.ndarray]:
    """The map source → final, given ``outer`` (source → middle) and ``inner`` (middle → final).

    >>> s, e = compose((np.array([0, 2, 3]), np.array([2, 3, 5])), (np.array([0, 2]), np.array([2, 3])))
    >>> s.tolist(), e.tolist()
    ([0, 3], [3, 5])
    """
    if inner is None:
        return outer
    starts, ends = inner
    return outer[0][starts], outer[1][ends - 1]


def to_source(starts: np.ndarray, ends: np.ndarray, start: int, end: int) -> tuple[int, int]:
    """Span of output characters ``[start, end)`` → input span. An empty span maps to the
    input position just after the character before it."""
    n = len(starts)
    if not 0 <= start <= end <= n:
        raise ValueError(f"span ({start}, {end}) is outside the normalised text (length {n})")
    if start < end:
        return int(starts[start]), int(ends[end - 1])
    at = int(ends[start - 1]) if start > 0 else (int(starts[0]) if n else 0)
    return at, at


def from_source(starts: np.ndarray, ends: np.ndarray, source_length: int, start: int, end: int) -> tuple[int, int]:
    """Input span → the smallest output span whose characters overlap it (an empty span at
    the right place when every input character in it was deleted). Needs monotone maps."""
    if not 0 <= start <= end <= source_length:
        raise ValueError(f"span ({start}, {end}) is outside the source (length {source_length})")
    first = int(np.searchsorted(ends, start, side="right"))
    if start == end:
        return first, first
    last = int(np.searchsorted(starts, end, side="left"))
    return (first, last) if last > first else (first, first)
