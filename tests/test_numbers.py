"""Reading printed numbers: a table of real cases from scraped reports."""

import re
from pathlib import Path

import pytest

from gongkai.inference.numbers import NumberError, Reading, is_blank, read_number


@pytest.mark.parametrize(
    "text, value, unit, approximate",
    [
        ("16491.8万元", 16491.8, "万元", False),
        ("+28", 28, None, False),
        ("-12", -12, None, False),
        ("0项", 0, "项", False),
        ("0个", 0, "个", False),
        ("1,234", 1234, None, False),
        ("１２", 12, None, False),
        ("?????523", 523, None, False),
        ("??0", 0, None, False),
        ("14000余条", 14000, "条", True),
        ("约300人", 300, "人", True),
        ("100%", 100, "%", False),
        (" 815 ", 815, None, False),
        ("2518", 2518, None, False),
    ],
)
def test_reads_value_unit_and_approximation(text, value, unit, approximate):
    r = read_number(text)
    assert (r.value, r.unit, r.approximate, r.damaged) == (value, unit, approximate, False)
    assert type(r.value) is type(value)  # int where whole, float otherwise


def test_decimal_source_stays_float():
    assert isinstance(read_number("12.0").value, float)


@pytest.mark.parametrize("text", ["/", "-", "—", "无", "", " ", "?", "\u3000", "／"])
def test_blank_markers_read_as_none_not_zero(text):
    assert is_blank(text)
    assert read_number(text) == Reading(None)


def test_zero_printed_twice_is_damaged():
    r = read_number("00")
    assert r.value == 0 and r.damaged and r.candidates == (0,)
    assert not is_blank("00")


@pytest.mark.parametrize("text", ["1O", "l0", "1O0", "S" + "0"])
def test_ocr_letters_give_damaged_candidates(text):
    r = read_number(text)
    assert r.damaged
    assert r.value in r.candidates


def test_ocr_example_values():
    assert read_number("O").candidates == (0,)  # a lone O in a cell: OCR's zero
    assert read_number("l").candidates == (1,)
    assert read_number("S").candidates == (5,)
    r = read_number("l6649.57万元")
    assert (r.value, r.unit, r.damaged) == (16649.57, "万元", True)
    assert read_number("1O").candidates == (10,)
    assert read_number("l0").candidates == (10,)


@pytest.mark.parametrize("text", ["abc", "1,23", "第二十条", "12-3", "3件4件", "x", "Ox"])
def test_unreadable_text_raises_naming_it(text):
    with pytest.raises(NumberError, match=re.escape(repr(text))):
        read_number(text)


def test_non_string_is_a_type_error():
    with pytest.raises(TypeError, match="read_number"):
        read_number(12)


# --------------------------------------------------------------------------- magnitudes and approximation words


@pytest.mark.parametrize(
    "text, value, unit, approximate",
    [
        ("66万余人次", 660000, "人次", True),
        ("1.2万条", 12000, "条", False),
        ("1.25万", 12500, None, False),
        ("3亿", 300000000, None, False),
        ("5千余件", 5000, "件", True),
        ("2.9万余次", 29000, "次", True),
        ("3万余元", 30000, "元", True),  # 余 between: the magnitude is the number's, the unit 元
        ("16491.8万元", 16491.8, "万元", False),  # money keeps its 万 in the unit (SCHEMA.md)
        ("1.5亿元", 1.5, "亿元", False),
        ("近70条", 70, "条", True),
        ("约300人", 300, "人", True),
        ("超过100件", 100, "件", True),
        ("100件以上", 100, "件", True),
        ("10多个", 10, "个", True),
        ("50余", 50, None, True),
        ("近1.2万条", 12000, "条", True),
    ],
)
def test_every_magnitude_and_approximation_word(text, value, unit, approximate):
    r = read_number(text)
    assert (r.value, r.unit, r.approximate, r.damaged) == (value, unit, approximate, False)
    assert type(r.value) is type(value)


def test_a_magnitude_is_exact_and_reported():
    r = read_number("1.2万条")
    assert r.value == 12000 and isinstance(r.value, int) and r.magnitude == 10000
    assert read_number("1.23456万").value == 12345.6
    assert read_number("16491.8万元").magnitude == 1


@pytest.mark.parametrize("text, value", [("125.", 125), ("1,250", 1250), ("12,345,678", 12345678)])
def test_printed_stops_and_thousands_separators(text, value):
    r = read_number(text)
    assert r.value == value and not r.damaged


