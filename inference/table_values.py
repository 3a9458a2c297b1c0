"""Reading a row's values off the text: the tagged values, touching pieces joined, or the
printed ``|`` grid read cell by cell (empty cells become BLANKs); a segment's values split
among its rows; a row printed as plain numbers read as its printed run (where cells touch,
the tagger's boundaries are not evidence: the run is split by :mod:`.segment`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from gongkai.model import template as T
from gongkai.model.labels import Label

from .entities import Entity
from .numbers import OCR_DIGITS, is_blank


def _is_padding_line(text: str, pos: int) -> bool:
    """Whether the ``|`` at ``pos`` sits on a line of pipes only with two or more of them
    (``||``, ``||||``): padding, never an empty cell."""
    a = text.rfind("\n", 0, pos) + 1
    b = text.find("\n", pos)
    line = text[a : len(text) if b < 0 else b].strip(" ?\t")
    return len(line) >= 2 and set(line) == {"|"}


def printed_cells(text: str, lo: int, hi: int, values: list[Entity], want: int) -> list[Entity] | None:
    r"""The values of ``text[lo:hi]`` read cell by cell, where ``|`` closes each printed cell:
    a cell holding tagged values gives those, an empty one gives a BLANK (its ``|``), the
    first cell when empty is the label's own. Reading stops once ``want`` cells are read
    (later pipes are row padding); ``None`` when the region is not a pipe row, holds
    untagged text in a cell, or has fewer than ``want`` cells.

    >>> t = "规范性文件 |\n|\n|\n|\n|\n"
    >>> [(e.label, e.start) for e in printed_cells(t, 5, len(t), [], 3)]
    [('BLANK', 8), ('BLANK', 10), ('BLANK', 12)]
    >>> t = "0 |\n|\n7 |"
    >>> [e.text for e in printed_cells(t, 0, len(t), [Entity("CELL", 0, 1, "0"), Entity("CELL", 6, 7, "7")], 3)]
    ['0', '|', '7']
    """
    pipes = [i for i in range(lo, hi) if text[i] == "|"]
    if not pipes:
        return None
    tagged_blanks = {v.start: v for v in values if v.label == Label.BLANK}
    out: list[Entity] = []
    cells = 0
    start = lo
    for n, end in enumerate([*pipes, hi]):
        if cells == want:
            break
        inside = [v for v in values if v.label != Label.BLANK and start <= v.start and v.end <= end]
        rest = "".join(text[a:b] for a, b in zip([start, *(v.end for v in inside)], [*(v.start for v in inside), end]))
        if rest.strip(" ?\t\n\u3000") and not (not inside and is_blank(rest)):
            return None  # untagged text in a cell: not ours to read (a blank marker, ``-``, is a blank)
        if inside:
            # Pieces with nothing between them are one printed number (``00`` as ``0`` + ``0``).
            if len(inside) > 1 and all(a.end == b.start for a, b in zip(inside, inside[1:])):
                inside = [
                    Entity(
                        Label.CELL,
                        inside[0].start,
                        inside[-1].end,
                        text[inside[0].start : inside[-1].end],
                        min(v.score for v in inside),
                    )
                ]
            out.extend(inside)
            cells += len(inside)
        elif end in tagged_blanks:
            out.append(tagged_blanks[end])
            cells += 1
        elif end < hi and n > 0 and not _is_padding_line(text, end):
            out.append(Entity(Label.BLANK, end, end + 1, "|", 1.0))
            cells += 1
        start = end + 1
    return out if cells == want else None


def _lines(text: str, values: list[Entity]) -> list[list[Entity]]:
    """Values grouped by the text line they sit on."""
    out: list[list[Entity]] = []
    for k, e in enumerate(values):
        if k == 0 or "\n" in text[values[k - 1].end : e.start]:
            out.append([])
        out[-1].append(e)
    return out


def join_touching(values: list[Entity], text: str) -> list[Entity]:
    """Tagged cells that touch (no separator between them) joined into one printed piece."""
    merged: list[Entity] = []
    for e in values:
        prev = merged[-1] if merged else None
        if prev is not None and prev.label == e.label == Label.CELL and prev.end == e.start:
            merged[-1] = Entity(
                Label.CELL,
                prev.start,
                e.end,
                text[prev.start : e.end] if text else prev.text + e.text,
                min(prev.score, e.score),
            )
        else:
            merged.append(e)
    return merged


def _merge_touching(values: list[Entity], text: str, wanted: int) -> list[Entity]:
    """Values that touch (no separator between them) joined into one, when that leaves exactly
    ``wanted`` values: ``| 125 |`` tagged as ``1`` + ``25`` is one number. Where the count
    already fits (cells genuinely glued, ``6000017``) or joining does not make it fit, the
    values stay as they are."""
    if len(values) <= wanted:
        return values
    merged = join_touching(values, text)
    return merged if len(merged) == wanted else values


def _covers(read: list[Entity], values: list[Entity]) -> bool:
    return all(any(r.start <= v.start and v.end <= r.end for r in read) for v in values)


def read_values(text: str, values: list[Entity], lo: int, hi: int, want: int) -> list[Entity]:
    """One row's (or a flat table's) values: the tagged ones, touching pieces joined when
    that makes the count; read cell by cell off the printed ``|`` grid instead (empty cells
    become BLANKs) when that gives the count and keeps every tagged value, or when the
    tagged ones alone do not fit."""
    merged = _merge_touching(values, text, want)
    read = printed_cells(text, lo, hi, values, want) if text and want else None
    if read is not None and (len(merged) != want or _covers(read, values)):
        return read
    return merged


def distribute(
    text: str, rows: list[str], fields: list[int], values: list[Entity], region: tuple[int, int] | None = None
) -> list[list[Entity]]:
    """Split a segment's values among its rows: one line per row when the lines say so,
    else in reading order, each row taking as many values as it has fields. A single row
    is read off its printed cells in ``region`` (see :func:`read_values`)."""
    if len(rows) == 1:
        if region is not None:
            return [read_values(text, values, *region, fields[0])]
        return [_merge_touching(values, text, fields[0])]
    lines = _lines(text, values)
    if len(lines) == len(rows):
        return [_merge_touching(line, text, n) for line, n in zip(lines, fields)]
    values = _merge_touching(values, text, sum(fields))
    out, k = [], 0
    for n in fields:
        out.append(values[k : k + n])
        k += n
    return out


def digit_run(values: list[Entity]) -> str | None:
    """The values of a short row as one run of digits (spaces between tagged pieces are
    boundaries), or ``None`` when one is not plain digits."""
    texts = [v.text for v in values]
    if (
        not values
        or any(v.label != Label.CELL for v in values)
        or not all(re.fullmatch(r"[\d\s?\u3000]+", t) and re.search(r"\d", t) for t in texts)
    ):
        return None
    return " ".join(texts)


# --------------------------------------------------------------------------- glued runs

#: A printed number in a run: a sign (``减`` is the 2019 form's minus), digits, a fraction,
#: a unit (a unit ends a number, like a space).
_MINUS = ("\u2212", *T.MINUS_WORDS)
# A ``-`` right after a digit is a blank marker between cells (``1430-2120``), not a sign; a
# ``+`` is a sign wherever it stands (``3549+279``: the 2019 form's 本年增/减 printed +27).
_TOKEN = re.compile(rf"((?<!\d)[-\u2212]|\+|{'|'.join(T.MINUS_WORDS)})?(\d+(?:\.\d+)?)({'|'.join(T.CELL_UNITS)})?")
_GAP = re.compile(r"[\s?\u3000]*")
_YEAR_END = re.compile(r"(?:19|20)\d\d$")


@dataclass(frozen=True)
class PrintedRun:
    """The numbers printed after a row label up to the next label, heading or sentence, in
    normalised offsets: ``start``/``end`` span the run as printed; ``chunks`` are its numbers
    between hard boundaries (spaces, units), as the segmenter reads them (``-`` for ``减``)."""

    start: int
    end: int
    chunks: tuple[str, ...]
    #: Each chunk's span as printed (with its unit).
    spans: tuple[tuple[int, int], ...]

    @property
    def run(self) -> str:
        return " ".join(self.chunks)

    @property
    def digits(self) -> int:
        return sum(sum(ch.isdigit() for ch in c.split(".")[0]) for c in self.chunks)

    def values(self) -> list[int | float]:
        """Each chunk as the number it prints (a run printed with one number per cell).

        >>> glued_run("收费16减12", 2, 7).values()
        [16, -12]
        """
        return [float(c) if "." in c else int(c) for c in self.chunks]


def glued_run(text: str, lo: int, hi: int, next_number: str | None = None) -> PrintedRun | None:
    """The numbers printed in ``text[lo:hi]`` (a row's region: from its label to the next
    label) when they are printed plain — digits, spaces, units and signs only, as one-line
    scrapes print table rows — else ``None`` (a ``|`` grid, a blank marker, words).

    Where the run touches what follows, the tail that is not the row's is dropped: the next
    label's list number (``00000002.其他法律…``; ``next_number`` when the template knows it, else
    one digit) and a year the sentence after the table starts with (``02025年,我局…``).

    >>> r = glued_run("行政规范性文件5416第二十条", 7, 11)
    >>> r.run, (r.start, r.end)
    ('5416', (7, 11))
    >>> glued_run("1.属于国家秘密00000002.其他法律", 8, 17, "2").run
    '0000000'
    >>> glued_run("收费02025年,我局", 2, 11).run
    '0'
    >>> glued_run("采购3个3443000元 四、", 2, 14).chunks
    ('3', '3443000')
    >>> glued_run("规章 | 0 | 0 |", 2, 12) is None, glued_run("公开13 5 0 l9 (三)", 2, 16) is None
    (True, True)
    >>> glued_run("禁止公开1430-2120 3.", 4, 16) is None
    True
    """
    pos = _GAP.match(text, lo).end()
    tokens: list[re.Match] = []
    while pos < hi:
        m = _TOKEN.match(text, pos, hi)
        if m is None:
            break
        tokens.append(m)
        pos = _GAP.match(text, m.end()).end()
    if not tokens:
        return None
    end = tokens[-1].end()
    rest = text[end:hi].lstrip()
    if rest[:1] in ("|", "-", "—", "/") or rest[:1] in OCR_DIGITS:
        return None  # a grid, a blank marker, a digit OCR made a letter: not a plain run
    chunks = [("-" if m[1] in _MINUS else m[1] or "") + m[2] for m in tokens]
    spans = [(m.start(), m.end()) for m in tokens]
    last = tokens[-1]
    cut = 0
    if not last[3] and "." not in last[2] and end < hi:
        follow = text[end]
        if follow in ".．、" and not text[end + 1 : end + 2].isdigit():
            number = next_number or last[2][-1]
            cut = len(number) if last[2].endswith(number) else 0
        elif follow == "年" and _YEAR_END.search(last[2]):
            cut = 4
    if cut:
        if len(last[2]) > cut:
            chunks[-1] = chunks[-1][:-cut]
            spans[-1] = (spans[-1][0], spans[-1][1] - cut)
        else:
            chunks.pop()
            spans.pop()
    if not chunks:
        return None
    return PrintedRun(spans[0][0], spans[-1][1], tuple(chunks), tuple(spans))
