"""Reports in the layouts that Word, CMS editors and OCR/LLM converters write, built at test
time with the exact spans of every table entity (source offsets) and the tables they print.

Used by ``tests/test_layouts_html.py`` and ``tests/test_layouts_markdown.py`` (through the
pipeline with a :class:`~gongkai.inference.pipeline.SpanTagger` of these spans, and through
the shipped model), and by ``scripts/measure_layouts.py`` (cells right, before and after).

Shapes (``SHAPES``):

- ``word``: Word's "save as web page" (``<table class=MsoNormalTable>``, ``<td width=…
  colspan=… rowspan=…><p class=MsoNormal><span …>``), the national form's own grid: table 3's
  corner note over three columns and three header rows, ``三、本年度办理结果`` and
  ``（三）不予公开`` as rowspans, ``（一）予以公开`` over two columns, ``一、…`` over three;
  table 2's ``第二十条`` titles over the whole width and one-field blocks spanning three
  columns; table 4's three header rows; blank cells ``<o:p>&nbsp;</o:p>``; Word's
  ``supportMisalignedColumns`` row of empty cells.
- ``cms``: a CMS editor's table: one header row (``自然人`` and ``总计`` rowspan 2, ``法人或其他
  组织`` colspan 5), every group label on a row of its own spanning the table
  (``<td colspan=10>（三）不予公开</td>``), data labels over three columns, ``<th>`` headers,
  empty ``<td></td>`` blanks.
- ``cms_rowspan``: like ``cms`` but the group labels are rowspans beside their items
  (``<td rowspan=8>（三）不予公开</td><td colspan=2>1.属于国家秘密</td>``).
- ``md_rows``: Markdown where every row of table 3 is its own small table under a ``###``
  heading naming it (labels without list number: ``| 予以公开 | 52 | … |``), ``-`` for blank.
- ``md_generic``: Markdown with generic column headers (``| 项目 | 列1 | … | 合计 |``), the
  applicant header split into three little tables, numbered items under a ``###`` heading
  naming their group, labels without their list number, an OCR line break inside a label.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from gongkai.model import template as T

SHAPES = ("word", "cms", "cms_rowspan", "md_rows", "md_generic")
#: Shapes written after the fixes for the ones above, to see how far those carry.
MORE_SHAPES = ("word_unmerged", "md_br", "md_bold")


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    label: str


@dataclass
class Doc:
    """Text written piece by piece, with the span of every labelled piece."""

    parts: list[str] = field(default_factory=list)
    spans: list[Span] = field(default_factory=list)
    size: int = 0
    #: How a blank cell is printed in Markdown (``""``: an empty cell).
    blank: str = "-"
    #: The generic column header a converter invented (``列{n}``).
    column: str = "列{n}"
    #: A line break inside a Markdown table cell (OCR: a newline; language models: ``<br>``).
    line_break: str = "\n"

    def add(self, text: str, label: str | None = None) -> None:
        if label and text:
            self.spans.append(Span(self.size, self.size + len(text), label))
        self.parts.append(text)
        self.size += len(text)

    def mark(self) -> int:
        return self.size

    def span_from(self, start: int, label: str) -> None:
        self.spans.append(Span(start, self.size, label))

    def text(self) -> str:
        return "".join(self.parts)


# --------------------------------------------------------------------------- numbers

_APPLICANTS = tuple(f.key for f in T.APPLICANT_COLUMNS if f.key != "total")


def _small(rng: random.Random, busy: float) -> int:
    return 0 if rng.random() > busy else rng.choice((1, 1, 2, 3, 5, 8, 12, 27, 52, 130) if busy > 0.3 else (1, 1, 2, 3))


def make_values(rng: random.Random, versions: dict[str, str]) -> dict[str, dict]:
    """Tables in SCHEMA form whose rules hold, with blank (``None``) cells where no rule can
    fill them in: two outcome rows × two applicant columns, two cells of a table-4 row,
    table 2's cells (no rules there)."""
    out: dict[str, dict] = {}
    ad = T.table_template("active_disclosure", versions["active_disclosure"])
    rows = {r.key: {f.key: _small(rng, 0.6) for f in r.fields} for r in ad.rows}
    for key, fld in rng.sample([(r.key, f.key) for r in ad.rows for f in r.fields], 2):
        rows[key][fld] = None
    out["active_disclosure"] = {"template": ad.version, "rows": rows}

    ap = T.table_template("applications", versions["applications"])
    outcomes = [r.key for r in ap.rows if r.outcome]
    rows = {k: {a: _small(rng, 0.35 if a == "natural_person" else 0.08) for a in _APPLICANTS} for k in outcomes}
    rows["total"] = {a: sum(rows[k][a] for k in outcomes) for a in _APPLICANTS}
    rows["carried_over"] = {a: min(rows["total"][a], _small(rng, 0.2)) for a in _APPLICANTS}
    rows["new_received"] = {a: rows["total"][a] - rows["carried_over"][a] for a in _APPLICANTS}
    rows["carried_forward"] = {a: 0 for a in _APPLICANTS}
    for k in rows:
        rows[k]["total"] = sum(rows[k][a] for a in _APPLICANTS)
    # Blanks no rule determines: a 2×2 block of zeros printed empty (each equation then has
    # two unknowns).
    pair = rng.sample([k for k in outcomes if all(rows[k][a] == 0 for a in ("research", "legal_service"))], 2)
    for k in pair:
        rows[k]["research"] = rows[k]["legal_service"] = None
    out["applications"] = {
        "template": ap.version,
        "rows": {r.key: {f: rows[r.key][f] for f in r.field_keys} for r in ap.rows},
    }

    rv = T.table_template("reviews", versions["reviews"])
    rows = {}
    for r in rv.rows:
        vals = {f: _small(rng, 0.3) for f in ("upheld", "corrected", "other", "pending")}
        rows[r.key] = {**vals, "total": sum(vals.values())}
    rows["litigation_direct"]["corrected"] = rows["litigation_direct"]["other"] = None
    rows["litigation_direct"]["total"] = None
    out["reviews"] = {"rows": rows}
    return out


