"""Table cells a report states in its narrative: ``制定规范性文件5件`` states the documents
issued, ``现行有效的规范性文件16件`` those in force (the sentence patterns are
:data:`~gongkai.model.template.NARRATIVE_CELLS`). They decide between the readings of a
glued run that the table's rules leave open (``5416`` is 5 | 4 | 16); they never change a
number printed in the table.

>>> t = "我局制定规范性文件5件,现行有效的规范性文件16件。"
>>> hints = narrative_cells(t, [], "active_disclosure", "2021")
>>> {k: sorted(v) for k, v in hints.items()}
{('normative_documents', 'issued'): [5], ('normative_documents', 'in_force'): [16]}
>>> hints["normative_documents", "in_force"][16]
'现行有效的规范性文件16件'
"""

from __future__ import annotations

import re
from functools import cache

from gongkai.model import template as T
from gongkai.model.labels import TABLE_LABELS

from .entities import Entity

Key = tuple[str, str]

#: Entities of a printed table: a match that overlaps one is the table, not the narrative.


@cache
def _patterns(table: str, version: str) -> tuple[tuple[Key, re.Pattern], ...]:
    out = []
    for nc in T.NARRATIVE_CELLS:
        if nc.table != table or version not in nc.versions:
            continue
        for row, objects in nc.rows:
            names = "|".join(map(re.escape, objects))
            for p in nc.patterns:
                out.append(((row, nc.field), re.compile(p.replace("{object}", f"(?:{names})"))))
    return tuple(out)


def narrative_cells(text: str, entities: list[Entity], table: str, version: str) -> dict[Key, dict[int, str]]:
    """Per cell of ``table`` (template ``version``), the values the narrative states for it,
    each with the words that state it; matches inside the printed table are left out."""
    spans = sorted((e.start, e.end) for e in entities if e.label in TABLE_LABELS)
    out: dict[Key, dict[int, str]] = {}
    for key, pattern in _patterns(table, version):
        for m in pattern.finditer(text):
            a, b = m.span()
            if any(x < b and a < y for x, y in spans):
                continue
            out.setdefault(key, {}).setdefault(int(m["value"]), m.group())
    return out
