"""HTML tables with colspan and rowspan, as Word and CMS editors write them: every value is
read under the column it stands under in the header rows, blank cells stay blank (null),
and every cell's provenance points at its text in the HTML source.

The reports are built at test time (``report_layouts``): Word's ``MsoNormalTable`` with the
national form's own spans, a CMS table with group labels on rows of their own, one with group
labels as rowspans beside their items, and Word with its spans written as empty cells."""

import numpy as np
import pytest
from report_layouts import check_record, html_report

from gongkai.inference.html import render_html
from gongkai.inference.html_grid import GridCell, place, plan
from gongkai.inference.normalise import normalise
from gongkai.inference.pipeline import Extractor, SpanTagger

V2019 = {"active_disclosure": "2019", "applications": "2019", "reviews": "2019"}
HTML_SHAPES = ("word", "cms", "cms_rowspan", "word_unmerged")


def _rows(source):
    return render_html(source)[0].splitlines()


# ----------------------------------------------------------------------------- the grid


def test_a_label_spanning_three_columns_is_followed_by_exactly_the_data_cells():
    source = (
        "<table><tr><td colspan=3 rowspan=2>项目</td><td rowspan=2>自然人</td><td colspan=2>法人或其他组织</td>"
        "<td rowspan=2>总计</td></tr><tr><td>商业企业</td><td>科研机构</td></tr>"
        "<tr><td colspan=3>一、本年新收政府信息公开申请数量</td><td>5</td><td></td><td>1</td><td>6</td></tr></table>"
    )
    text = render_html(source)[0]
    assert text.splitlines()[-1] == "一、本年新收政府信息公开申请数量 | 5 | | 1 | 6 |"


def test_group_rowspans_are_not_cells_and_blanks_keep_their_column():
    source = (
        "<table><tr><td colspan=2>项目</td><td>自然人</td><td>商业企业</td><td>总计</td></tr>"
        "<tr><td rowspan=2>（三）不予公开</td><td>1.属于国家秘密</td><td>&nbsp;</td><td>2</td><td>2</td></tr>"
        "<tr><td>2.其他法律行政法规禁止公开</td><td>3</td><td></td><td>3</td></tr></table>"
    )
    assert _rows(source)[1:] == [
        "（三）不予公开 | 1.属于国家秘密 | | 2 | 2 |",
        "2.其他法律行政法规禁止公开 | 3 | | 3 |",
    ]


def test_a_header_spanning_several_columns_is_one_column_and_the_lowest_header_decides():
    # 本年处理决定数量 spans the three value columns: one cell; 法人或其他组织 over two is not a column
    source = (
        "<table><tr><td>信息内容</td><td colspan=3>本年处理决定数量</td></tr>"
        "<tr><td>行政许可</td><td colspan=3>8</td></tr></table>"
    )
    assert _rows(source)[1] == "行政许可 | 8 |"
    grid = place(
        [
            [GridCell("项目", rowspan=2), GridCell("自然人", rowspan=2), GridCell("法人或其他组织", colspan=2)],
            [GridCell("商业企业"), GridCell("科研机构")],
            [GridCell("规章"), GridCell("1"), GridCell(""), GridCell("3")],
        ]
    )
    assert [p.text() or None for p in plan(grid)[2]] == ["规章", "1", None, "3"]


def test_a_rowspan_over_a_value_leaves_a_blank_in_the_rows_below():
    source = "<table><tr><td>甲</td><td rowspan=2>5</td><td>6</td></tr><tr><td>乙</td><td>7</td></tr></table>"
    assert _rows(source)[1] == "乙 | | 7 |"


def test_words_column_width_row_and_empty_rows_write_nothing():
    source = (
        "<table><tr><td>规章</td><td>1</td></tr><![if !supportMisalignedColumns]><tr height=0>"
        "<td width=57 style='border:none'></td><td width=57 style='border:none'></td></tr><![endif]></table>"
    )
    assert render_html(source)[0] == "规章 | 1 |\n"


def test_a_page_layout_table_is_written_as_blocks():
    source = (
        "<table><tr><td><p>一、总体情况</p><p>正文。</p><table><tr><td>规章</td><td>0</td></tr></table>"
        "</td></tr></table>"
    )
    assert render_html(source)[0] == "一、总体情况\n正文。\n规章 | 0 |\n"


@pytest.mark.parametrize("shape", HTML_SHAPES)
def test_rendered_data_rows_carry_exactly_the_template_cells(shape):
    source, _, expected = html_report(shape, 0)
    text, starts, ends = render_html(source)
    assert np.all(starts[1:] >= starts[:-1]) and np.all(ends[1:] >= ends[:-1])
    lines = text.splitlines()
    # Unmerged, nothing says the three columns under 本年处理决定数量 are one: three cells, the
    # first holding the value (the assembler reads as many as the row has fields).
    decisions = 3 if shape == "word_unmerged" else 1
    for label, n in (
        ("一、本年新收政府信息公开申请数量", 7),
        ("（一）予以公开", 7),
        ("2.其他法律行政法规禁止公开", 7),
        ("规章", 3),
        ("行政许可", decisions),
    ):
        line = next(x for x in lines if label in x)
        assert line[line.index(label) + len(label) :].count("|") == 1 + n, line  # its own, then n cells


# ----------------------------------------------------------------------------- end to end


@pytest.mark.parametrize("versions", [None, V2019], ids=["2021", "2019"])
@pytest.mark.parametrize("shape", HTML_SHAPES)
def test_exact_spans_give_every_cell_under_its_header(shape, versions):
    source, spans, expected = html_report(shape, 1, versions)
    check_record(source, Extractor(SpanTagger({"r": spans})).extract(source, id="r").to_dict(), expected)


def test_the_normalised_text_maps_back_into_the_html():
    source, spans, _ = html_report("word", 2)
    norm = normalise(source)
    for span in spans:
        if span.label == "CELL":
            a, b = norm.from_source(span.start, span.end)
            s, e = norm.to_source(a, b)
            assert source[s:e] == source[span.start : span.end]