def test_an_ocr_letter_is_a_flagged_reading():
    r = read_number("11B")
    assert (r.value, r.damaged, r.candidates) == (118, True, (118,))


# --------------------------------------------------------------------------- figures keep their magnitude


def _figures(text, tagged):
    from gongkai.inference.entities import Entity
    from gongkai.inference.figures import assemble_figures

    ents = []
    for label, piece in tagged:
        at = text.index(piece)
        ents.append(Entity(label, at, at + len(piece), piece))
    return assemble_figures(text, ents)


@pytest.mark.parametrize(
    "text, tagged, value, unit, approximate",
    [
        (
            "表格下载等服务66万余人次。",
            [("FIG_METRIC", "服务"), ("FIG_VALUE", "66万余"), ("FIG_UNIT", "人次")],
            660000,
            "人次",
            True,
        ),
        (
            "表格下载等服务66万余人次。",
            [("FIG_METRIC", "服务"), ("FIG_VALUE", "66"), ("FIG_UNIT", "人次")],
            660000,
            "人次",
            True,
        ),  # the tagger stopped short of 万余
        (
            "新增主动公开信息1.2万条。",
            [("FIG_METRIC", "新增主动公开信息"), ("FIG_VALUE", "1.2"), ("FIG_UNIT", "条")],
            12000,
            "条",
            False,
        ),
        (
            "新增主动公开信息1.2万条。",
            [("FIG_METRIC", "新增主动公开信息"), ("FIG_VALUE", "1.2"), ("FIG_UNIT", "万条")],
            12000,
            "条",
            False,
        ),
        (
            "公开惠民资金3亿元。",
            [("FIG_METRIC", "公开惠民资金"), ("FIG_VALUE", "3"), ("FIG_UNIT", "亿元")],
            3,
            "亿元",
            False,
        ),
        (
            "投入经费16491.8万元。",
            [("FIG_METRIC", "投入经费"), ("FIG_VALUE", "16491.8"), ("FIG_UNIT", "万元")],
            16491.8,
            "万元",
            False,
        ),
        (
            "网站访问量5千余人次。",
            [("FIG_METRIC", "网站访问量"), ("FIG_VALUE", "5"), ("FIG_UNIT", "人次")],
            5000,
            "人次",
            True,
        ),
        (
            "公开信息超过100条。",
            [("FIG_METRIC", "公开信息"), ("FIG_VALUE", "100"), ("FIG_UNIT", "条")],
            100,
            "条",
            True,
        ),
        (
            "公开信息100条以上。",
            [("FIG_METRIC", "公开信息"), ("FIG_VALUE", "100"), ("FIG_UNIT", "条")],
            100,
            "条",
            True,
        ),
        ("公开信息约300条。", [("FIG_METRIC", "公开信息"), ("FIG_VALUE", "300"), ("FIG_UNIT", "条")], 300, "条", True),
        ("开设专栏10多个。", [("FIG_METRIC", "专栏"), ("FIG_VALUE", "10"), ("FIG_UNIT", "个")], 10, "个", True),
    ],
)
def test_a_figure_is_the_quantity_the_text_states(text, tagged, value, unit, approximate):
    (f,) = _figures(text, tagged)
    assert (f.value, f.unit, f.approximate) == (value, unit, approximate)
    printed = text[f.start : f.end]
    assert printed.startswith(tagged[0][1])  # the whole phrase as printed, magnitude and markers included
    for word in "万亿千余多近约以上超过":
        if word in text[text.index(tagged[1][1]) : text.index("。")]:
            assert word in printed


@pytest.mark.parametrize(
    "text, unit",
    [
        ("累计接听电话84472通。", "通"),  # real-005: calls, minutes, approval items, rounds
        ("平均等候时长42分钟。", "分钟"),
        ("承诺时限5个工作日。", "个工作日"),
        ("审批事项130大项。", "大项"),
        ("开展清理工作3轮次。", "轮次"),
        ("发布信息1234通过微信公众号。", None),  # 通过 opens a word: no unit
    ],
)
def test_a_measure_word_after_an_untagged_unit_is_the_unit(text, unit):
    """The tagger tagged the number and not its unit: the printed measure word is read as it."""
    value = next(piece for piece in text.replace("。", " ").split() if any(c.isdigit() for c in piece))
    digits = "".join(c for c in value if c.isdigit())
    metric = text[: text.index(digits)]
    (f,) = _figures(text, [("FIG_METRIC", metric), ("FIG_VALUE", digits)])
    assert f.unit == unit


# --------------------------------------------------------------------------- table cells printed whole


