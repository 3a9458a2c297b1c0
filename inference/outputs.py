"""Output writers for bulk extraction, each writing as records arrive, so memory stays flat.

What a run writes, and in which formats (by the file suffix, or ``--format``):

- the records (``-o``): JSONL, one record per line; CSV in long form, one table cell per line
  (:data:`CSV_COLUMNS`); Parquet, one row per record with real nested types (structs and lists,
  :func:`record_arrow_schema`) that pandas, polars and DuckDB read as they are;
- a summary (``--summary``): one row per report, its headline numbers as columns named as in
  SCHEMA.md (``applications.new_received.total``; :data:`SUMMARY_COLUMNS`);
- the narrative figures (``--figures``): one row per figure (:data:`FIGURE_COLUMNS`);
- the cells in long form as a table of their own (``gongkai tables``), also in Parquet.

Every file written is valid UTF-8: ids are escaped where they are not valid Unicode (see
:mod:`.inputs`), and a lone surrogate left in a text is written as its JSON escape in JSONL
(it reads back as the same string) and backslash-escaped in CSV and Parquet.

CSV is ``utf-8-sig`` (Excel reads the Chinese right) and safe to open in a spreadsheet: a text
that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return — a formula to a
spreadsheet — is written with a ``'`` before it (OWASP's advice; a leading ``'`` is doubled so
that :func:`csv_unescape` gives every text back). Numbers stay numbers: a number (``-3``,
2019's 本年增/减) is written as a number, and so is a text that is one (``-8`` as printed) or a
lone ``-`` (stdin's id, a blank printed as ``-``), which no spreadsheet runs as a formula.

The CSV's ``status`` says how far to trust each cell (:func:`cell_status`): ``clean``,
``failed_check``, ``repaired``, ``segmented``, ``ambiguous``, ``damaged`` or ``blank``.
"""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path
from typing import Any

from gongkai.model.closed_set import ClosedSet
from gongkai.model.template import (
    APPLICATION_FIGURE_CELLS,
    APPLICATION_FIGURE_TABLE,
    NARRATIVE_RULES,
    TABLE_KEYS,
    VERSIONED_TABLES,
    CheckStatus,
    schema_version,
    table_template,
    union_rows,
)

from .headlines import cell_value, headline_cells

FORMATS = ("jsonl", "csv", "parquet")

#: What a file holds: records (``-o``), cells in long form, a summary, or figures.
KINDS = ("records", "cells", "summary", "figures")

#: The long CSV's columns: the first six as they always were, then what analysis needs.
CSV_COLUMNS = ("id", "table", "row", "field", "value", "status", "organ", "year", "template", "text", "page")

FIGURE_COLUMNS = ("id", "organ", "year", "metric", "value", "unit", "approximate", "text", "start", "end", "page")


class CellStatus(ClosedSet):
    """A cell's status in the CSV (:func:`cell_status`); where several apply, the first of these."""

    AMBIGUOUS = "ambiguous"
    FAILED_CHECK = "failed_check"
    REPAIRED = "repaired"
    SEGMENTED = "segmented"
    DAMAGED = "damaged"
    BLANK = "blank"
    CLEAN = "clean"


_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


SUMMARY_COLUMNS = (
    "id",
    "organ",
    "year",
    "template",
    "status",
    "failed_checks",
    *(".".join(c) for c in headline_cells()),
)


def json_line(record: dict[str, Any]) -> str:
    r"""A record as one line of JSON that encodes as UTF-8 whatever its strings hold.

    >>> json_line({"id": "报告", "text": "a\ud800"})
    '{"id": "报告", "text": "a\\ud800"}'
    >>> json.loads(json_line({"text": "a\ud800"}))["text"] == "a\ud800"
    True
    """
    line = json.dumps(record, ensure_ascii=False)
    # Lone surrogates occur only inside JSON strings, where their escape is valid JSON.
    return _LONE_SURROGATE.sub(lambda m: f"\\u{ord(m.group()):04x}", line)


