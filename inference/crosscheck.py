"""Year-to-year checks across one organ's reports (``gongkai extract --cross-check``).

Only what the rules need is kept per report (a few cells, the id and year), so a run over
any number of reports stays small. Findings are warnings naming both reports: bodies do
correct last year's figures, so nothing is repaired.

A row left ambiguous by its own report (a glued run with several readings: ``2025`` is
2 | 0 | 25 or 20 | 2 | 5 documents) is decided when exactly one of its readings satisfies the
rules with the other year's report: the finding has status ``resolved`` and names the reading
(:func:`apply_resolution` writes it into the record, marked as decided across years).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from itertools import product
from typing import Any

from gongkai.model.template import (
    CROSS_YEAR_RULES,
    SPLIT_CHECK,
    CheckStatus,
    CrossYearRule,
    schema_version,
    table_template,
)

from .segment import SegmentError, plausible, splits
from .table_values import glued_run


def _cell(name: tuple[str, str], star: str) -> tuple[str, str]:
    return tuple(star if part == "*" else part for part in name)  # type: ignore[return-value]


def _needed() -> dict[str, set[tuple[str, str]]]:
    out: dict[str, set[tuple[str, str]]] = defaultdict(set)
    for r in CROSS_YEAR_RULES:
        for star in r.over:
            out[r.table].add(_cell(r.target, star))
            out[r.table].update(_cell((row, fld), star) for row, fld, _ in (*r.last, *r.this))
    return out


_NEEDED = _needed()


@dataclass
class _Summary:
    id: str
    year: int
    templates: dict[str, str]
    cells: dict[tuple[str, str, str], Any] = field(default_factory=dict)
    #: (table, row) → the readings of a row left ambiguous, each {field: value}.
    open: dict[tuple[str, str], list[dict[str, Any]]] = field(default_factory=dict)


def _readings(run: str, fields, prov: dict[str, dict], values: dict[str, Any]) -> list[dict[str, Any]]:
    """The splits of an ambiguous row's printed run that agree with its cells: a read cell's
    value, an ambiguous cell's candidates; implausible ones dropped."""
    printed = glued_run(run, 0, len(run))
    if printed is None:
        return []
    try:
        options = splits(printed.run, len(fields))
    except SegmentError:
        return []
    out = []
    for o in options:
        r = {f.key: v for f, v in zip(fields, o)}
        if all(
            (v in prov.get(k, {}).get("candidates", ())) if values.get(k) is None else v == values[k]
            for k, v in r.items()
        ) and plausible(fields, o):
            out.append(r)
    return out


def summarise(record: dict[str, Any]) -> _Summary | None:
    """The part of an extracted record the cross-year rules read (None without organ or year)."""
    if record.get("error") or not record.get("organ") or not record.get("year"):
        return None
    s = _Summary(record["id"], int(record["year"]), {})
    for table, cells in _NEEDED.items():
        t = record.get("tables", {}).get(table)
        if not t:
            continue
        s.templates[table] = t.get("template", "")
        prov = record.get("provenance", {}).get(table, {})
        for row, fld in cells:
            v = t["rows"].get(row, {}).get(fld)
            if v is not None:
                s.cells[(table, row, fld)] = v
            p = prov.get(row, {})
            if (table, row) not in s.open and any("candidates" in c for c in p.values()):
                tpl = table_template(table, schema_version(t))
                run = next(c["segmented_from"] for c in p.values() if "segmented_from" in c)
                s.open[(table, row)] = _readings(run, tpl.row(row).fields, p, t["rows"].get(row, {}))
    return s


def _equations(rule: CrossYearRule, last: _Summary, this: _Summary):
    """Per ``*`` of the rule: (target cell, [(summary, cell, sign)]) — cells as (table, row, field)."""
    for star in rule.over:
        target = (rule.table, *_cell(rule.target, star))
        terms = [(last, (rule.table, *_cell((r, f), star)), sign) for r, f, sign in rule.last]
        terms += [(this, (rule.table, *_cell((r, f), star)), sign) for r, f, sign in rule.this]
        yield star, target, terms


