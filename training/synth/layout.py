"""One table, many printed forms: a table becomes a grid of cells (from the template
module's rows, fields, groups, blocks and headers), and a renderer writes the grid into
a :class:`~gongkai.training.synth.builder.Builder` the way some real source prints it.

Blanks: where a layout separates cells with ``|`` the separator that closes an empty
data cell is the BLANK; HTML's ``&nbsp;`` is the BLANK; in layouts without separators
(tab, space, PDF text, glued) a blank is either a printed marker (``/``, ``-``, ``—``,
``无``), labelled BLANK, or nothing at all, and then it has no span (``meta`` still
says ``null``). Padding separators (``||||``, row-closing ``|``) are never BLANK.

>>> import random
>>> from gongkai.training.synth.builder import Builder
>>> one = {"upheld": 1, "corrected": 0, "other": 0, "pending": 0, "total": 1}
>>> rows = {"review": one, "litigation_direct": one, "litigation_after_review": one}
>>> g = table_grid("reviews", "2021", {"rows": rows}, random.Random(0), {"year": 2023})
>>> b = Builder(); render(b, g, "pipe", random.Random(0), {})
>>> b.text().splitlines()[-1]
'1 | 0 | 0 | 0 | 1 | 1 | 0 | 0 | 0 | 1 | 1 | 0 | 0 | 0 | 1 |'
"""

from __future__ import annotations

import random
import re
from typing import Any

from gongkai.model import template as T
from gongkai.model.closed_set import ClosedSet

from .builder import Builder
from .numbers import printed


class Layout(ClosedSet):
    """How a table is written (each a function of this module)."""

    PIPE = "pipe"
    CELL_PER_LINE = "cell_per_line"
    TAB = "tab"
    MARKDOWN = "markdown"
    HTML = "html"
    PDF = "pdf"
    GLUED = "glued"
    PDF_SHIFTED = "pdf_shifted"
    MD_RESTRUCTURED = "md_restructured"


LAYOUTS = tuple(Layout)
BLANK_MARKERS = ("", "/", "-", "—", "无")

_LABELS = {"title": "TABLE_TITLE", "header": "COL_HEADER", "label": "ROW_LABEL", "cell": "CELL", "blank": "BLANK"}


class Cell:
    __slots__ = ("text", "kind", "colspan", "rowspan", "info")

    def __init__(self, text: str, kind: str, colspan: int = 1, rowspan: int = 1, **info: Any) -> None:
        self.text, self.kind, self.colspan, self.rowspan, self.info = text, kind, colspan, rowspan, info

    def __repr__(self) -> str:
        return f"Cell({self.text!r}, {self.kind!r})"


class Grid:
    """Printed rows of one table; ``width`` is the column count a pipe export pads to;
    ``breaks`` are row indexes where a new block or row group begins."""

    def __init__(self, table: str, width: int) -> None:
        self.table, self.width = table, width
        self.rows: list[list[Cell]] = []
        self.breaks: list[int] = []
        self.header_rows: set[int] = set()


def _wrap_space(rng: random.Random, text: str, style: dict[str, Any]) -> str:
    """A cell wrapped in the page and joined back with a space (``本年新 制作数量``)."""
    if len(text) < 4 or " " in text or rng.random() >= style.get("wrap_space", 0.04):
        return text
    cut = rng.randint(2, len(text) - 2)
    return text[:cut] + " " + text[cut:]


def spaced(rng: random.Random, text: str, p: float) -> str:
    """A header or group label broken by stray spaces, as one-line pages print them: a short
    word spaced out (``自 然 人``, ``总 计``), a longer one cut once (``结果 纠正``,
    ``社会公 益组织``), a group label after its number and inside (``(三) 不予 公开``).

    >>> spaced(random.Random(1), "自然人", 1.0), spaced(random.Random(2), "(三)不予公开", 1.0)
    ('自 然 人', '(三) 不予 公开')
    """
    if not p or " " in text or len(text) < 2 or rng.random() >= p:
        return text
    m = re.match(r"^([(（][一二三四五六七八九十]+[)）])(.+)$", text)
    if m and len(m.group(2)) >= 4:
        body = m.group(2)
        return f"{m.group(1)} {body[: len(body) // 2]} {body[len(body) // 2 :]}"
    if len(text) <= 3:
        return " ".join(text)
    # Where a narrow column wraps it: after two to four characters.
    cut = min(len(text) - 2, rng.choice((2, 2, 3, 4))) if len(text) > 4 else 2
    return text[:cut] + " " + text[cut:]


