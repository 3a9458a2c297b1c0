"""The benchmark: it times the extractor's own work (same records), counts what it ran, and
the command compares backends and prints JSON."""

import json

import pytest
import torch
import typer
from transformers import BertForTokenClassification
from typer.testing import CliRunner

from gongkai.commands.bench import bench as bench_command
from gongkai.inference.bench import STAGES, BenchResult, compare, format_table, run_stages
from gongkai.inference.outputs import Writer
from gongkai.inference.pipeline import Extractor, SpanTagger
from gongkai.model.labels import TAGS
from gongkai.model.tagger import Tagger, new_config
from gongkai.model.tokenizer import build_tokenizer
from gongkai.training.corpus import annotation_files, read_jsonl

GOLD = [r for f in annotation_files(["annotations/gold"]) for r in read_jsonl(f)]


pytestmark = pytest.mark.usefixtures("one_thread")


@pytest.fixture(scope="module")
def tiny_model(tmp_path_factory):
    path = tmp_path_factory.mktemp("tiny")
    torch.manual_seed(0)
    tok = build_tokenizer([r.text for r in GOLD])
    model = BertForTokenClassification(
        new_config(
            len(tok), hidden=32, layers=1, heads=2, intermediate=64, max_positions=66, dropout=0.0, architecture="bert"
        )
    )
    with torch.no_grad():  # no figures: keeps the records small and the test about the plumbing
        model.classifier.bias[[TAGS.index(t) for t in TAGS if "FIG_" in t]] = -1e4
    Tagger(model, tok, device="cpu").save(path)
    return path


def test_staged_run_writes_the_extractors_records_and_accounts_for_its_time(tmp_path):
    # Gold spans as the tagger: real tables to assemble and check, no model needed.
    extractor = Extractor(SpanTagger({r.id: r.spans for r in GOLD}))
    items = [(r.id, r.text) for r in GOLD] + [("binary", bytes(range(256)) * 8)]
    out = tmp_path / "records.jsonl"
    with Writer(out, "jsonl") as w:
        result = run_stages(extractor, items, w, batch_size=2)
    written = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    expected = [r.to_dict() for r in extractor.extract_many(items, batch_size=2)]
    assert written == expected
    # the stages did real work: every gold report with table cells has tables (049/050 predate them)
    assert sum(bool(r["tables"]) for r in written) == sum(any(s.label == "CELL" for s in r.spans) for r in GOLD)
    assert (result.reports, result.failed) == (len(items), 1)
    assert result.chars == sum(len(r.text) for r in GOLD)  # decoded characters of the readable inputs
    assert set(result.stages) == set(STAGES)
    assert result.stages["forward"] == 0 and result.other_share == 1  # given spans: no model ran
    assert all(v > 0 for k, v in result.stages.items() if k != "forward")
    assert sum(result.stages.values()) <= result.seconds
    assert result.reports_per_second == pytest.approx(result.reports / result.seconds)


