"""Normalisation: each transformation, the offset map's contract, and a property test."""

import re

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

import gongkai.inference.normalise as normalise_module
from gongkai.inference.normalise import Normalised, normalise


@pytest.mark.parametrize(
    "source, text",
    [
        # traditional → simplified, character for character
        ("政府資訊公開條例", "政府资讯公开条例"),
        ("乾隆後面", "乾隆后面"),
        # inline pinyin ruby
        ("依據(jù)", "依据"),
        ("公開(kāi)", "公开"),
        ("公开(kāi)", "公开"),
        ("開(kāi)(kāi)", "开"),
        ("綠(lǜ)色 绿(lü)色 绿(lv)色 开(kai)放 开(kai1)放 开（kāi）放", "绿色 绿色 绿色 开放 开放 开放"),
        # real parentheses survive
        ("第(一)项", "第(一)项"),
        ("国内生产总值(GDP)", "国内生产总值(GDP)"),
        ("条例(以下简称)", "条例(以下简称)"),
        ("上一年项目数量(指2018年事项数)", "上一年项目数量(指2018年事项数)"),
        ("开(guān)", "开(guān)"),  # a reading of another character
        ("公开(a)", "公开(a)"),
        # ? used for spaces, and real question marks
        ("行政许可 | ?????523 |", "行政许可 | 523 |"),
        ("结果 ? | (一)", "结果 | (一)"),
        ("4121条。?\n下一段", "4121条。\n下一段"),
        ("是否继续?", "是否继续?"),
        ("是否繼續(xù)?\n", "是否继续?\n"),
        ("是否继续?”他问", "是否继续?”他问"),
        ("index.php?id=1", "index.php?id=1"),
        ("财政?预算", "财政 预算"),
        ("??0", "0"),
        ("真的吗？", "真的吗?"),
        # spaces, zero-width, line breaks
        ("甲\u00a0乙\u3000丙\t丁\u2003戊", "甲 乙 丙 丁 戊"),
        ("20\u200b23\ufeff年\u2060", "2023年"),
        ("甲   乙", "甲 乙"),
        ("  缩进\u3000\u3000\n结尾  \n", "缩进\n结尾\n"),
        ("一\r\n二\r三\n\n四", "一\n二\n三\n\n四"),
        ("控制\x00字\x07符", "控制字符"),
        # full-width ASCII → ASCII; Chinese punctuation kept
        ("１２３ＡＢｃ（一）：，；！", "123ABc(一):,;!"),
        ("、。“”《》〔〕【】", "、。“”《》〔〕【】"),
        # HTML, detected
        ("<p>20<span>23</span>年&nbsp;報告</p>", "2023年 报告\n"),
        ("", ""),
    ],
)
def test_normalises(source, text):
    assert normalise(source).text == text


def test_html_override():
    assert normalise("<b>粗</b>", html=False).text == "<b>粗</b>"
    assert normalise("粗&amp;细", html=True).text == "粗&细"


def test_bytes_are_decoded_first():
    n = normalise("報告:１２件".encode("big5"))
    assert n.text == "报告:12件" and n.source == "報告:１２件"


def test_offsets_api():
    n = normalise("本年報依據(jù)《條例》")
    assert n.text == "本年报依据《条例》"
    assert n.to_source(3, 5) == (3, 9)  # 依據(jù): a character's ruby goes with it
    assert n.to_source(5, 9) == (9, 13)  # 《條例》
    assert n.to_source(5, 5) == (9, 9)  # an empty span sits right after 據(jù)
    assert n.from_source(0, 13) == (0, 9)
    assert n.from_source(5, 9) == (4, 5)  # only ruby characters: the character they belong to
    assert n.from_source(6, 10) == (4, 6)  # the tail of 據's ruby and 《: 据 and 《
    starts, ends = n.source_offsets()
    assert starts.dtype == np.int32 and not starts.flags.writeable
    with pytest.raises(ValueError, match="outside the normalised text"):
        n.to_source(3, 99)
    with pytest.raises(ValueError, match="outside the source"):
        n.from_source(-1, 2)


def test_collapsed_space_maps_to_the_whole_run():
    n = normalise("甲\u3000 ?乙")
    assert n.text == "甲 乙" and n.source[slice(*n.to_source(1, 2))] == "\u3000 ?"


def test_html_offsets_point_into_the_html_source():
    source = "<table><tr><td>規章</td><td>１２</td></tr></table>"
    n = normalise(source)
    assert n.text == "规章 | 12 |\n"
    assert source[slice(*n.to_source(0, 2))] == "規章"
    assert source[slice(*n.to_source(5, 7))] == "１２"
    assert source[slice(*n.to_source(2, 4))] == "</td>"


