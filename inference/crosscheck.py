"""Year-to-year checks across one organ's reports (``gongkai extract --cross-check``).

Only what the rules need is kept per report (a few cells, the id and year), so a run over
any number of reports stays small. Findings are warnings naming both reports: bodies do
correct last year's figures, so nothing is repaired.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from gongkai.model.template import CROSS_YEAR_RULES, CrossYearRule


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
        for row, fld in cells:
            v = t["rows"].get(row, {}).get(fld)
            if v is not None:
                s.cells[(table, row, fld)] = v
    return s


def _check(rule: CrossYearRule, last: _Summary, this: _Summary, organ: str) -> list[dict[str, Any]]:
    out = []
    if last.templates.get(rule.table) not in rule.versions or this.templates.get(rule.table) not in rule.versions:
        return out
    for star in rule.over:
        target = (rule.table, *_cell(rule.target, star))
        terms = [(last, (rule.table, *_cell((r, f), star)), sign) for r, f, sign in rule.last]
        terms += [(this, (rule.table, *_cell((r, f), star)), sign) for r, f, sign in rule.this]
        if target not in this.cells or any(k not in s.cells for s, k, _ in terms):
            continue  # a blank or missing cell: nothing to compare
        expected = sum(sign * s.cells[k] for s, k, sign in terms)
        if this.cells[target] != expected:
            out.append({
                "rule": rule.name, "status": "warning", "organ": organ, "over": star,
                "previous": {"id": last.id, "year": last.year}, "current": {"id": this.id, "year": this.year},
                "detail": f"{this.year} {target[1]}.{target[2]} = {this.cells[target]}, "
                          f"but {rule.description.split(': ', 1)[-1]} gives {expected}",
            })
    return out


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
