"""Benchmark extraction: reports/s, characters/s, peak memory and the time in each stage.

The stages are those of :class:`~gongkai.inference.pipeline.Extractor` — ``normalise``
(decoding included), tagging split into ``forward`` (the model itself) and ``decode``
(windowing, stitching, Viterbi, spans), ``assemble``, ``check`` (reconciliation) and
``write`` (building the record and writing it out) — timed by the extractor itself
(:meth:`~gongkai.inference.pipeline.Extractor.extract_batch` with ``stages``), so the records
are the extractor's own.
``other %`` is the share of the wall time spent outside the model forward.

Each backend runs in a fresh process by default, so its peak RSS is its own (model,
runtime and all) rather than the high-water mark of whatever ran before it in this one.
"""

from __future__ import annotations

import resource
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from .outputs import Writer

STAGES = ("normalise", "forward", "decode", "assemble", "check", "write")


@dataclass
class BenchResult:
    """One backend's run over a corpus."""

    backend: str
    reports: int = 0
    failed: int = 0
    chars: int = 0
    seconds: float = 0.0
    load_seconds: float = 0.0
    stages: dict[str, float] = field(default_factory=lambda: dict.fromkeys(STAGES, 0.0))
    peak_rss_mb: float = 0.0

    @property
    def reports_per_second(self) -> float:
        return self.reports / self.seconds if self.seconds else 0.0

    @property
    def chars_per_second(self) -> float:
        return self.chars / self.seconds if self.seconds else 0.0

    @property
    def other_share(self) -> float:
        """The fraction of the timed run spent outside the model forward."""
        return 1 - self.stages["forward"] / self.seconds if self.seconds else 0.0

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "reports_per_second": round(self.reports_per_second, 3),
                "chars_per_second": round(self.chars_per_second, 1), "other_share": round(self.other_share, 4),
                "stages": {k: round(v, 4) for k, v in self.stages.items()},
                "seconds": round(self.seconds, 4), "load_seconds": round(self.load_seconds, 4)}


def peak_rss_mb() -> float:
    """This process's peak resident set size so far, in MiB."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1 << 20) if sys.platform == "darwin" else peak / 1024  # bytes on macOS, KiB on Linux


def run_stages(extractor, items: Sequence[tuple[str, str | bytes]], writer: Writer, *, batch_size: int = 8,
               result: BenchResult | None = None) -> BenchResult:
    """Extract ``items`` with ``extractor`` batch by batch, timing each stage; write the records."""
    result = result or BenchResult(backend=getattr(extractor.tagger, "backend", type(extractor.tagger).__name__))
    clock = time.perf_counter
    begun = clock()
    for i in range(0, len(items), batch_size):
        batch = items[i:i + batch_size]
        reports = extractor.extract_batch(batch, stages=result.stages)
        result.chars += int(result.stages.pop("chars", 0))  # a count the extractor adds, not a stage
        t = clock()
        for report in reports:
            record = report.to_dict()
            writer.write(record)
            result.reports += 1
            result.failed += bool(record.get("error"))
        result.stages["write"] += clock() - t
    result.seconds += clock() - begun
    return result


def bench_backend(items: Sequence[tuple[str, str | bytes]], *, model: str | None = None, backend: str = "auto",
                  device: str | None = None, batch_size: int = 8, fmt: str = "jsonl",
                  output: str | Path | None = None, warmup: int = 1) -> BenchResult:
    """Load the model once, run ``warmup`` items untimed (lazy initialisation), then time ``items``.

    Records go to ``output`` in ``fmt`` (default: a temporary file, deleted afterwards).
    """
    from .pipeline import Extractor

    started = time.perf_counter()
    extractor = Extractor.load(model, device=device, batch_size=batch_size, backend=backend)
    load_seconds = time.perf_counter() - started
    result = BenchResult(backend=extractor.tagger.backend, load_seconds=load_seconds)
    with tempfile.TemporaryDirectory(prefix="gongkai-bench-") as tmp:
        if warmup:
            with Writer(Path(tmp) / f"warmup.{fmt}", fmt) as w:
                run_stages(extractor, list(items[:warmup]), w, batch_size=batch_size)
        with Writer(output or Path(tmp) / f"records.{fmt}", fmt) as w:
            run_stages(extractor, items, w, batch_size=batch_size, result=result)
    result.peak_rss_mb = round(peak_rss_mb(), 1)
    return result


def _bench_in_child(kwargs: dict[str, Any]) -> dict[str, Any]:
    return bench_backend(**kwargs).to_dict()


def compare(items: Sequence[tuple[str, str | bytes]], backends: Sequence[str] = ("auto",), *,
            isolate: bool = True, **kwargs: Any) -> list[dict[str, Any]]:
    """:func:`bench_backend` for each backend, each in a fresh process when ``isolate``; the
    results as dicts (:meth:`BenchResult.to_dict`) with ``requested`` (the backend as asked)."""
    if not items:
        raise ValueError("nothing to benchmark: the corpus has no documents")
    out = []
    for backend in backends:
        args = {**kwargs, "items": list(items), "backend": backend}
        if isolate:
            import multiprocessing as mp
            from concurrent.futures import ProcessPoolExecutor

            # spawn: a clean process that inherits no loaded model or allocator high-water mark.
            with ProcessPoolExecutor(1, mp_context=mp.get_context("spawn")) as pool:
                row = pool.submit(_bench_in_child, args).result()
        else:
            row = bench_backend(**args).to_dict()
        out.append({"requested": backend, **row})
    return out


def format_table(rows: Sequence[dict[str, Any]]) -> str:
    """A plain-text table of :func:`compare`'s results, one line per backend.

    >>> r = BenchResult("torch", reports=4, chars=8000, seconds=2.0, peak_rss_mb=512.0)
    >>> r.stages["forward"] = 1.5
    >>> print(format_table([{"requested": "torch", **r.to_dict()}]))  # doctest: +NORMALIZE_WHITESPACE
    backend   reports/s  chars/s  peak MiB  load s  other %  normalise s  forward s  decode s  assemble s  check s  write s
    torch          2.00     4000     512.0    0.00     25.0         0.00       1.50      0.00        0.00     0.00     0.00
    """
    head = f"{'backend':<10}{'reports/s':>10}{'chars/s':>9}{'peak MiB':>10}{'load s':>8}{'other %':>9}" + "".join(
        f"{s + ' s':>{max(8, len(s) + 4)}}" for s in STAGES)
    lines = [head]
    for r in rows:
        lines.append(f"{r['backend']:<10}{r['reports_per_second']:>10.2f}{r['chars_per_second']:>9.0f}"
                     f"{r['peak_rss_mb']:>10.1f}{r['load_seconds']:>8.2f}{100 * r['other_share']:>9.1f}"
                     + "".join(f"{r['stages'][s]:>{max(8, len(s) + 4)}.2f}" for s in STAGES))
    return "\n".join(lines)
