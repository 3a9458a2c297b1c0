"""The assembler: tags + the format knowledge → tables, sections, figures.

Texts here are tagged by a tiny rule for pipe rows (first cell a row label, numbers cells,
empty cells blanks), which is enough to exercise the assembler without a model.
"""

import re
from dataclasses import dataclass

from gongkai.inference.assemble import assemble
from gongkai.inference.entities import Entity
from gongkai.model import template as T


@dataclass
class Identity:
    """A normalisation that changed nothing."""

    text: str

    @property
    def source(self):
        return self.text

    def to_source(self, a, b):
        return a, b


def tag_pipe_rows(text: str, header_lines=()) -> list[Entity]:
    """ROW_LABEL for the first cell of a pipe row, CELL for numbers, BLANK for an empty
    cell's separator; COL_HEADER for every cell of the given header lines."""
    out = []
    pos = 0
    for lineno, line in enumerate(text.split("\n")):
        if "|" in line:
            seps = [m.start() + pos for m in re.finditer(r"\|", line)]
            first = True
            for k, sep in enumerate(seps):
                start = seps[k - 1] + 1 if k else pos
                raw = text[start:sep]
                stripped = raw.strip()
                if not stripped:
                    if not first and k < len(seps) - 1:
                        out.append(Entity("BLANK", sep, sep + 1, "|"))
                    continue
                a = start + raw.index(stripped)
                b = a + len(stripped)
                if lineno in header_lines:
                    label = "COL_HEADER"
                elif re.fullmatch(r"[-+?]*[\d.,]+[^\d.]{0,2}", stripped) and not re.search(r"\d\.\D", stripped):
                    label = "CELL"
                else:
                    label = "ROW_LABEL"
                first = False
                out.append(Entity(label, a, b, stripped))
        elif re.match(r"^[一二三四五六]、", line):
            out.append(Entity("SECTION", pos, pos + len(line), line))
        pos += len(line) + 1
    return out


TABLE2_2021 = """二、主动公开政府信息情况
第二十条第(一)项 | |||
信息内容 | 本年制发件数 | 本年废止件数 | 现行有效件数 |
规章 | 0 | 0 | 0 |
行政规范性文件 | 20 | 8 | 231 |
第二十条第(五)项 | |||
信息内容 | 本年处理决定数量 | ||
行政许可 | 0 | ||
第二十条第(八)项 | |||
信息内容 | 本年收费金额(单位:万元) | ||
行政事业性收费 | 3443 |"""


def test_table2_2021_pipe_rows():
    text = TABLE2_2021
    ents = tag_pipe_rows(text, header_lines={2, 6, 9})
    ents += [Entity("TABLE_TITLE", m.start(), m.end(), m.group()) for m in re.finditer(r"第二十条第\(.\)项", text)]
    asm = assemble(Identity(text), ents)
    t = asm.tables["active_disclosure"].data
    assert t.template == "2021"
    assert t.to_schema()["rows"] == {
        "rules": {"issued": 0, "repealed": 0, "in_force": 0},
        "normative_documents": {"issued": 20, "repealed": 8, "in_force": 231},
        "licensing": {"decisions": 0},
        "fees": {"amount": 3443},
    }
    assert [s.key for s in asm.sections] == ["active_disclosure"]


def test_table2_2019_is_recognised_by_its_rows_and_headers():
    text = """第二十条第(五)项 | |||
信息内容 | 上一年项目数量 (指2018年事项数) | 本年增/减 | 处理决定数量 |
行政许可 | ?????523 | -12 | 147162 |
第二十条第(九)项 | |||
信息内容 | 采购项目数量 | 采购总金额 | |
政府集中采购 | 382 | 16491.8万元 | |"""
    asm = assemble(Identity(text), tag_pipe_rows(text, header_lines={1, 4}))
    t = asm.tables["active_disclosure"].data
    assert t.template == "2019"
    assert t.to_schema()["rows"] == {
        "licensing": {"previous": 523, "change": -12, "decisions": 147162},
        "procurement": {"projects": 382, "amount": 16491.8},
    }


