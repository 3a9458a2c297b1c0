"""Benchmark extraction: reports/s, characters/s, peak memory, CPU time and the time in each stage.

The stages are those of :class:`~gongkai.inference.pipeline.Extractor` — ``normalise``
(decoding included), tagging split into ``forward`` (the model itself) and ``decode``
(windowing, stitching, Viterbi, spans), ``assemble``, ``check`` (reconciliation) and
``write`` (building the record and writing it out) — timed by the extractor itself
(:meth:`~gongkai.inference.pipeline.Extractor.extract_batch` with ``stages``), so the records
are the extractor's own.
``other %`` is the share of the wall time spent outside the model forward.

Each setting runs in a fresh process by default, so its peak RSS is its own (model,
runtime and all) rather than the high-water mark of whatever ran before it in this one. On a
machine shared with other work, wall times move with the load: :func:`compare` runs the settings
interleaved ``repeat`` times, and each run also reports its CPU seconds and the load average.
Every run's records are hashed, so a table also says whether a setting wrote exactly the
records the first one did.
"""

from __future__ import annotations

import hashlib
import json
import os
import resource
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from gongkai.model.backends import BATCH_SIZE, Backend, Precision

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
    cpu_seconds: float = 0.0
    load_seconds: float = 0.0
    stages: dict[str, float] = field(default_factory=lambda: dict.fromkeys(STAGES, 0.0))
    peak_rss_mb: float = 0.0
    #: Share of the positions the model ran that were padding.
    padding: float = 0.0
    #: The 1-minute load average before and after the timed run.
    load_average: tuple[float, float] = (0.0, 0.0)
    #: SHA-256 over the records written, in order, confidences aside: equal digests, the same
    #: extraction.
    records_digest: str = ""

    @property
    def reports_per_second(self) -> float:
        return self.reports / self.seconds if self.seconds else 0.0

    @property
    def chars_per_second(self) -> float:
        return self.chars / self.seconds if self.seconds else 0.0

    @property
    def reports_per_cpu_second(self) -> float:
        """Reports per CPU second: what one core does, little moved by other load on the machine
        (with one thread; more threads also count their waiting)."""
        return self.reports / self.cpu_seconds if self.cpu_seconds else 0.0

    @property
    def other_share(self) -> float:
        """The fraction of the timed run spent outside the model forward."""
        return 1 - self.stages["forward"] / self.seconds if self.seconds else 0.0

    def to_dict(self) -> dict[str, Any]:
        return {
            **asdict(self),
            "reports_per_second": round(self.reports_per_second, 3),
            "reports_per_cpu_second": round(self.reports_per_cpu_second, 3),
            "chars_per_second": round(self.chars_per_second, 1),
            "other_share": round(self.other_share, 4),
            "stages": {k: round(v, 4) for k, v in self.stages.items()},
            "seconds": round(self.seconds, 4),
            "cpu_seconds": round(self.cpu_seconds, 4),
            "load_seconds": round(self.load_seconds, 4),
            "padding": round(self.padding, 4),
        }


def without_confidence(value):
    """A record with every ``confidence`` left out: a float that moves with any change of
    arithmetic (another backend's rounding) while the extraction stays the same.

    >>> without_confidence({"a": [{"confidence": 0.9, "text": "5"}], "confidence": 1})
    {'a': [{'text': '5'}]}
    """
    if isinstance(value, dict):
        return {k: without_confidence(v) for k, v in value.items() if k != "confidence"}
    if isinstance(value, list):
        return [without_confidence(v) for v in value]
    return value


