"""Which computation tags: the compact ModernBERT forward gives transformers' logits, bf16 runs only
where the CPU has the units, and ``auto`` follows the verification record only while it still
vouches for the model files and this CPU."""

import json

import numpy as np
import pytest
import torch
from transformers import ModernBertForTokenClassification

import gongkai.model.backends as backends
from gongkai.model.backends import RECORD_FILE, Setting, resolve, verified
from gongkai.model.fast_modernbert import FastModernBert, supports
from gongkai.model.tagger import Tagger, new_config
from gongkai.model.tokenizer import build_tokenizer
from gongkai.training.corpus import annotation_files, read_jsonl

GOLD = [r for f in annotation_files(["annotations/gold"]) for r in read_jsonl(f)]

pytestmark = pytest.mark.usefixtures("one_thread")


def tiny_modernbert(vocab_size: int, max_positions: int = 130, reach: int = 8, seed: int = 0):
    """Three layers (full, local, local) whose local layers see ``reach`` characters each side:
    far less than the window, so the local attention really is local."""
    torch.manual_seed(seed)
    config = new_config(
        vocab_size, hidden=32, layers=3, heads=2, intermediate=64, max_positions=max_positions, dropout=0.0
    )
    config.local_attention, config.sliding_window = 2 * reach, reach
    return ModernBertForTokenClassification(config).eval()


@pytest.fixture(scope="module")
def tok():
    return build_tokenizer([r.text for r in GOLD])


@pytest.fixture(scope="module")
def saved(tmp_path_factory, tok):
    path = tmp_path_factory.mktemp("mb")
    model = tiny_modernbert(len(tok))
    with torch.no_grad():
        model.classifier.weight.mul_(20)  # well-separated logits: float rounding cannot flip a tag
    Tagger(model, tok, device="cpu").save(path)
    return path


def test_the_compact_forward_gives_transformers_logits(tok):
    model = tiny_modernbert(len(tok))
    assert supports(model) and model.model.layers[1].attn.sliding_window == 9  # transformers' inclusive +1
    fast = FastModernBert(model)
    ids = torch.tensor([tok.encode(r.text[:128]) for r in GOLD[:3]])  # [CLS] 128 characters [SEP]: 130
    lengths = (130, 75, 3)  # full, padded to a length that is no multiple of a block, nearly empty
    mask = torch.zeros_like(ids)
    for row, n in enumerate(lengths):
        mask[row, :n] = 1
    with torch.inference_mode():
        ref = model(input_ids=ids, attention_mask=mask).logits
        got = fast(ids, mask)
        for row, n in enumerate(lengths):  # padding positions are nobody's output
            assert torch.allclose(got[row, :n], ref[row, :n], atol=1e-5), row
        unpadded = ids[:1, :101]  # no mask at all, a length that needs padding to whole blocks
        assert torch.allclose(fast(unpadded, torch.ones_like(unpadded)), model(input_ids=unpadded).logits, atol=1e-5)


def test_a_tagger_on_the_compact_forward_tags_as_the_reference(saved):
    texts = [GOLD[0].text[:700], GOLD[1].text[:90], "", GOLD[2].text[:129]]
    ref = Tagger.load(saved, device="cpu").predict(texts, batch_size=3)
    compact = Tagger.load(saved, device="cpu", forward="compact")
    assert compact.forward == "compact"
    got = compact.predict(texts, batch_size=3)
    assert [p.tags for p in got] == [p.tags for p in ref]
    assert len(set(ref[0].tags)) > 3  # the model really tags
    for r, g in zip(ref, got):
        assert g.scores == pytest.approx(r.scores, abs=1e-4)


