"""``gongkai export-onnx`` and ``gongkai verify-backends``: ONNX files beside a saved tagger, and the
record of which way to run it tags exactly as the reference does (thin layers over
:mod:`gongkai.training.export_onnx` and :mod:`gongkai.training.verify_backends`)."""

from __future__ import annotations

import json
from pathlib import Path

import typer

from gongkai.model.backends import BATCH_SIZE

GOLD_HELP = "Gold JSONL files or directories: their texts are tagged, their tables scored."
TEXTS_HELP = (
    "Other texts to compare tags on (files, directories, globs, .jsonl with id and text), e.g. the "
    "real reports that are not held out."
)
TEXTS = typer.Argument(None, help=TEXTS_HELP, show_default=False)
ACCEPT_OPTION = typer.Option(
    "identical",
    "--accept",
    help="identical: every tag as the reference's; within-floor: "
    "no more tags differ than when the reference's windows overlap twice as much.",
)


def _inputs(model: Path, gold: list[Path], texts: list[str] | None):
    from gongkai.inference.inputs import InputError, iter_documents
    from gongkai.training.corpus import annotation_files, read_jsonl

    if not (model / "config.json").is_file():
        raise typer.BadParameter(f"no model in {model} (no config.json)", param_hint="MODEL")
    missing = [str(p) for p in gold if not p.exists()]
    if missing:
        raise typer.BadParameter(f"no such file or directory: {', '.join(missing)}", param_hint="--gold")
    records = [r for f in annotation_files(gold) for r in read_jsonl(f)]
    others = []
    for d in iter_documents(texts or []):
        if isinstance(d.data, InputError):
            raise typer.BadParameter(str(d.data), param_hint="TEXTS")
        others.append((d.id, d.data))
    if not records and not others:
        raise typer.BadParameter(f"no records in {', '.join(map(str, gold))} and no TEXTS", param_hint="--gold")
    return records, others


def _check_accept(accept: str) -> None:
    from gongkai.training.verify_backends import ACCEPT

    if accept not in ACCEPT:
        raise typer.BadParameter(f"{accept!r}; choose one of {', '.join(ACCEPT)}", param_hint="--accept")


def _report(record: dict, model: Path) -> None:
    """The outcome in a few lines (the log on stderr has each comparison)."""
    from gongkai.model.backends import RECORD_FILE

    for name, c in record["candidates"].items():
        typer.echo(
            f"{name}: {c['tags_differing']} tag(s) differ, records differ in {len(c['records_differing'])} "
            f"text(s), {c['speedup']}x the reference — {c.get('rejected') or 'accepted'}"
        )
    d = record["default"]
    chosen = f"{d['backend']}-{d['precision']}, stride {d['stride']}, {d['forward']} forward" if d else "the reference"
    typer.echo(f"auto runs: {chosen}; recorded in {model / RECORD_FILE}")


def verify_backends(
    model: Path = typer.Argument(..., help="A model directory saved by `gongkai train`."),
    gold: list[Path] = typer.Option([Path("annotations/gold")], "--gold", "-a", help=GOLD_HELP),
    texts: list[str] | None = TEXTS,
    batch_size: int = typer.Option(BATCH_SIZE, "--batch-size", min=1),
    rounds: int = typer.Option(2, "--rounds", min=1, help="Timed runs per candidate (the least CPU time counts)."),
    accept: str = ACCEPT_OPTION,
    as_json: bool = typer.Option(False, "--json", help="Print the record (backends.json) as JSON."),
) -> None:
    """Check which ways to run MODEL (compact forward, less window overlap, bf16, the ONNX exports) tag
    as the reference does, time them, and record in MODEL/backends.json the fastest acceptable one
    (--accept): what `--backend auto --precision auto` runs."""
    from gongkai.training.verify_backends import verify

    _check_accept(accept)
    records, others = _inputs(model, gold, texts)
    record = verify(
        model,
        records,
        others,
        batch_size=batch_size,
        rounds=rounds,
        accept=accept,
        log=lambda line: typer.echo(line, err=True),
    )
    if as_json:
        typer.echo(json.dumps(record, ensure_ascii=False, indent=2))
    else:
        _report(record, model)


def export_onnx(
    model: Path = typer.Argument(..., help="A model directory saved by `gongkai train`."),
    gold: list[Path] = typer.Option([Path("annotations/gold")], "--gold", "-a", help=GOLD_HELP),
    texts: list[str] | None = TEXTS,
    verify: bool = typer.Option(
        True,
        "--verify/--no-verify",
        help="Without verification the ONNX files are never used by default (only with an explicit --backend onnx).",
    ),
    quantize: bool = typer.Option(True, "--quantize/--no-quantize", help="Also write model.int8.onnx."),
    batch_size: int = typer.Option(BATCH_SIZE, "--batch-size", min=1),
    rounds: int = typer.Option(2, "--rounds", min=1, help="Timed runs per candidate (the least CPU time counts)."),
    accept: str = ACCEPT_OPTION,
    as_json: bool = typer.Option(False, "--json", help="Print the record (backends.json) as JSON."),
) -> None:
    """Write model.onnx (and model.int8.onnx) into MODEL, then verify them with the other ways to run
    it, as `gongkai verify-backends` does."""
    _check_accept(accept)
    records, others = _inputs(model, gold, texts) if verify else ([], [])
    try:
        from gongkai.training.export_onnx import export_onnx as run

        record = run(
            model,
            records,
            others,
            quantize=quantize,
            batch_size=batch_size,
            rounds=rounds,
            accept=accept,
            log=lambda line: typer.echo(line, err=True),
        )
    except ImportError as exc:
        typer.echo(f"error: {exc}; install the ONNX extra: pip install 'gongkai[onnx]'", err=True)
        raise typer.Exit(2) from None
    if record is None:
        typer.echo(f"exported to {model}; not verified, so `auto` does not use them")
    elif as_json:
        typer.echo(json.dumps(record, ensure_ascii=False, indent=2))
    else:
        _report(record, model)
