"""Train the character tagger with the Hugging Face Trainer.

Model hyperparameters (sizes, positions) go into the HF config through
:func:`gongkai.model.tagger.new_config`; training ones (steps, learning rate, batch,
seed, evaluation and early stopping) into ``TrainingArguments``. With dev records the
Trainer evaluates every ``eval_steps``, keeps the best checkpoint by dev loss or entity
F1, and stops after ``patience`` evaluations without improvement.

A model starts from random weights, or from a local checkpoint (``base_model``): a tagger,
or a character encoder pretrained as a masked LM on unlabelled reports
(:mod:`gongkai.training.pretrain`, ``gongkai pretrain``), which gets a fresh head for our tags.
"""

from __future__ import annotations

import logging
import shutil
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from gongkai.model.card import model_card
from gongkai.model.labels import ID2TAG
from gongkai.model.tagger import Tagger

from .corpus import Record
from .features import IGNORE, Augment, encode_windows, tag_records
from .settings import RunResult, TrainConfig

log = logging.getLogger(__name__)


#: What :func:`train` returns.
TrainResult = RunResult


def train(
    train_records: Sequence[Record],
    dev_records: Sequence[Record] | None,
    out_dir: str | Path,
    config: TrainConfig | None = None,
    *,
    augment: Augment | None = None,
    command: str = "",
    data: str = "",
) -> TrainResult:
    """Train a tagger on ``train_records``, pick the best on ``dev_records``, save it to ``out_dir``.

    ``augment`` expands each training record (damage augmentation); ``command`` and
    ``data`` describe the run in the model card.
    """
    from datasets import Dataset
    from transformers import AutoModelForTokenClassification, set_seed

    config = config or TrainConfig()
    out_dir = Path(out_dir)
    if not train_records:
        raise ValueError("no training records: give annotation files with at least one record")
    set_seed(config.seed)

    train_tagged = list(tag_records(train_records, augment))
    dev_tagged = list(tag_records(dev_records or []))
    model, tokenizer = config.model_and_tokenizer(
        (t.text for t in train_tagged), AutoModelForTokenClassification, _base_tagger
    )
    window, stride = config.windows(model)

    train_ds = Dataset.from_dict(encode_windows(train_tagged, tokenizer, window, stride))
    # Dev windows do not overlap, so every character counts once in the dev metrics.
    dev_ds = Dataset.from_dict(encode_windows(dev_tagged, tokenizer, window, window)) if dev_tagged else None
    log.info(
        "training on %d windows of %d records, dev %d windows",
        len(train_ds),
        len(train_tagged),
        len(dev_ds) if dev_ds else 0,
    )
    evaluating = dev_ds is not None and len(dev_ds) > 0

    trainer = _trainer(config, model, tokenizer, train_ds, dev_ds if evaluating else None, out_dir)
    result = trainer.train()
    metrics: dict[str, Any] = {
        "train_loss": result.training_loss,
        "train_steps": result.global_step,
        "train_records": len(train_tagged),
        "train_chars": sum(len(t.text) for t in train_tagged),
    }
    if evaluating:
        final = trainer.evaluate()
        metrics.update(
            {k: v for k, v in final.items() if k in ("eval_loss", "eval_f1", "eval_precision", "eval_recall")}
        )
        metrics["dev_records"] = len(dev_tagged)

    card = model_card(
        trainer.model.config,
        data=data or _describe(train_records, dev_records),
        command=command,
        metrics=metrics,
        base_model=config.base_model,
        path=str(out_dir),
    )
    card += "\n## Training configuration\n\n" + "\n".join(config.card_lines()) + "\n"
    Tagger(trainer.model, tokenizer, window=window, stride=stride, device="cpu").save(out_dir, card=card)
    if not config.keep_checkpoints:
        shutil.rmtree(out_dir / "checkpoints", ignore_errors=True)
    return TrainResult(out_dir, metrics, list(trainer.state.log_history))


def _base_tagger(path: str):
    """A local checkpoint with a fresh head for our tags, and its tokenizer."""
    tagger = Tagger.from_base_model(path, device="cpu")
    return tagger.model, tagger.tokenizer


def _trainer(config: TrainConfig, model, tokenizer, train_ds, dev_ds, out_dir: Path):
    """The HF Trainer of a run: with dev windows, it evaluates and checkpoints every ``eval_steps``,
    keeps the best by ``best_metric`` and stops after ``patience`` evaluations without gain."""
    from transformers import DataCollatorForTokenClassification, EarlyStoppingCallback, Trainer

    evaluating = dev_ds is not None
    args = config.trainer_arguments(
        out_dir,
        per_device_eval_batch_size=config.batch_size,
        eval_strategy="steps" if evaluating else "no",
        eval_steps=config.eval_steps,
        save_strategy="steps" if evaluating else "no",
        save_steps=config.eval_steps,
        save_total_limit=2 if evaluating else None,
        load_best_model_at_end=evaluating,
        metric_for_best_model=("eval_f1" if config.best_metric == "f1" else "eval_loss") if evaluating else None,
        greater_is_better=(config.best_metric == "f1") if evaluating else None,
    )
    return Trainer(
        model=model,
        args=args,
        train_dataset=train_ds,
        eval_dataset=dev_ds,
        data_collator=DataCollatorForTokenClassification(tokenizer, label_pad_token_id=IGNORE),
        processing_class=tokenizer,
        compute_metrics=_window_metrics if evaluating else None,
        callbacks=[EarlyStoppingCallback(early_stopping_patience=config.patience)] if evaluating else [],
    )


def _window_metrics(eval_pred) -> dict[str, float]:
    """Strict IOB2 entity scores over dev windows (the Trainer's compute_metrics)."""
    from .evaluate import entity_scores

    logits, labels = eval_pred.predictions, eval_pred.label_ids
    preds = logits.argmax(-1)
    true_seqs, pred_seqs = [], []
    for p_row, l_row in zip(preds, labels):
        keep = l_row != IGNORE
        true_seqs.append([ID2TAG[int(i)] for i in l_row[keep]])
        pred_seqs.append([ID2TAG[int(i)] for i in p_row[keep]])
    micro = entity_scores(true_seqs, pred_seqs)["micro"]
    return {"f1": micro["f1"], "precision": micro["precision"], "recall": micro["recall"]}


def _describe(train_records: Sequence[Record], dev_records: Sequence[Record] | None) -> str:
    return (
        f"{len(train_records)} training records ({sum(len(r.text) for r in train_records)} characters), "
        f"{len(dev_records or [])} dev records"
    )
