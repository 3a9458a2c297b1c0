"""The pipeline's stages are swappable callables; a stage that fails on one document becomes that
document's error, naming the stage, unless debug mode asks for the exception itself."""

import json

import pytest
from typer.testing import CliRunner

from gongkai.cli import app
from gongkai.inference import pipeline
from gongkai.inference.normalise import normalise
from gongkai.inference.pipeline import DEBUG_ENV, Extractor, SpanTagger


class NoTags:
    def __call__(self, docs, ids):
        return [[] for _ in docs]


def test_each_stage_can_be_replaced():
    calls = []

    def my_normalise(data, *, name):
        calls.append("normalise")
        return normalise(data.replace("甲", "乙"), name=name)

    def my_assemble(norm, entities):
        calls.append("assemble")
        return pipeline.assemble(norm, entities)

    def my_reconcile(tables, figures):
        calls.append("reconcile")
        return []

    ex = Extractor(NoTags(), normalise=my_normalise, assemble=my_assemble, reconcile=my_reconcile)
    rec = ex.extract("甲一、总体情况", id="r").to_dict()
    assert calls == ["normalise", "assemble", "reconcile"]
    assert rec["checks"] == []  # the default reconcile would have written its skipped checks
    assert Extractor(NoTags()).extract("一、总体情况", id="r").to_dict()["checks"]


@pytest.mark.parametrize("stage", ["normalise", "tag", "assemble", "reconcile"])
def test_a_failing_stage_is_named_in_the_documents_error_and_the_batch_goes_on(stage, monkeypatch):
    monkeypatch.delenv(DEBUG_ENV, raising=False)

    def boom(*args, **kwargs):
        raise RuntimeError(f"{stage} exploded")

    stages = {"tag": boom if stage == "tag" else NoTags()}
    if stage != "tag":
        stages[stage] = boom
    ex = Extractor(**stages)
    a, b = ex.extract_many([("a", "一、总体情况"), ("b", "二、主动公开政府信息情况")])
    assert a.error == f"{stage} failed: RuntimeError: {stage} exploded" and b.error == a.error
    assert a.to_dict()["status"] == "error"


def test_debug_mode_raises_the_first_failure(monkeypatch):
    def broken_assemble(norm, entities):
        raise KeyError("no such row")

    monkeypatch.delenv(DEBUG_ENV, raising=False)
    assert "assemble failed: KeyError" in Extractor(NoTags(), assemble=broken_assemble).extract("x").error
    with pytest.raises(KeyError, match="no such row"):
        Extractor(NoTags(), assemble=broken_assemble, debug=True).extract("x")
    monkeypatch.setenv(DEBUG_ENV, "1")
    with pytest.raises(KeyError, match="no such row"):
        Extractor(NoTags(), assemble=broken_assemble).extract("x")
    monkeypatch.setenv(DEBUG_ENV, "0")
    assert Extractor(NoTags(), assemble=broken_assemble).extract("x").error


def test_extract_raise_stops_at_the_failing_input_with_its_exception(tmp_path, monkeypatch):
    monkeypatch.delenv(DEBUG_ENV, raising=False)

    class Crashes:
        def __call__(self, docs, ids):
            if any("boom" in d.text for d in docs):
                raise RuntimeError("tagger crashed")
            return [[] for _ in docs]

    monkeypatch.setattr(Extractor, "load", classmethod(lambda cls, *a, **k: cls(Crashes(), debug=k.get("debug"))))
    (tmp_path / "a.txt").write_text("一、总体情况", encoding="utf-8")
    (tmp_path / "b.txt").write_text("boom", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    args = ["extract", str(tmp_path / "a.txt"), str(tmp_path / "b.txt"), "-o", str(out), "--no-progress"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 1
    assert (
        "tag failed: RuntimeError: tagger crashed"
        in json.loads(out.read_text(encoding="utf-8").splitlines()[1])["error"]
    )
    result = CliRunner().invoke(app, [*args, "--raise"])
    assert isinstance(result.exception, RuntimeError) and str(result.exception) == "tagger crashed"


def test_span_tagger_and_extractor_keep_their_import_path():
    ex = Extractor(SpanTagger({"r": []}))
    assert ex.tag.spans == {"r": []} and ex.extract("一、总体情况", id="r").error is None
