"""Bytes → str for scraped reports: UTF-8 (with or without BOM), UTF-16/32 with a BOM,
the GB family (always decoded as GB18030, the superset of GB2312 and GBK) and Big5.

The order is: BOM → UTF-8 (tolerating a cut-off last character and rare damage) →
charset-normalizer, restricted to the Chinese encodings when the bytes look like one of
them. Binary input raises :class:`DecodeError` naming the input.

>>> decode_text("已是文本").encoding
'str'
>>> decode_text("公开".encode("utf-8-sig")).text
'公开'
>>> decode_text("公开".encode("gbk")).encoding
'gb18030'
>>> decode_text("公开".encode("utf-8")[:-1]).text     # a multi-byte char cut at the end
'公\\ufffd'
>>> decode_text(b"\\x00\\x01\\x02\\x03", name="a.bin")
Traceback (most recent call last):
...
gongkai.inference.text_decoding.DecodeError: a.bin: binary data, not text (4 bytes)
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass

from charset_normalizer import from_bytes


class DecodeError(ValueError):
    """The input is not text in any encoding we read; the message names the input."""


@dataclass(frozen=True)
class Decoded:
    text: str
    #: Python codec name used (``'str'`` when the caller passed text already).
    encoding: str


# Longest first: the UTF-32-LE BOM starts with the UTF-16-LE one.
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

# Any GB label decodes as GB18030 (a strict superset); Big5 as CP950, Microsoft's Big5
# that real pages are written in.
_CANONICAL = {
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "gb18030": "gb18030",
    "cp936": "gb18030",
    "big5": "cp950",
    "cp950": "cp950",
    "big5hkscs": "big5hkscs",
}

#: UTF-8 with at most this share of bad bytes among its non-ASCII bytes is damaged UTF-8,
#: not another encoding (GBK read as UTF-8 fails on about half its non-ASCII bytes).
_UTF8_DAMAGE = 0.01


def decode_text(data: bytes | str, *, name: str = "<input>") -> Decoded:
    """Decode ``data`` (``str`` passes through). Raises :class:`DecodeError` for binary data."""
    if isinstance(data, str):
        return Decoded(data, "str")
    if not isinstance(data, (bytes, bytearray, memoryview)):
        raise TypeError(f"{name}: expected bytes or str, got {type(data).__name__}")
    data = bytes(data)
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return Decoded(data[len(bom) :].decode(encoding, errors="replace"), encoding)
    if not data:
        return Decoded("", "utf-8")
    if _looks_binary(data):
        raise DecodeError(f"{name}: binary data, not text ({len(data)} bytes)")
    text = _as_utf8(data)
    if text is not None:
        return Decoded(text, "utf-8")
    return _guess(data, name)


def _looks_binary(data: bytes) -> bool:
    # Text (without a UTF-16/32 BOM) has no NULs; tolerate a stray one in a long file.
    head = data[:65536]
    nuls = head.count(0)
    controls = sum(
        head.count(c)
        for c in b"\x01\x02\x03\x04\x05\x06\x07\x08\x0e\x0f\x10\x11\x12\x13\x14\x15\x16\x17\x18\x19\x1a\x1c\x1d\x1e\x1f"
    )
    return nuls > len(head) // 1000 or controls > len(head) // 20


def _as_utf8(data: bytes) -> str | None:
    """Strict UTF-8, or UTF-8 whose only damage is rare (a cut-off last char, a few bad bytes)."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        if error.start >= len(data) - 3 and error.reason == "unexpected end of data":
            return data.decode("utf-8", errors="replace")
    text = data.decode("utf-8", errors="replace")
    bad = text.count("\ufffd") - data.count("\ufffd".encode())
    non_ascii = len(data) - len(data.decode("ascii", errors="ignore"))
    return text if bad <= non_ascii * _UTF8_DAMAGE else None


def _guess(data: bytes, name: str) -> Decoded:
    candidates = [e for e in ("gb18030", "cp950") if _decodes(data, e)]
    if len(candidates) == 1:
        encoding = candidates[0]
    elif candidates and _mostly_gb2312(data.decode("gb18030")):
        # Short inputs fool statistical detection; text made of the 6763 common simplified
        # characters is GB (Big5 bytes read as GB give rarer characters).
        encoding = "gb18030"
    else:
        # Both (or neither) read cleanly: let charset-normalizer judge which text is plausible.
        best = from_bytes(data, cp_isolation=candidates or None).best()
        if best is None:
            raise DecodeError(f"{name}: no plausible text encoding ({len(data)} bytes)")
        encoding = _CANONICAL.get(best.encoding.replace("_", "").lower(), best.encoding)
    return Decoded(data.decode(encoding, errors="replace"), encoding)


def _mostly_gb2312(text: str) -> bool:
    wide = [c for c in text if ord(c) >= 0x80]
    common = sum(1 for c in wide if _encodes(c, "gb2312"))
    return bool(wide) and common >= 0.95 * len(wide)


def _encodes(char: str, encoding: str) -> bool:
    try:
        char.encode(encoding)
    except UnicodeEncodeError:
        return False
    return True


def _decodes(data: bytes, encoding: str) -> bool:
    try:
        data.decode(encoding)
    except UnicodeDecodeError:
        return False
    return True
