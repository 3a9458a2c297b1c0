"""Table entities made whole where OCR and language-model converters restructured a table
(Markdown with invented headers, headings, line breaks inside cells):

- a **generic header** cell (``列3``, ``第3列``; :data:`~gongkai.model.template.GENERIC_COLUMNS`)
  is one COL_HEADER whatever the tagger made of it (``[列][3]`` would give table 4 fifteen
  values nobody printed as values); a generic corner word (``项目``) tagged as a row label
  is a header;
- a label that is only Markdown markup (``###``, ``**``) is no label;
- column headers that open a line of values and name a row (``| 总计 | 26 | … |``) are
  that row's label;
- a row label that OCR broke over two lines (``1.本机关不掌握相关政`` / ``府信息``) is one label
  when the joined words name a row and the second line alone names none.
"""

from __future__ import annotations

import re
from functools import lru_cache

from gongkai.model import template as T
from gongkai.model.labels import VALUE_LABELS, Label

from .entities import Entity
from .labelmatch import clean_label, match_row_label

_LABELS = (Label.ROW_LABEL, Label.COL_HEADER)


@lru_cache(maxsize=1)
def _generic_cell() -> re.Pattern:
    """A cell (between ``|``, tabs or line ends) that holds only a generic column header."""
    names = "|".join(
        re.escape(p).replace(re.escape("{n}"), r"\s?\d{1,2}").replace(re.escape(" "), r"\s?") for p in T.GENERIC_COLUMNS
    )
    return re.compile(rf"(?:^|(?<=[|\t]))[ \u3000]*((?:{names}))[ \u3000]*(?=[|\t]|$)", re.M | re.I)


def generic_headers(entities: list[Entity], text: str) -> list[Entity]:
    """Every cell of ``text`` that holds a generic column header becomes one COL_HEADER (the
    entities inside it are dropped); a row label that is a generic corner word is a COL_HEADER.

    >>> t = "| 项目 | 列1 | 列2 |\\n| 规章 | 3 | 0 |"
    >>> ents = [Entity("ROW_LABEL", 2, 4, "项目"), Entity("COL_HEADER", 7, 8, "列"), Entity("CELL", 8, 9, "1"),
    ...         Entity("ROW_LABEL", 22, 24, "规章"), Entity("CELL", 27, 28, "3")]
    >>> [(e.label, e.text) for e in generic_headers(ents, t)]
    [('COL_HEADER', '项目'), ('COL_HEADER', '列1'), ('COL_HEADER', '列2'), ('ROW_LABEL', '规章'), ('CELL', '3')]
    """
    spans = [m.span(1) for m in _generic_cell().finditer(text)] if text else []
    if spans:
        entities = sorted(
            [e for e in entities if not any(e.start < b and a < e.end for a, b in spans)]
            + [Entity(Label.COL_HEADER, a, b, text[a:b], 1.0) for a, b in spans],
            key=lambda e: (e.start, e.end),
        )
    return [
        Entity(Label.COL_HEADER, e.start, e.end, e.text, e.score)
        if e.label == Label.ROW_LABEL and clean_label(e.text) in T.GENERIC_CORNERS
        else e
        for e in entities
    ]


def drop_markup(entities: list[Entity]) -> list[Entity]:
    """Labels that are only Markdown markup (``###``, ``**``) are no labels.

    >>> [e.text for e in drop_markup([Entity("ROW_LABEL", 0, 3, "###"), Entity("ROW_LABEL", 4, 8, "予以公开")])]
    ['予以公开']
    """
    return [e for e in entities if e.label not in _LABELS or clean_label(e.text)]


def _own_line_end(text: str, e: Entity) -> bool:
    end = text.find("\n", e.end)
    return end >= 0 and not text[e.end : end].strip(" \t\u3000")


