"""``gongkai synth``: write synthetic labelled reports as annotation JSONL."""

from __future__ import annotations

import typer

app = typer.Typer(add_completion=False)


@app.command()
def synth(
    n: int = typer.Option(1000, "--n", min=0, help="How many reports to write."),
    seed: int = typer.Option(0, "--seed", help="Base seed; the same seed writes the same reports."),
    output: str = typer.Option(..., "-o", "--output", help="The JSONL file to write."),
    error_rate: float = typer.Option(0.1, "--error-rate", min=0.0, max=1.0,
                                     help="Share of reports with a publication error in a table."),
) -> None:
    """Write N synthetic reports with exact labels (see gongkai.training.synth)."""
    from gongkai.training.corpus import write_jsonl
    from gongkai.training.synth import generate_many

    count = write_jsonl(generate_many(n, seed, error_rate=error_rate), output)
    typer.echo(f"wrote {count} synthetic reports to {output}")
