"""Bulk extraction: inputs → records → an output file, with progress, resume and workers.

Every input yields exactly one record, in input order; a failed one carries ``error``. With
``workers > 1`` each worker process loads the model once, and documents travel to them in
bounded windows so memory stays flat over any number of inputs.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from itertools import islice
from pathlib import Path

from .inputs import Document, InputError, iter_documents
from .outputs import Writer, done_ids, format_for
from .report import Report


@dataclass
class Summary:
    total: int = 0
    failed: int = 0
    skipped: int = 0
    cross_warnings: int = 0

    @property
    def exit_code(self) -> int:
        return 1 if self.failed else 0


_WORKER = None


def _init_worker(model: str | None, device: str | None, batch_size: int, backend: str = "auto",
                 precision: str = "auto") -> None:
    global _WORKER
    import torch

    from .pipeline import Extractor

    torch.set_num_threads(1)  # one core per worker: the workers are the parallelism (ONNX follows it)
    _WORKER = Extractor.load(model, device=device, batch_size=batch_size, backend=backend, precision=precision)


def _run_chunk(docs: list[tuple[str, object]]) -> list[dict]:
    return [r.to_dict() for r in extract_records(_WORKER, docs, len(docs))]


def extract_records(extractor, docs: list[tuple[str, object]], batch_size: int) -> Iterator[Report]:
    """Reports in input order; unreadable inputs get an error record without reaching the model."""
    readable = [(i, d) for i, d in docs if not isinstance(d, InputError)]
    reports = iter(extractor.extract_many(readable, batch_size=batch_size))
    for i, d in docs:
        if isinstance(d, InputError):
            yield Report.failed(i, str(d), extractor.versions)
        else:
            yield next(reports)


def extract_to_file(
    inputs: Iterable[str],
    output: str | Path,
    *,
    fmt: str | None = None,
    model: str | None = None,
    device: str | None = None,
    workers: int = 1,
    batch_size: int = 8,
    resume: bool = False,
    progress: bool = True,
    extractor=None,
    stdin=None,
    on_record: Callable[[dict], None] | None = None,
    cross_check: str | Path | None = None,
    backend: str = "auto",
    precision: str = "auto",
) -> Summary:
    """Extract every document ``inputs`` name into ``output``; ``-`` writes JSONL to stdout.

    With ``cross_check``, reports of one organ in consecutive years are checked against each
    other at the end, and the warnings (naming both reports) are written there as JSONL.
    """
    fmt = format_for(output, fmt)
    to_stdout = str(output) == "-"
    skip = done_ids(output, fmt) if resume and not to_stdout else set()
    summary = Summary()
    docs: Iterator[Document] = iter_documents(inputs, stdin=stdin)

    def pending() -> Iterator[tuple[str, object]]:
        for d in docs:
            if d.id in skip:
                summary.skipped += 1
                continue
            yield d.id, d.data

    bar = None
    if progress:
        from tqdm import tqdm

        bar = tqdm(unit="doc", file=sys.stderr, dynamic_ncols=True)

    checker = None
    if cross_check is not None:
        from .crosscheck import CrossChecker

        checker = CrossChecker()

    def emit(writer: Writer, record: dict) -> None:
        summary.total += 1
        if checker is not None:
            checker.add(record)
        if record.get("error"):
            summary.failed += 1
        writer.write(record)
        if on_record is not None:
            on_record(record)
        if bar is not None:
            bar.update(1)
            bar.set_postfix(failed=summary.failed, refresh=False)

    stream = sys.stdout if to_stdout else None
    try:
        with Writer(output, fmt, append=bool(resume and skip), stream=stream) as writer:
            items = pending()
            if workers <= 1:
                if extractor is None:
                    from .pipeline import Extractor

                    extractor = Extractor.load(model, device=device, batch_size=batch_size, backend=backend,
                                               precision=precision)
                while chunk := list(islice(items, batch_size)):
                    for rep in extract_records(extractor, chunk, batch_size):
                        emit(writer, rep.to_dict())
            else:
                import multiprocessing as mp

                ctx = mp.get_context("spawn")  # no forked torch state
                with ctx.Pool(workers, initializer=_init_worker,
                              initargs=(model, device, batch_size, backend, precision)) as pool:
                    window = workers * 4
                    while chunks := [c for c in (list(islice(items, batch_size)) for _ in range(window)) if c]:
                        for records in pool.imap(_run_chunk, chunks):
                            for rec in records:
                                emit(writer, rec)
    finally:
        if bar is not None:
            bar.close()
    if checker is not None:
        warnings = checker.warnings()
        summary.cross_warnings = len(warnings)
        with Writer(cross_check, "jsonl") as w:
            for x in warnings:
                w.write(x)
    return summary
