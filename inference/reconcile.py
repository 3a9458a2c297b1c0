"""Reconciliation: evaluate the template's rules on the extracted tables.

Every rule of :data:`gongkai.model.template.RULES` expands into equations, one per
column (``axis == "column"``) or per row (``axis == "row"``); each gets a
:class:`Check` with status ``pass``, ``fail``, ``repaired`` or ``skipped``, or, where a
glued digit run was split (see :mod:`.segment`), ``segmented`` (the equation holds and
some of its cells are pieces of a split nobody printed) or ``ambiguous`` (a cell of it
is one of several readings, left null). A glued run no equation covers (table 2) gets a
check of its own, ``{table}.split``, saying how it was split.

Repairs are made only when proven. The unknowns are the blank cells and the damaged
readings (``00``, OCR letters). Unknowns that share an equation are solved together:
for every combination of damaged readings, blanks that are the only unknown of an
equation are derived from it, and the combination counts only if every other
equation touching an unknown then holds. A cell is repaired when all consistent
combinations give it the same value and an equation pins it (a blank derived, or a
damaged reading confirmed by an equation that did not derive anything). Printed
values that are not damaged are never changed: a publication error stays ``fail``.

>>> from gongkai.inference.cells import TableData
>>> t = TableData.from_texts("reviews", "2021", {("review", f): s for f, s in
...     zip(("upheld", "corrected", "other", "pending", "total"), ("1", "0", "0", "0", "00"))})
>>> [c.to_dict() for c in reconcile({"reviews": t}) if c.rule == "reviews.total"][0]
... # doctest: +NORMALIZE_WHITESPACE
{'rule': 'reviews.total', 'row': 'review', 'status': 'fail',
 'detail': "0 ≠ 1 + 0 + 0 + 0 (0 ≠ 1); review.total printed '00' is damaged and no reading fits"}
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable
from dataclasses import dataclass

from gongkai.model.template import (
    APPLICATION_FIGURE_CELLS,
    APPLICATION_FIGURE_METRICS,
    APPLICATION_FIGURE_NOT,
    APPLICATION_FIGURE_TABLE,
    APPLICATION_FIGURE_UNITS,
    NARRATIVE_RULES,
    RULES,
    SPLIT_CHECK,
    CheckStatus,
    TableTemplate,
    is_rate,
    table_template,
)

from .cells import Cell, TableData
from .numbers import is_blank

Key = tuple[str, str]  # (row key, field key)

#: Give up proving damaged readings when their combinations exceed this (the cells
#: then keep their printed reading); real tables have one or two damaged cells.
MAX_COMBINATIONS = 4096

NARRATIVE_RULE = next(iter(NARRATIVE_RULES))


@dataclass(frozen=True)
class Check:
    rule: str
    status: CheckStatus
    detail: str
    column: str | None = None  # per-column rules
    row: str | None = None  # per-row rules

    def to_dict(self) -> dict:
        """SCHEMA.md form: ``{"rule", "column"/"row" when set, "status", "detail"}``."""
        out: dict = {"rule": self.rule}
        if self.column is not None:
            out["column"] = self.column
        if self.row is not None:
            out["row"] = self.row
        out["status"] = self.status
        out["detail"] = self.detail
        return out


@dataclass(frozen=True)
class Equation:
    """One instance of a rule: ``sum(lhs) == sum(rhs)`` over cells."""

    rule: str
    lhs: tuple[Key, ...]
    rhs: tuple[Key, ...]
    column: str | None = None
    row: str | None = None

    @property
    def keys(self) -> tuple[Key, ...]:
        return (*self.lhs, *self.rhs)


def equations(template: TableTemplate) -> list[Equation]:
    """Every equation the rules impose on a table template.

    >>> eqs = equations(table_template("applications", "2021"))
    >>> len(eqs), eqs[0].rule, eqs[0].column, eqs[0].lhs
    (39, 'applications.balance', 'natural_person', (('new_received', 'natural_person'), ('carried_over', 'natural_person')))
    """
    out: list[Equation] = []
    for rule in RULES:
        if rule.table != template.table:
            continue
        lhs, rhs = rule.terms(template)
        if rule.axis == "column":
            rows = [template.row(k) for k in (*lhs, *rhs)]
            for f in template.fields:
                if all(f.key in r.field_keys for r in rows):
                    out.append(
                        Equation(
                            rule.name, tuple((k, f.key) for k in lhs), tuple((k, f.key) for k in rhs), column=f.key
                        )
                    )
        elif rule.axis == "row":
            for r in template.rows:
                if set((*lhs, *rhs)) <= set(r.field_keys):
                    out.append(
                        Equation(rule.name, tuple((r.key, k) for k in lhs), tuple((r.key, k) for k in rhs), row=r.key)
                    )
        else:
            raise ValueError(f"rule {rule.name!r} has unknown axis {rule.axis!r}")
    return out


def _name(key: Key) -> str:
    return f"{key[0]}.{key[1]}"


def _fmt(v: int | float | None) -> str:
    return "_" if v is None else repr(v)


def _equal(a: float, b: float) -> bool:
    return a == b if isinstance(a, int) and isinstance(b, int) else math.isclose(a, b, abs_tol=1e-6)


def _readings(cell: Cell) -> tuple:
    return tuple(dict.fromkeys(v for v in (cell.value, *cell.candidates) if v is not None))


# --------------------------------------------------------------------------- repairs


def _solve(eq: Equation, values: dict[Key, float], unknown: Key) -> int | float | None:
    """The value of the one unknown cell of ``eq``; None if it cannot be a count."""
    lhs = sum(values[k] for k in eq.lhs if k != unknown)
    rhs = sum(values[k] for k in eq.rhs if k != unknown)
    v = rhs - lhs if unknown in eq.lhs else lhs - rhs
    # Rules relate counts: a blank count is a whole number, never negative.
    if v < 0 or (isinstance(v, float) and not v.is_integer()):
        return None
    return int(v)


def _try(
    eqs: list[Equation], fixed: dict[Key, float], blanks: set[Key], choice: dict[Key, float]
) -> tuple[dict[Key, float], dict[Key, Equation], set[Key]] | None:
    """Derive blanks under one choice of damaged readings; None if inconsistent.

    Returns the derived blanks (with the equation each came from) and the damaged
    cells that an independent equation confirmed."""
    values = {**fixed, **choice}
    derived: dict[Key, float] = {}
    source: dict[Key, Equation] = {}
    used: set[Equation] = set()
    progress = True
    while progress:
        progress = False
        for eq in eqs:
            if eq in used:
                continue
            open_ = [k for k in eq.keys if k not in values]
            if len(open_) == 1 and open_[0] in blanks:
                v = _solve(eq, values, open_[0])
                if v is None:
                    return None
                values[open_[0]] = derived[open_[0]] = v
                source[open_[0]] = eq
                used.add(eq)
                progress = True
    confirmed: set[Key] = set()
    for eq in eqs:
        if eq in used or any(k not in values for k in eq.keys):
            continue
        if not _equal(sum(values[k] for k in eq.lhs), sum(values[k] for k in eq.rhs)):
            return None
        confirmed.update(k for k in eq.keys if k in choice)
    return derived, source, confirmed


def _components(eqs: list[Equation], unknowns: set[Key]) -> list[tuple[set[Key], list[Equation]]]:
    """Group unknowns that share an equation (they must be solved together)."""
    parent = {k: k for k in unknowns}

    def find(k: Key) -> Key:
        while parent[k] != k:
            parent[k] = parent[parent[k]]
            k = parent[k]
        return k

    for eq in eqs:
        ks = [k for k in eq.keys if k in unknowns]
        for a, b in zip(ks, ks[1:]):
            parent[find(a)] = find(b)
    groups: dict[Key, set[Key]] = {}
    for k in unknowns:
        groups.setdefault(find(k), set()).add(k)
    return [(g, [eq for eq in eqs if any(k in g for k in eq.keys)]) for g in groups.values()]


def _repair(data: TableData, eqs: list[Equation]) -> None:
    """Repair the cells the rules prove (their ``repaired_from`` keeps the printed text)."""
    cells = data.cells
    # A null cell of a glued run (open between readings, or a run with no split) is not blank:
    # the print holds its value, which no equation may make up — nor can an equation over it
    # prove anything else.
    unread = {k for k, c in cells.items() if c.value is None and c.segmented_from is not None}
    usable = [eq for eq in eqs if all(k in cells and k not in unread for k in eq.keys)]
    in_use = {k for eq in usable for k in eq.keys}
    blanks = {k for k in in_use if cells[k].value is None}
    damaged = {k for k in in_use if cells[k].damaged and cells[k].value is not None and _readings(cells[k])}
    fixed = {k: cells[k].value for k in in_use if k not in blanks and k not in damaged}
    for group, group_eqs in _components(usable, blanks | damaged):
        dmg = sorted(k for k in group if k in damaged)
        options = [_readings(cells[k]) for k in dmg]
        if math.prod(len(o) for o in options) > MAX_COMBINATIONS:
            continue
        outcomes = []
        for combo in itertools.product(*options):
            choice = dict(zip(dmg, combo))
            result = _try(group_eqs, {**fixed, **{k: cells[k].value for k in damaged - group}}, group & blanks, choice)
            if result is not None:
                outcomes.append((choice, *result))
        if not outcomes:
            continue
        proven: dict[Key, int | float] = {}
        for k in group:
            if k in blanks:  # derived, to the same value, under every consistent reading
                vals = {o[1].get(k) for o in outcomes}
                if len(vals) == 1 and None not in vals:
                    proven[k] = vals.pop()
            else:  # one reading fits, and an equation that derived nothing confirms it
                vals = {o[0][k] for o in outcomes}
                if len(vals) == 1 and all(k in o[3] for o in outcomes):
                    proven[k] = vals.pop()
        for k, v in proven.items():
            c = cells[k]
            c.repaired_from, c.value, c.damaged, c.candidates = c.text, v, False, ()


def _repair_note(key: Key, cell: Cell) -> str:
    was = "blank" if is_blank(cell.repaired_from) else repr(cell.repaired_from)
    return f"{_name(key)} {was} → {_fmt(cell.value)}"


# --------------------------------------------------------------------------- checks


def _evaluate(data: TableData, eq: Equation) -> Check:
    where = {"column": eq.column, "row": eq.row}
    missing = [_name(k) for k in eq.keys if k not in data.cells]
    if missing:
        return Check(eq.rule, CheckStatus.SKIPPED, "missing: " + ", ".join(missing), **where)
    cells = [data.cells[k] for k in eq.keys]
    open_ = [
        f"{_name(k)} is one of {', '.join(map(_fmt, c.split_candidates))}"
        for k, c in zip(eq.keys, cells)
        if c.split_candidates
    ]
    if open_:
        return Check(eq.rule, CheckStatus.AMBIGUOUS, "glued run with several readings: " + "; ".join(open_), **where)
    unread = [_name(k) for k, c in zip(eq.keys, cells) if c.value is None and c.segmented_from is not None]
    if unread:
        return Check(eq.rule, CheckStatus.SKIPPED, "a glued run with no split: " + ", ".join(unread), **where)
    blank = [_name(k) for k, c in zip(eq.keys, cells) if c.value is None]
    if blank:
        return Check(eq.rule, CheckStatus.SKIPPED, "blank: " + ", ".join(blank), **where)
    lv = [data.cells[k].value for k in eq.lhs]
    rv = [data.cells[k].value for k in eq.rhs]
    left, right = " + ".join(map(_fmt, lv)), " + ".join(map(_fmt, rv))
    runs = list(dict.fromkeys(c.segmented_from for c in cells if c.segmented_from is not None))
    split = f"split from the glued run(s) {', '.join(map(repr, runs))}" if runs else ""
    if _equal(sum(lv), sum(rv)):
        repaired = [k for k in eq.keys if data.cells[k].repaired_from is not None]
        if repaired:
            why = [_repair_note(k, data.cells[k]) for k in repaired]
            return Check(
                eq.rule,
                CheckStatus.REPAIRED,
                f"{left} = {right}; " + "; ".join([*why, *([split] if split else [])]),
                **where,
            )
        if split:
            return Check(eq.rule, CheckStatus.SEGMENTED, f"{left} = {right}; {split}", **where)
        return Check(eq.rule, CheckStatus.PASS, f"{left} = {right}", **where)
    detail = f"{left} ≠ {right} ({_fmt(sum(lv))} ≠ {_fmt(sum(rv))})"
    suspects = [
        f"{_name(k)} printed {data.cells[k].text!r} is damaged and no reading fits"
        for k in eq.keys
        if data.cells[k].damaged
    ]
    if split:
        suspects.append(f"{split}, no split satisfies every rule")
    return Check(eq.rule, CheckStatus.FAIL, "; ".join([detail, *suspects]), **where)


def _split_checks(data: TableData, eqs: list[Equation]) -> list[Check]:
    """A check for each glued run of the table that no equation covers (table 2): how it was
    split, or that it stays ambiguous."""
    covered = {k for eq in eqs for k in eq.keys}
    out = []
    for note in data.splits:
        if not any(k in covered for k in note.keys):
            row = note.name if note.name != data.table else None
            out.append(Check(f"{data.table}.{SPLIT_CHECK}", note.status, note.detail, row=row))
    return out


def check_table(data: TableData) -> list[Check]:
    """Repair what the rules prove in one table, then check each equation."""
    eqs = equations(table_template(data.table, data.template))
    _repair(data, eqs)
    return [_evaluate(data, eq) for eq in eqs] + _split_checks(data, eqs)


# --------------------------------------------------------------------------- narrative


def _figure(f) -> tuple[str, object, str | None]:
    if isinstance(f, dict):
        return f.get("metric", ""), f.get("value"), f.get("unit")
    if isinstance(f, (tuple, list)) and len(f) in (2, 3):
        return f[0], f[1], (f[2] if len(f) == 3 else None)
    if hasattr(f, "metric") and hasattr(f, "value"):
        return f.metric, f.value, getattr(f, "unit", None)
    raise TypeError(f"a figure must be (metric, value[, unit]), a dict or have .metric/.value: {f!r}")


def _counts_applications(metric: str | None, value, unit: str | None) -> bool:
    # "依申请公开答复率100%" names the same words but is a rate, "依申请公开政府信息86条" counts
    # information, not applications; a figure whose metric was not found says nothing.
    if not metric:
        return False
    return (
        isinstance(value, (int, float))
        and (unit is None or unit in APPLICATION_FIGURE_UNITS)
        and not is_rate(metric)
        and any(w in metric for w in APPLICATION_FIGURE_METRICS)
        and not any(w in metric for w in APPLICATION_FIGURE_NOT)
    )


def check_figures(tables: dict[str, TableData], figures: Iterable = ()) -> list[Check]:
    """``narrative.applications``: a stated count of applications received agrees with
    table 3, read either as the new ones or as new + carried over.

    >>> check_figures({}, [("收到政府信息公开申请", 9)])[0].detail
    'table applications absent'
    """
    found = [(m, v) for m, v, u in map(_figure, figures) if _counts_applications(m, v, u)]
    if not found:
        return [Check(NARRATIVE_RULE, CheckStatus.SKIPPED, "no figure states the number of applications received")]
    data = tables.get(APPLICATION_FIGURE_TABLE)
    out = []
    for metric, value in found:
        if data is None:
            out.append(Check(NARRATIVE_RULE, CheckStatus.SKIPPED, f"table {APPLICATION_FIGURE_TABLE} absent"))
            continue
        new_key, carried_key = APPLICATION_FIGURE_CELLS
        new = data.cells.get(new_key)
        if new is None or new.value is None:
            out.append(Check(NARRATIVE_RULE, CheckStatus.SKIPPED, f"{'blank' if new else 'missing'}: {_name(new_key)}"))
            continue
        carried = data.cells.get(carried_key)
        both = None if carried is None or carried.value is None else new.value + carried.value
        stated = f"{metric} {_fmt(value)}"
        if _equal(value, new.value):
            out.append(Check(NARRATIVE_RULE, CheckStatus.PASS, f"{stated} = {_name(new_key)} {_fmt(new.value)}"))
        elif both is not None and _equal(value, both):
            out.append(
                Check(
                    NARRATIVE_RULE,
                    CheckStatus.PASS,
                    f"{stated} = {_name(new_key)} {_fmt(new.value)} + {_name(carried_key)} {_fmt(carried.value)}",
                )
            )
        else:
            alt = f" nor {_name(new_key)} + {_name(carried_key)} {_fmt(both)}" if both is not None else ""
            out.append(Check(NARRATIVE_RULE, CheckStatus.FAIL, f"{stated} ≠ {_name(new_key)} {_fmt(new.value)}{alt}"))
    return out


def reconcile(tables: dict[str, TableData], figures: Iterable = ()) -> list[Check]:
    """Every rule of SCHEMA.md over a report's tables and figures.

    Mutates cells only for repairs. A rule of a table the report lacks gets one
    ``skipped`` check. ``figures`` are (metric, value[, unit]) tuples, dicts or objects
    with ``.metric``/``.value``."""
    for name, data in tables.items():
        if not isinstance(data, TableData) or data.table != name:
            raise ValueError(f"tables[{name!r}] must be the TableData of table {name!r}, got {data!r}")
    checks: list[Check] = []
    done: set[str] = set()
    for rule in RULES:
        if rule.table in done:
            continue
        if rule.table in tables:
            checks += check_table(tables[rule.table])
            done.add(rule.table)
        else:
            checks.append(Check(rule.name, CheckStatus.SKIPPED, f"table {rule.table} absent"))
    for name, data in tables.items():  # tables no rule covers still check their glued runs
        if name not in done:
            checks += _split_checks(data, [])
    return checks + check_figures(tables, figures)