def peak_rss_mb() -> float:
    """This process's peak resident set size so far, in MiB."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1 << 20) if sys.platform == "darwin" else peak / 1024  # bytes on macOS, KiB on Linux


def run_stages(
    extractor,
    items: Sequence[tuple[str, str | bytes]],
    writer: Writer,
    *,
    batch_size: int = BATCH_SIZE,
    result: BenchResult | None = None,
) -> BenchResult:
    """Extract ``items`` with ``extractor`` batch by batch, timing each stage; write the records."""
    result = result or BenchResult(backend=getattr(extractor.tag, "backend", type(extractor.tag).__name__))
    clock = time.perf_counter
    digest = hashlib.sha256(result.records_digest.encode())
    begun, cpu = clock(), time.process_time()
    for i in range(0, len(items), batch_size):
        batch = items[i : i + batch_size]
        reports = extractor.extract_batch(batch, stages=result.stages)
        result.chars += int(result.stages.pop("chars", 0))  # a count the extractor adds, not a stage
        t = clock()
        for report in reports:
            record = report.to_dict()
            writer.write(record)
            result.reports += 1
            result.failed += bool(record.get("error"))
        result.stages["write"] += clock() - t
        t = clock()
        for report in reports:  # not timed: the comparison of settings, not extraction
            digest.update(json.dumps(without_confidence(report.to_dict()), sort_keys=True, ensure_ascii=False).encode())
        begun += clock() - t
    result.seconds += clock() - begun
    result.cpu_seconds += time.process_time() - cpu
    result.records_digest = digest.hexdigest()
    return result


def bench_backend(
    items: Sequence[tuple[str, str | bytes]],
    *,
    model: str | None = None,
    backend: str = Backend.AUTO,
    precision: str = Precision.AUTO,
    device: str | None = None,
    batch_size: int = BATCH_SIZE,
    fmt: str = "jsonl",
    output: str | Path | None = None,
    warmup: int = 1,
    threads: int | None = None,
) -> BenchResult:
    """Load the model once, run ``warmup`` items untimed (lazy initialisation), then time ``items``.

    Records go to ``output`` in ``fmt`` (default: a temporary file, deleted afterwards). ``threads``:
    torch's (and ONNX Runtime's) threads, as a ``--workers`` process sets one.
    """
    from .pipeline import Extractor

    if threads:
        import torch

        torch.set_num_threads(threads)

    started = time.perf_counter()
    extractor = Extractor.load(model, device=device, batch_size=batch_size, backend=backend, precision=precision)
    load_seconds = time.perf_counter() - started
    result = BenchResult(backend=extractor.tag.backend, load_seconds=load_seconds)
    model = getattr(extractor.tag, "model", None)
    with tempfile.TemporaryDirectory(prefix="gongkai-bench-") as tmp:
        if warmup:
            with Writer(Path(tmp) / f"warmup.{fmt}", fmt) as w:
                run_stages(extractor, list(items[:warmup]), w, batch_size=batch_size)
        positions, padding = getattr(model, "positions", 0), getattr(model, "padding", 0)
        before = os.getloadavg()[0]
        with Writer(output or Path(tmp) / f"records.{fmt}", fmt) as w:
            run_stages(extractor, items, w, batch_size=batch_size, result=result)
        result.load_average = (before, os.getloadavg()[0])
        positions = getattr(model, "positions", 0) - positions
        result.padding = (getattr(model, "padding", 0) - padding) / positions if positions else 0.0
    result.peak_rss_mb = round(peak_rss_mb(), 1)
    return result


def _bench_in_child(kwargs: dict[str, Any]) -> dict[str, Any]:
    return bench_backend(**kwargs).to_dict()


def merge_workers(parts: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """One result for worker processes that ran side by side, each on its share of the corpus:
    counts and CPU seconds add up, the wall time is the slowest worker's, peak RSS the largest
    worker's (each process holds its own model), stages are per-worker means.

    >>> a = BenchResult("torch-fp32", reports=2, chars=10, seconds=2.0, cpu_seconds=1.8, peak_rss_mb=500.0)
    >>> b = BenchResult("torch-fp32", reports=2, chars=12, seconds=3.0, cpu_seconds=2.0, peak_rss_mb=520.0)
    >>> m = merge_workers([a.to_dict(), b.to_dict()])
    >>> m["reports"], m["seconds"], m["cpu_seconds"], m["peak_rss_mb"], m["reports_per_second"], m["workers"]
    (4, 3.0, 3.8, 520.0, 1.333, 2)
    """
    merged = BenchResult(
        parts[0]["backend"],
        reports=sum(p["reports"] for p in parts),
        failed=sum(p["failed"] for p in parts),
        chars=sum(p["chars"] for p in parts),
        seconds=max(p["seconds"] for p in parts),
        cpu_seconds=sum(p["cpu_seconds"] for p in parts),
        load_seconds=max(p["load_seconds"] for p in parts),
        stages={k: sum(p["stages"][k] for p in parts) / len(parts) for k in STAGES},
        peak_rss_mb=max(p["peak_rss_mb"] for p in parts),
        padding=sum(p["padding"] for p in parts) / len(parts),
        load_average=(min(p["load_average"][0] for p in parts), max(p["load_average"][1] for p in parts)),
        records_digest=hashlib.sha256("".join(p["records_digest"] for p in parts).encode()).hexdigest(),
    )
    return {**merged.to_dict(), "workers": len(parts)}


def run_setting(args: dict[str, Any], *, isolate: bool = True, workers: int = 1) -> dict[str, Any]:
    """:func:`bench_backend` with ``args`` in a fresh process (``isolate``), or in this one; with
    ``workers`` > 1, in that many processes at once, one thread each, worker ``k`` taking items
    ``k``, ``k + workers`` … as ``gongkai extract --workers`` shares them out."""
    import multiprocessing as mp
    from concurrent.futures import ProcessPoolExecutor

    if workers > 1:
        if not isolate:
            raise ValueError("several workers run in their own processes: they need isolate")
        shards = [{**args, "items": args["items"][k::workers], "threads": 1} for k in range(workers)]
        with ProcessPoolExecutor(workers, mp_context=mp.get_context("spawn")) as pool:
            return merge_workers(list(pool.map(_bench_in_child, shards)))
    if isolate:
        # spawn: a clean process that inherits no loaded model or allocator high-water mark.
        with ProcessPoolExecutor(1, mp_context=mp.get_context("spawn")) as pool:
            return pool.submit(_bench_in_child, args).result()
    return bench_backend(**args).to_dict()


def split_setting(name: str, precision: str = Precision.AUTO) -> tuple[str, str]:
    """``(backend, precision)`` for a setting named on the command line: a backend
    (``--precision`` applies) or ``torch-fp32`` / ``torch-bf16`` / ``torch-bf16-checked``.

    >>> split_setting("torch-bf16"), split_setting("onnx-int8"), split_setting("torch", "fp32")
    (('torch', 'bf16'), ('onnx-int8', 'auto'), ('torch', 'fp32'))
    """
    if name in ("torch-fp32", "torch-bf16", "torch-bf16-checked"):
        return "torch", name.removeprefix("torch-")
    return name, precision


def compare(
    items: Sequence[tuple[str, str | bytes]],
    settings: Sequence[str] = ("auto",),
    *,
    isolate: bool = True,
    repeat: int = 1,
    precision: str = Precision.AUTO,
    workers: int = 1,
    **kwargs: Any,
) -> list[dict[str, Any]]:
    """:func:`bench_backend` for each setting (see :func:`split_setting`), each in a fresh process
    when ``isolate`` (in ``workers`` processes, see :func:`run_setting`); all of them ``repeat``
    times, interleaved. One dict per setting
    (:meth:`BenchResult.to_dict` of its median run by reports/s) with ``requested`` (as asked),
    ``runs`` (every run's reports/s and CPU seconds) and ``same_records`` (whether every run
    wrote the records of the first setting's first run, confidences aside)."""
    if not items:
        raise ValueError("nothing to benchmark: the corpus has no documents")
    runs: dict[str, list[dict[str, Any]]] = {s: [] for s in settings}
    for _ in range(repeat):
        for name in settings:
            backend, prec = split_setting(name, precision)
            args = {**kwargs, "items": list(items), "backend": backend, "precision": prec}
            runs[name].append(run_setting(args, isolate=isolate, workers=workers))
    first = runs[settings[0]][0]["records_digest"]
    out = []
    for name, rows in runs.items():
        ranked = sorted(rows, key=lambda r: r["reports_per_second"])
        out.append(
            {
                "requested": name,
                **ranked[(len(ranked) - 1) // 2],
                "runs": [
                    {
                        k: r[k]
                        for k in (
                            "reports_per_second",
                            "reports_per_cpu_second",
                            "cpu_seconds",
                            "seconds",
                            "load_average",
                        )
                    }
                    for r in rows
                ],
                "same_records": all(r["records_digest"] == first for r in rows),
            }
        )
    return out


def join_documents(
    items: Sequence[tuple[str, str | bytes]],
    min_chars: int,
    count: int | None = None,
) -> list[tuple[str, str]]:
    """Documents of at least ``min_chars`` characters, each consecutive items of ``items`` joined
    by a blank line, walking ``items`` round and round until there are ``count`` of them (by
    default, until each item was used once). Ids join the items' ids with ``+``.

    >>> join_documents([("a", "xx"), ("b", "yyy"), ("c", "z")], 4)
    [('a+b', 'xx\\n\\nyyy'), ('c+a', 'z\\n\\nxx')]
    >>> [i for i, _ in join_documents([("a", "xx"), ("b", "yyy"), ("c", "z")], 4, count=3)]
    ['a+b', 'c+a', 'b+c']
    """
    from .text_decoding import decode_text

    if not items:
        return []
    texts = [(i, d if isinstance(d, str) else decode_text(d, name=i).text) for i, d in items]
    out: list[tuple[str, str]] = []
    k = 0
    while (count is None and k < len(texts)) or (count is not None and len(out) < count):
        ids, parts = [], []
        while sum(map(len, parts)) + 2 * max(0, len(parts) - 1) < min_chars:
            i, text = texts[k % len(texts)]
            ids.append(i)
            parts.append(text)
            k += 1
        out.append(("+".join(ids), "\n\n".join(parts)))
    return out


def format_table(rows: Sequence[dict[str, Any]]) -> str:
    """A plain-text table of :func:`compare`'s results, one line per setting: its median run, the
    range of reports/s over the runs, the CPU seconds of that run, padding, whether its records
    are the first setting's, the load average, and the stages.

    >>> r = BenchResult("torch-fp32", reports=4, chars=8000, seconds=2.0, cpu_seconds=1.9, peak_rss_mb=512.0,
    ...                 load_average=(1.0, 1.5))
    >>> r.stages["forward"] = 1.5
    >>> row = {"requested": "torch", **r.to_dict(), "same_records": True, "runs": [{"reports_per_second": 2.0}]}
    >>> print(format_table([row]))  # doctest: +NORMALIZE_WHITESPACE
    setting  reports/s  range  chars/s  peak MiB  CPU s  per CPU s  pad %  same  load  load s  other %  normalise s  forward s  decode s  assemble s  check s  write s
    torch-fp32  2.00  2.00-2.00  4000  512.0  1.90  2.10  0.0  yes  1.0-1.5  0.00  25.0  0.00  1.50  0.00  0.00  0.00  0.00
    """
    head = (
        f"{'setting':<22}{'reports/s':>10}{'range':>12}{'chars/s':>9}{'peak MiB':>10}{'CPU s':>8}{'per CPU s':>11}"
        f"{'pad %':>7}"
        f"{'same':>6}{'load':>10}{'load s':>8}{'other %':>9}"
        + "".join(f"{s + ' s':>{max(8, len(s) + 4)}}" for s in STAGES)
    )
    lines = [head]
    for r in rows:
        rates = [x["reports_per_second"] for x in r.get("runs", [r])]
        load = r.get("load_average") or (0.0, 0.0)
        label = (
            r["backend"]
            if r["requested"] in (r["backend"], r["backend"].split("-")[0])
            else f"{r['requested']} ({r['backend']})"
        )
        lines.append(
            f"{label:<22}{r['reports_per_second']:>10.2f}{f'{min(rates):.2f}-{max(rates):.2f}':>12}"
            f"{r['chars_per_second']:>9.0f}{r['peak_rss_mb']:>10.1f}{r.get('cpu_seconds', 0):>8.2f}"
            f"{r.get('reports_per_cpu_second', 0):>11.2f}"
            f"{100 * r.get('padding', 0):>7.1f}{'yes' if r.get('same_records', True) else 'NO':>6}"
            f"{f'{load[0]:.1f}-{load[1]:.1f}':>10}{r['load_seconds']:>8.2f}{100 * r['other_share']:>9.1f}"
            + "".join(f"{r['stages'][s]:>{max(8, len(s) + 4)}.2f}" for s in STAGES)
        )
    return "\n".join(lines)
