"""Bulk extraction on Ray Data: the same inputs and records as :mod:`.bulk`, spread over a Ray
cluster (or a local Ray), with one :class:`~.pipeline.Extractor` — one model load — per actor.

The driver expands the arguments into files as the local engine does; Ray Data reads them
with the local engine's readers (:mod:`.inputs`: text, HTML, PDF, JSONL and Parquet files of
reports) into documents and hands them, a batch at a
time, to a fixed pool of extraction actors (Ray fuses the two stages into the actors); the
records stream back in input order to the driver, which writes them with the local engine's
:class:`~.outputs.Writer`, so both engines write the same file. Ray's own readers are not
used because one unreadable file or malformed line fails a whole Ray read; here it becomes
that input's error record, as it does locally.

Ray is imported inside the functions: ``import gongkai.inference.ray_engine`` never needs it.
"""

from __future__ import annotations

import io
import json
import logging
import os
import sys
from collections.abc import Iterable, Iterator
from dataclasses import asdict
from itertools import islice
from pathlib import Path

from gongkai.model.backends import BATCH_SIZE, Backend

from .bulk import Summary, extract_records
from .inputs import Document, InputError, expand_input, iter_documents
from .outputs import Writer, format_for

_CHUNK = 256  # documents per block the readers emit: a big JSONL file must not become one block


def _ray():
    try:
        import ray
        import ray.data  # noqa: F401 — the Data library is the extra's point
    except ImportError:
        raise ImportError("the Ray engine needs Ray Data: pip install 'gongkai[ray]'") from None
    return ray


def _sources(inputs: Iterable[str], stdin=None) -> list[dict]:
    """One row per file to read, in the local engine's order. A name matching nothing is kept as
    it is, so that reading it yields its error record; ``-`` carries stdin's bytes."""
    rows = []
    for arg in inputs:
        if arg == "-":
            stream = stdin if stdin is not None else sys.stdin.buffer
            rows.append({"arg": "-", "stdin": stream.read()})
            continue
        paths = expand_input(arg)
        rows.extend({"arg": str(p), "stdin": None} for p in (paths if paths is not None else [arg]))
    return rows


def _documents_table(docs: list[Document]):
    """Documents as an Arrow table; text (JSONL, Parquet) and bytes (files) stay apart so the
    extractor decodes each exactly as the local engine does."""
    import pyarrow as pa

    def col(kind):
        return [d.data if isinstance(d.data, kind) else None for d in docs]

    return pa.table(
        {
            "id": pa.array([d.id for d in docs], pa.large_string()),
            "text": pa.array(col(str), pa.large_string()),
            "raw": pa.array(col(bytes), pa.large_binary()),
            "error": pa.array(
                [str(d.data) if isinstance(d.data, InputError) else None for d in docs], pa.large_string()
            ),
            # A PDF's page map (offsets → pages), for the page of each cell in its record.
            "pages": pa.array(
                [json.dumps(asdict(d.pages)) if d.pages is not None else None for d in docs], pa.large_string()
            ),
        }
    )


def _read_sources(batch) -> Iterator:
    """Ray task: source rows → document tables, in order, a bounded chunk at a time."""
    for src in batch.to_pylist():
        stdin = io.BytesIO(src["stdin"]) if src["stdin"] is not None else None
        docs = iter_documents([src["arg"]], stdin=stdin)
        while chunk := list(islice(docs, _CHUNK)):
            yield _documents_table(chunk)


class _ExtractActor:
    """Ray actor: loads the model once, then turns document batches into record batches."""

    def __init__(self, extractor, model, device, batch_size, backend, threads, debug=None):
        import torch

        from .pipeline import Extractor

        torch.set_num_threads(threads)  # the actors are the parallelism (ONNX follows it)
        self.batch_size = batch_size
        self.extractor = (
            extractor
            if extractor is not None
            else Extractor.load(model, device=device, batch_size=batch_size, backend=backend, debug=debug)
        )

    def __call__(self, batch):
        import pyarrow as pa

        from .pdf import PageMap

        rows = batch.to_pylist()
        docs = [
            (
                r["id"],
                InputError(r["error"]) if r["error"] is not None else r["text"] if r["text"] is not None else r["raw"],
            )
            for r in rows
        ]
        records = [rep.to_dict() for rep in extract_records(self.extractor, docs, self.batch_size)]
        for rec, row in zip(records, rows):
            if row.get("pages"):
                PageMap(**json.loads(row["pages"])).annotate(rec)
        # Records travel as JSON: their nested shape varies, which Arrow schemas do not.
        return pa.table(
            {
                "id": pa.array([r["id"] for r in records], pa.large_string()),
                "error": pa.array([r["error"] for r in records], pa.large_string()),
                "record": pa.array([json.dumps(r, ensure_ascii=False) for r in records], pa.large_string()),
            }
        )