def _printed(value) -> str:
    return "" if value is None else str(value)


_FULL_WIDTH = str.maketrans({"(": "（", ")": "）", ":": "：", ",": "，"})


def fw(label: str) -> str:
    """A template label as Chinese documents print it, in full-width punctuation."""
    return label.translate(_FULL_WIDTH)


# --------------------------------------------------------------------------- narrative

_NARRATIVE = {
    "overview": "{year}年，{organ}认真贯彻落实《中华人民共和国政府信息公开条例》，全年主动公开政府信息{n}条。",
    "active_disclosure": "本年度主动公开情况如下表。",
    "applications": "{year}年，本机关收到政府信息公开申请{apps}件。",
    "reviews": "本年度因政府信息公开工作被申请行政复议、提起行政诉讼情况如下。",
    "problems": "存在的主要问题是公开内容不够全面，下一步将加强培训。",
    "other": "本机关未收取信息处理费。",
}


def _narrative(key: str, year: int, organ: str, values: dict) -> str:
    new = values["applications"]["rows"]["new_received"]["total"]
    return _NARRATIVE[key].format(year=year, organ=organ, n=815, apps=new)


# --------------------------------------------------------------------------- HTML

_WORD_TD = "<td width={w} valign=top style='width:{pt}pt;border:solid windowtext 1.0pt;padding:0cm 5.4pt 0cm 5.4pt'"
_WORD_P = (
    "<p class=MsoNormal align=center style='text-align:center'>"
    "<span lang=EN-US style='font-size:10.5pt;font-family:仿宋_GB2312'>"
)
_WORD_P_END = "<o:p></o:p></span></p>"


