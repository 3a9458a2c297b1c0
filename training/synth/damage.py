"""Damage as real scraped reports show it, applied after writing so that every span
stays exact: each pass edits the text through :func:`~gongkai.training.synth.builder.apply_edits`
(or replaces characters one for one) and the spans move with it.

A ruby written after a span's last character belongs to the span (``公開(kāi)`` is one
unit); ``?`` padding before a cell stays outside it. Passes that can change what a span
says (OCR confusions) mark the span's info ``lossy``.

>>> import random
>>> spans = [[0, 2, "ROW_LABEL", {}]]
>>> text, log = damage("公开 |", spans, random.Random(0), ["traditional", "ruby"], ruby_p=1.0)
>>> text, text[spans[0][0]:spans[0][1]]
('公(gōng)開(kāi) |', '公(gōng)開(kāi)')
"""

from __future__ import annotations

import random
import re
from functools import cache, lru_cache
from typing import Any

from gongkai.model.closed_set import ClosedSet

from .builder import apply_edits


class Damage(ClosedSet):
    """A kind of damage applied to a generated report's text (each a function of this module)."""

    TRADITIONAL = "traditional"
    RUBY = "ruby"
    REPEATED_RUBY = "repeated_ruby"
    NBSP_QUESTION = "nbsp_question"
    UNENCODABLE_QUESTION = "unencodable_question"
    DROPPED_CHARS = "dropped_chars"
    FULLWIDTH_DIGITS = "fullwidth_digits"
    OCR = "ocr"
    BOILERPLATE = "boilerplate"
    DUPLICATED_LINES = "duplicated_lines"
    COLLAPSE_WHITESPACE = "collapse_whitespace"
    LABEL_BREAKS = "label_breaks"


DAMAGE_KINDS = tuple(Damage)

_CJK = re.compile(r"[\u4e00-\u9fff]")
_FULLWIDTH = str.maketrans("0123456789", "０１２３４５６７８９")
#: Confusions an OCR engine makes (both directions occur in scans).
OCR_CONFUSIONS = {"0": "O", "1": "l", "沭": "沐", "己": "已", "未": "末", "人": "入", "日": "曰", "5": "S"}


@cache
def _converter():
    import opencc

    return opencc.OpenCC("s2t")


@lru_cache(maxsize=65536)
def to_traditional_char(ch: str) -> str:
    """Character-level s2t (one character for one, so offsets stay put).

    >>> to_traditional_char("开"), to_traditional_char("a")
    ('開', 'a')
    """
    out = _converter().convert(ch)
    return out if len(out) == 1 else ch


@lru_cache(maxsize=65536)
def ruby(ch: str) -> str:
    """The inline pinyin a damaged page prints after a character.

    >>> ruby("据")
    '(jù)'
    """
    from pypinyin import Style, pinyin

    return "(" + pinyin(ch, style=Style.TONE, heteronym=False)[0][0] + ")"


def _covered(n: int, spans: list[list[Any]]) -> bytearray:
    mask = bytearray(n)
    for s, e, label, _ in spans:
        if not label.startswith("_"):
            mask[s:e] = b"\x01" * (e - s)
    return mask


def _traditional(text: str, spans, rng, opts) -> str:
    table = {ord(c): to_traditional_char(c) for c in set(_CJK.findall(text))}
    return text.translate(table)


def _ruby(text: str, spans, rng, opts, repeated: bool = False) -> str:
    # Real pages carry rubies on a handful of characters, on every occurrence of them.
    chars = sorted(set(_CJK.findall(text)))
    if not chars:
        return text
    chosen = set(rng.sample(chars, max(1, int(len(chars) * opts.get("ruby_p", 0.08)))))
    edits = []
    for m in _CJK.finditer(text):
        c = m.group()
        if c in chosen:
            r = ruby(opts["source"][m.start()] if "source" in opts else c)
            edits.append([m.end(), 0, r + r if repeated and rng.random() < 0.3 else r, True])
    return apply_edits(text, edits, spans)[0]


def _nbsp(text: str, spans, rng, opts) -> str:
    edits = [[m.start(), 1, "?", False] for m in re.finditer(" ", text) if rng.random() < 0.7]
    # Cells padded with NBSPs the page's encoding lost: ?????523
    for s, _end, label, _ in spans:
        if label == "CELL" and rng.random() < 0.05:
            edits.append([s, 0, "?" * rng.randint(1, 5), False])
    return apply_edits(text, edits, spans)[0]


def _outside(text: str, spans, rng, pattern: str, p: float):
    mask = _covered(len(text), spans)
    return [m.start() for m in re.finditer(pattern, text) if not mask[m.start()] and rng.random() < p]


def _unencodable(text: str, spans, rng, opts) -> str:
    edits = [[i, 1, "?", False] for i in _outside(text, spans, rng, r"[“”〔〕・—]|[\u4e00-\u9fff]", 0.01)]
    return apply_edits(text, edits, spans)[0]


