"""The numbers of a synthetic report's tables: realistic, consistent with the
reconciliation rules of :mod:`gongkai.model.template`, and (for a configurable share of
reports) carrying the publication errors real reports have.

Tables come out in SCHEMA.md form (``{"template": "2021", "rows": {row: {field: value}}}``),
``None`` for a cell printed blank. The printed text of every cell is a separate choice
(:func:`printed`), so ``0项`` and ``+28`` stay the renderer's business.

>>> import random
>>> tables, errors = make_tables(random.Random(1), {"active_disclosure": "2021", "applications": "2021",
...                                                "reviews": "2021"}, error_rate=0.0)
>>> violations(tables)
[]
>>> sorted(tables["applications"]["rows"]["total"])[:3]
['commercial', 'legal_service', 'natural_person']
"""

from __future__ import annotations

import random
from typing import Any

from gongkai.model import template as T

#: Publication errors a report may carry (recorded in ``meta["errors"]``).
ERROR_KINDS = ("outcomes_mismatch", "blank_total", "blank_zeros", "blank_column")

_APPLICANTS = tuple(f.key for f in T.APPLICANT_COLUMNS if f.key != "total")
#: How applicants split, natural persons dominant.
_APPLICANT_WEIGHTS = (0.82, 0.1, 0.005, 0.01, 0.02, 0.045)


def _count(rng: random.Random, busy: float = 0.3, scale: int = 50) -> int:
    """Mostly zero, sometimes a handful, occasionally large."""
    r = rng.random()
    if r > busy:
        return 0
    r = rng.random()
    if r < 0.6:
        return rng.randint(1, 9)
    if r < 0.9:
        return rng.randint(10, scale * 10)
    return rng.choice((rng.randint(1000, 20000), rng.randint(20000, 200000), rng.randint(200000, 1600000)))


def _split(rng: random.Random, n: int, weights: tuple[float, ...]) -> list[int]:
    """Split ``n`` into ``len(weights)`` non-negative parts, roughly by weight."""
    parts = [0] * len(weights)
    if n <= 0:
        return parts
    if n > 200:  # large counts: proportional split with noise, then fix the remainder
        raw = [w * rng.uniform(0.5, 1.5) for w in weights]
        s = sum(raw)
        parts = [int(n * w / s) for w in raw]
        parts[0] += n - sum(parts)
        return parts
    for _ in range(n):
        parts[rng.choices(range(len(weights)), weights)[0]] += 1
    return parts


def _amount(rng: random.Random) -> float | int:
    if rng.random() < 0.5:
        return 0
    return round(rng.uniform(1, 30000), rng.choice((0, 1, 2))) if rng.random() < 0.7 else rng.randint(1, 5000)


def _active_disclosure(rng: random.Random, version: str) -> dict[str, dict[str, Any]]:
    rows: dict[str, dict[str, Any]] = {}
    for row in T.table_template("active_disclosure", version).rows:
        keys = row.field_keys
        vals: dict[str, Any] = {}
        if keys == ("issued", "repealed", "in_force") or keys == ("made", "published", "total"):
            a = _count(rng, 0.5 if row.key == "normative_documents" else 0.1, 5)
            second = max(0, a - rng.randint(0, 2)) if keys[1] == "published" else _count(rng, 0.3, 2)
            vals = dict(zip(keys, (a, second, a + _count(rng, 0.6, 30))))
        elif keys == ("previous", "change", "decisions") or keys == ("previous", "change"):
            prev = _count(rng, 0.4, 10)
            # A year changes a list by less than the list (as every real glued run read shows;
            # template.CELL_ORDERS).
            change = rng.randint(-min(prev, 30), min(prev, 30)) if prev and rng.random() < 0.5 else 0
            vals = {"previous": prev, "change": change}
            if "decisions" in keys:
                vals["decisions"] = _count(rng, 0.5, 100)
        elif keys == ("decisions",):
            vals = {"decisions": _count(rng, 0.5, 100)}
        elif keys == ("amount",):
            vals = {"amount": _amount(rng)}
        elif keys == ("projects", "amount"):
            p = _count(rng, 0.5, 10)
            vals = {"projects": p, "amount": _amount(rng) if p else 0}
        else:
            vals = {k: _count(rng) for k in keys}
        rows[row.key] = vals
    return rows


