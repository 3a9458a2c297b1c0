"""Output writers for bulk extraction: JSONL (one record per line), CSV in long form (one
table cell per line, ``utf-8-sig`` so Excel opens it) and Parquet (one row per record, the
nested parts as JSON strings). Each writes as records arrive, so memory stays flat.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

FORMATS = ("jsonl", "csv", "parquet")

CSV_COLUMNS = ("id", "table", "row", "field", "value", "status")


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


def cell_status(record: dict[str, Any], table: str, row: str, field: str) -> str:
    """``repaired`` where a check repaired the cell, ``ambiguous`` where it is null between the
    readings of a glued run, ``segmented`` where it is one piece of a glued run's split (nobody
    printed it as a number of its own), ``blank`` where it is null, else ``ok``."""
    prov = record.get("provenance", {}).get(table, {}).get(row, {}).get(field, {})
    if "repaired_from" in prov:
        return "repaired"
    if "candidates" in prov:
        return "ambiguous"
    if "segmented_from" in prov:
        return "segmented"
    value = record["tables"][table]["rows"][row][field]
    return "blank" if value is None else "ok"


def long_rows(record: dict[str, Any]):
    """The CSV rows of one record: a cell per line, or one line with the error."""
    if record.get("error"):
        yield (record["id"], "", "", "", "", "error: " + record["error"])
        return
    for table, t in record.get("tables", {}).items():
        for row, fields in t["rows"].items():
            for field, value in fields.items():
                yield (record["id"], table, row, field, "" if value is None else value,
                       cell_status(record, table, row, field))


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
            try:
                import pyarrow  # noqa: F401
            except ImportError:
                raise RuntimeError("Parquet output needs pyarrow: pip install 'gongkai[parquet]'") from None
        else:
            raise ValueError(f"unknown output format {self.fmt!r}")
        return self

    def write(self, record: dict[str, Any]) -> None:
        if self.fmt == "jsonl":
            self._fh.write(json.dumps(record, ensure_ascii=False) + "\n")
            self._fh.flush()
        elif self.fmt == "csv":
            self._csv.writerows(long_rows(record))
            self._fh.flush()
        else:
            self._batch.append(record)
            if len(self._batch) >= 256:
                self._flush_parquet()

    _PARQUET_JSON = ("sections", "tables", "figures", "checks", "provenance", "warnings", "versions")

    def _flush_parquet(self) -> None:
        import pyarrow as pa
        import pyarrow.parquet as pq

        if not self._batch:
            return
        cols = {
            "id": [r["id"] for r in self._batch],
            "year": [r.get("year") for r in self._batch],
            "organ": [r.get("organ") for r in self._batch],
            "status": [r.get("status") for r in self._batch],
            "error": [r.get("error") for r in self._batch],
        }
        for k in self._PARQUET_JSON:
            cols[k] = [json.dumps(r.get(k), ensure_ascii=False) for r in self._batch]
        table = pa.table({k: pa.array(v, type=pa.int64() if k == "year" else pa.string()) for k, v in cols.items()})
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

                schema = pa.schema([(k, pa.int64() if k == "year" else pa.string())
                                    for k in ("id", "year", "organ", "status", "error", *self._PARQUET_JSON)])
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
