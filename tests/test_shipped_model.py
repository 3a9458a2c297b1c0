"""The shipped model, end to end through the CLI, on the five seeds: every table cell (blanks
null unless a check proves and repairs them), every section and the year right, and the
narrative figures found. The seeds are in the shipped model's training data, so this is the
promise that the default works on what it learned from; the held-out scores are the
leave-one-out table in model/default/README.md."""

import json
from dataclasses import dataclass
from pathlib import Path

import pytest
from typer.testing import CliRunner

from gongkai.cli import app
from gongkai.inference.model_tagger import default_model_dir
from gongkai.inference.numbers import read_number
from gongkai.training.corpus import read_jsonl
from gongkai.training.evaluate_pipeline import _figure_matches

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT.parent / "shared" / "seeds"

pytestmark = pytest.mark.skipif(not (default_model_dir() / "config.json").exists(),
                                reason="no model shipped in model/default yet")


@pytest.fixture(scope="module")
def extracted(tmp_path_factory):
    if not SEEDS.is_dir():
        pytest.skip("../shared/seeds is not beside the checkout")
    out = tmp_path_factory.mktemp("x") / "seeds.jsonl"
    result = CliRunner().invoke(app, ["extract", str(SEEDS), "-o", str(out), "--no-progress"])
    assert result.exit_code == 0, result.output
    return {Path(r["id"]).stem: r for r in map(json.loads, out.read_text(encoding="utf-8").splitlines())}


def _expected():
    for p in sorted((ROOT / "annotations" / "expected").glob("*.json")):
        yield pytest.param(json.loads(p.read_text(encoding="utf-8")), id=p.stem)


@pytest.mark.parametrize("exp", list(_expected()))
def test_every_cell_section_and_year_is_right(extracted, exp):
    got = extracted[exp["id"]]
    assert got["error"] is None and got["year"] == exp["year"]
    assert [(s["key"], s["number"], s["title"]) for s in got["sections"]] == [
        (s["key"], s["number"], s["title"]) for s in exp["sections"]]
    assert set(got["tables"]) == set(exp["tables"])
    for table, t in exp["tables"].items():
        assert got["tables"][table].get("template") == t.get("template"), table
        for row, fields in t["rows"].items():
            for field, value in fields.items():
                out = got["tables"][table]["rows"][row][field]
                prov = got["provenance"][table][row][field]
                if "repaired_from" in prov:  # only a blank or a damaged reading may be repaired
                    assert value is None or read_number(prov["text"]).damaged, (table, row, field)
                else:
                    assert out == value, (table, row, field, out, value)


@dataclass
class _Figure:
    value: float
    unit: str | None
    approximate: bool
    start: int
    end: int


def test_figure_recall_against_the_gold_annotations(extracted):
    from gongkai.inference.assemble import assemble
    from gongkai.inference.entities import entities_from_source_spans
    from gongkai.inference.normalise import normalise

    found = total = 0
    for path in sorted((ROOT / "annotations" / "gold").glob("*.jsonl")):
        rec = next(read_jsonl(path))
        norm = normalise(rec.text)
        gold = [_Figure(g.value, g.unit, g.approximate, *norm.to_source(g.start, g.end))
                for g in assemble(norm, entities_from_source_spans(norm, rec.spans)).figures]
        got = [_Figure(d["value"], d["unit"], d["approximate"], d["start"], d["end"])
               for d in extracted[rec.id]["figures"]]
        found += _figure_matches(gold, got)
        total += len(gold)
    assert found / total >= 0.9, f"figure recall {found}/{total}"
