"""A table's cells as the assembler reads them, the data reconciliation works on.

A cell keeps its printed text next to its value so that a repair can say what it
replaced; a blank cell's value is ``None`` (never a guessed 0).

>>> t = TableData("reviews", "2021", {("review", "total"): Cell.from_text("00")})
>>> t.cells["review", "total"]
Cell(value=0, text='00', damaged=True, candidates=(0,), repaired_from=None, segmented_from=None, split_candidates=())
>>> t.to_schema()
{'rows': {'review': {'total': 0}}}
"""

from __future__ import annotations

from dataclasses import dataclass, field

from gongkai.model.template import TABLE_KEYS, VERSIONED_TABLES, CheckStatus, table_template

from .numbers import read_number


@dataclass
class Cell:
    value: int | float | None  # None = blank (never guessed as 0)
    text: str = ""  # the raw cell text as printed
    damaged: bool = False
    candidates: tuple = ()
    repaired_from: str | None = None  # set when a check repaired it
    #: The glued run as printed when the value is one piece of a split the rules (or the
    #: evidence) chose: nobody printed it as a number of its own.
    segmented_from: str | None = None
    #: The values the readings of a glued run still allow when they disagree on this cell
    #: (the value is then None): ambiguous, never guessed.
    split_candidates: tuple = ()

    @classmethod
    def from_text(cls, text: str) -> Cell:
        """A cell from its printed text (raises :class:`~.numbers.NumberError`)."""
        r = read_number(text)
        return cls(r.value, text, r.damaged, r.candidates)


@dataclass(frozen=True)
class SplitNote:
    """How one glued run of a table was read, for the checks of runs no rule covers."""

    name: str  # the row key, or the table's name for a table printed flat
    run: str  # as printed
    keys: tuple[tuple[str, str], ...]
    status: CheckStatus  # segmented, ambiguous or fail
    detail: str


@dataclass
class TableData:
    table: str  # "active_disclosure" | "applications" | "reviews"
    template: str  # "2019" | "2021"
    #: (row key, field key) -> Cell; absent rows/fields simply absent.
    cells: dict[tuple[str, str], Cell] = field(default_factory=dict)
    #: The glued runs of the table and how each was split.
    splits: list[SplitNote] = field(default_factory=list)

    def __post_init__(self) -> None:
        if self.table not in TABLE_KEYS:
            raise ValueError(f"unknown table {self.table!r}; tables: {list(TABLE_KEYS)}")
        tpl = table_template(self.table, self.template)  # raises on an unknown version
        known = set(tpl.cells())
        bad = [k for k in self.cells if k not in known]
        if bad:
            raise ValueError(f"{self.table}/{self.template} has no cell(s) {bad}")

    @classmethod
    def from_texts(cls, table: str, template: str, texts: dict[tuple[str, str], str]) -> TableData:
        """A table from printed cell texts.

        >>> TableData.from_texts("reviews", "2021", {("review", "upheld"): "—"}).to_schema()
        {'rows': {'review': {'upheld': None}}}
        """
        return cls(table, template, {k: Cell.from_text(v) for k, v in texts.items()})

    def value(self, row: str, field: str) -> int | float | None:
        return self.cells[row, field].value

    def to_schema(self) -> dict:
        """SCHEMA.md form: ``{"template": ..., "rows": {row: {field: value}}}``, rows and
        fields in template order; table 4 has no ``template`` key."""
        rows: dict[str, dict] = {}
        for row, fld in table_template(self.table, self.template).cells():
            if (row, fld) in self.cells:
                rows.setdefault(row, {})[fld] = self.cells[row, fld].value
        out: dict = {"template": self.template} if self.table in VERSIONED_TABLES else {}
        out["rows"] = rows
        return out
