"""``gongkai synth``: write synthetic labelled reports as annotation JSONL."""

from __future__ import annotations

import typer

app = typer.Typer(add_completion=False)


@app.command()
def synth(
    n: int = typer.Option(1000, "--n", min=0, help="How many reports to write."),
    seed: int = typer.Option(0, "--seed", help="Base seed; the same seed writes the same reports."),
    output: str = typer.Option(None, "-o", "--output", help="The JSONL file to write."),
    error_rate: float = typer.Option(0.1, "--error-rate", min=0.0, max=1.0,
                                     help="Share of reports with a publication error in a table."),
    compare: list[str] = typer.Option(None, "--compare", help="Annotation files or directories (e.g. "
                                      "annotations/gold) to set the reports' character statistics beside."),
) -> None:
    """Write N synthetic reports with exact labels (see gongkai.training.synth); with
    --compare, print their character statistics beside real annotated reports."""
    from gongkai.training.corpus import annotation_files, read_jsonl, write_jsonl
    from gongkai.training.synth import generate_many

    if output is None and not compare:
        raise typer.BadParameter("give -o OUT.jsonl, --compare PATH, or both", param_hint="--output")
    if output is not None:
        count = write_jsonl(generate_many(n, seed, error_rate=error_rate), output)
        typer.echo(f"wrote {count} synthetic reports to {output}")
    if compare:
        from gongkai.training.realism import compare_table, corpus_stats

        real = [r for f in annotation_files(compare) for r in read_jsonl(f)]
        if not real:
            raise typer.BadParameter(f"no records in {', '.join(compare)}", param_hint="--compare")
        typer.echo(compare_table(corpus_stats(generate_many(n, seed, error_rate=error_rate)),
                                 corpus_stats(real), ("synthetic", "real")))
