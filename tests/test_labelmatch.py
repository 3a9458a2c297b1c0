"""Row labels matched by their words and their place, as OCR and language-model converters
print them: without their list number, under a heading that names their group, with the
note that is their point, broken by a line break."""

import pytest

from gongkai.inference.labelmatch import (
    best_match,
    clean_label,
    label_candidates,
    match_row_label,
    section_table,
    words,
)
from gongkai.model import template as T


def _key(text, **kw):
    m = match_row_label(text, **kw)
    return m.candidate.key if m else None


@pytest.mark.parametrize(
    "printed, key",
    [
        ("予以公开", "granted"),
        ("部分公开", "partially_granted"),
        ("部分公开(区分处理的,只计这一情形,不计其他情形)", "partially_granted"),
        ("不予公开", "denied"),
        ("属于国家秘密", "denied.state_secret"),
        ("其他法律行政法规禁止公开", "denied.prohibited_by_law"),
        ("本机关不掌握相关政府信息", "unable.not_held"),
        ("本年新收政府信息公开申请数量", "new_received"),
        ("结转下年度继续办理", "carried_forward"),
        ("本年度办理结果", "results"),
        ("总计", "total"),
        ("行政诉讼(未经复议直接起诉)", "litigation_direct"),
        ("行政诉讼（复议后起诉）", "litigation_after_review"),
        ("### （三）不予公开", "denied"),
        ("**（一）予以公开**", "granted"),
    ],
)
def test_a_row_label_without_its_number_matches_by_its_words(printed, key):
    assert _key(printed) == key


@pytest.mark.parametrize(
    "printed, key",
    [
        ("1.属于国家秘密", "denied.state_secret"),
        ("(三)不予公开", "denied"),
        ("四、结转下年度继续办理", "carried_forward"),
        ("规范性文件", "normative_documents"),
    ],
)
def test_numbered_labels_still_match_as_printed(printed, key):
    assert _key(printed) == key
    assert best_match(printed, label_candidates()).candidate.key == key


def test_every_template_label_matches_its_own_row_with_and_without_its_number():
    for t in T.TEMPLATES:
        for r in t.rows:
            for label in r.labels:
                assert _key(label) == r.key, label
                assert _key(words(clean_label(label))) == r.key, label


def test_words_that_head_a_column_are_no_row_unless_the_tagger_says_row():
    # 总计 and 其他 head table 3's columns: a header must not turn into the rows (七)总计 / 3.其他
    for word in ("总计", "其他", "合计"):
        assert best_match(word, label_candidates()) is None, word
    assert _key("合计") == "total"


def test_the_group_heading_above_a_label_decides_between_near_ties():
    assert _key("其他", group="other_handling") == "other_handling.other"
    m = match_row_label("3.其他", group="other_handling")
    assert m.candidate.key == "other_handling.other"


def test_a_label_cut_by_a_line_break_matches_its_row_and_its_tail_matches_nothing():
    assert _key("1.本机关不掌握相关政") == "unable.not_held"
    assert _key("府信息") is None


def test_unrelated_and_empty_text_matches_nothing():
    for text in ("###", "**", "项目", "列1", "完全无关的文字", ""):
        assert match_row_label(text) is None, text


def test_section_table():
    assert section_table("二、主动公开政府信息情况") == "active_disclosure"
    assert section_table("## 三、收到和处理政府信息公开申请情况") == "applications"
    assert section_table("四、政府信息公开行政复议、行政诉讼情况") == "reviews"
    assert section_table("五、存在的主要问题及改进情况") is None


def test_a_list_number_printed_with_a_comma_is_the_template_s_number():
    """053's PDF prints ``3、其他``: the same row as the template's ``3.其他``."""
    from gongkai.inference.labelmatch import best_match, label_candidates

    assert best_match("3、其他", label_candidates(), as_row=True).candidate.key == "other_handling.other"
