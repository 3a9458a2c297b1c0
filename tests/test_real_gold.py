"""The gold annotations of real scraped reports (annotations/gold/real-*.jsonl for training,
annotations/heldout/real-*.jsonl held out) and their expected tables (annotations/expected/real-*.json).

Real reports are mostly one line with every table cell glued to its neighbours, so nothing here
reads lines: a row's values are the CELL/BLANK spans after its ROW_LABEL, up to the next span that
is not a value, and table 4's fifteen values follow its column headers. The row a label names is
found by its words (quotes, brackets, spaces and notes aside), among the rows and groups of the
expected template. The expected tables must also obey the template's rules, except where the
publisher's own numbers do not add up: each such rule is listed in ``publisher_errors``.
"""

import json
import re
from functools import cache
from pathlib import Path

import opencc
import pytest
from rapidfuzz import fuzz

from gongkai.model import template as T
from gongkai.model.labels import LABELS
from gongkai.training.corpus import read_jsonl

ROOT = Path(__file__).resolve().parents[1]
ANN = ROOT / "annotations"
EXPECTED = ANN / "expected"
SPLIT = json.loads((ANN / "split.json").read_text(encoding="utf-8"))
REAL = ROOT.parent / "shared" / "real"
FOLDER = {"train": ANN / "gold", "heldout": ANN / "heldout"}

FILES = {p.stem: (part, p) for part, folder in FOLDER.items() for p in sorted(folder.glob("real-*.jsonl"))}
IDS = sorted(FILES)
NUMBER = re.compile(r"[+-]?\d+(?:\.\d+)?")
VALUES = {"CELL", "BLANK"}
SUBSECTION_NUMBER = re.compile(r"[(（][一二三四五六七八九十]+[)）]")
RUBY = re.compile(r"(?<=[\u4e00-\u9fff])\([a-z\u00e0-\u00fc\u0100-\u024f]+\)")


@cache
def _cc():
    return opencc.OpenCC("t2s")


def simplified(text: str) -> str:
    return _cc().convert(re.sub(r"\s", "", RUBY.sub("", text)))


def words(label: str) -> str:
    """A label's words: simplified, without spaces, quotes, brackets, notes in brackets or list numbers."""
    s = simplified(label)
    s = re.sub(r"[（(]([^）)]{6,})[）)]", "", s)  # a note: (区分处理的,只计这一情形,…)
    s = re.sub(r"^[一二三四五六七八九十]+、|^[（(][一二三四五六七八九十]+[）)]|^\d+[.．、]", "", s)
    s = re.sub(r"^[（(][一二三四五六七八九十]+[）)]", "", s)  # (三)不予公开 1.… after the group
    return re.sub(r"[“”\"'‘’（）()、,，.．:：\s]", "", s)


@cache
def record(rid):
    (rec,) = list(read_jsonl(FILES[rid][1]))
    return rec


@cache
def expected(rid):
    return json.loads((EXPECTED / f"{rid}.json").read_text(encoding="utf-8"))


def literal(rec, span):
    if span.label == "BLANK":
        return None
    m = NUMBER.search(RUBY.sub("", rec.span_text(span)).replace(",", ""))
    assert m, f"{rec.id}: CELL {rec.span_text(span)!r} at {span.start} has no number"
    return float(m[0]) if "." in m[0] else int(m[0])


def label_key(text: str, templates: list[T.TableTemplate]) -> tuple[str, str]:
    """(table, row or group key) that a printed ROW_LABEL names, by its words."""
    want = words(text)
    best, score = None, 0.0
    for tpl in templates:
        for key, labels in [*((r.key, r.labels) for r in tpl.rows), *((g.key, g.labels) for g in tpl.groups)]:
            for lab in labels:
                s = 100.0 if words(lab) == want else fuzz.ratio(words(lab), want)
                if s > score:
                    best, score = (tpl.table, key), s
    # A label cut off at a page's end (053's ``（四）无``) names no row: it must carry no values.
    return best if best is not None and score >= 80 else ("?", text)


