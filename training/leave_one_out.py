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

from .corpus import Record, read_jsonl, read_records
from .evaluate import evaluate
from .evaluate_pipeline import expected_beside
from .train import TrainConfig, train

#: Labels whose entity F1 the targets name (issue 5): ≥ 0.97 for the structure, ≥ 0.90 for figures.
STRUCTURE_LABELS = ("SECTION", "COL_HEADER", "ROW_LABEL", "CELL")
FIGURE_LABELS = ("FIG_METRIC", "FIG_VALUE", "FIG_UNIT")


def fold_groups(files: Sequence[Path], folds: int = 0) -> list[list[Path]]:
    """The files held out together: one each (``folds`` 0), or ``folds`` groups dealt round-robin
    in name order, so seeds and real reports, bodies and years, spread over the groups.

    >>> [[f.stem for f in g] for g in fold_groups([Path(f"{i}.jsonl") for i in "abcde"], 2)]
    [['a', 'c', 'e'], ['b', 'd']]
    """
    files = sorted(files, key=lambda f: f.name)
    if folds <= 0 or folds >= len(files):
        return [[f] for f in files]
    return [files[k::folds] for k in range(folds)]


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
    folds: int = 0,
) -> dict[str, Any]:
    """Train once per held-out file (or group of files, ``folds`` > 0); return and write
    (``out_dir/scores.json``) the scores of every file, each by the model that never saw it.

    ``extra`` gives the records every fold trains on besides the gold (synthetic reports).
    ``rescore`` trains nothing: it scores the fold models a run with ``keep_models`` left in
    ``out_dir`` again (after a change to decoding or assembly, which training does not see).
    ``only`` names the files (stems) to hold out, for a fold run alone; each still trains on
    every other file (with ``folds``, the groups holding them run).
    """
    from .augment import augmented

    out_dir.mkdir(parents=True, exist_ok=True)
    results: dict[str, Any] = {}
    unknown = set(only) - {f.stem for f in gold_files}
    if unknown:
        raise ValueError(
            f"no gold file {', '.join(sorted(unknown))} to hold out; files: {', '.join(f.stem for f in gold_files)}"
        )
    groups = [g for g in fold_groups(gold_files, folds) if not only or any(f.stem in only for f in g)]
    model_dirs = [out_dir / (g[0].stem if len(g) == 1 else f"fold-{k}") for k, g in enumerate(groups)]
    if rescore:
        missing = [d.name for d in model_dirs if not (d / "config.json").is_file()]
        if missing:
            raise FileNotFoundError(
                f"no fold model to rescore in {out_dir} for {', '.join(missing)}: "
                "run leave-one-out with --keep-models first"
            )
        keep_models = True
    synthetic = [] if rescore else extra()
    for group, model_dir in zip(groups, model_dirs):
        if not rescore:
            rest = read_records(f for f in gold_files if f not in group)
            names = ", ".join(f.name for f in group)
            train_records = list(augmented(rest, augment_copies, seed=augment_seed)) + synthetic
            train(
                train_records,
                None,
                model_dir,
                config,
                data=f"all gold files but {names}, "
                f"{augment_copies} damaged copies each, {len(synthetic)} synthetic reports",
            )
        for held in group:
            scores = evaluate(model_dir, list(read_jsonl(held)), expected=expected_beside([held]))
            results[held.stem] = {**_summary(scores), "model": model_dir.name}
            (out_dir / "scores.json").write_text(json.dumps(results, ensure_ascii=False, indent=2), encoding="utf-8")
        if not keep_models:
            import shutil

            shutil.rmtree(model_dir, ignore_errors=True)
    result = {"folds": results, "worst": _worst(results), "pooled": _pooled(results)}
    (out_dir / "scores.json").write_text(json.dumps(result, ensure_ascii=False, indent=2), encoding="utf-8")
    return result


def _summary(scores: dict[str, Any]) -> dict[str, Any]:
    p = scores.get("pipeline", {})
    counts = {
        label: [
            round(s["recall"] * s["support"]),
            round(s["recall"] * s["support"] / s["precision"]) if s["precision"] else 0,
            s["support"],
        ]
        for label, s in scores["labels"].items()
    }
    return {
        "entity_counts": counts,  # label → [true positives, predicted, gold], for pooled scores
        "pipeline_counts": p.get("counts", {}),
        "f1": {label: round(s["f1"], 4) for label, s in scores["labels"].items()},
        "micro_f1": round(scores["micro"]["f1"], 4),
        "cell_accuracy": p.get("cell_accuracy"),
        "nonblank_accuracy": p.get("nonblank_accuracy"),
        "blank_accuracy": p.get("blank_accuracy"),
        "template_accuracy": p.get("template_accuracy"),
        "section_f1": p.get("sections", {}).get("f1"),
        "figure_recall": p.get("figures", {}).get("recall"),
        "year_accuracy": p.get("year_accuracy"),
        "organ_accuracy": p.get("organ_accuracy"),
        "check_agreement": p.get("check_agreement"),
        "cells_wrong": [w for r in p.get("records", []) for w in r["wrong"]],
    }


def _pooled(folds: dict[str, Any]) -> dict[str, Any]:
    """Scores over every held-out span and cell together: with few spans per report (a seed has
    eleven metrics) one span moves a report's F1 by several points, so pooled scores are the
    stable ones."""
    ent: dict[str, list[int]] = {}
    pipe: dict[str, list[int]] = {}
    for f in folds.values():
        for label, c in f.get("entity_counts", {}).items():
            ent[label] = [a + b for a, b in zip(ent.get(label, [0, 0, 0]), c)]
        for key, c in f.get("pipeline_counts", {}).items():
            pipe[key] = [a + b for a, b in zip(pipe.get(key, [0] * len(c)), c)]

    def f1(tp: int, pred: int, gold: int) -> float | None:
        return round(2 * tp / (pred + gold), 4) if pred + gold else None

    out: dict[str, Any] = {f"f1.{label}": f1(*c) for label, c in sorted(ent.items())}
    for key in ("cells", "nonblank", "blank", "decided"):
        if key in pipe and pipe[key][1]:
            out[f"{key}_accuracy"] = round(pipe[key][0] / pipe[key][1], 4)
    if "sections" in pipe:
        out["section_f1"] = f1(*pipe["sections"])
    if "figures" in pipe and pipe["figures"][2]:
        out["figure_recall"] = round(pipe["figures"][0] / pipe["figures"][2], 4)
    return out


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
    head = (
        "| held out | " + " | ".join(labels) + " | non-blank cells | blank cells | section F1 | figure recall | year |"
    )
    rows = [head, "|" + "---|" * (len(labels) + 6)]

    def num(x: float | None, digits: int = 3) -> str:
        return "–" if x is None else f"{x:.{digits}f}"

    for name, f in result["folds"].items():
        cells = " | ".join(num(f["f1"].get(label)) for label in labels)
        rows.append(
            f"| {name} | {cells} | {num(f.get('nonblank_accuracy'), 4)} | {num(f.get('blank_accuracy'))} | "
            f"{num(f['section_f1'])} | {num(f['figure_recall'])} | {num(f['year_accuracy'], 0)} |"
        )
    pooled = result.get("pooled", {})
    if pooled:
        cells = " | ".join(num(pooled.get(f"f1.{label}")) for label in labels)
        rows.append(
            f"| **pooled** | {cells} | {num(pooled.get('nonblank_accuracy'), 4)} | "
            f"{num(pooled.get('blank_accuracy'))} | {num(pooled.get('section_f1'))} | "
            f"{num(pooled.get('figure_recall'))} | |"
        )
    return "\n".join(rows)
