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
from .sections import section_key, snap_to_line, split_heading
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


# A year the text states (2023年, 2023年度), not as part of a full date (2024年1月5日).
_STATED_YEAR = re.compile(r"(?<!\d)((?:19[89]|20\d)\d)年(?!\d{1,2}月)")


def stated_year(text: str) -> int | None:
    """The year a report's text states most often outside full dates: the reporting year
    when the tagger marked none (reports name their year again and again; the publication
    date is a full date).

    >>> stated_year("2023年,本中心……2023年度……于2024年1月5日发布……2023年全年")
    2023
    """
    return _year([], text)


def _year(entities: list[Entity], text: str = "") -> int | None:
    """The tagged reporting year, weighed against how often the text states each year: a
    tagged mention counts three times, any other statement of a year once."""
    tagged = [int(m.group(1)) for e in entities if e.label == "YEAR" for m in [_YEAR.search(e.text)] if m]
    stated = [int(m.group(1)) for m in _STATED_YEAR.finditer(text)]
    votes = Counter(stated)
    for y in tagged:
        votes[y] += 3
    if not votes:
        return None
    top = max(votes.values())
    return next(y for y in (*tagged, *stated) if votes[y] == top)  # the first on a tie


def _organ(entities: list[Entity]) -> str | None:
    names = [e.text.strip() for e in entities if e.label == "ORGAN" and e.text.strip()]
    if not names:
        return None
    counts = Counter(names)
    top = max(counts.values())
    return next(n for n in names if counts[n] == top)


def assemble(norm, entities: list[Entity]) -> Assembly:
    entities = sorted(entities, key=lambda e: (e.start, e.end))
    year = _year(entities, norm.text)
    sections: list[SectionHit] = []
    for e in entities:
        if e.label != "SECTION":
            continue
        a, b = snap_to_line(norm.text, e.start, e.end)
        number, title = split_heading(norm.text[a:b])
        s, t = norm.to_source(a, b)
        sections.append(SectionHit(section_key(number, title), number, title, s, t))
    tables = assemble_tables(entities, norm.text, year=year)
    figures = assemble_figures(norm.text, entities)
    notes = [n for t in tables.values() for n in t.notes]
    return Assembly(year, _organ(entities), sections, tables, figures, notes)
