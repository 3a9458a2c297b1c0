"""Splitting glued table rows: ``6000017`` is 6, 0, 0, 0, 0, 1, 7.

Some scraped pages print a row's numbers with no separator between cells. The
template says how many cells the row has and the rules say how they relate (a row's
total is the sum of its other cells, a column's outcomes add up to its total, …), so
usually exactly one split fits. This module finds it, or says the run is ambiguous
(with the candidates) or unsatisfiable; it never picks one of several silently.

Spaces in a run are hard boundaries (a space never falls inside a number). A run
may carry the next row's list number glued on (``00000002.其他法律…``: the ``2.``
opens the next label); the template's next label tells how many digits to drop.

>>> sorted(splits("200 000121", 7))[:2]
[(2, 0, 0, 0, 0, 0, 121), (20, 0, 0, 0, 0, 1, 21)]
>>> segment_table("applications", "2021", {"granted": "6000017"}).rows
{'granted': (6, 0, 0, 0, 0, 1, 7)}
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from itertools import combinations

from gongkai.model.template import TableTemplate, table_template

from .reconcile import Equation, equations

Key = tuple[str, str]

#: Splits enumerated over a whole table before giving up (a row of 7 cells from 15
#: digits has 3003; a realistic table, mostly single zeros, a few hundred in all).
SPLIT_BUDGET = 150_000
#: Nodes of the joint search over rows before giving up.
SEARCH_BUDGET = 100_000
#: Solutions collected before calling a table ambiguous.
MAX_SOLUTIONS = 64

# '?' stands for a space (an NBSP the scraper could not encode).
_SPACE = re.compile(r"[\s?\u3000]+")
_LEAD_NUMBER = re.compile(r"^(\d+)[.．、]")


class SegmentError(ValueError):
    """A run that is not digits and spaces, or names no row of the table."""


@dataclass(frozen=True)
class Segmentation:
    status: str  # "unique" | "ambiguous" | "none"
    #: The chosen split per row when unique.
    rows: dict[str, tuple[int, ...]] = field(default_factory=dict)
    #: Per row, the splits consistent with the rules (every solution's when the search
    #: finished; those each row's own rules allow when it gave up).
    candidates: dict[str, list[tuple[int, ...]]] = field(default_factory=dict)


def _chunks(run: str) -> list[str]:
    chunks = [c for c in _SPACE.split(run) if c]
    bad = [c for c in chunks if not c.isascii() or not c.isdigit()]
    if bad:
        raise SegmentError(f"run {run!r} has non-digits: {bad}")
    return chunks


def _cut(chunk: str, k: int) -> Iterator[tuple[int, ...]]:
    """Every split of one chunk into k numbers without leading zeros."""
    for cuts in combinations(range(1, len(chunk)), k - 1):
        bounds = (0, *cuts, len(chunk))
        parts = [chunk[a:b] for a, b in zip(bounds, bounds[1:])]
        if all(p == "0" or p[0] != "0" for p in parts):
            yield tuple(int(p) for p in parts)


def _iter_splits(chunks: list[str], n: int) -> Iterator[tuple[int, ...]]:
    if not chunks:
        if n == 0:
            yield ()
        return
    head, rest = chunks[0], chunks[1:]
    room = sum(map(len, rest))
    # The head takes k numbers; the rest need between one per chunk and one per digit.
    for k in range(max(1, n - room), min(len(head), n - len(rest)) + 1):
        for first in _cut(head, k):
            for tail in _iter_splits(rest, n - k):
                yield first + tail


def splits(run: str, n: int) -> list[tuple[int, ...]]:
    """Every split of ``run`` into ``n`` non-negative ints, no leading zeros except ``0``;
    spaces are boundaries.

    >>> splits("6000017", 7)
    [(6, 0, 0, 0, 0, 1, 7)]
    >>> splits("10 5", 3)
    [(1, 0, 5)]
    >>> splits("12", 3)
    []
    """
    if n < 1:
        raise SegmentError(f"cannot split {run!r} into {n} numbers")
    return list(_iter_splits(_chunks(run), n))


# --------------------------------------------------------------------------- runs → segments


def _list_number(tpl: TableTemplate, row: str) -> str | None:
    """The list number that opens the label of the row after ``row`` (``2`` of ``2.重复申请``)."""
    keys = tpl.row_keys
    i = keys.index(row)
    if i + 1 == len(keys):
        return None
    for label in tpl.row(keys[i + 1]).labels:
        m = _LEAD_NUMBER.match(label)
        if m:
            return m[1]
    return None


def _digits_of(tpl: TableTemplate, row: str, run: str) -> str:
    """The row's own digits: drop glued label text and the next row's list number."""
    m = re.match(r"[\d\s?\u3000]*", run)
    digits, rest = m[0], run[m.end():]
    if rest[:1] in (".", "．", "、") and rest[:1]:
        number = _list_number(tpl, row) if row in tpl.row_keys else None
        kept = digits.rstrip()
        if number is None or not kept.endswith(number):
            raise SegmentError(f"run {run!r} of {row!r}: the number before {rest[:8]!r} is not the list "
                               f"number of the next row ({number})")
        digits = kept[: -len(number)]
    return digits


@dataclass
class _Segment:
    name: str
    keys: tuple[Key, ...]
    options: list[tuple[int, ...]]
    complete: bool  # whether every split was enumerated


def _holds(eq: Equation, values: Mapping[Key, int]) -> bool:
    return sum(values[k] for k in eq.lhs) == sum(values[k] for k in eq.rhs)


def _segment(name: str, keys: tuple[Key, ...], digits: str, local: list[Equation],
             known: Mapping[Key, int], budget: list[int]) -> _Segment:
    """The splits of one run that its own equations and the known cells allow;
    ``budget`` holds the splits the table may still enumerate (shared by its runs)."""
    options, complete = [], True
    pinned = [(i, known[k]) for i, k in enumerate(keys) if k in known]
    for split in _iter_splits(_chunks(digits), len(keys)):
        if budget[0] <= 0:
            complete = False
            break
        budget[0] -= 1
        if any(split[i] != v for i, v in pinned):
            continue
        values = dict(zip(keys, split))
        if all(_holds(eq, values) for eq in local):
            options.append(split)
    return _Segment(name, keys, options, complete)


# --------------------------------------------------------------------------- joint search


class _GiveUp(Exception):
    pass


def _search(segs: list[_Segment], eqs: list[Equation], known: Mapping[Key, int]) -> tuple[list, bool]:
    """Solutions (one option index per segment) and whether the search was exhaustive."""
    owner = {k: i for i, s in enumerate(segs) for k in s.keys}
    lo: dict[Key, int] = {}
    hi: dict[Key, int] = {}
    for s in segs:
        for j, k in enumerate(s.keys):
            lo[k] = min(o[j] for o in s.options)
            hi[k] = max(o[j] for o in s.options)
    by_seg: dict[int, list[Equation]] = {i: [] for i in range(len(segs))}
    for eq in eqs:
        for i in {owner[k] for k in eq.keys if k in owner}:
            by_seg[i].append(eq)
    order = sorted(range(len(segs)), key=lambda i: len(segs[i].options))
    values: dict[Key, int] = dict(known)
    chosen: dict[int, int] = {}
    solutions: list[dict[int, int]] = []
    nodes = 0

    def side(terms: tuple[Key, ...]) -> tuple[int, int]:
        a = b = 0
        for k in terms:
            if k in values:
                a += values[k]
                b += values[k]
            else:
                a += lo[k]
                b += hi[k]
        return a, b

    def feasible(eq: Equation) -> bool:
        l_lo, l_hi = side(eq.lhs)
        r_lo, r_hi = side(eq.rhs)
        return l_lo <= r_hi and r_lo <= l_hi

    def dfs(depth: int) -> None:
        nonlocal nodes
        if depth == len(order):
            solutions.append(dict(chosen))
            if len(solutions) >= MAX_SOLUTIONS:
                raise _GiveUp
            return
        i = order[depth]
        seg = segs[i]
        for j, option in enumerate(seg.options):
            nodes += 1
            if nodes > SEARCH_BUDGET:
                raise _GiveUp
            values.update(zip(seg.keys, option))
            chosen[i] = j
            if all(feasible(eq) for eq in by_seg[i]):
                dfs(depth + 1)
            for k in seg.keys:
                del values[k]
            del chosen[i]

    try:
        dfs(0)
    except _GiveUp:
        return solutions, False
    return solutions, True


def _by_row(keys: tuple[Key, ...], option: tuple[int, ...]) -> dict[str, tuple[int, ...]]:
    rows: dict[str, list[int]] = {}
    for (row, _), v in zip(keys, option):
        rows.setdefault(row, []).append(v)
    return {r: tuple(v) for r, v in rows.items()}


def segment_table(table: str, template: str, runs: dict[str, str],
                  known: dict[tuple[str, str], int] = {}) -> Segmentation:  # noqa: B006 (read only)
    """Split a table's glued rows jointly under the table's rules.

    ``runs`` maps a row key to its printed digit run; for a table printed flat (table
    4), the table's own name may key one run holding every row. ``known`` gives cells
    read elsewhere (they constrain the splits and complete the rules' equations).

    >>> seg = segment_table("applications", "2021", {"granted": "110000011"})
    >>> seg.status, seg.candidates["granted"]
    ('ambiguous', [(1, 10, 0, 0, 0, 0, 11), (11, 0, 0, 0, 0, 0, 11)])
    >>> segment_table("reviews", "2021", {"review": "12345"}).status
    'none'
    """
    tpl = table_template(table, template)
    cells = set(tpl.cells())
    bad = [k for k in known if k not in cells]
    if bad:
        raise SegmentError(f"{table}/{template} has no cell(s) {bad} (in known)")
    eqs = equations(tpl)
    segs: list[_Segment] = []
    budget = [SPLIT_BUDGET]
    for name, run in runs.items():
        if name == table and tpl.flat:
            keys = tpl.cells()
        elif name in tpl.row_keys:
            keys = tuple((name, f) for f in tpl.row(name).field_keys)
        else:
            raise SegmentError(f"{table}/{template} has no row {name!r} (runs key); rows: {list(tpl.row_keys)}")
        ks = set(keys)
        local = [eq for eq in eqs if set(eq.keys) <= ks]
        segs.append(_segment(name, keys, _digits_of(tpl, name, run), local, known, budget))
    covered = {k for s in segs for k in s.keys}
    if len(covered) != sum(len(s.keys) for s in segs):
        raise SegmentError(f"runs {list(runs)} cover a cell twice")

    def per_row(options_by_seg: list[list[tuple[int, ...]]]) -> dict[str, list[tuple[int, ...]]]:
        out: dict[str, list[tuple[int, ...]]] = {}
        for s, options in zip(segs, options_by_seg):
            for row in dict.fromkeys(r for r, _ in s.keys):
                out[row] = []
            for o in options:
                for row, part in _by_row(s.keys, o).items():
                    if part not in out[row]:
                        out[row].append(part)
        return {r: sorted(v) for r, v in out.items()}

    if any(not s.options and s.complete for s in segs):  # a row no split fits
        return Segmentation("none", {}, per_row([s.options for s in segs]))
    joint = [eq for eq in eqs if set(eq.keys) <= covered | set(known)
             and not any(set(eq.keys) <= set(s.keys) for s in segs)]
    solutions, exhaustive = _search(segs, joint, known) if all(s.options for s in segs) else ([], False)
    exhaustive = exhaustive and all(s.complete for s in segs)
    if not exhaustive:
        return Segmentation("ambiguous", {}, per_row([s.options for s in segs]))
    found = per_row([[s.options[sol[i]] for sol in solutions] for i, s in enumerate(segs)])
    if not solutions:
        return Segmentation("none", {}, found)
    if len(solutions) == 1:
        rows: dict[str, tuple[int, ...]] = {}
        for i, s in enumerate(segs):
            rows.update(_by_row(s.keys, s.options[solutions[0][i]]))
        return Segmentation("unique", rows, found)
    return Segmentation("ambiguous", {}, found)
