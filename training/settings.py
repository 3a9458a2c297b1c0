"""What a training run and a pretraining run share: the encoder to build, the windows to cut
and the optimiser. :class:`~.train.TrainConfig` and :class:`~.pretrain.PretrainConfig` add
their own; every field lands in the model card.

>>> s = EncoderSettings(hidden=32, layers=1, heads=2, intermediate=64, architecture="bert")
>>> s.model_config(100).model_type, s.model_config(100).hidden_size
('bert', 32)
"""

from __future__ import annotations

import inspect
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from gongkai.model.tagger import ARCHITECTURES, DEFAULT_ARCHITECTURE, DEFAULT_SIZE, new_config

#: Fields that describe a model built from scratch: meaningless (and left out of the card)
#: when a run starts from ``base_model``.
SIZE_FIELDS = frozenset({"hidden", "layers", "heads", "intermediate", "dropout", "architecture"})


@dataclass
class EncoderSettings:
    # Model (ignored when starting from base_model, except max_positions caps the window).
    hidden: int = DEFAULT_SIZE["hidden"]
    layers: int = DEFAULT_SIZE["layers"]
    heads: int = DEFAULT_SIZE["heads"]
    intermediate: int = DEFAULT_SIZE["intermediate"]
    max_positions: int = DEFAULT_SIZE["max_positions"]
    architecture: str = DEFAULT_ARCHITECTURE  # see gongkai.model.tagger.ARCHITECTURES
    dropout: float = 0.1
    base_model: str | None = None   # a local HF checkpoint directory to start from
    min_char_freq: int = 1          # characters rarer than this in the text become [UNK]
    # Windows: characters per window (default: the model's positions less 2) and step.
    window: int | None = None
    stride: int | None = None
    # Optimisation.
    epochs: float = 20.0
    max_steps: int = -1             # > 0 overrides epochs
    learning_rate: float = 5e-4
    weight_decay: float = 0.01
    warmup_ratio: float = 0.05
    batch_size: int = 16
    seed: int = 42
    logging_steps: int = 50
    progress: bool = True

    def __post_init__(self) -> None:
        if self.architecture not in ARCHITECTURES:  # before any data is generated or read
            raise ValueError(f"unknown architecture {self.architecture!r}: choose one of {', '.join(ARCHITECTURES)}")

    def model_config(self, vocab_size: int) -> Any:
        """The config of a from-scratch model of these settings over ``vocab_size`` characters."""
        return new_config(vocab_size, hidden=self.hidden, layers=self.layers, heads=self.heads,
                          intermediate=self.intermediate, max_positions=self.max_positions,
                          dropout=self.dropout, architecture=self.architecture)

    def windows(self, model: Any) -> tuple[int, int]:
        """``(window, stride)`` in characters for ``model``: at most its positions less [CLS] and [SEP]."""
        most = model.config.max_position_embeddings - 2
        window = min(self.window or most, most)
        return window, self.stride or max(1, window * 3 // 4)

    def trainer_arguments(self, out_dir: str | Path, **extra: Any) -> Any:
        """HF ``TrainingArguments`` for these settings (checkpoints under ``out_dir/checkpoints``),
        updated by ``extra``."""
        import torch
        from transformers import TrainingArguments

        args: dict[str, Any] = dict(
            output_dir=str(Path(out_dir) / "checkpoints"),
            num_train_epochs=self.epochs,
            max_steps=self.max_steps,
            learning_rate=self.learning_rate,
            weight_decay=self.weight_decay,
            per_device_train_batch_size=self.batch_size,
            seed=self.seed,
            data_seed=self.seed,
            logging_steps=self.logging_steps,
            logging_first_step=True,
            report_to="none",
            disable_tqdm=not self.progress,
            use_cpu=not torch.cuda.is_available(),
        )
        # transformers 5 takes a ratio as a float warmup_steps and dropped warmup_ratio; 4.x has both.
        args["warmup_ratio" if accepts(TrainingArguments, "warmup_ratio") else "warmup_steps"] = self.warmup_ratio
        return TrainingArguments(**{**args, **extra})

    def card_lines(self) -> list[str]:
        """``- field: value`` lines for a model card; size fields only for a from-scratch model."""
        ignored = SIZE_FIELDS if self.base_model else set()
        return [f"- {k}: {v}" for k, v in asdict(self).items() if k not in ignored]


@dataclass
class RunResult:
    """A finished (pre)training run: where the model went, its final metrics, the Trainer's log."""

    out_dir: Path
    metrics: dict[str, Any] = field(default_factory=dict)
    log_history: list[dict[str, Any]] = field(default_factory=list)


def accepts(fn: Any, name: str) -> bool:
    """Whether ``fn`` (or a class's ``__init__``) takes a parameter ``name``: the keywords that
    differ between transformers releases."""
    return name in inspect.signature(fn.__init__ if isinstance(fn, type) else fn).parameters
