"""Masked-language-model pretraining of the character encoder on unlabelled reports.

Scraped reports are plentiful and annotations are not: pretraining teaches the encoder the
characters and layouts of real reports (BERT's masked-LM objective, Hugging Face Trainer and
``DataCollatorForLanguageModeling``), and ``gongkai train --base-model DIR`` then fine-tunes
a tagger from it — a fresh token-classification head on the pretrained encoder.

The texts go through :func:`gongkai.inference.normalise.normalise`, as the tagger's do, and
are cut into the tagger's training windows (:func:`gongkai.model.tagger.windows`, one
token per character by :func:`gongkai.model.tokenizer.encode_chars`). The model comes from
:func:`gongkai.model.tagger.new_config` (``AutoModelForMaskedLM.from_config``), or from a
local checkpoint (``base_model``) whose vocabulary is extended with the characters it lacks.
The saved directory holds ``model.safetensors`` (never pickles), the tokenizer and a model
card. Its config carries no tag set, so it cannot be mistaken for a tagger.

>>> from gongkai.model.tokenizer import build_tokenizer
>>> windows = _WindowDataset(["一、总体情况"], build_tokenizer(["一、总体情况"]), size=4, stride=1)
>>> len(windows), windows[0]["input_ids"][0] == windows.cls_id, len(windows[2]["input_ids"])
(3, True, 6)
"""

from __future__ import annotations

import logging
import math
import shutil
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import numpy as np

from gongkai.model.card import card_lines
from gongkai.model.tagger import local_checkpoint, windows
from gongkai.model.tokenizer import encode_chars, save_tokenizer

from .settings import PretrainConfig, RunResult, accepts

log = logging.getLogger(__name__)

#: One report to pretrain on: its text (``str``, or ``bytes`` in any encoding
#: :mod:`gongkai.inference.text_decoding` reads), or ``(name, text)`` so that errors name it.
TextItem = str | bytes | tuple[str, str | bytes]


class TextSourceError(ValueError):
    """An input that cannot be read as report text; the message names it."""


#: What :func:`pretrain` returns.
PretrainResult = RunResult


# ---------------------------------------------------------------------------------------------
# Text sources: each yields ``(name, text)``; pretrain() normalises them.


def document_texts(paths: Iterable[str | Path]) -> Iterator[tuple[str, str | bytes]]:
    """Files, directories (recursive: .txt, .html, .htm, .md, .jsonl), globs and ``-``, read as
    ``gongkai extract`` reads them (:func:`gongkai.inference.inputs.iter_documents`); a ``.jsonl``
    file gives the ``text`` (or ``html``) of each line. Raises :class:`TextSourceError` naming
    an input that is missing or unreadable."""
    from gongkai.inference.inputs import InputError, iter_documents

    for doc in iter_documents([str(p) for p in paths]):
        if isinstance(doc.data, InputError):
            raise TextSourceError(str(doc.data))
        yield doc.id, doc.data


def annotation_texts(paths: Iterable[str | Path]) -> Iterator[tuple[str, str]]:
    """The texts of annotation records (JSONL files or directories of them); spans are ignored."""
    from .corpus import CorpusError, annotation_files, read_jsonl

    for path in annotation_files(paths):
        try:
            for record in read_jsonl(path):
                yield record.id, record.text
        except OSError as exc:
            raise TextSourceError(f"{path}: cannot read ({exc.strerror or exc})") from exc
        except (CorpusError, UnicodeDecodeError) as exc:
            raise TextSourceError(f"{path}: {exc}") from exc


def synthetic_texts(n: int, seed: int = 0) -> Iterator[tuple[str, str]]:
    """The texts of ``n`` generated reports (:func:`gongkai.training.synth.generate_many`)."""
    from .synth import generate_many

    for record in generate_many(n, seed=seed):
        yield record.id, record.text