def _label(rng: random.Random, labels: tuple[str, ...], style: dict[str, Any], variant_p: float = 0.15) -> str:
    if len(labels) > 1 and rng.random() < style.get("variants", variant_p):
        return _wrap_space(rng, rng.choice(labels[1:]), style)
    return _wrap_space(rng, labels[0], style)


def _row_label(rng: random.Random, row: T.Row, style: dict[str, Any]) -> str:
    text = _label(rng, row.labels, style)
    if row.notes and rng.random() < style.get("notes", 0.6):
        text += rng.choice(row.notes)
    return text


def _field_header(rng: random.Random, field: T.Field, style: dict[str, Any]) -> str:
    text = _label(rng, field.labels, style, 0.1)
    if field.notes and rng.random() < style.get("notes", 0.3):
        year = style.get("year", 2023)
        text += " " + rng.choice(field.notes).format(year=year, prev_year=year - 1)
    return text


def _value_cell(rng: random.Random, table: str, row: str, field: str, value: Any, style: dict[str, Any]) -> Cell:
    text = printed(rng, value, table, row, field, style)
    kind = "cell" if text else "blank"
    return Cell(text, kind, table=table, row=row, field=field, value=value)


def table_grid(table: str, version: str, entry: dict[str, Any], rng: random.Random, style: dict[str, Any]) -> Grid:
    """The printed grid of one table whose numbers are ``entry`` (SCHEMA.md form)."""
    tmpl = T.table_template(table, version)
    rows = entry["rows"]
    spaces = style.get("header_spaces", 0.0)
    if table == "active_disclosure":
        width = 1 + max(len(r.fields) for r in tmpl.rows)
        g = Grid(table, width)
        for block in tmpl.blocks:
            printed_rows = [k for k in block.rows if k in rows]  # a report may leave a row out
            if not printed_rows:
                continue
            g.breaks.append(len(g.rows))
            g.header_rows.update((len(g.rows), len(g.rows) + 1))
            g.rows.append([Cell(block.title, "title", colspan=width)])
            first = tmpl.row(block.rows[0])
            g.rows.append(
                [Cell(block.corner, "header")]
                + [Cell(spaced(rng, _field_header(rng, f, style), spaces), "header", field=f.key) for f in first.fields]
            )
            for key in printed_rows:
                row = tmpl.row(key)
                g.rows.append(
                    [Cell(_row_label(rng, row, style), "label", row=key)]
                    + [_value_cell(rng, table, key, f.key, rows[key][f.key], style) for f in row.fields]
                )
            # The national form's short blocks: the last header and value cells span the rest.
            for r in g.rows[-len(printed_rows) - 1 :]:
                r[-1].colspan = width - len(r) + 1
        return g
    width = sum(c.colspan for c in tmpl.header[0])
    g = Grid(table, width)
    fields = {f.key: f for f in tmpl.fields}
    for hrow in tmpl.header:
        g.header_rows.add(len(g.rows))
        g.rows.append(
            [
                Cell(
                    spaced(
                        rng,
                        _field_header(rng, fields[h.field], style) if h.field and h.field in fields else h.text,
                        spaces if len(h.text) < 12 else 0,
                    ),
                    "header",
                    h.colspan,
                    h.rowspan,
                    field=h.field,
                )
                for h in hrow
            ]
        )
    if tmpl.flat:  # table 4: every row's numbers on one printed line, labels only in the header
        g.breaks.append(len(g.rows))
        g.rows.append(
            [_value_cell(rng, table, r.key, f.key, rows[r.key][f.key], style) for r in tmpl.rows for f in r.fields]
        )
        return g
    prev_path: tuple[str, ...] = ()
    for row in tmpl.rows:
        path = tuple(gr.key for gr in tmpl.group_path(row.key))
        cells = []
        new_groups = [k for i, k in enumerate(path) if i >= len(prev_path) or prev_path[i] != k]
        if new_groups or not path:
            g.breaks.append(len(g.rows))
        for k in new_groups:
            span = sum(1 for r in tmpl.rows if k in (gr.key for gr in tmpl.group_path(r.key)))
            cells.append(
                Cell(spaced(rng, _label(rng, tmpl.group(k).labels, style), spaces), "label", rowspan=span, group=k)
            )
        cells.append(Cell(_row_label(rng, row, style), "label", colspan=3 - len(path), row=row.key))
        cells += [_value_cell(rng, table, row.key, f.key, rows[row.key][f.key], style) for f in row.fields]
        g.rows.append(cells)
        prev_path = path
    return g


