"""Tags + the format knowledge → one report's structure: year, organ, sections, tables, figures.

Works on entities in normalised offsets and maps every offset it reports back to the
caller's text through the :class:`~gongkai.inference.normalise.Normalised` map.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from .entities import Entity
from .figures import FigureHit, assemble_figures
from .sections import section_key, split_heading
from .tables import AssembledTable, assemble_tables

_YEAR = re.compile(r"(?<!\d)(19[89]\d|20\d\d)(?!\d)")


@dataclass
class SectionHit:
    key: str | None
    number: str | None
    title: str
    start: int  # source offsets
    end: int


@dataclass
class Assembly:
    year: int | None
    organ: str | None
    sections: list[SectionHit]
    tables: dict[str, AssembledTable]
    figures: list[FigureHit]
    notes: list[str] = field(default_factory=list)


def _year(entities: list[Entity]) -> int | None:
    years = [int(m.group(1)) for e in entities if e.label == "YEAR" for m in [_YEAR.search(e.text)] if m]
    if not years:
        return None
    counts = Counter(years)
    top = max(counts.values())
    return next(y for y in years if counts[y] == top)  # the most stated; the first on a tie


def _organ(entities: list[Entity]) -> str | None:
    names = [e.text.strip() for e in entities if e.label == "ORGAN" and e.text.strip()]
    if not names:
        return None
    counts = Counter(names)
    top = max(counts.values())
    return next(n for n in names if counts[n] == top)


def assemble(norm, entities: list[Entity]) -> Assembly:
    entities = sorted(entities, key=lambda e: (e.start, e.end))
    year = _year(entities)
    sections: list[SectionHit] = []
    for e in entities:
        if e.label != "SECTION":
            continue
        number, title = split_heading(e.text)
        s, t = norm.to_source(e.start, e.end)
        sections.append(SectionHit(section_key(number, title), number, title, s, t))
    tables = assemble_tables(entities, norm.text, year=year)
    figures = assemble_figures(norm.text, entities)
    notes = [n for t in tables.values() for n in t.notes]
    return Assembly(year, _organ(entities), sections, tables, figures, notes)