def normalised_texts(texts: Iterable[TextItem], progress: bool = False) -> Iterator[str]:
    """Each text normalised as the tagger sees it; empty ones dropped."""
    from gongkai.inference.normalise import normalise
    from gongkai.inference.text_decoding import DecodeError

    items: Iterable[TextItem] = texts
    if progress:
        from tqdm.auto import tqdm

        items = tqdm(texts, desc="normalising", unit=" texts")
    for i, item in enumerate(items):
        name, data = item if isinstance(item, tuple) else (f"text {i + 1}", item)
        try:
            text = normalise(data, name=name).text
        except DecodeError as exc:  # binary data: the message names the input
            raise TextSourceError(str(exc)) from exc
        if text.strip():
            yield text


# ---------------------------------------------------------------------------------------------


class _WindowDataset:
    """The tagger's training windows over every text, encoded when read (``[CLS] chars [SEP]``):
    only the texts and a (text, start, end) index stay in memory."""

    def __init__(self, texts: list[str], tokenizer, size: int, stride: int):
        self.texts, self.tokenizer = texts, tokenizer
        self.cls_id, self.sep_id = tokenizer.cls_token_id, tokenizer.sep_token_id
        if self.cls_id is None or self.sep_id is None:
            raise ValueError(f"tokenizer {tokenizer.name_or_path!r} lacks a [CLS] or [SEP] token")
        self.index = np.array(
            [(t, a, b) for t, text in enumerate(texts) for a, b in windows(len(text), size, stride)], dtype=np.int64
        ).reshape(-1, 3)

    def __len__(self) -> int:
        return len(self.index)

    def __getitem__(self, i: int) -> dict[str, list[int]]:
        t, a, b = (int(x) for x in self.index[i])
        ids = [self.cls_id, *encode_chars(self.tokenizer, self.texts[t][a:b]), self.sep_id]
        return {"input_ids": ids, "attention_mask": [1] * len(ids)}


def pretrain(
    texts: Iterable[TextItem],
    out_dir: str | Path,
    config: PretrainConfig | None = None,
    *,
    command: str = "",
    data: str = "",
) -> PretrainResult:
    """Pretrain a masked-LM character encoder on ``texts`` (raw report texts, see :data:`TextItem`)
    and save it to ``out_dir``; ``gongkai train --base-model out_dir`` fine-tunes a tagger from it.

    ``command`` and ``data`` describe the run in the model card. Raises :class:`TextSourceError`
    when an input cannot be read or no text is left.
    """
    from transformers import AutoModelForMaskedLM, DataCollatorForLanguageModeling, Trainer, TrainingArguments, set_seed

    config = config or PretrainConfig()
    out_dir = Path(out_dir)
    set_seed(config.seed)
    corpus = list(normalised_texts(texts, progress=config.progress))
    if not corpus:
        raise TextSourceError("no text to pretrain on: the inputs hold no non-empty report")
    model, tokenizer = config.model_and_tokenizer(corpus, AutoModelForMaskedLM, _base_encoder)
    if tokenizer.mask_token_id is None:
        raise ValueError(f"tokenizer of {config.base_model} has no mask token; masked-LM pretraining needs one")

    window, stride = config.windows(model)
    dataset = _WindowDataset(corpus, tokenizer, window, stride)
    chars = sum(len(t) for t in corpus)
    log.info("pretraining on %d windows of %d texts (%d characters)", len(dataset), len(corpus), chars)

    collator = DataCollatorForLanguageModeling(tokenizer, mlm=True, mlm_probability=config.mlm_probability)
    probe = _probe_batches(dataset, collator, config)
    loss_before = _mlm_loss(model, probe)

    safetensors_only = {"save_safetensors": True} if accepts(TrainingArguments, "save_safetensors") else {}
    # No checkpoints: they would hold pickled optimizer and RNG states.
    args = config.trainer_arguments(out_dir, save_strategy="no", **safetensors_only)
    trainer = Trainer(model=model, args=args, train_dataset=dataset, data_collator=collator, processing_class=tokenizer)
    result = trainer.train()
    model = trainer.model
    logged = [h["loss"] for h in trainer.state.log_history if "loss" in h]
    metrics: dict[str, Any] = {
        "texts": len(corpus),
        "chars": chars,
        "windows": len(dataset),
        "train_steps": result.global_step,
        "train_loss": result.training_loss,
        "mlm_loss_before": loss_before,
        "mlm_loss_after": _mlm_loss(model, probe),
    }
    if logged:
        metrics.update(first_logged_loss=float(logged[0]), last_logged_loss=float(logged[-1]))

    described = f"{len(corpus)} texts, {chars} characters after normalisation, {len(dataset)} windows of {window}"
    card = pretrain_card(
        model.config,
        data=f"{described}; {data}" if data else described,
        command=command,
        metrics=metrics,
        base_model=config.base_model,
        config=config,
    )
    _save_encoder(model, tokenizer, out_dir, card)
    return PretrainResult(out_dir, metrics, list(trainer.state.log_history))