# --------------------------------------------------------------------------- renderers


def _add_cell(b: Builder, cell: Cell) -> None:
    b.add(cell.text, _LABELS[cell.kind], **cell.info)


def _pipe(b: Builder, g: Grid, rng: random.Random, style: dict[str, Any]) -> None:
    for row in g.rows:
        for i, cell in enumerate(row):
            if i:
                b.add(" ")
            if cell.text:
                _add_cell(b, cell)
                b.add(" |")
            else:
                b.add("|", "BLANK" if cell.kind == "blank" else None, **cell.info)
        missing = g.width - len(row)
        if missing > 0:
            b.add(" " + "|" * missing)
        b.add("\n")


def _cell_per_line(b: Builder, g: Grid, rng: random.Random, style: dict[str, Any]) -> None:
    closing = style.get("row_close", 1)
    for n, row in enumerate(g.rows):
        for cell in row:
            if cell.text:
                _add_cell(b, cell)
                b.add(" |\n")
            else:
                b.add("|", "BLANK" if cell.kind == "blank" else None, **cell.info)
                b.add("\n")
        pad = g.width - len(row) + closing
        if pad > 0 and (n < len(g.rows) - 1 or rng.random() < 0.5):
            b.add("|" * pad + "\n")


def _joined(b: Builder, cells: list[Cell], sep: str, marker: str) -> None:
    first = True
    for cell in cells:
        if cell.text:
            if not first:
                b.add(sep)
            _add_cell(b, cell)
            first = False
        elif marker:
            if not first:
                b.add(sep)
            b.add(marker, "BLANK", **cell.info)
            first = False


def _tab(b: Builder, g: Grid, rng: random.Random, style: dict[str, Any]) -> None:
    marker = style.get("blank_marker", "")
    for row in g.rows:
        for i, cell in enumerate(row):
            if i:
                b.add("\t")
            if cell.text:
                _add_cell(b, cell)
            elif marker:
                b.add(marker, "BLANK", **cell.info)
        b.add("\n")


def _markdown(b: Builder, g: Grid, rng: random.Random, style: dict[str, Any]) -> None:
    split = style.get("md_split", False)
    invented = style.get("md_header", "real")
    head_done = False

    def row_line(row: list[Cell], width: int) -> None:
        b.add("|")
        for cell in row:
            if cell.text:
                b.add(" ")
                _add_cell(b, cell)
                b.add(" |")
            else:
                b.add(" ")
                b.add("|", "BLANK" if cell.kind == "blank" else None, **cell.info)
        b.add(" |" * max(0, width - len(row)) + "\n")

    def rule(width: int) -> None:
        b.add("|" + "---|" * width + "\n")

    for n, row in enumerate(g.rows):
        if split and n in g.breaks and n and head_done:
            # A table per row group, each under an invented or shifted header.
            b.add("\n")
            hdr = g.rows[max(g.header_rows)] if g.header_rows else row
            words = [c for c in hdr if c.kind == "header"]
            if invented == "invented":
                words = [Cell(rng.choice(("项目", "类别", "指标")), "header")] + words
            row_line(words, len(words))
            rule(len(words))
        row_line(row, g.width)
        if not head_done and (n + 1 not in g.header_rows):
            rule(g.width)
            head_done = True


#: How Word and CMS editors open a table and a cell, and fill an empty one.
_TABLE_TAGS = (
    '<table border="1" cellspacing="0">',
    '<table class="MsoNormalTable" border="1" cellspacing="0" cellpadding="0" style="border-collapse:collapse;border:none">',
    '<table width="100%" border="1" cellpadding="0" cellspacing="0">',
    "<table>",
)
_TD_ATTRS = (
    "",
    ' width="{w}"',
    ' width="{w}" valign="center"',
    ' class="xl{x}"',
    ' style="width:{w}.0pt;border:solid windowtext 1.0pt;padding:0cm 5.4pt 0cm 5.4pt"',
    ' align="center"',
)
_EMPTY_CELLS = (
    "&nbsp;",
    "",
    "<p>&nbsp;</p>",
    '<p class="MsoNormal" align="center"><span lang="EN-US">&nbsp;</span></p>',
    " ",
    "<br>",
)