def _safe(value: Any) -> Any:
    """A CSV or Parquet string that encodes as UTF-8 (lone surrogates backslash-escaped)."""
    if isinstance(value, str) and _LONE_SURROGATE.search(value):
        return value.encode("utf-8", "backslashreplace").decode("utf-8")
    return value


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"[+-]?\d+(?:\.\d+)?")


def csv_escape(value: Any) -> Any:
    """A CSV cell a spreadsheet cannot run: a text starting like a formula gets a ``'`` before
    it; numbers, and texts that are plain numbers, stay as they are.

    >>> [csv_escape(v) for v in ("=SUM(A1)", "@x", "-3", -3, "-", "报告", "'a", "'=x", "", None)]
    ["'=SUM(A1)", "'@x", '-3', -3, '-', '报告', "'a", "''=x", '', None]
    """
    if not isinstance(value, str) or value in ("", "-") or _PLAIN_NUMBER.fullmatch(value):
        return value  # a lone "-" (stdin's id, a blank printed as "-") is no formula either
    if value.startswith(_FORMULA_START) or (value.startswith("'") and csv_unescape(value) != value):
        return "'" + value
    return value


def csv_unescape(value: str) -> str:
    """The text :func:`csv_escape` was given.

    >>> all(csv_unescape(csv_escape(s)) == s for s in ("=1+1", "'=x", "''=x", "'a", "-x", "-3"))
    True
    """
    if value.startswith("'") and len(value) > 1 and (value[1] == "'" or value[1:].startswith(_FORMULA_START)):
        return value[1:]
    return value


def _csv_row(values) -> list[Any]:
    return [csv_escape(_safe(v)) for v in values]


def require_pyarrow() -> None:
    try:
        import pyarrow  # noqa: F401
    except ImportError:
        raise ImportError("Parquet output needs pyarrow: pip install 'gongkai[parquet]'") from None


def format_for(path: str | Path, explicit: str | None = None, default: str = "jsonl") -> str:
    """The output format: as given, else from the file suffix; ``default`` for stdout (``-``) and a
    name without a suffix. An unknown suffix, and Parquet to stdout, are errors that name the fix.

    >>> format_for("out.csv"), format_for("out.parquet"), format_for("out.jsonl"), format_for("-"), format_for("out")
    ('csv', 'parquet', 'jsonl', 'jsonl', 'jsonl')
    >>> format_for("out.xlsx")
    Traceback (most recent call last):
    ...
    ValueError: out.xlsx: unknown output suffix '.xlsx': name the file .jsonl, .csv or .parquet, or give --format
    """
    to_stdout = str(path) == "-"
    if explicit:
        if explicit not in FORMATS:
            raise ValueError(f"unknown output format {explicit!r}; formats: {', '.join(FORMATS)}")
        fmt = explicit
    else:
        suffix = "" if to_stdout else Path(str(path)).suffix.lower()
        if suffix and suffix.lstrip(".") not in FORMATS:
            raise ValueError(
                f"{path}: unknown output suffix {suffix!r}: name the file "
                f"{', '.join('.' + f for f in FORMATS[:-1])} or .{FORMATS[-1]}, or give --format"
            )
        fmt = suffix.lstrip(".") or default
    if fmt == "parquet" and to_stdout:
        raise ValueError("Parquet cannot be written to stdout: name a file, e.g. -o out.parquet")
    return fmt


def failed_cells(record: dict[str, Any]) -> set[tuple[str, str, str]]:
    """``(table, row, field)`` of every cell in a check that fails: the cells of the rule's
    equation (for ``narrative.applications``, the table-3 cells the figure is compared with)."""
    from .reconcile import equations

    fails = {
        (c["rule"], c.get("column"), c.get("row"))
        for c in record.get("checks", ())
        if c.get("status") == CheckStatus.FAIL
    }
    if not fails:
        return set()
    out: set[tuple[str, str, str]] = set()
    for table, t in record.get("tables", {}).items():
        for eq in equations(table_template(table, schema_version(t))):
            if (eq.rule, eq.column, eq.row) in fails:
                out.update((table, row, fld) for row, fld in eq.keys)
    if any(rule in NARRATIVE_RULES for rule, _, _ in fails):
        out.update((APPLICATION_FIGURE_TABLE, row, fld) for row, fld in APPLICATION_FIGURE_CELLS)
    return out


