"""The ONNX Runtime backend: the export tags exactly as torch, the decision record, and when
extraction uses it (only where verified, only for the model files it was verified on)."""

import json
import time

import pytest
import torch
from transformers import BertForTokenClassification
from typer.testing import CliRunner

pytest.importorskip("onnxruntime")

from gongkai.inference.model_tagger import ModelTagger  # noqa: E402
from gongkai.inference.pipeline import Extractor  # noqa: E402
from gongkai.model.onnx_backend import DECISION_FILE, OnnxTagger, accepted_variant, resolve_backend  # noqa: E402
from gongkai.model.labels import TAGS  # noqa: E402
from gongkai.model.tagger import Tagger, new_config  # noqa: E402
from gongkai.model.tokenizer import build_tokenizer  # noqa: E402
from gongkai.training.corpus import annotation_files, read_jsonl  # noqa: E402
from gongkai.training.export_onnx import export_model, export_onnx, record_decision  # noqa: E402

GOLD = [r for f in annotation_files(["annotations/gold"]) for r in read_jsonl(f)]


pytestmark = pytest.mark.usefixtures("one_thread")


def save_tiny_model(path, seed=0, max_positions=34):
    """A random 1-layer BERT over the gold characters with well-separated logits (so float
    rounding cannot flip a tag); window 32, so the gold texts span hundreds of windows.

    It never tags figures: reconcile() fails on a figure value with no metric (reported),
    and random tags make such figures."""
    torch.manual_seed(seed)
    tok = build_tokenizer([r.text for r in GOLD])
    model = BertForTokenClassification(new_config(len(tok), hidden=32, layers=1, heads=2, intermediate=64,
                                                  max_positions=max_positions, dropout=0.0, architecture="bert"))
    with torch.no_grad():
        model.classifier.weight.mul_(50)
        model.classifier.bias[[TAGS.index(t) for t in TAGS if "FIG_" in t]] = -1e4
    Tagger(model, tok, device="cpu").save(path)
    return path


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    path = save_tiny_model(tmp_path_factory.mktemp("tiny"))
    decision = export_onnx(path, GOLD[:2], require_faster=False)  # timings are no test: see below
    return path, decision


def test_onnx_tags_every_window_layout_as_torch_does(exported):
    path, _ = exported
    torch_tagger = Tagger.load(path, device="cpu")
    onnx_tagger = OnnxTagger.load(path, "fp32")
    # Texts shorter than, equal to and much longer than the window, batched with padding.
    texts = [GOLD[0].text[:5], GOLD[1].text[:32], GOLD[0].text[:700], "", GOLD[1].text[100:161]]
    ref = torch_tagger.predict(texts, batch_size=3)
    got = onnx_tagger.predict(texts, batch_size=3)
    assert [len(p.tags) for p in got] == [len(t) for t in texts]
    assert len(set(ref[2].tags)) > 3  # the model really tags, not one class everywhere
    for r, g in zip(ref, got):
        assert g.tags == r.tags
        assert g.scores == pytest.approx(r.scores, abs=1e-4)


def test_export_records_what_it_verified_and_auto_uses_the_accepted_file(exported):
    path, decision = exported
    assert (path / "model.onnx").is_file() and (path / "model.int8.onnx").is_file()
    assert json.loads((path / DECISION_FILE).read_text()) == decision
    assert decision["verified_on"]["ids"] == [r.id for r in GOLD[:2]]
    results = decision["results"]
    assert results["fp32"]["tags_differing"] == 0 and results["fp32"]["accepted"]
    assert results["fp32"]["cell_accuracy"] == results["torch"]["cell_accuracy"]
    # int8 is preferred when it matched exactly; otherwise fp32.
    assert decision["default_cpu"] == ("int8" if results["int8"]["accepted"] else "fp32")
    assert accepted_variant(path) == decision["default_cpu"]
    assert resolve_backend(path, "auto", "cpu") == ("onnx", decision["default_cpu"])
    assert resolve_backend(path, "auto", "cuda") == ("torch", None)  # ONNX is a CPU default only
    assert ModelTagger.load(path, device="cpu").backend == f"onnx-{decision['default_cpu']}"


def test_extraction_on_the_onnx_backend_gives_the_torch_records(exported):
    path, _ = exported
    items = [(r.id, r.text[:1500]) for r in GOLD]
    by_backend = {}
    for backend in ("torch", "onnx-fp32"):
        extractor = Extractor.load(path, device="cpu", backend=backend)
        assert extractor.tagger.backend == backend
        by_backend[backend] = [r.to_dict() for r in extractor.extract_many(items)]
    assert by_backend["onnx-fp32"] == by_backend["torch"]