def _html(b: Builder, g: Grid, rng: random.Random, style: dict[str, Any]) -> None:
    """The grid as Word or a CMS writes it: colspans and rowspans of the national form (the
    corner over three columns, ``法人或其他组织`` over five, a group label down its rows, a
    short table-2 row's value over the rest), cell attributes, ``<p><span>`` runs split
    inside a word, empty cells written several ways (``&nbsp;``, nothing, ``<p>&nbsp;</p>``).
    An empty data cell's BLANK runs from its content to its ``</td>``, which the normaliser
    renders as the cell's separator."""
    word = style.get("word_spans", 0.5)
    attrs_of = rng.choice(_TD_ATTRS)
    th = rng.random() < 0.2  # header rows in <th>
    tbody = rng.random() < 0.5
    b.add(rng.choice(_TABLE_TAGS) + "\n" + ("<tbody>\n" if tbody else ""))
    for n, row in enumerate(g.rows):
        tag = "th" if th and n in g.header_rows else "td"
        b.add("<tr>")
        for cell in row:
            attrs = (
                (f' colspan="{cell.colspan}"' if cell.colspan > 1 else "")
                + (f' rowspan="{cell.rowspan}"' if cell.rowspan > 1 else "")
                + attrs_of.format(w=rng.choice((57, 64, 85, 120)), x=rng.randint(60, 80))
            )
            b.add(f"<{tag}{attrs}>")
            if not cell.text:
                empty = rng.choice(_EMPTY_CELLS)
                if cell.kind == "blank":
                    b.add(empty[: len(empty) - len(empty.lstrip())])  # a span never starts with a space
                    span = b.open("BLANK", intended=f"{empty.lstrip()}</{tag}>", **cell.info)
                    b.add(f"{empty.lstrip()}</{tag}>")
                    b.close(span)
                    continue
                b.add(empty)
            elif rng.random() < word:
                b.add('<p class="MsoNormal" align="center"><span style="font-size:10.5pt">')
                if len(cell.text) >= 4 and rng.random() < 0.5:
                    # Word splits a run into fragments; the span covers the tags between them.
                    cut = rng.randint(1, len(cell.text) - 1)
                    span = b.open(_LABELS[cell.kind], intended=cell.text, **cell.info)
                    b.add(cell.text[:cut])
                    b.add('</span><span lang="EN-US" style="font-size:10.5pt">')
                    b.add(cell.text[cut:])
                    b.close(span)
                else:
                    _add_cell(b, cell)
                b.add("</span></p>")
            else:
                _add_cell(b, cell)
            b.add(f"</{tag}>")
        b.add("</tr>\n")
    b.add("</tbody></table>\n" if tbody else "</table>\n")


def _pdf_label(b: Builder, cell: Cell, rng: random.Random, style: dict[str, Any]) -> None:
    text = cell.text
    mode = rng.random()
    if len(text) > 3 and mode < style.get("char_per_line", 0.1):
        span = b.open(_LABELS[cell.kind], intended=text, **cell.info)
        b.add("\n".join(text))
        b.close(span)
    elif len(text) > 14 and mode < 0.6:
        cut = rng.randint(8, 14)  # hard-wrapped at the PDF's column width
        span = b.open(_LABELS[cell.kind], intended=text, **cell.info)
        b.add(text[:cut] + "\n" + text[cut:])
        b.close(span)
    else:
        _add_cell(b, cell)


def _numbers(b: Builder, cells: list[Cell], marker: str) -> None:
    """A PDF row's numbers: one line, space-separated."""
    _joined(b, cells, " ", marker)
    b.add("\n")


def _page_break(b: Builder, n: int, rng: random.Random, style: dict[str, Any]) -> None:
    """Now and then a page header or footer inside the table."""
    if n and rng.random() < style.get("page_break", 0.03):
        b.add(rng.choice(style.get("page_chrome", ["— 2 —"])) + "\n")