def _entities(text, tagged):
    from gongkai.inference.entities import Entity

    out, at = [], 0
    for label, piece in tagged:
        at = text.index(piece, at)
        out.append(Entity(label, at, at + len(piece), piece))
        at += len(piece)
    return out


@pytest.mark.parametrize(
    "text, tagged, cells",
    [
        # What the shipped tagger made of these cells: the number cut, the rest a label or a cell.
        ("新收 | 125. | 2 |", [("CELL", "12"), ("ROW_LABEL", "5."), ("CELL", "2")], ["125.", "2"]),
        ("新收 | 1,250 | 2 |", [("CELL", "1"), ("CELL", "250"), ("CELL", "2")], ["1,250", "2"]),
        ("结转 | 11B | 0 |", [("CELL", "11"), ("ROW_LABEL", "B"), ("CELL", "0")], ["11B", "0"]),
        ("结转 | 1O | 0 |", [("CELL", "1"), ("CELL", "0")], ["1O", "0"]),  # the letter left untagged
        # Cells the tagger saw in a glued run stay cells, OCR letter or not.
        ("办理00000O0\n", [("CELL", "0")] * 5 + [("CELL", "O"), ("CELL", "0")], ["0"] * 5 + ["O", "0"]),
        # Not one number: two cells, and a label after a cell.
        ("许可 | 1 | 250 |", [("CELL", "1"), ("CELL", "250")], ["1", "250"]),
        ("a | 3 |\nB类 | 4 |", [("CELL", "3"), ("ROW_LABEL", "B类"), ("CELL", "4")], ["3", "4"]),
        ("a | 1,2 |", [("CELL", "1"), ("CELL", "2")], ["1", "2"]),
    ],
)
def test_a_cell_is_its_whole_printed_number(text, tagged, cells):
    from gongkai.inference.table_entities import widen_cells

    got = widen_cells(_entities(text, tagged), text)
    assert [e.text for e in got if e.label == "CELL"] == cells
    for e in got:
        assert text[e.start : e.end] == e.text


@pytest.fixture(scope="module")
def shipped():
    from gongkai.inference.pipeline import Extractor

    return Extractor.load()


SEED_002 = Path(__file__).resolve().parents[2] / "shared" / "seeds" / "002_7f404b4c2ca7fa08.txt"


@pytest.mark.parametrize(
    "old, new, cell, value, damaged",
    [
        ("| 125 | 2 |", "| 125. | 2 |", ("new_received", "natural_person"), 125, False),
        ("| 125 | 2 |", "| 1,250 | 2 |", ("new_received", "natural_person"), 1250, False),
        (
            "| 13 | 0 | 0 | 0 | 0 | 0 | 13 |",
            "| 11B | 0 | 0 | 0 | 0 | 0 | 13 |",
            ("carried_over", "natural_person"),
            118,
            True,
        ),
    ],
)
def test_cells_with_stops_separators_and_ocr_letters_end_to_end(shipped, old, new, cell, value, damaged):
    if not SEED_002.exists():
        pytest.skip("../shared/seeds is not beside the checkout")
    text = SEED_002.read_text(encoding="utf-8").replace(old, new, 1)
    r = shipped.extract(text, id="x").to_dict()
    rows = r["tables"]["applications"]["rows"]
    assert rows[cell[0]][cell[1]] == value
    assert rows[cell[0]]["commercial"] == (2 if cell[0] == "new_received" else 0)  # the row did not shift
    prov = r["provenance"]["applications"][cell[0]][cell[1]]
    printed = new.split("|")[1].strip()
    assert prov["text"] == printed == text[prov["start"] : prov["end"]]  # the whole printed text
    assert bool(prov.get("damaged")) == damaged


def test_table_cells_read_magnitudes_and_keep_money_as_printed():
    from gongkai.inference.cells import TableData

    t = TableData.from_texts(
        "active_disclosure",
        "2021",
        {
            ("fees", "amount"): "16491.8万元",  # the column counts 万元: the number as printed
            ("licensing", "decisions"): "1.2万",
            ("punishment", "decisions"): "约300",
            ("coercion", "decisions"): "1,250",
        },
    )
    rows = t.to_schema()["rows"]
    assert (
        rows["fees"]["amount"],
        rows["licensing"]["decisions"],
        rows["punishment"]["decisions"],
        rows["coercion"]["decisions"],
    ) == (16491.8, 12000, 300, 1250)
    assert t.cells["licensing", "decisions"].text == "1.2万"  # the printed text is kept
