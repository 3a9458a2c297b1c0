"""Annotation records → model inputs.

A :class:`~gongkai.training.corpus.Record` holds the raw text as the annotator saw it and
spans over it. The tagger reads normalised text, so the text goes through
:func:`gongkai.inference.normalise.normalise` and every span through
``Normalised.from_source``; whitespace at a mapped span's edges is trimmed (a cell's
padding is layout, not its value). The result is one IOB2 tag per normalised character,
then windows of token ids and label ids the size the model reads.

>>> tagged = TaggedText("r", "一、总体情况 0", ["B-SECTION"] + ["I-SECTION"] * 5 + ["O", "B-CELL"])
>>> tagged.spans()
[(0, 6, 'SECTION'), (7, 8, 'CELL')]
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from gongkai.model.labels import LABELS, OUTSIDE, TAG2ID
from gongkai.model.tagger import Prediction, windows
from gongkai.model.tokenizer import encode_chars

from .corpus import Record

#: Label id of positions the loss ignores ([CLS], [SEP], padding).
IGNORE = -100

#: Hook for label-preserving damage augmentation: one gold record in, its variants out
#: (the original included if it should stay). Applied before normalisation.
Augment = Callable[[Record], Iterable[Record]]


class FeatureError(ValueError):
    """A record whose spans cannot become tags; names the record and the spans."""


@dataclass
class TaggedText:
    """A normalised text and one IOB2 tag per character."""

    id: str
    text: str
    tags: list[str]

    def spans(self) -> list[tuple[int, int, str]]:
        """The entities the tags encode, as ``(start, end, LABEL)``."""
        return [(a, b, label) for a, b, label, _ in Prediction(self.tags, [1.0] * len(self.tags)).spans()]


def tag_record(record: Record) -> TaggedText:
    """Normalise a record's text and map its spans onto IOB2 tags of the normalised text.

    A span that normalisation leaves empty (all whitespace, say) is dropped; two spans
    that overlap after mapping are an annotation error and raise :class:`FeatureError`.
    """
    from gongkai.inference.normalise import normalise

    norm = normalise(record.text, name=record.id)
    text = norm.text
    tags = [OUTSIDE] * len(text)
    owner: list[object] = [None] * len(text)
    for span in sorted(record.spans):
        if span.label not in LABELS:
            raise FeatureError(
                f"record {record.id!r}: span {span} has unknown label {span.label!r}; known labels: {', '.join(LABELS)}"
            )
        if not 0 <= span.start <= span.end <= len(record.text):
            raise FeatureError(
                f"record {record.id!r}: span {span} lies outside its text of {len(record.text)} characters"
            )
        start, end = norm.from_source(span.start, span.end)
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        if start == end:
            continue
        clash = next((o for o in owner[start:end] if o is not None), None)
        if clash is not None:
            raise FeatureError(
                f"record {record.id!r}: spans {clash} and {span} overlap "
                f"(on {text[start:end]!r} of the normalised text)"
            )
        tags[start] = f"B-{span.label}"
        tags[start + 1 : end] = [f"I-{span.label}"] * (end - start - 1)
        owner[start:end] = [span] * (end - start)
    return TaggedText(record.id, text, tags)


def tag_records(records: Iterable[Record], augment: Augment | None = None) -> Iterator[TaggedText]:
    """:func:`tag_record` over records, each first expanded by ``augment`` when given."""
    for record in records:
        for r in augment(record) if augment else (record,):
            yield tag_record(r)


def encode_windows(tagged: Iterable[TaggedText], tokenizer, size: int, stride: int) -> dict[str, list[list[int]]]:
    """Cut each text into windows of ``size`` characters every ``stride``, as model inputs.

    Returns columns ``input_ids``, ``attention_mask`` and ``labels`` (``[CLS]``/``[SEP]``
    labelled :data:`IGNORE`), ready for ``datasets.Dataset.from_dict``.
    """
    cols: dict[str, list[list[int]]] = {"input_ids": [], "attention_mask": [], "labels": []}
    cls_id, sep_id = tokenizer.cls_token_id, tokenizer.sep_token_id
    if cls_id is None or sep_id is None:
        raise ValueError(f"tokenizer {tokenizer.name_or_path!r} lacks a [CLS] or [SEP] token")
    for t in tagged:
        if not t.text:
            continue
        ids = encode_chars(tokenizer, t.text)
        labels = [TAG2ID[tag] for tag in t.tags]
        for a, b in windows(len(t.text), size, stride):
            cols["input_ids"].append([cls_id, *ids[a:b], sep_id])
            cols["attention_mask"].append([1] * (b - a + 2))
            cols["labels"].append([IGNORE, *labels[a:b], IGNORE])
    return cols
