"""The extraction pipeline: normalise → tag → assemble → reconcile → :class:`Report`.

The four stages are plain callables held by :class:`Extractor` (:class:`NormaliseStage`,
:class:`TagStage`, :class:`AssembleStage`, :class:`ReconcileStage`), so a caller can swap any of
them — a tagger that returns given spans (:class:`SpanTagger`: tests, users with their own
model), another normaliser, an assembler or checks of their own. A failure in one document
becomes that document's ``error``, naming the stage (``assemble failed: KeyError: …``); it
never stops a batch. In debug mode (``Extractor(debug=True)``, ``GONGKAI_DEBUG=1`` or
``gongkai extract --raise``) the first failure is raised instead, with its traceback.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import islice
from typing import Any, Protocol

from gongkai.model.backends import BATCH_SIZE, Backend, Precision
from gongkai.model.record_schema import RecordStatus

from .assemble import Assembly, assemble
from .cells import TableData
from .entities import Entity, entities_from_source_spans
from .html import RenderedTooLarge, looks_like_html
from .normalise import Normalised, normalise
from .reconcile import Check, reconcile
from .report import Report

log = logging.getLogger(__name__)

#: The environment variable that turns debug mode on (``GONGKAI_DEBUG=1``).
DEBUG_ENV = "GONGKAI_DEBUG"


def debug_mode() -> bool:
    """Whether ``GONGKAI_DEBUG`` asks for debug mode (set, and not ``0``, ``false`` or ``no``)."""
    return os.environ.get(DEBUG_ENV, "").strip().lower() not in ("", "0", "false", "no")


class NormaliseStage(Protocol):
    """Text or bytes (``name`` for errors) → :class:`~.normalise.Normalised`: the text the tagger
    reads and the map back to the source."""

    def __call__(self, data: str | bytes, *, name: str) -> Normalised: ...


class TagStage(Protocol):
    """Tags a batch of normalised documents: one entity list (normalised offsets) per document."""

    def __call__(self, docs: Sequence[Normalised], ids: Sequence[str]) -> list[list[Entity]]: ...


class AssembleStage(Protocol):
    """One document's entities → its :class:`~.assemble.Assembly` (year, organ, sections, tables,
    figures)."""

    def __call__(self, norm: Normalised, entities: list[Entity]) -> Assembly: ...


class ReconcileStage(Protocol):
    """A report's tables and figures → its checks (repairing the cells the rules prove)."""

    def __call__(self, tables: dict[str, TableData], figures: Iterable) -> list[Check]: ...


#: The pipeline's stages in order, as an error names them (``tag failed: …``); ``record`` is the
#: building of the output record.
STAGES = ("normalise", "tag", "assemble", "reconcile", "record")


@dataclass
class SpanTagger:
    """A tagger that returns spans it was given, per document id, in source offsets
    (objects with ``start``, ``end``, ``label``): gold annotations or another model's output."""

    spans: dict[str, Sequence[Any]]

    def __call__(self, docs, ids):
        return [entities_from_source_spans(d, self.spans.get(i, ())) for d, i in zip(docs, ids)]


@contextmanager
def _timed(stages: dict[str, float] | None, name: str):
    """Add the block's wall time to ``stages[name]`` (nothing when ``stages`` is None)."""
    if stages is None:
        yield
        return
    start = time.perf_counter()
    try:
        yield
    finally:
        stages[name] += time.perf_counter() - start


def _versions(model_version: str | None) -> dict[str, str]:
    from gongkai.model import package_version

    out = {"gongkai": package_version()}
    if model_version:
        out["model"] = model_version
    return out


def _provenance(norm: Normalised, source, cell) -> dict[str, Any]:
    """Where a cell was read (source offsets, the text as printed, the tag score) and how."""
    a, b = norm.to_source(source.start, source.end)
    entry: dict[str, Any] = {
        "start": a,
        "end": b,
        "text": norm.source[a:b],
        "confidence": round(float(source.score), 4),
    }
    if cell.repaired_from is not None:
        entry["repaired_from"] = cell.repaired_from
    elif cell.damaged:  # read from damaged print (OCR letters, '00') and no check confirmed it
        entry["damaged"] = True
    if cell.segmented_from is not None:  # a piece of a glued run: the run as printed
        entry["segmented_from"] = norm.source[a:b]
    if cell.split_candidates:
        entry["candidates"] = list(cell.split_candidates)
    return entry


