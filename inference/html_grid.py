"""Where each cell of an HTML table stands, so that a data row is written as its labels and
then exactly one cell per column under the header rows.

Word and CMS tables span a label over two or three columns, a group label over several rows,
a header over five columns (``法人或其他组织``), and leave blank cells empty. Written position
by position, the positions a span covers become empty cells that nothing tells apart from
blank ones, and the values slide. Here the spans are expanded into the grid a browser draws
(:func:`place`) and each row is planned (:func:`plan`):

- the **data columns** start after the row labels: where most rows' last label ends (a row
  of values with no label at all starts there too);
- the data columns are grouped under the **lowest header cell** above each (a field header
  spanning three columns is one column; ``法人或其他组织`` is not the lowest over its five);
- a **data row** writes its non-empty label cells, then one cell per column group: its value,
  or a blank when the group holds no text (an empty cell, a position a rowspan covers, a
  missing trailing cell). Positions a label spans are not cells;
- header and label rows write their non-empty cells.

>>> rows = [[GridCell("项目", colspan=2, rowspan=2), GridCell("自然人", rowspan=2), GridCell("法人或其他组织", colspan=2)],
...         [GridCell("商业企业"), GridCell("科研机构")],
...         [GridCell("(三)不予公开", rowspan=2), GridCell("1.属于国家秘密"), GridCell("3"), GridCell(""), GridCell("1")],
...         [GridCell("2.其他"), GridCell("0")],
...         [GridCell("(七)总计", colspan=2), GridCell("3"), GridCell("0"), GridCell("1")]]
>>> grid = place(rows)
>>> [(c.text, c.col) for c in grid[1].cells]
[('商业企业', 3), ('科研机构', 4)]
>>> for row in plan(grid):
...     print(" | ".join(p.text() or "_" for p in row))
项目 | 自然人 | 法人或其他组织
商业企业 | 科研机构
(三)不予公开 | 1.属于国家秘密 | 3 | _ | 1
2.其他 | 0 | _ | _
(七)总计 | 3 | 0 | 1
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

#: A value as tables print it: a number with its sign, decimals and unit, or a blank marker.
_VALUE = re.compile(
    r"[+\-\u2212\uff0b\uff0d]?\s*\d[\d,\uff0c]*(?:[.\uff0e]\d+)?\s*"
    r"(?:万元|亿元|元|项|件|个|条|次|人次|人|家|%|\uff05)?"
    r"|[-\u2212\uff0d\u2013\u2014/\uff0f\\无]{1,2}"
)


def is_value(text: str) -> bool:
    """Whether a cell's text is a value (a number, or a mark for a blank), not a label.

    >>> [is_value(t) for t in ("12", "+28", "16491.8万元", "0项", "—", "无", "规章", "1.属于国家秘密", "2023年")]
    [True, True, True, True, True, True, False, False, False]
    """
    return _VALUE.fullmatch(text.strip()) is not None


@dataclass(eq=False)
class GridCell:
    """A ``<td>``/``<th>``: its text, its spans and (after :func:`place`) where it stands."""

    text: str
    colspan: int = 1
    rowspan: int = 1
    col: int = 0
    row: int = 0
    #: The renderer's own data (the cell's rendered characters and tag offsets).
    data: Any = None

    @property
    def end(self) -> int:
        return self.col + self.colspan

    @property
    def bottom(self) -> int:
        return self.row + self.rowspan - 1

    @property
    def is_label(self) -> bool:
        return bool(self.text.strip()) and not is_value(self.text)


@dataclass(eq=False)
class GridRow:
    cells: list[GridCell]
    #: Columns a rowspan from a row above covers in this row, with the cell covering them.
    covered: dict[int, GridCell] = field(default_factory=dict)


@dataclass(eq=False)
class Piece:
    """One cell of a written row: the grid cells whose text it joins, or a blank (``blank``:
    the empty cells of its column; ``reach``, the next cell of the row, when it has none)."""

    cells: list[GridCell]
    blank: bool = False
    reach: GridCell | None = None

    def text(self) -> str:
        return "" if self.blank else " ".join(c.text for c in self.cells)


def place(rows: list[list[GridCell]]) -> list[GridRow]:
    """Give every cell its column and row as a browser lays the table out: a cell takes the
    first column that no rowspan from above covers."""
    carry: dict[int, tuple[GridCell, int]] = {}  # column → (covering cell, rows it still covers)
    out: list[GridRow] = []
    for r, cells in enumerate(rows):
        covered = {c: cell for c, (cell, _) in carry.items()}
        col = 0
        new: dict[int, tuple[GridCell, int]] = {}
        for cell in cells:
            while col in covered:
                col += 1
            cell.col, cell.row = col, r
            if cell.rowspan > 1:
                for c in range(col, col + cell.colspan):
                    new[c] = (cell, cell.rowspan - 1)
            col += cell.colspan
        carry = {c: (cell, n - 1) for c, (cell, n) in carry.items() if n > 1}
        carry.update(new)
        out.append(GridRow(cells, covered))
    return out


def _data_start(row: GridRow) -> int | None:
    """Where this row's data would start: after its last label (a rowspan label beside it
    counts), when cells follow; at its first cell when it has values and no label."""
    labels = [c for c in (*row.cells, *row.covered.values()) if c.is_label]
    if not labels:
        has_values = any(c.text.strip() for c in row.cells)
        return row.cells[0].col if has_values and row.cells else None
    after = max(c.end for c in labels)
    return after if any(c.col >= after for c in row.cells) else None


def data_start(grid: list[GridRow]) -> int | None:
    """The first data column: where most rows' data would start (the smallest on a tie);
    ``None`` for a table with no data rows."""
    votes = Counter(s for s in map(_data_start, grid) if s is not None)
    if not votes:
        return None
    top = max(votes.values())
    return min(s for s, n in votes.items() if n == top)


def _is_data_row(row: GridRow, start: int) -> bool:
    s = _data_start(row)
    return s is not None and (
        s <= start or any(c.col >= start and c.text.strip() and not c.is_label for c in row.cells)
    )


def plan(grid: list[GridRow]) -> list[list[Piece]]:
    """The cells to write for each row (see the module's description)."""
    start = data_start(grid)
    width = max((c.end for row in grid for c in (*row.cells, *row.covered.values())), default=0)
    leaf: list[GridCell | None] = [None] * width  # the lowest header cell over each column so far
    out: list[list[Piece]] = []
    for row in grid:
        if start is None or not _is_data_row(row, start):
            for h in row.cells:
                if start is not None and h.col >= start and h.is_label:
                    for c in range(h.col, h.end):
                        if leaf[c] is None or h.bottom >= leaf[c].bottom:
                            leaf[c] = h
            out.append([Piece([c]) for c in row.cells if c.text.strip()])
            continue
        pieces = [Piece([c]) for c in row.cells if c.col < start and c.text.strip()]
        masked = {
            c
            for cell in (*row.cells, *set(row.covered.values()))
            if cell.col < start
            for c in range(cell.col, cell.end)
        }
        col = start
        while col < width:
            end = col + 1
            while end < width and leaf[col] is not None and leaf[end] is leaf[col]:
                end += 1
            if col not in masked:
                inside = [c for c in row.cells if col <= c.col < end]
                text = [c for c in inside if c.text.strip()]
                if text:
                    pieces.append(Piece(text))
                else:
                    reach = next((c for c in row.cells if c.col >= end), None)
                    pieces.append(Piece(inside, blank=True, reach=reach))
            col = end
        out.append(pieces)
    return out
