"""The extraction pipeline: decode/normalise → tag → assemble → reconcile → :class:`Report`.

Stages are plain callables held by :class:`Extractor`, so a caller can swap any of them — a
tagger that returns given spans (tests, users with their own model), another normaliser.
A failure in one document becomes that document's ``error``; it never stops a batch.
"""

from __future__ import annotations

import time
import traceback
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import islice
from typing import Any, Protocol

from gongkai.model.backends import Backend, Precision
from gongkai.model.record_schema import RecordStatus

from .assemble import Assembly, assemble
from .entities import Entity, entities_from_source_spans
from .html import looks_like_html
from .normalise import normalise
from .reconcile import reconcile
from .report import Report


class Tagger(Protocol):
    """Tags a batch of normalised documents: one entity list (normalised offsets) per document."""

    def __call__(self, docs: Sequence[Any], ids: Sequence[str]) -> list[list[Entity]]: ...


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


def build_report(id: str, norm, asm: Assembly, checks: list, versions: dict[str, str]) -> Report:
    src = norm.source
    rep = Report(id=id, year=asm.year, organ=asm.organ, versions=versions, warnings=list(asm.notes),
                 empty=not norm.text.strip())
    rep.sections = [
        {"key": s.key, "number": s.number, "title": s.title, "start": s.start, "end": s.end}
        for s in asm.sections
    ]
    for name, t in asm.tables.items():
        rep.tables[name] = t.data.to_schema()
        prov: dict[str, dict[str, dict[str, Any]]] = {}
        for (row, fld), s in t.sources.items():
            a, b = norm.to_source(s.start, s.end)
            cell = t.data.cells[row, fld]
            entry = {"start": a, "end": b, "text": src[a:b], "confidence": round(float(s.score), 4)}
            if cell.repaired_from is not None:
                entry["repaired_from"] = cell.repaired_from
            elif cell.damaged:  # read from damaged print (OCR letters, '00') and no check confirmed it
                entry["damaged"] = True
            if cell.segmented_from is not None:  # a piece of a glued run: the run as printed
                entry["segmented_from"] = src[a:b]
            if cell.split_candidates:
                entry["candidates"] = list(cell.split_candidates)
            prov.setdefault(row, {})[fld] = entry
        rep.provenance[name] = prov
    for f in asm.figures:
        a, b = norm.to_source(f.start, f.end)
        rep.figures.append({
            "metric": f.metric, "value": f.value, "unit": f.unit, "approximate": f.approximate,
            "text": src[a:b], "start": a, "end": b,
        })
    rep.checks = [c.to_dict() for c in checks]
    if rep.figures and rep.status == RecordStatus.NOT_A_REPORT:
        rep.warnings.append(f"not a report: {len(rep.figures)} number(s) in its text not reported as figures")
        rep.figures = []
    return rep


