"""Match printed labels (row labels, column headers, section titles) to the format knowledge.

Matching is on a cleaned form (spaces, padding and explanatory notes in parentheses removed,
quotes unified) with rapidfuzz, and a match must beat the best *other* key by a margin: a
damaged label that could be two rows matches neither, rather than the wrong one.

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
from functools import lru_cache

from rapidfuzz import fuzz, process

from gongkai.model import template as T

# A parenthesised list marker such as (一) or (12) is part of a label; any other
# parenthesised text is an explanatory note and is dropped before matching.
_NOTE = re.compile(r"\((?![一二三四五六七八九十\d]{1,2}\))[^()]*\)")
_DROP = re.compile(r"[\s?|\u3000\xa0]+")
_QUOTES = str.maketrans({"“": '"', "”": '"', "‘": "'", "’": "'", "．": ".", "，": ",", "：": ":"})


def clean_label(text: str) -> str:
    text = text.translate(_QUOTES)
    text = _DROP.sub("", text)
    previous = None
    while previous != text:  # nested notes come off from the inside out
        previous, text = text, _NOTE.sub("", text)
    return text.rstrip("、,.:;。")


@dataclass(frozen=True)
class Candidate:
    key: str
    kind: str  # "row" | "group" | "field" | "section" | "header"
    table: str | None
    versions: frozenset[str]
    label: str  # cleaned
    group: str | None = None


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


@lru_cache(maxsize=None)
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


@lru_cache(maxsize=None)
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


@lru_cache(maxsize=None)
def section_candidates() -> tuple[Candidate, ...]:
    return tuple(
        Candidate(s.key, "section", None, frozenset(T.VERSIONS), clean_label(title))
        for s in T.SECTIONS for title in s.titles
    )


def best_match(text: str, candidates: tuple[Candidate, ...] | list[Candidate], *,
               min_score: float = 80.0, min_margin: float = 4.0,
               prefer=None) -> Match | None:
    """The candidate whose label is closest to ``text``, if it is close and unambiguous.

    ``prefer`` (a predicate) breaks near-ties in favour of candidates it accepts, e.g. rows
    of the group the previous label opened.

    >>> best_match("1.属于国家秘密", label_candidates()).candidate.key
    'denied.state_secret'
    >>> best_match("规范性文件", label_candidates()).candidate.key
    'normative_documents'
    >>> best_match("完全无关的文字", label_candidates()) is None
    True
    """
    cleaned = clean_label(text)
    if not cleaned or not candidates:
        return None
    labels = [c.label for c in candidates]
    scored = process.extract(cleaned, labels, scorer=fuzz.ratio, limit=None)
    best_by_key: dict[tuple[str, str | None], tuple[float, Candidate]] = {}
    for _, score, i in scored:
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
