"""HTML pages and fragments → plain text in the pipe-table style of the scraped seeds,
with every output character mapped to its range in the HTML source.

Rendering: scripts, styles and other non-content elements are dropped; entities decoded;
text split across inline tags joined again; block elements end the line; each table row
is one line, each cell written as ``text |`` (an empty cell as ``|``)::

    第二十条第(一)项 |
    信息内容 | 本年制发件数 | 本年废止件数 | 现行有效件数 |
    规章 | 0 | | 3 |

Spans are expanded into the table's grid (:mod:`.html_grid`): a data row is written as
its label cells and then one cell per column under the header rows, so every value stands
under its header and a blank stays blank — the positions a label's colspan or a group's
rowspan covers are not cells, while an empty data cell, a data position a rowspan covers
and a missing trailing cell are each one blank ``|``. Header and label rows are written as
their non-empty cells. A table that holds another table is a page layout: its cells are
written as blocks.

Text characters map to themselves, an entity to its whole source (``&nbsp;`` → 6
characters), inserted separators and newlines to the tag that caused them (``</td>``;
for a blank with no cell of its own, the tag at which the row reaches it), so the map is
monotone.

The stdlib :class:`html.parser.HTMLParser` does the tokenising: it is a real HTML
tokeniser (CDATA script/style, comments, unquoted attributes, bare ``&``) that, unlike
selectolax and lxml, reports where each token starts, which the offset map needs.

>>> text, starts, ends = render_html("<p>20<span>23</span>年&nbsp;报告</p><table><tr><td colspan=2>行政许可</td>"
...                                  "<td></td><td>5</td></tr></table>")
>>> text
'2023年 报告\\n行政许可 | | 5 |\\n'
>>> source = "<p>20<span>23</span>年&nbsp;报告</p>"
>>> [source[s:e] for s, e in zip(*render_html(source)[1:])][:6]
['2', '0', '2', '3', '年', '&nbsp;']
"""

from __future__ import annotations

import html as _html
import re
from array import array
from dataclasses import dataclass, field
from html.parser import HTMLParser

import numpy as np

from .html_grid import GridCell, place, plan

#: Elements whose content is not report text.
SKIPPED = frozenset({"script", "style", "noscript", "template", "svg", "iframe", "object", "select", "button"})
#: Elements that start and end a line.
BLOCKS = frozenset(
    [
        "p",
        "div",
        "br",
        "li",
        "ul",
        "ol",
        "dl",
        "dt",
        "dd",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "table",
        "caption",
        "section",
        "article",
        "header",
        "footer",
        "nav",
        "aside",
        "main",
        "blockquote",
        "pre",
        "hr",
        "title",
        "form",
        "address",
        "center",
        "fieldset",
        "figure",
        "figcaption",
        "body",
        "html",
        "head",
        "legend",
        "details",
        "summary",
    ]
)
_SECTIONS = frozenset({"thead", "tbody", "tfoot", "colgroup"})
_CELLS = frozenset({"td", "th"})
_ZERO_WIDTH = "\u200b\u200c\u200d\u2060\ufeff"
#: Whitespace runs, zero-width runs (dropped: they must not split ``20\u200b23``), text.
_RUNS = re.compile(f"(\\s+)|([{_ZERO_WIDTH}]+)|[^\\s{_ZERO_WIDTH}]+")
_ENTITY = re.compile(r"&(?:#[0-9]+;?|#[xX][0-9a-fA-F]+;?|[A-Za-z][A-Za-z0-9]*;?)")
_TAG_NAMES = (
    "html|head|body|title|meta|link|script|style|div|span|p|br|table|thead|tbody|tr|td|th|"
    "font|strong|b|i|u|em|a|img|ul|ol|li|h[1-6]|section|article|center|pre|hr"
)
_LOOKS_HTML = re.compile(rf"<!doctype\s+html|<!--|</?(?:{_TAG_NAMES})(?:\s[^<>]*)?/?>", re.IGNORECASE)
_MAX_SPAN = 1000  # colspan/rowspan beyond this is damage, not layout


_BR = re.compile(r"<br\s*/?>", re.IGNORECASE)
_MARKDOWN_ROW = re.compile(r"^[ \t]*\|.*\|[ \t]*$", re.M)


def looks_like_html(text: str) -> bool:
    """Whether ``text`` is an HTML document or fragment (it contains a known tag). Markdown
    whose only tags are ``<br>`` line breaks inside its table cells (as language models
    write it) is not: rendered as HTML, its lines and tables would run together.

    >>> looks_like_html("<td>规章</td>"), looks_like_html("增长<5%的部分"), looks_like_html("a<br/>b")
    (True, False, True)
    >>> looks_like_html("| 1.本机关不掌握<br>相关政府信息 | 0 |\\n|---|---|")
    False
    """
    head = text[: 1 << 20]
    only_breaks = False
    for m in _LOOKS_HTML.finditer(head):
        if not _BR.fullmatch(m.group()):
            return True
        only_breaks = True
    return only_breaks and _MARKDOWN_ROW.search(head) is None


