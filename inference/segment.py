"""Splitting glued table rows: ``6000017`` is 6, 0, 0, 0, 0, 1, 7.

Some scraped pages print a row's numbers with no separator between cells. The
template says how many cells the row has and the rules say how they relate (a row's
total is the sum of its other cells, a column's outcomes add up to its total, …), so
usually exactly one split fits. This module finds it, or says the run is ambiguous
(with the candidates); it never picks one of several silently. When no split satisfies
every rule (publishers print tables that do not add up), it keeps the splits that break
the fewest equations and names those equations.

Where the rules leave several readings, three more kinds of evidence may decide, in this
order: cells the report states in its narrative (``hints``: ``制定规范性文件5件``), what the
columns count (:data:`~gongkai.model.template.CELL_ORDERS`: documents in force include those
issued this year, a year's change to a list of items is no larger than the list), and plausibility (a count split off a run has at most
:data:`~gongkai.model.template.PLAUSIBLE_DIGIT_LEAD` digits more than the longest other cell
of its kind in its row).

Spaces in a run are hard boundaries (a space never falls inside a number). A run
may carry the next row's list number glued on (``00000002.其他法律…``: the ``2.``
opens the next label); the template's next label tells how many digits to drop.
A piece may carry a sign (``-8``, a signed field only) or a fraction (``.10``, an
amount only), which stay with the first and the last piece of their chunk.

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
from typing import Literal

from gongkai.model import template as T
from gongkai.model.template import TableTemplate, table_template

from .reconcile import Equation, equations

Key = tuple[str, str]
Value = int | float

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
_CHUNK = re.compile(r"([-+]?)(\d+)((?:\.\d+)?)")


#: How a table's glued runs split (see :class:`Segmentation`).
SplitStatus = Literal["unique", "ambiguous", "inconsistent", "none"]


class SegmentError(ValueError):
    """A run that is not digits and spaces, or names no row of the table."""


@dataclass(frozen=True)
class Segmentation:
    """``status``: ``unique`` (one reading), ``ambiguous`` (several remain), ``inconsistent``
    (no split satisfies every rule: the readings kept break the fewest equations, named in
    ``broken``) or ``none`` (a run has no split at all: too few digits for its cells)."""

    status: SplitStatus
    #: The split per row where every reading kept gives the row the same split.
    rows: dict[str, tuple[Value, ...]] = field(default_factory=dict)
    #: Per row, the splits of the readings kept (every solution's when the search
    #: finished; those each row's own rules allow when it gave up).
    candidates: dict[str, list[tuple[Value, ...]]] = field(default_factory=dict)
    #: The equations every reading kept breaks (``inconsistent`` only).
    broken: tuple[Equation, ...] = ()
    #: Per row, what decided its split: ``only`` (the run has one split at all), ``rules``
    #: (the table's equations), ``narrative`` (a cell the report states), ``order`` (what the
    #: columns count), ``plausibility``.
    evidence: dict[str, tuple[str, ...]] = field(default_factory=dict)
    #: ``inconsistent`` only: per row touching a broken equation, other splits of its run and
    #: how many equations the table would then break.
    alternatives: dict[str, list[tuple[tuple[Value, ...], int]]] = field(default_factory=dict)

    def cells(self, keys: Mapping[str, tuple[Key, ...]]) -> tuple[dict[Key, Value], dict[Key, tuple]]:
        """Per cell of the rows in ``keys`` (row → its keys in order): the value every reading
        kept agrees on, or the values they allow (sorted) where they differ.

        >>> seg = Segmentation("ambiguous", {}, {"r": [(20, 1, 55), (20, 15, 5)]})
        >>> seg.cells({"r": (("r", "a"), ("r", "b"), ("r", "c"))})
        ({('r', 'a'): 20}, {('r', 'b'): (1, 15), ('r', 'c'): (5, 55)})
        """
        fixed: dict[Key, Value] = {}
        open_: dict[Key, tuple] = {}
        for row, ks in keys.items():
            options = self.candidates.get(row) or ([self.rows[row]] if row in self.rows else [])
            for j, k in enumerate(ks):
                vals = sorted({o[j] for o in options})
                if len(vals) == 1:
                    fixed[k] = vals[0]
                elif vals:
                    open_[k] = tuple(vals)
        return fixed, open_


# --------------------------------------------------------------------------- splitting one run


def _chunks(run: str) -> list[tuple[str, str, str]]:
    """The run's chunks between spaces as (sign, digits, fraction)."""
    out = []
    for c in _SPACE.split(run):
        if not c:
            continue
        m = _CHUNK.fullmatch(c)
        if m is None or not c.isascii():
            raise SegmentError(f"run {run!r} has non-digits: {c!r}")
        out.append(m.groups())
    return out