def test_the_benchmark_applies_the_extractors_own_guards(tmp_path):
    """It runs the extractor's batch, not a copy of it: an oversized input is refused with its
    error record, and a tagger that fails on one document fails that document alone."""

    class Flaky(SpanTagger):
        def __call__(self, docs, ids):
            if "bad" in ids:
                raise RuntimeError("model crashed")
            return super().__call__(docs, ids)

    gold = GOLD[0]
    extractor = Extractor(Flaky({gold.id: gold.spans}), max_input_chars=len(gold.text))
    items = [(gold.id, gold.text), ("big", gold.text + "。"), ("bad", gold.text)]
    with Writer(tmp_path / "records.jsonl", "jsonl") as w:
        result = run_stages(extractor, items, w, batch_size=3)
    records = [json.loads(line) for line in (tmp_path / "records.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [r["id"] for r in records] == [gold.id, "big", "bad"]
    assert records[0]["tables"] and not records[0]["error"]
    assert "input too large" in records[1]["error"] and "model crashed" in records[2]["error"]
    assert (result.reports, result.failed) == (3, 2)


def test_compare_runs_each_backend_on_the_same_corpus(tiny_model):
    pytest.importorskip("onnxruntime")
    from gongkai.training.export_onnx import export_model

    export_model(tiny_model)
    items = [(r.id, r.text[:600]) for r in GOLD]
    rows = compare(items, ["torch", "onnx", "reference"], isolate=False, repeat=2, model=str(tiny_model), device="cpu")
    assert [(r["requested"], r["backend"]) for r in rows] == [
        ("torch", "torch-fp32"),
        ("onnx", "onnx-fp32"),
        ("reference", "torch-fp32"),
    ]
    for r in rows:
        assert r["reports"] == len(items) and r["failed"] == 0
        assert r["chars"] == sum(len(t) for _, t in items)
        assert r["peak_rss_mb"] > 50 and r["load_seconds"] > 0 and r["stages"]["forward"] > 0
        assert 0 < r["other_share"] < 1 and r["stages"]["decode"] > 0
        assert r["cpu_seconds"] > 0 and len(r["runs"]) == 2
        assert 0 <= r["padding"] < 0.5  # short texts: some padding, far from all of it
        assert r["same_records"]  # the export tags as torch does: the very same records
    table = format_table(rows).splitlines()
    assert len(table) == 4 and table[1].startswith("torch-fp32") and table[2].startswith("onnx-fp32")
    with pytest.raises(ValueError, match="nothing to benchmark"):
        compare([], ["torch"])


def test_an_isolated_run_reports_the_child_process(tiny_model):
    items = [(r.id, r.text[:300]) for r in GOLD[:2]]
    [row] = compare(items, ["torch"], isolate=True, model=str(tiny_model), device="cpu", warmup=0)
    assert row["backend"] == "torch-fp32" and row["reports"] == 2
    assert row["peak_rss_mb"] > 100  # torch and the model were loaded there


def test_bench_command_prints_json_and_rejects_unknown_backends(tiny_model, tmp_path):
    app = typer.Typer()
    app.command()(bench_command)
    corpus = tmp_path / "c.jsonl"
    corpus.write_text(
        "".join(json.dumps({"id": r.id, "text": r.text[:400]}, ensure_ascii=False) + "\n" for r in GOLD[:3]),
        encoding="utf-8",
    )
    runner = CliRunner()
    res = runner.invoke(
        app,
        [
            "--corpus",
            str(corpus),
            "--model",
            str(tiny_model),
            "--backend",
            "torch",
            "--device",
            "cpu",
            "--same-process",
            "--json",
        ],
    )
    assert res.exit_code == 0, res.output
    out = json.loads(res.stdout)
    assert out["documents"] == 3 and out["results"][0]["reports"] == 3
    assert set(out["results"][0]["stages"]) == set(STAGES)

    res = runner.invoke(app, ["--synthetic", "2", "--model", str(tiny_model), "--backend", "torch,tf"])
    assert res.exit_code == 2 and "tf" in res.output
    res = runner.invoke(app, ["--synthetic", "2", "--model", str(tiny_model), "--precision", "fp16"])
    assert res.exit_code == 2 and "fp16" in res.output
    res = runner.invoke(app, ["--corpus", str(tmp_path / "missing"), "--model", str(tiny_model)])
    assert res.exit_code == 2 and "missing" in res.output


def test_settings_that_write_other_records_are_flagged(tiny_model, tmp_path):
    """``same_records`` compares what each setting wrote with the first: a model that tags
    otherwise is caught even when nothing fails."""
    other = tmp_path / "other"
    torch.manual_seed(1)
    tok = build_tokenizer([r.text for r in GOLD])
    model = BertForTokenClassification(
        new_config(
            len(tok), hidden=32, layers=1, heads=2, intermediate=64, max_positions=66, dropout=0.0, architecture="bert"
        )
    )
    with torch.no_grad():
        model.classifier.weight.mul_(30)
        model.classifier.bias[[TAGS.index(t) for t in TAGS if "FIG_" in t]] = -1e4
    Tagger(model, tok, device="cpu").save(other)
    items = [(r.id, r.text[:600]) for r in GOLD[:2]]
    first = compare(items, ["torch"], isolate=False, model=str(tiny_model), device="cpu")[0]
    again = compare(items, ["torch"], isolate=False, model=str(tiny_model), device="cpu")[0]
    changed = compare(items, ["torch"], isolate=False, model=str(other), device="cpu")[0]
    assert first["records_digest"] == again["records_digest"] != changed["records_digest"]


def test_bench_joins_reports_into_long_documents(tiny_model, tmp_path):
    app = typer.Typer()
    app.command()(bench_command)
    corpus = tmp_path / "c"
    corpus.mkdir()
    for r in GOLD[:3]:
        (corpus / f"{r.id}.txt").write_text(r.text[:300], encoding="utf-8")
    res = CliRunner().invoke(
        app,
        [
            "--corpus",
            str(corpus),
            "--model",
            str(tiny_model),
            "--backend",
            "torch",
            "--device",
            "cpu",
            "--same-process",
            "--json",
            "--min-chars",
            "700",
            "--documents",
            "4",
        ],
    )
    assert res.exit_code == 0, res.output
    out = json.loads(res.stdout)
    assert out["documents"] == 4 and out["results"][0]["chars"] == 4 * (3 * 300 + 2 * 2)


def test_result_rates_are_zero_for_an_empty_run():
    r = BenchResult("torch")
    assert r.reports_per_second == 0.0 and r.to_dict()["chars_per_second"] == 0.0


def test_workers_share_the_corpus_between_processes(tiny_model):
    """Two worker processes, one thread each, each document in one of them."""
    items = [(r.id, r.text[:400]) for r in GOLD[:4]]
    [one] = compare(items, ["torch"], model=str(tiny_model), device="cpu", warmup=0)
    [two] = compare(items, ["torch"], model=str(tiny_model), device="cpu", warmup=0, workers=2)
    assert two["workers"] == 2 and two["reports"] == one["reports"] == 4 and two["chars"] == one["chars"]
    assert two["cpu_seconds"] > 0 and two["peak_rss_mb"] > 100
    with pytest.raises(ValueError, match="isolate"):
        compare(items, ["torch"], isolate=False, workers=2, model=str(tiny_model))
