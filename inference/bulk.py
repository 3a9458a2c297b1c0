"""Bulk extraction: inputs → records → an output file, with progress, resume and workers.

Every input yields exactly one record, in input order; a failed one carries ``error`` (see
:mod:`.inputs` for what an input and its id are). Nothing is written before everything that
can be checked is: the output format, the inputs (planned in full first, so that the output
can never be read as an input), the model (loaded once here, also with workers). With
``workers > 1`` each worker process loads the model once, and documents travel to them in
bounded windows so memory stays flat over any number of inputs.
"""

from __future__ import annotations

import sys
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import Any

from gongkai.model.backends import BATCH_SIZE, Backend, Precision

from .inputs import Document, InputError, Source, parquet_rows, plan_inputs, read_documents
from .outputs import Writer, done_ids, format_for, require_pyarrow
from .report import Report


@dataclass
class Summary:
    total: int = 0
    failed: int = 0
    #: Inputs already in the output (``--resume``).
    skipped: int = 0
    cross_warnings: int = 0
    #: ``(name, why)`` of the files found and not read (no report format, hidden, …).
    not_read: list[tuple[str, str]] = field(default_factory=list)
    #: Records per ``status``.
    statuses: Counter = field(default_factory=Counter)

    @property
    def exit_code(self) -> int:
        return 1 if self.failed else 0


_WORKER = None


def _init_worker(
    model: str | None,
    device: str | None,
    batch_size: int,
    backend: str = Backend.AUTO,
    precision: str = Precision.AUTO,
    debug: bool | None = None,
) -> None:
    global _WORKER
    import torch

    from .pipeline import Extractor

    torch.set_num_threads(1)  # one core per worker: the workers are the parallelism (ONNX follows it)
    try:
        _WORKER = Extractor.load(
            model, device=device, batch_size=batch_size, backend=backend, precision=precision, debug=debug
        )
    except Exception as exc:  # noqa: BLE001 — a pool respawns a worker whose initializer raises, forever
        _WORKER = exc


def _run_chunk(docs: list[tuple[str, object]]) -> list[dict]:
    if isinstance(_WORKER, Exception):
        why = f"a worker could not load the model ({type(_WORKER).__name__}: {_WORKER})"
        return [Report.failed(i, f"{i}: {why}").to_dict() for i, _ in docs]
    return [r.to_dict() for r in extract_records(_WORKER, docs, len(docs))]


def count_documents(sources: Iterable[Source]) -> int | None:
    """How many documents the sources hold (a JSONL file one per non-blank line, a Parquet file one
    per row), or ``None`` when that cannot be known beforehand (stdin)."""
    n = 0
    for src in sources:
        if src.kind == "stdin":
            return None
        if src.kind == "parquet":
            n += parquet_rows(src.path) or 1  # unreadable: one error record
            continue
        if src.kind != "jsonl":
            n += 1
            continue
        try:
            with open(src.path, "rb") as fh:
                n += sum(1 for line in fh if line.strip())
        except OSError:
            n += 1  # unreadable: one error record
    return n


def extract_records(extractor, docs: list[tuple[str, object]], batch_size: int) -> Iterator[Report]:
    """Reports in input order; unreadable inputs get an error record without reaching the model."""
    readable = [(i, d) for i, d in docs if not isinstance(d, InputError)]
    reports = iter(extractor.extract_many(readable, batch_size=batch_size))
    for i, d in docs:
        if isinstance(d, InputError):
            yield Report.failed(i, str(d), extractor.versions)
        else:
            yield next(reports)


