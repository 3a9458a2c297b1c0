"""Outputs ready for analysis: a row per report (--summary, gongkai tables --wide), the long CSV
with organ, year, template, status and printed text, a row per figure, Parquet with real nested
types that pandas, polars and DuckDB read as they are, and CSV a spreadsheet cannot run."""

import csv
import io
import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from gongkai.cli import app
from gongkai.inference.bulk import extract_to_file
from gongkai.inference.outputs import (
    CSV_COLUMNS,
    FIGURE_COLUMNS,
    SUMMARY_COLUMNS,
    Writer,
    csv_unescape,
    done_ids,
    summary_row,
)
from gongkai.inference.pipeline import Extractor, SpanTagger
from gongkai.training.corpus import annotation_files, read_jsonl

ROOT = Path(__file__).resolve().parents[1]
SEEDS = [
    r for f in annotation_files([ROOT / "annotations" / "gold"]) for r in read_jsonl(f) if not r.id.startswith("real-")
]

#: The README's example: new applications per organ per year, from the one-row-per-report table
#: (keep it and the README's block in step; the test below checks they match when the README has it).
README_QUERY = '''import duckdb
duckdb.sql("""SELECT organ, year, "applications.new_received.total" AS new_applications
              FROM 'summary.parquet' ORDER BY organ, year""").show()'''


@pytest.fixture(scope="module")
def records():
    """The five gold seeds extracted with their gold spans as the tagger: real records, no model."""
    extractor = Extractor(SpanTagger({r.id: r.spans for r in SEEDS}))
    return [extractor.extract(r.text, id=r.id).to_dict() for r in SEEDS]


def _write(path, records, fmt, kind="records"):
    with Writer(path, fmt, kind=kind) as w:
        for r in records:
            w.write(r)
    return path


def _csv(path):
    raw = Path(path).read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # utf-8-sig, so Excel reads the Chinese right
    return list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))


# --------------------------------------------------------------------------- one row per report


def test_the_summary_has_a_row_per_report_with_its_headline_numbers_named_as_in_the_schema(records, tmp_path):
    assert len(records) == 5
    rows = _csv(_write(tmp_path / "s.csv", records, "csv", "summary"))
    assert tuple(rows[0]) == SUMMARY_COLUMNS
    assert SUMMARY_COLUMNS[:6] == ("id", "organ", "year", "template", "status", "failed_checks")
    for name in (
        "applications.new_received.total",
        "applications.carried_over.total",
        "applications.granted.total",
        "applications.total.total",
        "applications.carried_forward.total",
        "reviews.review.upheld",
        "reviews.litigation_direct.total",
        "active_disclosure.rules.issued",
        "active_disclosure.normative_documents.in_force",
    ):
        assert name in SUMMARY_COLUMNS
    for row, rec in zip(rows, records):
        assert row["id"] == rec["id"] and row["status"] == rec["status"] and row["year"] == str(rec["year"])
        apps = rec["tables"]["applications"]
        assert row["template"] in ("2019", "2021", "2019+2021")
        assert row["applications.new_received.total"] == str(apps["rows"]["new_received"]["total"])
        assert row["failed_checks"] == str(sum(c["status"] == "fail" for c in rec["checks"]))


def test_summary_counts_failed_checks_and_names_mixed_templates():
    rec = {
        "id": "x",
        "organ": "甲局",
        "year": 2023,
        "status": "failed_checks",
        "tables": {
            "active_disclosure": {"template": "2019", "rows": {"rules": {"made": 2}}},
            "applications": {"template": "2021", "rows": {"new_received": {"total": 7}}},
        },
        "checks": [
            {"rule": "reviews.total", "status": "fail"},
            {"rule": "applications.balance", "status": "fail"},
            {"rule": "applications.outcomes", "status": "pass"},
        ],
    }
    row = summary_row(rec)
    assert row["template"] == "2019+2021" and row["failed_checks"] == 2
    assert row["applications.new_received.total"] == 7 and row["active_disclosure.rules.made"] == 2
    assert row["active_disclosure.rules.issued"] is None and row["reviews.review.total"] is None


# --------------------------------------------------------------------------- the long CSV and figures


def test_the_long_csv_carries_organ_year_template_status_and_the_printed_text(records, tmp_path):
    rows = _csv(_write(tmp_path / "c.csv", records, "csv"))
    assert tuple(rows[0]) == CSV_COLUMNS
    assert CSV_COLUMNS[:6] == ("id", "table", "row", "field", "value", "status")  # the columns it always had
    by_id = {r["id"]: r for r in records}
    for row in rows:
        rec = by_id[row["id"]]
        assert row["organ"] == (rec["organ"] or "") and row["year"] == str(rec["year"])
        prov = rec["provenance"][row["table"]][row["row"]].get(row["field"])
        if prov:
            assert row["text"] == prov["text"]
        assert row["template"] == rec["tables"][row["table"]].get("template", "")
        assert row["status"] in ("clean", "failed_check", "repaired", "segmented", "ambiguous", "damaged", "blank")
    assert sum(len(fields) for r in records for t in r["tables"].values() for fields in t["rows"].values()) == len(rows)


