"""Whole reports scraped as one line print every table row with no separator: the rules
decide how a run of digits splits, never the tagger's cuts (built here at test time: a
one-line report, tagged the way the tagger cuts such runs).
"""

import re

import pytest

from gongkai.inference.assemble import assemble
from gongkai.inference.entities import Entity
from gongkai.inference.outputs import long_rows
from gongkai.inference.pipeline import Extractor
from gongkai.model import template as T

APP = T.table_template("applications", "2021")
APP_LABELS = {r.key: r.label for r in APP.rows}
ZERO_ROW = (0,) * 7
# A table 3 that adds up, with multi-digit cells in two columns (rows not listed are zeros).
TABLE3 = {
    "new_received": (125, 12, 0, 0, 1, 7, 145),
    "carried_over": (13, 0, 0, 0, 0, 0, 13),
    "granted": (39, 10, 0, 0, 1, 2, 52),
    "partially_granted": (59, 0, 0, 0, 0, 5, 64),
    "unable.not_held": (5, 0, 0, 0, 0, 0, 5),
    "other_handling.no_correction": (11, 0, 0, 0, 0, 0, 11),
    "other_handling.other": (2, 0, 0, 0, 0, 0, 2),
    "total": (116, 10, 0, 0, 1, 7, 134),
    "carried_forward": (22, 2, 0, 0, 0, 0, 24),
}
HEADER = "(本列数据的勾稽关系为:第一项加第二项之和,等于第三项加第四项之和)申请人情况自然人法人或其他组织总计商业企业科研机构社会公益组织法律服务机构其他"


class Identity:
    """A normalisation that changed nothing."""

    def __init__(self, text):
        self.text = self.source = text

    def to_source(self, a, b):
        return a, b


def one_line_table3(rows: dict) -> tuple[str, list[tuple[str, str]]]:
    """Table 3 as a one-line scrape prints it: labels and digits with no separator. Returns
    the text and the (label, run) pieces in order; group labels print before their rows."""
    parts, pieces = ["三、收到和处理政府信息公开申请情况", HEADER], []
    groups_done = set()
    for r in APP.rows:
        for g in APP.group_path(r.key):
            if g.key not in groups_done:
                groups_done.add(g.key)
                parts.append(g.label)
        run = "".join(map(str, rows.get(r.key, ZERO_ROW)))
        parts += [r.label, run]
        pieces.append((r.label, run))
    parts.append("四、政府信息公开行政复议、行政诉讼情况")
    return "".join(parts), pieces


def tag(text: str, cut) -> list[Entity]:
    """The tagger's entities: headings, the header, every row/group label, and each run cut
    into cells by ``cut`` (run -> list of piece lengths)."""
    ents = [Entity("SECTION", 0, 17, text[:17]), Entity("COL_HEADER", 17, 17 + len(HEADER), HEADER)]
    labels = [*(r.label for r in APP.rows), *(g.label for g in APP.groups)]
    pos = 17 + len(HEADER)
    while pos < len(text):
        label = next((lb for lb in sorted(labels, key=len, reverse=True) if text.startswith(lb, pos)), None)
        if label is not None:
            ents.append(Entity("ROW_LABEL", pos, pos + len(label), label))
            pos += len(label)
            continue
        m = re.compile(r"\d+").match(text, pos)
        if m is None:
            start = text.index("四、", pos)
            ents.append(Entity("SECTION", start, len(text), text[start:]))
            break
        # The next label's list number is glued on the run: the label starts at it.
        run = m.group()
        nxt = text[m.end() :]
        if nxt[:1] in ".":
            run = run[:-1]
        k = pos
        for n in cut(run):
            ents.append(Entity("CELL", k, k + n, text[k : k + n]))
            k += n
        pos += len(run)
    return ents


def per_digit(run):
    return [1] * len(run)


def whole(run):
    return [len(run)]


def rows_of(asm, table="applications"):
    return asm.tables[table].data.to_schema()["rows"]


@pytest.mark.parametrize("cut", [per_digit, whole], ids=["a cell per digit", "one cell per run"])
def test_a_one_line_table_3_is_split_by_its_rules_not_by_the_taggers_cuts(cut):
    text, pieces = one_line_table3(TABLE3)
    asm = assemble(Identity(text), tag(text, cut))
    rows = rows_of(asm)
    assert {k: tuple(v.values()) for k, v in rows.items()} == {r: TABLE3.get(r, ZERO_ROW) for r in APP.row_keys}
    assert not any("extra ones are ignored" in n for n in asm.notes)
    # Provenance: each cell points at its whole run as printed.
    t = asm.tables["applications"]
    src = t.sources["new_received", "natural_person"]
    assert text[src.start : src.end] == "125120017145"
    assert t.data.cells["new_received", "natural_person"].segmented_from == "125120017145"


