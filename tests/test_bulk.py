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
        json.dumps({"id": "j1", "text": "正文"}, ensure_ascii=False) + "\n"
        + "{not json\n"
        + json.dumps({"id": "j3", "html": "<p>正文</p>"}) + "\n"
        + json.dumps({"id": "j4", "body": "no text field"}) + "\n",
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


def test_a_crashing_tagger_fails_only_its_document(tmp_path):
    src = tmp_path / "in.jsonl"
    src.write_text("\n".join(json.dumps({"id": i, "text": t}) for i, t in
                             [("ok1", "正文"), ("bad", "boom"), ("ok2", "正文")]), encoding="utf-8")
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
    summary = _run(["-"], out, stdin=io.BytesIO("正文".encode("utf-8")))
    assert summary.total == 1
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # utf-8-sig, so Excel reads the Chinese right
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows == []  # no tables found, no error: a header only
    header = raw.decode("utf-8-sig").splitlines()[0]
    assert header == "id,table,row,field,value,status"


def test_parquet_output(tmp_path):
    pq = pytest.importorskip("pyarrow.parquet")
    src = tmp_path / "in.jsonl"
    src.write_text(json.dumps({"id": "x", "text": "正文"}), encoding="utf-8")
    out = tmp_path / "out.parquet"
    _run([src], out)
    table = pq.read_table(out)
    assert table.column("id").to_pylist() == ["x"]
    assert json.loads(table.column("tables").to_pylist()[0]) == {}


def test_cross_check_writes_warnings_naming_both_reports(tmp_path):
    import gongkai.inference.bulk as bulk

    records = [
        {"id": "r2022", "year": 2022, "organ": "甲局", "error": None,
         "tables": {"applications": {"template": "2021", "rows": {"carried_forward": {"total": 3}}}}},
        {"id": "r2023", "year": 2023, "organ": "甲局", "error": None,
         "tables": {"applications": {"template": "2021", "rows": {"carried_over": {"total": 1}}}}},
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
    summary = bulk.extract_to_file([str(src)], tmp_path / "out.jsonl", extractor=Canned(), progress=False,
                                   cross_check=warnings)
    lines = [json.loads(x) for x in warnings.read_text(encoding="utf-8").splitlines()]
    assert summary.cross_warnings == 1 and len(lines) == 1
    assert lines[0]["previous"]["id"] == "r2022" and lines[0]["current"]["id"] == "r2023"


def test_bad_inputs_each_give_one_record_and_never_stop_the_batch(tmp_path):
    d = tmp_path / "bad"
    d.mkdir()
    (d / "a_huge.txt").write_bytes((("一、总体情况\n" + "正文。" * 100 + "\n") * 60_000).encode("utf-8"))  # ~55 MB
    (d / "b_truncated.txt").write_bytes("一、总体情况 正文".encode("utf-8")[:-1])
    (d / "c_scripts.html").write_text("<html><script>var x='一、总体情况';</script><p>正文</p></html>",
                                      encoding="utf-8")
    (d / "d_not_a_report.txt").write_text("今天天气很好。", encoding="utf-8")
    (d / "e_cut_mid_table.txt").write_text("三、收到和处理政府信息公开申请情况\n一、本年新收政府信息公开申请数量 | 3 | 0 |",
                                           encoding="utf-8")
    out = tmp_path / "out.jsonl"
    summary = _run([d], out)
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    by_name = {r["id"].rsplit("/", 1)[-1]: r for r in records}
    assert len(records) == summary.total == 5
    assert "too large" in by_name["a_huge.txt"]["error"] and "a_huge.txt" in by_name["a_huge.txt"]["error"]
    for name in ("b_truncated.txt", "c_scripts.html", "d_not_a_report.txt", "e_cut_mid_table.txt"):
        assert by_name[name]["error"] is None, by_name[name]
        assert by_name[name]["status"] == "partial"  # nothing tabular found, but a record all the same
    assert summary.failed == 1