def _value(sign: str, digits: str, fraction: str) -> Value:
    v: Value = float(digits + fraction) if fraction else int(digits)
    return -v if sign == "-" else v


def _cut(chunk: tuple[str, str, str], k: int) -> Iterator[tuple[Value, ...]]:
    """Every split of one chunk into k numbers without leading zeros; its sign goes with the
    first piece, its fraction with the last."""
    sign, digits, fraction = chunk
    for cuts in combinations(range(1, len(digits)), k - 1):
        bounds = (0, *cuts, len(digits))
        parts = [digits[a:b] for a, b in zip(bounds, bounds[1:])]
        if all(p == "0" or p[0] != "0" for p in parts):
            yield tuple(_value(sign if i == 0 else "", p, fraction if i == k - 1 else "") for i, p in enumerate(parts))


def _iter_splits(chunks: list[tuple[str, str, str]], n: int) -> Iterator[tuple[Value, ...]]:
    if not chunks:
        if n == 0:
            yield ()
        return
    head, rest = chunks[0], chunks[1:]
    room = sum(len(c[1]) for c in rest)
    # The head takes k numbers; the rest need between one per chunk and one per digit.
    for k in range(max(1, n - room), min(len(head[1]), n - len(rest)) + 1):
        for first in _cut(head, k):
            for tail in _iter_splits(rest, n - k):
                yield first + tail


def splits(run: str, n: int) -> list[tuple[Value, ...]]:
    """Every split of ``run`` into ``n`` numbers, no leading zeros except ``0``; spaces
    are boundaries.

    >>> splits("6000017", 7)
    [(6, 0, 0, 0, 0, 1, 7)]
    >>> splits("10 5", 3)
    [(1, 0, 5)]
    >>> splits("12", 3)
    []
    >>> splits("2832.5", 2)
    [(2, 832.5), (28, 32.5), (283, 2.5)]
    """
    if n < 1:
        raise SegmentError(f"cannot split {run!r} into {n} numbers")
    return list(_iter_splits(_chunks(run), n))


def _fits(split: tuple[Value, ...], fields: tuple[T.Field, ...]) -> bool:
    """Only an amount takes a fraction, only a signed field a sign."""
    return all((f.decimal or isinstance(v, int)) and (f.signed or v >= 0) for v, f in zip(split, fields))


def _digits(v: Value) -> int:
    return len(str(abs(int(v))))


def plausible(fields: tuple[T.Field, ...], split: tuple[Value, ...]) -> bool:
    """Whether no count of ``split`` has more than :data:`~gongkai.model.template.PLAUSIBLE_DIGIT_LEAD`
    digits over the longest other cell of its kind in the row (amounts and changes — 本年增/减,
    a difference, not a count — are not compared).

    >>> fs = table_template("active_disclosure", "2021").row("normative_documents").fields
    >>> plausible(fs, (2, 1, 59165)), plausible(fs, (215, 9, 165)), plausible(fs, (0, 0, 1234))
    (False, True, True)
    """
    by_kind: dict[str, list[int]] = {}
    for v, f in zip(split, fields):
        if f.kind != "amount" and not f.signed:
            by_kind.setdefault(f.kind, []).append(_digits(v))
    for lengths in by_kind.values():
        if len(lengths) > 1:
            top, second = sorted(lengths)[-1], sorted(lengths)[-2]
            if top - second > T.PLAUSIBLE_DIGIT_LEAD:
                return False
    return True


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
    m = re.match(r"[-+\d.\s?\u3000]*", run)
    digits, rest = m[0], run[m.end() :]
    if digits.endswith("."):  # a list number's dot, not a fraction's
        digits, rest = digits[:-1], "." + rest
    if rest[:1] in (".", "．", "、") and rest[:1]:
        number = _list_number(tpl, row) if row in tpl.row_keys else None
        kept = digits.rstrip()
        if number is None or not kept.endswith(number):
            raise SegmentError(
                f"run {run!r} of {row!r}: the number before {rest[:8]!r} is not the list "
                f"number of the next row ({number})"
            )
        digits = kept[: -len(number)]
    return digits


