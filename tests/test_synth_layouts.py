"""The layouts of real scraped reports the generator writes since issue 20, and the realism
comparison: one-line pages with true glued runs, HTML with the national form's spans,
Markdown restructured by OCR/LLM tools, OCR line breaks inside labels, rows printed without
values or not at all, and reports from before the 2019 template. Labels follow
annotations/GUIDELINE.md ("Real scraped layouts")."""

from __future__ import annotations

import json
import re
from collections import Counter

import pytest

from gongkai.model import template as T
from gongkai.training.synth import generate_many
from gongkai.training.synth.layout import numberless

TABLE_LABELS = {"CELL", "BLANK", "ROW_LABEL", "COL_HEADER", "TABLE_TITLE"}


def _labelled(r, label):
    return [s for s in r.spans if s.label == label]


@pytest.fixture(scope="module")
def oneline():
    return list(generate_many(60, seed=21, page="oneline", pre2019=False, damage=[], debug=True))


def test_a_one_line_page_is_the_archives_header_then_one_line(oneline):
    for r in oneline:
        head, _, body = r.text.partition("==================== 正文 ====================\n")
        assert head.startswith("标题: ") and "原文链接: https://" in head, r.id
        assert body and "\n" not in body.rstrip("\n"), r.id
        # Chrome is O: no span in the header lines.
        assert all(s.start >= len(head) for s in r.spans), r.id
    assert sum("微信 微博 QQ空间" in r.text for r in oneline) > 10
    assert sum("MsoNormalTable" in r.text for r in oneline) > 5


def test_one_line_pages_glue_cells_into_runs_and_headings_into_sentences(oneline):
    touching = glued_heading = stray = spaced_header = 0
    for r in oneline:
        cells = _labelled(r, "CELL")
        touching += sum(a.end == b.start for a, b in zip(cells, cells[1:]))
        stray += sum(
            b.start - a.end == 1 and r.text[a.end] == " "
            for a, b in zip(cells, cells[1:])
            if r.meta["settings"]["layouts"] and a.end == b.start - 1
        )
        for s in _labelled(r, "SECTION"):
            glued_heading += s.end < len(r.text) and r.text[s.end] not in " \n"
        spaced_header += sum(" " in r.span_text(s) for s in _labelled(r, "COL_HEADER"))
    assert touching > 60 * 100 and glued_heading > 60 and stray > 5 and spaced_header > 30, (
        touching,
        glued_heading,
        stray,
        spaced_header,
    )


def test_the_signature_names_the_body(oneline):
    signed = 0
    for r in oneline:
        organs = _labelled(r, "ORGAN")
        last = organs[-1] if organs else None
        if last and re.match(r"\s?\d{4}年\d{1,2}月\d{1,2}日", r.text[last.end : last.end + 12]):
            signed += 1
            assert r.span_text(last) == r.meta["organ"]
    assert signed > 20


def test_rows_printed_without_values_or_not_at_all():
    seen_label_only = seen_omitted = 0
    for r in generate_many(
        40, seed=5, page="oneline", pre2019=False, damage=["label_only_rows", "omitted_rows"], debug=True
    ):
        tables = r.meta["tables"]
        for key in r.meta["settings"]["omitted"]:
            table, row = key.split(".", 1)
            assert row not in tables[table]["rows"]
            labels = [d.get("row") for s, d in zip(r.spans, r.meta["debug"]) if s.label == "ROW_LABEL"]
            assert row not in labels
            seen_omitted += 1
        for table, entry in tables.items():
            for row, vals in entry["rows"].items():
                if all(v is None for v in vals.values()):
                    cells = [
                        s for s, d in zip(r.spans, r.meta["debug"]) if d.get("row") == row and d.get("table") == table
                    ]
                    assert all(s.label == "BLANK" for s in cells)
                    seen_label_only += not cells
    assert seen_label_only > 10 and seen_omitted == 40


def test_html_writes_the_national_forms_spans():
    colspans = Counter()
    for r in generate_many(20, seed=4, layout="html", damage=[], debug=True):
        colspans.update(re.findall(r'colspan="(\d+)"', r.text))
        cells = re.sub(r"</?(?:p|span)\b[^>]*>", "", r.text)  # Word's runs inside the cells
        assert re.search(r'<t[dh][^>]*colspan="5"[^>]*>法\s?人\s?或', cells), r.id
    # Table 2's short rows span the rest of the row; the corner spans three columns.
    assert colspans["3"] > 40 and colspans["5"] >= 20, colspans


