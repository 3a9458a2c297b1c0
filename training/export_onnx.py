"""Export a saved tagger to ONNX (float32 and dynamic int8) and decide whether CPU extraction may use it.

The decision is written to ``onnx.json`` beside the model (see :mod:`gongkai.model.onnx_backend`):
a variant is accepted only if, on the gold records, it gives every character the same tag
as the torch model and the end-to-end cell accuracy is the same. Of the accepted variants
the int8 one (faster, smaller) is preferred.
"""

from __future__ import annotations

import json
import time
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from gongkai.model.onnx_backend import DECISION_FILE, ONNX_FILES, OnnxTagger, fingerprint

from .corpus import Record

#: ONNX opset of the export (the TorchScript exporter's well-trodden range).
OPSET = 17


def export_model(model_dir: str | Path, *, opset: int = OPSET) -> Path:
    """Write ``model.onnx``: inputs ``input_ids``/``attention_mask`` (batch × sequence, int64),
    output ``logits`` (batch × sequence × tags), both axes dynamic."""
    import torch

    from gongkai.model.tagger import Tagger

    model_dir = Path(model_dir)
    model = Tagger.load(model_dir, device="cpu").model

    class Logits(torch.nn.Module):
        def __init__(self, inner):
            super().__init__()
            self.inner = inner

        def forward(self, input_ids, attention_mask):
            return self.inner(input_ids=input_ids, attention_mask=attention_mask).logits

    # eval() on the wrapper too: export restores the wrapper's mode recursively afterwards.
    wrapper = Logits(model).eval()
    # A padded row in the example, so tracing keeps the attention-mask path.
    ids = torch.full((2, 8), 5, dtype=torch.long)
    mask = torch.ones_like(ids)
    mask[1, 5:] = 0
    out = model_dir / ONNX_FILES["fp32"]
    axes = {0: "batch", 1: "sequence"}
    # The TorchScript exporter (dynamo=False) exports transformers 5's BERT with dynamic axes
    # without needing onnxscript.
    with warnings.catch_warnings():  # tracer warnings about transformers' Python branches, expected here
        warnings.simplefilter("ignore")
        torch.onnx.export(wrapper, (ids, mask), str(out), input_names=["input_ids", "attention_mask"],
                          output_names=["logits"],
                          dynamic_axes={"input_ids": axes, "attention_mask": axes, "logits": axes},
                          opset_version=opset, dynamo=False)
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


def compare_backends(model_dir: str | Path, records: Sequence[Record], variants: Sequence[str] = tuple(ONNX_FILES),
                     *, batch_size: int = 8, require_faster: bool = True) -> dict[str, Any]:
    """Tag ``records`` with torch and each ONNX variant; per variant the characters whose tag
    differs from torch's, the cell accuracy, the tagging time, and whether it is accepted (the
    same tags and cell accuracy as torch, and unless ``require_faster`` is off, in less time)."""
    from gongkai.inference.entities import Entity
    from gongkai.model.tagger import Tagger

    from .evaluate_pipeline import pipeline_scores
    from .features import tag_records

    if not records:
        raise ValueError("no gold records to verify the ONNX export on")
    texts = [g.text for g in tag_records(records)]

    def run(tagger) -> tuple[list, float, float | None]:
        tagger.predict(texts[:1], batch_size=batch_size)  # warm up: lazy initialisation is not speed
        started = time.perf_counter()
        preds = tagger.predict(texts, batch_size=batch_size)
        seconds = time.perf_counter() - started
        ents = [[Entity(label, a, b, t[a:b], s) for a, b, label, s in p.spans()] for t, p in zip(texts, preds)]
        return preds, seconds, pipeline_scores(records, ents)["cell_accuracy"]

    ref, ref_seconds, ref_cells = run(Tagger.load(model_dir, device="cpu"))
    result: dict[str, Any] = {"torch": {"cell_accuracy": ref_cells, "seconds": round(ref_seconds, 3)}}
    for variant in variants:
        preds, seconds, cells = run(OnnxTagger.load(model_dir, variant))
        differing = sum(a != b for r, p in zip(ref, preds) for a, b in zip(r.tags, p.tags))
        result[variant] = {"file": ONNX_FILES[variant], "tags_differing": differing, "cell_accuracy": cells,
                           "seconds": round(seconds, 3),
                           # Same tags, same cells, and worth it: a slower export is no default.
                           "accepted": differing == 0 and cells == ref_cells
                                       and (seconds < ref_seconds or not require_faster)}
    return result


def record_decision(model_dir: str | Path, gold: Sequence[Record] | None, variants: Sequence[str] = tuple(ONNX_FILES),
                    *, opset: int = OPSET, batch_size: int = 8, require_faster: bool = True) -> dict[str, Any]:
    """Verify the exported ``variants`` on ``gold`` and write ``onnx.json``; return its content.

    ``default_cpu`` is the int8 variant if accepted, else fp32 if accepted, else None. Without
    ``gold`` nothing is verified and it is None: the files then run only with an explicit
    ``--backend onnx``, never by default.
    """
    import onnxruntime
    import torch

    from gongkai.model import package_version

    model_dir = Path(model_dir)
    decision: dict[str, Any] = {
        "default_cpu": None,
        "fingerprint": fingerprint(model_dir),
        "files": {v: ONNX_FILES[v] for v in variants},
        "tools": {"gongkai": package_version(), "torch": torch.__version__,
                  "onnxruntime": onnxruntime.__version__, "opset": opset},
        "verified_on": None,
    }
    if gold:
        checked = compare_backends(model_dir, gold, variants, batch_size=batch_size, require_faster=require_faster)
        decision["verified_on"] = {"records": len(gold), "ids": [r.id for r in gold]}
        decision["results"] = checked
        accepted = [v for v in ("int8", "fp32") if v in checked and checked[v]["accepted"]]
        decision["default_cpu"] = accepted[0] if accepted else None
    (model_dir / DECISION_FILE).write_text(json.dumps(decision, ensure_ascii=False, indent=2) + "\n",
                                          encoding="utf-8")
    return decision


def export_onnx(model_dir: str | Path, gold: Sequence[Record] | None, *, quantize: bool = True,
                opset: int = OPSET, batch_size: int = 8, require_faster: bool = True) -> dict[str, Any]:
    """Export (and quantise) the tagger in ``model_dir``, then :func:`record_decision` on ``gold``."""
    model_dir = Path(model_dir)
    fingerprint(model_dir)  # fails early, naming the directory, where there is no model
    (model_dir / DECISION_FILE).unlink(missing_ok=True)  # an old record must not vouch for new files
    export_model(model_dir, opset=opset)
    variants = ["fp32"]
    if quantize:
        quantize_model(model_dir)
        variants.append("int8")
    else:
        (model_dir / ONNX_FILES["int8"]).unlink(missing_ok=True)  # never leave a stale int8 beside a new fp32
    return record_decision(model_dir, gold, variants, opset=opset, batch_size=batch_size,
                           require_faster=require_faster)
