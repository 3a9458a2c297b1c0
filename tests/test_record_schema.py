"""The output contract as JSON Schema (docs/record.schema.json): current with the template, and
every record the pipeline writes — seeds, generated reports, bad inputs, the shipped model's —
valid against it."""

import json
from pathlib import Path

import jsonschema
import pytest
from typer.testing import CliRunner

from gongkai.cli import app
from gongkai.inference.pipeline import Extractor, SpanTagger
from gongkai.model.record_schema import record_schema
from gongkai.training.corpus import read_jsonl
from gongkai.training.synth import generate_many

ROOT = Path(__file__).resolve().parents[1]
SCHEMA_FILE = ROOT / "docs" / "record.schema.json"
GOLD = sorted((ROOT / "annotations" / "gold").glob("*.jsonl"))


@pytest.fixture(scope="module")
def validator():
    schema = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def _errors(validator, record):
    return [f"{'/'.join(map(str, e.path))}: {e.message[:200]}" for e in validator.iter_errors(record)]


def test_the_committed_schema_is_the_one_the_template_gives():
    result = CliRunner().invoke(app, ["formats", "--schema", "-o", str(SCHEMA_FILE), "--check"])
    assert result.exit_code == 0, result.output
    assert json.loads(SCHEMA_FILE.read_text(encoding="utf-8")) == record_schema()


def test_records_from_gold_spans_and_generated_reports_are_valid(validator):
    records = [r for f in GOLD for r in read_jsonl(f)] + list(generate_many(30, seed=5))
    extractor = Extractor(SpanTagger({r.id: r.spans for r in records}), keep_entities=True)
    reports = list(extractor.extract_many([(r.id, r.text) for r in records]))
    assert len(reports) == len(records)
    for rep in reports:
        assert _errors(validator, rep.to_dict()) == [], rep.id


def test_records_of_bad_inputs_are_valid(validator):
    extractor = Extractor(SpanTagger({}))
    bad = [
        ("binary", b"\x00\xff\xfe" * 50),
        ("empty", ""),
        ("news", "今日天气晴，气温18度。"),
        ("huge", "0" * (Extractor.MAX_INPUT_CHARS + 1)),
    ]
    for rep in extractor.extract_many(bad):
        assert _errors(validator, rep.to_dict()) == [], rep.id


def test_the_shipped_model_writes_valid_records(validator):
    recs = [r for f in GOLD[:2] for r in read_jsonl(f)]
    for rep in Extractor.load().extract_many([(r.id, r.text) for r in recs]):
        assert _errors(validator, rep.to_dict()) == [], rep.id


def test_a_record_off_the_contract_is_caught(validator):
    rec = next(Extractor(SpanTagger({})).extract_many([("x", "一、总体情况")])).to_dict()
    assert _errors(validator, rec) == []
    for broken in (
        {**rec, "status": "fine"},
        {
            **rec,
            "tables": {"applications": {"template": "2021", "rows": {"granted": {"natural_person": 1, "everyone": 2}}}},
        },
        {**rec, "extra": 1},
    ):
        assert _errors(validator, broken)
