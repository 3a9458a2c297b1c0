"""Glued table rows: split them by the template's cell counts and rules, never by guessing."""

import time

import pytest

from gongkai.inference import segment
from gongkai.inference.segment import Segmentation, SegmentError, segment_table, splits
from gongkai.model.template import table_template

ZERO_ROW = (0,) * 7

# Seed 002's table 3 (template 2021), rows not listed are all zeros.
SEED_002 = {
    "new_received": (125, 2, 0, 0, 0, 7, 134),
    "carried_over": (13, 0, 0, 0, 0, 0, 13),
    "granted": (39, 2, 0, 0, 0, 2, 43),
    "partially_granted": (59, 0, 0, 0, 0, 5, 64),
    "unable.not_held": (5, 0, 0, 0, 0, 0, 5),
    "other_handling.no_correction": (11, 0, 0, 0, 0, 0, 11),
    "other_handling.other": (2, 0, 0, 0, 0, 0, 2),
    "total": (116, 2, 0, 0, 0, 7, 125),
    "carried_forward": (22, 0, 0, 0, 0, 0, 22),
}
ROWS_2021 = table_template("applications", "2021").row_keys


def glued(values):
    return "".join(map(str, values))


@pytest.mark.parametrize(
    "run, n, expected",
    [
        ("6000017", 7, [(6, 0, 0, 0, 0, 1, 7)]),
        ("0000000", 7, [ZERO_ROW]),
        ("10 5", 3, [(1, 0, 5)]),  # the space is a boundary
        ("100", 2, [(10, 0)]),  # '00' is not a number: no leading zeros
        ("12", 3, []),
        ("?1?2", 2, [(1, 2)]),  # '?' is a space
    ],
)
def test_splits(run, n, expected):
    assert splits(run, n) == expected


def test_splits_keeps_every_reading():
    assert sorted(splits("200 000121", 7)) == [
        (2, 0, 0, 0, 0, 0, 121),
        (20, 0, 0, 0, 0, 1, 21),
        (20, 0, 0, 0, 0, 12, 1),
        (200, 0, 0, 0, 1, 2, 1),
    ]


def test_splits_rejects_non_digits():
    with pytest.raises(SegmentError, match="abc"):
        splits("12abc", 2)


@pytest.mark.parametrize(
    "run, row, how",
    [("6000017", (6, 0, 0, 0, 0, 1, 7), "only"), ("200 000121", (20, 0, 0, 0, 0, 1, 21), "rules")],
)
def test_row_total_picks_the_split(run, row, how):
    seg = segment_table("applications", "2021", {"granted": run})
    assert seg == Segmentation("unique", {"granted": row}, {"granted": [row]}, evidence={"granted": (how,)})


def test_glued_next_row_list_number_is_dropped():
    seg = segment_table("applications", "2021", {"denied.state_secret": "00000002.其他法律行政法规禁止公开"})
    assert seg.status == "unique" and seg.rows == {"denied.state_secret": ZERO_ROW}
    # The row's own last digit may equal the list number: only the glued one goes.
    seg = segment_table("applications", "2021", {"denied.third_party": "20000025.属于三类内部事务信息"})
    assert seg.rows == {"denied.third_party": (2, 0, 0, 0, 0, 0, 2)}


def test_wrong_list_number_is_an_error():
    with pytest.raises(SegmentError, match="list number"):
        segment_table("applications", "2021", {"denied.state_secret": "00000003.危及"})


def test_whole_glued_table_3_solved_jointly():
    runs = {r: glued(SEED_002.get(r, ZERO_ROW)) for r in ROWS_2021}
    # Alone, the 2 + 0 + … = 2 and 11 + … = 11 rows have two readings each: (1, 10, …, 11) too.
    assert (
        segment_table(
            "applications", "2021", {"other_handling.no_correction": runs["other_handling.no_correction"]}
        ).status
        == "ambiguous"
    )
    start = time.perf_counter()
    seg = segment_table("applications", "2021", runs)
    assert time.perf_counter() - start < 0.5
    assert seg.status == "unique"
    assert seg.rows == {r: SEED_002.get(r, ZERO_ROW) for r in ROWS_2021}


def test_column_rules_resolve_a_row_ambiguous_alone():
    # granted alone: (11, 0, …, 11) or (1, 10, 0, …, 11); the commercial column total says 0.
    runs = {"granted": "110000011", "total": "110000011"}
    known = {
        (r, f): v
        for r in ROWS_2021
        if table_template("applications", "2021").row(r).outcome and r != "granted"
        for f, v in zip(
            ("natural_person", "commercial", "research", "social_welfare", "legal_service", "other_org", "total"),
            ZERO_ROW,
        )
    }
    assert segment_table("applications", "2021", runs).status == "ambiguous"
    known[("total", "commercial")] = 0
    seg = segment_table("applications", "2021", runs, known)
    assert seg.status == "unique"
    assert seg.rows["granted"] == (11, 0, 0, 0, 0, 0, 11)


