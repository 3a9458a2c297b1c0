"""The gold annotations of the seed reports (annotations/gold/*.jsonl) and their hand-written
expected tables (annotations/expected/*.json): valid spans, complete tables, and the two agreeing.

Tables are not assembled here (that is the assembler's test); the checks below only read the
gold spans in reading order, which the seeds print in template order."""

import json
import re
from functools import cache
from pathlib import Path

import opencc
import pytest

from gongkai.model import template as T
from gongkai.model.labels import LABELS
from gongkai.training.corpus import read_jsonl

ROOT = Path(__file__).resolve().parents[1]
GOLD = ROOT / "annotations" / "gold"
EXPECTED = ROOT / "annotations" / "expected"
GUIDELINE = ROOT / "annotations" / "GUIDELINE.md"
SEEDS = ROOT.parent / "shared" / "seeds"

# The seeds; the real reports' gold is tests/test_real_gold.py's.
IDS = sorted(p.stem for p in GOLD.glob("[0-9]*.jsonl"))
RUBY = re.compile(r"(?<=[\u4e00-\u9fff])\([a-z\u00e0-\u00fc\u0100-\u024f]+\)")
NUMBER = re.compile(r"[+-]?\d+(?:\.\d+)?")
HEADING_LIKE = {"COL_HEADER", "ROW_LABEL", "TABLE_TITLE"}
# Where each table is printed: from its section heading to the next one.
TABLE_BOUNDS = {"active_disclosure": ("二", "三"), "applications": ("三", "四"), "reviews": ("四", "五")}


@cache
def _cc():
    return opencc.OpenCC("t2s")


def simplified(text: str) -> str:
    """Printed text as the output contract wants it: rubies and spaces dropped, simplified script."""
    return _cc().convert(re.sub(r"\s", "", RUBY.sub("", text)))


@cache
def record(rid):
    (rec,) = list(read_jsonl(GOLD / f"{rid}.jsonl"))
    return rec


@cache
def expected(rid):
    return json.loads((EXPECTED / f"{rid}.json").read_text(encoding="utf-8"))


def spans_of(rec, *labels):
    return [s for s in sorted(rec.spans) if s.label in labels]


def section_starts(rec):
    return {rec.text[s.start]: s.start for s in spans_of(rec, "SECTION")}


def in_table(rec, table, span):
    first, nxt = TABLE_BOUNDS[table]
    starts = section_starts(rec)
    return starts[first] < span.start < starts[nxt]


def literal(rec, span):
    """A cell's literal reading: BLANK is None, else the first number printed (`00` -> 0, `+28` -> 28)."""
    if span.label == "BLANK":
        return None
    m = NUMBER.search(RUBY.sub("", rec.span_text(span)))
    assert m, f"{rec.id}: CELL {rec.span_text(span)!r} at {span.start} has no number"
    number = m.group(0)
    return float(number) if "." in number else int(number)


def test_there_is_gold_for_the_five_seeds():
    assert len(IDS) == 5
    assert sorted(p.stem for p in EXPECTED.glob("[0-9]*.json")) == IDS


@pytest.mark.skipif(not SEEDS.is_dir(), reason="shared/seeds is not beside the repository")
@pytest.mark.parametrize("rid", IDS)
def test_gold_text_is_the_seed_file_exactly(rid):
    with open(SEEDS / f"{rid}.txt", encoding="utf-8") as fh:
        assert record(rid).text == fh.read()
    assert record(rid).id == rid


@pytest.mark.parametrize("rid", IDS)
def test_spans_are_valid_and_trimmed(rid):
    rec = record(rid)
    spans = sorted(rec.spans)
    assert spans == rec.spans, "spans are stored in text order"
    for s in spans:
        assert s.label in LABELS, s
        assert 0 <= s.start < s.end <= len(rec.text), s
        text = rec.span_text(s)
        if s.label == "BLANK":
            assert text == "|", s
            continue
        assert "|" not in text and "\n" not in text, (s, text)
        for edge in (text[0], text[-1]):
            assert not edge.isspace() and edge not in "?|", (s, text)
    for a, b in zip(spans, spans[1:]):
        assert a.end <= b.start, f"overlap: {a} {rec.span_text(a)!r} / {b} {rec.span_text(b)!r}"


