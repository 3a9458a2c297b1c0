"""One extracted report: the SCHEMA.md object plus per-cell provenance and a status.

``to_dict()`` keeps SCHEMA.md's names (id, year, organ, sections, tables, figures, checks)
and adds ``provenance`` (where each cell came from), ``status`` and ``status_detail``,
``error`` and ``versions`` — additions a consumer may ignore.

``status`` tells a user at a glance what a record is worth, the first of these that applies:

- ``error``: the input could not be read or extracted; ``error`` says why and names it.
- ``not_a_report``: the text shows no sign of a disclosure report — no section heading of
  one, no template table, no figure only a report states (:data:`REPORT_FIGURE_WORDS`);
  ``status_detail`` says which are missing (``empty input`` when there was no text). Its
  figures are dropped: numbers found in an error page or a news article are not a report's.
- ``failed_checks``: a report in which some check fails (``checks[].status == "fail"``);
  ``status_detail`` counts and names them.
- ``partial``: a report in which something the template asks for is not read: a table
  absent (for a report of 2019 or later, or of no known year), template cells unread, cells
  left blank because several readings fit (``ambiguous``), or read from damaged print that
  no check confirmed; ``status_detail`` says which.
- ``ok``: every template cell was read and every check that could run holds. (A pre-2019
  report has no national template: no tables, and ``ok`` when nothing else is wrong.)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from gongkai.model.record_schema import RecordStatus
from gongkai.model.template import (
    FIRST_TEMPLATE_YEAR,
    REPORT_FIGURE_WORDS,
    TABLE_KEYS,
    CheckStatus,
    schema_version,
    table_template,
)

#: How many failed checks ``status_detail`` names.
_NAMED_CHECKS = 5


@dataclass
class Report:
    id: str
    year: int | None = None
    organ: str | None = None
    sections: list[dict[str, Any]] = field(default_factory=list)
    tables: dict[str, dict[str, Any]] = field(default_factory=dict)
    figures: list[dict[str, Any]] = field(default_factory=list)
    checks: list[dict[str, Any]] = field(default_factory=list)
    #: table → row → field → {start, end, text, confidence}; offsets into the caller's text.
    provenance: dict[str, dict[str, dict[str, dict[str, Any]]]] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    #: The tagged entities in source offsets; kept only when asked (the review page needs them).
    entities: list[dict[str, Any]] | None = None
    error: str | None = None
    versions: dict[str, str] = field(default_factory=dict)
    #: The input held no text at all (set by the pipeline).
    empty: bool = False

    @property
    def status(self) -> RecordStatus:
        return self._status()[0]

    @property
    def status_detail(self) -> str | None:
        return self._status()[1]

    def report_signs(self) -> list[str]:
        """The signs of a report this one lacks (all three: it is not one)."""
        missing = []
        if not any(s.get("key") for s in self.sections):
            missing.append("no section heading of a report")
        if not self.tables:
            missing.append("no template table")
        if not any(any(w in (f.get("metric") or "") for w in REPORT_FIGURE_WORDS) for f in self.figures):
            missing.append("no figure of a report")
        return missing

    def _status(self) -> tuple[RecordStatus, str | None]:
        if self.error is not None:
            return RecordStatus.ERROR, None
        missing = self.report_signs()
        if len(missing) == 3:
            return RecordStatus.NOT_A_REPORT, "empty input (no text)" if self.empty else ", ".join(missing)
        failed = [c for c in self.checks if c.get("status") == CheckStatus.FAIL]
        if failed:
            names = [
                c["rule"] + (f" ({c.get('column') or c.get('row')})" if c.get("column") or c.get("row") else "")
                for c in failed
            ]
            more = f" and {len(names) - _NAMED_CHECKS} more" if len(names) > _NAMED_CHECKS else ""
            return (
                RecordStatus.FAILED_CHECKS,
                f"{len(failed)} failed check(s): {', '.join(names[:_NAMED_CHECKS])}{more}",
            )
        gaps = self._gaps()
        return (RecordStatus.PARTIAL, "; ".join(gaps)) if gaps else (RecordStatus.OK, None)

    def _gaps(self) -> list[str]:
        """What a report lacks of its template: tables, unread cells, ambiguous or damaged ones."""
        gaps = []
        if self.year is None or self.year >= FIRST_TEMPLATE_YEAR:
            absent = [t for t in TABLE_KEYS if t not in self.tables]
            if absent:
                gaps.append("table(s) absent: " + ", ".join(absent))
        unread = ambiguous = damaged = 0
        for name, t in self.tables.items():
            try:
                cells = table_template(name, schema_version(t)).cells()
            except KeyError:
                continue
            rows = t.get("rows", {})
            unread += sum(1 for row, fld in cells if fld not in rows.get(row, {}))
            for row, fields in self.provenance.get(name, {}).items():
                for fld, p in fields.items():
                    if p.get("candidates") and rows.get(row, {}).get(fld) is None:
                        ambiguous += 1
                    elif p.get("damaged") and "repaired_from" not in p:
                        damaged += 1
        ambiguous_checks = sum(c.get("status") == CheckStatus.AMBIGUOUS for c in self.checks)
        for n, what in (
            (unread, "template cell(s) unread"),
            (ambiguous, "ambiguous cell(s)"),
            (ambiguous_checks, "ambiguous check(s)"),
            (damaged, "cell(s) read from damaged print no check confirmed"),
        ):
            if n:
                gaps.append(f"{n} {what}")
        return gaps

    def to_dict(self) -> dict[str, Any]:
        status, detail = self._status()
        return {
            "id": self.id,
            "year": self.year,
            "organ": self.organ,
            "sections": self.sections,
            "tables": self.tables,
            "figures": self.figures,
            "checks": self.checks,
            "provenance": self.provenance,
            "warnings": self.warnings,
            "status": status,
            "status_detail": detail,
            "error": self.error,
            "versions": self.versions,
            **({"entities": self.entities} if self.entities is not None else {}),
        }

    @classmethod
    def failed(cls, id: str, error: str, versions: dict[str, str] | None = None) -> Report:
        return cls(id=id, error=error, versions=dict(versions or {}))
