"""Decoding bytes from real-world encodings, damage and binary input."""

import codecs

import pytest

from gongkai.inference.text_decoding import Decoded, DecodeError, decode_text

TEXT = "2023年政府信息公开工作年度报告:收到申请9件,予以公开7件。"
TRADITIONAL = "2023年政府資訊公開工作年度報告:收到申請9件,予以公開7件。"


@pytest.mark.parametrize(
    "data, text, encoding",
    [
        (TEXT.encode("utf-8"), TEXT, "utf-8"),
        (codecs.BOM_UTF8 + TEXT.encode("utf-8"), TEXT, "utf-8"),
        (TEXT.encode("gbk"), TEXT, "gb18030"),
        (TEXT.encode("gb2312"), TEXT, "gb18030"),
        (("𠀀" + TEXT).encode("gb18030"), "𠀀" + TEXT, "gb18030"),  # a 4-byte GB18030 char
        (TRADITIONAL.encode("big5"), TRADITIONAL, "cp950"),
        (codecs.BOM_UTF16_LE + TEXT.encode("utf-16-le"), TEXT, "utf-16-le"),
        (codecs.BOM_UTF16_BE + TEXT.encode("utf-16-be"), TEXT, "utf-16-be"),
        ("公开".encode("gbk"), "公开", "gb18030"),  # too short for statistics
        (b"plain ascii", "plain ascii", "utf-8"),
        (b"", "", "utf-8"),
    ],
)
def test_decodes_encodings(data, text, encoding):
    assert decode_text(data) == Decoded(text, encoding)


def test_str_passes_through():
    assert decode_text(TEXT) == Decoded(TEXT, "str")


def test_truncated_utf8_is_replaced_not_fatal():
    data = TEXT.encode("utf-8") + "公".encode()[:2]
    assert decode_text(data).text == TEXT + "\ufffd"


def test_rare_damage_inside_utf8_stays_utf8():
    data = TEXT.encode("utf-8") * 10 + b"\xff" + TEXT.encode("utf-8") * 10
    assert decode_text(data) == Decoded(TEXT * 10 + "\ufffd" + TEXT * 10, "utf-8")


@pytest.mark.parametrize(
    "data", [b"\x00\x01\x02\x03" * 50, bytes(range(256)) * 8, b"PK\x03\x04\x00\x00" + b"\x00" * 100]
)
def test_binary_raises_naming_the_input(data):
    with pytest.raises(DecodeError, match="report.pdf"):
        decode_text(data, name="report.pdf")


def test_not_bytes_is_a_type_error():
    with pytest.raises(TypeError, match="x.txt"):
        decode_text(123, name="x.txt")
