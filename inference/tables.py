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
from gongkai.model.labels import TABLE_LABELS, VALUE_LABELS, Label
from gongkai.model.template import CheckStatus

from .cells import Cell, SplitNote, TableData
from .entities import Entity
from .labelmatch import Candidate, best_match, header_candidates, match_row_label, section_table
from .narrative_cells import narrative_cells
from .numbers import NumberError, read_number
from .segment import SegmentError, segment_table
from .table_entities import clean_table_entities, unshift_rows
from .table_values import PrintedRun, digit_run, distribute, glued_run, join_touching, read_values


@dataclass
class _Row:
    label: Entity
    match: Candidate
    table: str
    #: A label that is a row in one version and a group in the other (``(六)其他处理``):
    #: it is dropped as a row when the next label belongs to its group.
    maybe_group: bool = False


@dataclass
class _RowBlock:
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
    if e.label == Label.BLANK:
        return Cell(None, text=e.text)
    try:
        r = read_number(e.text)
    except NumberError:
        # Unreadable: keep it visible as damaged, never as a number.
        return Cell(None, text=e.text, damaged=True)
    return Cell(r.value, text=e.text, damaged=r.damaged, candidates=r.candidates)


def _choose_version(table: str, blocks: list[_RowBlock], header_votes: dict[str, float], year: int | None) -> str:
    if table not in T.VERSIONED_TABLES:
        return T.VERSIONS[-1]
    templates = {t.version: t for t in T.tables_named(table)}
    votes = dict(header_votes)
    for block in blocks:
        for r in block.rows:
            have = [v for v, t in templates.items() if r.match.key in t.row_keys]
            if block.values and len(have) == 1:
                votes[have[0]] = votes.get(have[0], 0) + 2
        if len(block.rows) == 1:  # how many values a row carries tells the versions apart
            key = block.rows[0].match.key
            for v, t in templates.items():
                if key in t.row_keys and len(block.values) == len(t.row(key).fields):
                    votes[v] = votes.get(v, 0) + 1
    best = max(votes.values(), default=0)
    leaders = [v for v in T.VERSIONS if votes.get(v, 0) == best]
    if len(leaders) == 1:
        return leaders[0]
    # No evidence either way: the template in force for that reporting year.
    return T.version_for_year(year)


def _row_blocks(
    entities: list[Entity], text: str = ""
) -> tuple[list[_RowBlock], dict[str, list[Entity]], dict[str, dict[str, float]], list[str]]:
    blocks: list[_RowBlock] = []
    flat_values: dict[str, list[Entity]] = {}
    header_votes: dict[str, dict[str, float]] = {}
    header_table: str | None = None
    block: _RowBlock | None = None
    group: str | None = None
    notes: list[str] = []
    section: str | None = None  # the table of the section we are in

    for e in entities:
        if e.label == Label.SECTION:
            block, group, header_table = None, None, None
            section = section_table(e.text)
            continue
        if e.label not in TABLE_LABELS:
            continue
        if e.label == Label.TABLE_TITLE:
            header_table, block = T.TITLED_TABLE, None
        elif e.label == Label.COL_HEADER:
            m = best_match(e.text, header_candidates())
            if m is not None:
                header_table = m.candidate.table
                if len(m.candidate.versions) == 1:
                    (v,) = m.candidate.versions
                    tv = header_votes.setdefault(m.candidate.table, {})
                    tv[v] = tv.get(v, 0) + 1
            elif header_table is None:  # a header a converter invented (列1): the section's table
                header_table = section
            block = None
        elif e.label == Label.ROW_LABEL:
            m = match_row_label(e.text, group)
            if m is None:
                notes.append(f"row label {e.text!r} matches no row of the templates")
                continue
            c = m.candidate
            header_table = c.table
            if block is not None and block.rows and c.group is not None:
                # The previous label opened this label's group: it was a group label.
                block.rows = [r for r in block.rows if not (r.maybe_group and r.match.key == c.group)]
            is_group = c.key in T.group_keys_of(c.table)
            if is_group:
                group = c.key
                if c.key not in T.row_keys_of(c.table):
                    continue
            # A label after one with no values opens a new block when cells are printed
            # between them (a pipe row whose cells are all empty), not a detached label list.
            if (
                block is None
                or block.values
                or block.table != c.table
                or (block.rows and "|" in text[block.rows[-1].label.end : e.start])
            ):
                block = _RowBlock(c.table)
                blocks.append(block)
            block.rows.append(_Row(e, c, c.table, maybe_group=is_group))
        else:  # CELL or BLANK
            if block is not None and block.rows:
                block.values.append(e)
            elif header_table is not None:
                flat_values.setdefault(header_table, []).append(e)
    return blocks, flat_values, header_votes, notes