def build_report(id: str, norm: Normalised, asm: Assembly, checks: list[Check], versions: dict[str, str]) -> Report:
    src = norm.source
    rep = Report(
        id=id, year=asm.year, organ=asm.organ, versions=versions, warnings=list(asm.notes), empty=not norm.text.strip()
    )
    rep.sections = [
        {"key": s.key, "number": s.number, "title": s.title, "start": s.start, "end": s.end} for s in asm.sections
    ]
    for name, t in asm.tables.items():
        rep.tables[name] = t.data.to_schema()
        prov: dict[str, dict[str, dict[str, Any]]] = {}
        for (row, fld), s in t.sources.items():
            prov.setdefault(row, {})[fld] = _provenance(norm, s, t.data.cells[row, fld])
        rep.provenance[name] = prov
    for f in asm.figures:
        a, b = norm.to_source(f.start, f.end)
        rep.figures.append(
            {
                "metric": f.metric,
                "value": f.value,
                "unit": f.unit,
                "approximate": f.approximate,
                "text": src[a:b],
                "start": a,
                "end": b,
            }
        )
    rep.checks = [c.to_dict() for c in checks]
    if rep.figures and rep.status == RecordStatus.NOT_A_REPORT:
        rep.warnings.append(f"not a report: {len(rep.figures)} number(s) in its text not reported as figures")
        rep.figures = []
    return rep