@pytest.mark.parametrize("rid", IDS)
def test_every_digit_of_a_table_is_in_a_cell_or_a_label(rid):
    rec = record(rid)
    label_at = {}
    for s in rec.spans:
        for i in range(s.start, s.end):
            label_at[i] = s.label
    starts = section_starts(rec)
    offset = 0
    for line in rec.text.split("\n"):
        if "|" in line and starts["二"] < offset < starts["五"]:
            for m in re.finditer(r"\d", line):
                where = offset + m.start()
                assert label_at.get(where) in HEADING_LIKE | {"CELL"}, (
                    f"{rid}: digit {line[m.start()]!r} at {where} is not annotated, line {line!r}"
                )
        offset += len(line) + 1
    for s in spans_of(rec, "CELL", "BLANK"):
        assert starts["二"] < s.start < starts["五"], f"{rid}: a cell outside the tables at {s.start}"


@pytest.mark.parametrize("rid", IDS)
def test_sections_are_the_six_headings_in_order(rid):
    rec, exp = record(rid), expected(rid)
    sections = spans_of(rec, "SECTION")
    assert [rec.text[s.start] for s in sections] == [s.number for s in T.SECTIONS]
    for span, want in zip(sections, exp["sections"]):
        text = simplified(rec.span_text(span))
        assert text == f"{want['number']}、{want['title']}", text


@pytest.mark.parametrize("rid", IDS)
def test_label_counts_fit_the_template(rid):
    rec, exp = record(rid), expected(rid)
    for table, got in exp["tables"].items():
        tpl = T.table_template(table, got.get("template", "2021"))
        cells = [s for s in spans_of(rec, "CELL", "BLANK") if in_table(rec, table, s)]
        assert len(cells) == len(tpl.cells()), (table, len(cells))  # e.g. 25 rows x 7 for table 3/2021
        rows = [s for s in spans_of(rec, "ROW_LABEL") if in_table(rec, table, s)]
        # Table 4 prints its rows as column groups (行政复议, 未经复议直接起诉 …): no row labels.
        assert len(rows) == (0 if tpl.flat else len(tpl.rows) + len(tpl.groups)), table
        headers = [s for s in spans_of(rec, "COL_HEADER") if in_table(rec, table, s)]
        if tpl.blocks:
            want = sum(1 + len(tpl.row(b.rows[0]).fields) for b in tpl.blocks)
            titles = [s for s in spans_of(rec, "TABLE_TITLE") if in_table(rec, table, s)]
            assert [simplified(rec.span_text(s)) for s in titles] == [b.title for b in tpl.blocks]
        else:
            want = sum(len(row) for row in tpl.header)
        assert len(headers) == want, (table, len(headers))
    assert spans_of(rec, "YEAR") and spans_of(rec, "ORGAN") and spans_of(rec, "SUBSECTION")
    assert len(spans_of(rec, "FIG_VALUE")) >= 5


@pytest.mark.parametrize("rid", IDS)
def test_cells_read_in_order_are_the_expected_tables(rid):
    rec, exp = record(rid), expected(rid)
    for table, got in exp["tables"].items():
        tpl = T.table_template(table, got.get("template", "2021"))
        cells = [s for s in spans_of(rec, "CELL", "BLANK") if in_table(rec, table, s)]
        read = [literal(rec, s) for s in cells]
        want = [got["rows"][row][field] for row, field in tpl.cells()]
        assert read == want, table