def _applications_text(version: str, values: dict[str, list]) -> str:
    """Table 3 printed as pipe rows from the template, group labels in their own cells."""
    tpl = T.table_template("applications", version)
    lines = []
    printed_groups = set()
    for row in tpl.rows:
        cells = []
        for g in tpl.group_path(row.key):
            if g.key not in printed_groups:
                cells.append(g.label)
                printed_groups.add(g.key)
        cells.append(row.label)
        cells += ["" if v is None else str(v) for v in values.get(row.key, [0] * 7)]
        lines.append(" | ".join(cells) + " | |")
    return "\n".join(lines)


def test_table3_groups_and_the_2021_other_handling_rows():
    values = {
        "new_received": [5, 0, 0, 0, 0, 1, 6],
        "granted": [3, 0, 0, 0, 0, 1, 4],
        "other_handling.other": [2, 0, 0, 0, 0, 0, 2],
        "total": [5, 0, 0, 0, 0, 1, 6],
        "carried_forward": [0, 0, 0, 0, 0, None, 0],
    }
    text = _applications_text("2021", values)
    asm = assemble(Identity(text), tag_pipe_rows(text))
    t = asm.tables["applications"].data
    assert t.template == "2021"
    rows = t.to_schema()["rows"]
    assert set(rows) == set(T.table_template("applications", "2021").row_keys)
    assert rows["other_handling.other"]["natural_person"] == 2
    assert rows["denied.state_secret"]["total"] == 0
    assert rows["carried_forward"]["other_org"] is None  # a blank stays blank


def test_table3_2019_has_one_other_handling_row():
    text = _applications_text("2019", {"other_handling": [1, 0, 0, 0, 0, 0, 1]})
    asm = assemble(Identity(text), tag_pipe_rows(text))
    t = asm.tables["applications"].data
    assert t.template == "2019"
    assert t.to_schema()["rows"]["other_handling"]["total"] == 1


def test_table4_printed_as_one_row_of_fifteen_numbers():
    head = "行政复议 | 行政诉讼 |\n结果维持 | 结果纠正 | 其他结果 | 尚未审结 | 总计 | 未经复议直接起诉 | 复议后起诉 |"
    nums = "8 | 7 | 1 | 0 | 16 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 |"
    text = head + "\n" + nums
    ents = tag_pipe_rows(head, header_lines={0, 1})
    ents += [
        Entity("CELL", len(head) + 1 + m.start(), len(head) + 1 + m.end(), m.group()) for m in re.finditer(r"\d+", nums)
    ]
    asm = assemble(Identity(text), ents)
    rows = asm.tables["reviews"].data.to_schema()
    assert "template" not in rows  # SCHEMA.md: table 4 carries no template key
    assert rows["rows"]["review"] == {"upheld": 8, "corrected": 7, "other": 1, "pending": 0, "total": 16}
    assert rows["rows"]["litigation_after_review"]["total"] == 0


def test_sections_keep_the_title_as_written_and_map_renumbered_headings():
    text = "一、主动公开政府信息情况\n正文\n四、信息公开工作被申请行政复议、提起行政诉讼情况"
    asm = assemble(Identity(text), tag_pipe_rows(text))
    assert [(s.key, s.number, s.title) for s in asm.sections] == [
        ("active_disclosure", "一", "主动公开政府信息情况"),
        ("reviews", "四", "信息公开工作被申请行政复议、提起行政诉讼情况"),
    ]


def _ents(text, *parts):
    out = []
    for label, piece, nth in parts:
        start = [m.start() for m in re.finditer(re.escape(piece), text)][nth]
        out.append(Entity(label, start, start + len(piece), piece))
    return out