def test_whole_glued_table_4_solved_uniquely():
    # Seed 002's table 4, 8 7 1 0 16 then ten zeros, printed as one run.
    seg = segment_table("reviews", "2021", {"reviews": "8710160000000000"})
    assert seg.status == "unique"
    assert seg.rows == {"review": (8, 7, 1, 0, 16), "litigation_direct": (0,) * 5, "litigation_after_review": (0,) * 5}


def test_genuinely_ambiguous_reports_candidates():
    seg = segment_table("applications", "2021", {"granted": "110000011"})
    assert seg.status == "ambiguous" and seg.rows == {}
    assert seg.candidates == {"granted": [(1, 10, 0, 0, 0, 0, 11), (11, 0, 0, 0, 0, 0, 11)]}
    seg = segment_table("reviews", "2021", {"review": "2020022"})
    assert seg.status == "ambiguous"
    assert seg.candidates == {"review": [(2, 0, 20, 0, 22), (20, 2, 0, 0, 22)]}
    # The other rows of a flat table do not help: no column rule ties them.
    seg = segment_table("reviews", "2021", {"reviews": "2020022" + "0" * 10})
    assert seg.status == "ambiguous" and len(seg.candidates["review"]) == 2


def test_a_run_too_short_for_its_cells_has_no_split():
    seg = segment_table("applications", "2021", {"granted": "12"})
    assert seg.status == "none" and seg.candidates == {"granted": []} and seg.rows == {}


def test_numbers_that_do_not_add_up_keep_the_split_breaking_the_fewest_equations():
    # 1234567 has one split, and its total is not the sum: the row is kept, its rule named.
    seg = segment_table("applications", "2021", {"granted": "1234567"})
    assert seg.status == "inconsistent" and seg.rows == {"granted": (1, 2, 3, 4, 5, 6, 7)}
    assert [(eq.rule, eq.row) for eq in seg.broken] == [("applications.row_total", "granted")]
    # Each row fits alone, but the column totals cannot: the publisher's total row says 117 and
    # 126 where the rows add up to 116 and 125. The split kept is every row's own; exactly the
    # equations it breaks are named, and the other readings of the runs involved are offered.
    runs = {r: glued(SEED_002.get(r, ZERO_ROW)) for r in ROWS_2021}
    runs["total"] = glued((117, 2, 0, 0, 0, 7, 126))
    seg = segment_table("applications", "2021", runs)
    assert seg.status == "inconsistent"
    assert seg.rows == {r: SEED_002.get(r, ZERO_ROW) for r in ROWS_2021} | {"total": (117, 2, 0, 0, 0, 7, 126)}
    assert sorted((eq.rule, eq.column) for eq in seg.broken) == [
        ("applications.balance", "natural_person"),
        ("applications.balance", "total"),
        ("applications.outcomes", "natural_person"),
        ("applications.outcomes", "total"),
    ]
    assert all(n > len(seg.broken) for opts in seg.alternatives.values() for _, n in opts)


def test_known_cells_constrain_the_split():
    seg = segment_table("applications", "2021", {"granted": "110000011"}, {("granted", "natural_person"): 1})
    assert seg.rows == {"granted": (1, 10, 0, 0, 0, 0, 11)}


def test_pathological_input_gives_up_within_budget(monkeypatch):
    monkeypatch.setattr(segment, "SPLIT_BUDGET", 20_000)
    start = time.perf_counter()
    seg = segment_table("applications", "2021", {r: "1" * 40 for r in ROWS_2021[:3]})
    assert seg.status == "ambiguous" and seg.rows == {}
    assert time.perf_counter() - start < 2


def test_bad_input_names_it():
    with pytest.raises(SegmentError, match="nonexistent"):
        segment_table("applications", "2021", {"nonexistent": "0000000"})
    with pytest.raises(SegmentError, match="known"):
        segment_table("reviews", "2021", {}, {("granted", "total"): 0})
    with pytest.raises(KeyError, match="2020"):
        segment_table("reviews", "2020", {})


# --------------------------------------------------------------------------- evidence beyond the rules


