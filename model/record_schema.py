"""The output contract as a JSON Schema (draft 2020-12), built from the template.

One extraction record — ``Report.to_dict()``, one line of ``gongkai extract``'s JSONL — is
SCHEMA.md's object plus provenance, status and versions. The tables, rows, fields, sections and
rules come from :mod:`gongkai.model.template`, so the schema cannot drift from what the
assembler reads; ``docs/record.schema.json`` is written by ``gongkai formats --schema`` and a
test keeps it current and validates every record the pipeline writes against it.

>>> s = record_schema()
>>> s["properties"]["status"]["enum"]
['ok', 'partial', 'failed_checks', 'not_a_report', 'error']
>>> sorted(s["properties"]["tables"]["properties"])
['active_disclosure', 'applications', 'reviews']
"""

from __future__ import annotations

import json
from typing import Any

from . import template as T
from .closed_set import ClosedSet


class RecordStatus(ClosedSet):
    """A record's ``status``, from the best to the worst (``gongkai.inference.report`` decides it)."""

    OK = "ok"  # a report that reads clean
    PARTIAL = "partial"  # a report with template cells unread, ambiguous or unchecked
    FAILED_CHECKS = "failed_checks"  # a report some of whose checks fail
    NOT_A_REPORT = "not_a_report"  # an input that is no report (``status_detail`` says why)
    ERROR = "error"  # an input that could not be read or extracted (``error`` says why)


_INT = {"type": "integer", "minimum": 0}
_NUMBER_OR_NULL = {"type": ["number", "null"]}
_STR_OR_NULL = {"type": ["string", "null"]}


def _rows(tpl: T.TableTemplate) -> dict[str, Any]:
    return {
        "type": "object",
        "properties": {
            r.key: {
                "type": "object",
                "properties": {f: _NUMBER_OR_NULL for f in r.field_keys},
                "additionalProperties": False,
            }
            for r in tpl.rows
        },
        "additionalProperties": False,
    }


def _table(table: str) -> dict[str, Any]:
    versions = T.tables_named(table)
    if table not in T.VERSIONED_TABLES:
        return {
            "type": "object",
            "properties": {"rows": _rows(versions[-1])},
            "required": ["rows"],
            "additionalProperties": False,
        }
    return {
        "oneOf": [
            {
                "type": "object",
                "properties": {"template": {"const": t.version}, "rows": _rows(t)},
                "required": ["template", "rows"],
                "additionalProperties": False,
            }
            for t in versions
        ]
    }


def _provenance(table: str) -> dict[str, Any]:
    cell = {
        "type": "object",
        "properties": {
            "start": _INT,
            "end": _INT,
            "text": {"type": "string"},
            "confidence": {"type": "number"},
            "page": _INT,
            "repaired_from": {"type": "string"},
            "segmented_from": {"type": "string"},
            "decided_by": {"type": "string"},
            "damaged": {"type": "boolean"},
            "candidates": {"type": "array", "items": {"type": "number"}},
        },
        "required": ["start", "end", "text"],
        "additionalProperties": False,
    }
    rows = {r.key: {"type": "object", "additionalProperties": cell} for t in T.tables_named(table) for r in t.rows}
    return {"type": "object", "properties": rows, "additionalProperties": False}


def split_checks() -> list[str]:
    """The checks of glued runs in tables no rule covers (table 2): ``active_disclosure.split``."""
    ruled = {r.table for r in T.RULES}
    return [f"{t}.{T.SPLIT_CHECK}" for t in T.TABLE_KEYS if t not in ruled]


def record_schema() -> dict[str, Any]:
    """The JSON Schema of one extraction record."""
    rules = [*(r.name for r in T.RULES), *T.NARRATIVE_RULES, *split_checks()]
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://github.com/gongkai/gongkai/docs/record.schema.json",
        "title": "gongkai extraction record",
        "description": "One report as gongkai extracts it (docs/SCHEMA.md). Generated from "
        "gongkai.model.template by `gongkai formats --schema`.",
        "type": "object",
        "properties": {
            "id": {"type": "string"},
            "id_escaped": {
                "type": "boolean",
                "description": "the id carries escapes (\\xNN for a file-name byte "
                "that is not UTF-8, \\udNNN for a lone surrogate, \\\\ for a backslash); "
                "gongkai.inference.inputs.raw_id gives the original back",
            },
            "year": {"type": ["integer", "null"]},
            "organ": _STR_OR_NULL,
            "sections": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {
                        "key": {"enum": [*T.SECTION_KEYS, None]},
                        "number": _STR_OR_NULL,
                        "title": {"type": "string"},
                        "start": _INT,
                        "end": _INT,
                    },
                    "required": ["key", "number", "title", "start", "end"],
                    "additionalProperties": False,
                },
            },
            "tables": {
                "type": "object",
                "properties": {t: _table(t) for t in T.TABLE_KEYS},
                "additionalProperties": False,
            },
            "figures": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {
                        "metric": _STR_OR_NULL,
                        "value": {"type": "number"},
                        "unit": _STR_OR_NULL,
                        "approximate": {"type": "boolean"},
                        "text": {"type": "string"},
                        "start": _INT,
                        "end": _INT,
                        "page": _INT,
                    },
                    "required": ["metric", "value", "unit", "approximate", "text", "start", "end"],
                    "additionalProperties": False,
                },
            },
            "checks": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {
                        "rule": {"enum": rules},
                        "column": {"type": "string"},
                        "row": {"type": "string"},
                        "status": {"enum": list(T.CheckStatus)},
                        "detail": {"type": "string"},
                    },
                    "required": ["rule", "status", "detail"],
                    "additionalProperties": False,
                },
            },
            "provenance": {
                "type": "object",
                "properties": {t: _provenance(t) for t in T.TABLE_KEYS},
                "additionalProperties": False,
            },
            "warnings": {"type": "array", "items": {"type": "string"}},
            "status": {"enum": list(RecordStatus)},
            "status_detail": _STR_OR_NULL,
            "error": _STR_OR_NULL,
            "versions": {
                "type": "object",
                "properties": {"gongkai": {"type": "string"}, "model": {"type": "string"}},
                "required": ["gongkai"],
                "additionalProperties": {"type": "string"},
            },
            "entities": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {
                        "label": {"type": "string"},
                        "start": _INT,
                        "end": _INT,
                        "score": {"type": "number"},
                    },
                    "required": ["label", "start", "end"],
                    "additionalProperties": False,
                },
            },
        },
        "required": ["id", "year", "organ", "sections", "tables", "figures", "checks", "status", "error"],
        "additionalProperties": False,
    }


def render_json() -> str:
    """``docs/record.schema.json``'s text."""
    return json.dumps(record_schema(), ensure_ascii=False, indent=1) + "\n"