class Extractor:
    """Extract reports. ``Extractor.load()`` uses the shipped model; ``Extractor(tagger)``
    takes any :class:`Tagger`."""

    #: Inputs longer than this are refused with an error record: a yearly report is at most a
    #: few hundred thousand characters, and a 50 MB text (a whole site dump) would hold the
    #: batch for many minutes. It counts the characters the model would read — after decoding,
    #: and for HTML after rendering (colspans can multiply a page) — and bytes or text over
    #: four times the limit are refused before decoding. Raise it on the Extractor for
    #: unusual corpora.
    MAX_INPUT_CHARS = 2_000_000

    def __init__(self, tagger: Tagger, *, normaliser: Callable[..., Any] = normalise,
                 model_version: str | None = None, keep_entities: bool = False,
                 max_input_chars: int | None = None):
        self.tagger = tagger
        self.keep_entities = keep_entities
        self.max_input_chars = max_input_chars or self.MAX_INPUT_CHARS
        self.normaliser = normaliser
        self.versions = _versions(model_version)

    @classmethod
    def load(cls, path=None, device: str | None = None, batch_size: int = 8, backend: str = Backend.AUTO,
             precision: str = Precision.AUTO, **kwargs) -> "Extractor":
        from .model_tagger import ModelTagger

        tagger = ModelTagger.load(path, device=device, batch_size=batch_size, backend=backend, precision=precision)
        return cls(tagger, model_version=tagger.version, **kwargs)

    def extract(self, data: str | bytes, id: str = "<input>") -> Report:
        return next(self.extract_many([(id, data)]))

    def extract_many(self, items: Iterable[tuple[str, str | bytes]], batch_size: int = 8) -> Iterator[Report]:
        """Reports for ``(id, text or bytes)`` pairs, streamed in input order, one per input."""
        it = iter(items)
        while batch := list(islice(it, batch_size)):
            yield from self.extract_batch(batch)

    def extract_batch(self, batch: list[tuple[str, str | bytes]],
                      stages: dict[str, float] | None = None) -> list[Report]:
        """One report per ``(id, text or bytes)`` of ``batch``, in order, tagged together. With
        ``stages`` (a benchmark's counters), the seconds of each stage are added to it:
        ``normalise``, ``forward`` (the model, when the tagger counts ``forward_seconds``),
        ``decode`` (the rest of tagging), ``assemble``, ``check`` and ``write`` (building the
        record); and ``chars``, the characters of the decoded sources."""
        reports: dict[int, Report] = {}
        docs: list[tuple[int, str, Any]] = []
        with _timed(stages, "normalise"):
            for k, (id, data) in enumerate(batch):
                if len(data) > self.max_input_chars * 4:
                    unit = "bytes" if isinstance(data, bytes) else "characters"
                    reports[k] = self._too_large(id, f"{len(data):,} {unit} before decoding")
                    continue
                try:
                    norm = self.normaliser(data, name=id)
                except Exception as exc:  # noqa: BLE001 — one bad input must not stop the batch
                    reports[k] = Report.failed(id, f"{type(exc).__name__}: {exc}", self.versions)
                    continue
                html = looks_like_html(norm.source)
                size = len(norm.text) if html else len(norm.source)
                if size > self.max_input_chars:
                    when = "after rendering the HTML" if html else "after decoding"
                    reports[k] = self._too_large(id, f"{size:,} characters {when}")
                    continue
                docs.append((k, id, norm))
        if stages is not None:
            stages["chars"] = stages.get("chars", 0) + sum(len(norm.source) for *_, norm in docs)
        if docs:
            forward = getattr(self.tagger, "forward_seconds", 0.0)
            with _timed(stages, "decode"):
                tagged = self._tag(docs)
            if stages is not None:  # the model's own share of tagging
                forward = getattr(self.tagger, "forward_seconds", 0.0) - forward
                stages["forward"] += forward
                stages["decode"] -= forward
            for (k, id, norm), ents in zip(docs, tagged):
                if isinstance(ents, Exception):
                    reports[k] = Report.failed(id, f"tagging failed: {type(ents).__name__}: {ents}", self.versions)
                    continue
                reports[k] = self._finish(id, norm, ents, stages)
        return [reports[k] for k in range(len(batch))]

    def _too_large(self, id: str, size: str) -> Report:
        return Report.failed(id, f"{id}: input too large ({size}; the limit is {self.max_input_chars:,} "
                                 "characters): is this one report? Split it, or raise Extractor.max_input_chars",
                             self.versions)

    def _tag(self, docs: list[tuple[int, str, Any]]) -> list[list[Entity] | Exception]:
        try:
            return self.tagger([d for _, _, d in docs], [i for _, i, _ in docs])
        except Exception:  # the batch failed as a whole: retry one by one to isolate the culprit
            tagged: list[list[Entity] | Exception] = []
            for _, i, d in docs:
                try:
                    tagged.extend(self.tagger([d], [i]))
                except Exception as exc:  # noqa: BLE001
                    tagged.append(exc)
            return tagged

    def _finish(self, id: str, norm, entities: list[Entity], stages: dict[str, float] | None = None) -> Report:
        try:
            with _timed(stages, "assemble"):
                asm = assemble(norm, entities)
            with _timed(stages, "check"):
                checks = reconcile({k: t.data for k, t in asm.tables.items()}, asm.figures)
            with _timed(stages, "write"):
                report = build_report(id, norm, asm, checks, self.versions)
                if self.keep_entities:
                    report.entities = []
                    for e in entities:
                        a, b = norm.to_source(e.start, e.end)
                        report.entities.append({"label": e.label, "start": a, "end": b, "score": round(e.score, 4)})
            return report
        except Exception as exc:  # noqa: BLE001
            detail = "".join(traceback.format_exception_only(type(exc), exc)).strip()
            return Report.failed(id, f"assembly failed: {detail}", self.versions)