def records_dataset(
    inputs: Iterable[str],
    *,
    model: str | None = None,
    device: str | None = None,
    backend: str = Backend.AUTO,
    batch_size: int = BATCH_SIZE,
    num_actors: int = 1,
    num_cpus: float = 1,
    num_gpus: float = 0,
    extractor=None,
    stdin=None,
    debug: bool | None = None,
):
    """A lazy Ray Dataset of one row per input document, in input order: ``id``, ``error``
    and ``record`` (the record of ``gongkai extract`` as a JSON string).

    ``num_actors`` actors each reserve ``num_cpus`` CPUs (and as many torch threads) and
    ``num_gpus`` GPUs, and each loads the model once — or holds a copy of ``extractor``, any
    :class:`~.pipeline.Extractor`. Ray must be initialised (``ray.init``) before it runs.
    Input paths, and ``model``, must be readable at the same path on every node.
    """
    ray = _ray()
    from ray.data import ActorPoolStrategy

    sources = _sources(inputs, stdin)
    ds = ray.data.from_items(sources)
    if not sources:
        return ds
    ds = ds.map_batches(_read_sources, batch_size=1, batch_format="pyarrow")
    ds = ds.map_batches(
        _ExtractActor,
        batch_size=batch_size,
        batch_format="pyarrow",
        compute=ActorPoolStrategy(size=num_actors),
        num_cpus=num_cpus,
        num_gpus=num_gpus,
        fn_constructor_kwargs={
            "extractor": extractor,
            "model": model,
            "device": device,
            "batch_size": batch_size,
            "backend": backend,
            "threads": max(1, int(num_cpus)),
            "debug": debug,
        },
    )
    ds.context.execution_options.preserve_order = True  # input order, as the local engine writes
    return ds


def extract_dataset(
    inputs: Iterable[str],
    output: str | Path,
    *,
    fmt: str | None = None,
    address: str | None = None,
    progress: bool = True,
    **options,
) -> Summary:
    """Extract every document ``inputs`` name into ``output`` on Ray, like
    :func:`.bulk.extract_to_file`: one record per input, in input order, the same file
    (``-`` writes JSONL to stdout).

    ``address`` names a running Ray cluster (``auto``, ``ray://head:10001``); without it an
    initialised Ray is used, else a local one is started for the call and stopped after.
    ``options`` are those of :func:`records_dataset` (``model``, ``num_actors`` …). Raises
    :class:`RayEngineError` when Ray cannot be reached or the actors cannot start.
    """
    ray = _ray()
    fmt = format_for(output, fmt)  # a bad format fails before Ray starts
    model = options.get("model")
    local = not (address or ray.is_initialized() or os.environ.get("RAY_ADDRESS"))
    if local and model is not None and not (Path(model) / "config.json").is_file():
        # A local Ray reads the model where we do: say so now, not after every actor failed to start.
        raise FileNotFoundError(f"no model at {model}")
    started = _connect(ray, address)
    summary = Summary()
    bar = None
    if progress:
        from tqdm import tqdm

        bar = tqdm(unit="doc", file=sys.stderr, dynamic_ncols=True)
    try:
        ds = records_dataset(inputs, **options)
        # Our bar counts documents and failures, as the local engine's does; Ray's would garble it.
        ds.context.enable_progress_bars = False
        logging.getLogger("ray.data._internal.progress").setLevel(logging.ERROR)  # "bars disabled"
        with Writer(output, fmt, stream=sys.stdout if str(output) == "-" else None) as writer:
            for row in ds.iter_rows():
                summary.total += 1
                summary.failed += row["error"] is not None
                writer.write(json.loads(row["record"]))
                if bar is not None:
                    bar.update(1)
                    bar.set_postfix(failed=summary.failed, refresh=False)
    except ray.exceptions.RayActorError as exc:
        if not exc.actor_init_failed:
            raise
        # Ray reports the actor's traceback; its last line is the error (no model at …).
        cause = exc.error_msg.strip().splitlines()[-1]
        raise RayEngineError(f"the extraction actors could not start: {cause}") from None
    finally:
        if bar is not None:
            bar.close()
        if started:
            ray.shutdown()
    return summary


class RayEngineError(RuntimeError):
    """Ray could not run the extraction: no cluster at the address, or actors that cannot start."""


def _connect(ray, address: str | None) -> bool:
    """Join the cluster at ``address``, or start a local Ray; False when one is already joined."""
    if ray.is_initialized():
        return False
    # Worker output stays out of the driver's stdout, which may be the JSONL output.
    kwargs = {"address": address} if address else {"include_dashboard": False}
    try:
        ray.init(**kwargs, log_to_driver=False, logging_level="WARNING")
    except (ConnectionError, RuntimeError, ValueError) as exc:
        raise RayEngineError(f"cannot start or reach Ray{f' at {address}' if address else ''}: {exc}") from None
    return True