def _applications(rng: random.Random, version: str) -> dict[str, dict[str, Any]]:
    tmpl = T.table_template("applications", version)
    outcome_rows = [r.key for r in tmpl.rows if r.outcome]
    # Granted, partial and not-held dominate; every other outcome is rare.
    weights = [{"granted": 10, "partially_granted": 3, "unable.not_held": 4}.get(k, 0.25) for k in outcome_rows]
    new = _split(rng, _count(rng, 0.8, 20), _APPLICANT_WEIGHTS)
    carried = [rng.randint(0, max(0, n // 10)) if rng.random() < 0.3 else 0 for n in new]
    rows: dict[str, dict[str, Any]] = {k: {} for k in tmpl.row_keys}
    for col, n, c in zip(_APPLICANTS, new, carried):
        handled = n + c
        forward = rng.randint(0, handled // 5) if handled and rng.random() < 0.3 else 0
        split = _split(rng, handled - forward, tuple(weights))
        rows["new_received"][col] = n
        rows["carried_over"][col] = c
        for k, v in zip(outcome_rows, split):
            rows[k][col] = v
        rows["total"][col] = handled - forward
        rows["carried_forward"][col] = forward
    for vals in rows.values():
        vals["total"] = sum(vals[c] for c in _APPLICANTS)
    return rows


def _reviews(rng: random.Random) -> dict[str, dict[str, Any]]:
    rows = {}
    for row in T.table_template("reviews", "2021").rows:
        parts = {
            k: (_count(rng, 0.15, 1) if rng.random() < 0.3 else 0) for k in ("upheld", "corrected", "other", "pending")
        }
        parts = {k: min(v, 40) for k, v in parts.items()}
        rows[row.key] = {**parts, "total": sum(parts.values())}
    return rows


#: How each table's numbers are drawn (a new table of the template needs its own entry).
_NUMBERS = {
    "active_disclosure": _active_disclosure,
    "applications": _applications,
    "reviews": lambda rng, version: _reviews(rng),  # the same in both versions
}


def make_tables(
    rng: random.Random,
    versions: dict[str, str],
    error_rate: float = 0.1,
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Numbers for each table in ``versions`` (table key → template version), and the
    publication errors injected (``[]`` for a clean report)."""
    for table, version in versions.items():
        T.table_template(table, version)  # raises a clear KeyError for a bad name
    tables: dict[str, Any] = {}
    for table, version in versions.items():
        if table not in _NUMBERS:
            raise KeyError(f"the generator draws no numbers for table {table!r}: add it to synth.numbers._NUMBERS")
        rows = _NUMBERS[table](rng, version)
        entry: dict[str, Any] = {"rows": rows}
        if table in T.VERSIONED_TABLES:
            entry = {"template": version, "rows": rows}
        tables[table] = entry
    errors: list[dict[str, Any]] = []
    if rng.random() < error_rate:
        errors.append(_inject_error(rng, tables))
    return tables, errors


def _inject_error(rng: random.Random, tables: dict[str, Any]) -> dict[str, Any]:
    kind = rng.choice(ERROR_KINDS)
    table = "applications" if "applications" in tables else next(iter(tables))
    rows = tables[table]["rows"]
    if kind == "outcomes_mismatch" and table == "applications":
        tmpl = T.table_template(table, tables[table]["template"])
        row = rng.choice([r.key for r in tmpl.rows if r.outcome])
        rows[row]["natural_person"] += rng.choice((1, 2, 3, 10))
        rows[row]["total"] = sum(rows[row][c] for c in _APPLICANTS)
        return {"kind": kind, "table": table, "row": row, "field": "natural_person"}
    if kind == "blank_column":
        fields = sorted({f for vals in rows.values() for f in vals})
        field = rng.choice(fields)
        for vals in rows.values():
            if field in vals:
                vals[field] = None
        return {"kind": kind, "table": table, "field": field}
    if kind == "blank_total" and table == "applications":
        rows["total"]["total"] = None
        return {"kind": kind, "table": table, "row": "total", "field": "total"}
    cells = [(r, f) for r, vals in rows.items() for f, v in vals.items() if v == 0]
    blanked = rng.sample(cells, min(len(cells), rng.randint(1, 6)))
    for r, f in blanked:
        rows[r][f] = None
    return {"kind": "blank_zeros", "table": table, "cells": [f"{r}.{f}" for r, f in blanked]}


def violations(tables: dict[str, Any]) -> list[str]:
    """The template rules that the tables break, as ``rule:column`` or ``rule:row``: the checks
    :func:`gongkai.inference.reconcile.check_table` fails (a ``None`` cell skips a check, unless
    the rules prove its value).

    >>> violations({"reviews": {"rows": {"review": {"upheld": 1, "corrected": 0, "other": 0,
    ...                                             "pending": 0, "total": 2}}}})
    ['reviews.total:review']
    """
    from gongkai.inference.cells import Cell, TableData
    from gongkai.inference.reconcile import check_table

    out = []
    for table, entry in tables.items():
        cells = {(row, f): Cell(v) for row, values in entry["rows"].items() for f, v in values.items()}
        checks = check_table(TableData(table, entry.get("template", T.VERSIONS[-1]), cells))
        out += [f"{c.rule}:{c.column or c.row}" for c in checks if c.status == "fail"]
    return out


def printed(rng: random.Random, value: Any, table: str, row: str, field: str, style: dict[str, Any]) -> str:
    """The text a report prints for one cell (``""`` for a blank).

    >>> printed(random.Random(0), 28, "active_disclosure", "fees", "change", {"plus": 1.0, "units": 0.0})
    '+28'
    >>> printed(random.Random(0), 16491.8, "active_disclosure", "procurement", "amount", {"units": 1.0})
    '16491.8万元'
    """
    if value is None:
        return ""
    text = str(value)
    if field == "change" and value > 0 and rng.random() < style.get("plus", 0.3):
        text = "+" + text
    if rng.random() < style.get("units", 0.0):
        if field == "amount":
            text += "万元"
        elif table == "active_disclosure" and field in ("previous", "projects"):
            text += "项" if field == "previous" else "个"
    return text