def test_the_compact_forward_loads_a_saved_model_without_transformers(saved, tmp_path):
    """A worker's start: the weights and vocabulary are read without importing transformers (about
    a second of every worker), and the logits are those of transformers' model, in bf16 too."""
    import copy
    import shutil
    import subprocess
    import sys

    from gongkai.model.fast_modernbert import CompactCheckpoint

    compact = Tagger.load(saved, device="cpu", forward="compact")
    assert isinstance(compact.model, CompactCheckpoint)
    reference = Tagger.load(saved, device="cpu").model
    ids = torch.tensor([compact.tokenizer.cls_token_id, *range(5, 60), compact.tokenizer.sep_token_id])[None]
    mask = torch.ones_like(ids)
    for dtype in (torch.float32, torch.bfloat16):
        a = FastModernBert(copy.deepcopy(reference).to(dtype))(ids, mask)
        b = FastModernBert(copy.deepcopy(compact.model).to(dtype))(ids, mask)
        assert torch.equal(a, b), dtype
    with pytest.raises(TypeError, match="forward='reference'"):
        compact.save(tmp_path / "again")
    code = (
        "import sys; from gongkai.model.tagger import Tagger; "
        f"t = Tagger.load({str(saved)!r}, device='cpu', forward='compact'); t.predict(['一、总体情况']); "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('transformers', 'huggingface_hub')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
    # A config that leaves the rotary settings to transformers' defaults loads through transformers.
    older = tmp_path / "older"
    shutil.copytree(saved, older)
    config = json.loads((older / "config.json").read_text())
    del config["rope_parameters"]
    (older / "config.json").write_text(json.dumps(config))
    assert (
        type(Tagger.load(older, device="cpu", forward="compact").model).__name__ == "ModernBertForTokenClassification"
    )


def test_a_model_the_compact_forward_does_not_cover_runs_the_reference(tok):
    from transformers import BertForTokenClassification

    bert = BertForTokenClassification(
        new_config(len(tok), hidden=32, layers=1, heads=2, intermediate=32, max_positions=40, architecture="bert")
    )
    assert not supports(bert)
    assert Tagger(bert, tok, device="cpu", forward="compact").forward == "reference"
    with pytest.raises(ValueError, match="not a ModernBERT"):
        FastModernBert(bert)


@pytest.mark.skipif(backends.bf16_units() is None, reason="this CPU has no bf16 units")
def test_bf16_runs_a_bf16_copy_and_mostly_agrees(saved):
    fp32 = Tagger.load(saved, device="cpu", forward="compact")
    bf16 = Tagger.load(saved, device="cpu", precision="bf16", forward="compact")
    assert next(bf16._run.model.parameters()).dtype == torch.bfloat16
    assert next(bf16.model.parameters()).dtype == torch.float32  # the model itself stays float32 (saving)
    text = GOLD[0].text[:2000]
    a, b = fp32.char_log_probs([text])[0], bf16.char_log_probs([text])[0]
    assert np.abs(a - b).max() < 2 and (a.argmax(-1) == b.argmax(-1)).mean() > 0.97
    with pytest.raises(ValueError, match="unknown precision 'fp16'"):
        Tagger.load(saved, device="cpu", precision="fp16")


@pytest.mark.skipif(backends.bf16_units() is None, reason="this CPU has no bf16 units")
def test_bf16_checked_runs_close_windows_again_in_fp32(saved, monkeypatch):
    from gongkai.model import tagger as tagger_module

    text = [GOLD[0].text[:3000]]
    fp32 = Tagger.load(saved, device="cpu", forward="compact").char_log_probs(text)[0]
    bf16 = Tagger.load(saved, device="cpu", precision="bf16", forward="compact").char_log_probs(text)[0]
    # Every window close: all run again in fp32, so the log-probabilities are fp32's exactly.
    monkeypatch.setattr(tagger_module, "CHECK_MARGIN", float("inf"))
    checked = Tagger.load(saved, device="cpu", precision="bf16-checked", forward="compact")
    assert np.array_equal(checked.char_log_probs(text)[0], fp32)
    assert checked.rechecked == checked.windows > 1
    # None close: bf16's own.
    monkeypatch.setattr(tagger_module, "CHECK_MARGIN", 0.0)
    checked = Tagger.load(saved, device="cpu", precision="bf16-checked", forward="compact")
    assert np.array_equal(checked.char_log_probs(text)[0], bf16) and checked.rechecked == 0
    # Only the characters a window decides count: a close call in its edges (its neighbours'
    # characters) runs nothing again.
    monkeypatch.setattr(tagger_module, "CHECK_MARGIN", float("inf"))
    checked = Tagger.load(saved, device="cpu", precision="bf16-checked", forward="compact")
    ids = np.array([checked.tokenizer.cls_token_id, 7, 8, 9, checked.tokenizer.sep_token_id])[None]
    kept = np.zeros_like(ids, dtype=bool)
    checked.log_probs(ids, np.ones_like(ids), kept)
    assert checked.rechecked == 0
    kept[0, 2] = True
    checked.log_probs(ids, np.ones_like(ids), kept)
    assert checked.rechecked == 1
    # The default margin: the tags are fp32's.
    monkeypatch.undo()
    checked = Tagger.load(saved, device="cpu", precision="bf16-checked", forward="compact")
    assert checked.predict(text)[0].tags == Tagger.load(saved, device="cpu", forward="compact").predict(text)[0].tags


def write_record(path, default, *, units="amx", stride=100, forward="compact", fingerprint=None):
    record = {
        "default": default.to_dict() if default else None,
        "fingerprint": fingerprint or backends.fingerprint(path),
        "machine": {"bf16_units": units},
        "stride": stride,
        "forward": forward,
    }
    (path / RECORD_FILE).write_text(json.dumps(record))


def test_auto_follows_the_record_only_for_the_files_and_cpu_it_was_verified_on(saved, monkeypatch):
    path = saved
    monkeypatch.setattr(backends, "bf16_units", lambda: "amx")
    bf16 = Setting("torch", "bf16", 100, "compact")
    write_record(path, bf16)
    try:
        assert resolve(path, "auto", "auto", "cpu") == bf16
        # An explicit precision or backend keeps the verified stride and forward.
        assert resolve(path, "auto", "fp32", "cpu") == Setting("torch", "fp32", 100, "compact")
        assert resolve(path, "torch", "auto", "cpu") == bf16
        # Off the CPU, or with no record, auto is the reference.
        assert resolve(path, "auto", "auto", "cuda") == Setting()
        # Another CPU: without bf16 units, or with other ones, auto falls back to fp32.
        monkeypatch.setattr(backends, "bf16_units", lambda: None)
        assert resolve(path, "auto", "auto", "cpu") == Setting("torch", "fp32", 100, "compact")
        with pytest.raises(ValueError, match="needs a CPU with bf16 units.*--precision fp32"):
            resolve(path, "torch", "bf16", "cpu")
        monkeypatch.setattr(backends, "bf16_units", lambda: "avx512_bf16")
        assert verified(path).default == Setting("torch", "fp32", 100, "compact")
        assert resolve(path, "torch", "bf16", "cpu") == bf16  # asked for: honoured where the units exist
        # bf16-checked needs the same units as bf16.
        checked = Setting("torch", "bf16-checked", 100, "compact")
        write_record(path, checked, units="avx512_bf16")
        assert resolve(path, "auto", "auto", "cpu") == checked
        monkeypatch.setattr(backends, "bf16_units", lambda: None)
        assert resolve(path, "auto", "auto", "cpu") == Setting("torch", "fp32", 100, "compact")
        with pytest.raises(ValueError, match="--precision bf16-checked needs a CPU with bf16 units"):
            resolve(path, "torch", "bf16-checked", "cpu")
        # Model files changed since: the record vouches for nothing.
        write_record(path, bf16, fingerprint="0" * 64)
        assert verified(path) is None and resolve(path, "auto", "auto", "cpu") == Setting()
        # A record that accepted nothing still vouches for its stride and forward.
        write_record(path, None)
        assert resolve(path, "auto", "auto", "cpu") == Setting("torch", "fp32", 100, "compact")
        # An ONNX default whose file is gone is no default.
        write_record(path, Setting("onnx", "int8", 100))
        assert verified(path).default is None
    finally:
        (path / RECORD_FILE).unlink()
    assert resolve(path, "auto", "auto", "cpu") == Setting()


def test_the_loaded_tagger_runs_the_resolved_setting(saved, monkeypatch):
    from gongkai.inference.model_tagger import ModelTagger

    monkeypatch.setattr(backends, "bf16_units", lambda: None)
    write_record(saved, Setting("torch", "fp32", 100, "compact"))
    try:
        tagger = ModelTagger.load(saved, device="cpu")
        assert tagger.backend == "torch-fp32"
        assert (tagger.model.stride, tagger.model.forward) == (100, "compact")
        with pytest.raises(ValueError, match="unknown precision"):
            ModelTagger.load(saved, device="cpu", precision="half")
    finally:
        (saved / RECORD_FILE).unlink()
    tagger = ModelTagger.load(saved, device="cpu")
    assert (tagger.backend, tagger.model.stride, tagger.model.forward) == ("torch-fp32", 96, "reference")


def test_bf16_units_need_both_the_kernel_and_torch(monkeypatch):
    monkeypatch.setattr(backends.platform, "machine", lambda: "x86_64")
    monkeypatch.setattr(torch.cpu, "_is_amx_tile_supported", lambda: True)
    monkeypatch.setattr(torch.cpu, "_is_avx512_bf16_supported", lambda: True)
    for flags, expected in (({"amx_bf16", "avx512_bf16"}, "amx"), ({"avx512_bf16"}, "avx512_bf16"), (set(), None)):
        monkeypatch.setattr(backends, "cpu_flags", lambda flags=flags: flags)
        backends.bf16_units.cache_clear()
        assert backends.bf16_units() == expected
    monkeypatch.setattr(torch.cpu, "_is_amx_tile_supported", lambda: False)  # the kernel says AMX, torch cannot use it
    monkeypatch.setattr(backends, "cpu_flags", lambda: {"amx_bf16", "avx512_bf16"})
    backends.bf16_units.cache_clear()
    assert backends.bf16_units() == "avx512_bf16"
    backends.bf16_units.cache_clear()


def test_verification_keeps_the_smallest_overlap_that_changes_no_tag(tok, tmp_path):
    """A model whose tags depend on each character alone tags the same with any windows: the
    verification keeps the smallest overlap it tries. A model that reads context changes tags
    where windows hand over, and the first overlap that does so stops the search."""
    from test_tagger import context_free_model

    from gongkai.training.verify_backends import overlaps, verify

    free = tmp_path / "free"
    Tagger(context_free_model(len(tok), max_positions=128), tok, device="cpu").save(free)
    record = verify(free, GOLD[:1], min_gain=float("-inf"), rounds=1)
    assert overlaps(126) == [94, 110]
    assert record["window_floor"]["tags_differing"] == 0 and record["window_floor"]["stride"] == 62
    assert [o["tags_differing"] for o in record["overlaps"]] == [0]
    assert record["stride"] == 110 and record["default"]["stride"] == 110
    assert record["candidates"]["torch-fp32"]["records_differing"] == []
    assert json.loads((free / RECORD_FILE).read_text())["stride"] == 110

    model = tmp_path / "context"
    m = tiny_modernbert(len(tok), max_positions=128)
    with torch.no_grad():
        m.classifier.weight.mul_(20)
    Tagger(m, tok, device="cpu").save(model)
    record = verify(model, GOLD[:2], min_gain=float("-inf"), rounds=1)
    assert record["forward"] == "compact" and record["compact_forward"]["tags_differing"] == 0
    first = record["overlaps"][0]
    assert record["stride"] == (110 if first["tags_differing"] == 0 else 94)
    assert set(first["records_differing"]) <= set(first["texts_differing"])  # same tags, same record
    with pytest.raises(ValueError, match="acceptance rule"):
        verify(model, GOLD[:1], accept="close-enough")
