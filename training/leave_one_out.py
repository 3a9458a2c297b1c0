"""Honest scores on few real reports: leave one annotated report out at a time.

For each gold file k, train on every other gold file (with damage augmentation and
synthetic reports, exactly as the default recipe does) and evaluate on file k, which the
model never saw. The per-file scores and their worst case go in the model card: they say
what to expect on a report unlike any in the training data.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

# A run takes most of an hour and evaluate() imports the scoring modules lazily: importing them
# here means an edit to the working tree during a run cannot break its first evaluation.
import gongkai.inference.entities  # noqa: F401
import gongkai.model.tagger  # noqa: F401

from . import evaluate_pipeline  # noqa: F401
from .corpus import Record, read_jsonl
from .evaluate import evaluate
from .train import TrainConfig, train

#: Labels whose entity F1 the targets name (issue 5): ≥ 0.97 for the structure, ≥ 0.90 for figures.
STRUCTURE_LABELS = ("SECTION", "COL_HEADER", "ROW_LABEL", "CELL")
FIGURE_LABELS = ("FIG_METRIC", "FIG_VALUE", "FIG_UNIT")


def leave_one_out(
    gold_files: Sequence[Path],
    out_dir: Path,
    config: TrainConfig,
    *,
    extra: Callable[[], list[Record]] = list,
    augment_copies: int = 0,
    augment_seed: int = 0,
    keep_models: bool = False,
    rescore: bool = False,
    only: Sequence[str] = (),
) -> dict[str, Any]:
    """Train once per held-out file; return and write (``out_dir/scores.json``) the scores.

    ``extra`` gives the records every fold trains on besides the gold (synthetic reports).
    ``rescore`` trains nothing: it scores the fold models a run with ``keep_models`` left in
    ``out_dir`` again (after a change to decoding or assembly, which training does not see).
    ``only`` names the files (stems) to hold out, for a fold run alone; each still trains on
    every other file.
    """
    from .augment import augmented

    out_dir.mkdir(parents=True, exist_ok=True)
    folds: dict[str, Any] = {}
    unknown = set(only) - {f.stem for f in gold_files}
    if unknown:
        raise ValueError(f"no gold file {', '.join(sorted(unknown))} to hold out; files: "
                         f"{', '.join(f.stem for f in gold_files)}")
    held_out = [f for f in gold_files if not only or f.stem in only]
    if rescore:
        missing = [f.stem for f in held_out if not (out_dir / f.stem / "config.json").is_file()]
        if missing:
            raise FileNotFoundError(f"no fold model to rescore in {out_dir} for {', '.join(missing)}: "
                                    "run leave-one-out with --keep-models first")
        keep_models = True
    synthetic = [] if rescore else extra()
    for held in held_out:
        model_dir = out_dir / held.stem
        if not rescore:
            rest = [r for f in gold_files if f != held for r in read_jsonl(f)]
            train_records = list(augmented(rest, augment_copies, seed=augment_seed)) + synthetic
            train(train_records, None, model_dir, config, data=f"all gold files but {held.name}, "
                  f"{augment_copies} damaged copies each, {len(synthetic)} synthetic reports")
        scores = evaluate(model_dir, list(read_jsonl(held)))
        folds[held.stem] = _summary(scores)
        (out_dir / "scores.json").write_text(json.dumps(folds, ensure_ascii=False, indent=2), encoding="utf-8")
        if not keep_models:
            import shutil

            shutil.rmtree(model_dir, ignore_errors=True)
    result = {"folds": folds, "worst": _worst(folds)}
    (out_dir / "scores.json").write_text(json.dumps(result, ensure_ascii=False, indent=2), encoding="utf-8")
    return result


def _summary(scores: dict[str, Any]) -> dict[str, Any]:
    p = scores.get("pipeline", {})
    return {
        "f1": {label: round(s["f1"], 4) for label, s in scores["labels"].items()},
        "micro_f1": round(scores["micro"]["f1"], 4),
        "cell_accuracy": p.get("cell_accuracy"),
        "template_accuracy": p.get("template_accuracy"),
        "section_f1": p.get("sections", {}).get("f1"),
        "figure_recall": p.get("figures", {}).get("recall"),
        "year_accuracy": p.get("year_accuracy"),
        "organ_accuracy": p.get("organ_accuracy"),
        "check_agreement": p.get("check_agreement"),
        "cells_wrong": [w for r in p.get("records", []) for w in r["wrong"]],
    }


def _worst(folds: dict[str, Any]) -> dict[str, Any]:
    if not folds:
        return {}
    labels = sorted({label for f in folds.values() for label in f["f1"]})
    worst = {f"f1.{label}": min(f["f1"].get(label, 0.0) for f in folds.values()) for label in labels}
    for key in ("cell_accuracy", "section_f1", "figure_recall", "year_accuracy"):
        values = [f[key] for f in folds.values() if f[key] is not None]
        worst[key] = min(values) if values else None
    return worst


def markdown(result: dict[str, Any]) -> str:
    """The leave-one-out table for a model card."""
    labels = [*STRUCTURE_LABELS, "TABLE_TITLE", "SUBSECTION", "BLANK", *FIGURE_LABELS, "ORGAN", "YEAR"]
    head = "| held out | " + " | ".join(labels) + " | cell acc. | section F1 | figure recall | year |"
    rows = [head, "|" + "---|" * (len(labels) + 5)]
    for name, f in result["folds"].items():
        cells = " | ".join(f"{f['f1'].get(label, float('nan')):.3f}" for label in labels)
        rows.append(f"| {name} | {cells} | {f['cell_accuracy']:.4f} | {f['section_f1']:.3f} | "
                    f"{f['figure_recall']:.3f} | {f['year_accuracy']:.0f} |")
    return "\n".join(rows)

