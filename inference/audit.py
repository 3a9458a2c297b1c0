"""How far can a user trust a batch? A label-free audit of extraction records.

Nobody has gold for 50,000 scraped reports, but every record says what it could not do: the
template cells it did not read, the rules that fail or that several readings satisfy, the
tables it did not find. :func:`audit_record` sums that up per report, with one flag — the
report *reads clean*: every template table it should have is there, every cell of it is read
(a cell printed blank counts as read), and every rule passes, was repaired or split a glued run
with a unique reading. :class:`BatchAudit` adds reports up and keeps the ones to look at first.

Reports from before the 2019 national template have no template tables to read: they are
counted apart (``pre_template``), as are inputs that are not reports and failed extractions.

>>> rec = {"id": "a", "year": 2023, "status": "ok", "tables": {"reviews": {"rows": {"review": {
...     "upheld": 0, "corrected": 0, "other": 0, "pending": 0, "total": 1}}}},
...     "checks": [{"rule": "reviews.total", "row": "review", "status": "fail", "detail": "1 ≠ 0"}]}
>>> a = audit_record(rec)
>>> a.clean, a.reasons[-1], len(a.reasons)
(False, 'reviews: reviews.total fails (review)', 4)
"""

from __future__ import annotations

import heapq
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from gongkai.model import template as T
from gongkai.model.record_schema import RecordStatus
from gongkai.model.template import CheckStatus

#: Check statuses that leave a table clean: the rule holds as printed, after a proven repair, or
#: it split a glued digit run with the one reading it allows.
CLEAN_STATUSES = frozenset({CheckStatus.PASS, CheckStatus.REPAIRED, CheckStatus.SEGMENTED})
#: How much a finding weighs when reports are ranked for review: an error, a check of each status
#: (unlisted: 1), a table absent, a cell unread.
_SEVERITY = {
    RecordStatus.ERROR: 1000,
    CheckStatus.FAIL: 10,
    CheckStatus.AMBIGUOUS: 5,
    "table": 8,
    "cell": 1,
    CheckStatus.SKIPPED: 1,
}


@dataclass
class TableAudit:
    template: str | None
    cells: int  # the template's cells
    read: int  # cells with a reading (a printed blank included)
    unread: list[str] = field(default_factory=list)  # row.field of the cells not read, in rows read
    #: Template rows not in the record at all: the report did not print them (030 leaves out 规章), or
    #: their label was not read. A record cannot tell which; the audit says both.
    absent: list[str] = field(default_factory=list)
    checks: Counter = field(default_factory=Counter)  # status → count

    def to_dict(self) -> dict[str, Any]:
        return {
            "template": self.template,
            "cells": self.cells,
            "read": self.read,
            "unread": self.unread[:10],
            "absent_rows": self.absent,
            "checks": dict(self.checks),
        }


@dataclass
class ReportAudit:
    id: str
    status: str
    year: int | None = None
    organ: str | None = None
    pre_template: bool = False
    tables: dict[str, TableAudit] = field(default_factory=dict)
    rules: dict[str, Counter] = field(default_factory=dict)  # rule → status → count
    reasons: list[str] = field(default_factory=list)
    severity: int = 0

    @property
    def clean(self) -> bool:
        return self.status not in (RecordStatus.ERROR, RecordStatus.NOT_A_REPORT) and not self.reasons

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "status": self.status,
            "year": self.year,
            "organ": self.organ,
            "clean": self.clean,
            "pre_template": self.pre_template,
            "tables": {k: t.to_dict() for k, t in self.tables.items()},
            "rules": {k: dict(v) for k, v in self.rules.items()},
            "reasons": self.reasons,
            "severity": self.severity,
        }


def _template(table: str, data: dict[str, Any]) -> T.TableTemplate:
    return T.table_template(table, T.schema_version(data))


def _table_audit(table: str, data: dict[str, Any], provenance: dict[str, Any]) -> TableAudit:
    tpl = _template(table, data)
    rows = data.get("rows", {})
    read, unread = 0, []
    for row, fld in tpl.cells():
        if row not in rows:
            continue
        value = rows[row].get(fld)
        prov = provenance.get(row, {}).get(fld)
        if value is not None or (prov is not None and not prov.get("candidates")):
            read += 1
        else:
            unread.append(f"{row}.{fld}")
    absent = [r for r in tpl.row_keys if r not in rows]
    return TableAudit(data.get("template"), len(tpl.cells()), read, unread, absent)


def _where(check: dict[str, Any]) -> str:
    return check.get("row") or check.get("column") or ""


