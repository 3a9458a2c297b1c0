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

from .labelmatch import best_match, match_row_label, section_candidates

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


# Markdown's heading marks and emphasis (``## 一、总体情况``, ``**二、…**``) are not the heading's.
_HEADING = re.compile(r"^[\s#*]*([一二三四五六七八九十]+)\s*[、.．,]\s*(.*?)[\s、,.:;。?*]*$", re.S)
#: A Markdown heading of level three or deeper: a subsection unless it carries a section number.
_MD_SUBHEADING = re.compile(r"[ \t]*#{3,}")
_MD_HEADING = re.compile(r"[ \t]*#{1,6}[ \t]")


def split_heading(text: str) -> tuple[str | None, str]:
    """A heading's list number and title.

    >>> split_heading("## 二、主动公开政府信息情况"), split_heading("### 其他事项")
    (('二', '主动公开政府信息情况'), (None, '其他事项'))
    """
    m = _HEADING.match(text)
    if not m:
        return None, text.strip(" \t\n#*")
    return m.group(1), m.group(2)


def section_key(number: str | None, title: str) -> str | None:
    m = best_match(title, section_candidates(), min_score=70.0, min_margin=3.0)
    if m is not None:
        return m.candidate.key
    for s in T.SECTIONS:
        if s.number == number:
            return s.key
    return None


def is_heading_hit(text: str, start: int, number: str | None, key: str | None) -> bool:
    r"""Whether a tagged (and snapped) heading can be a section heading: it has its list
    number or a known title, and a heading without its number still opens its line
    (``政府信息公开提起的`` inside a sentence, ``)存在的问题`` after ``(一`` are not headings).

    >>> t = "(一)存在的问题。本年度……"
    >>> is_heading_hit(t, 3, None, None), is_heading_hit("五、存在的问题", 0, "五", "problems")
    (False, True)

    A Markdown heading ``###`` (or deeper) is a subsection unless it carries a section number,
    and a Markdown heading that names a table row (``### 三、本年度办理结果``) is that row:

    >>> is_heading_hit("### 主动公开情况", 0, None, "active_disclosure")
    False
    >>> is_heading_hit("## 二、主动公开情况", 0, "二", "active_disclosure")
    True
    >>> is_heading_hit("### 三、本年度办理结果", 0, "三", "applications")
    False
    """
    if number is None and key is None:
        return False
    line_start = text.rfind("\n", 0, start) + 1
    if _MD_HEADING.match(text, line_start):
        if number is None and _MD_SUBHEADING.match(text, line_start):
            return False
        line_end = text.find("\n", start)
        title = split_heading(text[line_start:len(text) if line_end < 0 else line_end])[1]
        if best_match(title, section_candidates(), min_score=70.0, min_margin=3.0) is None \
                and match_row_label(title) is not None:
            return False
    return number is not None or not text[line_start:start].strip(" ?\t\u3000#*")


_NEXT_NUMBER = dict(zip(T.CHINESE_NUMBERS, T.CHINESE_NUMBERS[1:]))


def missing_headings(text: str, found: list[tuple[str | None, str | None, int, int]],
                     tagged: list[tuple[int, int]] = ()) -> list[tuple[int, int]]:  # noqa: B006 (read only)
    r"""Headings the tagger missed, found by the guideline's test: a line of its own, no
    table cell (``|``) and no sentence (``。``) in it, whose title is the missing section's
    title (or a variant) and whose number is the section's or the one after the previous
    heading's. Only sections absent from ``found`` (key, number, start, end; normalised
    offsets, in text order) are looked for, between their neighbours, and only on lines
    the tagger left untagged (``tagged``: spans of its other entities), for a line it read
    as something else (a row label ``四、结转下年度继续办理``) is its call.

    >>> t = "报告\n一、总体情况\n正文。\n二、主动公开政府信息情况\n正文"
    >>> [t[a:b] for a, b in missing_headings(t, [("active_disclosure", "二", 16, 28)])]
    ['一、总体情况']
    """
    have = {k for k, *_ in found if k}
    order = [s.key for s in T.SECTIONS]
    out: list[tuple[int, int]] = []
    for s in T.SECTIONS:
        if s.key in have:
            continue
        before = [f for f in found if f[0] in order[:order.index(s.key)]]
        after = [f for f in found if f[0] in order[order.index(s.key) + 1:]]
        lo = max((f[3] for f in before), default=0)
        hi = min((f[2] for f in after), default=len(text))
        numbers = {s.number}
        if before:
            prev = max(before, key=lambda f: f[3])[1]
            numbers.add(_NEXT_NUMBER.get(prev or "", s.number))
        pos = lo
        for line in text[lo:hi].split("\n"):
            a = pos + len(line) - len(line.lstrip(" ?\t\u3000#*"))  # Markdown marks are not the heading's
            b = pos + len(line.rstrip(" ?\t\u3000、,.:;*"))
            pos += len(line) + 1
            if not (0 < b - a <= 40) or any(c in line for c in "|。;;") \
                    or any(x < b and a < y for x, y in tagged):
                continue
            number, title = split_heading(text[a:b])
            m = best_match(title, section_candidates(), min_score=70.0, min_margin=3.0) if number else None
            if number in numbers and m is not None and m.candidate.key == s.key:
                out.append((a, b))
                break
    return out