def read_rows(rec, exp) -> tuple[dict, list]:
    """{(table, row): [values]} read off the spans, and the flat values after table-4 headers."""
    templates = [T.table_template(t, got.get("template", "2021")) for t, got in exp["tables"].items()]
    rows: dict[tuple[str, str], list] = {}
    flat: list = []
    owner = None
    for s in sorted(rec.spans):
        if s.label in VALUES:
            if owner is None:
                flat.append(literal(rec, s))
            else:
                rows.setdefault(owner, []).append(literal(rec, s))
        elif s.label == "ROW_LABEL":
            owner = label_key(rec.span_text(s), templates)
            rows.setdefault(owner, [])
        elif s.label in ("COL_HEADER", "TABLE_TITLE", "SECTION"):
            owner = None
    return rows, flat


def _short_row(read: list, want: list) -> bool:
    """A row printed with fewer values than cells: a space stands for a blank cell
    (``0 00000``, the expected cell ``null`` and the printed ones in order), or nothing says which
    cell is missing and every cell is ``null``; a row printed with no values is all ``null``."""
    if len(read) >= len(want):
        return False
    return all(v is None for v in want) or [v for v in want if v is not None] == read


def failing(table: str, got: dict) -> set[str]:
    """The template rules the expected table breaks (equations with a cell missing are skipped)."""
    tpl = T.table_template(table, got.get("template", "2021"))
    out = set()
    vals = got["rows"]
    for rule in T.RULES:
        if rule.table != table:
            continue
        lhs, rhs = rule.terms(tpl)
        if rule.axis == "column":
            for f in tpl.fields:
                terms = [vals.get(k, {}).get(f.key) for k in (*lhs, *rhs)]
                if any(t is None for t in terms):
                    continue
                if sum(terms[: len(lhs)]) != sum(terms[len(lhs) :]):
                    out.add(rule.name)
        else:
            for row in vals.values():
                terms = [row.get(k) for k in (*lhs, *rhs)]
                if any(t is None for t in terms):
                    continue
                if sum(terms[: len(lhs)]) != sum(terms[len(lhs) :]):
                    out.add(rule.name)
    return out


def test_the_folders_follow_the_split():
    for part, folder in FOLDER.items():
        have = sorted(p.stem.removeprefix("real-") for p in folder.glob("real-*.jsonl"))
        assert set(have) <= set(SPLIT[part]), (
            f"{folder.name}/ holds reports of another part: {set(have) - set(SPLIT[part])}"
        )
    assert not set(SPLIT["train"]) & set(SPLIT["heldout"])
    doc = (ANN / "SPLIT.md").read_text(encoding="utf-8")
    for part in ("train", "heldout", "dev"):
        assert " ".join(SPLIT[part]) in doc, part
    assert sorted(p.stem.removeprefix("real-") for p in EXPECTED.glob("real-*.json")) == sorted(
        i.removeprefix("real-") for i in IDS
    ), "every real gold record has its expected tables, and only those"


@pytest.mark.parametrize("rid", IDS)
def test_record_is_the_scraped_file_exactly(rid):
    rec = record(rid)
    part, _ = FILES[rid]
    nnn = rid.removeprefix("real-")
    assert rec.id == rid
    assert rec.meta["source"] == f"shared/real/{nnn}/source.txt" and rec.meta["origin"] == f"shared/real/{nnn}"
    assert rec.meta["split"] == part
    if REAL.is_dir():
        with open(REAL / nnn / "source.txt", encoding="utf-8", newline="") as fh:
            assert rec.text == fh.read()


