"""The tagger's table entities made whole before assembly: a numeric ROW_LABEL is a cell,
a cell covers its whole printed number, a label broken in two inside one printed cell is one
label, and rows that PDF text extraction moved are put back in label-then-values order.
"""

from __future__ import annotations

import re

from gongkai.model import template as T
from gongkai.model.labels import VALUE_LABELS, Label

from .converted import tidy_converted
from .entities import Entity
from .labelmatch import Candidate, best_match, header_candidates, label_candidates
from .numbers import OCR_DIGITS

# A row label is never a bare number: one that is (``3`` tagged ROW_LABEL) is a cell.
_NUMERIC = re.compile(r"[?\s]*[+\-\u2212]?\d+(?:\.\d+)?[?\s]*")
_DIGITS = "0123456789"
#: What separates two printed cells (a space inside a label is damage, not a separator).
_CELL_BREAK = re.compile(r"[|\n\t]")


def relabel_numeric_labels(entities: list[Entity], text: str = "") -> list[Entity]:
    """A ROW_LABEL that is only a number is a CELL: no template row label is a number — unless
    it is a list number, a ``.`` or ``、`` after it (``### 8.属于行政查询事项`` tagged ``[8].[属于…]``):
    then it is the label's own number, and no value.

    >>> relabel_numeric_labels([Entity("ROW_LABEL", 0, 1, "3")])[0].label
    'CELL'
    >>> relabel_numeric_labels([Entity("ROW_LABEL", 0, 4, "1.重复")])[0].label
    'ROW_LABEL'
    >>> relabel_numeric_labels([Entity("ROW_LABEL", 4, 5, "8")], "### 8.属于行政查询事项")
    []
    """
    out = []
    for e in entities:
        if e.label == Label.ROW_LABEL and _NUMERIC.fullmatch(e.text):
            if (
                text[e.end : e.end + 1] in (".", "、", "．")
                and text[e.end + 1 : e.end + 2] not in ("", " ")
                and not text[e.end + 1].isdigit()
            ):
                continue
            e = Entity(Label.CELL, e.start, e.end, e.text, e.score)
        out.append(e)
    return out


#: What ends a printed cell after its number.
_AFTER_CELL = " \t\n|?\u3000"
#: A printed number with a thousands separator, OCR letters or a full stop after it (``1,250``,
#: ``11B``, ``125.``): one number, whatever pieces the tagger cut it into.
_PRINTED = re.compile(r"[+\-\u2212]?(?:\d{1,3}(?:,\d{3})+|[\dA-Za-z]+)(?:\.[\dA-Za-z]+)?\.?")


def _printed_number_end(text: str, a: int) -> int | None:
    """The end of the printed number starting at ``a`` when it is more than digits — a
    thousands separator, OCR letters (:data:`~.numbers.OCR_DIGITS`) or a full stop after it —
    and a cell break follows; else ``None`` (plain digits are left to the tagger's pieces,
    which mark where glued cells meet).

    >>> t = "| 1,250 | 11B | 125. | 3,4 | 12 |"
    >>> [_printed_number_end(t, t.index(x)) for x in ("1,250", "11B", "125.", "3,4", "12 ")]
    [7, 13, 20, None, None]
    """
    m = _PRINTED.match(text, a)
    if not m or not re.search(r"\d", m.group()) or m.group().isdigit():
        return None
    if m.end() < len(text) and text[m.end()] not in _AFTER_CELL:
        return None
    if any(ch.isalpha() and ch not in OCR_DIGITS for ch in m.group()):
        return None
    return m.end()


_YEAR = re.compile(r"(?:19|20)\d\d")


def widen_cells(entities: list[Entity], text: str) -> list[Entity]:
    """Each CELL widened over the untagged digits next to it and a sign just before it: a
    cell is a whole printed number, so ``-12`` tagged ``12`` or ``382`` tagged ``38`` are the
    tagger stopping short. Characters another entity holds are never taken — except the pieces
    of one printed number the tagger cut apart (cells ``1`` + ``250`` of ``1,250``; ``12`` + a
    label ``5.`` of ``125.``, ``11`` + a label ``B`` of ``11B``), which become one cell.

    A year glued after a table's last cell opens the next sentence and is not taken.

    >>> t = "行政许可 | -12 | 382 |"
    >>> [e.text for e in widen_cells([Entity("CELL", 8, 10, "12"), Entity("CELL", 13, 15, "38")], t)]
    ['-12', '382']
    >>> [e.text for e in widen_cells([Entity("CELL", 7, 8, "0")], "行政事业性收费02025年,我局")]
    ['0']
    """
    if not text:
        return entities
    out: list[Entity] = []
    ordered = sorted(entities, key=lambda e: (e.start, e.end))
    absorbed_to = -1
    for k, e in enumerate(ordered):
        if e.end <= absorbed_to:
            continue  # a piece of the printed number the cell before took whole
        if e.label != Label.CELL:
            out.append(e)
            continue
        lo = out[-1].end if out else 0
        hi = ordered[k + 1].start if k + 1 < len(ordered) else len(text)
        a, b = e.start, e.end
        while a > lo and text[a - 1] in _DIGITS:
            a -= 1
        if a > lo and text[a - 1] in "+-\u2212" and (a - 1 == lo or not text[a - 2].isalnum()):
            a -= 1
        while b < hi and (text[b] in _DIGITS or (text[b] == "." and b + 1 < hi and text[b + 1] in _DIGITS)):
            b += 1
        if b - 4 >= e.end and text[b : b + 1] == "年" and _YEAR.fullmatch(text, b - 4, b):
            b -= 4  # the year the next sentence opens with, glued on: 收费0|2025年,我局…
        whole = _printed_number_end(text, a)
        inside = [x for x in ordered[k + 1 :] if x.start < (whole or 0)]
        # Other CELLs inside are cells the tagger saw (glued ``00000O0``), unless a thousands
        # separator joins them; a label piece (``5.``, ``B``) is the number's own tail.
        if (
            whole is not None
            and whole >= b
            and all(x.end <= whole for x in inside)
            and ("," in text[a:whole] or all(x.label != Label.CELL for x in inside))
        ):
            b, absorbed_to = whole, whole
        out.append(e if (a, b) == (e.start, e.end) else Entity(Label.CELL, a, b, text[a:b], e.score))
    return out


