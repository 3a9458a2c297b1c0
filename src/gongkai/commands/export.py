"""``gongkai export-onnx``: ONNX files beside a saved tagger, verified against the gold seeds,
a thin layer over :func:`gongkai.training.export_onnx.export_onnx`."""

from __future__ import annotations

import json
from pathlib import Path

import typer


def export_onnx(
    model: Path = typer.Argument(..., help="A model directory saved by `gongkai train`."),
    gold: list[Path] = typer.Option([Path("annotations/gold")], "--gold", "-a",
                                    help="Gold JSONL files or directories to verify the export on."),
    verify: bool = typer.Option(True, "--verify/--no-verify", help="Without verification the ONNX files are "
                                "never used by default (only with an explicit --backend onnx)."),
    quantize: bool = typer.Option(True, "--quantize/--no-quantize", help="Also write model.int8.onnx."),
    batch_size: int = typer.Option(8, "--batch-size", min=1),
    as_json: bool = typer.Option(False, "--json", help="Print the decision record (onnx.json) as JSON."),
) -> None:
    """Write model.onnx (and model.int8.onnx) into MODEL and record in onnx.json which of them
    tags the gold records exactly as torch does; CPU extraction uses that one by default."""
    from gongkai.model.onnx_backend import DECISION_FILE
    from gongkai.training.corpus import annotation_files, read_jsonl

    if not (model / "config.json").is_file():
        raise typer.BadParameter(f"no model in {model} (no config.json)", param_hint="MODEL")
    records = None
    if verify:
        missing = [str(p) for p in gold if not p.exists()]
        if missing:
            raise typer.BadParameter(f"no such file or directory: {', '.join(missing)} "
                                     "(or pass --no-verify)", param_hint="--gold")
        records = [r for f in annotation_files(gold) for r in read_jsonl(f)]
        if not records:
            raise typer.BadParameter(f"no records in {', '.join(map(str, gold))}", param_hint="--gold")
    try:
        from gongkai.training.export_onnx import export_onnx as run

        decision = run(model, records, quantize=quantize, batch_size=batch_size)
    except ImportError as exc:
        typer.echo(f"error: {exc}; install the ONNX extra: pip install 'gongkai[onnx]'", err=True)
        raise typer.Exit(2) from None
    if as_json:
        typer.echo(json.dumps(decision, ensure_ascii=False, indent=2))
        return
    for variant, r in (decision.get("results") or {}).items():
        if variant != "torch":
            typer.echo(f"{r['file']}: {r['tags_differing']} character tag(s) differ from torch, cell accuracy "
                       f"{r['cell_accuracy']} (torch {decision['results']['torch']['cell_accuracy']}), "
                       f"tagging {r['seconds']} s (torch {decision['results']['torch']['seconds']} s)")
    chosen = decision["default_cpu"]
    typer.echo(f"default on CPU: {chosen and decision['files'][chosen] or 'torch (no ONNX file gave the same tags in less time)'}; "
               f"recorded in {model / DECISION_FILE}")