@pytest.mark.parametrize("rid", IDS)
def test_expected_tables_have_every_row_and_field_of_their_template(rid):
    exp = expected(rid)
    assert exp["id"] == rid and isinstance(exp["year"], int) and exp["organ"]
    assert [s["key"] for s in exp["sections"]] == list(T.SECTION_KEYS)
    assert set(exp["tables"]) == set(T.TABLE_KEYS)
    for table, got in exp["tables"].items():
        if table in T.VERSIONED_TABLES:
            assert got["template"] in T.VERSIONS
        else:
            assert "template" not in got
        tpl = T.table_template(table, got.get("template", "2021"))
        assert list(got["rows"]) == list(tpl.row_keys), table
        for row, values in got["rows"].items():
            assert list(values) == list(tpl.row(row).field_keys), (table, row)
            for v in values.values():
                assert v is None or (type(v) in (int, float)), (table, row, v)


@pytest.mark.parametrize("rid", IDS)
def test_year_and_organ_spans_name_the_expected_ones(rid):
    rec, exp = record(rid), expected(rid)
    assert {rec.span_text(s) for s in spans_of(rec, "YEAR")} == {str(exp["year"])}
    organs = [simplified(rec.span_text(s)) for s in spans_of(rec, "ORGAN")]
    # A title may print the short name (奎屯市); the full name is the organ.
    assert all(exp["organ"].startswith(o) for o in organs), organs
    assert max(organs, key=len) == exp["organ"]


@pytest.mark.parametrize("rid", IDS)
def test_figures_are_value_unit_and_metric_in_running_text(rid):
    rec = record(rid)
    spans = sorted(rec.spans)
    line_of = lambda s: rec.text.count("\n", 0, s.start)  # noqa: E731
    metric_lines = {line_of(s) for s in spans_of(rec, "FIG_METRIC")}
    for i, s in enumerate(spans):
        if not s.label.startswith("FIG_"):
            continue
        line = rec.text.split("\n")[line_of(s)]
        assert "|" not in line, f"{rid}: a figure in a table row: {line!r}"
        if s.label == "FIG_VALUE":
            assert re.fullmatch(r"[近约]?\d+(?:\.\d+)?[万亿]?[余多]?", rec.span_text(s)), rec.span_text(s)
            assert line_of(s) in metric_lines, f"{rid}: value {rec.span_text(s)} without a metric"
        if s.label == "FIG_UNIT":
            before = spans[i - 1]
            assert before.label == "FIG_VALUE" and before.end == s.start, f"{rid}: unit not after its value"


@pytest.mark.parametrize("rid", IDS)
def test_narrative_application_figures_agree_with_table_3(rid):
    """The narrative.applications rule must hold on the gold: a user checks tables against the text."""
    rec, exp = record(rid), expected(rid)
    spans = sorted(rec.spans)
    total = exp["tables"]["applications"]["rows"]["new_received"]["total"]
    for i, s in enumerate(spans):
        if s.label == "FIG_METRIC" and simplified(rec.span_text(s)).startswith(T.APPLICATION_FIGURE_METRICS):
            value = next(v for v in spans[i + 1 :] if v.label == "FIG_VALUE")
            assert int(rec.span_text(value)) == total, (rid, rec.span_text(s))


@pytest.mark.parametrize("rid", IDS)
def test_subsections_are_parenthesised_headings_outside_tables(rid):
    rec = record(rid)
    for s in spans_of(rec, "SUBSECTION"):
        text = rec.span_text(s)
        assert re.match(r"\([一二三四五六七八九十]\)", text), text
        assert not text.endswith(("。", ":")), text
        assert "|" not in rec.text.split("\n")[rec.text.count("\n", 0, s.start)]


def test_the_guideline_covers_every_label():
    guideline = GUIDELINE.read_text(encoding="utf-8")
    missing = [label for label in LABELS if f"`{label}`" not in guideline]
    assert not missing, f"GUIDELINE.md says nothing about {missing}"