def _ocr_tails_as_cells(ordered: list[Entity], text: str) -> list[Entity]:
    """A label that is only the OCR letters ending a printed number whose digits the tagger left
    untagged (``| 11B |`` read as O ``11`` + ROW_LABEL ``B``) is that number's cell: without
    it the row's cells would move up one column.

    >>> t = "结转数量 | 11B | 0 |"
    >>> [(e.label, e.text) for e in _ocr_tails_as_cells([Entity("ROW_LABEL", 0, 4, "结转数量"),
    ...     Entity("ROW_LABEL", 9, 10, "B"), Entity("CELL", 13, 14, "0")], t)]
    [('ROW_LABEL', '结转数量'), ('CELL', '11B'), ('CELL', '0')]
    """
    out: list[Entity] = []
    for e in ordered:
        a = e.start
        if e.label != Label.CELL and e.text and all(ch.isalpha() and ch in OCR_DIGITS for ch in e.text):
            lo = out[-1].end if out else 0
            while a > lo and text[a - 1] in _DIGITS:
                a -= 1
        if a < e.start and _printed_number_end(text, a) == e.end:
            e = Entity(Label.CELL, a, e.end, text[a : e.end], e.score)
        out.append(e)
    return out


def _is_row_not_header(text: str) -> bool:
    return best_match(text, label_candidates()) is not None and best_match(text, header_candidates()) is None


def join_label_pieces(entities: list[Entity], text: str) -> list[Entity]:
    """A label the tagger broke in two inside one printed cell is one label: a ROW_LABEL or
    COL_HEADER piece a few characters after a ROW_LABEL, with no cell separator between,
    joins it when the joined text is a row label and the two are not both row labels on
    their own (``政府集中`` + ``采购``, ``三、`` + `` 本 `` + ``年度办理结果``; but
    ``(三)不予公开 1.属于国家秘密`` stays two). Header pieces that together (or alone) read as a
    row label and as no column header are that row label.

    >>> t = "政府集中采购 | 382 |"
    >>> [(e.label, e.text) for e in join_label_pieces(
    ...     [Entity("ROW_LABEL", 0, 4, "政府集中"), Entity("COL_HEADER", 4, 6, "采购")], t)]
    [('ROW_LABEL', '政府集中采购')]
    >>> [(e.label, e.text) for e in join_label_pieces(
    ...     [Entity("COL_HEADER", 0, 4, "政府集中"), Entity("COL_HEADER", 4, 6, "采购")], t)]
    [('ROW_LABEL', '政府集中采购')]
    """
    out: list[Entity] = []
    for e in sorted(entities, key=lambda e: (e.start, e.end)):
        prev = out[-1] if out else None
        if (
            text
            and prev is not None
            and prev.label in (Label.ROW_LABEL, Label.COL_HEADER)
            and e.label in (Label.ROW_LABEL, Label.COL_HEADER)
            and 0 <= e.start - prev.end <= 3
            and not _CELL_BREAK.search(text[prev.end : e.start])
        ):
            joined = text[prev.start : e.end]
            if prev.label == Label.ROW_LABEL:
                alone = (
                    e.label == Label.ROW_LABEL
                    and best_match(e.text, label_candidates()) is not None
                    and best_match(prev.text, label_candidates()) is not None
                )
                ok = not alone and best_match(joined, label_candidates()) is not None
            else:
                ok = best_match(prev.text, header_candidates()) is None and _is_row_not_header(joined)
            if ok:
                out[-1] = Entity(Label.ROW_LABEL, prev.start, e.end, joined, min(prev.score, e.score))
                continue
        if e.label == Label.COL_HEADER and text and _is_row_not_header(e.text):
            e = Entity(Label.ROW_LABEL, e.start, e.end, e.text, e.score)
        out.append(e)
    return out


_BREAKS = (Label.SECTION, Label.TABLE_TITLE, Label.COL_HEADER)