@dataclass
class _RunOptions:
    name: str
    keys: tuple[Key, ...]
    fields: tuple[T.Field, ...]
    #: (split, how many of its own equations it breaks), fewest first.
    options: list[tuple[tuple[Value, ...], int]]
    complete: bool  # whether every split was enumerated
    #: How many splits the run has at all (rules aside).
    total: int = 0


def _broken(eq: Equation, values: Mapping[Key, Value]) -> bool:
    left = sum(values[k] for k in eq.lhs)
    right = sum(values[k] for k in eq.rhs)
    return left != right if isinstance(left, int) and isinstance(right, int) else abs(left - right) > 1e-6


def _run_options(
    name: str,
    keys: tuple[Key, ...],
    fields: tuple[T.Field, ...],
    digits: str,
    local: list[Equation],
    known: Mapping[Key, Value],
    budget: list[int],
    max_cost: int,
) -> _RunOptions:
    """The splits of one run that break at most ``max_cost`` of its own equations (those
    within the run and the known cells); ``budget`` holds the splits the table may still
    enumerate (shared by its runs)."""
    options, complete, total = [], True, 0
    pinned = [(i, known[k]) for i, k in enumerate(keys) if k in known]
    at = {k: i for i, k in enumerate(keys)}
    # Each equation as (constant from known cells, [(position in the split, sign)]).
    compiled = []
    for eq in local:
        const, terms = 0, []
        for sign, side in ((1, eq.lhs), (-1, eq.rhs)):
            for k in side:
                if k in at:
                    terms.append((at[k], sign))
                else:
                    const += sign * known[k]
        compiled.append((const, terms))
    chunks = _chunks(digits)
    check_fit = any(sign or fraction for sign, _, fraction in chunks)
    for split in _iter_splits(chunks, len(keys)):
        if budget[0] <= 0:
            complete = False
            break
        budget[0] -= 1
        if pinned and any(split[i] != v for i, v in pinned) or check_fit and not _fits(split, fields):
            continue
        total += 1
        cost = sum(abs(const + sum(sign * split[i] for i, sign in terms)) > 1e-6 for const, terms in compiled)
        if cost <= max_cost:
            options.append((split, cost))
    options.sort(key=lambda o: o[1])
    return _RunOptions(name, keys, fields, options, complete, total)


# --------------------------------------------------------------------------- joint search


class _GiveUp(Exception):
    pass


