"""Tagged entities: what the tagger (or a caller's own tagger, or gold annotations) hands to
the assembler. Offsets are into the *normalised* text; the assembler maps them back."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Entity:
    label: str
    start: int
    end: int
    text: str
    score: float = 1.0


def entities_from_source_spans(norm, spans: Iterable) -> list[Entity]:
    """Entities in normalised text from spans in source offsets (``.start``, ``.end``,
    ``.label``, e.g. gold annotations), trimmed of whitespace the mapping brings along.

    A span whose source characters were all removed by normalisation (a lone ruby, a
    zero-width space) maps to nothing and is dropped.
    """
    out: list[Entity] = []
    for s in spans:
        a, b = norm.from_source(s.start, s.end)
        while a < b and norm.text[a].isspace():
            a += 1
        while b > a and norm.text[b - 1].isspace():
            b -= 1
        if a < b:
            out.append(Entity(s.label, a, b, norm.text[a:b], getattr(s, "score", 1.0)))
    out.sort(key=lambda e: (e.start, e.end))
    return out
