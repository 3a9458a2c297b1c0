"""``gongkai synth``: write synthetic labelled reports as annotation JSONL."""

from __future__ import annotations

from pathlib import Path

import typer

app = typer.Typer(add_completion=False)


@app.command()
def synth(
    n: int = typer.Option(1000, "--n", min=0, help="How many reports to write."),
    seed: int = typer.Option(0, "--seed", help="Base seed; the same seed writes the same reports."),
    output: str = typer.Option(None, "-o", "--output", help="The JSONL file to write."),
    error_rate: float = typer.Option(
        0.1, "--error-rate", min=0.0, max=1.0, help="Share of reports with a publication error in a table."
    ),
    compare: list[str] = typer.Option(
        None,
        "--compare",
        help="Real reports to set the generated ones' character "
        "statistics beside: folders of report folders (../shared/real: NNN/source.txt) "
        "or annotation files and directories (annotations/gold).",
    ),
    split: Path = typer.Option(
        None,
        "--split",
        help="The split file whose held-out reports --compare never reads "
        "(default: the repository's annotations/split.json).",
    ),
) -> None:
    """Write N synthetic reports with exact labels (see gongkai.training.synth); with
    --compare, print how close their character statistics come to real reports' (the
    realism gap: mean Jensen-Shannon divergence, 0 = alike), held-out reports skipped."""
    from gongkai.training.corpus import write_jsonl
    from gongkai.training.synth import generate_many

    if output is None and not compare:
        raise typer.BadParameter("give -o OUT.jsonl, --compare PATH, or both", param_hint="--output")
    if output is not None:
        count = write_jsonl(generate_many(n, seed, error_rate=error_rate), output)
        typer.echo(f"wrote {count} synthetic reports to {output}")
    if compare:
        from gongkai.training.synth import realism

        missing = [p for p in compare if not Path(p).exists()]
        if missing:
            raise typer.BadParameter(f"not found: {', '.join(missing)}", param_hint="--compare")
        try:
            texts, records = realism.real_texts(compare, split or realism.SPLIT_FILE)
        except FileNotFoundError as exc:
            raise typer.BadParameter(str(exc), param_hint="--split") from None
        if not texts and not records:
            raise typer.BadParameter(f"no reports in {', '.join(compare)}", param_hint="--compare")
        generated = list(generate_many(n, seed, error_rate=error_rate))
        typer.echo(
            realism.gap_table(
                realism.text_stats((r.text for r in generated), normalised=False),
                realism.text_stats(texts + [r.text for r in records], normalised=False),
            )
        )
        if records:
            typer.echo("\nLabelled (the annotated records only):\n")
            typer.echo(
                realism.compare_table(
                    realism.corpus_stats(generated), realism.corpus_stats(records), ("synthetic", "real")
                )
            )
