"""The character tagger on ONNX Runtime.

``gongkai export-onnx DIR`` (:mod:`gongkai.training.export_onnx`) writes, beside a saved
tagger, ``model.onnx`` (float32) and ``model.int8.onnx`` (dynamic int8 quantisation), then
verifies them with the other candidates (:mod:`.backends`): ``auto`` runs one only where that
record says it tags exactly as the reference does, and faster.

onnxruntime is optional (``pip install 'gongkai[onnx]'``); it is imported only when an
ONNX model is loaded.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
from transformers import AutoTokenizer

from .backends import ONNX_FILES, Precision
from .labels import check_label_set
from .tagger import WindowedTagger


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


class OnnxTagger(WindowedTagger):
    """A tagger on an ONNX Runtime session; windows and stitching as the torch :class:`Tagger`."""

    def __init__(
        self,
        session,
        tokenizer,
        *,
        max_positions: int,
        window: int | None = None,
        stride: int | None = None,
        variant: str | None = None,
        config: dict[str, Any] | None = None,
    ):
        self.session = session
        self.tokenizer = tokenizer
        self.variant = variant
        self.config = config or {}
        self._set_windows(max_positions, window, stride)

    @classmethod
    def load(
        cls, model_dir: str | Path, variant: str = Precision.FP32, *, threads: int | None = None, **kwargs: Any
    ) -> OnnxTagger:
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
        session = ort.InferenceSession(
            str(path), sess_options=session_options(threads), providers=["CPUExecutionProvider"]
        )
        return cls(
            session,
            AutoTokenizer.from_pretrained(model_dir),
            max_positions=config["max_position_embeddings"],
            variant=variant,
            config=config,
            **kwargs,
        )

    def log_probs(
        self, input_ids: np.ndarray, attention_mask: np.ndarray, kept: np.ndarray | None = None
    ) -> np.ndarray:
        (logits,) = self.session.run(["logits"], {"input_ids": input_ids, "attention_mask": attention_mask})
        logits = logits.astype(np.float32, copy=False)
        top = logits.max(-1, keepdims=True)
        return logits - top - np.log(np.exp(logits - top).sum(-1, keepdims=True))