def cell_status(
    record: dict[str, Any], table: str, row: str, field: str, failed: set[tuple[str, str, str]] | None = None
) -> CellStatus:
    """How far to trust one cell, from the record's checks and the cell's provenance (the
    first that applies):

    - ``ambiguous``: blank because several readings fit the rules (provenance ``candidates``);
    - ``failed_check``: a value in a check that fails;
    - ``repaired``: a check proved the value (provenance ``repaired_from``: what was printed);
    - ``segmented``: one piece of a glued digit run the rules split (``segmented_from``);
    - ``damaged``: read from damaged print (OCR letters, ``00``) that no check confirmed;
    - ``blank``: printed blank (``null``);
    - ``clean``: read as printed.

    ``failed`` is :func:`failed_cells` of the record (computed when not given).
    """
    prov = record.get("provenance", {}).get(table, {}).get(row, {}).get(field, {})
    value = record["tables"][table]["rows"][row][field]
    if failed is None:
        failed = failed_cells(record)
    if value is None and prov.get("candidates"):
        return CellStatus.AMBIGUOUS
    if value is not None and (table, row, field) in failed:
        return CellStatus.FAILED_CHECK
    if "repaired_from" in prov:
        return CellStatus.REPAIRED
    if "segmented_from" in prov:
        return CellStatus.SEGMENTED
    if prov.get("damaged"):
        return CellStatus.DAMAGED
    return CellStatus.BLANK if value is None else CellStatus.CLEAN


def _cell_text(record: dict[str, Any], table: str, row: str, field: str) -> tuple[str, int | None]:
    prov = record.get("provenance", {}).get(table, {}).get(row, {}).get(field, {})
    return prov.get("text", ""), prov.get("page")


def long_rows(record: dict[str, Any]):
    """The long rows of one record (:data:`CSV_COLUMNS`): a cell per line; a record without cells
    (an error, not a report, a report without tables) is one line with its status, so every
    record is there."""
    rid = _safe(record["id"])
    head = (record.get("organ"), record.get("year"))
    if record.get("error"):
        yield (rid, "", "", "", "", "error: " + record["error"], *head, "", "", "")
        return
    failed = failed_cells(record)
    cells = 0
    for table, t in record.get("tables", {}).items():
        for row, fields in t["rows"].items():
            for field, value in fields.items():
                cells += 1
                text, page = _cell_text(record, table, row, field)
                yield (
                    rid,
                    table,
                    row,
                    field,
                    "" if value is None else value,
                    cell_status(record, table, row, field, failed),
                    *head,
                    t.get("template", ""),
                    text,
                    "" if page is None else page,
                )
    if not cells:
        detail = record.get("status_detail")
        status = f"{record.get('status')}: {detail}" if detail else record.get("status")
        yield (rid, "", "", "", "", status, *head, "", "", "")


def record_template(record: dict[str, Any]) -> str:
    """The template version of a record's tables: ``2021``, ``2019``, ``2019+2021`` where its
    tables differ, ``""`` with none.

    >>> record_template({"tables": {"active_disclosure": {"template": "2019"}, "applications": {"template": "2021"}}})
    '2019+2021'
    """
    versions = {t.get("template") for t in (record.get("tables") or {}).values()} - {None}
    return "+".join(sorted(versions))


