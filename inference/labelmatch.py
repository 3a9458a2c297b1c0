"""Match printed labels (row labels, column headers, section titles) to the format knowledge.

Matching is on a cleaned form (spaces, padding, Markdown emphasis and explanatory notes in
parentheses removed, quotes unified) with rapidfuzz, and a match must beat the best *other*
key by a margin: a damaged label that could be two rows matches neither, rather than the
wrong one.

A row label is matched by its words: one printed without its list number (``予以公开``,
``属于国家秘密`` under a heading ``(三)不予公开``, as OCR and language-model converters write
them) is compared with the template's labels without theirs (:func:`words`); one printed with
its number, with theirs. Its place breaks near-ties: the rows of the group whose label came
before it (:func:`match_row_label`).

>>> clean_label("(二)部分公开(区分处理的,只计这一情形,不计其他情形)")
'(二)部分公开'
>>> clean_label("三、 本 年度办理结果 ?")
'三、本年度办理结果'
>>> clean_label("上一年项目数量 (指2018年事项数)")
'上一年项目数量'
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, lru_cache

from rapidfuzz import fuzz, process

from gongkai.model import template as T

# A parenthesised list marker such as (一) or (12) is part of a label; any other
# parenthesised text is an explanatory note and is dropped before matching.
_NOTE = re.compile(r"\((?![一二三四五六七八九十\d]{1,2}\))[^()]*\)")
_DROP = re.compile(r"[\s?|\u3000\xa0#*]+")  # padding, cell separators, Markdown headings and emphasis
_QUOTES = str.maketrans({"“": '"', "”": '"', "‘": "'", "’": "'", "．": ".", "，": ",", "：": ":", "（": "(", "）": ")"})
#: The list number a row or group label starts with: ``一、`` ``(一)`` ``1.`` ``1、`` ``①``.
_LIST_NUMBER = re.compile(
    r"(?:[一二三四五六七八九十]{1,3}[、.]|\([一二三四五六七八九十\d]{1,2}\)|\d{1,2}[.、]"
    r"|[\u2460-\u2473])"
)


_DIGIT_NUMBER = re.compile(r"^(\d{1,2})、")


def clean_label(text: str, keep_notes: bool = False) -> str:
    """The form labels are compared in; ``keep_notes``: a note's words stay, its brackets go
    (``行政诉讼(未经复议直接起诉)`` → ``行政诉讼未经复议直接起诉``: the note is the label's point)."""
    text = text.translate(_QUOTES)
    text = _DROP.sub("", text)
    text = _DIGIT_NUMBER.sub(r"\1.", text, count=1)  # 3、其他 is 3.其他, as the template prints it
    previous = None
    while previous != text:  # nested notes come off from the inside out
        previous, text = text, _NOTE.sub((lambda m: m.group()[1:-1]) if keep_notes else "", text)
    return text.rstrip("、,.:;。")


def words(cleaned: str) -> str:
    """A cleaned label without its list number: what it says, not where it stands.

    >>> [words(clean_label(t)) for t in ("(一)予以公开", "1.属于国家秘密", "一、本年新收政府信息公开申请数量", "规章")]
    ['予以公开', '属于国家秘密', '本年新收政府信息公开申请数量', '规章']
    """
    m = _LIST_NUMBER.match(cleaned)
    return cleaned[m.end() :] if m and m.end() < len(cleaned) else cleaned


@dataclass(frozen=True)
class Candidate:
    key: str
    kind: str  # "row" | "group" | "field" | "section" | "header"
    table: str | None
    versions: frozenset[str]
    label: str  # cleaned
    group: str | None = None

    @property
    def words(self) -> str:
        return words(self.label)


@dataclass(frozen=True)
class Match:
    candidate: Candidate
    score: float
    margin: float  # over the best candidate with another key


def _merge(cands: list[Candidate]) -> tuple[Candidate, ...]:
    """One candidate per (key, kind, table, label, group), its versions united."""
    merged: dict[tuple, Candidate] = {}
    for c in cands:
        k = (c.key, c.kind, c.table, c.label, c.group)
        if k in merged:
            c = Candidate(c.key, c.kind, c.table, merged[k].versions | c.versions, c.label, c.group)
        merged[k] = c
    return tuple(merged.values())


@cache
def label_candidates() -> tuple[Candidate, ...]:
    """Every row and group label of every table template, with their variants."""
    out: list[Candidate] = []
    for t in T.TEMPLATES:
        v = frozenset({t.version})
        for r in t.rows:
            for label in r.labels:
                out.append(Candidate(r.key, "row", t.table, v, clean_label(label), r.group))
        for g in t.groups:
            for label in g.labels:
                out.append(Candidate(g.key, "group", t.table, v, clean_label(label), g.parent))
    return _merge(out)


@cache
def header_candidates() -> tuple[Candidate, ...]:
    """Every column-header word of every table: field labels and the header-only words."""
    out: list[Candidate] = []
    for t in T.TEMPLATES:
        v = frozenset({t.version})
        for f in t.fields:
            for label in f.labels:
                out.append(Candidate(f.key, "field", t.table, v, clean_label(label)))
        for word in t.header_words:
            out.append(Candidate(clean_label(word), "header", t.table, v, clean_label(word)))
        for b in t.blocks:
            out.append(Candidate(b.corner, "header", t.table, v, clean_label(b.corner)))
    return _merge(out)


@cache
def section_candidates() -> tuple[Candidate, ...]:
    return tuple(
        Candidate(s.key, "section", None, frozenset(T.VERSIONS), clean_label(title))
        for s in T.SECTIONS
        for title in s.titles
    )


@cache
def _header_words() -> frozenset[str]:
    return frozenset(c.label for c in header_candidates())


def _compared(candidates: tuple[Candidate, ...] | list[Candidate], by_words: bool, as_row: bool) -> list[str]:
    """The text each candidate is compared on: its label, or its words when the printed label
    has no list number. Words that also head a column (``总计``, ``其他``) stay numbered
    unless the text is known to be a row label (``as_row``): a column header must not read
    as the row ``(七)总计``."""
    if not by_words:
        return [c.label for c in candidates]
    headers = _header_words()
    return [
        c.label if c.kind not in ("row", "group") or (not as_row and c.words in headers) else c.words
        for c in candidates
    ]


_COMPARED: dict[tuple[int, bool, bool], tuple[tuple[Candidate, ...], list[str]]] = {}


def _compared_cached(candidates: tuple[Candidate, ...], by_words: bool, as_row: bool) -> list[str]:
    """:func:`_compared` of the (long-lived, cached) candidate tuples, kept per tuple object."""
    key = (id(candidates), by_words, as_row)
    hit = _COMPARED.get(key)
    if hit is None or hit[0] is not candidates:
        hit = _COMPARED[key] = (candidates, _compared(candidates, by_words, as_row))
    return hit[1]


def best_match(
    text: str,
    candidates: tuple[Candidate, ...] | list[Candidate],
    *,
    min_score: float = 80.0,
    min_margin: float = 4.0,
    prefer=None,
    as_row: bool = False,
) -> Match | None:
    """The candidate whose label is closest to ``text``, if it is close and unambiguous.

    ``prefer`` (a predicate) breaks near-ties in favour of candidates it accepts, e.g. rows
    of the group the previous label opened. A ``text`` printed without a list number is
    compared with the candidates' words (see the module's description; ``as_row``: the text
    is a row label, so words that also head a column may match their row).

    >>> best_match("1.属于国家秘密", label_candidates()).candidate.key
    'denied.state_secret'
    >>> best_match("规范性文件", label_candidates()).candidate.key
    'normative_documents'
    >>> best_match("予以公开", label_candidates()).candidate.key
    'granted'
    >>> best_match("总计", label_candidates()) is None, best_match("总计", label_candidates(), as_row=True).candidate.key
    (True, 'total')
    >>> best_match("行政诉讼(未经复议直接起诉)", label_candidates()).candidate.key
    'litigation_direct'
    >>> best_match("完全无关的文字", label_candidates()) is None
    True
    """
    if prefer is None and isinstance(candidates, tuple) and _known().get(id(candidates)) is candidates:
        return _known_match(text, id(candidates), min_score, min_margin, as_row)
    return _best_match(text, candidates, min_score, min_margin, prefer, as_row)


@cache
def _known() -> dict[int, tuple[Candidate, ...]]:
    """The module's own candidate tuples (built once), by identity."""
    return {id(c): c for c in (label_candidates(), header_candidates(), section_candidates())}


@lru_cache(maxsize=1 << 13)
def _known_match(text: str, candidates: int, min_score: float, min_margin: float, as_row: bool) -> Match | None:
    """:func:`best_match` against one of :func:`_known`'s tuples, remembered: a bulk run meets the
    same printed labels in report after report (about half of assembling's time)."""
    return _best_match(text, _known()[candidates], min_score, min_margin, None, as_row)


def _best_match(text, candidates, min_score, min_margin, prefer, as_row) -> Match | None:
    cleaned = clean_label(text)
    forms = [f for f in dict.fromkeys((cleaned, clean_label(text, keep_notes=True))) if f]
    if not forms or not candidates:
        return None
    best_by_key: dict[tuple[str, str | None], tuple[float, Candidate]] = {}
    for form in forms:  # the label without its notes, and with their words
        by_words = words(form) == form
        if isinstance(candidates, tuple):
            labels = _compared_cached(candidates, by_words, as_row)
        else:
            labels = _compared(candidates, by_words, as_row)
        for _, score, i in process.extract(form, labels, scorer=fuzz.ratio, limit=None):
            c = candidates[i]
            bonus = 3.0 if prefer is not None and prefer(c) else 0.0
            k = (c.key, c.table)
            if k not in best_by_key or score + bonus > best_by_key[k][0]:
                best_by_key[k] = (score + bonus, c)
    ranked = sorted(best_by_key.values(), key=lambda sc: -sc[0])
    top_score, top = ranked[0]
    raw = min(100.0, top_score)
    if raw < min_score:
        return None
    # One key in several versions of a table is one answer; the same key in two tables
    # (总计 heads a column of table 3 and of table 4) is a tie.
    runner = next((s for s, c in ranked[1:] if (c.key, c.table) != (top.key, top.table)), 0.0)
    margin = top_score - runner
    if margin < min_margin:
        return None
    return Match(top, raw, margin)


@lru_cache(maxsize=1 << 13)
def match_row_label(text: str, group: str | None = None) -> Match | None:
    """The template row or group a tagged row label names, by its words and its place:
    printed with or without its list number, and preferring the rows of ``group`` (the
    group label printed before it: beside it, or as a heading above its table).

    >>> match_row_label("其他", "other_handling").candidate.key
    'other_handling.other'
    >>> match_row_label("本机关不掌握相关政").candidate.key  # cut short by a line break
    'unable.not_held'
    """
    return best_match(
        text, label_candidates(), as_row=True, prefer=(lambda c: c.group == group) if group is not None else None
    )


def section_table(heading: str) -> str | None:
    """The template table printed in the section a heading opens, if any.

    >>> section_table("四、政府信息公开行政复议、行政诉讼情况"), section_table("一、总体情况")
    ('reviews', None)
    """
    m = best_match(words(clean_label(heading)), section_candidates(), min_score=70.0, min_margin=3.0)
    if m is None:
        return None
    return m.candidate.key if m.candidate.key in T.TABLE_KEYS else None  # a table sits in its namesake section
