"""Tagger evaluation: strict IOB2 entity precision, recall and F1 (seqeval).

Strict mode counts an entity only when its type, start and end match exactly and it is
well formed (an ``I-`` with no ``B-`` is no entity), which is what the assembler needs.

>>> gold = [["B-CELL", "I-CELL", "O", "B-BLANK"]]
>>> pred = [["B-CELL", "I-CELL", "O", "I-BLANK"]]
>>> s = entity_scores(gold, pred)
>>> s["labels"]["CELL"]["f1"], s["labels"]["BLANK"]["recall"], s["micro"]["precision"]
(1.0, 0.0, 1.0)
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from gongkai.model.backends import BATCH_SIZE

from .corpus import Record
from .features import tag_records


def entity_scores(true_seqs: Sequence[Sequence[str]], pred_seqs: Sequence[Sequence[str]]) -> dict[str, Any]:
    """Per-label and micro/macro precision, recall, F1 and support of tag sequences."""
    from seqeval.metrics import classification_report
    from seqeval.scheme import IOB2

    if len(true_seqs) != len(pred_seqs) or any(len(t) != len(p) for t, p in zip(true_seqs, pred_seqs)):
        raise ValueError("gold and predicted tag sequences differ in number or length")
    report = classification_report(
        [list(s) for s in true_seqs],
        [list(s) for s in pred_seqs],
        mode="strict",
        scheme=IOB2,
        output_dict=True,
        zero_division=0,
    )

    def row(d: dict[str, Any]) -> dict[str, Any]:
        return {
            "precision": float(d["precision"]),
            "recall": float(d["recall"]),
            "f1": float(d["f1-score"]),
            "support": int(d["support"]),
        }

    averages = {"micro avg": "micro", "macro avg": "macro", "weighted avg": "weighted"}
    return {
        "labels": {k: row(v) for k, v in report.items() if k not in averages},
        **{
            name: row(report[k]) if k in report else {"precision": 0.0, "recall": 0.0, "f1": 0.0, "support": 0}
            for k, name in averages.items()
        },
    }


def evaluate(
    model_dir: str | Path,
    records: Sequence[Record],
    *,
    batch_size: int = BATCH_SIZE,
    device: str | None = None,
    pipeline: bool = True,
    expected: Mapping[str, dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """Tag the records' normalised text with the model in ``model_dir`` and score it against their spans.

    Returns :func:`entity_scores`' dict plus ``records``, ``chars`` and ``chars_per_second``
    (tagging speed on this machine), and with ``pipeline`` the end-to-end scores of
    :func:`~gongkai.training.evaluate_pipeline.pipeline_scores` under ``"pipeline"``, against
    the ``expected`` tables (record id → SCHEMA-form dict) of the records that have them.
    """
    from gongkai.model.tagger import Tagger

    if not records:
        raise ValueError("no records to evaluate on: give annotation files with at least one record")
    tagger = Tagger.load(model_dir, device=device)
    gold = list(tag_records(records))
    started = time.perf_counter()
    predictions = tagger.predict([g.text for g in gold], batch_size=batch_size)
    seconds = time.perf_counter() - started
    chars = sum(len(g.text) for g in gold)
    scores = entity_scores([g.tags for g in gold], [p.tags for p in predictions])
    result = {
        **scores,
        "model": str(model_dir),
        "records": len(gold),
        "chars": chars,
        "chars_per_second": round(chars / seconds) if seconds else None,
    }
    if pipeline:
        from gongkai.inference.entities import Entity

        from .evaluate_pipeline import pipeline_scores

        entities = [
            [Entity(label, a, b, g.text[a:b], score) for a, b, label, score in p.spans()]
            for g, p in zip(gold, predictions)
        ]
        result["pipeline"] = pipeline_scores(records, entities, expected)
    return result
