"""``gongkai extract``: bulk extraction, a thin layer over :func:`gongkai.inference.bulk.extract_to_file`
(``--engine local``) and :func:`gongkai.inference.ray_engine.extract_dataset` (``--engine ray``)."""

from __future__ import annotations

import os
import sys

import typer

from gongkai.model.backends import BATCH_SIZE


def extract(
    inputs: list[str] = typer.Argument(
        ...,
        help="Files (text, HTML, PDF with a text layer), directories "
        "(recursive), globs, '-' for stdin, .jsonl and .parquet files "
        "with id and text (or html) fields.",
    ),
    output: str = typer.Option("-", "-o", "--output", help="Output file; '-' writes JSONL to stdout."),
    fmt: str | None = typer.Option(
        None, "--format", help="jsonl, csv (long form) or parquet; default from the output suffix."
    ),
    model: str | None = typer.Option(None, "--model", help="A model directory; default: the shipped model."),
    device: str | None = typer.Option(None, "--device", help="cpu, cuda, cuda:1 …; default: cuda when present."),
    backend: str = typer.Option(
        "auto",
        "--backend",
        help="auto (what `gongkai verify-backends` recorded as tagging "
        "exactly as the reference, else torch), torch, onnx, onnx-fp32 or onnx-int8.",
    ),
    precision: str = typer.Option(
        "auto",
        "--precision",
        help="auto (as --backend auto), fp32, bf16 (torch on "
        "a CPU with AMX or AVX-512 BF16: about twice as fast, a few tags may differ), or bf16-checked "
        "(bf16, and fp32 again for each window where bf16 leaves a call close).",
    ),
    workers: int = typer.Option(
        1, "--workers", min=1, help="Worker processes, or Ray actors with --engine ray (each loads the model once)."
    ),
    batch_size: int = typer.Option(BATCH_SIZE, "--batch-size", min=1),
    resume: bool = typer.Option(False, "--resume", help="Skip ids already in OUTPUT and append."),
    skip_names: list[str] = typer.Option(
        [],
        "--skip",
        help="A name pattern of files in the folders and globs given that are no report "
        "(origin.txt, 'README*'); repeat for several. A file named on its own is always read.",
    ),
    progress: bool = typer.Option(True, "--progress/--no-progress", help="A progress bar on stderr."),
    cross_check: str | None = typer.Option(
        None,
        "--cross-check",
        help="Check each organ's consecutive years against each other; write the warnings here (JSONL).",
    ),
    engine: str = typer.Option(
        "local", "--engine", help="local (this machine) or ray (Ray Data: pip install 'gongkai[ray]')."
    ),
    address: str | None = typer.Option(
        None, "--address", help="With --engine ray: a Ray cluster (auto, ray://head:10001); default: a local Ray."
    ),
    summary_file: str | None = typer.Option(
        None,
        "--summary",
        help="Also write one row per report (id, organ, "
        "year, template, status, failed checks, headline numbers): "
        ".csv, .parquet or .jsonl.",
    ),
    figures_file: str | None = typer.Option(
        None, "--figures", help="Also write one row per narrative figure: .csv, .parquet or .jsonl."
    ),
    raise_errors: bool = typer.Option(
        False,
        "--raise",
        help="Debugging: stop at the first input a stage of the "
        "pipeline fails on, with its traceback, instead of writing an error record "
        "(also GONGKAI_DEBUG=1).",
    ),
) -> None:
    """Extract tables, sections and figures from reports: one output record per input.

    Every input named or found gets one record (`status`: ok, partial, failed_checks,
    not_a_report or error); files a folder holds in no report format are named in the summary.
    Exit code 0 when every input was read and extracted, 1 when some failed (their records carry
    `error`), 2 on usage errors (nothing is written then).
    """
    from gongkai.inference.bulk import extract_to_file
    from gongkai.inference.outputs import FORMATS
    from gongkai.inference.ray_engine import RayEngineError, extract_dataset  # Ray itself loads only when used

    if fmt is not None and fmt not in FORMATS:
        raise typer.BadParameter(f"{fmt!r}; choose one of {', '.join(FORMATS)}", param_hint="--format")
    if engine not in ("local", "ray"):
        raise typer.BadParameter(f"{engine!r}; choose local or ray", param_hint="--engine")
    if engine == "ray":
        for flag, given in (
            ("--resume", resume),
            ("--cross-check", cross_check),
            ("--summary", summary_file),
            ("--figures", figures_file),
            ("--precision", precision != "auto"),
            ("--skip", bool(skip_names)),
        ):
            if given:
                raise typer.BadParameter("works with --engine local only", param_hint=flag)
    elif address is not None:
        raise typer.BadParameter("needs --engine ray", param_hint="--address")
    if not progress:
        silence_progress_bars()
    try:
        check_device(device, here=engine == "local" or address is None)
        if engine == "ray":
            # A GPU per actor when a GPU is asked for (the ONNX backend is CPU-only).
            summary = extract_dataset(
                inputs,
                output,
                fmt=fmt,
                address=address,
                progress=progress,
                model=model,
                device=device,
                backend=backend,
                batch_size=batch_size,
                num_actors=workers,
                num_gpus=1 if device and device.startswith("cuda") else 0,
                debug=raise_errors or None,
            )
        else:
            summary = extract_to_file(
                inputs,
                output,
                fmt=fmt,
                model=model,
                device=device,
                workers=workers,
                batch_size=batch_size,
                resume=resume,
                progress=progress,
                cross_check=cross_check,
                backend=backend,
                precision=precision,
                summary_file=summary_file,
                figures_file=figures_file,
                skip_names=skip_names,
                debug=raise_errors or None,
            )
    # No model, a bad --backend, no onnxruntime or ray; a Ray that cannot start or be reached.
    except (FileNotFoundError, ValueError, ImportError, RayEngineError) as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from None
    _print_summary(summary, output, cross_check)
    raise typer.Exit(summary.exit_code)