class Extractor:
    """Extract reports. ``Extractor.load()`` uses the shipped model; ``Extractor(tag)`` takes any
    :class:`TagStage` (e.g. :class:`SpanTagger`), and ``normalise``, ``assemble`` and
    ``reconcile`` replace the other stages."""

    #: Inputs longer than this are refused with an error record: a yearly report is at most a
    #: few hundred thousand characters, and a 50 MB text (a whole site dump) would hold the
    #: batch for many minutes. It counts the characters the model would read — after decoding,
    #: and for HTML after rendering (colspans can multiply a page) — and bytes or text over
    #: four times the limit are refused before decoding. Raise it on the Extractor for
    #: unusual corpora.
    MAX_INPUT_CHARS = 2_000_000

    def __init__(
        self,
        tag: TagStage,
        *,
        normalise: NormaliseStage = normalise,
        assemble: AssembleStage = assemble,
        reconcile: ReconcileStage = reconcile,
        model_version: str | None = None,
        keep_entities: bool = False,
        max_input_chars: int | None = None,
        debug: bool | None = None,
    ):
        self.normalise = normalise
        self.tag = tag
        self.assemble = assemble
        self.reconcile = reconcile
        self.keep_entities = keep_entities
        self.max_input_chars = max_input_chars or self.MAX_INPUT_CHARS
        #: Raise a stage's exception instead of recording it (default: :func:`debug_mode`).
        self.debug = debug_mode() if debug is None else debug
        self.versions = _versions(model_version)

    @classmethod
    def load(
        cls,
        path=None,
        device: str | None = None,
        batch_size: int = BATCH_SIZE,
        backend: str = Backend.AUTO,
        precision: str = Precision.AUTO,
        **kwargs,
    ) -> Extractor:
        from .model_tagger import ModelTagger

        tag = ModelTagger.load(path, device=device, batch_size=batch_size, backend=backend, precision=precision)
        return cls(tag, model_version=tag.version, **kwargs)

    def extract(self, data: str | bytes, id: str = "<input>") -> Report:
        return next(self.extract_many([(id, data)]))

    def extract_many(self, items: Iterable[tuple[str, str | bytes]], batch_size: int = BATCH_SIZE) -> Iterator[Report]:
        """Reports for ``(id, text or bytes)`` pairs, streamed in input order, one per input."""
        it = iter(items)
        while batch := list(islice(it, batch_size)):
            yield from self.extract_batch(batch)

    def extract_batch(
        self, batch: list[tuple[str, str | bytes]], stages: dict[str, float] | None = None
    ) -> list[Report]:
        """One report per ``(id, text or bytes)`` of ``batch``, in order, tagged together. With
        ``stages`` (a benchmark's counters), the seconds of each stage are added to it:
        ``normalise``, ``forward`` (the model, when the tagger counts ``forward_seconds``),
        ``decode`` (the rest of tagging), ``assemble``, ``check`` and ``write`` (building the
        record); and ``chars``, the characters of the decoded sources."""
        reports: dict[int, Report] = {}
        with _timed(stages, "normalise"):
            docs = self._normalise_all(batch, reports)
        if stages is not None:
            stages["chars"] = stages.get("chars", 0) + sum(len(norm.source) for *_, norm in docs)
        if docs:
            forward = getattr(self.tag, "forward_seconds", 0.0)
            with _timed(stages, "decode"):
                tagged = self._tag(docs)
            if stages is not None:  # the model's own share of tagging
                forward = getattr(self.tag, "forward_seconds", 0.0) - forward
                stages["forward"] += forward
                stages["decode"] -= forward
            for (k, id, norm), ents in zip(docs, tagged):
                if isinstance(ents, Exception):
                    reports[k] = self._failed(id, "tag", ents)
                    continue
                reports[k] = self._finish(id, norm, ents, stages)
        return [reports[k] for k in range(len(batch))]

    def _normalise_all(
        self, batch: list[tuple[str, str | bytes]], reports: dict[int, Report]
    ) -> list[tuple[int, str, Normalised]]:
        """The batch's documents normalised, with their place in it; an input refused (too large)
        or failing gets its report in ``reports`` instead."""
        docs: list[tuple[int, str, Normalised]] = []
        for k, (id, data) in enumerate(batch):
            if len(data) > self.max_input_chars * 4:
                unit = "bytes" if isinstance(data, bytes) else "characters"
                reports[k] = self._too_large(id, f"{len(data):,} {unit} before decoding")
                continue
            try:
                if self.normalise is normalise:  # a span bomb is stopped while rendering, not after
                    norm = normalise(data, name=id, max_rendered=self.max_input_chars)
                else:
                    norm = self.normalise(data, name=id)
            except RenderedTooLarge as exc:
                reports[k] = self._too_large(id, str(exc))
                continue
            except Exception as exc:  # noqa: BLE001 — one bad input must not stop the batch
                reports[k] = self._failed(id, "normalise", exc)
                continue
            html = looks_like_html(norm.source)
            size = len(norm.text) if html else len(norm.source)
            if size > self.max_input_chars:
                when = "after rendering the HTML" if html else "after decoding"
                reports[k] = self._too_large(id, f"{size:,} characters {when}")
                continue
            docs.append((k, id, norm))
        return docs

    def _failed(self, id: str, stage: str, exc: Exception) -> Report:
        """The error record of a document a stage failed on; in debug mode, the exception raised."""
        if self.debug:
            raise exc
        log.debug("%s: the %s stage failed", id, stage, exc_info=exc)
        return Report.failed(id, f"{stage} failed: {type(exc).__name__}: {exc}", self.versions)

    def _too_large(self, id: str, size: str) -> Report:
        return Report.failed(
            id,
            f"{id}: input too large ({size}; the limit is {self.max_input_chars:,} "
            "characters): is this one report? Split it, or raise Extractor.max_input_chars",
            self.versions,
        )

    def _tag(self, docs: list[tuple[int, str, Normalised]]) -> list[list[Entity] | Exception]:
        try:
            return self.tag([d for _, _, d in docs], [i for _, i, _ in docs])
        except Exception:  # the batch failed as a whole: retry one by one to isolate the culprit
            if self.debug and len(docs) == 1:
                raise
            tagged: list[list[Entity] | Exception] = []
            for _, i, d in docs:
                try:
                    tagged.extend(self.tag([d], [i]))
                except Exception as exc:  # noqa: BLE001
                    tagged.append(exc)
            return tagged

    def _finish(
        self, id: str, norm: Normalised, entities: list[Entity], stages: dict[str, float] | None = None
    ) -> Report:
        stage = "assemble"
        try:
            with _timed(stages, "assemble"):
                asm = self.assemble(norm, entities)
            stage = "reconcile"
            with _timed(stages, "check"):
                checks = self.reconcile({k: t.data for k, t in asm.tables.items()}, asm.figures)
            stage = "record"
            with _timed(stages, "write"):
                report = build_report(id, norm, asm, checks, self.versions)
                if self.keep_entities:
                    report.entities = [_source_entity(norm, e) for e in entities]
            return report
        except Exception as exc:  # noqa: BLE001 — one document's failure is its own record
            return self._failed(id, stage, exc)


def _source_entity(norm: Normalised, e: Entity) -> dict[str, Any]:
    a, b = norm.to_source(e.start, e.end)
    return {"label": e.label, "start": a, "end": b, "score": round(e.score, 4)}
