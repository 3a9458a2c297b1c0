"""The settings of a training and a pretraining run, in one place: the encoder to build, the
windows to cut and the optimiser (:class:`EncoderSettings`), plus what only training
(:class:`TrainConfig`) or only pretraining (:class:`PretrainConfig`) needs. Every field lands in
the model card, and the ``gongkai train``, ``pretrain`` and ``leave-one-out`` options take their
defaults and help from here (:func:`default`, :func:`help_text`).

The default size is the shipped model's (``model/default``: ModernBERT, hidden 128, 3 layers, 4
heads, feed-forward 512, 512 positions); ``scripts/train_default_model.sh`` and
``scripts/leave_one_out.sh`` spell it out and a test holds them to these defaults. This module
imports no torch or transformers, so the CLI can read it when it starts.

>>> s = EncoderSettings(hidden=32, layers=1, heads=2, intermediate=64, architecture="bert")
>>> s.model_config(100).model_type, s.model_config(100).hidden_size
('bert', 32)
>>> default(TrainConfig, "epochs"), default(PretrainConfig, "epochs"), default(PretrainConfig, "hidden")
(20.0, 1.0, 128)
"""

from __future__ import annotations

import inspect
import logging
from collections.abc import Callable, Iterable
from dataclasses import MISSING, asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

#: Fields that describe a model built from scratch: meaningless (and left out of the card)
#: when a run starts from ``base_model``.
SIZE_FIELDS = frozenset({"hidden", "layers", "heads", "intermediate", "dropout", "architecture"})


def setting(default: Any, help: str) -> Any:
    """A dataclass field with its command-line help."""
    return field(default=default, metadata={"help": help})


@dataclass
class EncoderSettings:
    """What a training and a pretraining run share; defaults build the shipped model's size."""

    # Model (ignored when starting from base_model, except max_positions caps the window).
    hidden: int = setting(128, "Hidden size (from-scratch models).")
    layers: int = setting(3, "Transformer layers.")
    heads: int = setting(4, "Attention heads.")
    intermediate: int = setting(512, "Feed-forward size.")
    max_positions: int = setting(512, "Positions, so a window is this less 2 characters.")
    architecture: str = setting(
        "modernbert",
        "From-scratch architecture: 'modernbert' (rotary positions, "
        "local attention), 'bert' (learned absolute positions) or 'roformer'.",
    )
    dropout: float = 0.1
    base_model: str | None = None  # a local HF checkpoint directory to start from
    min_char_freq: int = setting(1, "Characters rarer than this in the training text become [UNK].")
    # Windows: characters per window (default: the model's positions less 2) and step.
    window: int | None = None
    stride: int | None = setting(None, "Characters from one window's start to the next (default 3/4 window).")
    # Optimisation.
    epochs: float = setting(20.0, "Passes over the training windows.")
    max_steps: int = setting(-1, "Stop after this many steps (overrides --epochs when > 0).")
    learning_rate: float = setting(5e-4, "Peak learning rate.")
    weight_decay: float = 0.01
    warmup_ratio: float = 0.05
    batch_size: int = setting(16, "Windows per batch.")
    seed: int = setting(42, "Random seed (weights, data order, masks, the dev split).")
    logging_steps: int = 50
    progress: bool = setting(True, "Progress bars on stderr.")

    def __post_init__(self) -> None:
        from gongkai.model.tagger import ARCHITECTURES

        if self.architecture not in ARCHITECTURES:  # before any data is generated or read
            raise ValueError(f"unknown architecture {self.architecture!r}: choose one of {', '.join(ARCHITECTURES)}")

    def model_config(self, vocab_size: int) -> Any:
        """The config of a from-scratch model of these settings over ``vocab_size`` characters."""
        from gongkai.model.tagger import new_config

        return new_config(
            vocab_size,
            hidden=self.hidden,
            layers=self.layers,
            heads=self.heads,
            intermediate=self.intermediate,
            max_positions=self.max_positions,
            dropout=self.dropout,
            architecture=self.architecture,
        )

    def model_and_tokenizer(
        self, texts: Iterable[str], auto_class: Any, load_base: Callable[[str], tuple[Any, Any]]
    ) -> tuple[Any, Any]:
        """The model a run starts from and its tokenizer: ``load_base(base_model)`` with the
        characters of ``texts`` it lacks added to its vocabulary (embeddings of their own rather
        than [UNK]), or, with no ``base_model``, a from-scratch ``auto_class`` model of these
        settings over the characters of ``texts``."""
        from gongkai.model.tokenizer import build_tokenizer, extend_tokenizer

        if not self.base_model:
            tokenizer = build_tokenizer(texts, self.min_char_freq, self.max_positions)
            return auto_class.from_config(self.model_config(len(tokenizer))), tokenizer
        model, tokenizer = load_base(self.base_model)
        tokenizer, added = extend_tokenizer(tokenizer, texts, self.min_char_freq)
        if added:
            model.resize_token_embeddings(len(tokenizer))
            log.info("added %d characters to the base model's vocabulary", added)
        return model, tokenizer

    def windows(self, model: Any) -> tuple[int, int]:
        """``(window, stride)`` in characters for ``model``, by the rule the tagger applies when it
        runs (:class:`~gongkai.model.tagger.WindowedTagger`): at most its positions less [CLS] and
        [SEP]. Raises ``ValueError`` for a stride longer than the window, before any training."""
        from gongkai.model.tagger import window_and_stride

        return window_and_stride(model.config.max_position_embeddings, self.window, self.stride)

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
class TrainConfig(EncoderSettings):
    """Everything a training run depends on; saved in the model card."""

    # Evaluation on dev records, early stopping.
    eval_steps: int = setting(200, "Evaluate on dev every N steps.")
    patience: int = setting(5, "Stop after N evaluations without improvement.")
    best_metric: str = setting("f1", "Keep the checkpoint with the best dev 'f1' (strict entity F1) or 'loss'.")
    keep_checkpoints: bool = False

    def __post_init__(self) -> None:
        super().__post_init__()
        if self.best_metric not in ("f1", "loss"):
            raise ValueError(f"best_metric must be 'f1' or 'loss', got {self.best_metric!r}")


@dataclass
class PretrainConfig(EncoderSettings):
    """Everything a pretraining run depends on; saved in the model card."""

    epochs: float = setting(1.0, "Passes over the windows.")
    mlm_probability: float = setting(0.15, "Share of characters masked for prediction.")
    #: Windows (spread over the corpus) whose masked-LM loss, with masks fixed by the seed,
    #: is measured before and after training: the card's before/after loss.
    eval_windows: int = 64

    def __post_init__(self) -> None:
        super().__post_init__()
        if not 0 < self.mlm_probability < 1:
            raise ValueError(f"mlm_probability must be between 0 and 1, got {self.mlm_probability}")


def _field(cls: type, name: str) -> Any:
    by_name = {f.name: f for f in fields(cls)}
    if name not in by_name:
        raise KeyError(f"{cls.__name__} has no setting {name!r}")
    return by_name[name]


def default(cls: type, name: str) -> Any:
    """The default of setting ``name`` of ``cls`` (read without building one, which would
    import the model code)."""
    f = _field(cls, name)
    return f.default_factory() if f.default is MISSING else f.default


def help_text(cls: type, name: str) -> str:
    """The command-line help of setting ``name`` of ``cls``."""
    return _field(cls, name).metadata.get("help", "")


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
