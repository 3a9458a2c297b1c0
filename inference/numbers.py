"""Reading a number as a report prints it: a table cell or a figure's value.

Scraped reports pad cells with ``?`` (an NBSP the scraper could not encode), print
units and approximation words next to the digits, use full-width digits, and
sometimes glue two cells (``00``) or let OCR swap letters for digits (``1O``). A
:class:`Reading` keeps the value and says how far to trust it; a blank cell reads as
``None``, never as 0.

>>> read_number("16491.8万元")
Reading(value=16491.8, unit='万元', approximate=False, damaged=False, candidates=())
>>> read_number("?????523").value
523
>>> read_number("14000余条")
Reading(value=14000, unit='条', approximate=True, damaged=False, candidates=())
>>> read_number("00")
Reading(value=0, unit=None, approximate=False, damaged=True, candidates=(0,))
>>> read_number("—").value is None
True
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from dataclasses import dataclass


class NumberError(ValueError):
    """A text that is neither a number nor a blank marker."""


@dataclass(frozen=True)
class Reading:
    value: int | float | None  # None = blank
    unit: str | None = None
    approximate: bool = False
    #: Readable but suspicious ('00', OCR letters): a repair may replace it.
    damaged: bool = False
    #: The readings a repair may choose from when damaged (the value among them).
    candidates: tuple[int | float, ...] = ()


#: What reports print in a cell that has no value.
BLANK_MARKERS = frozenset({"", "/", "-", "--", "—", "——", "–", "无", "無", "空", "\\", "×"})

#: Characters that stand for spaces in scraped text (``?`` replaces an NBSP).
_PADDING = " \t\r\n\u00a0\u3000\u2002\u2003\u2009\u200b?"

_APPROX_PREFIX = ("约", "約", "近", "逾", "超过", "超過")
_APPROX_SUFFIX = ("余", "餘", "多", "左右", "以上")

#: Letters OCR and careless typing put for digits; each maps to its possible digits.
OCR_DIGITS: dict[str, str] = {
    "O": "0", "o": "0", "D": "0", "Q": "0",
    "l": "1", "I": "1", "i": "1", "|": "1",
    "Z": "2", "z": "2",
    "S": "5", "s": "5",
    "b": "6", "G": "6",
    "B": "8",
    "g": "9", "q": "9",
}

_NUMBER = re.compile(
    r"(?P<sign>[+-]?)"
    r"(?P<int>\d{1,3}(?:,\d{3})+|\d+)"
    r"(?P<frac>\.\d+)?"
)
# A unit is a short run of Chinese characters or a percent sign; Latin letters are left
# to the OCR reading (``1O`` is ten, not one of unit "O").
_UNIT = re.compile(r"[%‰]|[\u3400-\u9fff]{1,4}")
_UNIT_AT_END = re.compile(r"(?:[%‰]|[\u3400-\u9fff]{1,4})$")


def _clean(text: str) -> str:
    # NFKC folds full-width digits, signs and commas (１２ → 12, ， → ,).
    text = unicodedata.normalize("NFKC", text).replace("\u2212", "-")
    return text.strip(_PADDING)


def is_blank(text: str) -> bool:
    """Whether a cell's text stands for "no value".

    >>> [is_blank(t) for t in ("", " ", "?", "/", "-", "—", "无", "0", "00")]
    [True, True, True, True, True, True, True, False, False]
    """
    if not isinstance(text, str):
        raise TypeError(f"is_blank expects str, got {type(text).__name__}: {text!r}")
    return _clean(text) in BLANK_MARKERS


def _to_number(sign: str, digits: str, frac: str | None) -> int | float:
    digits = digits.replace(",", "")
    value: int | float = float(digits + frac) if frac else int(digits)
    return -value if sign == "-" else value


def _split_affixes(body: str) -> tuple[str, bool]:
    """Strip approximation words around the number; return the rest and the flag."""
    approximate = False
    for p in _APPROX_PREFIX:
        if body.startswith(p):
            body, approximate = body[len(p):].lstrip(), True
            break
    return body, approximate


def _read_plain(body: str, original: str) -> Reading:
    body, approximate = _split_affixes(body)
    m = _NUMBER.match(body)
    if not m:
        raise NumberError(f"not a number: {original!r}")
    rest = body[m.end():].strip(_PADDING)
    for s in _APPROX_SUFFIX:
        if rest.startswith(s):
            rest, approximate = rest[len(s):].strip(_PADDING), True
            break
    unit = None
    if rest:
        if not _UNIT.fullmatch(rest):
            raise NumberError(f"not a number: {original!r} (trailing {rest!r})")
        unit = rest
    value = _to_number(m["sign"], m["int"], m["frac"])
    # '00', '05': a whole number printed with a leading zero is a zero cell printed
    # twice or two cells glued together, so it is readable but not to be trusted.
    digits = m["int"].replace(",", "")
    damaged = len(digits) > 1 and digits.startswith("0")
    return Reading(value, unit, approximate, damaged, (value,) if damaged else ())


_LONE_OCR = frozenset(OCR_DIGITS) - {"|"}


def _read_ocr(body: str, original: str) -> Reading:
    """Readings of a number in which letters stand for digits (``1O`` → 10, ``l6.5万元``)."""
    unit = None
    u = _UNIT_AT_END.search(body)
    if u and u.start() > 0:
        body, unit = body[:u.start()].rstrip(_PADDING), u.group()
    m = re.fullmatch(r"([+-]?)([\dA-Za-z|]+)(\.[\dA-Za-z|]+)?", body)
    # Without a digit the text reads as a number only if every letter is an OCR digit
    # (a lone ``O`` or ``S`` in a cell); the reading stays damaged, for the checks to weigh.
    if not m or not (re.search(r"\d", body) or set(body) <= _LONE_OCR):
        raise NumberError(f"not a number: {original!r}")
    spelled = m[2] + (m[3] or "")
    options = []
    for ch in spelled:
        if ch.isdigit() or ch == ".":
            options.append(ch)
        elif ch in OCR_DIGITS:
            options.append(OCR_DIGITS[ch])
        else:
            raise NumberError(f"not a number: {original!r} (letter {ch!r})")
    readings: list[int | float] = []
    for combo in itertools.product(*options):
        s = "".join(combo)
        whole, _, frac = s.partition(".")
        value = _to_number(m[1], whole, "." + frac if frac else None)
        if value not in readings:
            readings.append(value)
    return Reading(readings[0], unit, False, True, tuple(readings))


def read_number(text: str) -> Reading:
    """Read a cell or a figure's value as printed.

    >>> [read_number(t).value for t in ("+28", "-12", "0项", "1,234", "１２")]
    [28, -12, 0, 1234, 12]
    >>> read_number("1O")
    Reading(value=10, unit=None, approximate=False, damaged=True, candidates=(10,))
    >>> read_number("O")
    Reading(value=0, unit=None, approximate=False, damaged=True, candidates=(0,))
    >>> read_number("abc")
    Traceback (most recent call last):
    ...
    gongkai.inference.numbers.NumberError: not a number: 'abc'
    """
    if not isinstance(text, str):
        raise TypeError(f"read_number expects str, got {type(text).__name__}: {text!r}")
    body = _clean(text)
    if body in BLANK_MARKERS:
        return Reading(None)
    try:
        return _read_plain(body, text)
    except NumberError:
        return _read_ocr(body, text)