def test_restructured_markdown():
    numberless_labels = generic = dashes = heading_groups = 0
    for r in generate_many(40, seed=9, layout="md_restructured", damage=["empty_cells"], debug=True):
        for s, d in zip(r.spans, r.meta["debug"]):
            text = r.span_text(s)
            if s.label == "ROW_LABEL" and "row" in d and d.get("row") in T.row_keys_of("applications"):
                row = next(t.row(d["row"]) for t in T.tables_named("applications") if d["row"] in t.row_keys)
                numberless_labels += text in {numberless(label) for label in row.labels} and text not in row.labels
            if s.label == "COL_HEADER" and re.fullmatch(r"列\d+", text):
                generic += 1
            if s.label == "BLANK":
                assert text == "-"
                dashes += 1
            if (
                s.label == "ROW_LABEL"
                and "group" in d
                and r.text[max(0, s.start - 5) : s.start].rstrip().endswith(("#", "**"))
            ):
                heading_groups += 1
    assert numberless_labels > 100 and generic > 20 and dashes > 20 and heading_groups > 40, (
        numberless_labels,
        generic,
        dashes,
        heading_groups,
    )


def test_ocr_breaks_labels_inside_one_span():
    broken = 0
    for r in generate_many(30, seed=3, layout="pipe", damage=["label_breaks"]):
        for s in r.spans:
            if "\n" in r.span_text(s):
                assert s.label in ("ROW_LABEL", "COL_HEADER")
                a, b = r.span_text(s).split("\n", 1)
                assert re.search(r"[\u4e00-\u9fff]$", a) and re.match(r"[\u4e00-\u9fff]", b)
                broken += 1
    assert broken > 60


def test_reports_before_2019_have_no_template_table():
    old = list(generate_many(20, seed=2, pre2019=True, damage=[]))
    for r in old:
        assert 2009 <= r.meta["year"] <= 2018 and r.meta["tables"] == {}
        assert not [s for s in r.spans if s.label in TABLE_LABELS], r.id
        assert "指标名称" in r.text and "历年累计" in r.text
        keys = [s["key"] for s in r.meta["sections"]]
        assert keys[0] == "overview" and "applications" in keys
        for s in r.meta["sections"]:
            assert (s["key"] is None) == (s["title"] in T.PRE_2019_OTHER_HEADINGS)
    assert any(None in [s["key"] for s in r.meta["sections"]] for r in old)


def test_new_layouts_are_common_by_default():
    records = list(generate_many(400, seed=17))
    pages = Counter(r.meta["settings"]["page"] for r in records)
    layouts = Counter(v for r in records for v in r.meta["settings"]["layouts"].values())
    assert pages["oneline"] > 0.35 * len(records) and pages["lines"] > 0.4 * len(records)
    assert layouts["md_restructured"] > 20 and layouts["html"] > 60
    assert 5 <= sum(r.meta["settings"]["pre2019"] for r in records) <= 40
    # The 2019 tables printed in a report of 2021 or later.
    assert any(r.meta["year"] >= 2021 and r.meta["settings"]["versions"].get("applications") == "2019" for r in records)


# --------------------------------------------------------------------------- realism


@pytest.fixture()
def real_folder(tmp_path):
    for rid, text in (
        ("001", "一、本年新收政府信息公开申请数量190000019二、上年结转"),
        ("002", "规章 | 0 | 0 | 0 |"),
        ("006", "HELD-OUT TEXT 9999999"),
    ):
        (tmp_path / "real" / rid).mkdir(parents=True)
        (tmp_path / "real" / rid / "source.txt").write_text(text, encoding="utf-8")
    split = tmp_path / "split.json"
    split.write_text(json.dumps({"train": ["001"], "dev": ["002"], "heldout": ["006"]}), encoding="utf-8")
    return tmp_path / "real", split


def test_compare_never_reads_a_held_out_report(real_folder):
    from gongkai.training.synth.realism import real_texts

    folder, split = real_folder
    texts, records = real_texts([folder], split)
    assert len(texts) == 2 and not records and not any("HELD-OUT" in t for t in texts)
    with pytest.raises(FileNotFoundError, match="split"):
        real_texts([folder], folder / "missing.json")


def test_compare_reports_the_realism_gap(real_folder):
    from typer.testing import CliRunner

    from gongkai.commands.synth import app

    folder, split = real_folder
    result = CliRunner().invoke(app, ["--n", "4", "--compare", str(folder), "--split", str(split)])
    assert result.exit_code == 0, result.output
    gap = float(re.search(r"realism gap.*?\*\*([\d.]+)\*\*", result.output).group(1))
    assert 0 < gap < 1 and "real (2)" in result.output


def test_the_gap_is_smaller_for_the_layout_real_reports_print():
    from gongkai.training.synth.realism import realism_gap, text_stats

    real = text_stats(
        [
            "标题: x\n==== 正文 ====\n一、总体情况2021年,我局…规章000行政规范性文件5416三、申请人情况"
            "一、本年新收政府信息公开申请数量190000019二、上年结转政府信息公开申请数量0000000"
        ]
    )
    one = text_stats((r.text for r in generate_many(5, seed=1, page="oneline", damage=[])), normalised=False)
    pipe = text_stats((r.text for r in generate_many(5, seed=1, layout="pipe", damage=[])), normalised=False)
    assert realism_gap(one, real)["mean"] < realism_gap(pipe, real)["mean"]
