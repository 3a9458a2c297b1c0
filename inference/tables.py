"""Table entities (TABLE_TITLE, COL_HEADER, ROW_LABEL, CELL, BLANK) → tables of the templates.

Reading order carries the structure: a ROW_LABEL opens a row and the CELL/BLANK entities after
it are its fields in template order; a label followed at once by another label is a group
label (``(三)不予公开``), which makes the rows of that group preferred for the next labels;
values with no row label after table-4 headers fill table 4's cells in its printed order.
The template version is decided per table from the evidence: rows only one version has,
header words only one version uses, and how many values each row carries.

The entities are first made whole (:mod:`.table_entities`); a row's values are read off the
text by :mod:`.table_values`.
"""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass, field

from gongkai.model import template as T

from .cells import Cell, TableData
from .entities import Entity
from .labelmatch import Candidate, best_match, header_candidates, match_row_label, section_table
from .numbers import NumberError, read_number
from .segment import SegmentError, segment_table
from .table_entities import clean_table_entities, unshift_rows
from .table_values import digit_run, distribute, read_values

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


def _cell(e: Entity) -> Cell:
    if e.label == "BLANK":
        return Cell(None, text=e.text)
    try:
        r = read_number(e.text)
    except NumberError:
        # Unreadable: keep it visible as damaged, never as a number.
        return Cell(None, text=e.text, damaged=True)
    return Cell(r.value, text=e.text, damaged=r.damaged, candidates=r.candidates)


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


def _segments(entities: list[Entity], text: str = "") -> tuple[list[_Segment], dict[str, list[Entity]], dict[str, dict[str, float]], list[str]]:
    segments: list[_Segment] = []
    flat_values: dict[str, list[Entity]] = {}
    header_votes: dict[str, dict[str, float]] = {}
    header_table: str | None = None
    seg: _Segment | None = None
    group: str | None = None
    notes: list[str] = []
    section: str | None = None  # the table of the section we are in

    for e in entities:
        if e.label == "SECTION":
            seg, group, header_table = None, None, None
            section = section_table(e.text)
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
            elif header_table is None:  # a header a converter invented (列1): the section's table
                header_table = section
            seg = None
        elif e.label == "ROW_LABEL":
            m = match_row_label(e.text, group)
            if m is None:
                notes.append(f"row label {e.text!r} matches no row of the templates")
                continue
            c = m.candidate
            header_table = c.table
            if seg is not None and seg.rows and c.group is not None:
                # The previous label opened this label's group: it was a group label.
                seg.rows = [r for r in seg.rows if not (r.maybe_group and r.match.key == c.group)]
            is_group = c.key in T.group_keys_of(c.table)
            if is_group:
                group = c.key
                if c.key not in T.row_keys_of(c.table):
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
            for key, flds, vals in zip(rows, fields, distribute(text, rows, [len(f) for f in fields], seg.values,
                                                                 region)):
                if len(vals) > len(flds):
                    tnotes.append(f"row {key!r} has {len(vals)} values for {len(flds)} fields; "
                                  "the extra ones are ignored")
                if 0 < len(vals) < len(flds) and digit_run(vals) is not None and key not in short:
                    short[key] = vals
                    continue
                for f, e in zip(flds, vals):
                    put(key, f.key, e)
        if tpl.flat and flat:
            order = [rc for rc in tpl.cells() if rc not in cells]
            flat = read_values(text, flat, flat[0].start, stop(flat[-1].end), len(order))
            if len(flat) < len(order) and not cells and digit_run(flat) is not None:
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
    runs = {k: digit_run(v) or "" for k, v in short.items()}
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