def test_chunked_equals_whole(monkeypatch):
    source = "依據(jù)《條例》,\r\n  ?数据:１２\u3000条?\n是否继续?\n" * 50
    whole = normalise(source)
    monkeypatch.setattr(normalise_module, "CHUNK", 37)
    chunked = normalise(source)
    assert chunked.text == whole.text
    for a, b in zip(chunked.source_offsets(), whole.source_offsets()):
        assert np.array_equal(a, b)


# -- property: the map is exact ---------------------------------------------------------

_PIECES = [
    "開",
    "關",
    "據",
    "數",
    "國",
    "报",
    "公",
    "开",
    "1",
    "2",
    "a",
    "Z",
    "(kāi)",
    "(guān)",
    "(jù)",
    "(lv)",
    "(一)",
    "(GDP)",
    "?",
    "??",
    "\u00a0",
    "\u3000",
    " ",
    "\t",
    "\n",
    "\r\n",
    "\r",
    "\u200b",
    "\ufeff",
    "１",
    "Ａ",
    "（",
    "）",
    "，",
    "：",
    "、",
    "。",
    "“",
    "|",
    "&",
    ";",
]
_HTML = [
    "<td>",
    "</td>",
    "<tr>",
    "</tr>",
    "<table>",
    "</table>",
    "<br>",
    "<p>",
    "</p>",
    "&nbsp;",
    "&amp;",
    "<span>",
    "</span>",
    "<td colspan=2>",
    "<td rowspan=2>",
    "<script>x</script>",
]
_DELETABLE = re.compile(r"[\u200b\u200c\u200d\u2060\ufeff\x00-\x08\x0e-\x1f\x7f]")
_RUBY = re.compile(r"[(（][a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]+[1-5]?[)）]")


def _canonical(char: str) -> str:
    """What one source character becomes on its own (before context-dependent steps)."""
    return normalise_module._simplify_char(char.translate(normalise_module._TRANSLATE))


def _check_map(n: Normalised):
    starts, ends = n.source_offsets()
    assert len(starts) == len(ends) == len(n.text)
    if len(starts):
        assert np.all(starts[1:] >= starts[:-1]) and np.all(ends[1:] >= ends[:-1])
        assert np.all(starts < ends) and starts[0] >= 0 and ends[-1] <= len(n.source)
    for a in range(len(n.text)):  # a span maps back to a source span that maps forward over it
        for b in (a + 1, len(n.text)):
            fa, fb = n.from_source(*n.to_source(a, b))
            assert fa <= a and b <= fb


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), max_size=40).map("".join))
def test_plain_text_map_is_exact(source):
    n = normalise(source, html=False)
    _check_map(n)
    starts, ends = n.source_offsets()
    covered = np.zeros(len(source), dtype=bool)
    for char, s, e in zip(n.text, starts.tolist(), ends.tolist()):
        piece = source[s:e]
        covered[s:e] = True
        if char == " ":  # a collapsed run of spaces, NBSP, ideographic spaces or ?
            assert piece and all(c.isspace() or c == "?" or _DELETABLE.match(c) for c in piece), piece
        elif char == "\n":
            assert piece in ("\n", "\r\n", "\r")
        else:  # any other character is its one source character, canonicalised, with its ruby
            assert _canonical(piece[0]) == char and (
                len(piece) == 1 or re.fullmatch(f"(?:{_RUBY.pattern})+", piece[1:])
            ), (piece, char)
    # Source characters no normalised character covers were deleted for a reason.
    rest = "".join(c if not cov else "\x00" for c, cov in zip(source, covered))
    rest = _RUBY.sub("\x00", _DELETABLE.sub("\x00", rest))
    assert set(rest) <= {"\x00", " ", "\t", "\u00a0", "\u3000", "?"}, repr(rest)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.sampled_from(_PIECES + _HTML * 2), max_size=40).map("".join))
def test_html_map_is_exact(source):
    n = normalise(source, html=True)
    _check_map(n)
    starts, ends = n.source_offsets()
    for char, s, e in zip(n.text, starts.tolist(), ends.tolist()):
        piece = source[s:e]
        if char == "|" or (e == len(source) and char in " \n"):
            # a separator a tag caused, or the end of the source closing a row
            assert piece.endswith(">") or piece == "|" or e == len(source)
        elif piece.startswith("&") and len(piece) > 1:
            assert char in ("&", " ")
        elif char in " \n":  # collapsed whitespace, ?, &nbsp; and tags
            rest = _DELETABLE.sub("", re.sub(r"<script>.*?</script>|<[^>]*>|&[a-z]+;", "", piece))
            assert rest.strip(" \t\n\r\u00a0\u3000?") == "", piece
        else:  # one source character, canonicalised, with its ruby where it has one
            assert _canonical(piece[0]) == char and (
                len(piece) == 1 or re.fullmatch(f"(?:{_RUBY.pattern})+", piece[1:])
            ), (piece, char)
