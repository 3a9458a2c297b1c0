"""The character tagger on ONNX Runtime, and the record that says when it may replace torch.

``gongkai export-onnx DIR`` (:mod:`gongkai.training.export_onnx`) writes, beside a saved
tagger, ``model.onnx`` (float32), ``model.int8.onnx`` (dynamic int8 quantisation) and
``onnx.json``: which of them tagged the gold seeds exactly as the torch model did, and a
fingerprint of the model files it was checked against. On CPU the ``auto`` backend uses
the accepted file only while that fingerprint still matches, so a retrained or edited model
silently falls back to torch until it is exported and verified again.

onnxruntime is optional (``pip install 'gongkai[onnx]'``); it is imported only when an
ONNX model is loaded.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import numpy as np
from transformers import AutoTokenizer

from .labels import check_label_set
from .tagger import WindowedTagger

#: The exported files, by variant.
ONNX_FILES = {"fp32": "model.onnx", "int8": "model.int8.onnx"}
#: The verification record written by the export command.
DECISION_FILE = "onnx.json"
#: What ``--backend`` accepts: ``onnx`` is the accepted variant (else fp32); the others force one.
BACKENDS = ("auto", "torch", "onnx", "onnx-fp32", "onnx-int8")
#: The model files whose bytes the fingerprint covers.
FINGERPRINTED = ("config.json", "model.safetensors", "tokenizer.json")


def fingerprint(model_dir: str | Path) -> str:
    """SHA-256 over the model's config, weights and tokenizer (names and bytes)."""
    model_dir = Path(model_dir)
    h = hashlib.sha256()
    for name in FINGERPRINTED:
        path = model_dir / name
        if not path.is_file():
            raise FileNotFoundError(f"no {name} in {model_dir}: not a saved gongkai tagger")
        h.update(name.encode() + b"\0")
        with path.open("rb") as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                h.update(block)
    return h.hexdigest()


def read_decision(model_dir: str | Path) -> dict[str, Any] | None:
    """The export command's record in ``model_dir``, or None where there is none."""
    path = Path(model_dir) / DECISION_FILE
    if not path.is_file():
        return None
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise ValueError(f"{path} is not valid JSON ({exc}); run `gongkai export-onnx {model_dir}` again") from None


def accepted_variant(model_dir: str | Path) -> str | None:
    """The ONNX variant verified for ``model_dir`` as it is now, or None.

    None where there is no record, it accepted no variant, its file is gone, or the model
    files changed since it was written (the fingerprint differs).
    """
    decision = read_decision(model_dir)
    if not decision or decision.get("default_cpu") not in ONNX_FILES:
        return None
    variant = decision["default_cpu"]
    if not (Path(model_dir) / ONNX_FILES[variant]).is_file():
        return None
    return variant if decision.get("fingerprint") == fingerprint(model_dir) else None


def onnxruntime_available() -> bool:
    try:
        import onnxruntime  # noqa: F401
    except ImportError:
        return False
    return True


def _on_cpu(device: str | None) -> bool:
    if device is not None:
        return device == "cpu"
    import torch

    return not torch.cuda.is_available()


def resolve_backend(model_dir: str | Path, backend: str = "auto", device: str | None = None) -> tuple[str, str | None]:
    """``("torch", None)`` or ``("onnx", variant)`` for a backend name (see :data:`BACKENDS`).

    ``auto`` takes ONNX only on CPU, with onnxruntime installed and a variant that
    :func:`accepted_variant` still vouches for; otherwise torch.

    >>> resolve_backend("/nonexistent", "torch")
    ('torch', None)
    >>> resolve_backend("/nonexistent", "tensorflow")
    Traceback (most recent call last):
    ValueError: unknown backend 'tensorflow'; choose one of auto, torch, onnx, onnx-fp32, onnx-int8
    """
    if backend not in BACKENDS:
        raise ValueError(f"unknown backend {backend!r}; choose one of {', '.join(BACKENDS)}")
    if backend == "torch":
        return "torch", None
    if backend == "auto":
        if not _on_cpu(device) or not onnxruntime_available():
            return "torch", None
        variant = accepted_variant(model_dir)
        return ("onnx", variant) if variant else ("torch", None)
    if device is not None and device != "cpu":
        raise ValueError(f"the ONNX backend runs on the CPU only, not on device {device!r}; use --backend torch")
    if backend == "onnx":
        variant = accepted_variant(model_dir) or "fp32"
    else:
        variant = backend.removeprefix("onnx-")
    if not (Path(model_dir) / ONNX_FILES[variant]).is_file():
        raise FileNotFoundError(f"no {ONNX_FILES[variant]} in {model_dir}: run `gongkai export-onnx {model_dir}` first")
    return "onnx", variant