def _side_outputs(output: str | Path, fmt: str, resume: bool, summary_file, figures_file) -> dict[str, tuple]:
    """The summary and figures files as ``{kind: (path, format)}``, after refusing what cannot be
    written (a usage error must leave an existing output as it was)."""
    if resume and fmt == "parquet" and str(output) != "-":
        raise ValueError("--resume cannot append to Parquet; write JSONL or CSV, or a new file")
    extra = {
        kind: (path, format_for(path, default="csv"))
        for kind, path in (("summary", summary_file), ("figures", figures_file))
        if path is not None
    }
    for kind, (path, _) in extra.items():
        if str(path) == "-":
            raise ValueError(f"--{kind} needs a file name (.csv, .parquet or .jsonl), not stdout")
    if extra and resume:
        raise ValueError(
            "--summary and --figures cannot be resumed (they would lack the records done before): "
            "write them afterwards from the whole output, gongkai tables OUT.jsonl --wide -o FILE"
        )
    if "parquet" in (fmt, *(f for _, f in extra.values())):
        require_pyarrow()
    return extra


def _progress(plan_sources: list[Source], done: int):
    """A progress bar on stderr, with a total (and so an ETA) when the number of documents can be
    known (not from stdin)."""
    from tqdm import tqdm

    total = count_documents(plan_sources)
    total = None if total is None else max(0, total - done)
    return tqdm(total=total, unit="doc", file=sys.stderr, dynamic_ncols=True)


@dataclass
class _Emitter:
    """Writes each record as it comes, in input order, to the output and the side files, and
    counts it: the documents sent (their data dropped) pair each record with its id's escape
    and a PDF's page map."""

    writer: Writer
    sinks: list[Writer]
    summary: Summary
    sent: deque[Document]
    checker: Any = None
    bar: Any = None
    on_record: Callable[[dict], None] | None = None

    def __call__(self, record: dict) -> None:
        doc = self.sent.popleft()
        if doc.id_escaped:
            record = {"id": record["id"], "id_escaped": True, **record}
        if doc.pages is not None:  # a PDF: the page of each cell and figure
            doc.pages.annotate(record)
        self.summary.total += 1
        self.summary.statuses[record.get("status")] += 1
        if self.checker is not None:
            self.checker.add(record)
        if record.get("error"):
            self.summary.failed += 1
        self.writer.write(record)
        for w in self.sinks:
            w.write(record)
        if self.on_record is not None:
            self.on_record(record)
        if self.bar is not None:
            self.bar.update(1)
            self.bar.set_postfix(failed=self.summary.failed, refresh=False)


def _extract_here(items: Iterator[tuple[str, object]], extractor, batch_size: int, emit: _Emitter) -> None:
    while chunk := list(islice(items, batch_size)):
        for rep in extract_records(extractor, chunk, batch_size):
            emit(rep.to_dict())


def _extract_in_workers(
    items: Iterator[tuple[str, object]], workers: int, batch_size: int, emit: _Emitter, initargs: tuple
) -> None:
    """Each worker process loads the model once (``initargs`` of :func:`_init_worker`); documents
    travel to them in bounded windows, so memory stays flat, and come back in order."""
    import multiprocessing as mp

    ctx = mp.get_context("spawn")  # no forked torch state
    with ctx.Pool(workers, initializer=_init_worker, initargs=initargs) as pool:
        window = workers * 4
        while chunks := [c for c in (list(islice(items, batch_size)) for _ in range(window)) if c]:
            for records in pool.imap(_run_chunk, chunks):
                for rec in records:
                    emit(rec)