class RenderedTooLarge(ValueError):
    """The rendered text would pass ``max_chars``: colspans and rowspans multiply a small file."""


def render_html(source: str, max_chars: int | None = None) -> tuple[str, np.ndarray, np.ndarray]:
    """Render ``source``; return the text and its per-character ``starts``/``ends`` in ``source``.

    ``max_chars`` bounds the work as well as the result: a table whose grid positions (one
    character at least each) would pass it raises :class:`RenderedTooLarge` before it is laid out.

    >>> try:
    ...     render_html("<table>" + "<tr><td colspan=900></td></tr>" * 50 + "</table>", max_chars=10_000)
    ... except RenderedTooLarge as exc:
    ...     print(exc)
    more than 10,000 characters after rendering the HTML (a table of 45,000 grid positions)
    """
    renderer = _Renderer(source, max_chars)
    renderer.feed(source)
    renderer.close()
    renderer.finish()
    out = renderer.out
    return (
        "".join(out.chars),
        np.frombuffer(out.starts, dtype=np.int32).copy(),
        np.frombuffer(out.ends, dtype=np.int32).copy(),
    )


class _Buffer:
    """Rendered characters with their source ranges; ``breaks`` are the spaces that stand for
    a block element inside a table cell (a line break when the table is a page layout)."""

    __slots__ = ("chars", "starts", "ends", "breaks")

    def __init__(self) -> None:
        self.chars: list[str] = []
        self.starts = array("i")
        self.ends = array("i")
        self.breaks: list[int] = []

    def emit(self, chars: str, start: int, end: int) -> None:
        self.chars.extend(chars)
        self.starts.extend([start] * len(chars))
        self.ends.extend([end] * len(chars))

    def at_line_start(self) -> bool:
        return not self.chars or self.chars[-1] == "\n"

    def newline(self, start: int, end: int, force: bool = False) -> None:
        if self.chars and (force or self.chars[-1] != "\n"):
            self.emit("\n", start, end)

    def extend(self, other: _Buffer, breaks: bool = False) -> None:
        at = len(self.chars)
        self.chars.extend(other.chars)
        self.starts.extend(other.starts)
        self.ends.extend(other.ends)
        if breaks:
            for k in other.breaks:
                self.chars[at + k] = "\n"
        else:
            self.breaks.extend(at + k for k in other.breaks)


@dataclass(eq=False)
class _Cell:
    """A ``<td>``/``<th>`` being read: its rendered content and the tags that open and close it."""

    colspan: int
    rowspan: int
    open: tuple[int, int]
    close: tuple[int, int] | None = None
    buf: _Buffer = field(default_factory=_Buffer)
    has_table: bool = False  # holds a nested table: its table is a page layout

    def text(self) -> str:
        return "".join(self.buf.chars).strip()


@dataclass(eq=False)
class _Row:
    open: tuple[int, int]
    cells: list[_Cell] = field(default_factory=list)
    close: tuple[int, int] | None = None


@dataclass(eq=False)
class _Table:
    open: tuple[int, int]
    items: list[_Row | _Buffer] = field(default_factory=list)  # rows and text between rows, in order
    row: _Row | None = None
    cell: _Cell | None = None


