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

pytestmark = pytest.mark.skipif(
    not (default_model_dir() / "config.json").exists(), reason="no model shipped in model/default yet"
)


@pytest.fixture(scope="module")
def extracted(tmp_path_factory):
    if not SEEDS.is_dir():
        pytest.skip("../shared/seeds is not beside the checkout")
    out = tmp_path_factory.mktemp("x") / "seeds.jsonl"
    result = CliRunner().invoke(app, ["extract", str(SEEDS), "-o", str(out), "--no-progress"])
    assert result.exit_code == 0, result.output
    return {Path(r["id"]).stem: r for r in map(json.loads, out.read_text(encoding="utf-8").splitlines())}


def _expected():
    for p in sorted((ROOT / "annotations" / "expected").glob("[0-9]*.json")):  # the seeds
        yield pytest.param(json.loads(p.read_text(encoding="utf-8")), id=p.stem)


# Known failures of the current default model, kept as strict xfails: each must start
# failing the xfail (and be removed from here) when a better model fixes it. Issue 6's done
# criterion is that this table is empty.
KNOWN_FAILURES: dict[tuple[str, str], str] = {}


def _cases(kind):
    for p in _expected():
        exp = p.values[0]
        reason = KNOWN_FAILURES.get((kind, exp["id"]))
        marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
        yield pytest.param(exp, id=exp["id"], marks=marks)


@pytest.mark.parametrize("exp", list(_cases("cells")))
def test_every_table_cell_is_right(extracted, exp):
    got = extracted[exp["id"]]
    assert got["error"] is None
    assert set(got["tables"]) == set(exp["tables"])
    wrong = []
    for table, t in exp["tables"].items():
        assert got["tables"][table].get("template") == t.get("template"), table
        for row, fields in t["rows"].items():
            for field, value in fields.items():
                out = got["tables"][table]["rows"].get(row, {}).get(field, "absent")
                prov = got["provenance"][table].get(row, {}).get(field, {})
                if "repaired_from" in prov:  # only a blank or a damaged reading may be repaired
                    ok = value is None or read_number(prov["text"]).damaged
                else:
                    ok = out == value
                if not ok:
                    wrong.append(f"{table}.{row}.{field}: {out!r} != {value!r}")
    assert not wrong, wrong


@pytest.mark.parametrize("exp", list(_cases("sections")))
def test_every_section_is_right(extracted, exp):
    got = extracted[exp["id"]]
    assert [(s["key"], s["number"], s["title"]) for s in got["sections"]] == [
        (s["key"], s["number"], s["title"]) for s in exp["sections"]
    ]


@pytest.mark.parametrize("exp", list(_cases("year")))
def test_the_reporting_year_is_right(extracted, exp):
    assert extracted[exp["id"]]["year"] == exp["year"]


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
    for path in sorted((ROOT / "annotations" / "gold").glob("[0-9]*.jsonl")):  # the seeds
        rec = next(read_jsonl(path))
        norm = normalise(rec.text)
        gold = [
            _Figure(g.value, g.unit, g.approximate, *norm.to_source(g.start, g.end))
            for g in assemble(norm, entities_from_source_spans(norm, rec.spans)).figures
        ]
        got = [
            _Figure(d["value"], d["unit"], d["approximate"], d["start"], d["end"]) for d in extracted[rec.id]["figures"]
        ]
        found += _figure_matches(gold, got)
        total += len(gold)
    assert found / total >= 0.9, f"figure recall {found}/{total}"


def test_two_metrics_that_touch_stay_two():
    """``全中心5项[依申请类政务服务事项][进驻]5项``: the value before one metric and after the next.
    Decoding joins touching metrics (``labels.UNBROKEN``) and cuts them again where each part has
    its own number (``tag_decoding.split_shared``)."""
    from gongkai.model.tagger import Tagger
    from gongkai.training.evaluate import tag_records

    gold = next(iter(tag_records([next(read_jsonl(ROOT / "annotations" / "gold" / "000_36f0aac7f99c3c7f.jsonl"))])))
    at = gold.text.index("依申请类政务服务事项进驻")
    got = Tagger.load(default_model_dir()).predict([gold.text])[0]
    assert got.tags[at : at + 12] == gold.tags[at : at + 12]
