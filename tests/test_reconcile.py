"""Reconciliation: every rule in every status, on real seed numbers and small variations.

Seed tables are copied in as literals (a table of real cases), not parsed from the seeds."""

import pytest

from gongkai.inference.cells import Cell, TableData
from gongkai.inference.reconcile import Check, equations, reconcile
from gongkai.model.template import RULES, table_template

APP_FIELDS = ("natural_person", "commercial", "research", "social_welfare", "legal_service", "other_org", "total")
REV_FIELDS = ("upheld", "corrected", "other", "pending", "total")

# Seed 002 (瑞安市人民政府办公室 2024, template 2021): its table 3 as printed.
SEED_002_APPS = {
    "new_received": "125 2 0 0 0 7 134",
    "carried_over": "13 0 0 0 0 0 13",
    "granted": "39 2 0 0 0 2 43",
    "partially_granted": "59 0 0 0 0 5 64",
    "unable.not_held": "5 0 0 0 0 0 5",
    "other_handling.no_correction": "11 0 0 0 0 0 11",
    "other_handling.other": "2 0 0 0 0 0 2",
    "total": "116 2 0 0 0 7 125",
    "carried_forward": "22 0 0 0 0 0 22",
}
# Seed 004 (随县 2019, template 2019): new 7 + 2 = 9, all granted; "??0" is a padded zero.
SEED_004_APPS = {
    "new_received": "7 2 0 0 0 0 9",
    "granted": "7 2 0 0 0 0 9",
    "total": "7 2 0 0 0 0 9",
    "carried_forward": "0 0 0 0 0 0 ??0",
}


def apps(version, printed, overrides=None):
    """A full table 3: rows not printed above are all zeros."""
    texts = {}
    for row in table_template("applications", version).row_keys:
        for f, t in zip(APP_FIELDS, printed.get(row, "0 0 0 0 0 0 0").split(" ")):
            texts[row, f] = t
    texts.update(overrides or {})
    return TableData.from_texts("applications", version, texts)


def reviews(flat):
    """Table 4 from its 15 cells in printed order ('_' = a blank cell)."""
    tpl = table_template("reviews", "2021")
    return TableData.from_texts(
        "reviews", "2021", {k: "" if t == "_" else t for k, t in zip(tpl.cells(), flat.split())}
    )


def by(checks, rule, where=None):
    out = [c for c in checks if c.rule == rule and where in (None, c.column, c.row)]
    assert out, (rule, where)
    return out


def statuses(checks, rule):
    return {c.status for c in by(checks, rule)}


# --------------------------------------------------------------------------- real seeds


def test_seed_002_table_3_holds_on_every_rule():
    # Computed: natural_person outcomes 39+59+5+11+2 = 116, total column 43+64+5+11+2 = 125,
    # balance 125+13 = 116+22. The seed's table 3 is consistent, so nothing fails.
    checks = reconcile({"applications": apps("2021", SEED_002_APPS)})
    table_checks = [c for c in checks if c.rule.startswith("applications.")]
    assert len(table_checks) == 7 + 7 + 25  # the 2021 form has 25 rows
    assert {c.status for c in table_checks} == {"pass"}
    assert by(checks, "applications.balance", "natural_person")[0].detail == "125 + 13 = 116 + 22"


def test_seed_002_table_4_passes():
    checks = reconcile({"reviews": reviews("8 7 1 0 16 0 0 0 0 0 0 0 0 0 0")})
    assert [c.detail for c in by(checks, "reviews.total")][0] == "16 = 8 + 7 + 1 + 0"
    assert statuses(checks, "reviews.total") == {"pass"}


def test_seed_000_table_4_repairs_glued_zero_and_blank():
    t = reviews("0 0 0 0 00 0 0 0 0 _ 0 0 0 0 0")
    checks = reconcile({"reviews": t})
    review, direct, after = by(checks, "reviews.total")
    assert review.status == "repaired" and "review.total '00' → 0" in review.detail
    assert direct.status == "repaired" and "litigation_direct.total blank → 0" in direct.detail
    assert after.status == "pass"
    assert t.cells["review", "total"] == Cell(0, "00", False, (), "00")
    assert t.cells["litigation_direct", "total"].value == 0
    assert t.cells["litigation_direct", "total"].repaired_from == ""
    assert t.to_schema()["rows"]["litigation_direct"]["total"] == 0


