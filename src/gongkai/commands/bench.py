"""``gongkai bench``: extraction speed, memory and per-stage time, a thin layer over
:mod:`gongkai.inference.bench`."""

from __future__ import annotations

import json
import os

import typer

from gongkai.model.backends import BATCH_SIZE


def _corpus(
    corpus: list[str] | None, synthetic: int, seed: int, min_chars: int, documents: int | None
) -> list[tuple[str, str | bytes]]:
    from gongkai.inference.bench import join_documents
    from gongkai.inference.inputs import InputError, iter_documents

    if corpus:
        docs = list(iter_documents(corpus))
        bad = [d.data for d in docs if isinstance(d.data, InputError)]
        if bad:
            raise typer.BadParameter("; ".join(map(str, bad[:3])), param_hint="--corpus")
        items = [(d.id, d.data) for d in docs]
    else:
        from gongkai.training.synth import generate_many  # generated reports: the training side's generator

        items = [(r.id, r.text) for r in generate_many(synthetic, seed=seed)]
    if min_chars or documents:
        return join_documents(items, min_chars, documents)
    return items


def bench(
    corpus: list[str] | None = typer.Option(
        None, "--corpus", help="Files, directories, globs or .jsonl files to extract (as `gongkai extract` reads them)."
    ),
    synthetic: int = typer.Option(20, "--synthetic", min=1, help="Without --corpus: extract N generated reports."),
    seed: int = typer.Option(0, "--seed", help="Seed of the generated reports."),
    model: str | None = typer.Option(None, "--model", help="A model directory; default: the shipped model."),
    backend: str = typer.Option(
        "auto",
        "--backend",
        help="Comma-separated settings to compare, e.g. "
        "reference,torch-fp32,torch-bf16,torch-bf16-checked,onnx-fp32,onnx-int8,auto (or torch, onnx: "
        "--precision applies).",
    ),
    precision: str = typer.Option(
        "auto", "--precision", help="auto, fp32, bf16 or bf16-checked, for settings named without one."
    ),
    repeat: int = typer.Option(
        1,
        "--repeat",
        min=1,
        help="Run every setting N times, interleaved; the table shows the median run and the range.",
    ),
    min_chars: int = typer.Option(
        0,
        "--min-chars",
        min=0,
        help="Join consecutive corpus documents (blank line between) into documents of at least N characters.",
    ),
    documents: int | None = typer.Option(
        None,
        "--documents",
        min=1,
        help="With --min-chars: make N such documents, going round the corpus as often as needed.",
    ),
    device: str | None = typer.Option(None, "--device", help="cpu, cuda …; default: cuda when present."),
    batch_size: int = typer.Option(BATCH_SIZE, "--batch-size", min=1),
    workers: int = typer.Option(
        1,
        "--workers",
        min=1,
        help="Run each setting in N processes at once, one thread "
        "each, sharing the corpus as `gongkai extract --workers N` does.",
    ),
    threads: int | None = typer.Option(
        None,
        "--threads",
        min=1,
        help="Torch (and ONNX Runtime) threads, e.g. "
        "1 as each `extract --workers` process runs; default: torch's (every core).",
    ),
    fmt: str = typer.Option("jsonl", "--format", help="Output format timed in the write stage: jsonl, csv, parquet."),
    isolate: bool = typer.Option(
        True,
        "--isolate/--same-process",
        help="Run each backend in a fresh process (its own peak memory; costs a few seconds of start-up each).",
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the results as JSON."),
) -> None:
    """Time extraction: reports/s, characters/s, peak RSS, CPU time, model load and each stage
    (normalise with decoding, tag, assemble, check, write), for several settings side by side."""
    from gongkai.inference.bench import compare, format_table
    from gongkai.inference.outputs import FORMATS
    from gongkai.model.backends import BACKENDS, PRECISIONS

    known = (*BACKENDS, "torch-fp32", "torch-bf16", "torch-bf16-checked")
    settings = [b.strip() for b in backend.split(",") if b.strip()]
    unknown = [b for b in settings if b not in known]
    if not settings or unknown:
        raise typer.BadParameter(
            f"{', '.join(unknown) or backend!r}; choose from {', '.join(known)}", param_hint="--backend"
        )
    if precision not in PRECISIONS:
        raise typer.BadParameter(f"{precision!r}; choose one of {', '.join(PRECISIONS)}", param_hint="--precision")
    if fmt not in FORMATS:
        raise typer.BadParameter(f"{fmt!r}; choose one of {', '.join(FORMATS)}", param_hint="--format")
    if workers > 1 and not isolate:
        raise typer.BadParameter("several workers run in their own processes", param_hint="--same-process")
    items = _corpus(corpus, synthetic, seed, min_chars, documents)
    if not items:
        raise typer.BadParameter("no documents found", param_hint="--corpus")
    try:
        rows = compare(
            items,
            settings,
            isolate=isolate,
            repeat=repeat,
            precision=precision,
            workers=workers,
            model=model,
            device=device,
            batch_size=batch_size,
            fmt=fmt,
            threads=threads,
        )
    except (FileNotFoundError, ValueError, ImportError) as exc:  # no model, no export, no onnxruntime
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from None
    if as_json:
        typer.echo(json.dumps({"documents": len(items), "results": rows}, ensure_ascii=False, indent=2))
        return
    typer.echo(
        f"{len(items)} document(s), {rows[0]['chars']} characters, batch size {batch_size}, "
        f"{repeat} run(s) per setting, {workers} worker process(es); {os.cpu_count()} CPU(s)"
    )
    typer.echo(format_table(rows))
