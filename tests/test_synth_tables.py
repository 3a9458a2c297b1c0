"""Issue 4's proof that the synthetic labels are exact: the tables rebuilt from a generated
report's spans — through the real normaliser and assembler — equal the tables the generator
meant, for every layout and damage kind.

One honest exception: a blank printed as nothing at all in a layout with no separators (PDF
text, glued cells) leaves no character to label, so its row reads short; such tables are
counted, and must stay rare, but cannot be compared cell by cell.

A second: a PDF table whose one-line cells sit on the middle line (``pdf_shifted``), when the
page also lost its line breaks, can print a row label wrapped around its own numbers
(``4.保护第三0 0 0 0方合法权益``); with no newline left, the assembler cannot tell one wrapped
label from two rows. Such misreadings are counted and must stay rare too.

A third: cells printed touching (``712654137``) are one glued run whatever the spans cut, and
a run of a table no rule covers (table 2) can have several readings: its cells read null,
and the generator's values must be among their candidates — unless the generator drew a
reading the plausibility prior rules out (``0 | 1042992 | 25`` documents); such draws are
counted and must stay rare.

Issue 20's layouts are read exactly — restructured Markdown, one-line pages with rows printed
with no values and the last cell glued to the narrative after it — except a blank cell inside a
run of glued digits, which nothing in the print locates (counted, bounded).
"""

from collections import Counter

import pytest

from gongkai.inference.assemble import assemble
from gongkai.inference.entities import entities_from_source_spans
from gongkai.inference.normalise import normalise
from gongkai.inference.segment import plausible
from gongkai.model import template as T
from gongkai.training.synth import generate_many

N = 600


@pytest.fixture(scope="module")
def rebuilt():
    out = []
    for rec in generate_many(N, seed=11, debug=True):
        norm = normalise(rec.text, name=rec.id)
        asm = assemble(norm, entities_from_source_spans(norm, rec.spans))
        labelled = {
            (d["table"], d["row"], d["field"])
            for s, d in zip(rec.spans, rec.meta["debug"])
            if s.label in ("CELL", "BLANK") and "row" in d
        }
        out.append((rec, asm, labelled))
    return out


def _implausible(data, expected) -> bool:
    """Whether a glued row of the table holds a reading the plausibility prior rules out."""
    tpl = T.table_template(data.table, data.template)
    for row, values in expected["rows"].items():
        glued = [data.cells[row, f] for f in values if (row, f) in data.cells]
        if (
            glued
            and all(c.segmented_from for c in glued)
            and None not in values.values()
            and not plausible(tpl.row(row).fields, tuple(values.values()))
        ):
            return True
    return False


def _blank_in_a_run(rec, table: str) -> bool:
    """A row of a one-line page with a blank cell among its printed numbers: in a run of glued
    digits nothing marks where the blank stands (real 039 prints ``000000`` for seven cells)."""
    if rec.meta["settings"]["layouts"][table] != "glued":
        return False
    return any(
        None in vals.values() and any(v is not None for v in vals.values())
        for vals in rec.meta["tables"][table]["rows"].values()
    )


def test_tables_rebuilt_from_spans_equal_the_generators_tables(rebuilt):
    compared, unmarked, wrapped, ambiguous, implausible, blank_runs, undecided = 0, 0, 0, 0, 0, 0, 0
    layouts = Counter()
    for rec, asm, labelled in rebuilt:
        for table, expected in rec.meta["tables"].items():
            got = asm.tables[table].data.to_schema() if table in asm.tables else None
            if _blank_in_a_run(rec, table):
                blank_runs += 1
                continue
            cells = {(table, r, f) for r, fields in expected["rows"].items() for f in fields}
            if not cells <= labelled:
                unmarked += 1  # a blank with no character to label
                continue
            if got is not None:
                data = asm.tables[table].data
                if _implausible(data, expected):
                    implausible += 1
                    continue
                open_ = {k: c.split_candidates for k, c in data.cells.items() if c.split_candidates}
                for (row, fld), cands in open_.items():
                    assert expected["rows"][row][fld] in cands, (rec.id, table, row, fld)
                    got["rows"][row][fld] = expected["rows"][row][fld]
                ambiguous += bool(open_)
            settings = rec.meta["settings"]
            if got is not None and got != expected and settings["layouts"][table] == "glued":
                # A run the search could not settle is left null, never guessed: every number
                # read is right, and such tables stay rare.
                for row, values in got["rows"].items():
                    for fld, v in values.items():
                        assert v is None or v == expected["rows"][row][fld], (rec.id, table, row, fld)
                undecided += 1
                continue
            if got != expected and settings["layouts"][table] == "pdf_shifted":
                wrapped += 1  # a label wrapped around its numbers on one line
                continue
            assert got == expected, (rec.id, table, settings)
            compared += 1
            layouts[rec.meta["settings"]["layouts"][table]] += 1
    assert unmarked < 0.05 * (compared + unmarked)  # one-line pages print blanks as nothing
    assert wrapped < 0.003 * compared
    assert ambiguous < 0.12 * compared  # table-2 runs of one-line pages: the truth is among the candidates
    assert implausible < 0.02 * compared
    assert set(layouts) >= {"pipe", "cell_per_line", "tab", "markdown", "html", "pdf", "pdf_shifted", "glued"}
    assert layouts["pdf_shifted"] > 20 and layouts["glued"] > 200, layouts
    assert blank_runs < 0.03 * compared
    assert undecided < 0.03 * compared, undecided
    # The layouts of the real-layouts issue are read exactly: restructured Markdown, one-line
    # pages (rows printed with no values, the last cell glued to the narrative after it).
    assert layouts["md_restructured"] > 20


def test_sections_rebuilt_from_spans_have_the_generators_keys(rebuilt):
    for rec, asm, _ in rebuilt:
        if rec.meta["settings"]["pre2019"]:
            continue  # an old report's own headings: test_synth.py checks them
        assert [s.key for s in asm.sections] == [s["key"] for s in rec.meta["sections"]], rec.id


def test_templates_rebuilt_match_the_generators_choice(rebuilt):
    for rec, asm, _ in rebuilt:
        for table in T.VERSIONED_TABLES:
            if table in asm.tables:
                assert asm.tables[table].data.template == rec.meta["settings"]["versions"][table], rec.id
