"""Decoded report → one canonical text the tagger sees, with an exact map back to the input.

Steps (each keeps or composes the character map, see :mod:`.offsets`):

1. HTML (detected, or forced with ``html=``) is rendered to pipe-table text (:mod:`.html`).
2. ``\\r\\n`` → ``\\n``; zero-width characters (U+200B..U+200D, U+2060, U+FEFF) and stray
   control characters are removed; inline pinyin rubies are removed (:mod:`.ruby`); a
   ``<br>`` left in plain text (Markdown from language models) is a space inside a table
   row (a line break inside its cell) and a line break elsewhere.
3. ASCII ``?`` left by scrapers for NBSP or unencodable characters becomes a space. The
   rule: a ``?`` is a real question mark only when it stands alone, right after a letter,
   digit, Han character or closing bracket/quote, and before the end of the line, a space,
   a closing bracket/quote, ``|`` or ASCII (``是否继续?``, ``index.php?id=1``); runs
   (``?????523``), a ``?`` after a space or punctuation (``。?``) and a ``?`` between two
   Han characters are spaces. Full-width ``？`` is always a question mark.
4. Full-width ASCII (U+FF01..U+FF5E) → ASCII; NBSP, U+3000, other Unicode spaces and tabs
   → ``' '``; other line breaks → ``\\n``; traditional → simplified with OpenCC ``t2s``
   (same length; per character where a phrase would change the length).
5. Runs of spaces collapse to one ``' '`` (which maps to the whole run); spaces at the
   start and end of a line are removed. Newlines, blank lines included, are kept.

>>> n = normalise("本年報依據(jù)《條例》,\\r\\n數據：１２?條")
>>> n.text
'本年报依据《条例》,\\n数据:12 条'
>>> n.source[slice(*n.to_source(3, 5))]
'依據(jù)'
>>> n.from_source(4, 9)      # '據(jù)' → '据'
(4, 5)
>>> n.from_source(5, 9)      # only the ruby: the character it belongs to
(4, 5)
>>> n.source[slice(*n.to_source(4, 5))]
'據(jù)'
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
import opencc

from . import offsets
from .html import looks_like_html, render_html
from .ruby import ruby_edits
from .text_decoding import decode_text

#: Plain text longer than this is normalised in line-aligned chunks (bounded memory).
CHUNK = 1 << 20

_CLEANUP = re.compile("\r\n|[\u200b\u200c\u200d\u2060\ufeff\x00-\x08\x0e-\x1f\x7f]")
_BR = re.compile(r"<br\s*/?>", re.IGNORECASE)
_QUESTIONS = re.compile(r"\?+")
_CLOSERS = ")]}）】〕》」』〉”’\"'"
_SPACES = re.compile(r"(?m)^ +| +$| {2,}")


def _translation() -> dict[int, str]:
    table = {c: chr(c - 0xFEE0) for c in range(0xFF01, 0xFF5F)}
    for c in (0x09, 0xA0, 0x1680, *range(0x2000, 0x200B), 0x202F, 0x205F, 0x3000):
        table[c] = " "
    for c in (0x0B, 0x0C, 0x0D, 0x85, 0x2028, 0x2029):
        table[c] = "\n"
    return table


_TRANSLATE = _translation()


@dataclass(frozen=True)
class Normalised:
    """Normalised text and the map from each of its characters to a ``source`` range."""

    #: The decoded input exactly as the caller gave it (offsets refer to this).
    source: str
    #: Simplified, ruby-free text with canonical spaces, digits and punctuation.
    text: str
    _starts: np.ndarray = field(repr=False, compare=False)
    _ends: np.ndarray = field(repr=False, compare=False)

    def to_source(self, start: int, end: int) -> tuple[int, int]:
        """Normalised span → source span (end exclusive): ``(s[start], e[end - 1])``."""
        return offsets.to_source(self._starts, self._ends, start, end)

    def from_source(self, start: int, end: int) -> tuple[int, int]:
        """Source span → the normalised characters whose source ranges overlap it."""
        return offsets.from_source(self._starts, self._ends, len(self.source), start, end)

    def source_offsets(self) -> tuple[np.ndarray, np.ndarray]:
        """Read-only int32 arrays: normalised char ``i`` covers ``source[starts[i]:ends[i]]``.
        Both are non-decreasing."""
        return self._starts, self._ends


def normalise(
    data: bytes | str, *, name: str = "<input>", html: bool | None = None, max_rendered: int | None = None
) -> Normalised:
    """Decode ``data`` (see :func:`.text_decoding.decode_text`) and normalise it. ``html=None`` detects
    HTML (a document or a fragment with tags); ``True``/``False`` force it. ``max_rendered`` bounds
    the HTML's rendered text (:class:`.html.RenderedTooLarge`)."""
    source = decode_text(data, name=name).text
    if html is None:
        html = looks_like_html(source)
    if html:
        rendered, starts, ends = render_html(source, max_rendered)
        text, inner = _normalise_plain(rendered)
        starts, ends = offsets.compose((starts, ends), inner)
    else:
        text, starts, ends = _normalise_chunked(source)
    starts.setflags(write=False)
    ends.setflags(write=False)
    return Normalised(source, text, starts, ends)