def extract_to_file(
    inputs: Iterable[str],
    output: str | Path,
    *,
    fmt: str | None = None,
    model: str | None = None,
    device: str | None = None,
    workers: int = 1,
    batch_size: int = BATCH_SIZE,
    resume: bool = False,
    progress: bool = True,
    extractor=None,
    stdin=None,
    on_record: Callable[[dict], None] | None = None,
    cross_check: str | Path | None = None,
    backend: str = Backend.AUTO,
    precision: str = Precision.AUTO,
    summary_file: str | Path | None = None,
    figures_file: str | Path | None = None,
    debug: bool | None = None,
    skip_names: Iterable[str] = (),
) -> Summary:
    """Extract every document ``inputs`` name into ``output``; ``-`` writes JSONL to stdout.

    With ``cross_check``, reports of one organ in consecutive years are checked against each
    other at the end, and the warnings (naming both reports) are written there as JSONL.
    ``summary_file`` gets one row per report and ``figures_file`` one row per narrative figure
    (CSV, Parquet or JSONL by suffix; see :mod:`.outputs`). ``debug`` (default: ``GONGKAI_DEBUG``)
    raises the first exception a stage of the pipeline meets instead of recording it.
    ``skip_names``: name patterns of files in folders and globs that are not read (see
    :func:`~.inputs.plan_inputs`).
    """
    fmt = format_for(output, fmt)
    to_stdout = str(output) == "-"
    # Everything that can be refused is checked before the output is opened.
    extra = _side_outputs(output, fmt, resume, summary_file, figures_file)
    written = [str(output), str(cross_check or ""), *(str(p) for p, _ in extra.values())]
    _check_output_paths(p for p in written if p and p != "-")
    plan = plan_inputs(inputs, exclude=written, skip=skip_names)
    from .pipeline import Extractor

    if extractor is None:
        # Loaded here with workers too: a bad --model or --backend fails before anything is written.
        extractor = Extractor.load(
            model, device=device, batch_size=batch_size, backend=backend, precision=precision, debug=debug
        )
    skip = done_ids(output, fmt) if resume and not to_stdout else set()
    summary = Summary(not_read=list(plan.not_read))
    limit = getattr(extractor, "max_input_chars", Extractor.MAX_INPUT_CHARS)
    docs = read_documents(plan.sources, stdin=stdin, max_bytes=limit * 4)
    sent: deque[Document] = deque()
    checker = None
    if cross_check is not None:
        from .crosscheck import CrossChecker

        checker = CrossChecker()
    bar = _progress(plan.sources, len(skip)) if progress else None
    try:
        with ExitStack() as stack:
            writer = stack.enter_context(
                Writer(output, fmt, append=bool(resume and skip), stream=sys.stdout if to_stdout else None)
            )
            sinks = [stack.enter_context(Writer(path, f, kind=kind)) for kind, (path, f) in extra.items()]
            emit = _Emitter(writer, sinks, summary, sent, checker, bar, on_record)
            items = _pending(docs, skip, summary, sent)
            if workers <= 1:
                _extract_here(items, extractor, batch_size, emit)
            else:
                _extract_in_workers(
                    items, workers, batch_size, emit, (model, device, batch_size, backend, precision, debug)
                )
    finally:
        if bar is not None:
            bar.close()
    if checker is not None:
        summary.cross_warnings = _write_cross_check(checker, cross_check)
    return summary


def _pending(
    docs: Iterator[Document], skip: set[str], summary: Summary, sent: deque[Document]
) -> Iterator[tuple[str, object]]:
    """``(id, data)`` of the documents to extract, those already done (``--resume``) counted and
    left out; each one sent is remembered, its data dropped, for :class:`_Emitter`."""
    for d in docs:
        if d.id in skip:
            summary.skipped += 1
            continue
        sent.append(Document(d.id, b"", d.id_escaped, d.pages))
        yield d.id, d.data


def _check_output_paths(paths: Iterable[str]) -> None:
    """Refuse, before anything is read, an output that is a folder or sits under a file. A
    folder that does not exist yet is no error: the writer makes it (``-o out/run.jsonl``).

    >>> _check_output_paths(["/dev/null/run.jsonl"])
    Traceback (most recent call last):
    ...
    ValueError: /dev/null/run.jsonl: cannot write here, /dev/null is not a folder
    """
    for p in map(Path, paths):
        if p.is_dir():
            raise ValueError(f"{p}: is a folder; name the output file, e.g. {p / 'out.jsonl'}")
        parent = next((a for a in p.parents if a.exists()), Path("."))
        if not parent.is_dir():
            raise ValueError(f"{p}: cannot write here, {parent} is not a folder")


def _write_cross_check(checker, path: str | Path) -> int:
    """Write the cross-year warnings as JSONL; how many there are."""
    warnings = checker.warnings()
    with Writer(path, "jsonl") as w:
        for x in warnings:
            w.write(x)
    return len(warnings)
