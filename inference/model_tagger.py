"""The pipeline's tag stage backed by the character tagger of :mod:`gongkai.model.tagger`."""

from __future__ import annotations

import logging
from pathlib import Path

from gongkai.model.backends import BATCH_SIZE, REFERENCE, Backend, Precision, fingerprint, resolve

from .entities import Entity

log = logging.getLogger(__name__)


def default_model_dir() -> Path:
    """The model that ships inside the package (``model/default/``)."""
    import gongkai.model

    return Path(gongkai.model.__file__).resolve().parent / "default"


class ModelTagger:
    """The tag stage (:class:`~.pipeline.TagStage`) backed by a character model: ``model`` is the
    torch :class:`~gongkai.model.tagger.Tagger` or the :class:`~gongkai.model.onnx_backend.OnnxTagger`
    that runs."""

    def __init__(
        self, model, *, batch_size: int = BATCH_SIZE, version: str | None = None, backend: str = REFERENCE.name
    ):
        self.model = model
        self.batch_size = batch_size
        self.version = version
        #: ``torch-fp32``, ``torch-bf16``, ``onnx-fp32`` or ``onnx-int8``: what actually runs.
        self.backend = backend

    @classmethod
    def load(
        cls,
        path=None,
        *,
        device: str | None = None,
        batch_size: int = BATCH_SIZE,
        backend: str = Backend.AUTO,
        precision: str = Precision.AUTO,
    ) -> ModelTagger:
        """Load the model once. ``backend`` and ``precision`` (see :func:`gongkai.model.backends.resolve`):
        ``auto`` runs what ``gongkai verify-backends`` recorded as tagging exactly as the reference."""
        path = Path(path) if path is not None else default_model_dir()
        if not (path / "config.json").exists():
            raise FileNotFoundError(
                f"no model at {path}: train one with `gongkai train ... --out DIR` and pass --model DIR"
            )
        setting = resolve(path, backend, precision, device)
        if setting.backend == Backend.ONNX:
            from gongkai.model.onnx_backend import OnnxTagger

            model = OnnxTagger.load(path, setting.precision, stride=setting.stride)
            config = model.config
        else:
            from gongkai.model.tagger import Tagger

            model = Tagger.load(
                path, device=device, precision=setting.precision, stride=setting.stride, forward=setting.forward
            )
            config = model.model.config.to_dict()
        # Records name the exact weights they came from: the folder name and a content hash.
        version = config.get("gongkai_model_version") or f"{path.name}@{fingerprint(path)[:12]}"
        log.info(
            "tagging with %s (%s, stride %s, %s forward)",
            path,
            setting.name,
            model.stride,
            getattr(model, "forward", "onnx"),
        )
        return cls(model, batch_size=batch_size, version=version, backend=setting.name)

    @property
    def forward_seconds(self) -> float:
        """Seconds spent in the model forward so far (see :class:`~gongkai.model.tagger.WindowedTagger`)."""
        return self.model.forward_seconds

    def __call__(self, docs, ids) -> list[list[Entity]]:
        preds = self.model.predict([d.text for d in docs], batch_size=self.batch_size)
        out: list[list[Entity]] = []
        for d, p in zip(docs, preds):
            out.append([Entity(label, a, b, d.text[a:b], score) for a, b, label, score in p.spans()])
        return out