def test_figures_get_a_row_each_in_their_own_file(records, tmp_path):
    out = tmp_path / "out.jsonl"
    extractor = Extractor(SpanTagger({r.id: r.spans for r in SEEDS}))
    folder = tmp_path / "in"
    folder.mkdir()
    for r in SEEDS:
        (folder / f"{r.id}.txt").write_text(r.text, encoding="utf-8")
    extractor.tag.spans = {str(folder / f"{r.id}.txt"): r.spans for r in SEEDS}
    extract_to_file(
        [str(folder)],
        out,
        progress=False,
        extractor=extractor,
        summary_file=tmp_path / "s.parquet",
        figures_file=tmp_path / "f.csv",
    )
    written = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    rows = _csv(tmp_path / "f.csv")
    assert tuple(rows[0]) == FIGURE_COLUMNS
    assert len(rows) == sum(len(r["figures"]) for r in written) > 20
    first = next(r for r in written if r["figures"])
    fig = first["figures"][0]
    row = next(x for x in rows if x["id"] == first["id"])
    assert (row["metric"], row["value"], row["unit"], row["text"]) == (
        fig["metric"],
        str(fig["value"]),
        fig["unit"],
        fig["text"],
    )
    pq = pytest.importorskip("pyarrow.parquet")
    assert pq.read_table(tmp_path / "s.parquet").column("id").to_pylist() == [r["id"] for r in written]


def test_summary_and_figures_refuse_resume_and_stdout(tmp_path):
    src = tmp_path / "a.txt"
    src.write_text("一、总体情况\n", encoding="utf-8")
    ex = Extractor(SpanTagger({}))
    with pytest.raises(ValueError, match="gongkai tables"):
        extract_to_file(
            [str(src)], tmp_path / "o.jsonl", resume=True, progress=False, extractor=ex, summary_file=tmp_path / "s.csv"
        )
    with pytest.raises(ValueError, match="file name"):
        extract_to_file([str(src)], tmp_path / "o.jsonl", progress=False, extractor=ex, figures_file="-")


# --------------------------------------------------------------------------- Parquet, nested


def test_parquet_records_have_real_nested_types_that_pandas_polars_and_duckdb_read(records, tmp_path):
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    path = _write(tmp_path / "r.parquet", records, "parquet")
    schema = pq.read_schema(path)
    assert pa.types.is_struct(schema.field("tables").type)
    for name in ("sections", "figures", "checks", "provenance", "warnings"):
        assert pa.types.is_list(schema.field(name).type), name
    assert pa.types.is_int64(schema.field("year").type)
    # pandas: nested values as Python dicts and lists
    pd = pytest.importorskip("pandas")
    df = pd.read_parquet(path)
    first = df.iloc[0]
    want = records[0]["tables"]["applications"]["rows"]["new_received"]["total"]
    assert first["tables"]["applications"]["rows"]["new_received"]["total"] == want
    assert first["figures"][0]["metric"] == records[0]["figures"][0]["metric"]
    # polars
    pl = pytest.importorskip("polars")
    got = pl.read_parquet(path).select(
        pl.col("tables")
        .struct.field("applications")
        .struct.field("rows")
        .struct.field("new_received")
        .struct.field("total")
    )
    assert got.to_series().to_list() == [r["tables"]["applications"]["rows"]["new_received"]["total"] for r in records]
    # DuckDB: dotted paths into the structs, UNNEST over the lists
    duckdb = pytest.importorskip("duckdb")
    rows = duckdb.sql(f"SELECT id, tables.applications.rows.new_received.total FROM '{path}' ORDER BY id").fetchall()
    assert rows == sorted((r["id"], r["tables"]["applications"]["rows"]["new_received"]["total"]) for r in records)
    n = duckdb.sql(f"SELECT count(*) FROM (SELECT UNNEST(provenance) FROM '{path}')").fetchall()[0][0]
    assert n == sum(len(f) for r in records for rows_ in r["provenance"].values() for f in rows_.values())
    cell = duckdb.sql(
        f"SELECT p.text, p.start FROM (SELECT UNNEST(provenance) AS p FROM '{path}') "
        "WHERE p.table = 'applications' AND p.row = 'new_received' AND p.field = 'total' "
        "LIMIT 1"
    ).fetchall()[0]
    prov = records[0]["provenance"]["applications"]["new_received"]["total"]
    assert cell == (prov["text"], prov["start"])


def test_the_readme_query_gives_new_applications_per_organ_per_year(records, tmp_path, monkeypatch, capsys):
    pytest.importorskip("duckdb")
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(r"```python\n(import duckdb\n.*?)```", readme, re.S)
    if block:
        assert block.group(1).strip() == README_QUERY  # the README shows what is tested here
    _write(tmp_path / "summary.parquet", records, "parquet", "summary")
    monkeypatch.chdir(tmp_path)
    exec(README_QUERY, {})
    out = capsys.readouterr().out
    for r in records:
        assert r["organ"] in out and str(r["tables"]["applications"]["rows"]["new_received"]["total"]) in out