def test_figures_get_their_own_metric_and_unit():
    text = "新增主动公开信息815条,其中:人事信息16条、政府文件60条;受理3件政协委员提案,办复率均达100%。全县14000余条。"
    ents = _ents(
        text,
        ("FIG_METRIC", "新增主动公开信息", 0),
        ("FIG_VALUE", "815", 0),
        ("FIG_UNIT", "条", 0),
        ("FIG_METRIC", "人事信息", 0),
        ("FIG_VALUE", "16", 0),
        ("FIG_UNIT", "条", 1),
        ("FIG_METRIC", "政府文件", 0),
        ("FIG_VALUE", "60", 0),
        ("FIG_UNIT", "条", 2),
        ("FIG_VALUE", "3", 0),
        ("FIG_UNIT", "件", 1),
        ("FIG_METRIC", "政协委员提案", 0),
        ("FIG_METRIC", "办复率", 0),
        ("FIG_VALUE", "100", 0),
        ("FIG_UNIT", "%", 0),
        ("FIG_VALUE", "14000余", 0),
        ("FIG_UNIT", "条", 3),
    )
    figs = assemble(Identity(text), ents).figures
    got = [(f.metric, f.value, f.unit, f.approximate) for f in figs]
    assert got == [
        ("新增主动公开信息", 815, "条", False),
        ("人事信息", 16, "条", False),
        ("政府文件", 60, "条", False),
        ("政协委员提案", 3, "件", False),
        ("办复率", 100, "%", False),
        (None, 14000, "条", True),
    ]
    assert text[figs[1].start : figs[1].end] == "人事信息16条"
    assert text[figs[3].start : figs[3].end] == "3件政协委员提案"


def test_a_rate_never_takes_a_count():
    """``5项[依申请类政务服务事项进驻]5项,[进驻率]100%`` with the two metrics read as one: the second
    ``5项`` is left without a metric rather than given to the rate, and the rate keeps its 100%."""
    text = "全中心5项依申请类政务服务事项进驻5项,进驻率100%。"
    ents = _ents(
        text,
        ("FIG_VALUE", "5", 0),
        ("FIG_UNIT", "项", 0),
        ("FIG_METRIC", "依申请类政务服务事项进驻", 0),
        ("FIG_VALUE", "5", 1),
        ("FIG_UNIT", "项", 2),
        ("FIG_METRIC", "进驻率", 0),
        ("FIG_VALUE", "100", 0),
        ("FIG_UNIT", "%", 0),
    )
    got = [(f.metric, f.value, f.unit) for f in assemble(Identity(text), ents).figures]
    assert got == [("依申请类政务服务事项进驻", 5, "项"), (None, 5, "项"), ("进驻率", 100, "%")]


def test_year_and_organ_take_the_most_stated_value():
    text = "2021年奎屯市政府信息公开年度报告。2021年,奎屯市人民政府办公室…发布于2022年1月"
    ents = _ents(text, ("YEAR", "2021", 0), ("YEAR", "2021", 1), ("ORGAN", "奎屯市人民政府办公室", 0))
    asm = assemble(Identity(text), ents)
    assert asm.year == 2021 and asm.organ == "奎屯市人民政府办公室"


def test_digits_of_one_number_tagged_as_several_cells_are_joined_back():
    text = "行政规范性文件 | 20 | 8 | 231 |"
    ents = [Entity("ROW_LABEL", 0, 7, "行政规范性文件")]
    for m in re.finditer(r"\d", text):  # every digit its own cell, as an undertrained tagger does
        ents.append(Entity("CELL", m.start(), m.end(), m.group()))
    t = assemble(Identity(text), ents).tables["active_disclosure"].data
    assert t.to_schema()["rows"]["normative_documents"] == {"issued": 20, "repealed": 8, "in_force": 231}


def test_genuinely_glued_cells_are_not_joined():
    text = "一、本年新收政府信息公开申请数量6000017"
    ents = [Entity("ROW_LABEL", 0, 16, text[:16])]
    ents += [Entity("CELL", 16 + k, 17 + k, ch) for k, ch in enumerate("6000017")]
    rows = assemble(Identity(text), ents).tables["applications"].data.to_schema()["rows"]
    assert list(rows["new_received"].values()) == [6, 0, 0, 0, 0, 1, 7]