def audit_record(record: dict[str, Any]) -> ReportAudit:
    """One record's audit: what it read, what its checks say, and why it does not read clean."""
    status = record.get("status") or (RecordStatus.ERROR if record.get("error") else RecordStatus.OK)
    year = record.get("year")
    a = ReportAudit(str(record.get("id")), status, year, record.get("organ"))
    if status == RecordStatus.ERROR:
        a.reasons.append(f"error: {record.get('error')}")
        a.severity = _SEVERITY[RecordStatus.ERROR]
        return a
    if status == RecordStatus.NOT_A_REPORT:
        a.reasons.append(f"not a report: {record.get('status_detail') or 'no heading, table or figure of a report'}")
        return a
    tables = record.get("tables") or {}
    a.pre_template = isinstance(year, int) and year < T.FIRST_TEMPLATE_YEAR
    provenance = record.get("provenance") or {}
    for name, data in tables.items():
        a.tables[name] = _table_audit(name, data, provenance.get(name, {}))
    failing: dict[str, dict[str, list[str]]] = {}
    for c in record.get("checks") or []:
        rule, st = c.get("rule", "?"), c.get("status", "?")
        a.rules.setdefault(rule, Counter())[st] += 1
        table = rule.split(".")[0]
        if table in a.tables:
            a.tables[table].checks[st] += 1
        # A skipped check is a gap only where its table was read with cells missing: a table not
        # read is a reason of its own, and a narrative check with no figure to compare has none.
        if st not in CLEAN_STATUSES and (st != CheckStatus.SKIPPED or table in a.tables):
            failing.setdefault(table, {}).setdefault(
                f"{rule} {'fails' if st == CheckStatus.FAIL else 'is ' + st}", []
            ).append(_where(c))
            a.severity += _SEVERITY.get(st, 1)
    if a.pre_template:
        if tables:
            a.reasons.append(f"template tables read from a report of {year}, before the national template")
            a.severity += _SEVERITY["table"]
    else:
        for name in T.TABLE_KEYS:
            if name not in tables:
                a.reasons.append(f"{name}: table not read")
                a.severity += _SEVERITY["table"]
    for name, t in a.tables.items():
        if t.absent:
            a.reasons.append(
                f"{name}: row(s) {', '.join(t.absent[:3])}{' …' if len(t.absent) > 3 else ''} not in the "
                "record (not printed, or the label not read)"
            )
            a.severity += _SEVERITY["cell"] * len(t.absent)
        if t.unread:
            a.reasons.append(
                f"{name}: {len(t.unread)} cells not read ({', '.join(t.unread[:3])}{' …' if len(t.unread) > 3 else ''})"
            )
            a.severity += _SEVERITY["cell"] * len(t.unread)
    for table, rules in failing.items():
        for what, where in rules.items():
            places = ", ".join(w for w in where if w)
            a.reasons.append(f"{table}: {what}" + (f" ({places})" if places else ""))
    return a


@dataclass
class BatchAudit:
    """Counts over a batch, and the ``worst`` reports to look at first."""

    worst_k: int = 20
    reports: int = 0
    clean: int = 0
    statuses: Counter = field(default_factory=Counter)
    pre_template: list[str] = field(default_factory=list)
    tables: dict[str, Counter] = field(default_factory=dict)  # table → template version → count
    cells: Counter = field(default_factory=Counter)  # "expected" / "read"
    rules: dict[str, Counter] = field(default_factory=dict)
    _heap: list = field(default_factory=list)

    def add(self, a: ReportAudit) -> None:
        self.reports += 1
        self.clean += a.clean
        self.statuses[a.status] += 1
        if a.pre_template:
            self.pre_template.append(a.id)
        for name, t in a.tables.items():
            self.tables.setdefault(name, Counter())[t.template or "-"] += 1
            self.cells["expected"] += t.cells
            self.cells["read"] += t.read
        for rule, counts in a.rules.items():
            self.rules.setdefault(rule, Counter()).update(counts)
        if not a.clean and a.status != RecordStatus.NOT_A_REPORT:
            item = (a.severity, -self.reports, a)
            if len(self._heap) < self.worst_k:
                heapq.heappush(self._heap, item)
            else:
                heapq.heappushpop(self._heap, item)

    @property
    def worst(self) -> list[ReportAudit]:
        return [a for _, _, a in sorted(self._heap, key=lambda x: (-x[0], -x[1]))]

    def to_dict(self) -> dict[str, Any]:
        return {
            "reports": self.reports,
            "clean": self.clean,
            "clean_share": round(self.clean / self.reports, 4) if self.reports else None,
            "statuses": dict(self.statuses),
            "pre_template": self.pre_template,
            "tables": {k: dict(v) for k, v in self.tables.items()},
            "cells": {"expected": self.cells["expected"], "read": self.cells["read"]},
            "rules": {k: dict(v) for k, v in sorted(self.rules.items())},
            "worst": [a.to_dict() for a in self.worst],
        }


def audit(records: Iterable[dict[str, Any]], worst: int = 20) -> tuple[BatchAudit, list[ReportAudit]]:
    """The batch audit of ``records`` and each record's own, in input order."""
    batch = BatchAudit(worst_k=worst)
    each = []
    for rec in records:
        a = audit_record(rec)
        batch.add(a)
        each.append(a)
    return batch, each


def render(batch: BatchAudit) -> str:
    """The batch audit as a short text for the terminal."""
    d = batch.to_dict()
    n = d["reports"]
    lines = [
        f"{n} report(s): {d['clean']} read clean ({(d['clean_share'] or 0):.1%})"
        + "".join(f", {v} {k}" for k, v in sorted(d["statuses"].items()))
    ]
    if d["pre_template"]:
        lines.append(
            f"{len(d['pre_template'])} from before the national template (no template tables): "
            + ", ".join(d["pre_template"][:8])
            + (" …" if len(d["pre_template"]) > 8 else "")
        )
    if d["tables"]:
        lines.append(
            "tables: "
            + "; ".join(f"{t} " + ", ".join(f"{v} {k}" for k, v in sorted(c.items())) for t, c in d["tables"].items())
        )
        lines.append(f"template cells read: {d['cells']['read']} of {d['cells']['expected']}")
    if d["rules"]:
        statuses = sorted({s for c in d["rules"].values() for s in c})
        lines.append("")
        lines.append(f"{'rule':<26}" + "".join(f"{s:>11}" for s in statuses))
        for rule, c in d["rules"].items():
            lines.append(f"{rule:<26}" + "".join(f"{c.get(s, 0):>11}" for s in statuses))
    if batch.worst:
        lines.append("")
        lines.append("look at first:")
        for a in batch.worst:
            lines.append(
                f"  {a.id}  [{a.status}]  "
                + "; ".join(a.reasons[:3])
                + (f"; … {len(a.reasons) - 3} more" if len(a.reasons) > 3 else "")
            )
    return "\n".join(lines)