def test_glued_splits_report_segmented_not_pass():
    text, _ = one_line_table3(TABLE3)
    report = Extractor(lambda docs, ids: [tag(d.text, per_digit) for d in docs]).extract(text).to_dict()
    table3 = [c for c in report["checks"] if c["rule"].startswith("applications.")]
    assert {c["status"] for c in table3} == {"segmented"}
    assert "split from the glued run" in table3[0]["detail"]
    prov = report["provenance"]["applications"]["total"]["natural_person"]
    assert prov["segmented_from"] == "116100017134" == text[prov["start"] : prov["end"]]
    # The CSV says so per cell too.
    rows = list(long_rows(report))
    assert {r[5] for r in rows if r[1] == "applications"} == {"segmented"}


def test_a_table_whose_printed_numbers_do_not_add_up_is_kept_and_exactly_its_broken_rules_fail():
    # The publisher's total row says 117 natural persons where the outcomes add up to 116.
    printed = dict(TABLE3, total=(117, 10, 0, 0, 1, 7, 135))
    text, _ = one_line_table3(printed)
    report = Extractor(lambda docs, ids: [tag(d.text, per_digit) for d in docs]).extract(text).to_dict()
    rows = report["tables"]["applications"]["rows"]
    assert tuple(rows["total"].values()) == (117, 10, 0, 0, 1, 7, 135)
    assert tuple(rows["granted"].values()) == TABLE3["granted"]
    failed = sorted((c["rule"], c.get("column") or c.get("row")) for c in report["checks"] if c["status"] == "fail")
    assert failed == [
        ("applications.balance", "natural_person"),
        ("applications.balance", "total"),
        ("applications.outcomes", "natural_person"),
        ("applications.outcomes", "total"),
    ]
    others = {c["status"] for c in report["checks"] if c["rule"].startswith("applications.") and c["status"] != "fail"}
    assert others == {"segmented"}
    assert any("do not add up" in w and "applications.balance (natural_person)" in w for w in report["warnings"])


TABLE2 = (
    "二、主动公开政府信息情况第二十条第(一)项信息内容本年制发件数本年废止件数现行有效件数规章000行政规范性文件{run}"
    "第二十条第(五)项信息内容本年处理决定数量行政许可8801第二十条第(八)项信息内容本年收费金额(单位:万元)"
    "行政事业性收费02025年,我局{narrative}三、收到和处理政府信息公开申请情况"
)


def tag_table2(text: str) -> list[Entity]:
    ents = []
    for label, words in (
        ("TABLE_TITLE", [r"第二十条第\(.\)项"]),
        (
            "COL_HEADER",
            [
                "信息内容",
                "本年制发件数",
                "本年废止件数",
                "现行有效件数",
                "本年处理决定数量",
                r"本年收费金额\(单位:万元\)",
            ],
        ),
        ("ROW_LABEL", ["规章", "行政规范性文件", "行政许可", "行政事业性收费"]),
        ("SECTION", ["二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况"]),
    ):
        for w in words:
            ents += [Entity(label, m.start(), m.end(), m.group()) for m in re.finditer(w, text)]
    # The tagger cuts each run into one-digit cells and takes 02025 for a year.
    for m in re.finditer(r"(?<=规章)000|(?<=行政规范性文件)\d+|(?<=行政许可)\d+", text):
        ents += [Entity("CELL", k, k + 1, text[k]) for k in range(m.start(), m.end())]
    y = text.index("02025")
    ents.append(Entity("YEAR", y, y + 5, "02025"))
    return sorted(ents, key=lambda e: (e.start, e.end))


def extract_table2(run, narrative="认真做好公开工作。"):
    text = TABLE2.format(run=run, narrative=narrative)
    return Extractor(lambda docs, ids: [tag_table2(d.text) for d in docs]).extract(text).to_dict()


def test_a_table_2_run_the_narrative_decides():
    report = extract_table2(
        "5416", "全面梳理了我局现行有效的规范性文件16件。2023年,我局制定规范性文件5件,全部完成图文解读。"
    )
    rows = report["tables"]["active_disclosure"]["rows"]
    assert rows["normative_documents"] == {"issued": 5, "repealed": 4, "in_force": 16}
    check = next(
        c for c in report["checks"] if c["rule"] == "active_disclosure.split" and c["row"] == "normative_documents"
    )
    assert check["status"] == "segmented" and "制定规范性文件5件" in check["detail"]
    assert report["provenance"]["active_disclosure"]["normative_documents"]["repealed"]["segmented_from"] == "5416"
    # Single-number rows read as printed; the year glued to the last one is the sentence's.
    assert rows["licensing"] == {"decisions": 8801} and rows["fees"] == {"amount": 0}