def test_without_a_tagged_year_the_most_stated_year_is_the_reporting_year():
    import json
    from pathlib import Path

    from gongkai.inference.assemble import stated_year
    from gongkai.inference.normalise import normalise
    from gongkai.training.corpus import read_jsonl

    root = Path(__file__).resolve().parents[1] / "annotations"
    for path in sorted((root / "gold").glob("*.jsonl")):
        rec = next(read_jsonl(path))
        if not any(s.label == "YEAR" for s in rec.spans):
            continue  # 053, one page of a PDF, states no year at all
        expected = json.loads((root / "expected" / f"{rec.id}.json").read_text(encoding="utf-8"))["year"]
        assert stated_year(normalise(rec.text).text) == expected, rec.id


# --------------------------------------------------------------------------- repairs of the tags
# Small synthetic texts with the tagger's typical slips; each repair is a general rule.


def _at(text, label, piece, nth=0):
    start = [m.start() for m in re.finditer(re.escape(piece), text)][nth]
    return Entity(label, start, start + len(piece), piece)


APP_ROW = "1.本机关不掌握相关政府信息"


def test_a_number_tagged_as_a_row_label_is_a_cell():
    text = f"(四)无法提供 | {APP_ROW} | 5 | 0 | 0 | 0 | 0 | 0 | 5 |"
    ents = [_at(text, "ROW_LABEL", "(四)无法提供"), _at(text, "ROW_LABEL", APP_ROW), _at(text, "ROW_LABEL", "5", 0)]
    ents += [_at(text, "CELL", "0", k) for k in range(5)] + [_at(text, "ROW_LABEL", "5", 1)]
    rows = assemble(Identity(text), ents).tables["applications"].data.to_schema()["rows"]
    assert list(rows["unable.not_held"].values()) == [5, 0, 0, 0, 0, 0, 5]


def test_a_cell_is_widened_to_its_sign_and_its_untagged_digits():
    text = "上一年项目数量 | 本年增/减 | 处理决定数量 |\n行政许可 | 523 | -12 | 147162 |"
    ents = tag_pipe_rows(text, header_lines={0})
    ents = [
        Entity("CELL", e.start + 1, e.end, e.text[1:])
        if e.text == "-12"
        else Entity("CELL", e.start, e.end - 2, e.text[:-2])
        if e.text == "147162"
        else e
        for e in ents
    ]
    rows = assemble(Identity(text), ents).tables["active_disclosure"].data.to_schema()["rows"]
    assert rows["licensing"] == {"previous": 523, "change": -12, "decisions": 147162}


def test_empty_printed_cells_are_blanks_but_padding_lines_are_not():
    # One cell per line: the row's three cells are lone pipes; the fourth closes the row.
    text = "第二十条第(一)项 |\n规章 |\n0 |\n0 |\n0 |\n|\n规范性文件 |\n|\n|\n|\n|\n第二十条第(五)项 |"
    ents = [
        _at(text, "TABLE_TITLE", "第二十条第(一)项"),
        _at(text, "ROW_LABEL", "规章"),
        _at(text, "ROW_LABEL", "规范性文件"),
        _at(text, "TABLE_TITLE", "第二十条第(五)项"),
    ]
    ents += [Entity("CELL", m.start(), m.end(), "0") for m in re.finditer("0", text)]
    t = assemble(Identity(text), ents).tables["active_disclosure"].data
    assert list(t.to_schema()["rows"]["normative_documents"].values()) == [None, None, None]
    # A line of pipes only (`||`, `||||`) is padding even between two values.
    from gongkai.inference.table_values import printed_cells

    text = "0 |\n||\n7 |"
    got = printed_cells(text, 0, len(text), [_at(text, "CELL", "0"), _at(text, "CELL", "7")], 2)
    assert [e.text for e in got] == ["0", "7"]
    # A pipe row: the trailing `| |` after the last field is padding, not a third value.
    text = "本年增/减 |\n行政事业性收费 | 59 | +28 | |"
    rows = assemble(Identity(text), tag_pipe_rows(text, header_lines={0})).tables["active_disclosure"]
    assert rows.data.to_schema()["rows"]["fees"] == {"previous": 59, "change": 28}