def test_a_count_printed_with_a_fraction_is_null_in_parquet_and_says_so(records, tmp_path):
    pq = pytest.importorskip("pyarrow.parquet")
    rec = json.loads(json.dumps(records[0]))
    rec["tables"]["applications"]["rows"]["new_received"]["total"] = 12.5
    table = pq.read_table(_write(tmp_path / "r.parquet", [rec], "parquet")).to_pylist()[0]
    assert table["tables"]["applications"]["rows"]["new_received"]["total"] is None  # never truncated to 12
    assert any("12.5 is not a whole count" in w for w in table["warnings"])
    rec["tables"]["applications"]["rows"]["new_received"]["total"] = 12.0
    table = pq.read_table(_write(tmp_path / "r.parquet", [rec], "parquet")).to_pylist()[0]
    assert table["tables"]["applications"]["rows"]["new_received"]["total"] == 12


def test_an_empty_parquet_still_has_the_schema(tmp_path):
    pq = pytest.importorskip("pyarrow.parquet")
    for kind in ("records", "summary", "figures", "cells"):
        path = _write(tmp_path / f"{kind}.parquet", [], "parquet", kind)
        assert pq.read_table(path).num_rows == 0
    assert pq.read_schema(tmp_path / "summary.parquet").names == list(SUMMARY_COLUMNS)


# --------------------------------------------------------------------------- CSV in a spreadsheet


def test_csv_cells_that_a_spreadsheet_would_run_are_escaped_and_numbers_stay_numbers(records, tmp_path):
    rec = json.loads(json.dumps(records[0]))
    rec["id"] = '=HYPERLINK("http://x")'
    rec["organ"] = "+cmd|' /C calc'!A0"
    rec["figures"] = [{**rec["figures"][0], "metric": "@SUM(1+1)", "text": "\tx", "value": -3}]
    rows = _csv(_write(tmp_path / "c.csv", [rec], "csv"))
    assert {r["id"] for r in rows} == {'\'=HYPERLINK("http://x")'}
    assert {r["organ"] for r in rows} == {"'+cmd|' /C calc'!A0"}
    figs = _csv(_write(tmp_path / "f.csv", [rec], "csv", "figures"))
    assert (figs[0]["metric"], figs[0]["text"], figs[0]["value"]) == ("'@SUM(1+1)", "'\tx", "-3")  # -3 is a number
    # 2019's 本年增/减 is signed: a negative count and its printed text stay as they are
    rec["tables"]["active_disclosure"] = {"template": "2019", "rows": {"licensing": {"change": -8}}}
    rec["provenance"]["active_disclosure"] = {
        "licensing": {"change": {"start": 0, "end": 2, "text": "-8", "confidence": 1.0}}
    }
    row = next(r for r in _csv(_write(tmp_path / "c.csv", [rec], "csv")) if r["field"] == "change")
    assert (row["value"], row["text"]) == ("-8", "-8")
    # Escaped ids read back as they were: --resume finds the records it wrote.
    assert csv_unescape(rows[0]["id"]) == rec["id"]
    with Writer(tmp_path / "r.csv", "csv") as w:
        w.write(rec)
        w.write({**rec, "id": "b"})
    assert done_ids(tmp_path / "r.csv", "csv") == {rec["id"]}  # the last id is cut (it may be partial)


# --------------------------------------------------------------------------- gongkai tables


def _cli(*args):
    return CliRunner().invoke(app, [str(a) for a in args])


def test_gongkai_tables_writes_cells_a_row_per_report_or_figures(records, tmp_path):
    src = _write(tmp_path / "out.jsonl", records, "jsonl")
    result = _cli("tables", src, "--wide", "-o", tmp_path / "w.csv")
    assert result.exit_code == 0, result.output
    assert [r["id"] for r in _csv(tmp_path / "w.csv")] == [r["id"] for r in records]
    result = _cli("tables", src, "--figures", "-o", tmp_path / "f.parquet")
    assert result.exit_code == 0, result.output
    pq = pytest.importorskip("pyarrow.parquet")
    assert pq.read_table(tmp_path / "f.parquet").num_rows == sum(len(r["figures"]) for r in records)
    result = _cli("tables", src)  # the cells, CSV on stdout
    assert result.exit_code == 0
    assert result.stdout.splitlines()[0] == ",".join(CSV_COLUMNS)
    assert len(result.stdout.splitlines()) == 1 + sum(
        len(f) for r in records for t in r["tables"].values() for f in t["rows"].values()
    )


@pytest.mark.parametrize(
    "args, message",
    [
        (["--wide", "--figures"], "not both"),
        (["-o", "x.xlsx"], "unknown output suffix '.xlsx'"),
        (["--wide", "-o", "-", "--format", "parquet"], "Parquet cannot be written to stdout"),
    ],
)
def test_gongkai_tables_refuses_what_it_cannot_write(records, tmp_path, args, message):
    src = _write(tmp_path / "out.jsonl", records[:1], "jsonl")
    result = _cli("tables", src, *args)
    assert result.exit_code == 2 and message in result.output, result.output
    assert _cli("tables", tmp_path / "missing.jsonl").exit_code == 2
