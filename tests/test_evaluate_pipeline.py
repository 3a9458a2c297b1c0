"""End-to-end scores: perfect on the gold tags themselves, and they fall where the tags are wrong."""

from pathlib import Path

import pytest

from gongkai.inference.entities import Entity, entities_from_source_spans
from gongkai.inference.normalise import normalise
from gongkai.training.corpus import read_jsonl
from gongkai.training.evaluate_pipeline import pipeline_scores

GOLD = Path(__file__).resolve().parents[1] / "annotations" / "gold" / "001_783649b23b5da190.jsonl"


@pytest.fixture(scope="module")
def seed():
    rec = next(read_jsonl(GOLD))
    norm = normalise(rec.text)
    return rec, entities_from_source_spans(norm, rec.spans)


def test_gold_tags_score_perfectly(seed):
    rec, ents = seed
    s = pipeline_scores([rec], [ents])
    assert s["cell_accuracy"] == 1.0 and s["cells"] == 200
    assert s["sections"]["f1"] == 1.0 and s["figures"]["f1"] == 1.0
    assert s["year_accuracy"] == s["organ_accuracy"] == s["check_agreement"] == 1.0


def test_a_lost_cell_and_a_wrong_section_are_counted(seed):
    rec, ents = seed
    first_cell = next(i for i, e in enumerate(ents) if e.label == "CELL")
    broken = [e for i, e in enumerate(ents) if i != first_cell]
    broken = [
        Entity("ROW_LABEL", e.start, e.end, e.text) if e.label == "SECTION" and e.text.startswith("六") else e
        for e in broken
    ]
    s = pipeline_scores([rec], [broken])
    assert s["cell_accuracy"] < 1.0
    assert s["records"][0]["cells_wrong"] >= 1
    assert s["sections"]["recall"] == pytest.approx(5 / 6)
    figures_only = [e for e in ents if not e.label.startswith("FIG_")]
    assert pipeline_scores([rec], [figures_only])["figures"]["recall"] == 0.0


EXPECTED = GOLD.parents[1] / "expected" / "001_783649b23b5da190.json"


def test_expected_tables_are_the_reference_where_a_record_has_them(seed):
    import copy
    import json

    from gongkai.training.evaluate_pipeline import expected_beside

    rec, ents = seed
    exp = json.loads(EXPECTED.read_text(encoding="utf-8"))
    assert expected_beside([GOLD]) == {rec.id: exp}
    s = pipeline_scores([rec], [ents], {rec.id: exp})
    assert s["cell_accuracy"] == s["nonblank_accuracy"] == 1.0 and s["records"][0]["reference"] == "expected"
    # The report printed 7, not what the pipeline read: one non-blank cell wrong.
    wrong = copy.deepcopy(exp)
    wrong["tables"]["applications"]["rows"]["granted"]["total"] = 7
    s = pipeline_scores([rec], [ents], {rec.id: wrong})
    assert s["nonblank_accuracy"] == pytest.approx(1 - 1 / s["cells"])
    assert s["records"][0]["wrong"] == ["applications.granted.total"]
    # A cell the report prints blank is read right only when nothing is read for it.
    blank = copy.deepcopy(exp)
    blank["tables"]["applications"]["rows"]["granted"]["total"] = None
    s = pipeline_scores([rec], [ents], {rec.id: blank})
    assert s["blank_cells"] == 1 and s["blank_accuracy"] == 0.0
    # A report with no template tables (before 2019): every table read is spurious.
    none = {**exp, "tables": {}}
    s = pipeline_scores([rec], [ents], {rec.id: none})
    assert s["tables_spurious"] == 3 and s["cells_spurious"] > 0 and s["cell_accuracy"] is None


def test_cells_the_report_does_not_decide_are_counted_apart(seed):
    """An annotator's reading of a glued run no rule decides is a judgement: a pipeline that leaves
    the cell null is not wrong about what the report decides."""
    import copy
    import json

    rec, ents = seed
    exp = json.loads(EXPECTED.read_text(encoding="utf-8"))
    judged = copy.deepcopy(exp)
    judged["tables"]["active_disclosure"]["rows"]["normative_documents"]["in_force"] = 51  # read: 15
    judged["readings"] = [
        {
            "cells": ["active_disclosure.normative_documents.in_force"],
            "printed": "15",
            "candidates": [[15], [51]],
            "chosen": [51],
            "why": "for the test",
        }
    ]
    s = pipeline_scores([rec], [ents], {rec.id: judged})
    assert s["decided_accuracy"] == 1.0 and s["judged"] == [0, 0, 1]
    assert s["nonblank_accuracy"] < 1.0