def test_table4_blank_between_values_and_a_split_00_read_off_the_pipes():
    head = "结果维持 |\n结果纠正 |\n其他结果 |\n尚未审结 |\n总计 |\n|||||\n"
    nums = ["0"] * 4 + ["00"] + ["0"] * 4 + [""] + ["0"] * 5
    text = head + "".join(f"{n} |\n" if n else "|\n" for n in nums)
    ents = [_at(text, "COL_HEADER", w) for w in ("结果维持", "结果纠正", "其他结果", "尚未审结", "总计")]
    # The tagger splits `00` in two and misses the lone `|` of the blank: still 15 pieces.
    ents += [
        Entity("CELL", m.start() + k, m.start() + k + 1, "0")
        for m in re.finditer(r"\d+", text)
        for k in range(len(m.group()))
    ]
    rows = assemble(Identity(text), ents).tables["reviews"].data
    assert rows.cells["review", "total"].text == "00"
    assert rows.to_schema()["rows"]["litigation_direct"]["total"] is None
    assert rows.to_schema()["rows"]["litigation_after_review"] == dict.fromkeys(
        ("upheld", "corrected", "other", "pending", "total"), 0
    )


def test_a_label_broken_into_a_row_label_and_a_header_piece_is_one_label():
    text = "采购项目数量 | 采购总金额 |\n政府集中采购 | 382 | 16491.8万元 | |"
    ents = tag_pipe_rows(text, header_lines={0})
    ents = [e for e in ents if e.label != "ROW_LABEL"] + [
        _at(text, "ROW_LABEL", "政府集中"),
        Entity("COL_HEADER", text.index("采购 |"), text.index("采购 |") + 2, "采购"),
    ]
    rows = assemble(Identity(text), ents).tables["active_disclosure"].data.to_schema()["rows"]
    assert rows["procurement"] == {"projects": 382, "amount": 16491.8}


def test_a_glued_run_tagged_as_one_cell_is_split_when_the_rules_allow_one_split():
    label = "一、本年新收政府信息公开申请数量"
    text = f"{label} | 300001031 |\n二、上年结转政府信息公开申请数量 | 110000011 |"
    ents = [
        _at(text, "ROW_LABEL", label),
        _at(text, "CELL", "300001031"),
        _at(text, "ROW_LABEL", "二、上年结转政府信息公开申请数量"),
        _at(text, "CELL", "110000011"),
    ]
    asm = assemble(Identity(text), ents)
    rows = asm.tables["applications"].data.to_schema()["rows"]
    assert list(rows["new_received"].values()) == [30, 0, 0, 0, 1, 0, 31]
    # Two splits fit 110000011 (1,10,…,11 and 11,0,…,11): the cells they disagree on are null
    # with their candidates, never the run read as one number; the cells they agree on are read.
    assert rows["carried_over"] == {
        "natural_person": None,
        "commercial": None,
        "research": 0,
        "social_welfare": 0,
        "legal_service": 0,
        "other_org": 0,
        "total": 11,
    }
    cells = asm.tables["applications"].data.cells
    assert cells["carried_over", "natural_person"].split_candidates == (1, 11)
    assert cells["carried_over", "commercial"].split_candidates == (0, 10)
    assert cells["carried_over", "total"].segmented_from == "110000011"
    assert any("several readings" in n for n in asm.notes)


def test_headings_without_a_number_are_dropped_and_missed_ones_found_on_their_line():
    text = (
        "报告\n一、总体情况\n正文。\n二、主动公开政府信息情况\n(一)存在的问题。正文。\n"
        "四、结转下年度继续办理\n五、存在的主要问题及改进情况\n正文"
    )
    ents = [
        _at(text, "SECTION", "二、主动公开政府信息情况"),
        _at(text, "SECTION", ")存在的问题"),
        _at(text, "ROW_LABEL", "四、结转下年度继续办理"),
        _at(text, "SECTION", "五、存在的主要问题及改进情况"),
    ]
    got = [(s.key, s.number, s.title) for s in assemble(Identity(text), ents).sections]
    assert got == [
        ("overview", "一", "总体情况"),
        ("active_disclosure", "二", "主动公开政府信息情况"),
        ("problems", "五", "存在的主要问题及改进情况"),
    ]


