"""The ``gongkai`` command: a thin layer over importable functions.

Each subcommand imports what it needs when it runs, so ``gongkai --help`` stays fast
and extraction never loads training-only packages.
"""

from __future__ import annotations

import typer

from gongkai.commands import annotations, audit, bench, export, extract, model, pretrain, synth, tables, view

app = typer.Typer(help="Structured data from 政府信息公开工作年度报告.", no_args_is_help=True, add_completion=False)

app.command("extract")(extract.extract)
app.command("tables")(tables.tables)
app.command("audit")(audit.audit)
app.command("view")(view.view)
app.add_typer(annotations.app, name="annotations")
app.command("synth")(synth.synth)
app.command("pretrain")(pretrain.pretrain)
app.command("train")(model.train)
app.command("evaluate")(model.evaluate)
app.command("leave-one-out")(model.leave_one_out)
app.command("export-onnx")(export.export_onnx)
app.command("verify-backends")(export.verify_backends)
app.command("bench")(bench.bench)


@app.callback()
def main() -> None:
    """gongkai: extract the tables, sections and figures of government information-disclosure reports."""


@app.command()
def version() -> None:
    """Print the package version."""
    from gongkai import __version__

    typer.echo(__version__)


@app.command()
def formats(
    output: str = typer.Option(None, "-o", "--output", help="Write it here instead of stdout."),
    check: bool = typer.Option(False, "--check", help="Exit 1 if OUTPUT differs from what would be written."),
    schema: bool = typer.Option(
        False,
        "--schema",
        help="The JSON Schema of one extraction record (docs/record.schema.json) instead of the Markdown.",
    ),
) -> None:
    """Print the report-format knowledge (tables, rows, label variants, rules) as Markdown, or the
    output record's JSON Schema; both are written from gongkai.model.template."""
    from pathlib import Path

    if schema:
        from gongkai.model.record_schema import render_json as render
    else:
        from gongkai.model.template_doc import render_markdown as render

    text = render()
    if output is None:
        typer.echo(text, nl=False)
        return
    path = Path(output)
    if check:
        current = path.read_text(encoding="utf-8") if path.exists() else ""
        if current != text:
            flag = " --schema" if schema else ""
            typer.echo(f"{path} is out of date: run gongkai formats{flag} -o {path}", err=True)
            raise typer.Exit(1)
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