def _stops(entities: list[Entity], size: int, labels: tuple[str, ...] | None = None):
    """Where a run of values after ``pos`` ends: at the next entity that is not a value (of
    ``labels``, when given)."""
    bounds = sorted(e.start for e in entities if e.label not in VALUE_LABELS and (labels is None or e.label in labels))

    def stop(pos: int) -> int:
        k = bisect_left(bounds, pos)
        return bounds[k] if k < len(bounds) else size

    return stop


#: What ends a row's printed region: the next label, header, title or heading. Other tags (a
#: year, a figure) may sit on digits glued to the row (``行政事业性收费02025年``).
_STRUCTURE = (Label.ROW_LABEL, Label.COL_HEADER, Label.TABLE_TITLE, Label.SECTION, Label.SUBSECTION)


@dataclass
class _Run:
    """A row (or a flat table) printed as a glued run, to be split with the whole table."""

    name: str
    keys: tuple[tuple[str, str], ...]
    run: str  # what the segmenter splits
    start: int  # the run as printed
    end: int
    score: float


def _glued(text: str, region: tuple[int, int], n: int, values: list[Entity] = ()) -> PrintedRun | None:  # noqa: B006
    """The row's plain printed run when its numbers must be split: fewer numbers printed than
    the row has cells, but digits enough for them (fewer digits than cells is a row with
    blank cells, not a glued one), and no blank tagged among them."""
    run = glued_run(text, *region)
    if run is None or len(run.chunks) >= n or run.digits < n or any(v.label == Label.BLANK for v in values):
        return None
    return run


