"""Label-preserving damage augmentation of annotated reports.

Gold annotations are few; each can be copied with the damage the synthetic generator
applies (OCR confusions, boilerplate, duplicated lines, collapsed whitespace, ``?`` for
spaces, rubies, …), moving its spans with the text so the labels stay exact.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Iterator

from .corpus import Record, Span
from .synth.damage import DAMAGE_KINDS, damage

#: Damage that changes what the model sees after normalisation (traditional script and
#: full-width digits normalise away, but are cheap and keep the normaliser honest).
AUGMENT_KINDS = tuple(k for k in DAMAGE_KINDS if k != "dropped_chars")


def augment(record: Record, rng: random.Random, kinds: Iterable[str] | None = None) -> Record:
    """A damaged copy of ``record`` whose spans still cover the same words.

    >>> r = Record("a", "规章 | 0 | 0 |", [Span(0, 2, "ROW_LABEL"), Span(5, 6, "CELL")])
    >>> c = augment(r, random.Random(1), ["fullwidth_digits"])
    >>> c.text, [c.text[s.start:s.end] for s in c.spans]
    ('规章 | ０ | ０ |', ['规章', '０'])
    """
    if kinds is None:
        kinds = [k for k in AUGMENT_KINDS if rng.random() < 0.35]
    spans = [[s.start, s.end, s.label, {}] for s in sorted(record.spans)]
    text, done = damage(record.text, spans, rng, list(kinds), chrome=[], glue="")
    meta = {**record.meta, "augmented_from": record.id, "damage": done}
    return Record(record.id, text, [Span(s[0], s[1], s[2]) for s in spans], meta)


def augmented(records: Iterable[Record], copies: int, seed: int = 0) -> Iterator[Record]:
    """Each record as it is, then ``copies`` damaged copies of it (ids suffixed ``~k``)."""
    rng = random.Random(seed)
    for r in records:
        yield r
        for k in range(copies):
            c = augment(r, rng)
            c.id = f"{r.id}~{k + 1}"
            yield c