def join_broken_labels(entities: list[Entity], text: str) -> list[Entity]:
    r"""A row label that ends its line and the label piece that starts the next line are one
    label when the joined words name a row and the piece alone names none (an OCR line break
    inside the label).

    >>> t = "| 1.本机关不掌握相关政\n府信息 | 0 |"
    >>> ents = [Entity("ROW_LABEL", 2, 13, "1.本机关不掌握相关政"), Entity("ROW_LABEL", 14, 17, "府信息")]
    >>> [e.text for e in join_broken_labels(ents, t)]
    ['1.本机关不掌握相关政\n府信息']
    """
    out: list[Entity] = []
    for e in entities:
        prev = out[-1] if out else None
        if (
            text
            and prev is not None
            and prev.label == Label.ROW_LABEL
            and e.label in _LABELS
            and _own_line_end(text, prev)
            and "\n" in text[prev.end : e.start]
            and not text[prev.end : e.start].replace("\n", "", 1).strip(" \t\u3000")
            and match_row_label(e.text) is None
        ):
            joined = match_row_label(text[prev.start : e.end])
            alone = match_row_label(prev.text)
            if joined is not None and (
                alone is None or (joined.candidate.key == alone.candidate.key and joined.score >= alone.score)
            ):
                out[-1] = Entity(Label.ROW_LABEL, prev.start, e.end, text[prev.start : e.end], min(prev.score, e.score))
                continue
        out.append(e)
    return out


def headers_opening_rows(entities: list[Entity], text: str) -> list[Entity]:
    """The label pieces that open a line of values are that row's label when the first
    cell's words name a row and the tagger made a header of them or a label that names none:
    ``| 总计 | 26 | 1 | … |`` is the total row, not the total column; ``| 行政诉讼(未经复议直接起诉)
    | 0 | … |`` with only ``行政诉讼`` tagged is the row ``litigation_direct``.

    >>> t = "| 自然人 | 总计 |\\n| 总计 | 26 | 26 |"
    >>> ents = [Entity("COL_HEADER", 2, 5, "自然人"), Entity("COL_HEADER", 8, 10, "总计"),
    ...         Entity("COL_HEADER", 15, 17, "总计"), Entity("CELL", 20, 22, "26"), Entity("CELL", 25, 27, "26")]
    >>> [e.label for e in headers_opening_rows(ents, t)]
    ['COL_HEADER', 'COL_HEADER', 'ROW_LABEL', 'CELL', 'CELL']
    """
    if not text:
        return entities
    out: list[Entity] = []
    k = 0
    while k < len(entities):
        e = entities[k]
        line_start = text.rfind("\n", 0, e.start) + 1
        if e.label not in _LABELS or text[line_start : e.start].strip(" |#*\t\u3000"):
            out.append(e)
            k += 1
            continue
        line_end = text.find("\n", e.end)
        line_end = len(text) if line_end < 0 else line_end
        j = k
        while j < len(entities) and entities[j].start < line_end and entities[j].label in _LABELS:
            j += 1
        pieces = entities[k:j]
        values = [x for x in entities[j:] if x.start < line_end]
        label = (
            _row_label(pieces, text, values[0].start)
            if values and all(x.label in VALUE_LABELS for x in values)
            else None
        )
        out.extend([label] if label is not None else pieces)
        k = j
    return out


def _row_label(pieces: list[Entity], text: str, first_value: int) -> Entity | None:
    """The label pieces before ``first_value`` as one row label spanning their cell (up to
    its ``|``), when it names a row, every piece that names one alone names the same row, and
    the tagger did not already give one row label that names a row."""
    a = pieces[0].start
    bar = text.find("|", pieces[-1].end, first_value)
    b = len(text[:bar].rstrip(" \t\u3000*")) if bar >= 0 else pieces[-1].end
    if len(pieces) == 1 and pieces[0].label == Label.ROW_LABEL and match_row_label(pieces[0].text) is not None:
        return None
    whole = match_row_label(text[a:b])
    if whole is None or any(
        (m := match_row_label(p.text)) is not None and m.candidate.key != whole.candidate.key for p in pieces
    ):
        return None
    return Entity(Label.ROW_LABEL, a, b, text[a:b], min(p.score for p in pieces))


def tidy_converted(entities: list[Entity], text: str = "") -> list[Entity]:
    """The steps above, in order."""
    entities = sorted(entities, key=lambda e: (e.start, e.end))
    entities = drop_markup(generic_headers(entities, text))
    return join_broken_labels(headers_opening_rows(entities, text), text)