def summary_row(record: dict[str, Any]) -> dict[str, Any]:
    """One report in one row (:data:`SUMMARY_COLUMNS`): what it is, how far it holds, and its
    headline numbers (``None`` where not printed or not read)."""
    row = {
        "id": record["id"],
        "organ": record.get("organ"),
        "year": record.get("year"),
        "template": record_template(record),
        "status": record.get("status"),
        "failed_checks": sum(c.get("status") == CheckStatus.FAIL for c in record.get("checks") or ()),
    }
    for table, r, f in headline_cells():
        row[f"{table}.{r}.{f}"] = cell_value(record, table, r, f)
    return row


def figure_rows(record: dict[str, Any]):
    """One row per narrative figure of a record (:data:`FIGURE_COLUMNS`)."""
    for f in record.get("figures") or ():
        yield {
            "id": record["id"],
            "organ": record.get("organ"),
            "year": record.get("year"),
            **{k: f.get(k) for k in FIGURE_COLUMNS[3:]},
        }


# --------------------------------------------------------------------------- Parquet (Arrow) schemas


def _arrow_from_json_schema(node: dict[str, Any]):
    """The Arrow type of a JSON Schema node of the record schema (objects with fixed properties
    are structs, arrays lists, open objects of strings maps)."""
    import pyarrow as pa

    kind = node.get("type")
    if isinstance(kind, list):
        kind = next(k for k in kind if k != "null")
    if kind is None and "enum" in node:
        return pa.string()
    if kind == "object":
        if "properties" in node and not node.get("additionalProperties"):
            return pa.struct([(k, _arrow_from_json_schema(v)) for k, v in node["properties"].items()])
        return pa.map_(pa.string(), pa.string())
    if kind == "array":
        return pa.list_(_arrow_from_json_schema(node["items"]))
    return {"integer": pa.int64(), "number": pa.float64(), "string": pa.string(), "boolean": pa.bool_()}[kind]


def _tables_arrow_type():
    """``tables`` as structs: table → (``template``,) ``rows`` → row → field; counts int64, money
    float64. Rows and fields are those of every template version."""
    import pyarrow as pa

    def table(name: str):
        rows = pa.struct(
            [
                (r, pa.struct([(f, pa.float64() if dec else pa.int64()) for f, dec in fields.items()]))
                for r, fields in union_rows(name).items()
            ]
        )
        return pa.struct(([("template", pa.string())] if name in VERSIONED_TABLES else []) + [("rows", rows)])

    return pa.struct([(t, table(t)) for t in TABLE_KEYS])


def record_arrow_schema():
    """The Arrow schema of a record in Parquet: the record schema (``gongkai formats --schema``)
    as structs and lists, except ``provenance``, which is a list of cells each naming its
    ``table``, ``row`` and ``field`` (one row per cell when unnested)."""
    import pyarrow as pa

    from gongkai.model.record_schema import record_schema

    props = record_schema()["properties"]
    cell = next(iter(next(iter(props["provenance"]["properties"].values()))["properties"].values()))
    cell = cell["additionalProperties"]
    fields = []
    for key, node in props.items():
        if key == "tables":
            fields.append((key, _tables_arrow_type()))
        elif key == "provenance":
            where = [pa.field(k, pa.string()) for k in ("table", "row", "field")]
            fields.append((key, pa.list_(pa.struct(where + list(_arrow_from_json_schema(cell))))))
        else:
            fields.append((key, _arrow_from_json_schema(node)))
    return pa.schema(fields)


