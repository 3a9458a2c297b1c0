"""The ONNX Runtime backend: the export tags exactly as torch, the verification record, and when
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
from gongkai.model.backends import RECORD_FILE, Setting, resolve, verified  # noqa: E402
from gongkai.model.labels import TAGS  # noqa: E402
from gongkai.model.onnx_backend import OnnxTagger  # noqa: E402
from gongkai.model.tagger import Tagger, new_config  # noqa: E402
from gongkai.model.tokenizer import build_tokenizer  # noqa: E402
from gongkai.training.corpus import annotation_files, read_jsonl  # noqa: E402
from gongkai.training.export_onnx import export_model, export_onnx  # noqa: E402
from gongkai.training.verify_backends import verify  # noqa: E402

GOLD = [r for f in annotation_files(["annotations/gold"]) for r in read_jsonl(f)]


pytestmark = pytest.mark.usefixtures("one_thread")


def save_tiny_model(path, seed=0, max_positions=34):
    """A random 1-layer BERT over the gold characters with well-separated logits (so float
    rounding cannot flip a tag); window 32, so the gold texts span hundreds of windows.

    It never tags figures: reconcile() fails on a figure value with no metric (reported),
    and random tags make such figures."""
    torch.manual_seed(seed)
    tok = build_tokenizer([r.text for r in GOLD])
    model = BertForTokenClassification(
        new_config(
            len(tok),
            hidden=32,
            layers=1,
            heads=2,
            intermediate=64,
            max_positions=max_positions,
            dropout=0.0,
            architecture="bert",
        )
    )
    with torch.no_grad():
        model.classifier.weight.mul_(50)
        model.classifier.bias[[TAGS.index(t) for t in TAGS if "FIG_" in t]] = -1e4
    Tagger(model, tok, device="cpu").save(path)
    return path


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    path = save_tiny_model(tmp_path_factory.mktemp("tiny"))
    record = export_onnx(path, GOLD[:2], min_gain=float("-inf"))  # timings are no test: see below
    return path, record


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


def test_a_modernbert_exports_from_the_compact_forward_and_tags_as_torch(tmp_path):
    """The compact graph pads to whole blocks and masks local attention itself: one export must
    serve every batch shape, with and without padding."""
    from test_backends import tiny_modernbert

    tok = build_tokenizer([r.text for r in GOLD])
    model = tiny_modernbert(len(tok))
    with torch.no_grad():
        model.classifier.weight.mul_(20)
    Tagger(model, tok, device="cpu").save(tmp_path)
    export_model(tmp_path)
    torch_tagger = Tagger.load(tmp_path, device="cpu")
    onnx_tagger = OnnxTagger.load(tmp_path, "fp32")
    texts = [GOLD[0].text[:3], GOLD[1].text[:128], GOLD[0].text[:900], GOLD[1].text[200:263]]
    for batch_size in (1, 3):
        ref = torch_tagger.predict(texts, batch_size=batch_size)
        got = onnx_tagger.predict(texts, batch_size=batch_size)
        assert [g.tags for g in got] == [r.tags for r in ref]
        for r, g in zip(ref, got):
            assert g.scores == pytest.approx(r.scores, abs=1e-4)
    assert len(set(ref[2].tags)) > 3


def test_verification_records_what_it_checked_and_auto_uses_its_default(exported):
    path, record = exported
    assert (path / "model.onnx").is_file() and (path / "model.int8.onnx").is_file()
    assert json.loads((path / RECORD_FILE).read_text()) == record
    assert record["verified_on"]["gold"] == [r.id for r in GOLD[:2]]
    assert record["verified_on"]["characters"] > 5000
    cands = record["candidates"]
    assert cands["onnx-fp32"]["tags_differing"] == 0 and cands["onnx-fp32"]["accepted"]
    assert cands["onnx-fp32"]["cell_accuracy"] == record["reference"]["cell_accuracy"]
    assert cands["torch-fp32"]["accepted"]
    # The default is the accepted candidate that took the least CPU time.
    best = min((k for k, v in cands.items() if v["accepted"]), key=lambda k: cands[k]["cpu_seconds"])
    assert Setting.from_dict(record["default"]).name == best
    assert verified(path).default == Setting.from_dict(record["default"])
    assert resolve(path, "auto", "auto", "cpu") == verified(path).default
    assert resolve(path, "auto", "auto", "cuda") == Setting()  # off the CPU: the reference
    assert ModelTagger.load(path, device="cpu").backend == best


def test_extraction_on_the_onnx_backend_gives_the_torch_records(exported):
    path, _ = exported
    items = [(r.id, r.text[:1500]) for r in GOLD]
    by_backend = {}
    for backend in ("torch", "onnx-fp32"):
        extractor = Extractor.load(path, device="cpu", backend=backend)
        assert extractor.tag.backend == ("torch-fp32" if backend == "torch" else backend)
        by_backend[backend] = [r.to_dict() for r in extractor.extract_many(items)]
    assert by_backend["onnx-fp32"] == by_backend["torch"]


def test_a_variant_that_tags_differently_is_not_accepted(tmp_path):
    path = save_tiny_model(tmp_path / "m")
    other = save_tiny_model(tmp_path / "other", seed=1)
    export_model(path)
    export_model(other)
    # Pose another model's export as the int8 file: same shapes, other tags.
    (path / "model.int8.onnx").write_bytes((other / "model.onnx").read_bytes())
    record = verify(path, GOLD[:1], min_gain=float("-inf"))
    assert record["candidates"]["onnx-int8"]["tags_differing"] > 0
    assert record["candidates"]["onnx-int8"]["rejected"] == "tags differ"
    assert record["candidates"]["onnx-int8"]["texts_differing"] == [GOLD[0].id]
    assert Setting.from_dict(record["default"]).name != "onnx-int8"


def test_an_export_slower_than_torch_is_not_the_default(tmp_path, monkeypatch):
    import gongkai.model.onnx_backend as ob

    path = save_tiny_model(tmp_path / "m")
    export_model(path)
    slow = ob.OnnxTagger.predict

    def slower(self, texts, batch_size=8):
        started = time.process_time()
        while time.process_time() - started < 1.0:  # CPU time, far more than torch takes here
            pass
        return slow(self, texts, batch_size)

    monkeypatch.setattr(ob.OnnxTagger, "predict", slower)
    record = verify(path, GOLD[:1], rounds=1)
    assert record["candidates"]["onnx-fp32"]["tags_differing"] == 0
    assert record["candidates"]["onnx-fp32"]["rejected"] == "not faster than torch-fp32"
    assert record["default"]["backend"] == "torch"


def test_a_changed_model_or_an_unverified_export_falls_back_to_the_reference(tmp_path):
    path = save_tiny_model(tmp_path / "m")
    assert export_onnx(path, None, quantize=False) is None  # exported but not verified
    assert not (path / RECORD_FILE).exists() and not (path / "model.int8.onnx").exists()
    assert resolve(path, "auto", "auto", "cpu") == Setting()
    assert resolve(path, "onnx", "auto", "cpu") == Setting("onnx", "fp32")  # explicit: the float file
    with pytest.raises(FileNotFoundError, match="export-onnx"):
        resolve(path, "onnx-int8", "auto", "cpu")

    record = verify(path, GOLD[:1], min_gain=float("-inf"))
    assert resolve(path, "auto", "auto", "cpu") == Setting.from_dict(record["default"])
    save_tiny_model(path, seed=3)  # retrained in place: the record no longer vouches for it
    assert verified(path) is None
    tagger = ModelTagger.load(path, device="cpu")
    assert tagger.backend == "torch-fp32" and tagger.model.forward == "reference"


def test_backend_errors_name_the_fix(tmp_path):
    path = save_tiny_model(tmp_path / "m")
    with pytest.raises(ValueError, match="unknown backend 'tf'"):
        resolve(path, "tf")
    with pytest.raises(FileNotFoundError, match=r"no model\.onnx.*gongkai export-onnx"):
        Extractor.load(path, device="cpu", backend="onnx")
    with pytest.raises(ValueError, match="CPU only"):
        resolve(path, "onnx", "auto", "cuda")
    with pytest.raises(ValueError, match="torch only"):
        resolve(path, "onnx", "bf16", "cpu")
    assert resolve(path, "auto", "auto", "cpu") == Setting()  # nothing exported


def test_export_verify_and_extract_commands(tmp_path):
    from gongkai.cli import app

    path = save_tiny_model(tmp_path / "m")
    gold = tmp_path / "gold.jsonl"
    gold.write_text(json.dumps(GOLD[2].to_dict(), ensure_ascii=False) + "\n", encoding="utf-8")
    other = tmp_path / "other.txt"
    other.write_text(GOLD[3].text[:900], encoding="utf-8")
    runner = CliRunner()
    res = runner.invoke(app, ["export-onnx", str(path), "--gold", str(gold), "--no-quantize", "--rounds", "1"])
    assert res.exit_code == 0, res.output
    # Which is the default depends on timing (a busy machine may make torch faster): only that it says.
    assert "onnx-fp32: 0 tag(s) differ" in res.output and "auto runs: " in res.output
    res = runner.invoke(app, ["verify-backends", str(path), str(other), "--gold", str(gold), "--rounds", "1", "--json"])
    assert res.exit_code == 0, res.output
    record = json.loads(res.stdout)
    assert record["verified_on"]["gold"] == [GOLD[2].id] and record["verified_on"]["other"] == [str(other)]
    res = runner.invoke(app, ["export-onnx", str(tmp_path / "nothing")])
    assert res.exit_code == 2 and "no model" in res.output
    res = runner.invoke(app, ["verify-backends", str(path), str(tmp_path / "missing.txt")])
    assert res.exit_code == 2 and "missing.txt" in res.output

    text = tmp_path / "report.txt"
    text.write_text(GOLD[2].text[:800], encoding="utf-8")
    outs = {}
    for backend in ("torch", "onnx"):
        out = tmp_path / f"{backend}.jsonl"
        res = runner.invoke(
            app,
            [
                "extract",
                str(text),
                "-o",
                str(out),
                "--model",
                str(path),
                "--device",
                "cpu",
                "--backend",
                backend,
                "--precision",
                "fp32" if backend == "torch" else "auto",
                "--no-progress",
            ],
        )
        assert res.exit_code == 0, res.output
        outs[backend] = out.read_text(encoding="utf-8")
    assert outs["onnx"] == outs["torch"] and json.loads(outs["torch"])["id"] == str(text)
    res = runner.invoke(app, ["extract", str(text), "--model", str(path), "--backend", "onnx-int8"])
    assert res.exit_code == 2 and "export-onnx" in res.output
    res = runner.invoke(app, ["extract", str(text), "--model", str(path), "--precision", "fp16"])
    assert res.exit_code == 2 and "unknown precision 'fp16'" in res.output