def test_organ_fragments_are_snapped_to_whole_names_and_short_forms_join_the_full_one():
    text = "2021年奎屯市政府信息公开年度报告。在奎屯市人民政府网站,奎屯市政府门户网站。请与随县人民政府联系"
    ents = [_at(text, "ORGAN", "奎屯市"), _at(text, "ORGAN", "奎屯", 1), _at(text, "ORGAN", "奎", 2)]
    assert assemble(Identity(text), ents).organ == "奎屯市人民政府"
    assert assemble(Identity(text), [_at(text, "ORGAN", "随")]).organ == "随县人民政府"
    # A name run on into its unit's word (中心 + 办…) is cut back when another mention agrees.
    text = "保障中心信息公开工作。请与保障中心办公室联系"
    ents = [_at(text, "ORGAN", "保障中心"), _at(text, "ORGAN", "保障中心办", 0)]
    assert assemble(Identity(text), ents).organ == "保障中心"


def test_the_titles_organ_completes_mentions_that_lost_their_first_character():
    # Real 029 and 053: the tagger leaves out 苏 (rare) and 淮 (not in its vocabulary).
    text = "标题: 平潭综合实验区苏平片区管理局2022年度政府信息公开工作年度报告\n请联系苏平片区管理局党政办公室。2022年，苏平片区"
    ents = [_at(text, "ORGAN", "平", 2), _at(text, "ORGAN", "区管理局", 1), _at(text, "ORGAN", "平", 3)]
    assert assemble(Identity(text), ents).organ == "平潭综合实验区苏平片区管理局"
    text = "淮安市人民政府\n2024年政府信息公开工作年度报告\n请与淮安市人民政府办公室联系"
    assert assemble(Identity(text), [_at(text, "ORGAN", "安市人民政府")]).organ == "淮安市人民政府"
    assert assemble(Identity(text), []).organ == "淮安市人民政府"  # no mention: the title's
    # A sentence that names the report is no title: the mention's own name stands.
    text = "现将随县人民政府2019年政府信息公开工作年度报告公布如下。请与随县人民政府联系"
    assert assemble(Identity(text), [_at(text, "ORGAN", "随县人民政府", 1)]).organ == "随县人民政府"


def test_figure_values_made_whole_and_their_units_read():
    text = "新增主动公开信息815条,修改错别字15250余处,收到申请1件,依据第3条。"
    ents = [
        _at(text, "FIG_VALUE", "8"),
        _at(text, "FIG_VALUE", "15"),
        _at(text, "FIG_VALUE", "15250余"),  # unit 处 left untagged
        _at(text, "FIG_UNIT", "件"),  # value 1 left untagged
        _at(text, "FIG_UNIT", "条", 1),
    ]  # 第3条 is an article, not a figure
    got = [(f.value, f.unit, f.approximate) for f in assemble(Identity(text), ents).figures]
    assert got == [(815, "条", False), (15250, "处", True), (1, "件", False)]


# --------------------------------------------------------------------------- glued headings, old reports


def _sections(text, *tagged):
    ents = [_at(text, "SECTION", piece) for piece in tagged]
    return [(s.key, s.number, s.title) for s in assemble(Identity(text), ents).sections]


def test_a_heading_glued_to_its_first_sentence_gives_its_own_title():
    text = "正文。五、存在的主要问题及改进情况存在问题。六、其他需要报告的事项无其他需要报告的事项。"
    # The tagger ran on into the sentence, or the line snap took the short rest of the line.
    assert _sections(text, "五、存在的主要问题及改进情况存", "六、其他需要报告的事项无其他需要报告的事项") == [
        ("problems", "五", "存在的主要问题及改进情况"),
        ("other", "六", "其他需要报告的事项"),
    ]
    text = "报告。一、总体情况2021年,我局认真贯彻执行《条例》。"
    assert _sections(text, "一、总体情况2021年") == [("overview", "一", "总体情况")]


