"""Reading a number as a report prints it: a table cell or a figure's value.

Scraped reports pad cells with ``?`` (an NBSP the scraper could not encode), print
units, magnitudes and approximation words next to the digits, use full-width digits,
thousands separators and stray full stops (``1,250``, ``125.``), and sometimes glue
two cells (``00``) or let OCR swap letters for digits (``1O``). A :class:`Reading`
keeps the value — the quantity the text states — and says how far to trust it; a
blank cell reads as ``None``, never as 0.

A magnitude that belongs to the number scales it (``66万余人次`` → 660000 人次); one
that starts a money unit stays in the unit, and the number as printed (``16491.8万元``
→ 16491.8 万元), as SCHEMA.md and the table headers count money.

>>> read_number("16491.8万元")
Reading(value=16491.8, unit='万元', approximate=False, damaged=False, candidates=())
>>> read_number("66万余人次")
Reading(value=660000, unit='人次', approximate=True, damaged=False, candidates=())
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
from dataclasses import dataclass, field
from decimal import Decimal

from gongkai.model.template import APPROX_AFTER, APPROX_BEFORE, MAGNITUDES, MEASURE_WORDS


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
    #: The magnitude the printed number was multiplied by (``66万`` → 10000), else 1.
    magnitude: int = field(default=1, repr=False)


#: What reports print in a cell that has no value.
BLANK_MARKERS = frozenset({"", "/", "-", "--", "—", "——", "–", "无", "無", "空", "\\", "×"})

#: Characters that stand for spaces in scraped text (``?`` replaces an NBSP).
_PADDING = " \t\r\n\u00a0\u3000\u2002\u2003\u2009\u200b?"

#: Money units that start with a magnitude (``万元``): the magnitude is the unit's, not the number's.
_MONEY_UNITS = tuple(w for w in MEASURE_WORDS if w[0] in MAGNITUDES)

#: Letters OCR and careless typing put for digits; each maps to its possible digits.
OCR_DIGITS: dict[str, str] = {
    "O": "0",
    "o": "0",
    "D": "0",
    "Q": "0",
    "l": "1",
    "I": "1",
    "i": "1",
    "|": "1",
    "Z": "2",
    "z": "2",
    "S": "5",
    "s": "5",
    "b": "6",
    "G": "6",
    "B": "8",
    "g": "9",
    "q": "9",
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


def _to_number(sign: str, digits: str, frac: str | None, magnitude: int = 1) -> int | float:
    """The value of a printed number; scaled by a magnitude it is exact (``1.2万`` → 12000,
    not 12000.000000000002), and whole when the product is.

    >>> _to_number("", "1,250", None), _to_number("-", "12", ".0"), _to_number("", "1", ".25", 10000)
    (1250, -12.0, 12500)
    """
    digits = digits.replace(",", "")
    value: int | float
    if magnitude != 1:
        exact = Decimal(digits + (frac or "")) * magnitude
        value = int(exact) if exact == exact.to_integral_value() else float(exact)
    else:
        value = float(digits + frac) if frac else int(digits)
    return -value if sign == "-" else value


def _strip_word(text: str, words: tuple[str, ...], *, end: bool = False) -> tuple[str, bool]:
    """``text`` without one of ``words`` at its start (or end); whether one was there."""
    for w in words:
        if text.endswith(w) if end else text.startswith(w):
            return (text[: -len(w)] if end else text[len(w) :]).strip(_PADDING), True
    return text, False


def _magnitude(rest: str) -> tuple[str, int]:
    """The magnitude at the start of what follows the digits, unless it starts a money unit."""
    if rest[:1] in MAGNITUDES and not rest.startswith(_MONEY_UNITS):
        return rest[1:].strip(_PADDING), MAGNITUDES[rest[0]]
    return rest, 1


def _read_plain(body: str, original: str) -> Reading:
    body, before = _strip_word(body, APPROX_BEFORE)
    m = _NUMBER.match(body)
    if not m:
        raise NumberError(f"not a number: {original!r}")
    rest = body[m.end() :].strip(_PADDING)
    if rest == "." and not m["frac"]:
        rest = ""  # ``125.``: a full stop printed after the number
    rest, magnitude = _magnitude(rest)
    rest, after = _strip_word(rest, APPROX_AFTER)
    rest, trailing = _strip_word(rest, APPROX_AFTER, end=True)  # 100件以上
    unit = None
    if rest:
        if not _UNIT.fullmatch(rest):
            raise NumberError(f"not a number: {original!r} (trailing {rest!r})")
        unit = rest
    value = _to_number(m["sign"], m["int"], m["frac"], magnitude)
    # '00', '05': a whole number printed with a leading zero is a zero cell printed
    # twice or two cells glued together, so it is readable but not to be trusted.
    digits = m["int"].replace(",", "")
    damaged = len(digits) > 1 and digits.startswith("0")
    return Reading(value, unit, before or after or trailing, damaged, (value,) if damaged else (), magnitude)


_LONE_OCR = frozenset(OCR_DIGITS) - {"|"}


def _read_ocr(body: str, original: str) -> Reading:
    """Readings of a number in which letters stand for digits (``1O`` → 10, ``l6.5万元``)."""
    unit = None
    u = _UNIT_AT_END.search(body)
    if u and u.start() > 0:
        body, unit = body[: u.start()].rstrip(_PADDING), u.group()
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

    >>> [read_number(t).value for t in ("+28", "-12", "0项", "1,234", "１２", "125.", "1.2万条")]
    [28, -12, 0, 1234, 12, 125, 12000]
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
