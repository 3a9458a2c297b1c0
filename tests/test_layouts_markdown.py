"""Markdown restructured by OCR and language-model converters: each row of table 3 its own
small table under a ``###`` heading, generic column headers (``列1`` … ``合计``), the applicant
header in three little tables, labels without their list number under a heading naming their
group, ``-`` (or ``—``, ``/``, nothing) for blank, line breaks inside labels (a newline or
``<br>``), bold group rows, table 4 as three labelled rows. Every table must come back as
the template's cells, blanks null.

The reports are built at test time (``report_layouts``)."""

import pytest
from report_layouts import check_record, markdown_report

from gongkai.inference.assemble import assemble
from gongkai.inference.converted import generic_headers, headers_opening_rows, join_broken_labels, tidy_converted
from gongkai.inference.entities import Entity
from gongkai.inference.html import looks_like_html
from gongkai.inference.normalise import normalise
from gongkai.inference.pipeline import Extractor, SpanTagger
from gongkai.inference.table_values import printed_cells

V2019 = {"active_disclosure": "2019", "applications": "2019", "reviews": "2019"}
MD_SHAPES = ("md_rows", "md_generic", "md_br", "md_bold")


def _ents(text, *pieces):
    """Entities for ``(label, piece)`` pairs, each found after the previous one."""
    out, at = [], 0
    for label, piece in pieces:
        a = text.index(piece, at)
        out.append(Entity(label, a, a + len(piece), piece))
        at = a + len(piece)
    return out


# ----------------------------------------------------------------------------- entities


def test_generic_headers_are_headers_whatever_the_tagger_cut():
    t = "| 项目 | 列1 | 第2列 | Column 3 |\n|---|---|---|---|\n| 规章 | 1 | 0 | 5 |"
    ents = _ents(
        t,
        ("ROW_LABEL", "项目"),
        ("COL_HEADER", "列"),
        ("CELL", "1"),
        ("COL_HEADER", "第"),
        ("CELL", "2"),
        ("ROW_LABEL", "规章"),
        ("CELL", "1"),
        ("CELL", "0"),
        ("CELL", "5"),
    )
    got = [(e.label, e.text) for e in generic_headers(ents, t)]
    assert got == [
        ("COL_HEADER", "项目"),
        ("COL_HEADER", "列1"),
        ("COL_HEADER", "第2列"),
        ("COL_HEADER", "Column 3"),
        ("ROW_LABEL", "规章"),
        ("CELL", "1"),
        ("CELL", "0"),
        ("CELL", "5"),
    ]


def test_headers_that_open_a_row_of_values_are_its_label():
    t = "| 类别 | 结果维持 | 总计 |\n| 行政诉讼（未经复议直接起诉） | 0 | 2 |\n| 总计 | 4 | 4 |"
    ents = _ents(
        t,
        ("COL_HEADER", "类别"),
        ("COL_HEADER", "结果维持"),
        ("COL_HEADER", "总计"),
        ("COL_HEADER", "行政诉讼"),
        ("CELL", "0"),
        ("CELL", "2"),
        ("COL_HEADER", "总计"),
        ("CELL", "4"),
        ("CELL", "4"),
    )
    got = [(e.label, e.text) for e in headers_opening_rows(ents, t)]
    assert got[:3] == [("COL_HEADER", "类别"), ("COL_HEADER", "结果维持"), ("COL_HEADER", "总计")]
    assert ("ROW_LABEL", "行政诉讼（未经复议直接起诉）") in got and got[-3] == ("ROW_LABEL", "总计")


def test_two_row_labels_on_one_line_stay_two():
    t = "（三）不予公开 | 1.属于国家秘密 | 0 | 0 |"
    ents = _ents(t, ("ROW_LABEL", "（三）不予公开"), ("ROW_LABEL", "1.属于国家秘密"), ("CELL", "0"), ("CELL", "0"))
    assert tidy_converted(ents, t) == ents


def test_a_label_broken_by_a_line_break_is_joined_but_two_labels_on_two_lines_are_not():
    t = "| 1.本机关不掌握相关政\n府信息 | 0 |"
    got = join_broken_labels(_ents(t, ("ROW_LABEL", "1.本机关不掌握相关政"), ("ROW_LABEL", "府信息")), t)
    assert [e.text for e in got] == ["1.本机关不掌握相关政\n府信息"]
    t = "(三)不予公开\n1.属于国家秘密"
    ents = _ents(t, ("ROW_LABEL", "(三)不予公开"), ("ROW_LABEL", "1.属于国家秘密"))
    assert join_broken_labels(ents, t) == ents


def test_an_untagged_blank_marker_in_a_pipe_row_is_a_blank():
    t = "| 予以公开 | 3 | - | — | / | 3 |"
    ents = _ents(t, ("CELL", "3"), ("CELL", "3"))
    got = printed_cells(t, t.index("开") + 1, len(t), ents, 5)
    assert [e.label for e in got] == ["CELL", "BLANK", "BLANK", "BLANK", "CELL"]


def test_markdown_with_br_in_its_cells_is_markdown():
    text = "## 三、收到和处理\n\n| 1.本机关不掌握<br>相关政府信息 | 0 |\n|---|---|\n段落<br/>下一行"
    assert not looks_like_html(text)
    norm = normalise(text)
    assert "| 1.本机关不掌握 相关政府信息 | 0 |" in norm.text and "段落\n下一行" in norm.text
    a = norm.text.index("握 相") + 1
    assert norm.source[slice(*norm.to_source(a, a + 1))] == "<br>"


# ----------------------------------------------------------------------------- sections


def test_markdown_headings_give_sections_without_their_marks():
    t = (
        "# 报告\n\n## 一、总体情况\n\n正文。\n\n## 二、主动公开政府信息情况\n\n### 主动公开情况\n\n正文。\n\n"
        "## 三、收到和处理政府信息公开申请情况\n\n### 三、本年度办理结果\n\n| 予以公开 | 1 |\n"
    )
    ents = _ents(
        t,
        ("SECTION", "## 一、总体情况"),
        ("SECTION", "二、主动公开政府信息情况"),
        ("SECTION", "### 主动公开情况"),
        ("SECTION", "## 三、收到和处理政府信息公开申请情况"),
        ("SECTION", "### 三、本年度办理结果"),
    )
    norm = normalise(t)
    got = [(s.key, s.number, s.title) for s in assemble(norm, ents).sections]
    assert got == [
        ("overview", "一", "总体情况"),
        ("active_disclosure", "二", "主动公开政府信息情况"),
        ("applications", "三", "收到和处理政府信息公开申请情况"),
    ]


# ----------------------------------------------------------------------------- end to end


@pytest.mark.parametrize("versions", [None, V2019], ids=["2021", "2019"])
@pytest.mark.parametrize("shape", MD_SHAPES)
def test_exact_spans_give_every_cell(shape, versions):
    source, spans, expected = markdown_report(shape, 1, versions)
    check_record(source, Extractor(SpanTagger({"r": spans})).extract(source, id="r").to_dict(), expected)