def test_a_glued_heading_the_tagger_missed_is_found_by_its_exact_title_after_a_sentence():
    # Real 027 under a model that never saw it: the one-line page's 一、总体情况 untagged.
    text = "报告全文由总体情况、主动公开政府信息情况组成,可在网站下载。一、总体情况今年我局制作信息12条。二、主动公开政府信息情况本年无。"
    assert _sections(text, "二、主动公开政府信息情况") == [
        ("overview", "一", "总体情况"),
        ("active_disclosure", "二", "主动公开政府信息情况"),
    ]
    # Not after a sentence's end (a list of the parts), or a number out of order: no heading.
    text = "报告全文由一、总体情况等组成。三、总体情况今年我局制作信息12条。二、主动公开政府信息情况本年无。"
    assert _sections(text, "二、主动公开政府信息情况") == [("active_disclosure", "二", "主动公开政府信息情况")]


def test_a_heading_cut_short_or_misprinted_gives_the_title_as_printed():
    text = "正文。三、政府信息依申请公开工作情况2018年未收到申请。四、政府信息公开行政法复议、行政诉讼情况无。"
    assert _sections(text, "三、政", "四、政府信息公开行政法复议、行政诉讼情况无") == [
        ("applications", "三", "政府信息依申请公开工作情况"),
        ("reviews", "四", "政府信息公开行政法复议、行政诉讼情况"),
    ]
    # A heading the format does not know keeps what was tagged.
    assert _sections("正文。\n二、工作亮点\n正文", "二、工作亮点") == [("active_disclosure", "二", "工作亮点")]


OLD_REPORT = (
    "平潭综合实验区2013年政府信息公开工作年度报告 一、概述 2013年全区政府信息公开工作持续稳步开展。"
    "二、主动公开政府信息情况 2013年主动公开政府信息4970条。三、政府信息依申请公开工作情况 2013年未收到申请。"
    "四、因政府信息公开申请行政复议、提起行政诉讼的情况 无。五、主要问题和改进措施 加强培训。"
    "六、政府信息公开情况统计表指标名称 计量单位 2013年度 历年累计 行政复议数 件 0 0 行政诉讼数 件 0 0"
)


def _old_report_entities(text):
    ents = [
        _at(text, "SECTION", h)
        for h in (
            "一、",
            "二、主动公开政府信息情况",
            "三、政府信息依申请公开工作情况",
            "四、因政府信息公开申请行政复议、提起行政诉讼的情况",
            "五、主要问题和改进措施",
            "六、政府信息公开情况",
        )
    ]
    ents += [
        _at(text, "ROW_LABEL", "行政复议数"),
        _at(text, "CELL", "0", 0),
        _at(text, "CELL", "0", 1),
        _at(text, "FIG_METRIC", "主动公开政府信息"),
        _at(text, "FIG_VALUE", "4970"),
        _at(text, "FIG_UNIT", "条", 0),
    ]
    ents += [Entity("YEAR", m.start(), m.end(), m.group()) for m in re.finditer("2013", text)][:1]
    return sorted(ents, key=lambda e: e.start)


def test_a_report_from_before_the_templates_has_sections_and_figures_but_no_template_tables():
    asm = assemble(Identity(OLD_REPORT), _old_report_entities(OLD_REPORT))
    assert asm.year == 2013 and asm.tables == {}
    assert any("no template tables" in n and "2013" in n for n in asm.notes)
    assert [(s.key, s.title) for s in asm.sections] == [
        ("overview", "概述"),
        ("active_disclosure", "主动公开政府信息情况"),
        ("applications", "政府信息依申请公开工作情况"),
        ("reviews", "因政府信息公开申请行政复议、提起行政诉讼的情况"),
        ("problems", "主要问题和改进措施"),
        (None, "政府信息公开情况统计表"),
    ]
    assert [(f.metric, f.value) for f in asm.figures] == [("主动公开政府信息", 4970)]
    # Without a year, the old-style statistics table says the same.
    text = OLD_REPORT.replace("2013", "")
    asm = assemble(Identity(text), _old_report_entities(text))
    assert asm.year is None and asm.tables == {} and any("old-style" in n for n in asm.notes)
