"""Table entities (TABLE_TITLE, COL_HEADER, ROW_LABEL, CELL, BLANK) → tables of the templates.

Reading order carries the structure: a ROW_LABEL opens a row and the CELL/BLANK entities after
it are its fields in template order; a label followed at once by another label is a group
label (``(三)不予公开``), which makes the rows of that group preferred for the next labels;
values with no row label after table-4 headers fill table 4's cells in its printed order.
The template version is decided per table from the evidence: rows only one version has,
header words only one version uses, and how many values each row carries.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from gongkai.model import template as T

from .cells import Cell, TableData
from .entities import Entity
from .labelmatch import Candidate, best_match, header_candidates, label_candidates
from .numbers import NumberError, read_number

TABLE_LABELS = ("TABLE_TITLE", "COL_HEADER", "ROW_LABEL", "CELL", "BLANK")


@dataclass
class _Row:
    label: Entity
    match: Candidate
    table: str
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


def _is_group_key(key: str, table: str) -> bool:
    return any(g.key == key for t in T.tables_named(table) for g in t.groups)


def _cell(e: Entity) -> Cell:
    if e.label == "BLANK":
        return Cell(None, text=e.text)
    try:
        r = read_number(e.text)
    except NumberError:
        # Unreadable: keep it visible as damaged, never as a number.
        return Cell(None, text=e.text, damaged=True)
    return Cell(r.value, text=e.text, damaged=r.damaged, candidates=r.candidates)


def _choose_version(table: str, rows: list[_Row], header_votes: dict[str, float], year: int | None) -> str:
    if table not in T.VERSIONED_TABLES:
        return T.VERSIONS[-1]
    templates = {t.version: t for t in T.tables_named(table)}
    votes = dict(header_votes)
    for r in rows:
        have = [v for v, t in templates.items() if r.match.key in t.row_keys]
        if r.values and len(have) == 1:
            votes[have[0]] = votes.get(have[0], 0) + 2
        for v in have:
            if r.values and len(r.values) == len(templates[v].row(r.match.key).fields):
                votes[v] = votes.get(v, 0) + 1
    best = max(votes.values(), default=0)
    leaders = [v for v in T.VERSIONS if votes.get(v, 0) == best]
    if len(leaders) == 1:
        return leaders[0]
    # No evidence either way: the template in force for that reporting year.
    return "2019" if year is not None and year < 2021 else "2021"


def assemble_tables(entities: list[Entity], *, year: int | None = None) -> dict[str, AssembledTable]:
    rows: list[_Row] = []
    flat_values: dict[str, list[Entity]] = {}
    header_votes: dict[str, dict[str, float]] = {}
    header_table: str | None = None
    pending: _Row | None = None
    group: str | None = None
    notes: list[str] = []

    for e in entities:
        if e.label == "SECTION":
            pending, group, header_table = None, None, None
            continue
        if e.label not in TABLE_LABELS:
            continue
        if e.label == "TABLE_TITLE":
            header_table, pending = "active_disclosure", None
        elif e.label == "COL_HEADER":
            m = best_match(e.text, header_candidates())
            if m is not None:
                header_table = m.candidate.table
                if len(m.candidate.versions) == 1:
                    (v,) = m.candidate.versions
                    tv = header_votes.setdefault(m.candidate.table, {})
                    tv[v] = tv.get(v, 0) + 1
            pending = None
        elif e.label == "ROW_LABEL":
            if pending is not None and not pending.values and _is_group_key(pending.match.key, pending.table):
                group = pending.match.key  # a label followed by a label heads a group
                rows.remove(pending)
            m = best_match(e.text, label_candidates(), prefer=lambda c, g=group: g is not None and c.group == g)
            if m is None:
                notes.append(f"row label {e.text!r} matches no row of the templates")
                pending = None
                continue
            if m.candidate.kind == "group":
                group = m.candidate.key
            pending = _Row(e, m.candidate, m.candidate.table)
            rows.append(pending)
            header_table = m.candidate.table
        else:  # CELL or BLANK
            if pending is not None:
                pending.values.append(e)
            elif header_table is not None:
                flat_values.setdefault(header_table, []).append(e)

    out: dict[str, AssembledTable] = {}
    for table in T.TABLE_KEYS:
        trows = [r for r in rows if r.table == table and r.values]
        flat = flat_values.get(table, [])
        if not trows and not flat:
            continue
        version = _choose_version(table, trows, header_votes.get(table, {}), year)
        tpl = T.table_template(table, version)
        cells: dict[tuple[str, str], Cell] = {}
        sources: dict[tuple[str, str], CellSource] = {}
        tnotes = [n for n in notes]

        def put(row_key: str, field_key: str, e: Entity) -> None:
            if (row_key, field_key) in cells:
                return  # a duplicated line or a repeated page: the first reading stands
            cells[(row_key, field_key)] = _cell(e)
            sources[(row_key, field_key)] = CellSource(e.start, e.end, e.text, e.score)

        for r in trows:
            if r.match.key not in tpl.row_keys:
                tnotes.append(f"row {r.match.key!r} is not in the {version} template of {table}")
                continue
            fields = tpl.row(r.match.key).fields
            if len(r.values) > len(fields):
                tnotes.append(f"row {r.match.key!r} has {len(r.values)} values for {len(fields)} fields; "
                              "the extra ones are ignored")
            for f, e in zip(fields, r.values):
                put(r.match.key, f.key, e)
        if tpl.flat and flat:
            order = [rc for rc in tpl.cells() if rc not in cells]
            if len(flat) != len(order):
                tnotes.append(f"{len(flat)} unlabelled values for {len(order)} cells of {table}")
            for (rk, fk), e in zip(order, flat):
                put(rk, fk, e)
        if cells:
            out[table] = AssembledTable(TableData(table, version, cells), sources, tnotes)
    return out