class _JointSearch:
    """The readings (one option index per segment) that break the fewest equations — each
    segment's own (counted in its options) plus ``eqs`` across segments — if no more than
    ``max_cost``.

    Branch and bound, starting from what the cheapest option of every segment breaks: a
    partial reading is dropped once what it breaks, plus the least the remaining segments
    must break, plus the equations no completion within the bound can satisfy, exceeds the
    best so far. A completion within the bound may use only options that break few enough of
    their own equations, which keeps the value ranges of the unread cells tight; each
    equation keeps its sums up to date as segments are read, so a test is a comparison."""

    def __init__(self, segs: list[_RunOptions], eqs: list[Equation], known: Mapping[Key, Value], max_cost: int):
        self.segs, self.n_eq, self.max_cost = segs, len(eqs), max_cost
        self.top = max((c - s.options[0][1] for s in segs for _, c in s.options), default=0)
        self.levels = range(self.top + 1)
        self._compile(eqs, known)
        self._bound_unread()
        self.by_seg: dict[int, list[int]] = {
            i: [e for e in range(self.n_eq) if i in self.terms[e]] for i in range(len(segs))
        }
        self.order = sorted(range(len(segs)), key=lambda i: -len(segs[i].options))
        self.floor_after = [0] * (len(self.order) + 1)  # the least the segments from depth d on must break
        for d in range(len(self.order) - 1, -1, -1):
            self.floor_after[d] = self.floor_after[d + 1] + segs[self.order[d]].options[0][1]
        self.chosen: dict[int, int] = {}
        self.solutions: list[dict[int, int]] = []
        self.nodes = 0
        self.best = max_cost

    def _compile(self, eqs: list[Equation], known: Mapping[Key, Value]) -> None:
        """Each equation as sum(sign * value) == 0: its known part (``acc``), and per segment its
        terms (column, sign)."""
        self.acc = [0] * self.n_eq
        self.terms: list[dict[int, list[tuple[int, int]]]] = [{} for _ in eqs]
        col = {k: (i, j) for i, s in enumerate(self.segs) for j, k in enumerate(s.keys)}
        for e, eq in enumerate(eqs):
            for sign, side in ((1, eq.lhs), (-1, eq.rhs)):
                for k in side:
                    if k in col:
                        i, j = col[k]
                        self.terms[e].setdefault(i, []).append((j, sign))
                    else:
                        self.acc[e] += sign * known[k]

    def _bound_unread(self) -> None:
        """Per equation and bound t, the least and greatest the unread segments add to it (``lo``,
        ``hi``), from per segment and column the range of the options that break at most t own
        equations more than its cheapest; ``share`` is each segment's part, taken out when read."""
        span: list[list[tuple[list, list]]] = []
        for s in self.segs:
            cheapest = s.options[0][1]
            per_t = []
            for t in self.levels:
                opts = [o for o, c in s.options if c <= cheapest + t]
                per_t.append(
                    (
                        [min(o[j] for o in opts) for j in range(len(s.keys))],
                        [max(o[j] for o in opts) for j in range(len(s.keys))],
                    )
                )
            span.append(per_t)
        self.lo = [[0] * len(self.levels) for _ in range(self.n_eq)]
        self.hi = [[0] * len(self.levels) for _ in range(self.n_eq)]
        self.share: list[dict[int, tuple[list, list]]] = [{} for _ in range(self.n_eq)]
        for e in range(self.n_eq):
            for i, ts in self.terms[e].items():
                a = [
                    sum(sign * (span[i][t][0][j] if sign > 0 else span[i][t][1][j]) for j, sign in ts)
                    for t in self.levels
                ]
                b = [
                    sum(sign * (span[i][t][1][j] if sign > 0 else span[i][t][0][j]) for j, sign in ts)
                    for t in self.levels
                ]
                self.share[e][i] = (a, b)
                for t in self.levels:
                    self.lo[e][t] += a[t]
                    self.hi[e][t] += b[t]

    def read(self, i: int, option: tuple, sign: int) -> None:
        """Segment ``i`` read as ``option`` (``sign`` 1), or unread again (-1)."""
        for e in self.by_seg[i]:
            self.acc[e] += sign * sum(s * option[j] for j, s in self.terms[e][i])
            a, b = self.share[e][i]
            for t in self.levels:
                self.lo[e][t] -= sign * a[t]
                self.hi[e][t] -= sign * b[t]

    def hopeless(self, e: int, slack: int) -> bool:
        """Whether no completion within ``slack`` can satisfy equation ``e``."""
        t = min(max(slack, 0), self.top)
        return self.acc[e] + self.lo[e][t] > 1e-6 or self.acc[e] + self.hi[e][t] < -1e-6

    def dfs(self, depth: int, cost: int, dead: frozenset) -> None:
        if depth == len(self.order):
            total = cost + len(dead)
            if total < self.best:  # a better reading: the ones kept so far break more
                self.best = total
                self.solutions.clear()
            self.solutions.append(dict(self.chosen))
            if len(self.solutions) >= MAX_SOLUTIONS:
                raise _GiveUp
            return
        i = self.order[depth]
        floor = self.floor_after[depth + 1]
        for j, (option, own) in enumerate(self.segs[i].options):
            if cost + own + floor + len(dead) > self.best:
                break  # options are sorted by what they break: the rest break more
            self.nodes += 1
            if self.nodes > SEARCH_BUDGET:
                raise _GiveUp
            self.read(i, option, 1)
            self.chosen[i] = j
            slack = self.best - cost - own - len(dead) - floor
            now_dead = dead | {e for e in self.by_seg[i] if e not in dead and self.hopeless(e, slack)}
            if cost + own + floor + len(now_dead) <= self.best:
                self.dfs(depth + 1, cost + own, now_dead)
            self.read(i, option, -1)
            del self.chosen[i]

    def run(self) -> tuple[list[dict[int, int]], int, bool]:
        """The readings, how many equations they break, and whether the search was exhaustive."""
        if self.max_cost:
            # Start from what the cheapest option of every segment breaks: a bound to beat.
            for i in self.order:
                self.read(i, self.segs[i].options[0][0], 1)
            self.best = min(
                self.max_cost,
                sum(s.options[0][1] for s in self.segs) + sum(abs(self.acc[e]) > 1e-6 for e in range(self.n_eq)),
            )
            for i in self.order:
                self.read(i, self.segs[i].options[0][0], -1)
        try:
            self.dfs(0, 0, frozenset())
        except _GiveUp:
            return self.solutions, self.best, False
        return self.solutions, self.best, True


