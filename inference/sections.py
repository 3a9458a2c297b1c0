"""SECTION entities → the six section keys, with the number and the title as written.

The key comes from the title (headings are sometimes renumbered: 二–六 printed as 一–五), and
from the number only when the title matches no known heading.

>>> split_heading("四、信息公开工作被申请行政复议、提起行政诉讼情况")
('四', '信息公开工作被申请行政复议、提起行政诉讼情况')
>>> section_key("四", "信息公开工作被申请行政复议、提起行政诉讼情况")
'reviews'
>>> section_key("一", "主动公开政府信息情况")  # renumbered: the title wins
'active_disclosure'
"""

from __future__ import annotations

import re

from gongkai.model import template as T

from .labelmatch import best_match, section_candidates

_HEADING = re.compile(r"^\s*([一二三四五六七八九十]+)\s*[、.．,]\s*(.*?)[\s、,.:;。?]*$", re.S)


def split_heading(text: str) -> tuple[str | None, str]:
    m = _HEADING.match(text)
    if not m:
        return None, text.strip()
    return m.group(1), m.group(2)


def section_key(number: str | None, title: str) -> str | None:
    m = best_match(title, section_candidates(), min_score=70.0, min_margin=3.0)
    if m is not None:
        return m.candidate.key
    for s in T.SECTIONS:
        if s.number == number:
            return s.key
    return None