def _whole_counts(record: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """``tables`` with every count an int; a count printed with a fraction (counts are whole: a
    misprint or a misreading) cannot be an int64 and is left out, with a warning that says so."""
    out: dict[str, Any] = {}
    notes = []
    for name, t in (record.get("tables") or {}).items():
        kinds = union_rows(name)
        rows = {}
        for row, fields in t.get("rows", {}).items():
            rows[row] = {}
            for fld, v in fields.items():
                if isinstance(v, float) and not kinds.get(row, {}).get(fld, True):
                    if not v.is_integer():
                        notes.append(
                            f"{name}.{row}.{fld} = {v} is not a whole count: null in Parquet "
                            "(the JSONL and CSV keep it)"
                        )
                        v = None
                    else:
                        v = int(v)
                rows[row][fld] = v
        out[name] = {**t, "rows": rows}
    return out, notes


def arrow_record(record: dict[str, Any]) -> dict[str, Any]:
    """A record shaped for :func:`record_arrow_schema`."""
    tables, notes = _whole_counts(record)
    prov = [
        {"table": t, "row": r, "field": f, **cell}
        for t, rows in (record.get("provenance") or {}).items()
        for r, fields in rows.items()
        for f, cell in fields.items()
    ]
    out = {k: _safe(v) for k, v in record.items()}
    out.update(
        id_escaped=bool(record.get("id_escaped")),
        tables=tables,
        provenance=prov,
        warnings=[_safe(w) for w in record.get("warnings") or ()] + notes,
        versions=list((record.get("versions") or {}).items()),
    )
    return out


def _flat_arrow_schema(kind: str):
    """The Arrow schema of the flat tables: cells (long form), summary, figures."""
    import pyarrow as pa

    s, i, f = pa.string(), pa.int64(), pa.float64()
    if kind == "cells":
        types = {"value": f, "year": i, "page": i}
        return pa.schema([(c, types.get(c, s)) for c in CSV_COLUMNS])
    if kind == "figures":
        types = {"year": i, "value": f, "approximate": pa.bool_(), "start": i, "end": i, "page": i}
        return pa.schema([(c, types.get(c, s)) for c in FIGURE_COLUMNS])
    decimal = {f"{t}.{r}.{fld}": union_rows(t)[r][fld] for t, r, fld in headline_cells()}
    return pa.schema(
        [
            (c, i if c in ("year", "failed_checks") else (f if decimal[c] else i) if c in decimal else s)
            for c in SUMMARY_COLUMNS
        ]
    )


def _rows_for(kind: str, record: dict[str, Any]) -> list[dict[str, Any]]:
    """The flat rows of a record for a file of ``kind`` (cells, summary, figures), as dicts."""
    if kind == "cells":
        return [dict(zip(CSV_COLUMNS, r)) for r in long_rows(record)]
    if kind == "summary":
        return [summary_row(record)]
    return list(figure_rows(record))


def _columns(kind: str) -> tuple[str, ...]:
    return {"cells": CSV_COLUMNS, "records": CSV_COLUMNS, "summary": SUMMARY_COLUMNS, "figures": FIGURE_COLUMNS}[kind]


class Writer:
    """Write records to ``path`` in ``fmt``; use as a context manager.

    ``kind`` says what the file holds (:data:`KINDS`): ``records`` (JSONL records, the long CSV,
    nested Parquet), or a flat table of their ``cells``, ``summary`` rows or ``figures``, in any
    format. ``write`` always takes a whole record.
    """

    def __init__(self, path: str | Path, fmt: str, *, append: bool = False, stream=None, kind: str = "records"):
        if kind not in KINDS:
            raise ValueError(f"unknown kind {kind!r}; kinds: {', '.join(KINDS)}")
        self.path, self.fmt, self.append, self.stream, self.kind = Path(str(path)), fmt, append, stream, kind
        self._fh = None
        self._csv = None
        self._pq = None
        self._batch: list[dict[str, Any]] = []

    def __enter__(self) -> Writer:
        mode = "a" if self.append else "w"
        if self.stream is None:  # -o out/run.jsonl on a fresh clone: the folder is the user's intent
            self.path.parent.mkdir(parents=True, exist_ok=True)
        if self.fmt == "jsonl":
            self._fh = self.stream or self.path.open(mode, encoding="utf-8")
        elif self.fmt == "csv":
            new = not (self.append and self.path.exists() and self.path.stat().st_size)
            self._fh = self.stream or self.path.open(mode, encoding="utf-8-sig" if new else "utf-8", newline="")
            self._csv = csv.writer(self._fh)
            if new:
                self._csv.writerow(_columns(self.kind))
        elif self.fmt == "parquet":
            if self.append:
                raise ValueError("--resume cannot append to Parquet; write JSONL or CSV, or a new file")
            require_pyarrow()
            self._schema = record_arrow_schema() if self.kind == "records" else _flat_arrow_schema(self.kind)
        else:
            raise ValueError(f"unknown output format {self.fmt!r}")
        return self

    def write(self, record: dict[str, Any]) -> None:
        if self.fmt == "jsonl":
            lines = [record] if self.kind == "records" else _rows_for(self.kind, record)
            self._fh.write("".join(json_line(x) + "\n" for x in lines))
            self._fh.flush()
        elif self.fmt == "csv":
            if self.kind == "records" or self.kind == "cells":
                rows = long_rows(record)
            else:
                rows = ([r[c] for c in _columns(self.kind)] for r in _rows_for(self.kind, record))
            self._csv.writerows(_csv_row(r) for r in rows)
            self._fh.flush()
        else:
            if self.kind == "records":
                self._batch.append(arrow_record(record))
            else:
                self._batch.extend({k: _safe(v) for k, v in r.items()} for r in _rows_for(self.kind, record))
            if len(self._batch) >= 256:
                self._flush_parquet()

    def _flush_parquet(self) -> None:
        import pyarrow as pa
        import pyarrow.parquet as pq

        if not self._batch:
            return
        table = pa.Table.from_pylist(self._batch, schema=self._schema)
        if self._pq is None:
            self._pq = pq.ParquetWriter(str(self.path), self._schema)
        self._pq.write_table(table)
        self._batch = []

    def __exit__(self, *exc) -> None:
        if self.fmt == "parquet":
            if exc[0] is None:
                self._flush_parquet()
            if self._pq is not None:
                self._pq.close()
            elif exc[0] is None:
                import pyarrow.parquet as pq

                # No record at all: still leave a valid, empty file with the schema.
                pq.write_table(self._schema.empty_table(), str(self.path))
        elif self._fh is not None and self.stream is None:
            self._fh.close()


def done_ids(path: str | Path, fmt: str) -> set[str]:
    """Ids already written to ``path`` (for ``--resume``), after cutting off what an interrupted
    run left half-written, so that appended records start on a clean line:

    - JSONL: a last line without its newline (a record cut off mid-write) is removed;
    - CSV: a record is several rows, and the last one written may be incomplete, so the rows of
      the last id are removed and that document runs again.
    """
    path = Path(str(path))
    if not path.exists():
        return set()
    ids: set[str] = set()
    if fmt == "jsonl":
        _cut_partial_line(path)
        with path.open(encoding="utf-8") as fh:
            for line in fh:
                try:
                    ids.add(json.loads(line)["id"])
                except (json.JSONDecodeError, KeyError, TypeError):
                    continue  # a damaged line: that document runs again
    elif fmt == "csv":
        _cut_partial_line(path)
        with path.open(encoding="utf-8-sig", newline="") as fh:
            rows = list(csv.reader(fh))
        if len(rows) > 1:
            last = rows[-1][0]
            kept = [r for r in rows[1:] if r and r[0] != last]
            with path.open("w", encoding="utf-8-sig", newline="") as fh:  # rewritten as the Writer writes
                w = csv.writer(fh)
                w.writerow(rows[0])
                w.writerows(kept)
            ids = {csv_unescape(r[0]) for r in kept}
    return ids


def _cut_partial_line(path: Path) -> None:
    """Truncate ``path`` after its last newline (nothing to do when it ends with one)."""
    with path.open("rb+") as fh:
        size = fh.seek(0, 2)
        if not size:
            return
        fh.seek(max(0, size - 1))
        if fh.read(1) == b"\n":
            return
        # Walk back in blocks to the last newline (a record is at most a few MB).
        end = size
        while end > 0:
            start = max(0, end - (1 << 16))
            fh.seek(start)
            block = fh.read(end - start)
            k = block.rfind(b"\n")
            if k >= 0:
                fh.truncate(start + k + 1)
                return
            end = start
        fh.truncate(0)
