"""Table entities (TABLE_TITLE, COL_HEADER, ROW_LABEL, CELL, BLANK) → tables of the templates.

Reading order carries the structure: a ROW_LABEL opens a row and the CELL/BLANK entities after
it are its fields in template order; a label followed at once by another label is a group
label (``(三)不予公开``), which makes the rows of that group preferred for the next labels;
values with no row label after table-4 headers fill table 4's cells in its printed order.
The template version is decided per table from the evidence: rows only one version has,
header words only one version uses, and how many values each row carries.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass, field

from gongkai.model import template as T

from .cells import Cell, TableData
from .entities import Entity
from .labelmatch import Candidate, best_match, header_candidates, label_candidates
from .numbers import NumberError, read_number
from .segment import SegmentError, segment_table

TABLE_LABELS = ("TABLE_TITLE", "COL_HEADER", "ROW_LABEL", "CELL", "BLANK")


@dataclass
class _Row:
    label: Entity
    match: Candidate
    table: str
    #: A label that is a row in one version and a group in the other (``(六)其他处理``):
    #: it is dropped as a row when the next label belongs to its group.
    maybe_group: bool = False


@dataclass
class _Segment:
    """Row labels and the values that follow them: one label with its own values in most
    layouts, several labels and then their values when PDF text detached them."""

    table: str
    rows: list[_Row] = field(default_factory=list)
    values: list[Entity] = field(default_factory=list)


@dataclass
class CellSource:
    """Where a table cell came from: normalised offsets, the text as printed, the tag score."""

    start: int
    end: int
    text: str
    score: float


@dataclass
class AssembledTable:
    data: TableData
    sources: dict[tuple[str, str], CellSource]
    notes: list[str] = field(default_factory=list)


def _group_keys(table: str) -> set[str]:
    return {g.key for t in T.tables_named(table) for g in t.groups}


def _row_keys(table: str) -> set[str]:
    return {r.key for t in T.tables_named(table) for r in t.rows}


def _cell(e: Entity) -> Cell:
    if e.label == "BLANK":
        return Cell(None, text=e.text)
    try:
        r = read_number(e.text)
    except NumberError:
        # Unreadable: keep it visible as damaged, never as a number.
        return Cell(None, text=e.text, damaged=True)
    return Cell(r.value, text=e.text, damaged=r.damaged, candidates=r.candidates)


# A row label is never a bare number: one that is (``3`` tagged ROW_LABEL) is a cell.
_NUMERIC = re.compile(r"[?\s]*[+\-\u2212]?\d+(?:\.\d+)?[?\s]*")
_DIGITS = "0123456789"
#: What separates two printed cells (a space inside a label is damage, not a separator).
_CELL_BREAK = re.compile(r"[|\n\t]")


def relabel_numeric_labels(entities: list[Entity]) -> list[Entity]:
    """A ROW_LABEL that is only a number is a CELL: no template row label is a number.

    >>> relabel_numeric_labels([Entity("ROW_LABEL", 0, 1, "3")])[0].label
    'CELL'
    >>> relabel_numeric_labels([Entity("ROW_LABEL", 0, 4, "1.重复")])[0].label
    'ROW_LABEL'
    """
    return [Entity("CELL", e.start, e.end, e.text, e.score)
            if e.label == "ROW_LABEL" and _NUMERIC.fullmatch(e.text) else e for e in entities]


def widen_cells(entities: list[Entity], text: str) -> list[Entity]:
    """Each CELL widened over the untagged digits next to it and a sign just before it: a
    cell is a whole printed number, so ``-12`` tagged ``12`` or ``382`` tagged ``38`` are the
    tagger stopping short. Characters another entity holds are never taken.

    >>> t = "行政许可 | -12 | 382 |"
    >>> [e.text for e in widen_cells([Entity("CELL", 8, 10, "12"), Entity("CELL", 13, 15, "38")], t)]
    ['-12', '382']
    """
    if not text:
        return entities
    out: list[Entity] = []
    ordered = sorted(entities, key=lambda e: (e.start, e.end))
    for k, e in enumerate(ordered):
        if e.label != "CELL":
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
        out.append(e if (a, b) == (e.start, e.end) else Entity("CELL", a, b, text[a:b], e.score))
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
        if (text and prev is not None and prev.label in ("ROW_LABEL", "COL_HEADER")
                and e.label in ("ROW_LABEL", "COL_HEADER")
                and 0 <= e.start - prev.end <= 3 and not _CELL_BREAK.search(text[prev.end:e.start])):
            joined = text[prev.start:e.end]
            if prev.label == "ROW_LABEL":
                alone = e.label == "ROW_LABEL" and best_match(e.text, label_candidates()) is not None \
                    and best_match(prev.text, label_candidates()) is not None
                ok = not alone and best_match(joined, label_candidates()) is not None
            else:
                ok = best_match(prev.text, header_candidates()) is None and _is_row_not_header(joined)
            if ok:
                out[-1] = Entity("ROW_LABEL", prev.start, e.end, joined, min(prev.score, e.score))
                continue
        if e.label == "COL_HEADER" and text and _is_row_not_header(e.text):
            e = Entity("ROW_LABEL", e.start, e.end, e.text, e.score)
        out.append(e)
    return out


def _is_padding_line(text: str, pos: int) -> bool:
    """Whether the ``|`` at ``pos`` sits on a line of pipes only with two or more of them
    (``||``, ``||||``): padding, never an empty cell."""
    a = text.rfind("\n", 0, pos) + 1
    b = text.find("\n", pos)
    line = text[a:len(text) if b < 0 else b].strip(" ?\t")
    return len(line) >= 2 and set(line) == {"|"}


def printed_cells(text: str, lo: int, hi: int, values: list[Entity], want: int) -> list[Entity] | None:
    r"""The values of ``text[lo:hi]`` read cell by cell, where ``|`` closes each printed cell:
    a cell holding tagged values gives those, an empty one gives a BLANK (its ``|``), the
    first cell when empty is the label's own. Reading stops once ``want`` cells are read
    (later pipes are row padding); ``None`` when the region is not a pipe row, holds
    untagged text in a cell, or has fewer than ``want`` cells.

    >>> t = "规范性文件 |\n|\n|\n|\n|\n"
    >>> [(e.label, e.start) for e in printed_cells(t, 5, len(t), [], 3)]
    [('BLANK', 8), ('BLANK', 10), ('BLANK', 12)]
    >>> t = "0 |\n|\n7 |"
    >>> [e.text for e in printed_cells(t, 0, len(t), [Entity("CELL", 0, 1, "0"), Entity("CELL", 6, 7, "7")], 3)]
    ['0', '|', '7']
    """
    pipes = [i for i in range(lo, hi) if text[i] == "|"]
    if not pipes:
        return None
    tagged_blanks = {v.start: v for v in values if v.label == "BLANK"}
    out: list[Entity] = []
    cells = 0
    start = lo
    for n, end in enumerate([*pipes, hi]):
        if cells == want:
            break
        inside = [v for v in values if v.label != "BLANK" and start <= v.start and v.end <= end]
        rest = "".join(text[a:b] for a, b in zip([start, *(v.end for v in inside)], [*(v.start for v in inside), end]))
        if rest.strip(" ?\t\n\u3000"):
            return None  # untagged text in a cell: not ours to read
        if inside:
            # Pieces with nothing between them are one printed number (``00`` as ``0`` + ``0``).
            if len(inside) > 1 and all(a.end == b.start for a, b in zip(inside, inside[1:])):
                inside = [Entity("CELL", inside[0].start, inside[-1].end, text[inside[0].start:inside[-1].end],
                                 min(v.score for v in inside))]
            out.extend(inside)
            cells += len(inside)
        elif end in tagged_blanks:
            out.append(tagged_blanks[end])
            cells += 1
        elif end < hi and n > 0 and not _is_padding_line(text, end):
            out.append(Entity("BLANK", end, end + 1, "|", 1.0))
            cells += 1
        start = end + 1
    return out if cells == want else None


def _choose_version(table: str, segments: list[_Segment], header_votes: dict[str, float],
                    year: int | None) -> str:
    if table not in T.VERSIONED_TABLES:
        return T.VERSIONS[-1]
    templates = {t.version: t for t in T.tables_named(table)}
    votes = dict(header_votes)
    for seg in segments:
        for r in seg.rows:
            have = [v for v, t in templates.items() if r.match.key in t.row_keys]
            if seg.values and len(have) == 1:
                votes[have[0]] = votes.get(have[0], 0) + 2
        if len(seg.rows) == 1:  # how many values a row carries tells the versions apart
            key = seg.rows[0].match.key
            for v, t in templates.items():
                if key in t.row_keys and len(seg.values) == len(t.row(key).fields):
                    votes[v] = votes.get(v, 0) + 1
    best = max(votes.values(), default=0)
    leaders = [v for v in T.VERSIONS if votes.get(v, 0) == best]
    if len(leaders) == 1:
        return leaders[0]
    # No evidence either way: the template in force for that reporting year.
    return "2019" if year is not None and year < 2021 else "2021"


def _lines(text: str, values: list[Entity]) -> list[list[Entity]]:
    """Values grouped by the text line they sit on."""
    out: list[list[Entity]] = []
    for k, e in enumerate(values):
        if k == 0 or "\n" in text[values[k - 1].end:e.start]:
            out.append([])
        out[-1].append(e)
    return out


def _merge_touching(values: list[Entity], text: str, wanted: int) -> list[Entity]:
    """Values that touch (no separator between them) joined into one, when that leaves exactly
    ``wanted`` values: ``| 125 |`` tagged as ``1`` + ``25`` is one number. Where the count
    already fits (cells genuinely glued, ``6000017``) or joining does not make it fit, the
    values stay as they are."""
    if len(values) <= wanted:
        return values
    merged: list[Entity] = []
    for e in values:
        prev = merged[-1] if merged else None
        if prev is not None and prev.label == e.label == "CELL" and prev.end == e.start:
            merged[-1] = Entity("CELL", prev.start, e.end, text[prev.start:e.end] if text else prev.text + e.text,
                                min(prev.score, e.score))
        else:
            merged.append(e)
    return merged if len(merged) == wanted else values


def _covers(read: list[Entity], values: list[Entity]) -> bool:
    return all(any(r.start <= v.start and v.end <= r.end for r in read) for v in values)


def _read_values(text: str, values: list[Entity], lo: int, hi: int, want: int) -> list[Entity]:
    """One row's (or a flat table's) values: the tagged ones, touching pieces joined when
    that makes the count; read cell by cell off the printed ``|`` grid instead (empty cells
    become BLANKs) when that gives the count and keeps every tagged value, or when the
    tagged ones alone do not fit."""
    merged = _merge_touching(values, text, want)
    read = printed_cells(text, lo, hi, values, want) if text and want else None
    if read is not None and (len(merged) != want or _covers(read, values)):
        return read
    return merged


def _distribute(text: str, rows: list[str], fields: list[int], values: list[Entity],
                region: tuple[int, int] | None = None) -> list[list[Entity]]:
    """Split a segment's values among its rows: one line per row when the lines say so,
    else in reading order, each row taking as many values as it has fields. A single row
    is read off its printed cells in ``region`` (see :func:`_read_values`)."""
    if len(rows) == 1:
        if region is not None:
            return [_read_values(text, values, *region, fields[0])]
        return [_merge_touching(values, text, fields[0])]
    lines = _lines(text, values)
    if len(lines) == len(rows):
        return [_merge_touching(line, text, n) for line, n in zip(lines, fields)]
    values = _merge_touching(values, text, sum(fields))
    out, k = [], 0
    for n in fields:
        out.append(values[k:k + n])
        k += n
    return out


_VALUES = ("CELL", "BLANK")
_BREAKS = ("SECTION", "TABLE_TITLE", "COL_HEADER")


def _row_match(text: str) -> Candidate | None:
    m = best_match(text, label_candidates())
    return m.candidate if m is not None else None


def _joins(head: Entity, tail: Entity) -> Entity | None:
    """``head`` + ``tail`` as one label, when they are the halves of one: the joined text
    matches a row at least as well as either half, and no half matches another row."""
    joined = Entity("ROW_LABEL", head.start, tail.end, head.text + tail.text, min(head.score, tail.score))
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
    units: list[list[Entity]] = []  # a label with the values it already owns, or one entity
    k, n = 0, len(entities)
    while k < n:
        e = entities[k]
        if e.label == "ROW_LABEL":
            j = k + 1
            while j < n and entities[j].label in _VALUES:
                j += 1
            joined = _joins(e, entities[j]) if k + 1 < j < n and entities[j].label == "ROW_LABEL" else None
            if joined is not None:
                units.append([joined, *entities[k + 1:j]])
                k = j + 1
                continue
        units.append([e])
        k += 1

    def loose_value(u: list[Entity]) -> bool:
        return len(u) == 1 and u[0].label in _VALUES

    out: list[Entity] = []
    start = 0
    for end in [i for i, u in enumerate(units) if u[0].label in _BREAKS] + [len(units)]:
        run, start = units[start:end], end
        bare = [i for i, u in enumerate(run) if len(u) == 1 and u[0].label == "ROW_LABEL"]
        first = next((i for i, u in enumerate(run) if loose_value(u)), None)
        if not bare or first is None or first > bare[0] or any(loose_value(u) for u in run[bare[-1]:]):
            out.extend(e for u in run for e in u)
            continue
        loose: list[Entity] = []
        for i, u in enumerate(run):
            if loose_value(u):
                loose.append(u[0])
                continue
            out.extend(u)
            c = _row_match(u[0].text) if len(u) == 1 and u[0].label == "ROW_LABEL" else None
            if c is None or c.key not in _row_keys(c.table):
                continue
            nxt = run[i + 1][0] if i + 1 < len(run) else None
            m = _row_match(nxt.text) if nxt is not None and nxt.label == "ROW_LABEL" else None
            if m is None or m.group != c.key:
                out.extend(loose)
                loose = []
        out.extend(loose)
    return out


def _segments(entities: list[Entity], text: str = "") -> tuple[list[_Segment], dict[str, list[Entity]], dict[str, dict[str, float]], list[str]]:
    segments: list[_Segment] = []
    flat_values: dict[str, list[Entity]] = {}
    header_votes: dict[str, dict[str, float]] = {}
    header_table: str | None = None
    seg: _Segment | None = None
    group: str | None = None
    notes: list[str] = []

    for e in entities:
        if e.label == "SECTION":
            seg, group, header_table = None, None, None
            continue
        if e.label not in TABLE_LABELS:
            continue
        if e.label == "TABLE_TITLE":
            header_table, seg = "active_disclosure", None
        elif e.label == "COL_HEADER":
            m = best_match(e.text, header_candidates())
            if m is not None:
                header_table = m.candidate.table
                if len(m.candidate.versions) == 1:
                    (v,) = m.candidate.versions
                    tv = header_votes.setdefault(m.candidate.table, {})
                    tv[v] = tv.get(v, 0) + 1
            seg = None
        elif e.label == "ROW_LABEL":
            m = best_match(e.text, label_candidates(), prefer=lambda c, g=group: g is not None and c.group == g)
            if m is None:
                notes.append(f"row label {e.text!r} matches no row of the templates")
                continue
            c = m.candidate
            header_table = c.table
            if seg is not None and seg.rows and c.group is not None:
                # The previous label opened this label's group: it was a group label.
                seg.rows = [r for r in seg.rows if not (r.maybe_group and r.match.key == c.group)]
            is_group = c.key in _group_keys(c.table)
            if is_group:
                group = c.key
                if c.key not in _row_keys(c.table):
                    continue
            # A label after one with no values opens a new segment when cells are printed
            # between them (a pipe row whose cells are all empty), not a detached label list.
            if (seg is None or seg.values or seg.table != c.table
                    or (seg.rows and "|" in text[seg.rows[-1].label.end:e.start])):
                seg = _Segment(c.table)
                segments.append(seg)
            seg.rows.append(_Row(e, c, c.table, maybe_group=is_group))
        else:  # CELL or BLANK
            if seg is not None and seg.rows:
                seg.values.append(e)
            elif header_table is not None:
                flat_values.setdefault(header_table, []).append(e)
    return segments, flat_values, header_votes, notes


def _stops(entities: list[Entity], size: int):
    """Where a run of values after ``pos`` ends: at the next entity that is not a value."""
    bounds = sorted(e.start for e in entities if e.label not in ("CELL", "BLANK"))

    def stop(pos: int) -> int:
        k = bisect_left(bounds, pos)
        return bounds[k] if k < len(bounds) else size
    return stop


def _digit_run(values: list[Entity]) -> str | None:
    """The values of a short row as one run of digits (spaces between tagged pieces are
    boundaries), or ``None`` when one is not plain digits."""
    texts = [v.text for v in values]
    if not values or any(v.label != "CELL" for v in values) or not all(
            re.fullmatch(r"[\d\s?\u3000]+", t) and re.search(r"\d", t) for t in texts):
        return None
    return " ".join(texts)


def clean_table_entities(entities: list[Entity], text: str = "") -> list[Entity]:
    """The tagger's table entities made whole (see :func:`relabel_numeric_labels`,
    :func:`widen_cells`, :func:`join_label_pieces`)."""
    return join_label_pieces(widen_cells(relabel_numeric_labels(entities), text), text)


def assemble_tables(entities: list[Entity], text: str = "", *, year: int | None = None) -> dict[str, AssembledTable]:
    entities = clean_table_entities(entities, text)
    entities = unshift_rows(entities)
    segments, flat_values, header_votes, notes = _segments(entities, text)
    stop = _stops(entities, len(text))
    out: dict[str, AssembledTable] = {}
    for table in T.TABLE_KEYS:
        tsegs = [s for s in segments if s.table == table and s.values]
        flat = flat_values.get(table, [])
        if not tsegs and not flat:
            continue
        version = _choose_version(table, tsegs, header_votes.get(table, {}), year)
        tpl = T.table_template(table, version)
        cells: dict[tuple[str, str], Cell] = {}
        sources: dict[tuple[str, str], CellSource] = {}
        tnotes = list(notes)
        short: dict[str, list[Entity]] = {}  # rows with fewer values than fields

        def put(row_key: str, field_key: str, e: Entity) -> None:
            if (row_key, field_key) in cells:
                return  # a duplicated line or a repeated page: the first reading stands
            cells[(row_key, field_key)] = _cell(e)
            sources[(row_key, field_key)] = CellSource(e.start, e.end, e.text, e.score)

        # Rows whose cells are all printed empty carry no tagged value but are still read.
        for seg in [s for s in segments if s.table == table and (s.values or len(s.rows) == 1)]:
            rows = []
            for r in seg.rows:
                if r.match.key in tpl.row_keys:
                    rows.append(r.match.key)
                elif not r.maybe_group:
                    tnotes.append(f"row {r.match.key!r} is not in the {version} template of {table}")
            if not rows:
                continue
            fields = [tpl.row(k).fields for k in rows]
            lo = seg.rows[-1].label.end
            region = (lo, stop(seg.values[-1].end if seg.values else lo)) if len(rows) == 1 else None
            for key, flds, vals in zip(rows, fields, _distribute(text, rows, [len(f) for f in fields], seg.values,
                                                                  region)):
                if len(vals) > len(flds):
                    tnotes.append(f"row {key!r} has {len(vals)} values for {len(flds)} fields; "
                                  "the extra ones are ignored")
                if 0 < len(vals) < len(flds) and _digit_run(vals) is not None and key not in short:
                    short[key] = vals
                    continue
                for f, e in zip(flds, vals):
                    put(key, f.key, e)
        if tpl.flat and flat:
            order = [rc for rc in tpl.cells() if rc not in cells]
            flat = _read_values(text, flat, flat[0].start, stop(flat[-1].end), len(order))
            if len(flat) < len(order) and not cells and _digit_run(flat) is not None:
                short[table] = flat
            else:
                if len(flat) != len(order):
                    tnotes.append(f"{len(flat)} unlabelled values for {len(order)} cells of {table}")
                for (rk, fk), e in zip(order, flat):
                    put(rk, fk, e)
        if short:
            _segment_short_rows(tpl, short, cells, sources, tnotes, put)
        if cells:
            out[table] = AssembledTable(TableData(table, version, cells), sources, tnotes)
    return out


def _segment_short_rows(tpl: T.TableTemplate, short: dict[str, list[Entity]], cells: dict, sources: dict,
                        tnotes: list[str], put) -> None:
    """Rows (or a flat table) printed with their numbers glued (``行政许可3960181``): split
    the digit runs jointly under the table's rules (:func:`~.segment.segment_table`) and
    keep the split only when it is the one solution; else the values go in as tagged."""
    known = {k: c.value for k, c in cells.items()
             if isinstance(c.value, int) and not c.damaged and not isinstance(c.value, bool)}
    runs = {k: _digit_run(v) or "" for k, v in short.items()}
    try:
        seg = segment_table(tpl.table, tpl.version, runs, known)
    except SegmentError:
        seg = None
    for name, vals in short.items():
        keys = tpl.cells() if name == tpl.table else tuple((name, f) for f in tpl.row(name).field_keys)
        keys = tuple(k for k in keys if k not in cells)
        if not keys:  # read in full elsewhere (a repeated row): the first reading stands
            continue
        a, b = vals[0].start, vals[-1].end
        score = min(v.score for v in vals)
        rows = list(dict.fromkeys(r for r, _ in keys))
        # A run is split when every reading the rules leave gives it the same split, even if
        # another run of the table stays ambiguous.
        if seg is not None and seg.status != "none" and all(len(seg.candidates.get(r, ())) == 1 for r in rows):
            split = [v for row in rows for v in seg.candidates[row][0]]
            for (rk, fk), v in zip(keys, split):
                cells[(rk, fk)] = Cell(v, text=str(v))
                sources[(rk, fk)] = CellSource(a, b, runs[name], score)
            tnotes.append(f"{name!r}: the glued run {runs[name]!r} split as {split} (the one split the rules allow)")
            continue
        status = seg.status if seg is not None else "unreadable"
        tnotes.append(f"{name!r}: {len(vals)} values for {len(keys)} cells; the glued run {runs[name]!r} "
                      f"has no unique split ({status})")
        for (rk, fk), e in zip(keys, vals):
            put(rk, fk, e)
