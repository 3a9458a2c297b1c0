"""``gongkai view``: the review page for one report."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer


def view(
    input: Path = typer.Argument(..., help="One report: .txt, .html, .htm or .md."),
    output: Path = typer.Option(..., "-o", "--output", help="The HTML page to write."),
    model: Optional[str] = typer.Option(None, "--model", help="A model directory; default: the shipped model."),
    device: Optional[str] = typer.Option(None, "--device"),
) -> None:
    """Write a page showing the source with its tags beside the extracted tables; cells link to
    the source characters they came from, failed and repaired checks are marked."""
    from gongkai.inference.decode import DecodeError, decode
    from gongkai.inference.pipeline import Extractor
    from gongkai.inference.review import render_review

    try:
        data = input.read_bytes()
        source = decode(data, name=str(input)).text
    except (OSError, DecodeError) as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(1) from None
    try:
        extractor = Extractor.load(model, device=device, keep_entities=True)
    except FileNotFoundError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from None
    report = extractor.extract(data, id=str(input)).to_dict()
    output.write_text(render_review(source, report, report.get("entities") or []), encoding="utf-8")
    typer.echo(f"wrote {output}: {len(report['tables'])} table(s), "
               f"{sum(c['status'] == 'fail' for c in report['checks'])} failed check(s)", err=True)
    if report.get("error"):
        raise typer.Exit(1)
