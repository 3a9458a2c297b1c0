"""HTML pages and fragments → plain text in the pipe-table style of the scraped seeds,
with every output character mapped to its range in the HTML source.

Rendering: scripts, styles and other non-content elements are dropped; entities decoded;
text split across inline tags joined again; block elements end the line; each table row
is one line, each grid cell written as ``text |`` (an empty cell as ``|``), the positions a
colspan or rowspan covers written as empty cells, as real scrapers do::

    第二十条第(一)项 | |||
    规章 | 0 | 0 | 0 |

Text characters map to themselves, an entity to its whole source (``&nbsp;`` → 6
characters), inserted separators and newlines to the tag that caused them (``</td>``;
for a rowspan position, the tag at which the row reaches it), so the map is monotone.

The stdlib :class:`html.parser.HTMLParser` does the tokenising: it is a real HTML
tokeniser (CDATA script/style, comments, unquoted attributes, bare ``&``) that, unlike
selectolax and lxml, reports where each token starts, which the offset map needs.

>>> text, starts, ends = render_html("<p>20<span>23</span>年&nbsp;报告</p><table><tr><td colspan=2>a</td><td></td></tr></table>")
>>> text
'2023年 报告\\na | ||\\n'
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

#: Elements whose content is not report text.
SKIPPED = frozenset({"script", "style", "noscript", "template", "svg", "iframe", "object", "select", "button"})
#: Elements that start and end a line.
BLOCKS = frozenset(
    "p div br li ul ol dl dt dd h1 h2 h3 h4 h5 h6 table caption section article header "
    "footer nav aside main blockquote pre hr title form address center fieldset figure "
    "figcaption body html head legend details summary".split()
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


def looks_like_html(text: str) -> bool:
    """Whether ``text`` is an HTML document or fragment (it contains a known tag).

    >>> looks_like_html("<td>规章</td>"), looks_like_html("增长<5%的部分"), looks_like_html("a<br/>b")
    (True, False, True)
    """
    return _LOOKS_HTML.search(text, 0, 1 << 20) is not None


def render_html(source: str) -> tuple[str, np.ndarray, np.ndarray]:
    """Render ``source``; return the text and its per-character ``starts``/``ends`` in ``source``."""
    renderer = _Renderer(source)
    renderer.feed(source)
    renderer.close()
    renderer.finish()
    return (
        "".join(renderer.out),
        np.frombuffer(renderer.starts, dtype=np.int32).copy(),
        np.frombuffer(renderer.ends, dtype=np.int32).copy(),
    )


@dataclass
class _Table:
    carry: dict[int, int] = field(default_factory=dict)  # column → rows its rowspan still covers
    new_carry: dict[int, int] = field(default_factory=dict)
    active: frozenset[int] = frozenset()  # columns a rowspan covers in the open row
    row_open: bool = False
    col: int = 0
    cells: int = 0  # cells written in the open row
    prev_nonempty: bool = False
    cell: list[int] | None = None  # [colspan, rowspan, start-tag start, start-tag end, nonempty]


class _Renderer(HTMLParser):
    def __init__(self, source: str):
        super().__init__(convert_charrefs=False)
        self.source = source
        self.line_starts = [0] + [m.end() for m in re.finditer("\n", source)]
        self.out: list[str] = []
        self.starts = array("i")
        self.ends = array("i")
        self.skip: list[str] = []
        self.pre = 0
        self.space: tuple[int, int] | None = None  # a pending collapsed whitespace run
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
    def _emit(self, chars: str, start: int, end: int) -> None:
        self.out.extend(chars)
        self.starts.extend([start] * len(chars))
        self.ends.extend([end] * len(chars))

    def _at_line_start(self) -> bool:
        return not self.out or self.out[-1] == "\n"

    def _newline(self, start: int, end: int, force: bool = False) -> None:
        self.space = None
        if self.out and (force or self.out[-1] != "\n"):
            self._emit("\n", start, end)

    def _cell(self) -> list[int] | None:
        return self.tables[-1].cell if self.tables else None

    def _text(self, text: str, start: int, ends: int | None = None) -> None:
        """Emit ``text`` found at ``start``; ``ends`` given: every char covers [start, ends)."""
        if self.pre:
            return self._chars(text, start, ends)
        for run in _RUNS.finditer(text):
            s = start if ends else start + run.start()
            e = ends if ends else start + run.end()
            if run.group(2):
                continue
            if run.group(1):
                self.space = (self.space[0], e) if self.space else (s, e)
                continue
            cell = self._cell()
            if cell is not None and not cell[4]:
                cell[4] = 1
                if self.tables[-1].cells:
                    self._emit(" ", cell[2], cell[3])
            elif self.space and not self._at_line_start() and self.out[-1] != " ":
                self._emit(" ", *self.space)
            self.space = None
            self._chars(run.group(), s, ends)

    def _chars(self, text: str, start: int, ends: int | None) -> None:
        self.out.extend(text)
        if ends is None:
            self.starts.extend(range(start, start + len(text)))
            self.ends.extend(range(start + 1, start + len(text) + 1))
        else:
            self.starts.extend([start] * len(text))
            self.ends.extend([ends] * len(text))

    # -- tables --------------------------------------------------------------------------
    def _empty_cell(self, table: _Table, start: int, end: int) -> None:
        self._emit(" |" if table.prev_nonempty else "|", start, end)
        table.prev_nonempty = False
        table.cells += 1

    def _open_row(self, table: _Table, start: int, end: int) -> None:
        self._newline(start, end)
        table.row_open, table.col, table.cells, table.prev_nonempty = True, 0, 0, False
        table.active = frozenset(table.carry)

    def _close_cell(self, table: _Table, start: int, end: int) -> None:
        colspan, rowspan, _, _, nonempty = table.cell
        self.space = None
        if nonempty:
            self._emit(" |", start, end)
            table.prev_nonempty = True
            table.cells += 1
        else:
            self._empty_cell(table, start, end)
        for _ in range(colspan - 1):
            self._empty_cell(table, start, end)
        if rowspan > 1:
            for c in range(table.col, table.col + colspan):
                table.new_carry[c] = rowspan - 1
        table.col += colspan
        table.cell = None

    def _close_row(self, table: _Table, start: int, end: int) -> None:
        if table.cell is not None:
            self._close_cell(table, start, end)
        for c in sorted(table.active):
            if c >= table.col:
                self._empty_cell(table, start, end)
                table.col = c + 1
        for c in table.active:
            table.carry[c] -= 1
            if not table.carry[c]:
                del table.carry[c]
        table.carry.update(table.new_carry)
        table.new_carry = {}
        table.row_open = False
        self._newline(start, end)

    def _open_cell(self, table: _Table, attrs, start: int, end: int) -> None:
        if not table.row_open:
            self._open_row(table, start, end)
        if table.cell is not None:
            self._close_cell(table, start, end)
        while table.col in table.active:
            self._empty_cell(table, start, end)
            table.col += 1
        span = dict(attrs)
        table.cell = [_span(span.get("colspan")), _span(span.get("rowspan")), start, end, 0]

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
            self.tables.append(_Table())  # a fragment of rows without its <table>
        table = self.tables[-1] if self.tables else None
        if tag == "pre":
            self.pre = max(0, self.pre + (1 if opening else -1))
        if tag == "table":
            if opening:
                self._newline(start, end)
                self.tables.append(_Table())
            elif table is not None:
                if table.row_open:
                    self._close_row(table, start, end)
                self.tables.pop()
                self._newline(start, end)
        elif table is not None and tag == "tr":
            if table.row_open:
                self._close_row(table, start, end)
            if opening:
                self._open_row(table, start, end)
        elif table is not None and tag in _CELLS:
            if opening:
                self._open_cell(table, attrs, start, end)
            elif table.cell is not None:
                self._close_cell(table, start, end)
        elif table is not None and tag in _SECTIONS:
            if table.row_open:
                self._close_row(table, start, end)
        elif tag in BLOCKS:
            if self._cell() is not None:  # a line break inside a cell would split its row
                self.space = self.space or (start, end)
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
        # Rows left open at the end of the source close on its last character.
        end = len(self.source)
        while self.tables:
            table = self.tables.pop()
            if table.row_open:
                self._close_row(table, end - 1, end)


def _span(value) -> int:
    if value is None:
        return 1
    try:
        return min(max(int(str(value).strip()), 1), _MAX_SPAN)
    except (TypeError, ValueError):
        return 1