@dataclass
class _TableReader:
    """One table's cells read off its row blocks: printed values as they are, glued runs kept
    for :func:`_split_runs`."""

    tpl: T.TableTemplate
    text: str
    stop: object  # next entity after a position
    region_end: object  # next label, header, title or heading after a position
    notes: list[str]
    cells: dict[tuple[str, str], Cell] = field(default_factory=dict)
    sources: dict[tuple[str, str], CellSource] = field(default_factory=dict)
    runs: list[_Run] = field(default_factory=list)
    empty: dict[tuple[str, str], CellSource] = field(default_factory=dict)  # rows printed empty

    def put(self, row_key: str, field_key: str, e: Entity) -> None:
        if (row_key, field_key) in self.cells:
            return  # a duplicated line or a repeated page: the first reading stands
        self.cells[(row_key, field_key)] = _cell(e)
        self.sources[(row_key, field_key)] = CellSource(e.start, e.end, e.text, e.score)

    def put_blank(self, key: str, fields: tuple[T.Field, ...], label: Entity) -> None:
        """A row printed with its label and no values: its cells are blank (``null``), read at
        the end of the label, where the values would stand — unless the row is read elsewhere
        (a Markdown heading naming the row above the row's own table): see :meth:`blanks`."""
        for f in fields:
            self.empty.setdefault((key, f.key), CellSource(label.end, label.end, "", label.score))

    def blanks(self) -> None:
        """The cells of rows printed empty that no reading filled."""
        for k, source in self.empty.items():
            if k not in self.cells:
                self.cells[k] = Cell(None, text="")
                self.sources[k] = source

    def put_printed(self, key: str, fields: tuple[T.Field, ...], run: PrintedRun, score: float) -> None:
        """A row printed one number per cell that the tagger read short: the print, read."""
        for f, (a, b), v in zip(fields, run.spans, run.values()):
            if (key, f.key) not in self.cells:
                self.cells[(key, f.key)] = Cell(v, text=self.text[a:b])
                self.sources[(key, f.key)] = CellSource(a, b, self.text[a:b], score)

    def read_block(self, block: _RowBlock) -> None:
        tpl, text = self.tpl, self.text
        rows, labels = [], []
        for r in block.rows:
            if r.match.key in tpl.row_keys:
                if rows and rows[-1] == r.match.key:  # a heading naming the row above its own label
                    rows.pop(), labels.pop()
                rows.append(r.match.key)
                labels.append(r.label)
            elif not r.maybe_group:
                self.notes.append(f"row {r.match.key!r} is not in the {tpl.version} template of {tpl.table}")
        if not rows:
            return
        fields = [tpl.row(k).fields for k in rows]
        lo = block.rows[-1].label.end
        score = block.rows[-1].label.score
        if len(rows) > 1 and text:
            # Labels one after another, then one plain run too short for all of them: the
            # earlier rows are printed empty (one-line scrapes), the run is the last row's.
            hi = self.region_end(lo)
            plain = glued_run(text, lo, hi)
            if (
                plain is not None
                and plain.digits < sum(map(len, fields))
                and "\n" not in text[lo:hi]
                and not text[plain.end : hi].strip()
            ):
                self.notes.append(f"rows {rows[:-1]} are printed with no numbers")
                for label, key, flds in zip(labels, rows[:-1], fields[:-1]):
                    self.put_blank(key, flds, label)
                rows, fields = rows[-1:], fields[-1:]
        if len(rows) == 1 and text:
            key, flds = rows[0], fields[0]
            if not block.values and not any(c.isdigit() for c in text[lo : self.region_end(lo)]):
                self.put_blank(key, flds, labels[0])  # a label, then the next label: printed empty
                return
            printed = _glued(text, (lo, self.region_end(lo)), len(flds), block.values)
            if printed is not None and all((key, f.key) not in self.cells for f in flds):
                # Values touching with no separator: the tagger's cuts are not evidence.
                self.runs.append(
                    _Run(
                        key,
                        tuple((key, f.key) for f in flds),
                        printed.run,
                        printed.start,
                        printed.end,
                        min([score, *(v.score for v in block.values)]),
                    )
                )
                return
        region = (lo, self.stop(block.values[-1].end if block.values else lo)) if len(rows) == 1 else None
        for key, flds, vals in zip(
            rows, fields, distribute(text, rows, [len(f) for f in fields], block.values, region)
        ):
            if len(rows) == 1 and len(vals) < len(flds) and text:
                plain = glued_run(text, lo, self.region_end(lo))
                if plain is not None and len(plain.chunks) == len(flds):
                    self.put_printed(key, flds, plain, score)
                    continue
            if len(vals) > len(flds):
                self.notes.append(
                    f"row {key!r} has {len(vals)} values for {len(flds)} fields; the extra ones are ignored"
                )
            if not self.short_run(key, tuple((key, f.key) for f in flds), vals):
                for f, e in zip(flds, vals):
                    self.put(key, f.key, e)

    def short_run(self, name: str, keys: tuple[tuple[str, str], ...], vals: list[Entity]) -> bool:
        """Fewer values than cells, all digits, digits enough for the cells: a glued run read
        off the tagged pieces (a ``|`` grid cell holding ``300001031``), kept for splitting."""
        run = digit_run(join_touching(vals, self.text)) if 0 < len(vals) < len(keys) else None
        if run is None or name in {r.name for r in self.runs} or sum(c.isdigit() for c in run) < len(keys):
            return False
        self.runs.append(_Run(name, keys, run, vals[0].start, vals[-1].end, min(v.score for v in vals)))
        return True

    def flat(self, values: list[Entity], entities: list[Entity]) -> None:
        """Table 4's values printed after its header with no row label, in its printed order."""
        tpl, text = self.tpl, self.text
        order = tuple(rc for rc in tpl.cells() if rc not in self.cells)
        # The run starts after the header: a digit of it may carry another tag (a year).
        lo = max(
            [e.end for e in entities if e.label in _STRUCTURE and e.end <= values[0].start], default=values[0].start
        )
        printed = _glued(text, (lo, self.region_end(values[0].start)), len(order), values) if text else None
        if printed is not None and not self.cells:
            self.runs.append(
                _Run(tpl.table, order, printed.run, printed.start, printed.end, min(v.score for v in values))
            )
            return
        values = read_values(text, values, values[0].start, self.stop(values[-1].end), len(order))
        if not self.cells and self.short_run(tpl.table, order, values):
            return
        if len(values) != len(order):
            self.notes.append(f"{len(values)} unlabelled values for {len(order)} cells of {tpl.table}")
        for (rk, fk), e in zip(order, values):
            self.put(rk, fk, e)