def test_seed_004_narrative_new_only():
    checks = reconcile({"applications": apps("2019", SEED_004_APPS)}, [("收到政府信息公开申请", 9, "件")])
    (c,) = by(checks, "narrative.applications")
    assert c.status == "pass" and "9" in c.detail


# --------------------------------------------------------------------------- statuses per rule


def test_balance_fail_is_kept_for_auditors():
    t = apps("2021", SEED_002_APPS, {("carried_forward", "natural_person"): "23"})
    checks = reconcile({"applications": t})
    c = by(checks, "applications.balance", "natural_person")[0]
    assert c.status == "fail" and c.detail == "125 + 13 ≠ 116 + 23 (138 ≠ 139)"
    assert t.cells["carried_forward", "natural_person"].value == 23  # never overwritten


def test_outcomes_fail_and_row_total_fail():
    t = apps("2021", SEED_002_APPS, {("granted", "natural_person"): "40"})
    checks = reconcile({"applications": t})
    assert by(checks, "applications.outcomes", "natural_person")[0].status == "fail"
    assert by(checks, "applications.row_total", "granted")[0].status == "fail"
    assert by(checks, "applications.outcomes", "commercial")[0].status == "pass"


def test_reviews_total_fail():
    checks = reconcile({"reviews": reviews("1 0 0 0 2 0 0 0 0 0 0 0 0 0 0")})
    assert by(checks, "reviews.total", "review")[0].status == "fail"


def test_blank_pinned_by_two_rules_is_repaired():
    # carried_forward.total blank: balance gives 147 - 125 = 22, row_total gives 22 + 0... = 22.
    t = apps("2021", SEED_002_APPS, {("carried_forward", "total"): "/"})
    checks = reconcile({"applications": t})
    assert t.cells["carried_forward", "total"].value == 22
    assert by(checks, "applications.balance", "total")[0].status == "repaired"
    assert by(checks, "applications.row_total", "carried_forward")[0].status == "repaired"
    assert "carried_forward.total blank → 22" in by(checks, "applications.balance", "total")[0].detail


def test_blank_whose_rules_disagree_stays_blank():
    # Balance would give 22 but the row's applicant columns add up to 23: no proof, no guess.
    t = apps("2021", SEED_002_APPS, {("carried_forward", "total"): "", ("carried_forward", "commercial"): "1"})
    checks = reconcile({"applications": t})
    assert t.cells["carried_forward", "total"].value is None
    assert by(checks, "applications.balance", "total")[0].status == "skipped"
    assert "blank: carried_forward.total" in by(checks, "applications.row_total", "carried_forward")[0].detail
    assert "repaired" not in {c.status for c in checks}


def test_two_blanks_in_one_equation_are_not_guessed():
    t = reviews("0 0 0 _ _ 0 0 0 0 0 0 0 0 0 0")
    checks = reconcile({"reviews": t})
    assert by(checks, "reviews.total", "review")[0].status == "skipped"
    assert t.cells["review", "pending"].value is None and t.cells["review", "total"].value is None


def test_blank_never_read_as_negative():
    t = reviews("1 1 0 0 _ 0 0 0 0 0 0 0 0 0 0")
    reconcile({"reviews": t})
    assert t.cells["review", "total"].value == 2
    t = reviews("1 1 0 _ 1 0 0 0 0 0 0 0 0 0 0")  # pending would be -1
    checks = reconcile({"reviews": t})
    assert t.cells["review", "pending"].value is None
    assert by(checks, "reviews.total", "review")[0].status == "skipped"


def test_damaged_reading_without_fit_stays_fail():
    t = reviews("1 0 0 0 00 0 0 0 0 0 0 0 0 0 0")
    checks = reconcile({"reviews": t})
    c = by(checks, "reviews.total", "review")[0]
    assert c.status == "fail" and "'00' is damaged" in c.detail
    assert t.cells["review", "total"].repaired_from is None


def test_ocr_reading_repaired_when_only_one_reading_fits():
    t = reviews("1 0 0 0 10 0 0 0 0 0 0 0 0 0 0")
    t.cells["review", "upheld"] = Cell(10, "lO", damaged=True, candidates=(10, 1))
    t.cells["review", "total"] = Cell.from_text("1")
    checks = reconcile({"reviews": t})
    c = by(checks, "reviews.total", "review")[0]
    assert t.cells["review", "upheld"].value == 1
    assert c.status == "repaired" and "review.upheld 'lO' → 1" in c.detail