class _Html:
    """Table cells in one of the HTML dialects."""

    def __init__(self, doc: Doc, shape: str, rng: random.Random):
        self.doc, self.shape, self.rng = doc, shape, rng

    def td(self, text: str, label: str | None, colspan: int = 1, rowspan: int = 1, th: bool = False) -> None:
        d = self.doc
        if self.shape == "word_unmerged" and colspan > 1:  # the span written as empty cells
            self.td(text, label, 1, rowspan, th)
            for _ in range(colspan - 1):
                self.td("", None, 1, rowspan, th)
            return
        attrs = (f" colspan={colspan}" if colspan > 1 else "") + (f" rowspan={rowspan}" if rowspan > 1 else "")
        start = d.mark()
        if self.shape.startswith("word"):
            w = 57 * colspan
            d.add(_WORD_TD.format(w=w, pt=round(w * 0.75, 2)) + attrs + ">" + _WORD_P)
            if text and len(text) > 3 and self.rng.random() < 0.3:  # Word splits a run in two
                cut = self.rng.randint(1, len(text) - 1)
                a = d.mark()
                d.add(text[:cut])
                d.add("</span><span style='font-size:10.5pt;font-family:仿宋_GB2312'>")
                d.add(text[cut:])
                d.span_from(a, label) if label else None
            else:
                d.add(text or "<o:p>&nbsp;</o:p>", label if text else None)
            d.add(_WORD_P_END + "</td>\n")
        else:
            tag = "th" if th else "td"
            d.add(f"<{tag}{attrs}>")
            d.add(text, label)
            d.add(f"</{tag}>")
        if not text and label == "BLANK":
            d.span_from(start, "BLANK")

    def tr(self) -> None:
        self.doc.add("<tr>" if not self.shape.startswith("word") else "<tr style='height:15.0pt'>\n")

    def end_tr(self) -> None:
        self.doc.add("</tr>\n")

    def table(self) -> None:
        if self.shape.startswith("word"):
            self.doc.add(
                "<table class=MsoNormalTable border=0 cellspacing=0 cellpadding=0 "
                "style='border-collapse:collapse;mso-table-layout-alt:fixed'>\n"
            )
        else:
            self.doc.add('<table border="1" cellspacing="0" style="width:100%"><tbody>\n')

    def end_table(self, width: int) -> None:
        if self.shape.startswith("word"):  # Word's column-width row: empty cells, no content
            self.doc.add(
                "<![if !supportMisalignedColumns]>\n<tr height=0>"
                + "<td width=57 style='border:none'></td>" * width
                + "</tr>\n<![endif]>\n"
            )
            self.doc.add("</table>\n")
        else:
            self.doc.add("</tbody></table>\n")

    def value(self, v, colspan: int = 1) -> None:
        self.td(_printed(v), "CELL" if v is not None else "BLANK", colspan)


def _html_table2(h: _Html, version: str, values: dict) -> None:
    tpl = T.table_template("active_disclosure", version)
    rows = values["rows"]
    h.table()
    for block in tpl.blocks:
        h.tr(), h.td(fw(block.title), "TABLE_TITLE", colspan=4), h.end_tr()
        fields = tpl.row(block.rows[0]).fields
        h.tr(), h.td(block.corner, "COL_HEADER")
        if len(fields) == 3:
            for f in fields:
                h.td(f.label, "COL_HEADER", th=True)
        else:  # one or two fields spread over the three value columns
            spans = (3,) if len(fields) == 1 else (1, 2)
            for f, n in zip(fields, spans):
                h.td(fw(f.label), "COL_HEADER", colspan=n, th=True)
        h.end_tr()
        for key in block.rows:
            h.tr(), h.td(fw(tpl.row(key).label), "ROW_LABEL")
            if len(fields) == 3:
                for f in fields:
                    h.value(rows[key][f.key])
            else:
                for f, n in zip(fields, spans):
                    h.value(rows[key][f.key], n)
            h.end_tr()
    h.end_table(4)


def _html_table3_header(h: _Html, shape: str) -> None:
    names = [f.label for f in T.APPLICANT_COLUMNS]
    if shape.startswith("word"):
        h.tr(), h.td(fw(T.APPLICATIONS_NOTE), "COL_HEADER", colspan=3, rowspan=3)
        h.td("申请人情况", "COL_HEADER", colspan=7)
        h.end_tr()
        h.tr(), h.td(names[0], "COL_HEADER", rowspan=2), h.td("法人或其他组织", "COL_HEADER", colspan=5)
        h.td(names[6], "COL_HEADER", rowspan=2), h.end_tr()
        h.tr()
        for n in names[1:6]:
            h.td(n, "COL_HEADER")
        h.end_tr()
    else:
        h.tr(), h.td("", None, colspan=3, rowspan=2, th=True), h.td(names[0], "COL_HEADER", rowspan=2, th=True)
        h.td("法人或其他组织", "COL_HEADER", colspan=5, th=True), h.td(names[6], "COL_HEADER", rowspan=2, th=True)
        h.end_tr()
        h.tr()
        for n in names[1:6]:
            h.td(n, "COL_HEADER", th=True)
        h.end_tr()