def _normalise_chunked(source: str) -> tuple[str, np.ndarray, np.ndarray]:
    # Every step is local to a line, so chunks cut after a newline normalise independently.
    texts, starts, ends = [], [], []
    at = 0
    while at < len(source) or not texts:
        cut = source.find("\n", at + CHUNK) + 1 if len(source) - at > CHUNK else 0
        cut = cut or len(source)
        text, inner = _normalise_plain(source[at:cut])
        s, e = inner if inner is not None else offsets.identity(len(text))
        texts.append(text)
        starts.append(s + at)
        ends.append(e + at)
        at = cut
    if len(texts) == 1:
        return texts[0], starts[0], ends[0]
    return "".join(texts), np.concatenate(starts), np.concatenate(ends)


def _normalise_plain(text: str):
    """Steps 2–5 on plain text; returns the text and its map (``None``: offsets unchanged)."""
    mapping = None
    edits = sorted(
        [(m.start(), m.end(), "\n" if m.group() == "\r\n" else "") for m in _CLEANUP.finditer(text)]
        + [(m.start(), m.end(), " " if _in_table_row(text, m.start()) else "\n") for m in _BR.finditer(text)]
        + ruby_edits(text, simplify=_simplify_char)
    )
    if edits:
        text, *stage = offsets.apply_edits(text, edits)
        mapping = tuple(stage)
    # Steps 3 and 4 replace character for character: the map is unchanged.
    text = _QUESTIONS.sub(lambda m: _question_or_space(text, m), text)
    text = _simplify(text.translate(_TRANSLATE))
    edits = [(m.start(), m.end(), " " if _inner(text, m) else "") for m in _SPACES.finditer(text)]
    if edits:
        text, *stage = offsets.apply_edits(text, edits)
        mapping = offsets.compose(mapping, tuple(stage)) if mapping else tuple(stage)
    return text, mapping


def _in_table_row(text: str, at: int) -> bool:
    """Whether ``at`` is inside a ``|`` table row (its line starts with ``|``)."""
    line_start = text.rfind("\n", 0, at) + 1
    return text[line_start:at].lstrip(" \t").startswith("|")


def _inner(text: str, match: re.Match) -> bool:
    """Whether a space run sits inside a line (kept as one space) rather than at an edge."""
    start, end = match.span()
    return start > 0 and text[start - 1] != "\n" and end < len(text) and text[end] != "\n"


def _question_or_space(text: str, match: re.Match) -> str:
    run = match.group()
    if len(run) == 1:
        at = match.start()
        before = text[at - 1] if at else ""
        after = text[at + 1] if at + 1 < len(text) else ""
        if (before.isalnum() or (before and before in _CLOSERS)) and (
            not after
            or after.isspace()
            or after in _CLOSERS
            or after == "|"
            or (after.isascii() and (after.isalnum() or after in "=&#/"))
        ):
            return "?"
    return " " * len(run)


@lru_cache(maxsize=1)
def _converter() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


@lru_cache(maxsize=65536)
def _simplify_char(char: str) -> str:
    converted = _converter().convert(char)
    return converted if len(converted) == 1 else char


def _simplify(text: str) -> str:
    """OpenCC t2s, guaranteed to keep the length (and so every offset)."""
    converted = _converter().convert(text)
    if len(converted) == len(text):
        return converted
    lines = text.split("\n")  # find the offending lines; convert those per character
    out = []
    for line in lines:
        line_converted = _converter().convert(line)
        out.append(line_converted if len(line_converted) == len(line) else "".join(map(_simplify_char, line)))
    return "\n".join(out)