def _search(
    segs: list[_RunOptions], eqs: list[Equation], known: Mapping[Key, Value], max_cost: int
) -> tuple[list[dict[int, int]], int, bool]:
    """:class:`_JointSearch`'s readings, how many equations they break, whether it was exhaustive."""
    return _JointSearch(segs, eqs, known, max_cost).run()


def _by_row(keys: tuple[Key, ...], option: tuple[Value, ...]) -> dict[str, tuple[Value, ...]]:
    rows: dict[str, list[Value]] = {}
    for (row, _), v in zip(keys, option):
        rows.setdefault(row, []).append(v)
    return {r: tuple(v) for r, v in rows.items()}


def _narrow(readings: list[dict[Key, Value]], keep) -> list[dict[Key, Value]]:
    """The readings ``keep`` scores highest, when it scores any above zero."""
    scores = [keep(r) for r in readings]
    top = max(scores, default=0)
    return [r for r, s in zip(readings, scores) if s == top] if top > 0 else readings


def segment_table(
    table: str,
    template: str,
    runs: dict[str, str],
    known: dict[Key, Value] = {},  # noqa: B006 (read only)
    hints: dict[Key, set] = {},  # noqa: B006 (read only)
) -> Segmentation:
    """Split a table's glued rows jointly under the table's rules.

    ``runs`` maps a row key to its printed digit run; for a table printed flat (table
    4), the table's own name may key one run holding every row. ``known`` gives cells
    read elsewhere (they constrain the splits and complete the rules' equations);
    ``hints`` the values the report's narrative states for some cells.

    >>> seg = segment_table("applications", "2021", {"granted": "110000011"})
    >>> seg.status, seg.candidates["granted"]
    ('ambiguous', [(1, 10, 0, 0, 0, 0, 11), (11, 0, 0, 0, 0, 0, 11)])
    >>> seg = segment_table("reviews", "2021", {"review": "12345"})
    >>> seg.status, seg.rows, [eq.rule for eq in seg.broken]
    ('inconsistent', {'review': (1, 2, 3, 4, 5)}, ['reviews.total'])
    >>> segment_table("active_disclosure", "2021", {"normative_documents": "5416"},
    ...               hints={("normative_documents", "in_force"): {16}}).rows
    {'normative_documents': (5, 4, 16)}
    """
    tpl = table_template(table, template)
    cells = set(tpl.cells())
    bad = [k for k in known if k not in cells]
    if bad:
        raise SegmentError(f"{table}/{template} has no cell(s) {bad} (in known)")
    known = {k: v for k, v in known.items() if v is not None}
    specs = _run_specs(tpl, runs)
    covered = {k for _, ks, _ in specs for k in ks}
    if len(covered) != sum(len(ks) for _, ks, _ in specs):
        raise SegmentError(f"runs {list(runs)} cover a cell twice")
    # Equations over the runs' cells and known cells only; the others are for the checks.
    usable = [eq for eq in equations(tpl) if set(eq.keys) <= covered | set(known) and set(eq.keys) & covered]
    fields_of = {(r.key, f.key): f for r in tpl.rows for f in r.fields}
    budget = [SPLIT_BUDGET]  # shared by every run of the table
    orders = tuple((big, small) for t, v, big, small in T.CELL_ORDERS if (t, v) == (table, template))
    # Runs no equation ties are solved apart (table 2's rows): their readings multiply, not add.
    return _merge(
        [
            _solve([specs[i] for i in part], usable, known, fields_of, hints, budget, orders)
            for part in _tied(specs, usable)
        ]
    )


