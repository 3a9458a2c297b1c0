"""Bulk extraction: every input yields exactly one record, in order; bad inputs get a clear
error naming them and never stop the batch; resume skips what is done; outputs are readable."""

import csv
import io
import json

import pytest

from gongkai.inference.bulk import extract_to_file
from gongkai.inference.pipeline import Extractor


class NoTags:
    """A tagger that finds nothing: enough to test the plumbing around the model."""

    def __call__(self, docs, ids):
        return [[] for _ in docs]


class Explodes:
    def __call__(self, docs, ids):
        if any("boom" in d.text for d in docs):
            raise RuntimeError("tagger crashed")
        return [[] for _ in docs]


@pytest.fixture
def corpus(tmp_path):
    d = tmp_path / "in"
    (d / "sub").mkdir(parents=True)
    (d / "a.txt").write_text("一、总体情况\n正文", encoding="utf-8")
    (d / "sub" / "b.html").write_text("<p>二、主动公开政府信息情况</p>", encoding="utf-8")
    (d / "empty.txt").write_bytes(b"")
    (d / "binary.txt").write_bytes(bytes(range(256)) * 8)
    (d / "gbk.txt").write_bytes("一、总体情况".encode("gbk"))
    (d / "docs.jsonl").write_text(
        json.dumps({"id": "j1", "text": "正文"}, ensure_ascii=False)
        + "\n"
        + "{not json\n"
        + json.dumps({"id": "j3", "html": "<p>正文</p>"})
        + "\n"
        + json.dumps({"id": "j4", "body": "no text field"})
        + "\n",
        encoding="utf-8",
    )
    return d


def _run(inputs, out, **kw):
    kw.setdefault("extractor", Extractor(NoTags()))
    return extract_to_file([str(i) for i in inputs], out, progress=False, **kw)


def test_every_input_yields_exactly_one_record_and_failures_name_the_input(corpus, tmp_path):
    out = tmp_path / "out.jsonl"
    summary = _run([corpus, tmp_path / "missing.txt"], out)
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    ids = [r["id"] for r in records]
    assert len(records) == summary.total == 10
    assert ids[-1].endswith("missing.txt")
    by_id = {r["id"]: r for r in records}
    assert "no such file" in by_id[str(tmp_path / "missing.txt")]["error"]
    assert by_id[str(corpus / "binary.txt")]["error"]
    assert str(corpus / "binary.txt") in by_id[str(corpus / "binary.txt")]["error"]
    assert by_id["j1"]["error"] is None and by_id["j3"]["error"] is None
    assert "no 'text' or 'html'" in next(r for r in records if r["id"].endswith(":4") or r["id"] == "j4")["error"]
    assert any("not a JSON object" in (r["error"] or "") for r in records)
    assert by_id[str(corpus / "gbk.txt")]["error"] is None
    assert summary.failed == sum(1 for r in records if r["error"])
    assert summary.exit_code == 1
    for r in records:
        assert r["versions"]["gongkai"]


