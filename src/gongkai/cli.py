"""The ``gongkai`` command: a thin layer over importable functions.

Each subcommand imports what it needs when it runs, so ``gongkai --help`` stays fast
and extraction never loads training-only packages.
"""

from __future__ import annotations

import typer

app = typer.Typer(help="Structured data from 政府信息公开工作年度报告.", no_args_is_help=True,
                  add_completion=False)


@app.callback()
def main() -> None:
    """gongkai: extract the tables, sections and figures of government information-disclosure reports."""


@app.command()
def version() -> None:
    """Print the package version."""
    from gongkai import __version__

    typer.echo(__version__)
