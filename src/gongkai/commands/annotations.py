"""``gongkai annotations``: validate annotation files, import from and export to other tools.

Thin commands over :mod:`gongkai.training.validate`, :mod:`gongkai.training.formats.importers`
and :mod:`gongkai.training.formats.exporters`; the training modules load only when a command runs.
"""

from __future__ import annotations

from enum import Enum
from pathlib import Path

import typer

app = typer.Typer(
    help="Check annotation files; convert them from and to other annotation tools.",
    no_args_is_help=True,
    add_completion=False,
)


class ImportFormat(str, Enum):
    labelstudio = "labelstudio"
    conll = "conll"
    doccano = "doccano"
    bio = "bio"
    cluener = "cluener"
    docbin = "docbin"
    hf = "hf"


class ExportFormat(str, Enum):
    hf = "hf"
    docbin = "docbin"
    labelstudio = "labelstudio"
    doccano = "doccano"
    bio = "bio"
    cluener = "cluener"


def parse_label_map(pairs: list[str]) -> dict[str, str]:
    out = {}
    for pair in pairs:
        foreign, sep, ours = pair.partition("=")
        if not sep or not foreign.strip() or not ours.strip():
            raise typer.BadParameter(f"{pair!r} is not FOREIGN=OURS (e.g. address=ORGAN)", param_hint="--map")
        out[foreign.strip()] = ours.strip()
    return out


@app.command()
def validate(
    paths: list[Path] = typer.Argument(..., help="JSONL files or directories (searched recursively for *.jsonl)."),
    strict: bool = typer.Option(False, help="Fail on warnings (spans with leading/trailing whitespace) too."),
) -> None:
    """Check annotation files; exit 1 if any error is found."""
    from gongkai.training.corpus import annotation_files
    from gongkai.training.validate import summary, validate as run

    problems = run(paths)
    for p in problems:
        typer.echo(str(p))
    n_files = len([f for f in annotation_files(p for p in paths if p.exists())])
    typer.echo(summary(problems, n_files))
    if any(p.is_error or strict for p in problems):
        raise typer.Exit(1)


@app.command("import")
def import_(
    source: Path = typer.Argument(..., help="The file (a directory for hf) exported by the other tool."),
    fmt: ImportFormat = typer.Option(..., "--from", help="The format SOURCE is in."),
    out: Path = typer.Option(..., "-o", "--out", help="Our JSONL file to write."),
    label_map: list[str] = typer.Option([], "--map", help="FOREIGN=OURS label mapping; repeatable."),
    id_field: str = typer.Option(
        None,
        "--id-field",
        help="labelstudio, conll: the task field that holds each "
        "record's id (default: doc_id, then data.id; never Label Studio's task number).",
    ),
    texts: Path = typer.Option(
        None,
        "--texts",
        help="A CoNLL export: the texts its tasks were made from (the "
        "Label Studio export or tasks JSON, or JSONL with id and text), to get each "
        "document's text and id back.",
    ),
    strict: bool = typer.Option(False, help="Exit 1 if anything was rejected (the file is still written)."),
) -> None:
    """Convert another tool's annotations to our JSONL, rejecting (and listing) every span that fails a check.

    Exit code 1 when nothing could be imported (no record, or every span rejected), or with
    --strict when anything was rejected; 2 when SOURCE cannot be read as the format."""
    from gongkai.training.corpus import write_jsonl
    from gongkai.training.formats.importers import ImportFormatError, import_file

    try:
        result = import_file(fmt.value, source, parse_label_map(label_map), id_field=id_field, texts=texts)
    except ImportFormatError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from None
    except ValueError as exc:  # an option the format does not take
        raise typer.BadParameter(str(exc)) from None
    for p in result.problems:
        typer.echo(str(p))
    out.parent.mkdir(parents=True, exist_ok=True)
    write_jsonl(result.records, out)
    typer.echo(
        f"imported {len(result.records)} records ({result.n_spans} spans) to {out}; "
        f"rejected {len(result.rejected)}, warnings {len(result.warnings)}"
    )
    if not result.records or (result.rejected and not result.n_spans):
        typer.echo(
            f"error: nothing was imported from {source}"
            + (" (every record or span was rejected: see above)" if result.rejected else ""),
            err=True,
        )
        raise typer.Exit(1)
    if strict and result.rejected:
        raise typer.Exit(1)


@app.command()
def export(
    paths: list[Path] = typer.Argument(..., help="Our JSONL files or directories."),
    fmt: ExportFormat = typer.Option(..., "--to", help="The format to write."),
    out: Path = typer.Option(
        ..., "-o", "--out", help="Output: a directory for hf, a .spacy file for docbin, a .json for labelstudio."
    ),
    model_version: str = typer.Option("gongkai", help="labelstudio: the predictions' model_version."),
) -> None:
    """Write our annotations (or a model's predicted spans) in another tool's format."""
    from gongkai.training.corpus import CorpusError, read_records
    from gongkai.training.formats.exporters import ExportError, export_records

    options = {"model_version": model_version} if fmt is ExportFormat.labelstudio else {}
    try:
        records = read_records(paths)
        written = export_records(fmt.value, records, out, **options)
    except (CorpusError, ExportError, FileNotFoundError) as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(1) from None
    typer.echo(f"exported {len(records)} records to {', '.join(map(str, written))}")


@app.command()
def suggest(
    inputs: list[str] = typer.Argument(..., help="Reports: files, directories, globs, .jsonl with id/text."),
    output: Path = typer.Option(..., "-o", "--output", help="Label Studio tasks JSON to write."),
    n: int = typer.Option(20, "-n", min=1, help="How many reports to suggest."),
    model: str = typer.Option(None, "--model", help="A model directory; default: the shipped model."),
) -> None:
    """Pick the N reports most worth annotating next (failed checks, low tag confidence,
    unfamiliar characters) and write them as Label Studio tasks with the model's tags."""
    from gongkai.inference.inputs import iter_documents
    from gongkai.inference.pipeline import Extractor
    from gongkai.training.formats.labelstudio import to_labelstudio
    from gongkai.training.suggest import scored_documents, top_k

    try:
        extractor = Extractor.load(model, keep_entities=True)
    except FileNotFoundError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from None
    vocab = set(extractor.tag.model.tokenizer.get_vocab())
    docs = ((d.id, d.data) for d in iter_documents(inputs))
    best = top_k(scored_documents(extractor, vocab, docs), n)
    written = to_labelstudio([s.record for s in best], output, model_version=extractor.versions.get("model", "gongkai"))
    for s in best:
        typer.echo(f"{s.score:8.3f}  {s.id}  {s.reasons}")
    typer.echo(f"wrote {len(best)} task(s) to {', '.join(map(str, written))}", err=True)
