"""Reading printed numbers: a table of real cases from scraped reports."""

import re

import pytest

from gongkai.inference.numbers import NumberError, Reading, is_blank, read_number


@pytest.mark.parametrize(
    "text, value, unit, approximate",
    [
        ("16491.8万元", 16491.8, "万元", False),
        ("+28", 28, None, False),
        ("-12", -12, None, False),
        ("0项", 0, "项", False),
        ("0个", 0, "个", False),
        ("1,234", 1234, None, False),
        ("１２", 12, None, False),
        ("?????523", 523, None, False),
        ("??0", 0, None, False),
        ("14000余条", 14000, "条", True),
        ("约300人", 300, "人", True),
        ("100%", 100, "%", False),
        (" 815 ", 815, None, False),
        ("2518", 2518, None, False),
    ],
)
def test_reads_value_unit_and_approximation(text, value, unit, approximate):
    r = read_number(text)
    assert (r.value, r.unit, r.approximate, r.damaged) == (value, unit, approximate, False)
    assert type(r.value) is type(value)  # int where whole, float otherwise


def test_decimal_source_stays_float():
    assert isinstance(read_number("12.0").value, float)


@pytest.mark.parametrize("text", ["/", "-", "—", "无", "", " ", "?", "\u3000", "／"])
def test_blank_markers_read_as_none_not_zero(text):
    assert is_blank(text)
    assert read_number(text) == Reading(None)


def test_zero_printed_twice_is_damaged():
    r = read_number("00")
    assert r.value == 0 and r.damaged and r.candidates == (0,)
    assert not is_blank("00")


@pytest.mark.parametrize("text", ["1O", "l0", "1O0", "S"+"0"])
def test_ocr_letters_give_damaged_candidates(text):
    r = read_number(text)
    assert r.damaged
    assert r.value in r.candidates


def test_ocr_example_values():
    assert read_number("O").candidates == (0,)  # a lone O in a cell: OCR's zero
    assert read_number("l").candidates == (1,)
    assert read_number("S").candidates == (5,)
    r = read_number("l6649.57万元")
    assert (r.value, r.unit, r.damaged) == (16649.57, "万元", True)
    assert read_number("1O").candidates == (10,)
    assert read_number("l0").candidates == (10,)


@pytest.mark.parametrize("text", ["abc", "1,23", "第二十条", "12-3", "3件4件", "x", "Ox"])
def test_unreadable_text_raises_naming_it(text):
    with pytest.raises(NumberError, match=re.escape(repr(text))):
        read_number(text)


def test_non_string_is_a_type_error():
    with pytest.raises(TypeError, match="read_number"):
        read_number(12)