def _html_table3(h: _Html, version: str, values: dict, shape: str) -> None:
    tpl = T.table_template("applications", version)
    rows = values["rows"]
    h.table()
    _html_table3_header(h, shape)
    opened: set[str] = set()
    for r in tpl.rows:
        path = [g.key for g in tpl.group_path(r.key)]
        h.tr()
        for g in path:
            if g in opened:
                continue
            opened.add(g)
            label = fw(tpl.group(g).label)
            members = sum(1 for x in tpl.rows if g in [p.key for p in tpl.group_path(x.key)])
            if shape == "cms" or (shape == "cms_rowspan" and g == "results"):
                # a group label on a row of its own across the table
                h.td(label, "ROW_LABEL", colspan=10), h.end_tr(), h.tr()
            else:
                h.td(label, "ROW_LABEL", rowspan=members)
        shown = [g for g in path if not (shape == "cms" or (shape == "cms_rowspan" and g == "results"))]
        h.td(fw(r.label), "ROW_LABEL", colspan=3 - len(shown))
        for f in r.field_keys:
            h.value(rows[r.key][f])
        h.end_tr()
    h.end_table(10)


def _html_table4(h: _Html, values: dict, shape: str) -> None:
    tpl = T.table_template("reviews", "2021")
    rows = values["rows"]
    fields = [f.label for f in T.REVIEW_FIELDS]
    h.table()
    h.tr(), h.td("行政复议", "COL_HEADER", colspan=5, th=True), h.td("行政诉讼", "COL_HEADER", colspan=10, th=True)
    h.end_tr()
    h.tr()
    for f in fields:
        h.td(f, "COL_HEADER", rowspan=2, th=True)
    h.td("未经复议直接起诉", "COL_HEADER", colspan=5, th=True), h.td("复议后起诉", "COL_HEADER", colspan=5, th=True)
    h.end_tr()
    h.tr()
    for f in fields * 2:
        h.td(f, "COL_HEADER", th=True)
    h.end_tr()
    h.tr()
    for r, f in tpl.cells():
        h.value(rows[r][f])
    h.end_tr()
    h.end_table(15)


def html_report(shape: str, seed: int, versions: dict[str, str] | None = None) -> tuple[str, list[Span], dict]:
    """A whole report as HTML in ``shape`` (``word``, ``cms``, ``cms_rowspan``): the source,
    the spans of its table entities and section headings, and its tables (SCHEMA form)."""
    rng = random.Random(seed)
    year = 2023 if versions is None else (2020 if versions["applications"] == "2019" else 2023)
    versions = versions or {"active_disclosure": "2021", "applications": "2021", "reviews": "2021"}
    values = make_values(rng, versions)
    organ = rng.choice(("弋丰县人民政府办公室", "青林市自然资源和规划局", "东川区教育局"))
    d = Doc()
    h = _Html(d, shape, rng)
    if shape.startswith("word"):
        d.add(
            '<html xmlns:o="urn:schemas-microsoft-com:office:office">\n<head><meta http-equiv=Content-Type '
            'content="text/html; charset=utf-8"><style>\n<!-- p.MsoNormal {margin:0cm;font-size:10.5pt;} '
            "table.MsoNormalTable {mso-style-name:普通表格;} -->\n</style></head>\n<body lang=ZH-CN "
            "style='text-justify-trim:punctuation'><div class=WordSection1>\n"
        )
    else:
        d.add('<div class="article-content">\n')
    para = (
        "<p class=MsoNormal style='text-indent:32.0pt'><span style='font-family:仿宋_GB2312'>{}</span></p>\n"
        if shape.startswith("word")
        else "<p>{}</p>\n"
    )
    d.add(para.format(f"{organ}{year}年政府信息公开工作年度报告"))
    for s in T.SECTIONS:
        d.add(para.split("{}")[0] + "<b>")
        d.add(f"{s.number}、{s.title}", "SECTION")
        d.add("</b>" + para.split("{}")[1])
        d.add(para.format(_narrative(s.key, year, organ, values)))
        if s.key in T.TABLE_KEYS:
            if s.key == "active_disclosure":
                _html_table2(h, versions["active_disclosure"], values["active_disclosure"])
            elif s.key == "applications":
                _html_table3(h, versions["applications"], values["applications"], shape)
            else:
                _html_table4(h, values["reviews"], shape)
    d.add("</div></body></html>\n" if shape.startswith("word") else "</div>\n")
    return d.text(), d.spans, values


