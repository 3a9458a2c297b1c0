"""``gongkai audit``: how far a batch of extraction records can be trusted, without gold.

A thin layer over :mod:`gongkai.inference.audit`; ``--extract`` runs the extraction first
(:func:`gongkai.inference.bulk.extract_to_file`) and audits its records as they come.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import typer

#: Said with a record file that is no JSONL: a shell-expanded glob after --extract fills the
#: positional RECORDS with reports (``--extract ../real/*/source.txt`` takes only the first).
_HINT = "; to extract reports first, quote a glob or repeat the option: --extract 'DIR/*.txt' --extract FILE"


def _read_records(path: str):
    try:
        with open(path, encoding="utf-8") as fh:
            for lineno, line in enumerate(fh, 1):
                if not line.strip():
                    continue
                try:
                    rec = json.loads(line)
                except json.JSONDecodeError as exc:
                    raise typer.BadParameter(f"{path}:{lineno}: not a JSON record ({exc}){_HINT}") from None
                if not isinstance(rec, dict) or "id" not in rec:
                    raise typer.BadParameter(f"{path}:{lineno}: not an extraction record (no id){_HINT}")
                yield rec
    except UnicodeDecodeError:
        raise typer.BadParameter(f"{path}: not extraction records (not UTF-8 text){_HINT}") from None


def audit(
    records: list[str] | None = typer.Argument(None, help="Extraction outputs (JSONL from gongkai extract)."),
    extract: list[str] | None = typer.Option(
        None, "--extract", help="Extract these inputs first (files, directories, globs) and audit their records."
    ),
    output: str | None = typer.Option(
        None, "-o", "--output", help="With --extract: keep the records here (JSONL); by default they are not kept."
    ),
    as_json: bool = typer.Option(
        False, "--json", help="Print the audit as JSON (the batch, and every report with --per-report)."
    ),
    per_report: bool = typer.Option(False, "--per-report", help="With --json: every report's audit too."),
    worst: int = typer.Option(20, "--worst", min=0, help="How many reports to list to look at first."),
    model: str | None = typer.Option(None, "--model", help="With --extract: a model directory."),
    progress: bool = typer.Option(True, "--progress/--no-progress", help="With --extract: a progress bar."),
) -> None:
    """Audit extraction records: tables and cells read, every check by rule and status, the share of
    reports that read clean, and the reports to look at first."""
    from gongkai.inference.audit import BatchAudit, audit_record, render

    if not records and not extract:
        raise typer.BadParameter("give extraction records (JSONL) or --extract INPUTS")
    missing = [r for r in records or [] if not Path(r).is_file()]
    if missing:
        raise typer.BadParameter(f"no such file: {', '.join(missing)}")
    batch = BatchAudit(worst_k=worst)
    each: list[dict] = []

    def add(rec: dict) -> None:
        a = audit_record(rec)
        batch.add(a)
        if per_report:
            each.append(a.to_dict())

    for path in records or []:
        for rec in _read_records(path):
            add(rec)
    if extract:
        from gongkai.inference.bulk import extract_to_file

        with tempfile.TemporaryDirectory() as tmp:
            out = output or str(Path(tmp) / "records.jsonl")
            try:
                extract_to_file(extract, out, fmt="jsonl", model=model, progress=progress, on_record=add)
            except (FileNotFoundError, ValueError, ImportError) as exc:
                typer.echo(f"error: {exc}", err=True)
                raise typer.Exit(2) from None
    if as_json:
        typer.echo(
            json.dumps(
                {**batch.to_dict(), **({"per_report": each} if per_report else {})}, ensure_ascii=False, indent=2
            )
        )
    else:
        typer.echo(render(batch))
