"""Inline pinyin left by scrapers after a character: ``據(jù)`` → ``據``, ``開(kāi)(kāi)`` → ``開``.

A parenthesis is a ruby only when its content is a reading of the character just before
it (pypinyin's dictionary, every heteronym, traditional or simplified form), so real
parentheses such as ``(一)``, ``(GDP)`` or ``(以下简称)`` are never touched.
Readings compare without tones (reports drop or misplace them) and with ``ü`` spelt
``ü``, ``v`` or ``u``; tone numbers (``kai1``) are accepted too.

Each ruby goes with its character: the edit replaces the character and its readings by the
character, so the character's offsets into the source cover its ruby.

>>> ruby_edits("公開(kāi)數(shù)據(jù)(jù)")
[(1, 7, '開'), (7, 13, '數'), (13, 22, '據')]
>>> ruby_edits("第(一)项 国内生产总值(GDP) 绿(lv)色 绿(a)")
[(18, 23, '绿')]
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from pypinyin.pinyin_dict import pinyin_dict

from .offsets import Edit

_HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
_LETTERS = "a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜüêếềńňǹḿ"
_READING = rf"[(（][{_LETTERS}]{{1,7}}[1-5]?[)）]"
#: A Han character followed by one or more candidate readings.
RUBY = re.compile(rf"([{_HAN}])((?:{_READING})+)")
_ONE = re.compile(_READING)


def ruby_edits(text: str, simplify=None) -> list[Edit]:
    """Edits that remove every ruby in ``text``: each replaces a character and its readings by
    the character, so the character's offsets cover its ruby (``業(yè)`` is one character of the
    source, as the annotation guideline has it: a span ending in ``業`` ends after ``(yè)``).
    ``simplify`` (char → char) gives a second form of the character to look up (the normaliser
    passes OpenCC t2s).

    >>> ruby_edits("公開(kāi)了")
    [(1, 7, '開')]
    """
    edits: list[Edit] = []
    for match in RUBY.finditer(text):
        char = match.group(1)
        forms = {char, simplify(char)} if simplify else {char}
        end = match.start(2)
        for reading in _ONE.finditer(match.group(2)):
            if not any(_key(reading.group()[1:-1]) in _readings(form) for form in forms):
                break  # the rest of the run is not this character's reading
            end = match.start(2) + reading.end()
        if end > match.start(2):
            edits.append((match.start(1), end, char))
    return edits


@lru_cache(maxsize=65536)
def _readings(char: str) -> frozenset[str]:
    """Toneless keys of every reading of ``char``, with ü spelt both v and u."""
    keys = {_key(r) for r in pinyin_dict.get(ord(char), "").split(",") if r}
    return frozenset(keys | {k.replace("v", "u") for k in keys})


@lru_cache(maxsize=4096)
def _key(reading: str) -> str:
    """``'lǜ'`` → ``'lv'``; ``'kai1'`` → ``'kai'``.

    >>> _key("lǜ"), _key("lü"), _key("kai1"), _key("guān")
    ('lv', 'lv', 'kai', 'guan')
    """
    decomposed = unicodedata.normalize("NFD", reading.rstrip("12345")).replace("u\u0308", "v")
    return "".join(c for c in decomposed if not unicodedata.combining(c))