def test_skip_leaves_out_files_of_a_folder_that_are_no_report(tmp_path):
    """A scraped corpus keeps metadata beside each page (shared/real: origin.txt, README.md):
    --skip names them, they are listed as not read, and a file named on its own is still read."""
    d = tmp_path / "real"
    for sub in ("001", "002"):
        (d / sub).mkdir(parents=True)
        (d / sub / "source.txt").write_text("一、总体情况\n正文", encoding="utf-8")
        (d / sub / "origin.txt").write_text("https://example.org/report", encoding="utf-8")
    (d / "README.md").write_text("# corpus", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    summary = _run([d, d / "001" / "origin.txt"], out, skip_names=["origin.txt", "README*"])
    ids = [json.loads(line)["id"] for line in out.read_text(encoding="utf-8").splitlines()]
    assert ids == [str(d / "001" / "source.txt"), str(d / "002" / "source.txt"), str(d / "001" / "origin.txt")]
    assert (str(d / "002" / "origin.txt"), "matches --skip origin.txt") in summary.not_read
    assert (str(d / "README.md"), "matches --skip README*") in summary.not_read
    # The same through a glob.
    summary = _run([str(d / "*" / "*")], tmp_path / "glob.jsonl", skip_names=["origin.txt"])
    assert summary.total == 2


def test_a_crashing_tagger_fails_only_its_document(tmp_path):
    src = tmp_path / "in.jsonl"
    src.write_text(
        "\n".join(json.dumps({"id": i, "text": t}) for i, t in [("ok1", "正文"), ("bad", "boom"), ("ok2", "正文")]),
        encoding="utf-8",
    )
    out = tmp_path / "out.jsonl"
    summary = _run([src], out, extractor=Extractor(Explodes()), batch_size=3)
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [r["id"] for r in records] == ["ok1", "bad", "ok2"]
    assert [bool(r["error"]) for r in records] == [False, True, False]
    assert "tagger crashed" in records[1]["error"]
    assert summary.failed == 1


def test_resume_skips_ids_already_written(tmp_path):
    src = tmp_path / "in.jsonl"
    src.write_text("\n".join(json.dumps({"id": f"d{i}", "text": "正文"}) for i in range(5)), encoding="utf-8")
    out = tmp_path / "out.jsonl"
    first = src.read_text(encoding="utf-8").splitlines()[:2]
    part = tmp_path / "part.jsonl"
    part.write_text("\n".join(first), encoding="utf-8")
    _run([part], out)
    summary = _run([src], out, resume=True)
    assert summary.skipped == 2 and summary.total == 3
    ids = [json.loads(line)["id"] for line in out.read_text(encoding="utf-8").splitlines()]
    assert ids == [f"d{i}" for i in range(5)]


def test_stdin_and_csv_long_form(tmp_path):
    out = tmp_path / "out.csv"
    summary = _run(["-"], out, stdin=io.BytesIO("正文".encode()))
    assert summary.total == 1
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # utf-8-sig, so Excel reads the Chinese right
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    # No table found: still one row, carrying the record's status, so every input is in the file.
    assert [(r["id"], r["table"], r["status"].split(":")[0]) for r in rows] == [("-", "", "not_a_report")]
    header = raw.decode("utf-8-sig").splitlines()[0]
    assert header == "id,table,row,field,value,status,organ,year,template,text,page"


def test_parquet_output(tmp_path):
    pq = pytest.importorskip("pyarrow.parquet")
    src = tmp_path / "in.jsonl"
    src.write_text(json.dumps({"id": "x", "text": "正文"}), encoding="utf-8")
    out = tmp_path / "out.parquet"
    _run([src], out)
    table = pq.read_table(out)
    assert table.column("id").to_pylist() == ["x"]
    (row,) = table.to_pylist()
    assert row["tables"] == {"active_disclosure": None, "applications": None, "reviews": None}  # structs, not JSON
    assert row["status"] == "not_a_report" and row["versions"][0][0] == "gongkai"


def test_parquet_input_is_read_by_the_local_engine_one_record_per_row(tmp_path):
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    d = tmp_path / "in"
    d.mkdir()
    rows = [{"id": "p1", "text": "一、总体情况\n正文"}, {"id": None, "text": "正文"}, {"id": "p3", "text": None}]
    pq.write_table(pa.Table.from_pylist(rows), d / "docs.parquet")
    pq.write_table(pa.Table.from_pylist([{"id": "h1", "html": "<p>正文</p>"}]), d / "pages.parquet")
    (d / "broken.parquet").write_bytes(b"PAR1 not really")
    _run([tmp_path / "in" / "a.txt"], d / "old.parquet")  # an earlier run's output, found in the folder
    out = tmp_path / "out.jsonl"
    summary = _run([d], out)
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    ids = [r["id"] for r in records]
    assert ids == [str(d / "broken.parquet"), "p1", f"{d / 'docs.parquet'}:2", "p3", "h1"]
    assert "cannot read Parquet" in records[0]["error"]
    assert records[1]["error"] is None and records[1]["sections"] and records[4]["error"] is None
    assert "no 'text' or 'html' value" in records[3]["error"]
    assert summary.failed == 2 and (str(d / "old.parquet"), "gongkai output (records without text)") in summary.not_read


def test_cross_check_writes_warnings_naming_both_reports(tmp_path):
    import gongkai.inference.bulk as bulk

    records = [
        {
            "id": "r2022",
            "year": 2022,
            "organ": "甲局",
            "error": None,
            "tables": {"applications": {"template": "2021", "rows": {"carried_forward": {"total": 3}}}},
        },
        {
            "id": "r2023",
            "year": 2023,
            "organ": "甲局",
            "error": None,
            "tables": {"applications": {"template": "2021", "rows": {"carried_over": {"total": 1}}}},
        },
    ]

    class Canned:
        """An extractor that returns two years of one organ whose carry-over disagrees."""

        versions = {"gongkai": "test"}

        def extract_many(self, items, batch_size=8):
            from gongkai.inference.report import Report

            for (i, _), r in zip(items, records):
                yield Report(id=i, year=r["year"], organ=r["organ"], tables=r["tables"])

    src = tmp_path / "in.jsonl"
    src.write_text("\n".join(json.dumps({"id": r["id"], "text": "x"}) for r in records), encoding="utf-8")
    warnings = tmp_path / "cross.jsonl"
    summary = bulk.extract_to_file(
        [str(src)], tmp_path / "out.jsonl", extractor=Canned(), progress=False, cross_check=warnings
    )
    lines = [json.loads(x) for x in warnings.read_text(encoding="utf-8").splitlines()]
    assert summary.cross_warnings == 1 and len(lines) == 1
    assert lines[0]["previous"]["id"] == "r2022" and lines[0]["current"]["id"] == "r2023"


def test_bad_inputs_each_give_one_record_and_never_stop_the_batch(tmp_path):
    d = tmp_path / "bad"
    d.mkdir()
    (d / "a_huge.txt").write_bytes((("一、总体情况\n" + "正文。" * 100 + "\n") * 60_000).encode("utf-8"))  # ~55 MB
    (d / "b_truncated.txt").write_bytes("一、总体情况 正文".encode()[:-1])
    (d / "c_scripts.html").write_text(
        "<html><script>var x='一、总体情况';</script><p>正文</p></html>", encoding="utf-8"
    )
    (d / "d_not_a_report.txt").write_text("今天天气很好。", encoding="utf-8")
    (d / "e_cut_mid_table.txt").write_text(
        "三、收到和处理政府信息公开申请情况\n一、本年新收政府信息公开申请数量 | 3 | 0 |", encoding="utf-8"
    )
    out = tmp_path / "out.jsonl"
    summary = _run([d], out)
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    by_name = {r["id"].rsplit("/", 1)[-1]: r for r in records}
    assert len(records) == summary.total == 5
    assert "too large" in by_name["a_huge.txt"]["error"] and "a_huge.txt" in by_name["a_huge.txt"]["error"]
    # A record all the same: a report's heading makes it a report without tables; without one,
    # with nothing tagged, it is not a report.
    for name, status in (
        ("b_truncated.txt", "partial"),
        ("c_scripts.html", "not_a_report"),
        ("d_not_a_report.txt", "not_a_report"),
        ("e_cut_mid_table.txt", "partial"),
    ):
        assert by_name[name]["error"] is None, by_name[name]
        assert by_name[name]["status"] == status, name
    assert summary.failed == 1


# --------------------------------------------------------------------------- record status, at a glance


def _report(**kw):
    from gongkai.inference.report import Report

    base = {
        "id": "r",
        "year": 2023,
        "sections": [{"key": "overview", "number": "一", "title": "总体情况", "start": 0, "end": 6}],
    }
    return Report(**{**base, **kw})


def _full_tables():
    from gongkai.model.template import TABLE_KEYS, VERSIONED_TABLES, table_template

    out = {}
    for t in TABLE_KEYS:
        rows = {}
        for row, fld in table_template(t, "2021").cells():
            rows.setdefault(row, {})[fld] = 0
        out[t] = {"template": "2021", "rows": rows} if t in VERSIONED_TABLES else {"rows": rows}
    return out


def test_status_ok_only_when_every_template_cell_reads_clean():
    assert _report(tables=_full_tables()).status == "ok"
    assert _report(tables=_full_tables()).to_dict()["status_detail"] is None


def test_status_partial_names_what_is_missing():
    tables = _full_tables()
    del tables["reviews"]
    del tables["applications"]["rows"]["granted"]["natural_person"]
    r = _report(tables=tables)
    assert r.status == "partial"
    assert "reviews" in r.status_detail and "1 template cell" in r.status_detail
    tables = _full_tables()
    tables["applications"]["rows"]["granted"]["total"] = None
    prov = {
        "applications": {
            "granted": {"total": {"start": 0, "end": 2, "text": "12", "confidence": 0.5, "candidates": [1, 2]}}
        }
    }
    r = _report(tables=tables, provenance=prov)
    assert r.status == "partial" and "ambiguous" in r.status_detail


def test_status_failed_checks_wins_over_partial_and_a_pre_2019_report_needs_no_tables():
    checks = [
        {"rule": "reviews.total", "row": "review", "status": "fail", "detail": "1 ≠ 2"},
        {"rule": "applications.balance", "column": "total", "status": "pass", "detail": ""},
    ]
    r = _report(tables={}, checks=checks, figures=[{"metric": "新增主动公开信息", "value": 3}])
    assert r.status == "failed_checks" and r.status_detail.startswith("1 failed check")
    assert _report(year=2017, warnings=["2017: before the national template"]).status == "ok"
    assert _report(year=2023).status == "partial"


def test_status_not_a_report_says_which_signs_are_missing():
    r = _report(
        sections=[{"key": None, "number": "一", "title": "新闻", "start": 0, "end": 2}],
        figures=[{"metric": "接待游客", "value": 660000, "unit": "人次"}],
    )
    assert r.status == "not_a_report"
    assert r.status_detail == "no section heading of a report, no template table, no figure of a report"
    assert _report(figures=[]).status == "partial"  # a heading alone: a report, without its tables
    assert _report(sections=[], figures=[{"metric": "主动公开政府信息", "value": 5}]).status == "partial"
    from gongkai.inference.report import Report

    assert Report.failed("x", "x: boom").status == "error"


# --------------------------------------------------------------------------- the CSV's per-cell status


def test_csv_cell_status_reads_checks_and_provenance():
    from gongkai.inference.outputs import long_rows

    tables = _full_tables()
    rows = tables["applications"]["rows"]
    rows["carried_over"]["total"] = None  # ambiguous
    rows["carried_over"]["other_org"] = None  # blank
    prov = {
        "applications": {
            "new_received": {
                "natural_person": {"start": 0, "end": 3, "text": "1O", "confidence": 1, "repaired_from": "1O"},
                "commercial": {"start": 3, "end": 9, "text": "00", "confidence": 1, "segmented_from": "1020"},
                "research": {"start": 9, "end": 11, "text": "11B", "confidence": 1, "damaged": True},
            },
            "carried_over": {"total": {"start": 11, "end": 13, "text": "125", "confidence": 1, "candidates": [12, 5]}},
        }
    }
    checks = [
        {"rule": "applications.row_total", "row": "granted", "status": "fail", "detail": "1 ≠ 2"},
        {"rule": "narrative.applications", "status": "fail", "detail": "9 ≠ 0"},
    ]
    rec = _report(tables=tables, provenance=prov, checks=checks).to_dict()
    got = {(r[2], r[3]): r[5] for r in long_rows(rec) if r[1] == "applications"}
    assert got["new_received", "natural_person"] == "repaired"
    assert got["new_received", "commercial"] == "segmented"
    assert got["new_received", "research"] == "damaged"
    assert got["carried_over", "total"] == "ambiguous"
    assert got["carried_over", "other_org"] == "blank"
    assert {got["granted", f] for f in rows["granted"]} == {"failed_check"}  # every cell of the failed row
    assert got["new_received", "total"] == "failed_check"  # the cell the narrative check compares
    assert got["denied.state_secret", "total"] == "clean"