# --------------------------------------------------------------------------- Markdown

#: Generic column headers an LLM invents for a table whose header it could not read.
_GENERIC_CORNER = ("项目", "类别", "指标")


def _md_row(d: Doc, cells: list[tuple[str, str | None]]) -> None:
    d.add("|")
    for text, label in cells:
        d.add(" ")
        if text:
            d.add(text, label)
            d.add(" |")
        elif label == "BLANK" and d.blank:
            d.add(d.blank, "BLANK")
            d.add(" |")
        else:  # an empty cell: its closing | is the BLANK
            d.add("|", label if label == "BLANK" else None)
    d.add("\n")


def _md_rule(d: Doc, n: int) -> None:
    d.add("|" + "---|" * n + "\n")


def _md_value(v) -> tuple[str, str | None]:
    return (_printed(v), "CELL") if v is not None else ("", "BLANK")


def _strip_number(label: str) -> str:
    """``(一)予以公开`` → ``予以公开``; ``1.属于国家秘密`` → ``属于国家秘密``; ``一、本年新收…`` → ``本年新收…``."""
    for sep in ("）", ")", "、", "."):
        head, found, rest = label.partition(sep)
        if found and len(head) <= 3 and rest:
            return rest
    return label


def _md_table3_rows(d: Doc, tpl: T.TableTemplate, rows: dict, rng: random.Random) -> None:
    """``md_rows``: one heading and one small table per row of table 3."""
    for r in tpl.rows:
        d.add("### ")
        d.add(fw(r.label), "ROW_LABEL")  # the heading names the row as the form prints it
        d.add("\n\n")
        if rng.random() < 0.5:
            _md_row(
                d,
                [(rng.choice(_GENERIC_CORNER), "COL_HEADER")] + [(f.label, "COL_HEADER") for f in T.APPLICANT_COLUMNS],
            )
            _md_rule(d, 8)
        label = _strip_number(fw(r.label))
        _md_row(d, [(label, "ROW_LABEL")] + [_md_value(rows[r.key][f]) for f in r.field_keys])
        d.add("\n")


def _md_table3_generic(d: Doc, tpl: T.TableTemplate, rows: dict, rng: random.Random) -> None:
    """``md_generic``: the applicant header as three little tables, generic column headers,
    group headings with their items under them, an OCR line break inside a label."""
    _md_row(d, [("申请人情况", "COL_HEADER")])
    _md_rule(d, 1)
    d.add("\n")
    _md_row(d, [("自然人", "COL_HEADER"), ("法人或其他组织", "COL_HEADER"), ("总计", "COL_HEADER")])
    _md_rule(d, 3)
    d.add("\n")
    _md_row(d, [(f.label, "COL_HEADER") for f in T.APPLICANT_COLUMNS[1:6]])
    _md_rule(d, 5)
    d.add("\n")
    head = (
        [(rng.choice(T.GENERIC_CORNERS), "COL_HEADER")]
        + [(d.column.format(n=i), "COL_HEADER") for i in range(1, 7)]
        + [(rng.choice(T.GENERIC_TOTALS), "COL_HEADER")]
    )
    numbered = rng.random() < 0.5  # items under a group heading with their list number or without
    opened: set[str] = set()
    in_table = False
    for r in tpl.rows:
        for g in tpl.group_path(r.key):
            if g.key in opened:
                continue
            opened.add(g.key)
            d.add("\n### ")
            d.add(fw(g.label), "ROW_LABEL")
            d.add("\n\n")
            in_table = False
        if not in_table:
            _md_row(d, head)
            _md_rule(d, 8)
            in_table = True
        label = fw(r.label) if r.group not in (None, "results") and numbered else _strip_number(fw(r.label))
        if r.key in ("unable.not_held", "other_handling.unpaid_fee"):  # a line break inside the label
            d.add("| ")
            d.add(label[:-3] + d.line_break + label[-3:], "ROW_LABEL")
            d.add(" ")
            _md_row(d, [_md_value(rows[r.key][f]) for f in r.field_keys])
        else:
            _md_row(d, [(label, "ROW_LABEL")] + [_md_value(rows[r.key][f]) for f in r.field_keys])


