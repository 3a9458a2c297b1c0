"""``gongkai train`` and ``gongkai evaluate``: the character tagger's training and scoring.

Thin commands over :mod:`gongkai.training.train` and :mod:`gongkai.training.evaluate`;
torch, transformers and datasets load only when a command runs.
"""

from __future__ import annotations

import json
import random
import shlex
import sys
from pathlib import Path
from typing import Any

import typer

from gongkai.commands.options import build, setting_options
from gongkai.model.backends import BATCH_SIZE
from gongkai.training.settings import TrainConfig

app = typer.Typer(help="Train and evaluate the character tagger.", no_args_is_help=True, add_completion=False)


def _read(paths: list[Path], what: str) -> list:
    from gongkai.training.corpus import CorpusError, read_records

    try:
        records = read_records(paths)
    except (FileNotFoundError, CorpusError) as exc:
        raise typer.BadParameter(str(exc), param_hint=what) from None
    if not records:
        raise typer.BadParameter(f"no records in {', '.join(map(str, paths))} (*.jsonl files)", param_hint=what)
    return records


def _synthetic(n: int, seed: int) -> list:
    """``n`` generated reports (none for 0)."""
    if not n:
        return []
    from gongkai.training.synth import generate_many

    return list(generate_many(n, seed=seed))


def _dev_split(records: list, fraction: float, seed: int) -> tuple[list, list]:
    """``(training, dev)``: a seeded shuffle, ``fraction`` of it held out as dev."""
    if not 0 <= fraction < 1:
        raise typer.BadParameter(f"must be in [0, 1), got {fraction}", param_hint="--dev-fraction")
    shuffled = records[:]
    random.Random(seed).shuffle(shuffled)
    n_dev = round(len(shuffled) * fraction)
    return shuffled[n_dev:], shuffled[:n_dev]


def _command_line() -> str:
    """This run's command, for the model card."""
    return shlex.join(["gongkai", *sys.argv[1:]])


def _print_run(result) -> None:
    typer.echo(json.dumps(result.metrics, ensure_ascii=False, indent=2))
    typer.echo(f"saved to {result.out_dir}")


#: The settings ``gongkai train`` takes as options (the rest keep the dataclass's defaults).
TRAIN_SETTINGS = (
    "hidden",
    "layers",
    "heads",
    "intermediate",
    "max_positions",
    "architecture",
    "min_char_freq",
    "stride",
    "epochs",
    "max_steps",
    "learning_rate",
    "batch_size",
    "seed",
    "eval_steps",
    "patience",
    "best_metric",
)


@app.command()
@setting_options(TrainConfig, TRAIN_SETTINGS)
def train(
    annotations: list[Path] = typer.Option(None, "--annotations", "-a", help="Training JSONL files or directories."),
    synthetic: int = typer.Option(0, "--synthetic", help="Also train on N generated reports (gongkai synth)."),
    synthetic_seed: int = typer.Option(0, "--synthetic-seed", help="Seed of the generated reports."),
    augment: int = typer.Option(
        0,
        "--augment",
        help="Add K damaged copies of each annotated record (label-preserving: OCR, boilerplate, ?, rubies …).",
    ),
    out: Path = typer.Option(..., "--out", "-o", help="Directory to save the model in."),
    dev: list[Path] = typer.Option(
        None, "--dev", help="Dev JSONL files or directories (default: hold out --dev-fraction)."
    ),
    dev_fraction: float = typer.Option(0.1, help="Share of training records held out as dev when --dev is not given."),
    base_model: Path = typer.Option(None, help="Start from this local Hugging Face checkpoint and its tokenizer."),
    *,
    settings: dict[str, Any],
) -> None:
    """Train the character tagger on annotation records; save model, tokenizer and model card to --out."""
    from gongkai.training.train import train as run

    if not annotations and not synthetic:
        raise typer.BadParameter("give annotation files (-a PATH) and/or --synthetic N", param_hint="--annotations")
    # Settings first: a typo must not wait for the data.
    config = build(TrainConfig, **settings, base_model=str(base_model) if base_model else None)
    seed = config.seed
    records = _read(annotations, "--annotations") if annotations else []
    if augment:
        from gongkai.training.augment import augmented

        records = list(augmented(records, augment, seed=seed))
    records += _synthetic(synthetic, synthetic_seed)
    if dev:
        dev_records = _read(dev, "--dev")
    else:
        records, dev_records = _dev_split(records, dev_fraction, seed)
    sources = [*map(str, annotations or [])]
    if augment:
        sources.append(f"{augment} damaged copies of each annotated record")
    if synthetic:
        sources.append(f"{synthetic} synthetic reports (seed {synthetic_seed})")
    data = (
        f"{len(records)} training records: {'; '.join(sources)}; "
        f"{len(dev_records)} dev records from {', '.join(map(str, dev)) if dev else f'a {dev_fraction:.0%} hold-out'}"
    )
    _print_run(run(records, dev_records, out, config, command=_command_line(), data=data))