def test_a_variant_that_tags_differently_is_not_accepted(tmp_path):
    path = save_tiny_model(tmp_path / "m")
    other = save_tiny_model(tmp_path / "other", seed=1)
    export_model(path)
    export_model(other)
    # Pose another model's export as the int8 file: same shapes, other tags.
    (path / "model.int8.onnx").write_bytes((other / "model.onnx").read_bytes())
    decision = record_decision(path, GOLD[:1], require_faster=False)
    assert decision["results"]["int8"]["tags_differing"] > 0 and not decision["results"]["int8"]["accepted"]
    assert decision["default_cpu"] == "fp32"


def test_an_export_slower_than_torch_is_not_the_default(tmp_path, monkeypatch):
    import gongkai.training.export_onnx as ex

    path = save_tiny_model(tmp_path / "m")
    export_model(path)
    slow = OnnxTagger.predict

    def slower(self, texts, batch_size=8):
        time.sleep(1.0)  # far more than torch takes on one report with this tiny model
        return slow(self, texts, batch_size)

    monkeypatch.setattr(ex.OnnxTagger, "predict", slower)
    decision = record_decision(path, GOLD[:1], ["fp32"])
    assert decision["results"]["fp32"]["tags_differing"] == 0
    assert not decision["results"]["fp32"]["accepted"] and decision["default_cpu"] is None
    assert resolve_backend(path, "auto", "cpu") == ("torch", None)


def test_a_changed_model_or_an_unverified_export_falls_back_to_torch(tmp_path):
    path = save_tiny_model(tmp_path / "m")
    export_onnx(path, None, quantize=False)  # exported but not verified
    assert json.loads((path / DECISION_FILE).read_text())["default_cpu"] is None
    assert not (path / "model.int8.onnx").exists()
    assert resolve_backend(path, "auto", "cpu") == ("torch", None)
    assert resolve_backend(path, "onnx", "cpu") == ("onnx", "fp32")  # explicit: the float file
    with pytest.raises(FileNotFoundError, match="export-onnx"):
        resolve_backend(path, "onnx-int8", "cpu")

    record_decision(path, GOLD[:1], ["fp32"], require_faster=False)  # speed is not what this tests
    assert resolve_backend(path, "auto", "cpu") == ("onnx", "fp32")
    save_tiny_model(path, seed=3)  # retrained in place: the record no longer vouches for it
    assert accepted_variant(path) is None
    assert ModelTagger.load(path, device="cpu").backend == "torch"


def test_backend_errors_name_the_fix(tmp_path):
    path = save_tiny_model(tmp_path / "m")
    with pytest.raises(ValueError, match="unknown backend 'tf'"):
        resolve_backend(path, "tf")
    with pytest.raises(FileNotFoundError, match=r"no model\.onnx.*gongkai export-onnx"):
        Extractor.load(path, device="cpu", backend="onnx")
    with pytest.raises(ValueError, match="CPU only"):
        resolve_backend(path, "onnx", "cuda")
    assert resolve_backend(path, "auto", "cpu") == ("torch", None)  # nothing exported


def test_export_and_extract_commands(tmp_path):
    import typer

    from gongkai.cli import app as main_app
    from gongkai.commands.export import export_onnx as export_command

    path = save_tiny_model(tmp_path / "m")
    gold = tmp_path / "gold.jsonl"
    gold.write_text(json.dumps(GOLD[2].to_dict(), ensure_ascii=False) + "\n", encoding="utf-8")
    app = typer.Typer()
    app.command()(export_command)
    app.command("other")(lambda: None)  # two commands: typer then takes the command name
    runner = CliRunner()
    res = runner.invoke(app, ["export-onnx", str(path), "--gold", str(gold), "--no-quantize"])
    assert res.exit_code == 0, res.output
    # Which is the default depends on timing (a busy machine may make torch faster): only that it says.
    assert "model.onnx: 0 character tag(s) differ" in res.output and "default on CPU: " in res.output
    res = runner.invoke(app, ["export-onnx", str(tmp_path / "nothing")])
    assert res.exit_code == 2 and "no model" in res.output

    text = tmp_path / "report.txt"
    text.write_text(GOLD[2].text[:800], encoding="utf-8")
    outs = {}
    for backend in ("torch", "onnx"):
        out = tmp_path / f"{backend}.jsonl"
        res = runner.invoke(main_app, ["extract", str(text), "-o", str(out), "--model", str(path), "--device", "cpu",
                                       "--backend", backend, "--no-progress"])
        assert res.exit_code == 0, res.output
        outs[backend] = out.read_text(encoding="utf-8")
    assert outs["onnx"] == outs["torch"] and json.loads(outs["torch"])["id"] == str(text)
    res = runner.invoke(main_app, ["extract", str(text), "--model", str(path), "--backend", "onnx-int8"])
    assert res.exit_code == 2 and "export-onnx" in res.output