def session_options(threads: int | None = None):
    """ORT options: ``threads`` intra-op threads (default torch's, i.e. every core unless a
    caller such as a bulk worker limited it), one inter-op thread, all graph optimisations."""
    import onnxruntime as ort

    if threads is None:
        import torch

        threads = torch.get_num_threads()
    opts = ort.SessionOptions()
    opts.intra_op_num_threads = max(1, threads)
    opts.inter_op_num_threads = 1
    opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    return opts


def softmax_best(logits: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Argmax and its softmax probability over the last axis.

    >>> arg, best = softmax_best(np.array([[0.0, 0.0], [0.0, np.log(3.0)]]))
    >>> arg.tolist(), best.round(3).tolist()
    ([0, 1], [0.5, 0.75])
    """
    logits = logits.astype(np.float32, copy=False)
    arg = logits.argmax(-1)
    top = np.take_along_axis(logits, arg[..., None], -1)
    best = 1.0 / np.exp(logits - top).sum(-1)  # softmax at the argmax, without overflow
    return arg, best


class OnnxTagger(WindowedTagger):
    """A tagger on an ONNX Runtime session; windows and stitching as the torch :class:`Tagger`."""

    def __init__(self, session, tokenizer, *, max_positions: int, window: int | None = None,
                 stride: int | None = None, variant: str | None = None, config: dict[str, Any] | None = None):
        self.session = session
        self.tokenizer = tokenizer
        self.variant = variant
        self.config = config or {}
        self._set_windows(max_positions, window, stride)

    @classmethod
    def load(cls, model_dir: str | Path, variant: str = "fp32", *, threads: int | None = None,
             **kwargs: Any) -> "OnnxTagger":
        """Load ``model_dir``'s exported ``variant`` (``fp32`` or ``int8``) and its tokenizer."""
        try:
            import onnxruntime as ort
        except ImportError:
            raise ImportError("the ONNX backend needs onnxruntime: pip install 'gongkai[onnx]'") from None
        model_dir = Path(model_dir)
        if variant not in ONNX_FILES:
            raise ValueError(f"unknown ONNX variant {variant!r}; choose one of {', '.join(ONNX_FILES)}")
        path = model_dir / ONNX_FILES[variant]
        if not path.is_file():
            raise FileNotFoundError(f"no {path.name} in {model_dir}: run `gongkai export-onnx {model_dir}` first")
        config = json.loads((model_dir / "config.json").read_text(encoding="utf-8"))
        id2label = {int(k): v for k, v in config.get("id2label", {}).items()}
        check_label_set([id2label[i] for i in sorted(id2label)], where=f"the model in {model_dir}")
        session = ort.InferenceSession(str(path), sess_options=session_options(threads),
                                       providers=["CPUExecutionProvider"])
        return cls(session, AutoTokenizer.from_pretrained(model_dir), max_positions=config["max_position_embeddings"],
                   variant=variant, config=config, **kwargs)

    def log_probs(self, input_ids: np.ndarray, attention_mask: np.ndarray) -> np.ndarray:
        (logits,) = self.session.run(["logits"], {"input_ids": input_ids, "attention_mask": attention_mask})
        logits = logits.astype(np.float32, copy=False)
        top = logits.max(-1, keepdims=True)
        return logits - top - np.log(np.exp(logits - top).sum(-1, keepdims=True))