def _md_table3_bold(d: Doc, tpl: T.TableTemplate, rows: dict) -> None:
    """``md_bold``: one table with the real applicant columns, group labels as bold rows of
    empty cells."""
    _md_row(d, [("项目", "COL_HEADER")] + [(f.label, "COL_HEADER") for f in T.APPLICANT_COLUMNS])
    _md_rule(d, 8)
    opened: set[str] = set()
    for r in tpl.rows:
        for g in tpl.group_path(r.key):
            if g.key not in opened:
                opened.add(g.key)
                d.add("| **")
                d.add(fw(g.label), "ROW_LABEL")
                d.add("** |" + " |" * 7 + "\n")
        _md_row(d, [(fw(r.label), "ROW_LABEL")] + [_md_value(rows[r.key][f]) for f in r.field_keys])


_REVIEW_ROW_LABELS = {
    "review": "行政复议",
    "litigation_direct": "行政诉讼（未经复议直接起诉）",
    "litigation_after_review": "行政诉讼（复议后起诉）",
}


def _md_table4_rows(d: Doc, values: dict) -> None:
    """``md_bold``: table 4 turned into three rows, one per proceeding."""
    rows = values["rows"]
    _md_row(d, [("类别", "COL_HEADER")] + [(f.label, "COL_HEADER") for f in T.REVIEW_FIELDS])
    _md_rule(d, 6)
    for key, label in _REVIEW_ROW_LABELS.items():
        _md_row(d, [(label, "ROW_LABEL")] + [_md_value(rows[key][f.key]) for f in T.REVIEW_FIELDS])
    d.add("\n")


def _md_table2(d: Doc, version: str, values: dict, generic: bool) -> None:
    tpl = T.table_template("active_disclosure", version)
    rows = values["rows"]
    for block in tpl.blocks:
        d.add("**")
        d.add(fw(block.title), "TABLE_TITLE")
        d.add("**\n\n")
        fields = tpl.row(block.rows[0]).fields
        names = [d.column.format(n=i) for i in range(1, len(fields) + 1)] if generic else [fw(f.label) for f in fields]
        _md_row(d, [(block.corner, "COL_HEADER")] + [(n, "COL_HEADER") for n in names])
        _md_rule(d, 1 + len(fields))
        for key in block.rows:
            _md_row(d, [(fw(tpl.row(key).label), "ROW_LABEL")] + [_md_value(rows[key][f.key]) for f in fields])
        d.add("\n")


def _md_table4(d: Doc, values: dict, generic: bool) -> None:
    tpl = T.table_template("reviews", "2021")
    rows = values["rows"]
    if generic:
        _md_row(d, [(d.column.format(n=i), "COL_HEADER") for i in range(1, 16)])
    else:
        _md_row(d, [("行政复议", "COL_HEADER")] + [("", None)] * 4 + [("行政诉讼", "COL_HEADER")] + [("", None)] * 9)
    _md_rule(d, 15)
    if not generic:
        _md_row(
            d,
            [(f.label, "COL_HEADER") for f in T.REVIEW_FIELDS]
            + [("未经复议直接起诉", "COL_HEADER")]
            + [("", None)] * 4
            + [("复议后起诉", "COL_HEADER")]
            + [("", None)] * 4,
        )
        _md_row(d, [(f.label, "COL_HEADER") for f in T.REVIEW_FIELDS] * 3)
    _md_row(d, [_md_value(rows[r][f]) for r, f in tpl.cells()])
    d.add("\n")