@pytest.mark.parametrize("rid", IDS)
def test_spans_are_valid_trimmed_and_apart(rid):
    rec = record(rid)
    assert rec.spans == sorted(rec.spans), "spans are stored in text order"
    for s in rec.spans:
        assert s.label in LABELS, s
        assert 0 <= s.start < s.end <= len(rec.text), s
        text = rec.span_text(s)
        if s.label == "BLANK":
            assert text in ("|", "-", "—", "/"), s
            continue
        assert "|" not in text, (s, text)
        # A PDF's text layer wraps a long label or header over lines: one span, breaks inside.
        assert "\n" not in text or s.label in ("ROW_LABEL", "COL_HEADER"), (s, text)
        assert not text[0].isspace() and not text[-1].isspace() and text[0] != "?" and text[-1] != "?", (s, text)
    for a, b in zip(rec.spans, rec.spans[1:]):
        assert a.end <= b.start, f"overlap: {a} {rec.span_text(a)!r} / {b} {rec.span_text(b)!r}"


@pytest.mark.parametrize("rid", IDS)
def test_sections_are_the_expected_headings_in_order(rid):
    rec, exp = record(rid), expected(rid)
    got = [simplified(rec.span_text(s)) for s in rec.spans if s.label == "SECTION"]
    want = [f"{s['number']}、{s['title']}" for s in exp["sections"]]
    assert got == [simplified(w) for w in want]
    for s in exp["sections"]:
        assert s["key"] is None or s["key"] in T.SECTION_KEYS, s


@pytest.mark.parametrize("rid", IDS)
def test_expected_tables_have_the_template_form(rid):
    exp = expected(rid)
    assert exp["id"] == rid and isinstance(exp["year"], int) and exp["organ"]
    for table, got in exp["tables"].items():
        assert table in T.TABLE_KEYS
        assert (got.get("template") in T.VERSIONS) if table in T.VERSIONED_TABLES else "template" not in got
        tpl = T.table_template(table, got.get("template", "2021"))
        order = [k for k in tpl.row_keys if k in got["rows"]]
        assert list(got["rows"]) == order, f"{table}: rows not in template order or not in the template"
        for row, values in got["rows"].items():
            assert list(values) == list(tpl.row(row).field_keys), (table, row)
            assert all(v is None or type(v) in (int, float) for v in values.values()), (table, row)


@pytest.mark.parametrize("rid", IDS)
def test_cells_read_row_by_row_are_the_expected_tables(rid):
    rec, exp = record(rid), expected(rid)
    rows, flat = read_rows(rec, exp)
    for table, got in exp["tables"].items():
        tpl = T.table_template(table, got.get("template", "2021"))
        if tpl.flat:
            want = [v for r in tpl.row_keys if r in got["rows"] for v in got["rows"][r].values()]
            assert flat == want, table
            continue
        groups = {g.key for g in tpl.groups}
        for (t, key), read in rows.items():
            if t == "?":
                assert read == [], f"row label {key!r} matches no row of the template but carries {read}"
            if t != table:
                continue
            if key in groups and key not in tpl.row_keys:
                assert read == [], f"{table}: group label {key} carries values {read}"
                continue
            assert key in got["rows"], f"{table}: row {key} is printed but not expected"
            want = list(got["rows"][key].values())
            assert read == want or _short_row(read, want), (table, key, read, want)
        missing = [k for k in got["rows"] if (table, k) not in rows]
        assert not missing, f"{table}: expected rows with no ROW_LABEL: {missing}"
    if not any(T.table_template(t, g.get("template", "2021")).flat for t, g in exp["tables"].items()):
        assert flat == [], f"values with no row label: {flat}"


