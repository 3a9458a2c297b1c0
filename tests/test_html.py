"""HTML rendering to the seeds' pipe-table style, with the map back into the HTML source."""

import numpy as np
import pytest

from gongkai.inference.html import looks_like_html, render_html


def _pieces(source):
    text, starts, ends = render_html(source)
    assert len(text) == len(starts) == len(ends)
    assert np.all(starts[1:] >= starts[:-1]) and np.all(ends[1:] >= ends[:-1]), "map not monotone"
    assert np.all(starts < ends) and (len(ends) == 0 or ends[-1] <= len(source))
    return text, [source[s:e] for s, e in zip(starts, ends)]


@pytest.mark.parametrize(
    "source, text",
    [
        ("<p>20<span>23</span>年</p>", "2023年\n"),
        ("<div>一、总体情况</div><div>二、主动公开</div>", "一、总体情况\n二、主动公开\n"),
        ("<p>甲<br>乙<br/>丙</p>", "甲\n乙\n丙\n"),
        ("<p>a &amp; b &lt;c&gt; &#x4E00;&#19968;</p>", "a & b <c> 一一\n"),
        ("<p>  多个\n   空白  </p>", "多个 空白\n"),
        ("<script>var x = '<td>';</script><style>td{}</style><p>正文</p>", "正文\n"),
        ("<head><title>标题</title></head><body><p>正文</p></body>", "标题\n正文\n"),
        ("<p>注释<!-- 隐藏 -->之后</p>", "注释之后\n"),
        ("<table><tr><td>规章</td><td>0</td><td>0</td><td>0</td></tr></table>", "规章 | 0 | 0 | 0 |\n"),
        ("<table><tr><td>第二十条第(一)项</td><td colspan='3'></td></tr></table>", "第二十条第(一)项 | |||\n"),
        (
            "<table><tr><td colspan=3>标题</td></tr><tr><td>a</td><td>b</td><td>c</td></tr></table>",
            "标题 |\na | b | c |\n",
        ),  # a title's span is not cells
        (
            "<table><tr><td rowspan=2>(三)不予公开</td><td>1.属于国家秘密</td><td>0</td></tr>"
            "<tr><td>2.其他法律</td><td>1</td></tr></table>",
            "(三)不予公开 | 1.属于国家秘密 | 0 |\n2.其他法律 | 1 |\n",
        ),  # nor is a rowspan's position
        ("<table><tr><td>a</td><td rowspan=2>b</td></tr><tr><td>c</td></tr></table>", "a | b |\nc |\n"),
        ("<table><tr><td>&nbsp;</td><td> </td><td>7</td></tr></table>", "|| 7 |\n"),
        ("<table><tr><td><p>本年新</p><p>制作数量</p></td><td>1</td></tr></table>", "本年新 制作数量 | 1 |\n"),
        ("<table><tr><td>1<td>2<tr><td>3</table>", "1 | 2 |\n3 | |\n"),  # implied closes; a missing value
        ("<tr><td>1</td><td>2</td></tr>", "1 | 2 |\n"),  # a fragment without <table>
        ("<table><tbody><tr><th>自然人</th></tr></tbody></table>后文", "自然人 |\n后文"),
    ],
)
def test_renders(source, text):
    assert _pieces(source)[0] == text


def test_text_maps_to_itself_entities_to_the_whole_entity():
    text, pieces = _pieces("<p>公开&nbsp;信息&amp;数据</p>")
    assert text == "公开 信息&数据\n"
    assert pieces == ["公", "开", "&nbsp;", "信", "息", "&amp;", "数", "据", "</p>"]


def test_separators_map_to_the_tags_that_caused_them():
    source = "<table><tr><td>规章</td><td>0</td><td></td></tr><tr><td>规范性文件</td></tr></table>"
    text, pieces = _pieces(source)
    assert text == "规章 | 0 | |\n规范性文件 |\n"  # a row with no cells after its label: a label row
    assert pieces[2:4] == ["</td>", "</td>"]  # " |" after 规章
    assert pieces[4] == "<td>"  # the space opening a non-first cell
    assert pieces[8:10] == ["</td>", "</td>"]  # the empty cell: its own closing tag
    assert pieces[10] == "</tr>"
    assert pieces[-1] == "</tr>"


def test_rowspan_position_of_a_value_is_a_blank_mapped_forward():
    source = "<table><tr><td>甲</td><td rowspan=2>5</td><td>6</td></tr><tr><td>乙</td><td>7</td></tr></table>"
    text, pieces = _pieces(source)
    assert text == "甲 | 5 | 6 |\n乙 | | 7 |\n"
    second = text.index("乙")
    assert pieces[second + 3] == "<td>"  # the covered value position maps to the next <td>


def test_whitespace_run_maps_to_the_run():
    _, pieces = _pieces("<p>甲 \n\t 乙</p>")
    assert pieces[1] == " \n\t "


@pytest.mark.parametrize(
    "source", ["<td>规章</td>", "<!DOCTYPE html><html>", "甲<br/>乙", "<P CLASS=x>甲</P>", "<!-- x -->"]
)
def test_detects_html(source):
    assert looks_like_html(source)


@pytest.mark.parametrize("source", ["增长<5%,>3%", "本年新收 | 7 | 2 |", "a < b and c > d", "《条例》<一>"])
def test_detects_plain_text(source):
    assert not looks_like_html(source)


def test_huge_spans_are_capped():
    text, _ = _pieces("<table><tr><td>a</td><td colspan=99999999>1</td></tr><tr><td>b</td><td>2</td></tr></table>")
    rows = text.splitlines()
    assert rows[0].startswith("a | 1 | |") and rows[1].startswith("b | 2 | |")
    assert [r.count("|") for r in rows] == [1001, 1001]
