"""Export a saved tagger to ONNX (float32 and dynamic int8), then verify it with the other ways to
run the tagger (:mod:`.verify_backends`): CPU extraction uses an export only where that record
says it tags exactly as the reference does, and faster.

A ModernBERT tagger is exported from the compact forward (:mod:`gongkai.model.fast_modernbert`):
transformers' own forward exports each attention as a full ``L × L`` score matrix per head with
a boolean mask turned into ``Where``/``IsNaN`` guards, and its local layers score every key only
to mask most of them; ONNX Runtime ran that graph at half torch's speed.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from gongkai.model.backends import BATCH_SIZE, ONNX_FILES, RECORD_FILE, fingerprint

from .corpus import Record

#: ONNX opset of the export (the TorchScript exporter's well-trodden range).
OPSET = 17


def export_model(model_dir: str | Path, *, opset: int = OPSET) -> Path:
    """Write ``model.onnx``: inputs ``input_ids``/``attention_mask`` (batch × sequence, int64),
    output ``logits`` (batch × sequence × tags), both axes dynamic."""
    import torch

    from gongkai.model import fast_modernbert
    from gongkai.model.tagger import Tagger

    model_dir = Path(model_dir)
    model = Tagger.load(model_dir, device="cpu").model
    compact = fast_modernbert.FastModernBert(model) if fast_modernbert.supports(model) else None

    class Logits(torch.nn.Module):
        def __init__(self, inner):
            super().__init__()
            self.inner = inner

        def forward(self, input_ids, attention_mask):
            if compact is not None:  # always masked: the graph must not depend on this example's mask
                return compact.logits(input_ids, attention_mask, masked=True)
            return self.inner(input_ids=input_ids, attention_mask=attention_mask).logits

    # eval() on the wrapper too: export restores the wrapper's mode recursively afterwards.
    wrapper = Logits(model).eval()
    # A padded row in the example, so tracing keeps the attention-mask path; a length that is no
    # multiple of the compact forward's block, so it keeps the padding to whole blocks.
    length = min(70, model.config.max_position_embeddings)
    ids = torch.full((2, length), 5, dtype=torch.long)
    mask = torch.ones_like(ids)
    mask[1, length * 2 // 3 :] = 0
    out = model_dir / ONNX_FILES["fp32"]
    axes = {0: "batch", 1: "sequence"}
    # The TorchScript exporter (dynamo=False) exports transformers 5's BERT with dynamic axes
    # without needing onnxscript.
    with warnings.catch_warnings():  # tracer warnings about transformers' Python branches, expected here
        warnings.simplefilter("ignore")
        torch.onnx.export(
            wrapper,
            (ids, mask),
            str(out),
            input_names=["input_ids", "attention_mask"],
            output_names=["logits"],
            dynamic_axes={"input_ids": axes, "attention_mask": axes, "logits": axes},
            opset_version=opset,
            dynamo=False,
        )
    return out


def quantize_model(model_dir: str | Path) -> Path:
    """Write ``model.int8.onnx``: int8 weights of the MatMuls (signed, the choice ORT
    recommends for transformers on x86), activations quantised at run time."""
    import logging

    from onnxruntime.quantization import QuantType, quantize_dynamic

    model_dir = Path(model_dir)
    out = model_dir / ONNX_FILES["int8"]
    root = logging.getLogger()
    level = root.level
    root.setLevel(logging.ERROR)  # quiet its "consider pre-processing" advice on every export
    try:
        quantize_dynamic(str(model_dir / ONNX_FILES["fp32"]), str(out), weight_type=QuantType.QInt8)
    finally:
        root.setLevel(level)
    return out


def export_onnx(
    model_dir: str | Path,
    gold: Sequence[Record] | None,
    texts: Sequence[tuple[str, str]] = (),
    *,
    quantize: bool = True,
    opset: int = OPSET,
    batch_size: int = BATCH_SIZE,
    rounds: int = 2,
    min_gain: float | None = None,
    accept: str = "identical",
    log=lambda line: None,
) -> dict[str, Any] | None:
    """Export (and quantise) the tagger in ``model_dir``, then verify every candidate on ``gold``
    and ``texts`` (:func:`~gongkai.training.verify_backends.verify`) and return the record.

    Without ``gold`` or ``texts`` nothing is verified and the old record is removed: the new files
    then run only when asked for (``--backend onnx``), never by default, and ``auto`` runs the
    reference until ``gongkai verify-backends`` is run.
    """
    from .verify_backends import MIN_GAIN, verify

    model_dir = Path(model_dir)
    fingerprint(model_dir)  # fails early, naming the directory, where there is no model
    (model_dir / RECORD_FILE).unlink(missing_ok=True)  # an old record must not vouch for new files
    export_model(model_dir, opset=opset)
    if quantize:
        quantize_model(model_dir)
    else:
        (model_dir / ONNX_FILES["int8"]).unlink(missing_ok=True)  # never leave a stale int8 beside a new fp32
    if not gold and not texts:
        return None
    return verify(
        model_dir,
        gold or (),
        texts,
        batch_size=batch_size,
        rounds=rounds,
        min_gain=MIN_GAIN if min_gain is None else min_gain,
        accept=accept,
        log=log,
    )