def _check(rule: CrossYearRule, last: _Summary, this: _Summary, organ: str) -> list[dict[str, Any]]:
    out = []
    if last.templates.get(rule.table) not in rule.versions or this.templates.get(rule.table) not in rule.versions:
        return out
    where = {
        "organ": organ,
        "previous": {"id": last.id, "year": last.year},
        "current": {"id": this.id, "year": this.year},
    }
    eqs = list(_equations(rule, last, this))
    # Ambiguous rows of either report that the rule reads: decide them when one reading fits.
    involved: dict[tuple[int, tuple[str, str]], tuple[_Summary, tuple[str, str]]] = {}
    for _, target, terms in eqs:
        for s, key in [(this, target), *((x, k) for x, k, _ in terms)]:
            if key[:2] in s.open:
                involved[(id(s), key[:2])] = (s, key[:2])
    if involved:
        rows = sorted(involved.values(), key=lambda x: (x[0].year, x[1]))
        fits = []
        for combo in product(*(s.open[row] for s, row in rows)):
            chosen = {(id(s), row): r for (s, row), r in zip(rows, combo)}

            def value(s: _Summary, key, chosen=chosen):
                r = chosen.get((id(s), key[:2]))
                return r.get(key[2]) if r is not None else s.cells.get(key)

            checked = [(value(this, t), [(value(x, k), sign) for x, k, sign in terms]) for _, t, terms in eqs]
            checked = [(t, ts) for t, ts in checked if t is not None and all(v is not None for v, _ in ts)]
            if checked and all(t == sum(sign * v for v, sign in ts) for t, ts in checked):
                fits.append(combo)
        if len(fits) == 1:
            for (s, (table, row)), reading in zip(rows, fits[0]):
                if len(s.open[(table, row)]) > 1:
                    out.append(
                        {
                            "rule": rule.name,
                            "status": "resolved",
                            **where,
                            "report": s.id,
                            "table": table,
                            "row": row,
                            "cells": reading,
                            "candidates": s.open[(table, row)],
                            "detail": f"{s.year} {row}: of its readings only {reading} satisfies "
                            f"{rule.description.split(': ', 1)[-1]}",
                        }
                    )
            return out
        if fits:
            return out  # still several readings: nothing to say
    for star, target, terms in eqs:
        if target not in this.cells or any(k not in s.cells for s, k, _ in terms):
            continue  # a blank or missing cell: nothing to compare
        expected = sum(sign * s.cells[k] for s, k, sign in terms)
        if this.cells[target] != expected:
            out.append(
                {
                    "rule": rule.name,
                    "status": "warning",
                    **where,
                    "over": star,
                    "detail": f"{this.year} {target[1]}.{target[2]} = {this.cells[target]}, "
                    f"but {rule.description.split(': ', 1)[-1]} gives {expected}",
                }
            )
    return out


def apply_resolution(record: dict[str, Any], finding: dict[str, Any]) -> bool:
    """Write a ``resolved`` finding into its report's record (``finding["report"]`` is its id):
    the cells get the reading, their provenance keeps the run (``segmented_from``) and says
    which rule and report decided it (``decided_by``), the row's split check becomes
    ``segmented``. Returns whether anything changed.

    >>> rec = {"id": "b", "tables": {"active_disclosure": {"template": "2021", "rows": {"rules": {
    ...     "issued": None, "repealed": None, "in_force": 25}}}}, "checks": [], "warnings": [],
    ...     "provenance": {"active_disclosure": {"rules": {"issued": {"candidates": [2, 20]}}}}}
    >>> apply_resolution(rec, {"status": "resolved", "report": "b", "table": "active_disclosure",
    ...     "row": "rules", "cells": {"issued": 2, "repealed": 0, "in_force": 25}, "rule": "cross.in_force",
    ...     "previous": {"id": "a"}, "current": {"id": "b"}, "detail": "…"})
    True
    >>> rec["tables"]["active_disclosure"]["rows"]["rules"], rec["provenance"]["active_disclosure"]["rules"]["issued"]
    ({'issued': 2, 'repealed': 0, 'in_force': 25}, {'decided_by': 'cross.in_force (a, b)'})
    """
    if finding.get("status") != "resolved" or finding.get("report") != record.get("id"):
        return False
    table, row = finding["table"], finding["row"]
    cells = record["tables"][table]["rows"][row]
    prov = record.setdefault("provenance", {}).setdefault(table, {}).setdefault(row, {})
    by = f"{finding['rule']} ({finding['previous']['id']}, {finding['current']['id']})"
    for fld, v in finding["cells"].items():
        if cells.get(fld) is None:
            cells[fld] = v
            entry = prov.setdefault(fld, {})
            entry.pop("candidates", None)
            entry["decided_by"] = by
    for c in record.get("checks", []):
        if c.get("rule") == f"{table}.{SPLIT_CHECK}" and c.get("row") == row:
            c["status"] = CheckStatus.SEGMENTED
            c["detail"] += f"; decided across years by {by}: {finding['cells']}"
    record.setdefault("warnings", []).append(f"{table} {row!r}: {finding['detail']}")
    return True


class CrossChecker:
    """Collect records with :meth:`add`; :meth:`warnings` compares consecutive years per organ."""

    def __init__(self) -> None:
        self._by_organ: dict[str, list[_Summary]] = defaultdict(list)

    def add(self, record: dict[str, Any]) -> None:
        s = summarise(record)
        if s is not None:
            self._by_organ[record["organ"]].append(s)

    def warnings(self) -> list[dict[str, Any]]:
        out: list[dict[str, Any]] = []
        for organ, reports in self._by_organ.items():
            by_year = {r.year: r for r in sorted(reports, key=lambda r: r.year)}
            for year, this in by_year.items():
                last = by_year.get(year - 1)
                if last is None:
                    continue
                for rule in CROSS_YEAR_RULES:
                    out.extend(_check(rule, last, this, organ))
        return out