def _row_match(text: str) -> Candidate | None:
    m = best_match(text, label_candidates())
    return m.candidate if m is not None else None


def _joins(head: Entity, tail: Entity) -> Entity | None:
    """``head`` + ``tail`` as one label, when they are the halves of one: the joined text
    matches a row at least as well as either half, and no half matches another row."""
    joined = Entity(Label.ROW_LABEL, head.start, tail.end, head.text + tail.text, min(head.score, tail.score))
    whole = best_match(joined.text, label_candidates())
    if whole is None:
        return None
    for half in (head, tail):
        m = best_match(half.text, label_candidates())
        if m is not None and (m.candidate.key != whole.candidate.key or m.score > whole.score):
            return None
    return joined


def unshift_rows(entities: list[Entity]) -> list[Entity]:
    """Rows that PDF text extraction moved put back in label-then-values order.

    Text sorted by vertical position prints a table with vertically centred cells in two
    ways that reading order cannot follow:

    - a label wrapped over two lines with its numbers on the line between the halves
      (``5.要求行政机关确认`` / ``0 0 0`` / ``或重新出具已获取信息``): the joined label
      (see :func:`_joins`) takes the numbers;
    - every row's numbers printed before its label: a stretch of rows (between headers,
      titles and sections) that starts with numbers before any label and leaves none after
      its last label. Each row label then takes the numbers since the previous label; a
      label that opens the next label's group (``(六)其他处理`` of the 2021 form) passes
      them on, and a group-only label (``(三)不予公开``) takes none.

    >>> e = [Entity("COL_HEADER", 0, 2, "总计"), Entity("CELL", 3, 4, "5"), Entity("ROW_LABEL", 5, 7, "规章"),
    ...      Entity("CELL", 8, 9, "7"), Entity("ROW_LABEL", 10, 15, "规范性文件")]
    >>> [x.text for x in unshift_rows(e)]
    ['总计', '规章', '5', '规范性文件', '7']
    """
    units = _rejoin_wrapped_labels(entities)
    out: list[Entity] = []
    start = 0
    for end in [i for i, u in enumerate(units) if u[0].label in _BREAKS] + [len(units)]:
        out.extend(_values_after_labels(units[start:end]))
        start = end
    return out


def _rejoin_wrapped_labels(entities: list[Entity]) -> list[list[Entity]]:
    """The entities as units: a label wrapped around its numbers (``5.要求行政机关确认`` / ``0 0 0`` /
    ``或重新出具已获取信息``) joined, with the values it owns; every other entity alone."""
    units: list[list[Entity]] = []
    k, n = 0, len(entities)
    while k < n:
        e = entities[k]
        if e.label == Label.ROW_LABEL:
            j = k + 1
            while j < n and entities[j].label in VALUE_LABELS:
                j += 1
            joined = _joins(e, entities[j]) if k + 1 < j < n and entities[j].label == Label.ROW_LABEL else None
            if joined is not None:
                units.append([joined, *entities[k + 1 : j]])
                k = j + 1
                continue
        units.append([e])
        k += 1
    return units


def _loose_value(unit: list[Entity]) -> bool:
    return len(unit) == 1 and unit[0].label in VALUE_LABELS


def _values_after_labels(run: list[list[Entity]]) -> list[Entity]:
    """One stretch of units between headers, titles and sections, its entities in order — with
    each row's numbers moved after its label when the stretch prints every row's numbers before
    it (numbers before any label, none after the last)."""
    bare = [i for i, u in enumerate(run) if len(u) == 1 and u[0].label == Label.ROW_LABEL]
    first = next((i for i, u in enumerate(run) if _loose_value(u)), None)
    if not bare or first is None or first > bare[0] or any(_loose_value(u) for u in run[bare[-1] :]):
        return [e for u in run for e in u]
    out: list[Entity] = []
    loose: list[Entity] = []
    for i, u in enumerate(run):
        if _loose_value(u):
            loose.append(u[0])
            continue
        out.extend(u)
        c = _row_match(u[0].text) if len(u) == 1 and u[0].label == Label.ROW_LABEL else None
        if c is None or c.key not in T.row_keys_of(c.table):
            continue
        nxt = run[i + 1][0] if i + 1 < len(run) else None
        m = _row_match(nxt.text) if nxt is not None and nxt.label == Label.ROW_LABEL else None
        if m is None or m.group != c.key:  # a label opening the next label's group passes them on
            out.extend(loose)
            loose = []
    out.extend(loose)
    return out


def clean_table_entities(entities: list[Entity], text: str = "") -> list[Entity]:
    """The tagger's table entities made whole (see :func:`_ocr_tails_as_cells`,
    :func:`~.converted.tidy_converted`, :func:`relabel_numeric_labels`, :func:`widen_cells`,
    :func:`join_label_pieces`)."""
    # A lone OCR tail first: label repairs would join it to the row label before it.
    entities = tidy_converted(_ocr_tails_as_cells(sorted(entities, key=lambda e: (e.start, e.end)), text), text)
    return join_label_pieces(widen_cells(relabel_numeric_labels(entities, text), text), text)