def _base_encoder(path: str):
    """A local checkpoint as a masked LM, and its tokenizer."""
    from transformers import AutoModelForMaskedLM, AutoTokenizer

    base = local_checkpoint(path)
    return AutoModelForMaskedLM.from_pretrained(base, use_safetensors=True), AutoTokenizer.from_pretrained(base)


def _save_encoder(model, tokenizer, out_dir: Path, card: str) -> None:
    """Weights (safetensors), tokenizer and card, under a config that no tagger can be loaded from."""
    # An MLM checkpoint has no tag set: Tagger.load refuses it instead of tagging with a random
    # head; from_base_model (gongkai train --base-model) sets our tags on the fresh head.
    model.config.id2label = {0: "LABEL_0", 1: "LABEL_1"}
    model.config.label2id = {"LABEL_0": 0, "LABEL_1": 1}
    out_dir.mkdir(parents=True, exist_ok=True)
    model.save_pretrained(
        out_dir, **({"safe_serialization": True} if accepts(type(model).save_pretrained, "safe_serialization") else {})
    )
    save_tokenizer(tokenizer, out_dir)
    (out_dir / "README.md").write_text(card, encoding="utf-8")
    shutil.rmtree(out_dir / "checkpoints", ignore_errors=True)


def _probe_batches(dataset: _WindowDataset, collator, config: PretrainConfig) -> list[dict[str, Any]]:
    """Masked batches of up to ``eval_windows`` windows spread over the corpus, masks fixed by the seed."""
    import torch

    n = min(config.eval_windows, len(dataset))
    if n <= 0:
        return []
    picks = sorted({int(i) for i in np.linspace(0, len(dataset) - 1, n)})
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(config.seed)
        return [
            collator([dataset[i] for i in picks[k : k + config.batch_size]])
            for k in range(0, len(picks), config.batch_size)
        ]


def _mlm_loss(model, batches: list[dict[str, Any]]) -> float:
    """Mean masked-LM loss per masked character over ``batches`` (eval mode: no dropout)."""
    import torch

    total, count = 0.0, 0
    was_training = model.training
    model.eval()
    device = next(model.parameters()).device
    with torch.no_grad():
        for batch in batches:
            masked = int((batch["labels"] != -100).sum())
            if masked:
                out = model(**{k: v.to(device) for k, v in batch.items()})
                total += float(out.loss) * masked
                count += masked
    model.train(was_training)
    return total / count if count else math.nan


def pretrain_card(
    model_config: Any,
    *,
    data: str = "",
    command: str = "",
    metrics: dict[str, Any] | None = None,
    base_model: str | None = None,
    config: PretrainConfig | None = None,
) -> str:
    """The README.md saved beside a pretrained encoder."""
    lines = card_lines(
        model_config,
        pipeline_tag="fill-mask",
        title="gongkai character encoder (masked-LM pretrained)",
        intro="A character-level masked language model of normalised 政府信息公开工作年度报告, pretrained on "
        "unlabelled reports. It is not a tagger: fine-tune one from it with "
        "`gongkai train -a ANNOTATIONS --base-model THIS_DIR --out DIR`.",
        data=data,
        command=command,
        metrics=metrics,
        base_model=base_model,
        metrics_note="`mlm_loss_before`/`mlm_loss_after`: masked-LM loss per masked character on the same "
        "masked windows before and after pretraining.",
    )
    if config is not None:
        lines += ["", "## Pretraining configuration", "", *config.card_lines()]
    return "\n".join(lines) + "\n"
