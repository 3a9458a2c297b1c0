"""``gongkai extract``: bulk extraction, a thin layer over :func:`gongkai.inference.bulk.extract_to_file`."""

from __future__ import annotations

from typing import Optional

import typer


def extract(
    inputs: list[str] = typer.Argument(..., help="Files, directories (recursive), globs, '-' for stdin, "
                                                 ".jsonl files with id and text (or html) fields."),
    output: str = typer.Option("-", "-o", "--output", help="Output file; '-' writes JSONL to stdout."),
    fmt: Optional[str] = typer.Option(None, "--format", help="jsonl, csv (long form) or parquet; "
                                                            "default from the output suffix."),
    model: Optional[str] = typer.Option(None, "--model", help="A model directory; default: the shipped model."),
    device: Optional[str] = typer.Option(None, "--device", help="cpu, cuda, cuda:1 …; default: cuda when present."),
    backend: str = typer.Option("auto", "--backend", help="auto (ONNX on CPU where `gongkai export-onnx` verified "
                                "it, else torch), torch, onnx, onnx-fp32 or onnx-int8."),
    workers: int = typer.Option(1, "--workers", min=1, help="Worker processes (each loads the model once)."),
    batch_size: int = typer.Option(8, "--batch-size", min=1),
    resume: bool = typer.Option(False, "--resume", help="Skip ids already in OUTPUT and append."),
    progress: bool = typer.Option(True, "--progress/--no-progress", help="A progress bar on stderr."),
    cross_check: Optional[str] = typer.Option(None, "--cross-check", help="Check each organ's consecutive "
                                              "years against each other; write the warnings here (JSONL)."),
) -> None:
    """Extract tables, sections and figures from reports: one output record per input.

    Exit code 0 when every input succeeded, 1 when some failed (their records carry
    `error`), 2 on usage errors.
    """
    from gongkai.inference.bulk import extract_to_file
    from gongkai.inference.outputs import FORMATS

    if fmt is not None and fmt not in FORMATS:
        raise typer.BadParameter(f"{fmt!r}; choose one of {', '.join(FORMATS)}", param_hint="--format")
    try:
        summary = extract_to_file(inputs, output, fmt=fmt, model=model, device=device, workers=workers,
                                  batch_size=batch_size, resume=resume, progress=progress,
                                  cross_check=cross_check, backend=backend)
    except (FileNotFoundError, ValueError, ImportError) as exc:  # no model, a bad --backend, no onnxruntime
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from None
    typer.echo(f"{summary.total} record(s) written to {output}, {summary.failed} failed"
               + (f", {summary.skipped} skipped (--resume)" if summary.skipped else "")
               + (f"; {summary.cross_warnings} cross-year warning(s) in {cross_check}" if cross_check else ""),
               err=True)
    raise typer.Exit(summary.exit_code)