def test_damaged_with_two_fitting_readings_is_left_alone():
    # upheld and total both damaged, each 1 or 10: two readings fit, nothing is proven.
    t = reviews("0 0 0 0 0 0 0 0 0 0 0 0 0 0 0")
    t.cells["review", "upheld"] = Cell(10, "1O", damaged=True, candidates=(10, 1))
    t.cells["review", "total"] = Cell(10, "1O", damaged=True, candidates=(10, 1))
    checks = reconcile({"reviews": t})
    assert by(checks, "reviews.total", "review")[0].status == "pass"
    assert t.cells["review", "upheld"].repaired_from is None and t.cells["review", "upheld"].damaged


def test_damaged_cell_checked_only_by_its_own_derivation_is_not_repaired():
    # total is blank and derived from the row; '00' then fits trivially, which proves nothing.
    t = reviews("00 0 0 0 _ 0 0 0 0 0 0 0 0 0 0")
    reconcile({"reviews": t})
    assert t.cells["review", "upheld"].repaired_from is None
    assert t.cells["review", "total"].value == 0


def test_missing_rows_skip_their_checks():
    t = apps("2021", SEED_002_APPS)
    del t.cells["carried_over", "research"]
    checks = reconcile({"applications": t})
    c = by(checks, "applications.balance", "research")[0]
    assert c.status == "skipped" and "missing: carried_over.research" in c.detail
    assert by(checks, "applications.row_total", "carried_over")[0].status == "skipped"


def test_absent_tables_skip_each_rule():
    checks = reconcile({})
    assert {c.rule for c in checks} == {r.name for r in RULES} | {"narrative.applications"}
    assert {c.status for c in checks} == {"skipped"}


# --------------------------------------------------------------------------- narrative


class Figure:
    def __init__(self, metric, value, unit=None):
        self.metric, self.value, self.unit = metric, value, unit


@pytest.mark.parametrize(
    "figure, status",
    [
        (("收到依申请公开事项", 1), "pass"),  # seed 001: new only
        (Figure("收到政府信息公开申请", 147, "件"), "pass"),  # seed 002 numbers: 134 new + 13 carried over
        ({"metric": "新收政府信息公开申请", "value": 134}, "pass"),
        (("收到政府信息公开申请", 140), "fail"),
    ],
)
def test_narrative_applications(figure, status):
    printed = (
        SEED_002_APPS
        if figure != ("收到依申请公开事项", 1)
        else {"new_received": "1 0 0 0 0 0 1", "granted": "1 0 0 0 0 0 1", "total": "1 0 0 0 0 0 1"}
    )
    checks = reconcile({"applications": apps("2021", printed)}, [figure])
    assert [c.status for c in by(checks, "narrative.applications")] == [status]


def test_narrative_ignores_rates_and_other_figures():
    checks = reconcile(
        {"applications": apps("2021", SEED_002_APPS)},
        [
            ("依申请公开答复率", 100, "%"),
            ("新增主动公开信息", 815, "条"),
            # real 018: information released on request, counted in 条, not applications
            ("依申请公开政府信息", 86, "条"),
        ],
    )
    (c,) = by(checks, "narrative.applications")
    assert c.status == "skipped"


def test_blank_derived_through_two_rules_feeds_the_narrative_check():
    # natural_person from the balance (116 + 22 - 13), then the row total from the row: 134.
    t = apps("2021", SEED_002_APPS, {("new_received", "total"): "", ("new_received", "natural_person"): ""})
    checks = reconcile({"applications": t}, [("收到政府信息公开申请", 134)])
    assert (t.cells["new_received", "natural_person"].value, t.cells["new_received", "total"].value) == (125, 134)
    assert by(checks, "narrative.applications")[0].status == "pass"
    assert by(checks, "applications.row_total", "new_received")[0].status == "repaired"


def test_narrative_skipped_when_cell_blank():
    # One blank cell would be derived; blank rows one and four leave two unknowns everywhere.
    t = apps("2021", SEED_002_APPS, {(r, f): "" for r in ("new_received", "carried_forward") for f in APP_FIELDS})
    checks = reconcile({"applications": t}, [("收到政府信息公开申请", 147)])
    assert by(checks, "narrative.applications")[0].status == "skipped"


# --------------------------------------------------------------------------- contract


