"""One extracted report: the SCHEMA.md object plus per-cell provenance and a status.

``to_dict()`` keeps SCHEMA.md's names (id, year, organ, sections, tables, figures, checks)
and adds ``provenance`` (where each cell came from), ``status`` (``ok`` / ``partial`` /
``error``), ``error`` and ``versions`` — additions a consumer may ignore.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


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

    @property
    def status(self) -> str:
        if self.error is not None:
            return "error"
        return "ok" if self.tables else "partial"

    def to_dict(self) -> dict[str, Any]:
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
            "status": self.status,
            "error": self.error,
            "versions": self.versions,
            **({"entities": self.entities} if self.entities is not None else {}),
        }

    @classmethod
    def failed(cls, id: str, error: str, versions: dict[str, str] | None = None) -> "Report":
        return cls(id=id, error=error, versions=dict(versions or {}))