def markdown_report(shape: str, seed: int, versions: dict[str, str] | None = None) -> tuple[str, list[Span], dict]:
    """A whole report as an LLM or OCR converter writes it in Markdown (``md_rows``,
    ``md_generic``): the source, the spans and the tables (SCHEMA form)."""
    rng = random.Random(seed)
    versions = versions or {"active_disclosure": "2021", "applications": "2021", "reviews": "2021"}
    year = 2020 if versions["applications"] == "2019" else 2023
    values = make_values(rng, versions)
    organ = rng.choice(("弋丰县人民政府办公室", "青林市自然资源和规划局", "东川区教育局"))
    d = Doc(
        blank=rng.choice(("-", "—", "/", "")),
        column=rng.choice(T.GENERIC_COLUMNS),
        line_break="<br>" if shape == "md_br" else "\n",
    )
    d.add(f"# {organ}{year}年政府信息公开工作年度报告\n\n")
    generic = shape in ("md_generic", "md_br")
    for s in T.SECTIONS:
        d.add("**" if shape == "md_bold" else "## ")
        d.add(f"{s.number}、{s.title}", "SECTION")
        d.add("**" if shape == "md_bold" else "")
        d.add("\n\n" + _narrative(s.key, year, organ, values) + "\n\n")
        if s.key == "active_disclosure":
            _md_table2(d, versions["active_disclosure"], values["active_disclosure"], generic)
        elif s.key == "applications":
            tpl = T.table_template("applications", versions["applications"])
            if shape == "md_rows":
                _md_table3_rows(d, tpl, values["applications"]["rows"], rng)
            elif shape == "md_bold":
                _md_table3_bold(d, tpl, values["applications"]["rows"])
            else:
                _md_table3_generic(d, tpl, values["applications"]["rows"], rng)
        elif s.key == "reviews" and shape == "md_bold":
            _md_table4_rows(d, values["reviews"])
        elif s.key == "reviews":
            _md_table4(d, values["reviews"], generic)
    return d.text(), d.spans, values


def report(shape: str, seed: int, versions: dict[str, str] | None = None) -> tuple[str, list[Span], dict]:
    """A report in any of :data:`SHAPES`."""
    if shape.startswith("md_"):
        return markdown_report(shape, seed, versions)
    return html_report(shape, seed, versions)


def cell_score(expected: dict, got: dict) -> tuple[int, int, list[str]]:
    """(cells right, cells expected, the wrong ones) of ``got`` (SCHEMA ``tables``) against
    ``expected``: every template cell of every expected table, blanks (``None``) included."""
    right = total = 0
    wrong: list[str] = []
    for table, exp in expected.items():
        rows = (got.get(table) or {}).get("rows", {})
        for row, fields in exp["rows"].items():
            for fld, want in fields.items():
                total += 1
                have = rows.get(row, {}).get(fld, "absent")
                if have == want and (want is not None or fld in rows.get(row, {})):
                    right += 1
                else:
                    wrong.append(f"{table}.{row}.{fld}: {have!r} ≠ {want!r}")
    return right, total, wrong


SECTION_KEYS = [s.key for s in T.SECTIONS]


def check_record(source: str, rec: dict, expected: dict) -> None:
    """An extracted record is right: every template cell (blanks null), provenance that points
    at each value's text in ``source``, the six sections, and no check failed or repaired."""
    assert rec["error"] is None
    _, _, wrong = cell_score(expected, rec["tables"])
    assert not wrong, wrong[:10]
    for table, rows in rec["provenance"].items():
        for row, fields in rows.items():
            for fld, p in fields.items():
                assert source[p["start"] : p["end"]] == p["text"]
                value = rec["tables"][table]["rows"][row][fld]
                assert value is None or str(value) == p["text"], (table, row, fld, p)
    assert [s["key"] for s in rec["sections"]] == SECTION_KEYS
    assert not [c for c in rec["checks"] if c["status"] in ("fail", "repaired")]