def _run_specs(tpl: TableTemplate, runs: dict[str, str]) -> list[tuple[str, tuple[Key, ...], str]]:
    """Per run: its name, the cells it holds (a row's, or a flat table's every cell) and its digits."""
    specs = []
    for name, run in runs.items():
        if name == tpl.table and tpl.flat:
            keys = tpl.cells()
        elif name in tpl.row_keys:
            keys = tuple((name, f) for f in tpl.row(name).field_keys)
        else:
            raise SegmentError(f"{tpl.table}/{tpl.version} has no row {name!r} (runs key); rows: {list(tpl.row_keys)}")
        specs.append((name, keys, _digits_of(tpl, name, run)))
    return specs


def _tied(specs: list[tuple[str, tuple[Key, ...], str]], usable: list[Equation]) -> list[list[int]]:
    """The runs (indices into ``specs``) grouped so that runs an equation ties are together."""
    group = list(range(len(specs)))

    def find(i: int) -> int:
        while group[i] != i:
            group[i] = group[group[i]]
            i = group[i]
        return i

    owner = {k: i for i, (_, ks, _) in enumerate(specs) for k in ks}
    for eq in usable:
        ids = sorted({owner[k] for k in eq.keys if k in owner})
        for a, b in zip(ids, ids[1:]):
            group[find(a)] = find(b)
    parts: dict[int, list[int]] = {}
    for i in range(len(specs)):
        parts.setdefault(find(i), []).append(i)
    return list(parts.values())


def _merge(results: list[Segmentation]) -> Segmentation:
    """The segmentations of independent groups of runs as one: the worst status of any."""
    merged = Segmentation("unique")
    statuses = set()
    for res in results:
        statuses.add(res.status)
        merged.rows.update(res.rows)
        merged.candidates.update(res.candidates)
        merged.evidence.update(res.evidence)
        merged.alternatives.update(res.alternatives)
    status = next(st for st in ("none", "inconsistent", "ambiguous", "unique") if st in statuses)
    broken = tuple(eq for res in results for eq in res.broken)
    return Segmentation(status, merged.rows, merged.candidates, broken, merged.evidence, merged.alternatives)


def _rows_in(seg: _RunOptions) -> list[str]:
    return list(dict.fromkeys(r for r, _ in seg.keys))


def _per_row(segs: list[_RunOptions], options_by_seg: list[list[tuple[Value, ...]]]) -> dict[str, list]:
    """Per row, the distinct splits of it the options give, sorted."""
    out: dict[str, list] = {}
    for s, options in zip(segs, options_by_seg):
        for row in _rows_in(s):
            out[row] = []
        for o in options:
            for row, part in _by_row(s.keys, o).items():
                if part not in out[row]:
                    out[row].append(part)
    return {r: sorted(v) for r, v in out.items()}


def _only(segs: list[_RunOptions]) -> dict[str, tuple[str, ...]]:
    """The rows whose run has one split at all."""
    return {row: ("only",) for s in segs if s.total == 1 for row in _rows_in(s)}


def _solve(
    specs: list[tuple[str, tuple[Key, ...], str]],
    usable: list[Equation],
    known: Mapping[Key, Value],
    fields_of: Mapping[Key, T.Field],
    hints: Mapping[Key, set],
    budget: list[int],
    orders: tuple[tuple[str, str], ...] = (),
) -> Segmentation:
    """:func:`segment_table` for runs that equations tie together; ``budget`` holds the splits
    the table may still enumerate, ``orders`` the (larger, smaller) fields of a row
    (:data:`~gongkai.model.template.CELL_ORDERS`)."""
    covered = {k for _, ks, _ in specs for k in ks}
    usable = [eq for eq in usable if set(eq.keys) & covered]

    def build(max_cost: int) -> list[_RunOptions]:
        segs = []
        for name, keys, digits in specs:
            ks = set(keys)
            local = [eq for eq in usable if set(eq.keys) & ks and set(eq.keys) <= ks | set(known)]
            segs.append(
                _run_options(name, keys, tuple(fields_of[k] for k in keys), digits, local, known, budget, max_cost)
            )
        return segs

    segs = build(0)
    joint = [
        eq
        for eq in usable
        if not any(set(eq.keys) & set(s.keys) and set(eq.keys) <= set(s.keys) | set(known) for s in segs)
    ]
    solutions, cost, exhaustive = _search(segs, joint, known, 0) if all(s.options for s in segs) else ([], 0, True)
    exhaustive = exhaustive and all(s.complete for s in segs)
    if exhaustive and not solutions:
        # No reading satisfies every rule: keep those that break the fewest equations.
        segs = build(len(usable))
        if any(not s.options for s in segs):  # a run with no split at all
            status = "none" if all(s.complete for s in segs) else "ambiguous"
            return Segmentation(
                status, {}, _per_row(segs, [[o for o, _ in s.options] for s in segs]), evidence=_only(segs)
            )
        solutions, cost, exhaustive = _search(segs, joint, known, len(usable))
        exhaustive = exhaustive and all(s.complete for s in segs)
    if not exhaustive or not solutions:
        found = _per_row(segs, [[o for o, c in s.options if c == 0] or [o for o, _ in s.options] for s in segs])
        return Segmentation(
            "ambiguous", {r: v[0] for r, v in found.items() if len(v) == 1}, found, evidence=_only(segs)
        )
    readings = [{k: v for i, s in enumerate(segs) for k, v in zip(s.keys, s.options[sol[i]][0])} for sol in solutions]
    readings, evidence = _decide(segs, readings, fields_of, hints, orders)
    found = _per_row(segs, [[tuple(r[k] for k in s.keys) for r in readings] for s in segs])
    rows = {r: v[0] for r, v in found.items() if len(v) == 1}
    broken, alternatives = _alternatives(segs, usable, known, readings) if cost else ((), {})
    status = "inconsistent" if cost else "unique" if len(readings) == 1 else "ambiguous"
    return Segmentation(status, rows, found, broken, evidence, alternatives)