class _Renderer(HTMLParser):
    def __init__(self, source: str, max_chars: int | None = None):
        super().__init__(convert_charrefs=False)
        self.source = source
        self.max_chars = max_chars
        self.line_starts = [0] + [m.end() for m in re.finditer("\n", source)]
        self.out = _Buffer()
        self.skip: list[str] = []
        self.pre = 0
        self.space: tuple[int, int] | None = None  # a pending collapsed whitespace run
        self.space_breaks = False  # the pending space stands for a block element in a cell
        self.tables: list[_Table] = []

    # -- positions ---------------------------------------------------------------------
    def _at(self) -> int:
        line, col = self.getpos()
        return self.line_starts[line - 1] + col

    def _tag_end(self, start: int) -> int:
        text = self.get_starttag_text()
        if text is not None and self.source.startswith(text, start):
            return start + len(text)
        close = self.source.find(">", start)
        return close + 1 if close >= 0 else len(self.source)

    # -- output ------------------------------------------------------------------------
    def _sink(self, create: bool = True) -> _Buffer | None:
        """Where text goes now: the open cell, else (inside a table) a cell the open row
        gets for text between its cells, or a stretch of text between rows."""
        if not self.tables:
            return self.out
        table = self.tables[-1]
        if table.cell is not None:
            return table.cell.buf
        if not create:
            last = table.items[-1] if table.items and table.row is None else None
            return last if isinstance(last, _Buffer) else None
        if table.row is not None:  # text between cells: a cell of its own, opened by the tag before it
            row = table.row
            self._open_cell(table, (), *(row.cells[-1].close or row.open if row.cells else row.open))
            return table.cell.buf
        if not table.items or not isinstance(table.items[-1], _Buffer):
            table.items.append(_Buffer())
        return table.items[-1]

    def _newline(self, start: int, end: int, force: bool = False) -> None:
        self.space = None
        sink = self._sink(create=False)
        if sink is not None:
            sink.newline(start, end, force)

    def _text(self, text: str, start: int, ends: int | None = None) -> None:
        """Emit ``text`` found at ``start``; ``ends`` given: every char covers [start, ends)."""
        if self.pre:
            return self._chars(self._sink(), text, start, ends)
        for run in _RUNS.finditer(text):
            s = start if ends else start + run.start()
            e = ends if ends else start + run.end()
            if run.group(2):
                continue
            if run.group(1):
                self.space = (self.space[0], e) if self.space else (s, e)
                continue
            sink = self._sink()
            if self.space and not sink.at_line_start() and sink.chars[-1] != " ":
                if self.space_breaks:
                    sink.breaks.append(len(sink.chars))
                sink.emit(" ", *self.space)
            self.space, self.space_breaks = None, False
            self._chars(sink, run.group(), s, ends)

    @staticmethod
    def _chars(sink: _Buffer, text: str, start: int, ends: int | None) -> None:
        sink.chars.extend(text)
        if ends is None:
            sink.starts.extend(range(start, start + len(text)))
            sink.ends.extend(range(start + 1, start + len(text) + 1))
        else:
            sink.starts.extend([start] * len(text))
            sink.ends.extend([ends] * len(text))

    # -- tables --------------------------------------------------------------------------
    def _open_row(self, table: _Table, start: int, end: int) -> None:
        self._close_row(table, start, end)
        table.row = _Row((start, end))
        table.items.append(table.row)

    def _close_cell(self, table: _Table, start: int, end: int) -> None:
        if table.cell is not None:
            table.cell.close = (start, end)
            table.cell = None
        self.space, self.space_breaks = None, False

    def _close_row(self, table: _Table, start: int, end: int) -> None:
        self._close_cell(table, start, end)
        if table.row is not None:
            table.row.close = (start, end)
            table.row = None

    def _open_cell(self, table: _Table, attrs, start: int, end: int) -> None:
        if table.row is None:
            self._open_row(table, start, end)
        self._close_cell(table, start, end)
        span = dict(attrs)
        table.cell = _Cell(_span(span.get("colspan")), _span(span.get("rowspan")), (start, end))
        table.row.cells.append(table.cell)

    def _close_table(self, start: int, end: int) -> None:
        table = self.tables.pop()
        self._close_row(table, start, end)
        parent = self.tables[-1] if self.tables else None
        sink = self._sink()
        if parent is not None and parent.cell is not None:
            parent.cell.has_table = True
        if self.max_chars is not None:
            # Counted before the grid is laid out: that is where a span bomb costs time and memory.
            rows = [item for item in table.items if isinstance(item, _Row)]
            positions = sum(c.colspan * min(c.rowspan, len(rows) - k) for k, row in enumerate(rows) for c in row.cells)
            if len(self.out.chars) + (len(sink.chars) if sink is not self.out else 0) + positions > self.max_chars:
                raise RenderedTooLarge(
                    f"more than {self.max_chars:,} characters after rendering the HTML "
                    f"(a table of {positions:,} grid positions)"
                )
        sink.newline(*table.open)
        _write_table(sink, table, (start, end))
        sink.newline(start, end)

    # -- parser callbacks ---------------------------------------------------------------
    def handle_starttag(self, tag, attrs):
        start = self._at()
        end = self._tag_end(start)
        if self.skip:
            if tag == self.skip[-1]:
                self.skip.append(tag)
            return
        if tag in SKIPPED:
            self.skip.append(tag)
            return
        self._structure(tag, attrs, start, end, opening=True)

    def handle_startendtag(self, tag, attrs):
        start = self._at()
        end = self._tag_end(start)
        if not self.skip and tag not in SKIPPED:
            self._structure(tag, attrs, start, end, opening=True)

    def handle_endtag(self, tag):
        start = self._at()
        close = self.source.find(">", start)
        end = close + 1 if close >= 0 else len(self.source)
        if self.skip:
            if tag == self.skip[-1]:
                self.skip.pop()
            return
        self._structure(tag, (), start, end, opening=False)

    def _structure(self, tag, attrs, start, end, opening):
        if not self.tables and opening and (tag == "tr" or tag in _CELLS):
            self.tables.append(_Table((start, end)))  # a fragment of rows without its <table>
        table = self.tables[-1] if self.tables else None
        if tag == "pre":
            self.pre = max(0, self.pre + (1 if opening else -1))
        if tag == "table":
            if opening:
                self._newline(start, end)
                self.tables.append(_Table((start, end)))
            elif table is not None:
                self._close_table(start, end)
        elif table is not None and tag == "tr":
            if opening:
                self._open_row(table, start, end)
            else:
                self._close_row(table, start, end)
        elif table is not None and tag in _CELLS:
            if opening:
                self._open_cell(table, attrs, start, end)
            else:
                self._close_cell(table, start, end)
        elif table is not None and tag in _SECTIONS:
            self._close_row(table, start, end)
        elif tag in BLOCKS:
            if table is not None and table.cell is not None:
                # A line break inside a cell would split its row; it is a break only when the
                # table turns out to be a page layout.
                self.space = self.space or (start, end)
                self.space_breaks = True
            else:
                self._newline(start, end, force=(tag == "br" and opening))

    def handle_data(self, data):
        if not self.skip:
            self._text(data, self._at())

    def handle_entityref(self, name):
        self._entity()

    def handle_charref(self, name):
        self._entity()

    def _entity(self):
        if self.skip:
            return
        start = self._at()
        match = _ENTITY.match(self.source, start)
        raw = match.group() if match else "&"
        text = _html.unescape(raw)
        if text == raw:
            self._text(text, start)
        elif text:
            self._text(text, start, start + len(raw))

    def finish(self):
        # Tables left open at the end of the source close on its last character.
        end = len(self.source)
        while self.tables:
            self._close_table(max(end - 1, 0), end)