def _dropped(text: str, spans, rng, opts) -> str:
    # 〔2021〕30号 → 〔202130: the bracket and the 号 vanish and the numbers fuse.
    edits = [[i, 1, "", False] for i in _outside(text, spans, rng, r"〕|(?<=\d)号|、|,", 0.3)]
    return apply_edits(text, edits, spans)[0]


def _fullwidth(text: str, spans, rng, opts) -> str:
    a = rng.randrange(len(text) or 1)
    b = min(len(text), a + rng.randint(200, 5000))
    return text[:a] + text[a:b].translate(_FULLWIDTH) + text[b:]


def _ocr(text: str, spans, rng, opts) -> str:
    chars = list(text)
    hit = []
    for m in re.finditer("[" + "".join(OCR_CONFUSIONS) + "]", text):
        if rng.random() < 0.03:
            chars[m.start()] = OCR_CONFUSIONS[m.group()]
            hit.append(m.start())
    if hit:
        for span in spans:
            if any(span[0] <= i < span[1] for i in hit):
                span[3]["lossy"] = True
    return "".join(chars)


def _line_starts(text: str, spans, free_only: bool) -> list[tuple[int, int]]:
    mask = _covered(len(text), spans) if free_only else None
    out, start = [], 0
    for line in text.split("\n"):
        end = start + len(line)
        if line.strip() and (mask is None or not any(mask[start:end])):
            out.append((start, end))
        start = end + 1
    return out


def _boilerplate(text: str, spans, rng, opts) -> str:
    mask = _covered(len(text), spans)
    # Not inside a span that runs over several lines (a PDF label one character per line).
    lines = [(s, e) for s, e in _line_starts(text, spans, False) if not s or not mask[s - 1]]
    edits = []
    for start, _ in rng.sample(lines, min(len(lines), rng.randint(1, 3))):
        edits.append([start, 0, rng.choice(opts.get("chrome") or ["打印本页 关闭窗口"]) + "\n", False])
    return apply_edits(text, edits, spans)[0]


def _duplicated(text: str, spans, rng, opts) -> str:
    free = _line_starts(text, spans, True)  # lines without labels: a copy stays O
    edits = [[s, 0, text[s:e] + "\n", False] for s, e in rng.sample(free, min(len(free), rng.randint(1, 3)))]
    return apply_edits(text, edits, spans)[0]


def _collapse(text: str, spans, rng, opts) -> str:
    glue = opts.get("glue", " ")
    edits = [[m.start(), 1, glue, False] for m in re.finditer("\n", text)]
    return apply_edits(text, edits, spans)[0]


def _label_breaks(text: str, spans, rng, opts) -> str:
    """OCR line breaks inside labels: ``本机关不掌握相关政`` / ``府信息``. The label stays one
    span over both pieces (the break is inside it)."""
    edits = []
    for s, e, label, _ in spans:
        if (
            label in ("ROW_LABEL", "COL_HEADER")
            and e - s >= 6
            and "\n" not in text[s:e]
            and rng.random() < opts.get("break_p", 0.25)
        ):
            # Between two Han characters only: never inside a ruby, a number or a note's digits.
            cuts = [i for i in range(s + 3, e - 1) if _CJK.match(text[i - 1]) and _CJK.match(text[i])]
            if cuts:
                edits.append([rng.choice(cuts), 0, "\n", False])
    return apply_edits(text, edits, spans)[0]


_PASSES = {
    "traditional": _traditional,
    "ruby": _ruby,
    "repeated_ruby": _ruby,
    "nbsp_question": _nbsp,
    "unencodable_question": _unencodable,
    "dropped_chars": _dropped,
    "fullwidth_digits": _fullwidth,
    "ocr": _ocr,
    "boilerplate": _boilerplate,
    "duplicated_lines": _duplicated,
    "collapse_whitespace": _collapse,
    "label_breaks": _label_breaks,
}


def damage(
    text: str,
    spans: list[list[Any]],
    rng: random.Random,
    kinds: list[str],
    **opts: Any,
) -> tuple[str, list[str]]:
    """Apply the damage ``kinds`` in a fixed order; spans move in place. Returns the new
    text and the kinds applied."""
    unknown = [k for k in kinds if k not in _PASSES]
    if unknown:
        raise ValueError(f"unknown damage kinds {unknown}; kinds: {', '.join(DAMAGE_KINDS)}")
    source = text  # the pinyin of a ruby is read from the simplified character
    done = [k for k in DAMAGE_KINDS if k in kinds]
    for kind in done:  # a fixed order: traditional first (one for one), rubies next
        if kind == "repeated_ruby" and "ruby" in done:
            continue
        if kind in ("ruby", "repeated_ruby"):
            text = _ruby(text, spans, rng, {**opts, "source": source}, repeated="repeated_ruby" in done)
        else:
            text = _PASSES[kind](text, spans, rng, opts)
    return text, done