def test_a_cell_the_narrative_states_decides_between_readings():
    seg = segment_table("active_disclosure", "2021", {"normative_documents": "5416"})
    # 54 | 1 | 6 would put fewer documents in force than were issued this year (template.CELL_ORDERS).
    assert seg.status == "ambiguous" and seg.candidates["normative_documents"] == [(5, 4, 16), (5, 41, 6)]
    seg = segment_table(
        "active_disclosure",
        "2021",
        {"normative_documents": "5416"},
        hints={("normative_documents", "issued"): {5}, ("normative_documents", "in_force"): {16}},
    )
    assert seg.rows == {"normative_documents": (5, 4, 16)}
    assert seg.evidence == {"normative_documents": ("rules", "narrative")}
    # A figure no reading agrees with decides nothing.
    seg = segment_table(
        "active_disclosure", "2021", {"normative_documents": "5416"}, hints={("normative_documents", "in_force"): {99}}
    )
    assert seg.status == "ambiguous" and len(seg.candidates["normative_documents"]) == 2


def test_an_implausible_reading_is_dropped_when_plausible_ones_remain():
    seg = segment_table("active_disclosure", "2021", {"normative_documents": "21591"})
    assert (2, 1, 591) in seg.candidates["normative_documents"]  # 3 digits beside 1: plausible
    seg = segment_table("active_disclosure", "2021", {"normative_documents": "2159165"})
    assert (2, 1, 59165) not in seg.candidates["normative_documents"]
    assert (21, 59, 165) in seg.candidates["normative_documents"]
    # Fields of different kinds are not compared: 2 items, 0 change, 14314 decisions is plausible.
    seg = segment_table("active_disclosure", "2019", {"punishment": "2014314"})
    assert (2, 0, 14314) in seg.candidates["punishment"]


def test_a_fraction_goes_to_an_amount_and_a_sign_to_a_signed_field():
    seg = segment_table("active_disclosure", "2019", {"procurement": "2832995.5"})
    assert all(isinstance(p, int) and isinstance(a, float) for p, a in seg.candidates["procurement"])
    assert (2832, 995.5) in seg.candidates["procurement"]
    seg = segment_table("active_disclosure", "2019", {"fees": "16 -12"})
    assert seg.rows == {"fees": (16, -12)}
    # A count takes no sign and no fraction.
    assert segment_table("active_disclosure", "2021", {"normative_documents": "1 -2 3"}).status == "none"
    assert segment_table("active_disclosure", "2021", {"rules": "1 2 3.5"}).status == "none"


def test_rows_no_rule_ties_are_split_apart_and_stay_fast():
    runs = {
        "rules": "1077",
        "normative_documents": "3500",
        "licensing": "63600",
        "other_services": "109024",
        "punishment": "103040",
        "coercion": "4300",
        "fees": "124",
        "procurement": "176586650.10",
    }
    start = time.perf_counter()
    seg = segment_table("active_disclosure", "2019", runs)
    assert time.perf_counter() - start < 0.5
    assert seg.status == "ambiguous"
    assert seg.candidates["rules"] == [(1, 0, 77), (10, 7, 7)]
    assert len(seg.candidates["procurement"]) == 8


def test_table_4_flat_with_two_digit_counts():
    seg = segment_table("reviews", "2021", {"reviews": "10000100000000000"})
    assert seg.status == "unique"
    assert seg.rows["review"] == (10, 0, 0, 0, 10)


def test_what_the_columns_count_decides_between_readings_the_rules_leave():
    """Documents in force include those issued this year: ``5066`` is 5 | 0 | 66, never 50 | 6 | 6
    (train report 021); ``1173`` keeps both readings that respect it (1|17|3 and 1|1|73)."""
    seg = segment_table("active_disclosure", "2021", {"normative_documents": "5066"})
    assert seg.rows["normative_documents"] == (5, 0, 66)
    assert "order" in seg.evidence["normative_documents"]
    seg = segment_table("active_disclosure", "2021", {"normative_documents": "1173"})
    assert sorted(seg.candidates["normative_documents"]) == [(1, 1, 73), (1, 17, 3)]


def test_a_years_change_to_a_list_of_items_is_no_larger_than_the_list():
    """2019 item blocks: ``8801`` is 88 items, no change, 1 decision, not 8 items grown by 80
    (train reports 002, 003 and 010 read this way by their annotators); a decrease larger than
    the list is impossible; where the list was empty both readings stay (``0740``)."""
    seg = segment_table("active_disclosure", "2019", {"licensing": "8801", "fees": "124"})
    assert seg.rows["licensing"] == (88, 0, 1) and seg.rows["fees"] == (12, 4)
    assert "order" in seg.evidence["licensing"] and "order" in seg.evidence["fees"]
    seg = segment_table("active_disclosure", "2019", {"punishment": "5 -120"})
    assert seg.rows["punishment"] == (5, -1, 20)  # not 5 | -12 | 0
    seg = segment_table("active_disclosure", "2019", {"punishment": "0740"})
    assert sorted(seg.candidates["punishment"]) == [(0, 7, 40), (0, 74, 0)]
