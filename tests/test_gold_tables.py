"""The gold annotations of the five seeds, assembled through the format knowledge, give the
hand-written expected tables, sections, year and organ (annotations/expected/)."""

import json
from pathlib import Path

import pytest

from gongkai.inference.assemble import assemble
from gongkai.inference.entities import entities_from_source_spans
from gongkai.inference.normalise import normalise
from gongkai.training.corpus import read_jsonl

ROOT = Path(__file__).resolve().parents[1]
# The seeds (real gold of shared/real is tests/test_real_gold.py's).
GOLD = sorted((ROOT / "annotations" / "gold").glob("[0-9]*.jsonl"))


def _gold():
    for path in GOLD:
        for rec in read_jsonl(path):
            yield pytest.param(rec, id=rec.id)


@pytest.fixture(scope="module")
def expected():
    return {p.stem: json.loads(p.read_text(encoding="utf-8"))
            for p in (ROOT / "annotations" / "expected").glob("[0-9]*.json")}


def test_there_are_five_gold_seeds():
    assert len(list(_gold())) == 5


@pytest.mark.parametrize("rec", list(_gold()))
def test_gold_spans_assemble_to_the_expected_report(rec, expected):
    exp = expected[rec.id]
    norm = normalise(rec.text, name=rec.id)
    asm = assemble(norm, entities_from_source_spans(norm, rec.spans))
    assert {k: t.data.to_schema() for k, t in asm.tables.items()} == exp["tables"]
    assert asm.year == exp["year"]
    assert asm.organ == exp["organ"]
    assert [(s.key, s.number, s.title) for s in asm.sections] == [
        (s["key"], s["number"], s["title"]) for s in exp["sections"]
    ]
    # Every section's offsets point at its heading in the caller's text.
    for s in asm.sections:
        assert normalise(rec.text[s.start:s.end]).text.endswith(s.title)
