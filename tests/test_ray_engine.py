"""The Ray engine (``gongkai extract --engine ray``) on a local one-actor Ray: one record per
input, ids kept, an error record for each bad input, and the very records the local engine
writes for the same inputs — JSONL, Parquet in and out — with the shipped model."""

import json
import sys

import pytest
from typer.testing import CliRunner

from gongkai.cli import app
from gongkai.inference.bulk import extract_to_file
from gongkai.inference.model_tagger import default_model_dir

REPORT = """某市人民政府办公室2021年政府信息公开工作年度报告
一、总体情况
2021年，本机关主动公开政府信息120条，受理政府信息公开申请15件。
二、主动公开政府信息情况
| 信息内容 | 本年制发件数 | 本年废止件数 | 现行有效件数 |
| 规章 | 0 | 0 | 3 |
| 行政规范性文件 | 5 | 1 | 20 |
"""

# Ray Data's own DataContext warns about its own deprecated settings when it copies one.
pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning:ray")

needs_model = pytest.mark.skipif(
    not (default_model_dir() / "config.json").exists(), reason="no model shipped in model/default yet"
)


@pytest.fixture(scope="module")
def ray_local():
    ray = pytest.importorskip("ray")
    # A Ray of our own (not one `ray start` left running), small, and gone after the module.
    ray.init(address="local", num_cpus=2, include_dashboard=False, log_to_driver=False, logging_level="WARNING")
    yield ray
    ray.shutdown()


@pytest.fixture
def corpus(tmp_path):
    d = tmp_path / "in"
    d.mkdir()
    (d / "a.txt").write_text(REPORT, encoding="utf-8")
    (d / "b.html").write_text("<p>" + REPORT.replace("\n", "</p><p>") + "</p>", encoding="utf-8")
    (d / "binary.txt").write_bytes(bytes(range(256)) * 8)
    (d / "docs.jsonl").write_text(
        json.dumps({"id": "j1", "text": REPORT}, ensure_ascii=False)
        + "\n"
        + "{not json\n"
        + json.dumps({"id": "j3", "body": "no text field"})
        + "\n",
        encoding="utf-8",
    )
    return [str(d), str(tmp_path / "missing.txt")]


def _jsonl(path):
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


@needs_model
def test_ray_engine_writes_the_local_engines_records(ray_local, corpus, tmp_path, one_thread):
    ray_out, local_out = tmp_path / "ray.jsonl", tmp_path / "local.jsonl"
    result = CliRunner().invoke(
        app, ["extract", *corpus, "-o", str(ray_out), "--engine", "ray", "--workers", "1", "--no-progress"]
    )
    assert result.exit_code == 1, result.output  # some inputs are bad
    extract_to_file(corpus, local_out, progress=False)

    records = _jsonl(ray_out)
    assert records == _jsonl(local_out)
    ids = [r["id"] for r in records]
    assert len(ids) == 7 and len(set(ids)) == 7  # a.txt b.html binary.txt, three JSONL lines, missing
    assert "j1" in ids and "j3" in ids and ids[-1] == corpus[1]
    errors = {r["id"]: r["error"] for r in records if r["error"]}
    assert set(errors) == {
        next(i for i in ids if i.endswith("binary.txt")),
        next(i for i in ids if i.endswith(":2")),
        "j3",
        corpus[1],
    }
    assert "no such file" in errors[corpus[1]]
    assert next(r for r in records if r["id"] == "j1")["tables"]  # the model read the report


@needs_model
def test_parquet_in_and_out_match_the_local_engine(ray_local, tmp_path, one_thread):
    pa = pytest.importorskip("pyarrow")
    import pyarrow.parquet as pq

    from gongkai.inference.ray_engine import extract_dataset

    rows = [{"id": "p1", "text": REPORT}, {"id": "p2", "text": None}, {"id": "p3", "text": "正文"}]
    pq.write_table(pa.Table.from_pylist(rows), tmp_path / "docs.parquet")
    (tmp_path / "docs.jsonl").write_text(
        "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8"
    )
    (tmp_path / "broken.parquet").write_bytes(b"PAR1 not really")

    summary = extract_dataset(
        [str(tmp_path / "docs.parquet"), str(tmp_path / "broken.parquet")],
        tmp_path / "ray.parquet",
        num_actors=1,
        progress=False,
    )
    extract_to_file([str(tmp_path / "docs.jsonl")], tmp_path / "local.parquet", progress=False)

    got = pq.read_table(tmp_path / "ray.parquet").to_pylist()
    want = pq.read_table(tmp_path / "local.parquet").to_pylist()
    assert (summary.total, summary.failed) == (4, 2)
    assert [r["id"] for r in got] == ["p1", "p2", "p3", str(tmp_path / "broken.parquet")]
    assert "cannot read Parquet" in got[-1]["error"] and "broken.parquet" in got[-1]["error"]
    assert "no 'text' or 'html' value" in got[1]["error"]
    # The rows the local engine could read are the same; only its error message for p2 differs.
    assert [got[0], got[2]] == [want[0], want[2]]


def test_without_ray_the_command_says_how_to_install_it(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "ray", None)  # `import ray` now fails as if it were not installed
    monkeypatch.setitem(sys.modules, "ray.data", None)
    (tmp_path / "a.txt").write_text(REPORT, encoding="utf-8")
    result = CliRunner().invoke(
        app, ["extract", str(tmp_path / "a.txt"), "-o", str(tmp_path / "o.jsonl"), "--engine", "ray"]
    )
    assert result.exit_code == 2
    assert "pip install 'gongkai[ray]'" in result.output
