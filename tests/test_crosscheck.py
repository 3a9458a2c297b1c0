"""Year-to-year checks: last year's carried_forward is this year's carried_over; documents in
force follow issued and repealed. Warnings name both reports; nothing is repaired."""

from gongkai.inference.crosscheck import CrossChecker


def _record(id, year, carried_over=None, carried_forward=None, rules=None, organ="某县人民政府办公室"):
    cols = ["natural_person", "commercial", "research", "social_welfare", "legal_service", "other_org", "total"]
    app_rows = {}
    if carried_over is not None:
        app_rows["carried_over"] = dict(zip(cols, carried_over))
    if carried_forward is not None:
        app_rows["carried_forward"] = dict(zip(cols, carried_forward))
    tables = {"applications": {"template": "2021", "rows": app_rows}}
    if rules is not None:
        tables["active_disclosure"] = {
            "template": "2021",
            "rows": {"rules": dict(zip(["issued", "repealed", "in_force"], rules))},
        }
    return {"id": id, "year": year, "organ": organ, "tables": tables, "error": None}


def test_consistent_years_give_no_warning():
    c = CrossChecker()
    c.add(_record("a2022", 2022, carried_forward=[2, 0, 0, 0, 0, 0, 2], rules=[1, 0, 5]))
    c.add(_record("a2023", 2023, carried_over=[2, 0, 0, 0, 0, 0, 2], rules=[2, 1, 6]))
    assert c.warnings() == []


def test_a_broken_carry_over_warns_with_both_ids():
    c = CrossChecker()
    c.add(_record("a2023", 2023, carried_over=[1, 0, 0, 0, 0, 0, 1], rules=[0, 0, 9]))
    c.add(_record("a2022", 2022, carried_forward=[2, 0, 0, 0, 0, 0, 2], rules=[1, 0, 5]))
    c.add(_record("b2023", 2023, carried_over=[7, 0, 0, 0, 0, 0, 7], organ="另一个机关"))
    w = c.warnings()
    assert {x["rule"] for x in w} == {"cross.carried_over", "cross.in_force"}
    carry = [x for x in w if x["rule"] == "cross.carried_over"]
    assert {x["over"] for x in carry} == {"natural_person", "total"}
    assert all(x["previous"]["id"] == "a2022" and x["current"]["id"] == "a2023" for x in w)
    assert all(x["status"] == "warning" for x in w)
    in_force = next(x for x in w if x["rule"] == "cross.in_force")
    assert "gives 5" in in_force["detail"]


def test_blank_cells_gaps_in_years_and_failed_records_are_not_compared():
    c = CrossChecker()
    c.add(_record("a2021", 2021, carried_forward=[2, 0, 0, 0, 0, 0, 2]))
    c.add(_record("a2023", 2023, carried_over=[9, 0, 0, 0, 0, 0, 9]))  # 2022 missing
    c.add(_record("x", 2024, carried_over=[None, 0, 0, 0, 0, 0, 0]))
    c.add({"id": "bad", "error": "boom", "organ": None, "year": None, "tables": {}})
    assert c.warnings() == []


def _one_line_record(id, year, text, headers, labels):
    """``text``, a one-line table 2, extracted by the pipeline with a tagger that tags the
    ``headers`` and row ``labels`` (regular expressions) and every other digit as a cell."""
    import re

    from gongkai.inference.entities import Entity
    from gongkai.inference.pipeline import Extractor

    def tag(docs, ids):
        out = []
        for d in docs:
            t = d.text
            ents = [Entity("TABLE_TITLE", m.start(), m.end(), m.group()) for m in re.finditer(r"第二十条第\(.\)项", t)]
            ents += [Entity("COL_HEADER", m.start(), m.end(), m.group()) for m in re.finditer(headers, t)]
            ents += [Entity("ROW_LABEL", m.start(), m.end(), m.group()) for m in re.finditer(labels, t)]
            ents += [
                Entity("CELL", k, k + 1, t[k])
                for k in range(len(t))
                if t[k].isdigit() and not any(e.start <= k < e.end for e in ents)
            ]
            out.append(sorted(ents, key=lambda e: e.start))
        return out

    rec = Extractor(tag).extract(text, id=id).to_dict()
    rec.update(year=year, organ="某县人民政府办公室")
    return rec


