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

Issue 20 added layouts whose reading is the assembler's side of that issue (parts 1 and 3), so
until it lands they are counted apart, each kind bounded, and everything else must still be
exact: restructured Markdown (labels without their list number or parent, generic headers), a
row printed with its label and no values (its truth ``null``), and a one-line page's last cell
glued to the digits of the narrative after it (``…继续办理02025年,我局``). Their labels are
checked cell by cell in ``test_synth.py``.
"""

from collections import Counter

import pytest

from gongkai.inference.assemble import assemble
from gongkai.inference.entities import entities_from_source_spans
from gongkai.inference.normalise import normalise
from gongkai.model import template as T
from gongkai.training.synth import generate_many

N = 600


@pytest.fixture(scope="module")
def rebuilt():
    out = []
    for rec in generate_many(N, seed=11, debug=True):
        norm = normalise(rec.text, name=rec.id)
        asm = assemble(norm, entities_from_source_spans(norm, rec.spans))
        labelled = {(d["table"], d["row"], d["field"]) for s, d in zip(rec.spans, rec.meta["debug"])
                    if s.label in ("CELL", "BLANK") and "row" in d}
        out.append((rec, asm, labelled))
    return out


def _pending(rec, table: str, labelled: set) -> str | None:
    """Why the assembler of today may not read this table yet (issue 20), or None."""
    settings = rec.meta["settings"]
    if settings["layouts"][table] == "md_restructured":
        return "md_restructured"
    rows = rec.meta["tables"][table]["rows"]
    if any(all(v is None for v in vals.values()) and (table, r, next(iter(vals))) not in labelled
           for r, vals in rows.items()):
        return "label_only_row"
    cells = [(s, d) for s, d in zip(rec.spans, rec.meta["debug"]) if s.label == "CELL" and d.get("table") == table]
    starts = {s.start for s in rec.spans}
    if any(s.end < len(rec.text) and rec.text[s.end].isdigit() and s.end not in starts for s, _ in cells):
        return "glued_to_narrative"
    return None


def test_tables_rebuilt_from_spans_equal_the_generators_tables(rebuilt):
    compared, unmarked, wrapped, layouts, pending = 0, 0, 0, Counter(), Counter()
    for rec, asm, labelled in rebuilt:
        for table, expected in rec.meta["tables"].items():
            got = asm.tables[table].data.to_schema() if table in asm.tables else None
            why = _pending(rec, table, labelled)
            if why is not None:
                pending[why, got == expected] += 1
                continue
            cells = {(table, r, f) for r, fields in expected["rows"].items() for f in fields}
            if not cells <= labelled:
                unmarked += 1  # a blank with no character to label
                continue
            settings = rec.meta["settings"]
            if got != expected and settings["layouts"][table] == "pdf_shifted" \
                    and "collapse_whitespace" in settings["damage"]:
                wrapped += 1  # a label wrapped around its numbers on one line
                continue
            assert got == expected, (rec.id, table, settings)
            compared += 1
            layouts[rec.meta["settings"]["layouts"][table]] += 1
    assert unmarked < 0.03 * (compared + unmarked)
    assert wrapped < 0.003 * compared
    assert set(layouts) >= {"pipe", "cell_per_line", "tab", "markdown", "html", "pdf", "pdf_shifted", "glued"}
    assert layouts["pdf_shifted"] > 20 and layouts["glued"] > 200, layouts
    # Each pending kind occurs (the generator writes it) and stays a minority of the tables.
    total = compared + unmarked + wrapped + sum(pending.values())
    for why in ("md_restructured", "label_only_row", "glued_to_narrative"):
        n = pending[why, True] + pending[why, False]
        assert 0 < n < 0.12 * total, (why, n, total)


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
