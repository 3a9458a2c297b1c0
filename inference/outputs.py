"""Output writers for bulk extraction: JSONL (one record per line), CSV in long form (one
table cell per line, ``utf-8-sig`` so Excel opens it) and Parquet (one row per record, the
nested parts as JSON strings). Each writes as records arrive, so memory stays flat.

Every file written is valid UTF-8: ids are escaped where they are not valid Unicode (see
:mod:`.inputs`), and a lone surrogate left in a text is written as its JSON escape in JSONL
(it reads back as the same string) and backslash-escaped in CSV and Parquet.

The CSV's ``status`` says how far to trust each cell (:func:`cell_status`): ``clean``,
``failed_check``, ``repaired``, ``segmented``, ``ambiguous``, ``damaged`` or ``blank``.
"""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path
from typing import Any

from gongkai.model.template import APPLICATION_FIGURE_CELLS, NARRATIVE_RULES, table_template

FORMATS = ("jsonl", "csv", "parquet")

CSV_COLUMNS = ("id", "table", "row", "field", "value", "status")

#: A cell's status in the CSV; where several apply, the first of these.
CELL_STATUSES = ("ambiguous", "failed_check", "repaired", "segmented", "damaged", "blank", "clean")

_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


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


def require_pyarrow() -> None:
    try:
        import pyarrow  # noqa: F401
    except ImportError:
        raise ImportError("Parquet output needs pyarrow: pip install 'gongkai[parquet]'") from None


def format_for(path: str | Path, explicit: str | None = None) -> str:
    """The output format: as given, else from the file suffix, else JSONL.

    >>> format_for("out.csv"), format_for("out.parquet"), format_for("out.jsonl"), format_for("-")
    ('csv', 'parquet', 'jsonl', 'jsonl')
    """
    if explicit:
        if explicit not in FORMATS:
            raise ValueError(f"unknown output format {explicit!r}; formats: {', '.join(FORMATS)}")
        return explicit
    suffix = Path(str(path)).suffix.lower().lstrip(".")
    return suffix if suffix in FORMATS else "jsonl"


def failed_cells(record: dict[str, Any]) -> set[tuple[str, str, str]]:
    """``(table, row, field)`` of every cell in a check that fails: the cells of the rule's
    equation (for ``narrative.applications``, the table-3 cells the figure is compared with)."""
    from .reconcile import equations

    fails = {(c["rule"], c.get("column"), c.get("row")) for c in record.get("checks", ()) if c.get("status") == "fail"}
    if not fails:
        return set()
    out: set[tuple[str, str, str]] = set()
    for table, t in record.get("tables", {}).items():
        for eq in equations(table_template(table, t.get("template", "2021"))):
            if (eq.rule, eq.column, eq.row) in fails:
                out.update((table, row, fld) for row, fld in eq.keys)
    if any(rule in NARRATIVE_RULES for rule, _, _ in fails):
        out.update(("applications", row, fld) for row, fld in APPLICATION_FIGURE_CELLS)
    return out


def cell_status(record: dict[str, Any], table: str, row: str, field: str,
                failed: set[tuple[str, str, str]] | None = None) -> str:
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
        return "ambiguous"
    if value is not None and (table, row, field) in failed:
        return "failed_check"
    if "repaired_from" in prov:
        return "repaired"
    if "segmented_from" in prov:
        return "segmented"
    if prov.get("damaged"):
        return "damaged"
    return "blank" if value is None else "clean"


def long_rows(record: dict[str, Any]):
    """The CSV rows of one record: a cell per line; a record without cells (an error, not a
    report, a report without tables) is one line with its status, so every record is there."""
    rid = _safe(record["id"])
    if record.get("error"):
        yield (rid, "", "", "", "", _safe("error: " + record["error"]))
        return
    failed = failed_cells(record)
    cells = 0
    for table, t in record.get("tables", {}).items():
        for row, fields in t["rows"].items():
            for field, value in fields.items():
                cells += 1
                yield (rid, table, row, field, "" if value is None else value,
                       cell_status(record, table, row, field, failed))
    if not cells:
        detail = record.get("status_detail")
        yield (rid, "", "", "", "", _safe(f"{record.get('status')}: {detail}" if detail else record.get("status")))


class Writer:
    """Write records to ``path`` in ``fmt``; use as a context manager."""

    def __init__(self, path: str | Path, fmt: str, *, append: bool = False, stream=None):
        self.path, self.fmt, self.append, self.stream = Path(str(path)), fmt, append, stream
        self._fh = None
        self._csv = None
        self._pq = None
        self._batch: list[dict[str, Any]] = []

    def __enter__(self) -> "Writer":
        mode = "a" if self.append else "w"
        if self.fmt == "jsonl":
            self._fh = self.stream or self.path.open(mode, encoding="utf-8")
        elif self.fmt == "csv":
            new = not (self.append and self.path.exists() and self.path.stat().st_size)
            self._fh = self.stream or self.path.open(mode, encoding="utf-8-sig" if new else "utf-8", newline="")
            self._csv = csv.writer(self._fh)
            if new:
                self._csv.writerow(CSV_COLUMNS)
        elif self.fmt == "parquet":
            if self.append:
                raise ValueError("--resume cannot append to Parquet; write JSONL or CSV, or a new file")
            require_pyarrow()
        else:
            raise ValueError(f"unknown output format {self.fmt!r}")
        return self

    def write(self, record: dict[str, Any]) -> None:
        if self.fmt == "jsonl":
            self._fh.write(json_line(record) + "\n")
            self._fh.flush()
        elif self.fmt == "csv":
            self._csv.writerows(long_rows(record))
            self._fh.flush()
        else:
            self._batch.append(record)
            if len(self._batch) >= 256:
                self._flush_parquet()

    _PARQUET_SCALARS = ("id", "year", "organ", "status", "status_detail", "error")
    _PARQUET_JSON = ("sections", "tables", "figures", "checks", "provenance", "warnings", "versions")

    @staticmethod
    def _parquet_type(column: str):
        import pyarrow as pa

        return {"year": pa.int64(), "id_escaped": pa.bool_()}.get(column, pa.string())

    def _flush_parquet(self) -> None:
        import pyarrow as pa
        import pyarrow.parquet as pq

        if not self._batch:
            return
        cols = {k: [_safe(r.get(k)) for r in self._batch] for k in self._PARQUET_SCALARS}
        cols["id_escaped"] = [bool(r.get("id_escaped")) for r in self._batch]
        for k in self._PARQUET_JSON:
            cols[k] = [_safe(json.dumps(r.get(k), ensure_ascii=False)) for r in self._batch]
        table = pa.table({k: pa.array(v, type=self._parquet_type(k)) for k, v in cols.items()})
        if self._pq is None:
            self._pq = pq.ParquetWriter(str(self.path), table.schema)
        self._pq.write_table(table)
        self._batch = []

    def __exit__(self, *exc) -> None:
        if self.fmt == "parquet":
            self._flush_parquet()
            if self._pq is not None:
                self._pq.close()
            elif exc[0] is None:
                self._batch = []
                # No record at all: still leave a valid, empty file with the schema.
                import pyarrow as pa
                import pyarrow.parquet as pq

                schema = pa.schema([(k, self._parquet_type(k))
                                    for k in (*self._PARQUET_SCALARS, "id_escaped", *self._PARQUET_JSON)])
                pq.write_table(schema.empty_table(), str(self.path))
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
            ids = {r[0] for r in kept}
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