def test_a_table_2_run_nothing_decides_stays_null_with_its_candidates():
    report = extract_table2("5416")
    rows = report["tables"]["active_disclosure"]["rows"]
    # Both readings left (5 | 4 | 16, 5 | 41 | 6; 54 | 1 | 6 has fewer in force than issued) agree
    # on the 5 issued: it is read, the two cells they disagree on are null with their candidates.
    assert rows["normative_documents"] == {"issued": 5, "repealed": None, "in_force": None}
    prov = report["provenance"]["active_disclosure"]["normative_documents"]
    assert prov["repealed"]["candidates"] == [4, 41] and prov["in_force"]["candidates"] == [6, 16]
    check = next(
        c for c in report["checks"] if c["rule"] == "active_disclosure.split" and c["row"] == "normative_documents"
    )
    assert check["status"] == "ambiguous"
    assert any("5 | 4 | 16 or 5 | 41 | 6" in w for w in report["warnings"])
    assert {r[5] for r in long_rows(report) if r[2] == "normative_documents" and r[3] != "issued"} == {"ambiguous"}
    # The rules row (000) has one split only: read, and marked as split.
    assert rows["rules"] == {"issued": 0, "repealed": 0, "in_force": 0}


def test_an_implausible_split_is_no_candidate():
    prov = extract_table2("2159165")["provenance"]["active_disclosure"]["normative_documents"]
    assert 59165 not in prov["in_force"]["candidates"]  # 2 | 1 | 59165 documents
    assert 165 in prov["in_force"]["candidates"]


def test_table_4_printed_flat_with_more_digits_than_cells():
    head = "四、政府信息公开行政复议、行政诉讼情况行政复议行政诉讼结果维持结果纠正其他结果尚未审结总计"
    text = head + "10000100000000000我局未发生行政诉讼。五、存在的主要问题及改进情况"
    ents = [Entity("SECTION", 0, 19, text[:19])]
    ents += [
        Entity("COL_HEADER", m.start(), m.end(), m.group())
        for m in re.finditer("行政复议|行政诉讼|结果维持|结果纠正|其他结果|尚未审结|总计", text[: len(head)])
        if m.start() >= 19
    ]
    # The first digit taken for a year, the rest a cell each.
    ents.append(Entity("YEAR", len(head), len(head) + 1, "1"))
    ents += [Entity("CELL", k, k + 1, text[k]) for k in range(len(head) + 1, len(head) + 17)]
    ents.append(Entity("SECTION", text.index("五、"), len(text), text[text.index("五、") :]))
    rows = rows_of(assemble(Identity(text), ents), "reviews")
    assert rows["review"] == {"upheld": 10, "corrected": 0, "other": 0, "pending": 0, "total": 10}
    assert set(rows["litigation_direct"].values()) == {0} == set(rows["litigation_after_review"].values())


def test_a_minus_word_is_a_sign_and_rows_printed_empty_lose_nothing():
    # 2019 table 2: 本年增/减 printed as 减12, the 减 tagged as a header word.
    text = "第二十条第(八)项信息内容上一年项目数量本年增/减行政事业性收费16减12第二十条第(九)项"
    ents = [
        Entity("TABLE_TITLE", 0, 10, text[:10]),
        Entity("ROW_LABEL", 25, 32, "行政事业性收费"),
        Entity("CELL", 32, 34, "16"),
        Entity("COL_HEADER", 34, 35, "减"),
        Entity("CELL", 35, 37, "12"),
        Entity("TABLE_TITLE", 37, 47, text[37:]),
    ]
    ents += [Entity("COL_HEADER", m.start(), m.end(), m.group()) for m in re.finditer("上一年项目数量|本年增/减", text)]
    asm = assemble(
        Identity(text),
        sorted(ents, key=lambda e: e.start),
    )
    assert rows_of(asm, "active_disclosure")["fees"] == {"previous": 16, "change": -12}


def test_labels_printed_with_no_numbers_leave_the_run_to_the_last_one():
    other = APP_LABELS["other_handling.other"]
    text = f"{APP_LABELS['other_handling.unpaid_fee']}{other}{APP_LABELS['total']}1000001{APP_LABELS['carried_forward']}0000000"
    ents = []
    for key in ("other_handling.unpaid_fee", "other_handling.other", "total", "carried_forward"):
        k = text.index(APP_LABELS[key])
        ents.append(Entity("ROW_LABEL", k, k + len(APP_LABELS[key]), APP_LABELS[key]))
    ents += [
        Entity("CELL", m.start(), m.end(), m.group())
        for m in re.finditer(r"\d", text)
        if not any(e.start <= m.start() < e.end for e in ents)
    ]
    rows = rows_of(assemble(Identity(text), sorted(ents, key=lambda e: e.start)))
    assert tuple(rows["total"].values()) == (1, 0, 0, 0, 0, 0, 1)
    # The rows printed with no numbers are read blank, not left out (real 030 prints two).
    assert set(rows["other_handling.unpaid_fee"].values()) == set(rows["other_handling.other"].values()) == {None}