def _pdf(b: Builder, g: Grid, rng: random.Random, style: dict[str, Any]) -> None:
    marker = style.get("blank_marker", "")
    detached = style.get("pdf_detached", False)
    pending: list[list[Cell]] = []

    def numbers(cells: list[Cell]) -> None:
        _numbers(b, cells, marker)

    for n, row in enumerate(g.rows):
        _page_break(b, n, rng, style)
        if n in g.breaks and pending:
            for cells in pending:
                numbers(cells)
            pending = []
        labels = [c for c in row if c.kind in ("label", "title", "header")]
        values = [c for c in row if c.kind in ("cell", "blank")]
        for c in labels:
            _pdf_label(b, c, rng, style)
            b.add("\n" if (values and detached) or c is labels[-1] or rng.random() < 0.5 else " ")
        if values:
            if detached:
                pending.append(values)
            else:
                numbers(values)
    for cells in pending:
        numbers(cells)


def _wrapped(text: str, rng: random.Random, width: int) -> list[str]:
    """``text`` hard-wrapped at a PDF column ``width`` (pieces trimmed, none empty)."""
    pieces = [text[i : i + width].strip(" ") for i in range(0, len(text), width)]
    return [p for p in pieces if p]


def _shifted_header(b: Builder, row: list[Cell], rng: random.Random, style: dict[str, Any]) -> None:
    """A header row whose cells wrap inside narrow columns: text extraction reads it line
    by line across the columns, so each header's pieces interleave with its neighbours'
    and a one-line cell (the corner, ``总计``) sits on the middle line, vertically centred."""
    width = rng.randint(3, 6)
    parts = [_wrapped(c.text, rng, width) if c.kind == "header" else [c.text] for c in row]
    height = max(len(p) for p in parts)
    for line in range(height):
        words = []
        for cell, p in zip(row, parts):
            top = (height - len(p)) // 2  # centred vertically in the row
            if top <= line < top + len(p):
                words.append((cell, p[line - top]))
        for k, (cell, piece) in enumerate(words):
            b.add(" " if k else "")
            b.add(piece, _LABELS[cell.kind], **{**cell.info, "intended": piece})
        b.add("\n")


