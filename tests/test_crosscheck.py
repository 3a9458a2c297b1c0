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
        tables["active_disclosure"] = {"template": "2021", "rows": {"rules": dict(zip(["issued", "repealed", "in_force"], rules))}}
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