@app.command()
def evaluate(
    model: Path = typer.Argument(..., help="A model directory saved by `gongkai train`."),
    annotations: list[Path] = typer.Option(..., "--annotations", "-a", help="Gold JSONL files or directories."),
    as_json: bool = typer.Option(False, "--json", help="Print the full result as JSON."),
    batch_size: int = typer.Option(BATCH_SIZE, help="Windows per batch."),
    device: str = typer.Option(None, help="torch device (default: cuda if available, else cpu)."),
) -> None:
    """Score the tagger against gold annotations: strict IOB2 entity precision, recall, F1 per label,
    and end to end against each record's expected tables (annotations/expected/<id>.json, found
    beside the annotation folder) where it has them."""
    from gongkai.training.corpus import annotation_files
    from gongkai.training.evaluate import evaluate as run
    from gongkai.training.evaluate_pipeline import expected_beside

    if not (model / "config.json").is_file():
        what = "no such directory" if not model.exists() else "no model there (no config.json)"
        raise typer.BadParameter(
            f"{model}: {what}: give a folder `gongkai train --out` wrote, or model/default for the shipped model",
            param_hint="MODEL",
        )
    records = _read(annotations, "--annotations")
    result = run(
        model, records, batch_size=batch_size, device=device, expected=expected_beside(annotation_files(annotations))
    )
    if as_json:
        typer.echo(json.dumps(result, ensure_ascii=False, indent=2))
        return
    typer.echo(f"{'label':<14}{'precision':>10}{'recall':>10}{'f1':>10}{'support':>9}")
    rows = [*sorted(result["labels"].items()), ("micro", result["micro"]), ("macro", result["macro"])]
    for name, s in rows:
        typer.echo(f"{name:<14}{s['precision']:>10.4f}{s['recall']:>10.4f}{s['f1']:>10.4f}{s['support']:>9}")
    typer.echo(f"{result['records']} records, {result['chars']} characters, {result['chars_per_second']} chars/s")
    p = result["pipeline"]

    def pct(x):
        return "n/a" if x is None else f"{x:.4f}"

    typer.echo(
        f"end to end: cell accuracy {pct(p['cell_accuracy'])} over {p['cells']} cells "
        f"(non-blank {pct(p['nonblank_accuracy'])}, blank {pct(p['blank_accuracy'])} over "
        f"{p['blank_cells']}; cells the report decides {pct(p['decided_accuracy'])}, the annotator's "
        f"readings of undecided runs read/null/other {'/'.join(map(str, p['judged']))}; "
        f"{p['cells_spurious']} spurious cells, {p['tables_spurious']} spurious tables), "
        f"templates {pct(p['template_accuracy'])}, section F1 {pct(p['sections']['f1'])}, "
        f"figure recall {pct(p['figures']['recall'])} precision {pct(p['figures']['precision'])}, "
        f"year {pct(p['year_accuracy'])}, organ {pct(p['organ_accuracy'])}, "
        f"checks agreeing {pct(p['check_agreement'])}"
    )


#: The settings ``gongkai leave-one-out`` takes as options.
LEAVE_ONE_OUT_SETTINGS = (
    "hidden",
    "layers",
    "heads",
    "intermediate",
    "max_positions",
    "epochs",
    "max_steps",
    "learning_rate",
    "batch_size",
    "seed",
)


@app.command("leave-one-out")
# One pass by default, not training's 20 epochs: a run trains once per fold.
@setting_options(
    TrainConfig, LEAVE_ONE_OUT_SETTINGS, epochs={"default": 1.0, "help": "Passes over each fold's training windows."}
)
def leave_one_out(
    annotations: list[Path] = typer.Option(
        ..., "--annotations", "-a", help="Gold JSONL files or directories; each file is held out in turn."
    ),
    out: Path = typer.Option(..., "--out", "-o", help="Directory for the scores (scores.json)."),
    base_model: Path = typer.Option(
        None, help="Fine-tune each fold from this checkpoint (one that never saw the gold)."
    ),
    synthetic: int = typer.Option(0, "--synthetic", help="Generated reports every fold also trains on."),
    synthetic_seed: int = typer.Option(0, "--synthetic-seed"),
    augment: int = typer.Option(0, "--augment", help="Damaged copies of each gold record."),
    keep_models: bool = typer.Option(
        False,
        "--keep-models",
        help="Keep each fold's model in OUT/<file stem> (for error analysis); by default they are deleted once scored.",
    ),
    rescore: bool = typer.Option(
        False,
        "--rescore",
        help="Train nothing: score the fold models a run with "
        "--keep-models left in OUT again (after a change to decoding).",
    ),
    fold: list[str] = typer.Option([], "--fold", help="Hold out only this file (its stem; repeatable)."),
    folds: int = typer.Option(
        0,
        "--folds",
        help="Hold out K groups of files (dealt round-robin in name order) "
        "instead of one file at a time: K trainings instead of one per file.",
    ),
    *,
    settings: dict[str, Any],
) -> None:
    """Leave-one-out scores: for each gold file, train without it and evaluate on it."""
    from gongkai.training.corpus import annotation_files
    from gongkai.training.leave_one_out import leave_one_out as run, markdown

    files = annotation_files(annotations)
    if len(files) < 2:
        raise typer.BadParameter("needs at least two gold files to hold one out", param_hint="--annotations")
    config = build(TrainConfig, **settings, base_model=str(base_model) if base_model else None)
    result = run(
        files,
        out,
        config,
        extra=lambda: _synthetic(synthetic, synthetic_seed),
        augment_copies=augment,
        augment_seed=config.seed,
        keep_models=keep_models,
        rescore=rescore,
        only=fold,
        folds=folds,
    )
    typer.echo(markdown(result))
    typer.echo(json.dumps({"worst": result["worst"], "pooled": result["pooled"]}, ensure_ascii=False, indent=2))