@pytest.mark.parametrize("rid", IDS)
def test_expected_tables_obey_the_rules_or_name_the_publishers_errors(rid):
    exp = expected(rid)
    listed = {e["rule"] for e in exp.get("publisher_errors", [])}
    broken = set().union(*(failing(t, got) for t, got in exp["tables"].items())) if exp["tables"] else set()
    table_rules = {r.name for r in T.RULES}
    assert broken == listed & table_rules, f"rules broken {sorted(broken)} vs listed {sorted(listed & table_rules)}"
    for e in exp.get("publisher_errors", []):
        assert e["rule"] in table_rules | set(T.NARRATIVE_RULES), e
    cells = {
        f"{t}.{row}.{f}" for t, got in exp["tables"].items() for row, values in got["rows"].items() for f in values
    }
    for r in exp.get("readings", []):
        assert {"cells", "printed", "candidates", "chosen", "why"} <= set(r), r
        assert r["chosen"] in r["candidates"], r
        assert set(r["cells"]) <= cells and len(r["cells"]) == len(r["chosen"]), r["cells"]
        values = [exp["tables"][t]["rows"][row][f] for t, row, f in (c.split(".") for c in r["cells"])]
        assert values == r["chosen"], r


@pytest.mark.parametrize("rid", IDS)
def test_year_and_organ_spans_name_the_expected_ones(rid):
    rec, exp = record(rid), expected(rid)
    years = {rec.span_text(s) for s in rec.spans if s.label == "YEAR"}
    assert years <= {str(exp["year"])}, years
    organs = [simplified(rec.span_text(s)) for s in rec.spans if s.label == "ORGAN"]
    # A name printed with a typo (财政全融局) is still the body's name, annotated as printed.
    assert all(o in exp["organ"] or fuzz.ratio(o, exp["organ"]) >= 85 for o in organs), organs
    if organs:
        assert exp["organ"] in organs


@pytest.mark.parametrize("rid", IDS)
def test_figures_are_value_unit_and_metric_in_one_clause(rid):
    rec = record(rid)
    spans = rec.spans
    for i, s in enumerate(spans):
        text = rec.span_text(s)
        if s.label == "FIG_VALUE":
            assert re.fullmatch(r"(?:近|约|超过)?\d+(?:[.,]\d+)*[万亿千]?[余多]?", text), text
            a = max(rec.text.rfind(c, 0, s.start) for c in "。；;\n")
            b = min((p for p in (rec.text.find(c, s.end) for c in "。；;\n") if p >= 0), default=len(rec.text))
            assert any(m.label == "FIG_METRIC" and a < m.start < b for m in spans), (
                f"{rid}: value {text} at {s.start} has no metric in its clause"
            )
        if s.label == "FIG_UNIT":
            gap = rec.text[spans[i - 1].end : s.start]
            assert spans[i - 1].label == "FIG_VALUE" and not gap.strip(), (
                f"{rid}: unit {text} not right after its value"
            )


@pytest.mark.parametrize("rid", IDS)
def test_narrative_application_figures_agree_with_table_3(rid):
    rec, exp = record(rid), expected(rid)
    if "applications" not in exp["tables"] or any(
        e["rule"] == "narrative.applications" for e in exp.get("publisher_errors", [])
    ):
        return
    total = exp["tables"]["applications"]["rows"].get("new_received", {}).get("total")
    carried = exp["tables"]["applications"]["rows"].get("carried_over", {}).get("total") or 0
    for i, s in enumerate(rec.spans):
        metric = simplified(rec.span_text(s))
        if s.label != "FIG_METRIC" or not metric.startswith(T.APPLICATION_FIGURE_METRICS):
            continue
        value = next(v for v in rec.spans[i + 1 :] if v.label == "FIG_VALUE")
        after = rec.spans[rec.spans.index(value) + 1 :]
        unit = rec.span_text(after[0]) if after and after[0].label == "FIG_UNIT" else None
        if unit is not None and unit not in T.APPLICATION_FIGURE_UNITS:
            continue  # 依申请公开政府信息86条 counts information, not applications
        assert int(NUMBER.search(rec.span_text(value))[0]) in (total, total + carried), metric


@pytest.mark.parametrize("rid", IDS)
def test_subsections_start_with_their_bracketed_number(rid):
    rec = record(rid)
    for s in rec.spans:
        if s.label == "SUBSECTION":
            text = rec.span_text(s)
            assert SUBSECTION_NUMBER.match(text), text
            assert not text.endswith(("。", "：", ":")), text
