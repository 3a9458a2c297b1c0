"""``gongkai bench``: extraction speed, memory and per-stage time, a thin layer over
:mod:`gongkai.inference.bench`."""

from __future__ import annotations

import json
from typing import Optional

import typer


def _corpus(corpus: Optional[list[str]], synthetic: int, seed: int) -> list[tuple[str, str | bytes]]:
    from gongkai.inference.inputs import InputError, iter_documents

    if corpus:
        docs = list(iter_documents(corpus))
        bad = [d.data for d in docs if isinstance(d.data, InputError)]
        if bad:
            raise typer.BadParameter("; ".join(map(str, bad[:3])), param_hint="--corpus")
        return [(d.id, d.data) for d in docs]
    from gongkai.training.synth import generate_many  # generated reports: the training side's generator

    return [(r.id, r.text) for r in generate_many(synthetic, seed=seed)]


def bench(
    corpus: Optional[list[str]] = typer.Option(None, "--corpus", help="Files, directories, globs or .jsonl "
                                               "files to extract (as `gongkai extract` reads them)."),
    synthetic: int = typer.Option(20, "--synthetic", min=1, help="Without --corpus: extract N generated reports."),
    seed: int = typer.Option(0, "--seed", help="Seed of the generated reports."),
    model: Optional[str] = typer.Option(None, "--model", help="A model directory; default: the shipped model."),
    backend: str = typer.Option("auto", "--backend", help="Comma-separated backends to compare, e.g. torch,onnx "
                                "(auto, torch, onnx, onnx-fp32, onnx-int8)."),
    device: Optional[str] = typer.Option(None, "--device", help="cpu, cuda …; default: cuda when present."),
    batch_size: int = typer.Option(8, "--batch-size", min=1),
    fmt: str = typer.Option("jsonl", "--format", help="Output format timed in the write stage: jsonl, csv, parquet."),
    isolate: bool = typer.Option(True, "--isolate/--same-process", help="Run each backend in a fresh process "
                                 "(its own peak memory; costs a few seconds of start-up each)."),
    as_json: bool = typer.Option(False, "--json", help="Print the results as JSON."),
) -> None:
    """Time extraction: reports/s, characters/s, peak RSS, model load and each stage
    (normalise with decoding, tag, assemble, check, write)."""
    from gongkai.inference.bench import compare, format_table
    from gongkai.inference.outputs import FORMATS
    from gongkai.model.onnx_backend import BACKENDS

    backends = [b.strip() for b in backend.split(",") if b.strip()]
    unknown = [b for b in backends if b not in BACKENDS]
    if not backends or unknown:
        raise typer.BadParameter(f"{', '.join(unknown) or backend!r}; choose from {', '.join(BACKENDS)}",
                                 param_hint="--backend")
    if fmt not in FORMATS:
        raise typer.BadParameter(f"{fmt!r}; choose one of {', '.join(FORMATS)}", param_hint="--format")
    items = _corpus(corpus, synthetic, seed)
    if not items:
        raise typer.BadParameter("no documents found", param_hint="--corpus")
    try:
        rows = compare(items, backends, isolate=isolate, model=model, device=device, batch_size=batch_size, fmt=fmt)
    except (FileNotFoundError, ValueError, ImportError) as exc:  # no model, no export, no onnxruntime
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from None
    if as_json:
        typer.echo(json.dumps({"documents": len(items), "results": rows}, ensure_ascii=False, indent=2))
        return
    typer.echo(f"{len(items)} document(s), {rows[0]['chars']} characters, batch size {batch_size}")
    typer.echo(format_table(rows))
