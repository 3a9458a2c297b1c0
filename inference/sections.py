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

_NUMBER_PREFIX = re.compile(r"^\s*[一二三四五六七八九十]+\s*[、.．]?\s*$")


def snap_to_line(text: str, start: int, end: int, max_rest: int = 30) -> tuple[int, int]:
    r"""Widen a section heading the tagger caught only part of to its whole line: headings
    stand on a line of their own, so a short rest of the line with no sentence in it, and a
    bare list number before it, belong to the heading.

    >>> t = "正文。\n六、其他需要报告的事项\n无。"
    >>> a, b = snap_to_line(t, t.index("六"), t.index("需") + 1)
    >>> t[a:b]
    '六、其他需要报告的事项'
    >>> a, b = snap_to_line(t, t.index("其"), t.index("项") + 1)
    >>> t[a:b]
    '六、其他需要报告的事项'
    """
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    line_end = len(text) if line_end < 0 else line_end
    rest = text[end:line_end]
    if rest.strip() and len(rest) <= max_rest and not any(c in rest for c in "。;;|"):
        end = line_end
        while end > start and text[end - 1] in " ?、,.:;。":
            end -= 1
    if _NUMBER_PREFIX.match(text[line_start:start]) and text[line_start:start].strip():
        start = line_start + (len(text[line_start:start]) - len(text[line_start:start].lstrip()))
    return start, end


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