def assemble_tables(entities: list[Entity], text: str = "", *, year: int | None = None) -> dict[str, AssembledTable]:
    """The template tables the entities print, each in the version its evidence (or ``year``)
    says, with where each cell was read; glued runs are split with the whole table."""
    entities = clean_table_entities(entities, text)
    entities = unshift_rows(entities)
    blocks, flat_values, header_votes, notes = _row_blocks(entities, text)
    stop = _stops(entities, len(text))
    # A minus word tagged as a header (``16[减]12``) is part of the numbers, not their end.
    region_end = _stops([e for e in entities if e.text.strip() not in T.MINUS_WORDS], len(text), _STRUCTURE)
    out: dict[str, AssembledTable] = {}
    for table in T.TABLE_KEYS:
        tblocks = [s for s in blocks if s.table == table and s.values]
        flat = flat_values.get(table, [])
        if not tblocks and not flat:
            continue
        version = _choose_version(table, tblocks, header_votes.get(table, {}), year)
        tpl = T.table_template(table, version)
        reader = _TableReader(tpl, text, stop, region_end, list(notes))
        # Rows whose cells are all printed empty carry no tagged value but are still read.
        for block in [s for s in blocks if s.table == table and (s.values or len(s.rows) == 1)]:
            reader.read_block(block)
        if tpl.flat and flat:
            reader.flat(flat, entities)
        splits: list[SplitNote] = []
        if reader.runs:
            hints = narrative_cells(text, entities, table, version) if text else {}
            splits = _split_runs(tpl, text, reader.runs, reader.cells, reader.sources, reader.notes, hints)
        reader.blanks()
        if reader.cells:
            out[table] = AssembledTable(TableData(table, version, reader.cells, splits), reader.sources, reader.notes)
    return out


def _fmt_split(values: tuple) -> str:
    return " | ".join(map(str, values))


#: How a run's split was decided, in words (see :attr:`~.segment.Segmentation.evidence`).
_EVIDENCE = {
    "only": "the only split it has",
    "rules": "the one split the table's rules allow",
    "narrative": "the report's own narrative figures",
    "order": "what its columns count (template.CELL_ORDERS: in force ≥ issued)",
    "plausibility": "plausibility",
}


