"""``gongkai view``: the review page for one report, or the review site for a batch."""

from __future__ import annotations

from pathlib import Path

import typer


def view(
    input: Path = typer.Argument(
        ...,
        help="One report (.txt, .html, .htm, .md …): its review page; or an "
        "extraction output (.jsonl from gongkai extract): the review site.",
    ),
    output: Path = typer.Option(..., "-o", "--output", help="The HTML page to write; for a .jsonl, the site's folder."),
    inputs: list[str] = typer.Option(
        [],
        "--inputs",
        help="With a .jsonl: where the reports it was extracted "
        "from are (folders, files, globs, .jsonl with id and text); repeatable. "
        "Default: each record's id as a path.",
    ),
    model: str | None = typer.Option(None, "--model", help="A model directory; default: the shipped model."),
    device: str | None = typer.Option(None, "--device"),
    progress: bool = typer.Option(True, "--progress/--no-progress", help="A progress bar on stderr (site only)."),
) -> None:
    """Write a page showing the source with its tags beside the extracted tables; cells link to
    the source characters they came from, failed and repaired checks are marked.

    Given the .jsonl that `gongkai extract` wrote, write a static site instead: an index of every
    report to sort and filter, each report's page, and per organ its headline numbers over the
    years. Exit code 0; 1 when a line is not a record or a source was not found; 2 on usage errors."""
    if input.suffix.lower() == ".jsonl":
        _site(input, output, inputs, progress)
        return
    if inputs:
        raise typer.BadParameter("is for a .jsonl of extraction records (the review site)", param_hint="--inputs")
    from gongkai.inference.pipeline import Extractor
    from gongkai.inference.review import render_review
    from gongkai.inference.text_decoding import DecodeError, decode_text

    try:
        data = input.read_bytes()
        source = decode_text(data, name=str(input)).text
    except (OSError, DecodeError) as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(1) from None
    try:
        extractor = Extractor.load(model, device=device, keep_entities=True)
    except FileNotFoundError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from None
    report = extractor.extract(data, id=str(input)).to_dict()
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(render_review(source, report, report.get("entities") or []), encoding="utf-8")
    typer.echo(
        f"wrote {output}: {len(report['tables'])} table(s), "
        f"{sum(c['status'] == 'fail' for c in report['checks'])} failed check(s)",
        err=True,
    )
    if report.get("error"):
        raise typer.Exit(1)


def _site(records: Path, out: Path, inputs: list[str], progress: bool) -> None:
    from gongkai.inference.review_site import write_site

    if not records.is_file():
        typer.echo(f"error: {records}: no such file", err=True)
        raise typer.Exit(2)
    try:
        s = write_site(records, out, inputs, progress=progress)
    except (FileNotFoundError, NotADirectoryError) as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from None
    typer.echo(
        f"wrote {out / 'index.html'}: {s.records} report(s), {s.with_source} with their source, "
        f"{len(s.missing)} source(s) not found, {s.unreadable} unreadable line(s); "
        f"{s.organs} organ(s), {s.jumps} with a jump",
        err=True,
    )
    for rid in s.missing[:5]:
        typer.echo(f"  source not found: {rid}", err=True)
    if s.unreadable or s.missing:
        raise typer.Exit(1)
