"""gongkai audit: a label-free account of a batch — what each report read, which rules hold, and
which reports to look at first — on records whose tables are known to pass, fail, be ambiguous."""

import json
from pathlib import Path

from typer.testing import CliRunner

from gongkai.cli import app
from gongkai.inference.audit import audit, audit_record, render
from gongkai.model import template as T

SEED = Path(__file__).resolve().parents[1] / "annotations" / "expected" / "001_783649b23b5da190.json"


def _record(**over):
    exp = json.loads(SEED.read_text(encoding="utf-8"))
    rec = {
        "id": "r",
        "year": exp["year"],
        "organ": exp["organ"],
        "status": "ok",
        "tables": exp["tables"],
        "checks": [
            {"rule": "applications.balance", "column": "total", "status": "pass", "detail": ""},
            {"rule": "reviews.total", "row": "review", "status": "pass", "detail": ""},
        ],
        "provenance": {},
        "warnings": [],
    }
    rec.update(over)
    return rec


def test_a_complete_table_whose_rules_hold_reads_clean():
    a = audit_record(_record())
    assert a.clean and a.reasons == []
    assert {k: (t.read, t.cells) for k, t in a.tables.items()} == {
        t: (len(T.table_template(t, "2021").cells()),) * 2 for t in T.TABLE_KEYS
    }


def test_a_failing_rule_an_ambiguous_split_and_a_missing_table_are_reasons():
    rec = _record(
        checks=[
            {"rule": "applications.balance", "column": "total", "status": "fail", "detail": "1 ≠ 2"},
            {"rule": "reviews.total", "row": "review", "status": "segmented", "detail": ""},
        ]
    )
    a = audit_record(rec)
    assert not a.clean and a.reasons == ["applications: applications.balance fails (total)"]
    ambiguous = _record()
    ambiguous["tables"] = {k: v for k, v in ambiguous["tables"].items() if k != "reviews"}
    ambiguous["tables"]["active_disclosure"]["rows"]["normative_documents"]["issued"] = None
    ambiguous["provenance"] = {"active_disclosure": {"normative_documents": {"issued": {"candidates": [5, 54]}}}}
    ambiguous["checks"] = []
    a = audit_record(ambiguous)
    assert "reviews: table not read" in a.reasons
    # A narrative check with no figure to compare, or the checks of a table not read, say nothing more.
    skipped = _record(
        checks=[
            {"rule": "narrative.applications", "status": "skipped", "detail": "no figure"},
            {"rule": "reviews.total", "row": "review", "status": "skipped", "detail": ""},
        ]
    )
    skipped["tables"] = {k: v for k, v in skipped["tables"].items() if k != "reviews"}
    assert audit_record(skipped).reasons == ["reviews: table not read"]
    assert "active_disclosure: 1 cells not read (normative_documents.issued)" in a.reasons
    # A cell printed blank is read: provenance without candidates.
    blank = _record()
    blank["tables"]["reviews"]["rows"]["review"]["total"] = None
    blank["provenance"] = {"reviews": {"review": {"total": {"start": 1, "end": 2, "text": "|"}}}}
    assert audit_record(blank).clean


def test_errors_non_reports_and_pre_template_reports_are_counted_apart():
    batch, each = audit(
        [
            _record(id="good"),
            _record(id="bad", checks=[{"rule": "reviews.total", "row": "review", "status": "fail", "detail": ""}]),
            {"id": "broken", "status": "error", "error": "x.txt: not UTF-8"},
            {"id": "news", "status": "not_a_report", "status_detail": "no section heading", "tables": {}},
            _record(id="old", year=2009, tables={}, checks=[]),
        ],
        worst=5,
    )
    d = batch.to_dict()
    assert d["reports"] == 5 and d["clean"] == 2 and d["pre_template"] == ["old"]
    assert [a.id for a in batch.worst] == ["broken", "bad"]  # an error first, then the failing rule
    assert d["rules"]["reviews.total"] == {"pass": 1, "fail": 1}
    assert [a.clean for a in each] == [True, False, False, False, True]
    text = render(batch)
    assert "5 report(s): 2 read clean (40.0%)" in text and "look at first:" in text and "broken" in text


def test_the_command_audits_records_and_extracts_first(tmp_path):
    out = tmp_path / "records.jsonl"
    out.write_text(
        "\n".join(
            json.dumps(r, ensure_ascii=False)
            for r in (
                _record(id="a"),
                _record(id="b", checks=[{"rule": "reviews.total", "status": "fail", "row": "review"}]),
            )
        ),
        encoding="utf-8",
    )
    result = CliRunner().invoke(app, ["audit", str(out), "--json"])
    assert result.exit_code == 0, result.output
    d = json.loads(result.output)
    assert d["reports"] == 2 and d["clean"] == 1 and d["worst"][0]["id"] == "b"
    bad = tmp_path / "bad.jsonl"
    bad.write_text("{not json\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["audit", str(bad)])
    assert result.exit_code == 2 and "bad.jsonl:1" in result.output
    # A report where records belong (an unquoted glob after --extract fills RECORDS): a usage
    # error naming the file and saying how to extract it, never a traceback.
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(b"%PDF-1.7\n\x9c\xff binary")
    result = CliRunner().invoke(app, ["audit", str(out), str(pdf)])
    assert result.exit_code == 2, result.output
    assert "report.pdf" in result.output and "not UTF-8" in result.output and "--extract" in result.output


def test_audit_extract_reads_a_directory_in_one_command(tmp_path):
    from gongkai.training.corpus import read_jsonl

    (rec,) = read_jsonl(SEED.parents[1] / "gold" / "001_783649b23b5da190.jsonl")
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "report.txt").write_text(rec.text, encoding="utf-8")
    kept = tmp_path / "kept.jsonl"
    result = CliRunner().invoke(
        app, ["audit", "--extract", str(tmp_path / "in"), "-o", str(kept), "--json", "--no-progress"]
    )
    assert result.exit_code == 0, result.output
    d = json.loads(result.output[result.output.index("{") :])
    assert d["reports"] == 1 and kept.read_text(encoding="utf-8").count("\n") == 1


def test_reads_clean_is_what_the_record_status_says():
    """The audit's flag and the record's ``status`` are one judgement made twice: on every gold
    report (seeds and real, read from their gold spans) they agree."""
    from gongkai.inference.pipeline import Extractor, SpanTagger
    from gongkai.training.corpus import annotation_files, read_jsonl

    records = [r for f in annotation_files([SEED.parents[1] / "gold"]) for r in read_jsonl(f)]
    extractor = Extractor(SpanTagger({r.id: r.spans for r in records}))
    for rep in extractor.extract_many([(r.id, r.text) for r in records]):
        rec = rep.to_dict()
        assert audit_record(rec).clean == (rec["status"] == "ok"), (rec["id"], rec["status"], audit_record(rec).reasons)


def test_a_row_the_report_leaves_out_is_named_apart_from_cells_not_read():
    rec = _record()
    del rec["tables"]["active_disclosure"]["rows"]["rules"]  # real 030 prints no 规章 row
    a = audit_record(rec)
    assert not a.clean and a.tables["active_disclosure"].absent == ["rules"]
    assert a.reasons == ["active_disclosure: row(s) rules not in the record (not printed, or the label not read)"]