def _pdf_shifted(b: Builder, g: Grid, rng: random.Random, style: dict[str, Any]) -> None:
    """PDF text whose rows drift from where the table puts them, as converters that sort
    text by its vertical position print a table with vertically centred cells:

    - a row label wrapped over two lines, its numbers on the line between the halves
      (both halves ROW_LABEL: the label cell is one cell however it is cut);
    - a row's numbers printed before its label (the label's baseline sits lower);
    - a group label spanning several rows (``(三)不予公开``) printed at its vertical
      centre, i.e. after the first rows of its group;
    - header cells wrapped in narrow columns, their pieces interleaved line by line.
    """
    marker = style.get("blank_marker", "")
    # Numbers before their label: one baseline offset for the whole table, so every
    # one-line row of it (a wrapped label has its numbers between its halves instead).
    before = rng.random() < 0.5
    split = rng.choice((0.3, 0.7))
    # Group labels at their vertical centre: the row they print before.
    moved: dict[int, list[Cell]] = {}
    skip: set[int] = set()
    for n, row in enumerate(g.rows):
        for c in row:
            if c.kind == "label" and c.rowspan > 2 and rng.random() < 0.7:
                moved.setdefault(n + rng.randint(1, c.rowspan // 2), []).append(c)
                skip.add(id(c))

    def numbers(cells: list[Cell]) -> None:
        _numbers(b, cells, marker)

    for n, row in enumerate(g.rows):
        _page_break(b, n, rng, style)
        for c in moved.get(n, ()):
            _add_cell(b, c)
            b.add("\n")
        if n in g.header_rows and any(c.kind == "header" for c in row) and rng.random() < 0.7:
            _shifted_header(b, row, rng, style)
            continue
        labels = [c for c in row if c.kind in ("label", "title", "header") and id(c) not in skip]
        values = [c for c in row if c.kind in ("cell", "blank")]
        last = labels[-1] if labels else None
        if values and last is not None and last.kind == "label":
            text = last.text
            cut = rng.randint(6, min(14, len(text) - 2)) if len(text) > 10 else 0  # the PDF's column width
            if cut and text[:cut].strip() and text[cut:].strip() and rng.random() < split:
                for c in labels[:-1]:
                    _add_cell(b, c)
                    b.add("\n")
                b.add(text[:cut], "ROW_LABEL", **{**last.info, "intended": text[:cut].strip(" ")})
                b.add("\n")
                numbers(values)
                b.add(text[cut:], "ROW_LABEL", **{**last.info, "intended": text[cut:].strip(" ")})
                b.add("\n")
                continue
            if before:
                numbers(values)
                values = []
        for c in labels:
            _add_cell(b, c)
            b.add("\n" if c is labels[-1] or rng.random() < 0.5 else " ")
        if values:
            numbers(values)


#: How a one-line table separates its cells: (between header cells, between values, around labels).
GLUE_MODES = {
    "glued": ("", "", ""),
    "spaced": (" ", " ", " "),
    "headers_spaced": (" ", "", ""),
    "labels_spaced": ("", "", " "),
}


def _glued(b: Builder, g: Grid, rng: random.Random, style: dict[str, Any]) -> None:
    """Every cell of the table on one line, as scraped pages print it: with the page's glue
    (``style["glue"]``: ``""`` joins everything, ``" "`` spaces everything) or one of
    :data:`GLUE_MODES`; in a true run the digits of neighbouring cells touch
    (``申请数量190000019二、``), now and then with a stray space between two of them
    (``300000 3``, ``style["run_spaces"]``). A blank printed as nothing leaves no character,
    so a row whose values are all blank prints its label alone."""
    mode = style.get("glue_mode") or ("spaced" if style.get("glue", "") == " " else "glued")
    hsep, vsep, lsep = GLUE_MODES[mode]
    marker = style.get("blank_marker", "")
    stray = style.get("run_spaces", 0.0)
    prev: Cell | None = None
    for cell in (c for row in g.rows for c in row):
        text = cell.text or (marker if cell.kind == "blank" else "")
        if not text:
            continue
        if prev is not None:
            values = prev.kind in ("cell", "blank") and cell.kind in ("cell", "blank")
            if values:
                b.add(vsep or (" " if rng.random() < stray else ""))
            elif prev.kind == cell.kind == "header":
                b.add(hsep)
            else:
                b.add(lsep)
        if cell.text:
            _add_cell(b, cell)
        else:
            b.add(marker, "BLANK", **cell.info)
        prev = cell
    b.add("\n")


_LIST_NUMBER = re.compile(r"^(?:[一二三四五六七八九十]+、|[(（][一二三四五六七八九十]+[)）]|\d+[.．、])\s*")


def numberless(text: str) -> str:
    """A row label as OCR and LLM tools restructure it: without its list number.

    >>> numberless("(一)予以公开"), numberless("1.属于国家秘密"), numberless("四、结转下年度继续办理")
    ('予以公开', '属于国家秘密', '结转下年度继续办理')
    """
    return _LIST_NUMBER.sub("", text, count=1) or text


_OUTCOME_ROWS = frozenset(r.key for t in T.tables_named("applications") for r in t.rows if r.outcome)


def _md_row(b: Builder, cells: list[Cell], marker: str = "-") -> None:
    b.add("|")
    for cell in cells:
        b.add(" ")
        if cell.text:
            _add_cell(b, cell)
        elif cell.kind == "blank":
            b.add(marker, "BLANK", **cell.info)
        b.add(" |")
    b.add("\n")


def _md_rule(b: Builder, n: int) -> None:
    b.add("|" + "---|" * n + "\n")


def _md_heading(b: Builder, rng: random.Random, cell: Cell, labelled: bool, level: str) -> None:
    """A heading line naming a row or group: ``### (三)不予公开`` or ``**予以公开**``."""
    bold = rng.random() < 0.25
    b.add("**" if bold else level + " ")
    b.add(cell.text, _LABELS[cell.kind] if labelled else None, **(cell.info if labelled else {}))
    b.add("**\n\n" if bold else "\n\n")


def _md_restructured(b: Builder, g: Grid, rng: random.Random, style: dict[str, Any]) -> None:
    """Markdown as OCR and language-model tools restructure a table: small tables under
    ``###`` headings (a table-2 block under its article, an outcome or a group of outcomes
    under a heading that names it), generic column headers (``列1 … 列6 | 合计``), the
    applicant header split into little tables, labels without their list number, ``-``
    for a blank. A heading that names a group, or a row whose table prints no label, is the
    ROW_LABEL; a heading that repeats the label of the row below it is O."""
    generic = rng.random() < style.get("md_generic", 0.4)
    strip = style.get("md_numberless", 0.5)
    corner = rng.choice(("项目", "类别", "指标", "情形"))

    def relabel(cell: Cell) -> Cell:
        text = numberless(cell.text) if rng.random() < strip else cell.text
        return Cell(text, cell.kind, **cell.info)

    headers = [r for i, r in enumerate(g.rows) if i in g.header_rows]
    body = [r for i, r in enumerate(g.rows) if i not in g.header_rows]
    if g.table == "active_disclosure":
        i = 0
        while i < len(g.rows):
            title, head = g.rows[i], g.rows[i + 1]
            i += 2
            rows = []
            while i < len(g.rows) and i not in g.header_rows:
                rows.append(g.rows[i])
                i += 1
            _md_heading(b, rng, title[0], True, rng.choice(("###", "####")))
            fields = [c for c in head[1:]]
            if generic:
                fields = [Cell(f"列{k + 1}", "header") for k in range(len(fields))]
            _md_row(b, [head[0]] + fields)
            _md_rule(b, len(fields) + 1)
            for r in rows:
                _md_row(b, [relabel(r[0])] + r[1:])
            b.add("\n")
        return
    fields = [c for c in headers[-1] if c.info.get("field")] if headers else []
    if g.table == "applications":
        leaf = [c for r in headers for c in r if c.info.get("field")]
        order = {f.key: n for n, f in enumerate(T.APPLICANT_COLUMNS)}
        leaf.sort(key=lambda c: order[c.info["field"]])
        if generic:
            leaf = [Cell(f"列{k + 1}", "header") for k in range(6)] + [Cell(rng.choice(("合计", "总计")), "header")]
        if not generic and rng.random() < 0.5:  # the header as three little tables
            for r in headers:
                words = [c for c in r if c.text]
                _md_row(b, words)
                _md_rule(b, len(words))
                b.add("\n")
            head = None
        else:
            head = [Cell(corner, "header")] + leaf
            _md_row(b, head)
            _md_rule(b, len(head))
        per_row = rng.random() < 0.6  # each outcome its own small table under its heading
        level = "###"
        for r in body:
            groups = [c for c in r if c.kind == "label" and "group" in c.info]
            label = next(c for c in r if c.kind == "label" and "row" in c.info)
            values = [c for c in r if c.kind in ("cell", "blank")]
            for grp in groups:
                b.add("\n")
                _md_heading(b, rng, grp, True, level if grp.info["group"] == "results" else "####")
            outcome = label.info["row"] in _OUTCOME_ROWS
            if per_row and outcome:
                own = rng.random() < 0.3  # the heading is the only label; the table prints values
                _md_heading(b, rng, label, own, "####" if groups or "." in label.text[:3] else level)
                cells = values if own else [relabel(label)] + values
                _md_row(b, cells)
                _md_rule(b, len(cells))
                b.add("\n")
            else:
                _md_row(b, [relabel(label)] + values)
        b.add("\n")
        return
    # Table 4: a row per review kind under the five field headers, or the national form's one line.
    values = [c for r in body for c in r]
    if rng.random() < 0.6:
        five = fields[:5] if len(fields) >= 5 else [Cell(f.label, "header", field=f.key) for f in T.REVIEW_FIELDS]
        if generic:
            five = [Cell(f"列{k + 1}", "header") for k in range(4)] + [Cell("合计", "header")]
        _md_row(b, [Cell(corner, "header")] + five)
        _md_rule(b, 6)
        for k, row in enumerate(T.table_template("reviews", "2021").rows):
            _md_row(b, [Cell(rng.choice(row.labels), "label", row=row.key)] + values[k * 5 : (k + 1) * 5])
    else:
        for n, r in enumerate(headers):
            _md_row(b, [c for c in r if c.text])
            if n == 0:
                _md_rule(b, len([c for c in r if c.text]))
        _md_row(b, values)
    b.add("\n")


_RENDERERS = {
    "pipe": _pipe,
    "cell_per_line": _cell_per_line,
    "tab": _tab,
    "markdown": _markdown,
    "html": _html,
    "pdf": _pdf,
    "glued": _glued,
    "pdf_shifted": _pdf_shifted,
    "md_restructured": _md_restructured,
}


def render(b: Builder, grid: Grid, layout: str, rng: random.Random, style: dict[str, Any]) -> None:
    """Write ``grid`` into ``b`` in ``layout`` (one of :data:`LAYOUTS`)."""
    try:
        fn = _RENDERERS[layout]
    except KeyError:
        raise ValueError(f"unknown layout {layout!r}; layouts: {', '.join(LAYOUTS)}") from None
    fn(b, grid, rng, style)