def _table2_record(id, year, run):
    """A one-line table 2 whose 规范性文件 row prints ``run`` glued."""
    text = (
        "第二十条第(一)项信息内容本年制发件数本年废止件数现行有效件数规章000行政规范性文件"
        + run
        + "第二十条第(五)项信息内容本年处理决定数量行政许可0三、收到和处理政府信息公开申请情况"
    )
    return _one_line_record(
        id,
        year,
        text,
        "信息内容|本年制发件数|本年废止件数|现行有效件数|本年处理决定数量",
        "规章|行政规范性文件|行政许可",
    )


def test_a_reading_left_ambiguous_is_decided_by_the_other_years_report():
    from gongkai.inference.crosscheck import apply_resolution

    # 2022 prints 1173: 1 | 17 | 3 or 1 | 1 | 73 (11 | 7 | 3 has fewer in force than issued).
    # 2023 prints 3 1 5 apart: 5 = in force + 3 − 1, so in force was 3.
    a = _table2_record("a2022", 2022, "1173")
    b = _table2_record("b2023", 2023, "3 1 5")
    assert a["tables"]["active_disclosure"]["rows"]["normative_documents"] == {
        "issued": 1,
        "repealed": None,
        "in_force": None,
    }
    c = CrossChecker()
    c.add(b)
    c.add(a)
    found = [x for x in c.warnings() if x["status"] == "resolved"]
    assert len(found) == 1 and found[0]["report"] == "a2022" and found[0]["row"] == "normative_documents"
    assert found[0]["cells"] == {"issued": 1, "repealed": 17, "in_force": 3}
    assert apply_resolution(a, found[0])
    assert a["tables"]["active_disclosure"]["rows"]["normative_documents"] == {
        "issued": 1,
        "repealed": 17,
        "in_force": 3,
    }
    prov = a["provenance"]["active_disclosure"]["normative_documents"]["in_force"]
    assert prov["segmented_from"] == "1173" and "candidates" not in prov and "b2023" in prov["decided_by"]
    check = next(x for x in a["checks"] if x["rule"] == "active_disclosure.split" and x["row"] == "normative_documents")
    assert check["status"] == "segmented"
    # When no reading fits the other year, nothing is decided.
    c = CrossChecker()
    c.add(_table2_record("a2022", 2022, "1173"))
    c.add(_table2_record("b2023", 2023, "3 1 99"))
    assert not [x for x in c.warnings() if x["status"] == "resolved"]


def _items_record(id, year, run):
    """A one-line 2019 table 2 whose 行政许可 row prints ``run`` glued."""
    text = (
        "第二十条第(五)项信息内容上一年项目数量本年增/减处理决定数量行政许可"
        + run
        + "其他对外管理服务事项000三、收到和处理政府信息公开申请情况"
    )
    return _one_line_record(
        id, year, text, "信息内容|上一年项目数量|本年增/减|处理决定数量", "行政许可|其他对外管理服务事项"
    )


def test_a_list_of_items_carries_over_to_the_next_years_report():
    """2019 form: this year's 上一年项目数量 is last year's plus its 本年增/减. 2019 prints 0740 (an
    empty list grown by 7 with 40 decisions, or by 74 with none); 2020 starts from 7 items."""
    from gongkai.inference.crosscheck import apply_resolution

    a = _items_record("a2019", 2019, "0740")
    assert a["tables"]["active_disclosure"]["rows"]["licensing"]["change"] is None
    c = CrossChecker()
    c.add(a)
    c.add(_items_record("b2020", 2020, "7 0 12"))
    found = [x for x in c.warnings() if x["status"] == "resolved"]
    assert len(found) == 1 and found[0]["row"] == "licensing"
    assert found[0]["cells"] == {"previous": 0, "change": 7, "decisions": 40}
    assert apply_resolution(a, found[0])
    assert a["tables"]["active_disclosure"]["rows"]["licensing"] == {"previous": 0, "change": 7, "decisions": 40}
    # A list that does not carry over warns, naming both reports.
    c = CrossChecker()
    c.add(_items_record("a2019", 2019, "12 3 5"))
    c.add(_items_record("b2020", 2020, "14 0 9"))
    (w,) = c.warnings()
    assert (w["rule"], w["over"], w["previous"]["id"], w["current"]["id"]) == (
        "cross.items",
        "licensing",
        "a2019",
        "b2020",
    )
    assert "gives 15" in w["detail"]
