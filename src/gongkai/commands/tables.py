"""``gongkai tables``: extraction records (JSONL) as a table for analysis — the cells in long form,
one row per report (``--wide``), or one row per narrative figure (``--figures``) — in CSV,
Parquet or JSONL. A thin layer over the writers of :mod:`gongkai.inference.outputs`.
"""

from __future__ import annotations

import sys
from pathlib import Path

import typer


def tables(
    records: list[str] = typer.Argument(..., help="Extraction records: JSONL files from gongkai extract."),
    output: str = typer.Option(
        "-", "-o", "--output", help="Output file (.csv, .parquet, .jsonl); '-' writes CSV to stdout."
    ),
    fmt: str | None = typer.Option(
        None, "--format", help="csv, parquet or jsonl; default from the output suffix, else csv."
    ),
    wide: bool = typer.Option(
        False,
        "--wide",
        help="One row per report: id, organ, year, template, status, "
        "failed checks and the headline numbers (applications.new_received.total …).",
    ),
    figures: bool = typer.Option(False, "--figures", help="One row per narrative figure."),
) -> None:
    """Write extraction records as one table: by default every table cell in long form (id, table,
    row, field, value, status, organ, year, template, printed text, page)."""
    from gongkai.commands.audit import _read_records
    from gongkai.inference.outputs import Writer, format_for

    if wide and figures:
        raise typer.BadParameter("give --wide or --figures, not both", param_hint="--figures")
    missing = [r for r in records if not Path(r).is_file()]
    if missing:
        raise typer.BadParameter(f"no such file: {', '.join(missing)}", param_hint="RECORDS")
    kind = "summary" if wide else "figures" if figures else "cells"
    try:
        fmt = format_for(output, fmt, default="csv")
        rows = 0
        with Writer(output, fmt, kind=kind, stream=sys.stdout if output == "-" else None) as writer:
            for path in records:
                for rec in _read_records(path):
                    writer.write(rec)
                    rows += 1
    except (ValueError, ImportError) as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from None
    if output != "-":
        typer.echo(f"{rows} record(s) written to {output} as {kind}", err=True)