def _decide(
    segs: list[_RunOptions],
    readings: list[dict[Key, Value]],
    fields_of: Mapping[Key, T.Field],
    hints: Mapping[Key, set],
    orders: tuple[tuple[str, str], ...],
) -> tuple[list[dict[Key, Value]], dict[str, tuple[str, ...]]]:
    """The readings the rules left, narrowed in turn by the narrative's figures, what the columns
    count and plausibility; per row, what decided its split (``only`` or ``rules``, then each
    kind of evidence that narrowed it)."""
    rows_of = {row: tuple(k for k in s.keys if k[0] == row) for s in segs for row in _rows_in(s)}

    def distinct(rs: list[dict[Key, Value]]) -> dict[str, int]:
        return {row: len({tuple(r[k] for k in ks) for r in rs}) for row, ks in rows_of.items()}

    evidence: dict[str, list[str]] = {row: ["only"] if s.total == 1 else ["rules"] for s in segs for row in _rows_in(s)}
    steps = []
    if hints:
        steps.append(("narrative", lambda r: sum(r[k] in vs for k, vs in hints.items() if k in r)))
    if orders:
        steps.append(
            (
                "order",
                lambda r: all(
                    r[(row, big)] >= abs(r[(row, small)])
                    for row in rows_of
                    for big, small in orders
                    if (row, big) in r and (row, small) in r
                ),
            )
        )
    steps.append(
        (
            "plausibility",
            lambda r: all(
                plausible(tuple(fields_of[k] for k in ks), tuple(r[k] for k in ks)) for ks in rows_of.values()
            ),
        )
    )
    for why, keep in steps:
        if len(readings) > 1:
            before = distinct(readings)
            readings = _narrow(readings, keep)
            after = distinct(readings)
            for row, n in after.items():
                if n < before[row]:
                    evidence[row].append(why)
    return readings, {r: tuple(e) for r, e in evidence.items()}


def _alternatives(
    segs: list[_RunOptions], usable: list[Equation], known: Mapping[Key, Value], readings: list[dict[Key, Value]]
) -> tuple[tuple[Equation, ...], dict[str, list]]:
    """Where no reading satisfies every rule: the equations every reading kept breaks, and per
    one-row run touching them up to three other splits with how many equations each would break."""
    broken = tuple(eq for eq in usable if all(_broken(eq, {**known, **r}) for r in readings))
    kept = readings[0]
    touched = {k for eq in broken for k in eq.keys}
    alternatives: dict[str, list] = {}
    for s in segs:
        if len({r for r, _ in s.keys}) > 1 or not touched & set(s.keys):
            continue
        alts = []
        for option, _ in s.options:
            values = {**known, **kept, **dict(zip(s.keys, option))}
            if option != tuple(kept[k] for k in s.keys):
                alts.append((option, sum(_broken(eq, values) for eq in usable)))
        alternatives[s.name] = sorted(alts, key=lambda a: a[1])[:3]
    return broken, alternatives
