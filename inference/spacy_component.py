"""gongkai as a spaCy pipeline component::

    import spacy

    nlp = spacy.blank("zh")                  # character tokens: every tag aligns with them
    nlp.add_pipe("gongkai")                  # or add_pipe("gongkai", config={"model": "my-model/"})
    doc = nlp(open("report.txt", encoding="utf-8").read())
    [(e.label_, e.start_char, e.end_char, e.text) for e in doc.ents]
    doc._.gongkai["tables"]["applications"]["rows"]["new_received"]["total"]

The component runs the whole extraction on ``doc.text`` (normalise → tag → assemble →
reconcile) and sets

- ``doc.ents``: the tagged entities (``SECTION``, ``CELL``, ``FIG_VALUE`` …), each at exactly
  the characters the tagger marked, where those characters start and end tokens;
- ``doc.spans["gongkai"]``: every tagged entity; one that does not align with the tokens (a
  word tokenizer that glues ``本年新收`` to the number after it) is widened to the tokens
  around it (``alignment_mode="expand"``) and listed here only, not in ``doc.ents``;
- ``doc._.gongkai``: the extracted report (``Report.to_dict()``, offsets into ``doc.text``),
  with ``entities`` holding every entity's exact character offsets and score.

Since the tagger reads characters, ``spacy.blank("zh")`` (its default ``char`` segmenter)
aligns every entity. ``doc.ents`` is replaced, so put this component before any other that
sets entities, or read ``doc.spans["gongkai"]``. ``nlp.pipe(texts, batch_size=N)`` tags N
documents with one call of the tagger. A document's report id is ``doc.user_data["id"]``
when set.

The component is registered with spaCy through the ``spacy_factories`` entry point, so
``add_pipe("gongkai")`` works without importing gongkai. spaCy is a training extra, not an
extraction need: this module imports spaCy only when spaCy asks it for the factory
(``make_gongkai``) or a component is made, so importing ``gongkai.inference`` never does.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from itertools import islice
from typing import Any

from gongkai.model.backends import BATCH_SIZE, Backend

FACTORY = "gongkai"
#: The component's settings (``nlp.add_pipe("gongkai", config={...})``): a model directory
#: (None: the shipped model), the device, the backend (see ``gongkai extract --backend``) and
#: how many documents go to the tagger at once.
DEFAULT_CONFIG: dict[str, Any] = {"model": None, "device": None, "backend": "auto", "batch_size": 8}


class GongkaiComponent:
    """Extract each Doc's report and set its entities (see the module docstring)."""

    def __init__(
        self,
        nlp: Any = None,
        name: str = FACTORY,
        *,
        model: str | None = None,
        device: str | None = None,
        backend: str = Backend.AUTO,
        batch_size: int = BATCH_SIZE,
        extractor: Any = None,
    ):
        _register_extension()
        if extractor is None:
            from .pipeline import Extractor

            extractor = Extractor.load(model, device=device, batch_size=batch_size, backend=backend, keep_entities=True)
        extractor.keep_entities = True  # the entities are what the Doc gets
        self.name = name
        self.extractor = extractor
        self.batch_size = batch_size
        self._count = 0

    def __call__(self, doc):
        return next(self.pipe([doc], batch_size=1))

    def pipe(self, docs: Iterable, batch_size: int | None = None) -> Iterator:
        """The docs, in order, each batch of ``batch_size`` extracted together (one tagger call)."""
        it = iter(docs)
        while batch := list(islice(it, batch_size or self.batch_size)):
            reports = self.extractor.extract_batch([(self._id(doc), doc.text) for doc in batch])
            for doc, report in zip(batch, reports):
                set_annotations(doc, report.to_dict(), self.name)
            yield from batch

    def _id(self, doc) -> str:
        self._count += 1
        return str(doc.user_data.get("id", f"doc-{self._count}"))


def set_annotations(doc, report: dict[str, Any], key: str = FACTORY) -> None:
    """Put ``report`` (offsets into ``doc.text``) on ``doc``: ``doc.ents``, ``doc.spans[key]``
    and ``doc._.gongkai``."""
    from spacy.tokens import SpanGroup

    aligned, spans = [], []
    for e in report.get("entities") or []:
        span = doc.char_span(e["start"], e["end"], label=e["label"])
        if span is not None:
            aligned.append(span)
        else:
            span = doc.char_span(e["start"], e["end"], label=e["label"], alignment_mode="expand")
        if span is not None:
            spans.append(span)
    doc.ents = aligned  # the tagger's entities never overlap
    doc.spans[key] = SpanGroup(doc, name=key, spans=spans)
    doc._.gongkai = report


def _register_extension() -> None:
    from spacy.tokens import Doc

    if not Doc.has_extension("gongkai"):
        Doc.set_extension("gongkai", default=None)


_FACTORY = None


def _factory():
    """Register the ``gongkai`` factory with spaCy (once) and return it."""
    global _FACTORY
    if _FACTORY is None:
        from spacy.language import Language

        _register_extension()

        def make_gongkai(
            nlp, name: str, model: str | None, device: str | None, backend: str, batch_size: int
        ) -> GongkaiComponent:
            return GongkaiComponent(nlp, name, model=model, device=device, backend=backend, batch_size=batch_size)

        _FACTORY = Language.factory(
            FACTORY, default_config=DEFAULT_CONFIG, assigns=["doc.ents", "doc.spans", "doc._.gongkai"]
        )(make_gongkai)
    return _FACTORY


def __getattr__(name: str):
    # The entry point names ``make_gongkai``: looking it up registers the factory, so that the
    # import alone (as gongkai.inference's own tests do) loads no spaCy.
    if name == "make_gongkai":
        return _factory()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