def check_device(device: str | None, *, here: bool = True) -> None:
    """Refuse a ``--device`` torch does not know, or (``here``: this machine runs the model) one
    this machine does not have, naming the fix (raises ValueError)."""
    if device is None:
        return
    import torch

    try:
        dev = torch.device(device)
    except (RuntimeError, ValueError):
        raise ValueError(
            f"--device {device!r} is no device: use cpu, cuda or cuda:N (a GPU), "
            "or leave it out for a GPU when there is one"
        ) from None
    if not here or dev.type == "cpu":
        return
    if dev.type == "cuda":
        count = torch.cuda.device_count() if torch.cuda.is_available() else 0
        if not count:
            raise ValueError(
                f"--device {device}: this machine has no CUDA GPU that torch {torch.__version__} "
                "can use: use --device cpu (or install a CUDA build of torch)"
            )
        if dev.index is not None and dev.index >= count:
            raise ValueError(f"--device {device}: there are {count} CUDA GPU(s), cuda:0 to cuda:{count - 1}")
    elif dev.type == "mps" and not torch.backends.mps.is_available():
        raise ValueError(f"--device {device}: no Apple GPU (MPS) here: use --device cpu")


def silence_progress_bars() -> None:
    """No progress bar at all, ours or a library's (transformers' "Loading weights"), in this
    process and in the worker processes it starts (they inherit the environment)."""
    os.environ["HF_HUB_DISABLE_PROGRESS_BARS"] = "1"  # read by huggingface_hub and transformers on import
    if "transformers" in sys.modules:
        from transformers.utils import logging

        logging.disable_progress_bar()
    elif "huggingface_hub" in sys.modules:
        from huggingface_hub.utils import disable_progress_bars

        disable_progress_bars()


#: How many files not read the summary names one by one.
_NAMED = 50


def _print_summary(summary, output: str, cross_check: str | None) -> None:
    """What was written (records per status), what failed, and every file found and not read."""
    statuses = ", ".join(f"{n} {s}" for s, n in sorted(summary.statuses.items(), key=lambda x: str(x[0])))
    typer.echo(
        f"{summary.total} record(s) written to {output}"
        + (f" ({statuses})" if statuses else "")
        + f", {summary.failed} failed"
        + (f", {summary.skipped} skipped (--resume)" if summary.skipped else "")
        + (f"; {summary.cross_warnings} cross-year warning(s) in {cross_check}" if cross_check else ""),
        err=True,
    )
    if summary.not_read:
        typer.echo(f"{len(summary.not_read)} file(s) found and not read:", err=True)
        for name, why in summary.not_read[:_NAMED]:
            typer.echo(f"  {name}: {why}", err=True)
        if len(summary.not_read) > _NAMED:
            typer.echo(f"  … and {len(summary.not_read) - _NAMED} more", err=True)