def test_check_to_dict_matches_schema():
    c = Check("applications.balance", "pass", "1 + 0 = 1 + 0", column="natural_person")
    assert c.to_dict() == {
        "rule": "applications.balance",
        "column": "natural_person",
        "status": "pass",
        "detail": "1 + 0 = 1 + 0",
    }
    assert list(Check("x", "skipped", "d").to_dict()) == ["rule", "status", "detail"]


def test_equations_follow_the_template_version():
    rows_2019 = {k for eq in equations(table_template("applications", "2019")) for k, _ in eq.keys}
    assert "other_handling" in rows_2019 and "other_handling.other" not in rows_2019


def test_bad_input_names_it():
    with pytest.raises(ValueError, match="reviews"):
        reconcile({"reviews": apps("2021", SEED_002_APPS)})
    with pytest.raises(ValueError, match="no cell"):
        TableData("reviews", "2021", {("review", "natural_person"): Cell(0)})
    with pytest.raises(TypeError, match="figure"):
        reconcile({}, [object()])


def test_reconcile_is_idempotent():
    t = reviews("0 0 0 0 00 0 0 0 0 _ 0 0 0 0 0")
    first = [c.to_dict() for c in reconcile({"reviews": t})]
    assert [c.to_dict() for c in reconcile({"reviews": t})] == first


def test_a_figure_without_a_metric_is_not_read_as_an_application_count():
    from gongkai.inference.reconcile import check_figures

    checks = check_figures({}, [(None, 9)])
    assert [c.status for c in checks] == ["skipped"]


# --------------------------------------------------------------------------- glued runs


def test_an_equation_over_split_cells_is_segmented_not_pass():
    tpl = table_template("reviews", "2021")
    run = "871016" + "0" * 10
    split = (8, 7, 1, 0, 16) + (0,) * 10
    t = TableData("reviews", "2021", {k: Cell(v, text=str(v), segmented_from=run) for k, v in zip(tpl.cells(), split)})
    checks = reconcile({"reviews": t})
    assert statuses(checks, "reviews.total") == {"segmented"}
    assert run in by(checks, "reviews.total", "review")[0].detail
    # Printed as separate numbers, the same table passes.
    assert statuses(reconcile({"reviews": reviews("8 7 1 0 16" + " 0" * 10)}), "reviews.total") == {"pass"}


def test_an_ambiguous_cell_is_never_repaired_and_its_equation_says_ambiguous():
    t = reviews("_ 0 0 0 1 0 0 0 0 0 0 0 0 0 0")
    # Blank upheld: the rule derives 1. Left open between two readings of a glued run, it stays open.
    checks = reconcile({"reviews": t})
    assert by(checks, "reviews.total", "review")[0].status == "repaired"
    t = reviews("_ 0 0 0 1 0 0 0 0 0 0 0 0 0 0")
    t.cells["review", "upheld"] = Cell(None, segmented_from="10001", split_candidates=(1, 10))
    checks = reconcile({"reviews": t})
    check = by(checks, "reviews.total", "review")[0]
    assert check.status == "ambiguous" and "one of 1, 10" in check.detail
    assert t.cells["review", "upheld"].value is None


def test_a_glued_run_with_no_split_is_never_made_up_by_a_repair():
    t = reviews("_ 0 0 0 1 0 0 0 0 0 0 0 0 0 0")
    t.cells["review", "upheld"] = Cell(None, segmented_from="1.5")  # a count cannot take a fraction
    check = by(reconcile({"reviews": t}), "reviews.total", "review")[0]
    assert check.status == "skipped" and "no split" in check.detail
    assert t.cells["review", "upheld"].value is None


def test_a_damaged_cell_beside_an_unsplit_glued_run_is_checked_without_a_crash():
    """Generated report 181 (one-line, OCR damage): a row whose glued run stays open (null, with
    its candidates) shares an equation with a damaged cell; the repair search must leave that
    equation out, not add the null to a sum."""
    t = TableData.from_texts(
        "reviews",
        "2021",
        {
            ("review", f): s
            for f, s in zip(("upheld", "corrected", "other", "pending", "total"), ("1", "0", "0", "0", "l"))
        },
    )
    t.cells["review", "corrected"] = Cell(None, text="", segmented_from="10", split_candidates=(0, 10))
    checks = by(reconcile({"reviews": t}), "reviews.total", "review")
    assert [c.status for c in checks] == ["skipped"] or all(c.status != "repaired" for c in checks)
    assert t.cells["review", "corrected"].value is None  # never made up by a repair
