"""SECTION entities → the six section keys, with the number and the title as written.

The key comes from the title (headings are sometimes renumbered: 二–六 printed as 一–五), and
from the number only when the title matches no known heading (in a template report: a report
from before the templates numbers its parts its own way). Titles of the old reports map to the
key of the part they mean (``政府信息依申请公开工作情况`` is ``applications``); old parts the
templates dropped (``政府信息公开情况统计表``) have no key.

A heading glued to its first sentence (``六、其他需要报告的事项无其他需要报告的事项``) or cut
short by the tagger (``三、政``) gives the title the format knows as printed there
(:func:`title_end`).

>>> split_heading("四、信息公开工作被申请行政复议、提起行政诉讼情况")
('四', '信息公开工作被申请行政复议、提起行政诉讼情况')
>>> section_key("四", "信息公开工作被申请行政复议、提起行政诉讼情况")
'reviews'
>>> section_key("一", "主动公开政府信息情况")  # renumbered: the title wins
'active_disclosure'
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import cache

from rapidfuzz import fuzz

from gongkai.model import template as T

from .labelmatch import Candidate, best_match, clean_label, match_row_label, section_candidates

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


#: The key of a title that names no section of the templates.
_UNKEYED = ""


@cache
def _title_candidates() -> tuple[Candidate, ...]:
    """The section titles and variants, the old reports' titles for the same parts, and the
    old titles of parts the templates do not have (key ``""``)."""
    old = [Candidate(s.key, "section", None, frozenset(), clean_label(t)) for s in T.SECTIONS for t in s.old_titles]
    unkeyed = [Candidate(_UNKEYED, "section", None, frozenset(), clean_label(t)) for t in T.UNKEYED_SECTION_TITLES]
    return (*section_candidates(), *old, *unkeyed)


def section_key(number: str | None, title: str, *, by_number: bool = True) -> str | None:
    """The key of a heading: by its title, else (``by_number``) by its number.

    >>> section_key("三", "政府信息依申请公开工作情况"), section_key("六", "政府信息公开情况统计表")
    ('applications', None)
    >>> section_key("五", "工作亮点"), section_key("五", "工作亮点", by_number=False)
    ('problems', None)
    """
    m = best_match(title, _title_candidates(), min_score=70.0, min_margin=3.0)
    if m is not None:
        return m.candidate.key or None
    if by_number:
        for s in T.SECTIONS:
            if s.number == number:
                return s.key
    return None


@cache
def _titles() -> tuple[str, ...]:
    return tuple(sorted({c.label for c in _title_candidates()}, key=len, reverse=True))


#: Titles shorter than this are matched exactly only (``概述`` is one slip from many words).
_FUZZY_MIN = 6


def title_end(text: str, start: int) -> int | None:
    """Where the heading title printed at ``start`` ends, when it is a title the format knows
    (a section title, a variant or an old report's title): the longest one printed there, or
    one printed with a slip (a character added, dropped or changed). ``None`` when no known
    title starts there.

    >>> t = "六、其他需要报告的事项无其他需要报告的事项。"
    >>> t[2:title_end(t, 2)]
    '其他需要报告的事项'
    >>> t = "四、政府信息公开行政法复议、行政诉讼情况无。"
    >>> t[2:title_end(t, 2)]
    '政府信息公开行政法复议、行政诉讼情况'
    >>> title_end("二、工作亮点", 2) is None
    True
    """
    for t in _titles():
        if text.startswith(t, start):
            return start + len(t)
    best: tuple[float, int] | None = None
    for t in _titles():
        if len(t) < _FUZZY_MIN:
            continue
        for n in range(len(t) - 1, len(t) + 2):
            score = fuzz.ratio(text[start : start + n], t)
            if score >= 90 and (best is None or (score, n) > best):
                best = (score, n)
    return None if best is None else start + best[1]


_HEADING_NUMBER = re.compile(r"\s*[一二三四五六七八九十]+\s*[、.．,]\s*")


def heading_span(text: str, start: int, end: int) -> tuple[int, int]:
    """A heading's span with its title as the format knows it (see :func:`title_end`): a
    sentence glued on is cut off, a title the tagger cut short is completed; a heading whose
    title is not a known one keeps its span.

    >>> t = "六、其他需要报告的事项无其他需要报告的事项。"
    >>> t[slice(*heading_span(t, 0, len(t) - 1))]
    '六、其他需要报告的事项'
    >>> t = "一、 概述 推进政府信息公开工作是……"
    >>> t[slice(*heading_span(t, 0, 2))]
    '一、 概述'
    """
    m = _HEADING_NUMBER.match(text, start)
    title = m.end() if m else start
    end_ = title_end(text, title)
    return (start, end_) if end_ is not None else (start, end)


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
        title = split_heading(text[line_start : len(text) if line_end < 0 else line_end])[1]
        if (
            best_match(title, section_candidates(), min_score=70.0, min_margin=3.0) is None
            and match_row_label(title) is not None
        ):
            return False
    return number is not None or not text[line_start:start].strip(" ?\t\u3000#*")


_NEXT_NUMBER = dict(zip(T.CHINESE_NUMBERS, T.CHINESE_NUMBERS[1:]))


def missing_headings(
    text: str, found: list[tuple[str | None, str | None, int, int]], tagged: list[tuple[int, int]] = ()
) -> list[tuple[int, int]]:  # noqa: B006 (read only)
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
        before = [f for f in found if f[0] in order[: order.index(s.key)]]
        after = [f for f in found if f[0] in order[order.index(s.key) + 1 :]]
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
            if not (0 < b - a <= 40) or any(c in line for c in "|。;;") or any(x < b and a < y for x, y in tagged):
                continue
            number, title = split_heading(text[a:b])
            m = best_match(title, section_candidates(), min_score=70.0, min_margin=3.0) if number else None
            if number in numbers and m is not None and m.candidate.key == s.key:
                out.append((a, b))
                break
        else:
            glued = _glued_heading(text, lo, hi, s, numbers, tagged)
            if glued is not None:
                out.append(glued)
    return out


#: What may stand before a heading glued into a one-line page: a sentence's end or a break.
_BEFORE_GLUED = "。；;！!？?\n \u3000"


def _glued_heading(
    text: str, lo: int, hi: int, s: T.Section, numbers: set[str], tagged: Sequence[tuple[int, int]]
) -> tuple[int, int] | None:
    """A missing heading inside a line of a one-line page (``…下载。一、总体情况今年我局…``): its
    number and its exact title (or a variant) right after a sentence's end, untagged. Exact,
    because nothing but the title's own end separates it from the sentence glued on.

    >>> t = "报告全文由总体情况、主动公开政府信息情况组成。一、总体情况今年我局制作信息12条。二、主动公开"
    >>> a, b = _glued_heading(t, 0, len(t), T.SECTIONS[0], {"一"}, [])
    >>> t[a:b]
    '一、总体情况'
    """
    for title in sorted(s.titles, key=len, reverse=True):  # 主动公开政府信息情况 before 主动公开情况
        for number in sorted(numbers):
            needle = f"{number}、{title}"
            k = text.find(needle, lo, hi)
            while k >= 0:
                end = k + len(needle)
                if (k == 0 or text[k - 1] in _BEFORE_GLUED) and not any(x < end and k < y for x, y in tagged):
                    return k, end
                k = text.find(needle, k + 1, hi)
    return None
