import json
import xml.etree.ElementTree as ET

import pytest
from typer.testing import CliRunner

from gongkai.commands.annotations import app
from gongkai.model.labels import LABELS, TAGS
from gongkai.training.corpus import Record, Span, write_jsonl
from gongkai.training.formats.exporters import ExportError, export_records

TEXT = "𠀀😀行政許可 | 0\r\n"
RECORD = Record("r1", TEXT, [Span(2, 6, "ROW_LABEL"), Span(9, 10, "CELL")], {"source": "seed", "year": 2023})


def test_hf_one_character_per_token_and_tags_as_classlabel(tmp_path):
    import datasets

    export_records("hf", [RECORD], tmp_path / "ds")
    ds = datasets.load_from_disk(str(tmp_path / "ds"))
    assert ds.features["ner_tags"].feature.names == list(TAGS)
    row = ds[0]
    assert row["id"] == "r1" and row["tokens"] == list(TEXT) and row["tokens"][-2:] == ["\r", "\n"]
    tags = [TAGS[i] for i in row["ner_tags"]]
    assert tags[:7] == ["O", "O", "B-ROW_LABEL", "I-ROW_LABEL", "I-ROW_LABEL", "I-ROW_LABEL", "O"]
    assert tags[9] == "B-CELL" and json.loads(row["meta"]) == RECORD.meta


def test_docbin_offsets_are_exact_and_user_data_keeps_id_and_meta(tmp_path):
    from spacy.tokens import DocBin
    from spacy.vocab import Vocab

    export_records("docbin", [RECORD], tmp_path / "x.spacy")
    [doc] = DocBin().from_disk(tmp_path / "x.spacy").get_docs(Vocab())
    assert doc.text == TEXT and len(doc) == len(TEXT)
    assert [(e.start_char, e.end_char, e.label_, e.text) for e in doc.ents] == [
        (2, 6, "ROW_LABEL", "行政許可"),
        (9, 10, "CELL", "0"),
    ]
    assert doc.user_data["id"] == "r1" and doc.user_data["meta"] == RECORD.meta


def test_labelstudio_tasks_carry_predictions_and_the_config_lists_every_label(tmp_path):
    written = export_records("labelstudio", [RECORD], tmp_path / "tasks.json", model_version="tagger-v1")
    assert written == [tmp_path / "tasks.json", tmp_path / "tasks.config.xml"]
    [task] = json.loads((tmp_path / "tasks.json").read_text("utf-8"))
    assert task["data"] == {"text": TEXT, "id": "r1", "doc_id": "r1", "meta": RECORD.meta}  # doc_id survives JSON-MIN
    [pred] = task["predictions"]
    assert pred["model_version"] == "tagger-v1"
    first = pred["result"][0]
    assert {k: first[k] for k in ("from_name", "to_name", "type")} == {
        "from_name": "label",
        "to_name": "text",
        "type": "labels",
    }
    assert first["value"] == {"start": 2, "end": 6, "text": "行政許可", "labels": ["ROW_LABEL"]}
    assert len({r["id"] for r in pred["result"]}) == len(pred["result"])
    view = ET.fromstring((tmp_path / "tasks.config.xml").read_text("utf-8"))
    labels = view.find("Labels")
    assert labels.get("name") == "label" and labels.get("toName") == "text"
    assert [x.get("value") for x in labels] == list(LABELS)
    assert view.find("Text").attrib == {"name": "text", "value": "$text"}


@pytest.mark.parametrize(
    "bad",
    [
        Record("o", "abc", [Span(0, 2, "CELL"), Span(1, 3, "CELL")]),
        Record("b", "abc", [Span(0, 4, "CELL")]),
        Record("l", "abc", [Span(0, 1, "PER")]),
    ],
)
def test_export_refuses_records_that_do_not_validate(bad, tmp_path):
    with pytest.raises(ExportError, match=f"record '{bad.id}'"):
        export_records("hf", [RECORD, bad], tmp_path / "ds")
    assert not (tmp_path / "ds").exists()


def test_cli_export(tmp_path):
    write_jsonl([RECORD], tmp_path / "a.jsonl")
    r = CliRunner().invoke(app, ["export", "--to", "docbin", str(tmp_path), "-o", str(tmp_path / "o" / "x.spacy")])
    assert r.exit_code == 0, r.output
    assert "exported 1 records" in r.output and (tmp_path / "o" / "x.spacy").is_file()
    write_jsonl([Record("r1", "x", [])], tmp_path / "dup.jsonl")
    r = CliRunner().invoke(app, ["export", "--to", "hf", str(tmp_path), "-o", str(tmp_path / "ds")])
    assert r.exit_code == 1 and "record 'r1'" in r.output