def _write_table(out: _Buffer, table: _Table, close: tuple[int, int]) -> None:
    """Write a table's rows as pipe rows, one cell per column under its header
    (:func:`~.html_grid.plan`); a table that holds another table is a page layout, its
    cells written as blocks."""
    rows = [item for item in table.items if isinstance(item, _Row)]
    # Text between rows ends its line where the next row (or the table) starts.
    follows = [close] * len(table.items)
    for k in range(len(table.items) - 2, -1, -1):
        nxt = table.items[k + 1]
        follows[k] = nxt.open if isinstance(nxt, _Row) else follows[k + 1]
    if any(cell.has_table for row in rows for cell in row.cells):
        for item, after in zip(table.items, follows):
            if isinstance(item, _Buffer):
                _loose(out, item, after)
                continue
            for c in item.cells:
                if c.buf.chars:
                    out.newline(*c.open)
                    out.extend(c.buf, breaks=True)
                    out.newline(*(c.close or close))
        return
    grid = place([[GridCell(c.text(), c.colspan, c.rowspan, data=c) for c in row.cells] for row in rows])
    plans = iter(plan(grid))
    for item, after in zip(table.items, follows):
        if isinstance(item, _Buffer):
            _loose(out, item, after)
            continue
        pieces = next(plans)
        if not pieces:
            continue
        row_close = item.close or close
        after_text = False
        for k, piece in enumerate(pieces):
            if piece.blank:
                at = (
                    piece.cells[0].data.close
                    if piece.cells
                    else piece.reach.data.open
                    if piece.reach is not None
                    else row_close
                )
                out.emit(" |" if after_text else "|", *(at or row_close))
                after_text = False
                continue
            for n, g in enumerate(piece.cells):
                cell = g.data
                if k or n:
                    out.emit(" ", *cell.open)
                _extend_trimmed(out, cell.buf)
            out.emit(" |", *(piece.cells[-1].data.close or row_close))
            after_text = True
        out.emit("\n", *row_close)


def _loose(out: _Buffer, buf: _Buffer, after: tuple[int, int]) -> None:
    """Text inside a table but outside its cells (a caption), on lines of its own."""
    if buf.chars:
        out.extend(buf)
        out.newline(*after)


def _extend_trimmed(out: _Buffer, buf: _Buffer) -> None:
    """A cell's content without the spaces at its ends (a trailing break inside the cell)."""
    a, b = 0, len(buf.chars)
    while a < b and buf.chars[a].isspace():
        a += 1
    while b > a and buf.chars[b - 1].isspace():
        b -= 1
    out.chars.extend(buf.chars[a:b])
    out.starts.extend(buf.starts[a:b])
    out.ends.extend(buf.ends[a:b])


def _span(value) -> int:
    if value is None:
        return 1
    try:
        return min(max(int(str(value).strip()), 1), _MAX_SPAN)
    except (TypeError, ValueError):
        return 1