def _split_outcome(
    table: str, r: _Run, printed: str, seg, fixed: dict, open_: dict, hints: dict[tuple[str, str], dict[int, str]]
) -> tuple[CheckStatus, str, str | None]:
    """How one glued run came out of the table's segmentation ``seg`` (None: it failed): its
    check status, the detail in words, and — where the rules alone (or its only split) decided
    it — how, in words, for the table's one note on such runs (else None)."""
    rows = list(dict.fromkeys(k[0] for k in r.keys))
    shown = f"{table} {r.name!r}: the glued run {printed!r}"
    if seg is None or all(seg.candidates.get(row) == [] for row in rows):
        return CheckStatus.AMBIGUOUS, f"{shown} has no split into its {len(r.keys)} cells: not read", None
    if any(k in open_ for k in r.keys):
        alts = "; ".join(
            f"{row}: " + " or ".join(_fmt_split(o) for o in seg.candidates.get(row, []))
            for row in rows
            if len(seg.candidates.get(row, [])) > 1
        )
        return (
            CheckStatus.AMBIGUOUS,
            f"{shown} has several readings ({alts}); the cells they disagree on are null",
            None,
        )
    status = CheckStatus.FAIL if any(set(eq.keys) & set(r.keys) for eq in seg.broken) else CheckStatus.SEGMENTED
    why = [w for row in rows for w in seg.evidence.get(row, ())]
    split = _fmt_split(tuple(fixed[k] for k in r.keys))
    if set(why) <= {"only", "rules"}:
        how = _EVIDENCE["only" if set(why) == {"only"} else "rules"]
        return status, f"{shown} split as {split}: {how}", how
    said = [w for k in r.keys for v, w in hints.get(k, {}).items() if v == fixed[k]]
    because = " and ".join(_EVIDENCE[w] for w in dict.fromkeys(why) if w not in ("only", "rules"))
    return status, f"{shown} split as {split}: chosen by {because}" + (f" ({', '.join(said)})" if said else ""), None


def _split_runs(
    tpl: T.TableTemplate,
    text: str,
    runs: list[_Run],
    cells: dict,
    sources: dict,
    tnotes: list[str],
    hints: dict[tuple[str, str], dict[int, str]],
) -> list[SplitNote]:
    """Split the table's glued runs jointly under every rule of the table (:func:`~.segment.segment_table`),
    with the narrative's figures and plausibility as evidence where the rules leave readings
    open. Cells every reading kept agrees on get their value (``segmented_from`` the run);
    the others stay ``None`` with their candidates. When no reading satisfies every rule, the
    readings kept break the fewest equations, and the warnings name the alternatives."""
    known = {
        k: c.value
        for k, c in cells.items()
        if isinstance(c.value, (int, float)) and not c.damaged and not isinstance(c.value, bool)
    }
    table = tpl.table
    try:
        seg = segment_table(
            table, tpl.version, {r.name: r.run for r in runs}, known, {k: set(v) for k, v in hints.items()}
        )
    except SegmentError as exc:
        seg = None
        tnotes.append(f"{table}: the glued runs could not be split: {exc}")
    # A flat table's run holds every row: its rows' candidates come back per row.
    by_row = {row: tuple(k for k in r.keys if k[0] == row) for r in runs for row in dict.fromkeys(k[0] for k in r.keys)}
    fixed, open_ = seg.cells(by_row) if seg is not None else ({}, {})
    notes: list[SplitNote] = []
    plain: dict[str, list[str]] = {}  # runs the rules (or their only split) decided: one note per table
    for r in runs:
        printed = text[r.start : r.end]
        for k in r.keys:
            if k in cells:
                continue
            if k in fixed:
                v = fixed[k]
                cells[k] = Cell(v, text=str(v), segmented_from=printed)
            else:
                cells[k] = Cell(None, text="", segmented_from=printed, split_candidates=open_.get(k, ()))
            sources[k] = CellSource(r.start, r.end, printed, r.score)
        status, detail, how = _split_outcome(table, r, printed, seg, fixed, open_, hints)
        if how is not None:  # said once for the table, below
            plain.setdefault(how, []).append(r.name)
        else:
            tnotes.append(detail)
        notes.append(SplitNote(r.name, printed, r.keys, status, detail))
    for how, names in plain.items():
        tnotes.append(f"{table}: {len(names)} glued run(s) split as {how} ({', '.join(names)})")
    if seg is not None and seg.broken:
        broken = ", ".join(f"{eq.rule} ({eq.column or eq.row})" for eq in seg.broken)
        alts = "; ".join(
            f"{row} could read {_fmt_split(o)} (breaking {n})"
            for row, opts in seg.alternatives.items()
            for o, n in opts
        )
        tnotes.append(
            f"{table}: no split of the glued runs satisfies every rule (the printed numbers do not add "
            f"up); the split kept breaks the fewest equations ({len(seg.broken)}): {broken}"
            + (f"; alternatives: {alts}" if alts else "; no other split of the runs involved")
        )
    return notes
