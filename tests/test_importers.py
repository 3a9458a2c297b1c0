import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from gongkai.commands.annotations import app
from gongkai.training.corpus import Record, Span, read_jsonl, write_jsonl
from gongkai.training.formats.exporters import export_records
from gongkai.training.formats.importers import ImportFormatError, import_file


def spans(text, *parts):
    """Spans from (substring, label) pairs, each found after the previous one."""
    out, pos = [], 0
    for sub, label in parts:
        start = text.index(sub, pos)
        out.append(Span(start, start + len(sub), label))
        pos = start + len(sub)
    return out


def records():
    """Small records with what breaks offsets: characters outside the BMP before spans, CRLF, seed damage."""
    a = "一、總體情況\r\n信息內(nèi)容 |\r\n行政許可 | 0 | ||\r\n"
    b = "𠀀😀2023年,新增主動公開信息815條。"
    c = "第二十條第(一)項 | |||\n規章 | 0 | 0 | 0 |\n?????523"
    return [
        Record(
            "seed-a",
            a,
            spans(
                a,
                ("一、總體情況", "SECTION"),
                ("信息內(nèi)容", "COL_HEADER"),
                ("行政許可", "ROW_LABEL"),
                ("0", "CELL"),
                ("|", "BLANK"),
            ),
            {"source": "000_36f0aac7f99c3c7f.txt"},
        ),
        Record(
            "astral",
            b,
            spans(b, ("2023", "YEAR"), ("新增主動公開信息", "FIG_METRIC"), ("815", "FIG_VALUE"), ("條", "FIG_UNIT")),
        ),
        Record(
            "glued",
            c,
            spans(
                c,
                ("第二十條第(一)項", "TABLE_TITLE"),
                ("規章", "ROW_LABEL"),
                ("0", "CELL"),
                ("0", "CELL"),
                ("0", "CELL"),
                ("?????523", "CELL"),
            ),
            {"n": 3},
        ),
        Record("empty", "", []),
    ]


def test_fixture_spans_say_what_they_mean():
    r = {x.id: x for x in records()}
    assert r["astral"].spans[0] == Span(2, 6, "YEAR")
    assert [r["astral"].span_text(s) for s in r["astral"].spans] == ["2023", "新增主動公開信息", "815", "條"]
    assert [r["seed-a"].span_text(s) for s in r["seed-a"].spans][-2:] == ["0", "|"]
    assert r["glued"].span_text(r["glued"].spans[-1]) == "?????523"


def ls_export_of(tasks):
    """What Label Studio's JSON export looks like after a user accepts the predictions we loaded."""
    out = []
    for n, t in enumerate(tasks, 1):
        [pred] = t["predictions"]
        out.append(
            {
                "id": 100 + n,
                "data": t["data"],
                "predictions": [],
                "annotations": [
                    {
                        "id": n,
                        "was_cancelled": False,
                        "result": pred["result"],
                        "created_at": "2024-05-01T10:00:00.000000Z",
                    }
                ],
            }
        )
    return out


def roundtrip(fmt, tmp_path):
    out = tmp_path / {"hf": "ds", "docbin": "x.spacy", "labelstudio": "tasks.json"}.get(fmt, f"x.{fmt}")
    export_records(fmt, records(), out)
    if fmt == "labelstudio":
        out.write_text(json.dumps(ls_export_of(json.loads(out.read_text("utf-8"))), ensure_ascii=False), "utf-8")
    return import_file(fmt, out)


@pytest.mark.parametrize("fmt", ["labelstudio", "doccano", "bio", "cluener", "docbin", "hf"])
def test_roundtrip_gives_identical_records(fmt, tmp_path):
    result = roundtrip(fmt, tmp_path)
    assert result.problems == []
    assert result.records == records()


LS_EXPORTS = Path(__file__).resolve().parent / "data" / "labelstudio"
# Made by Label Studio's own converter (label-studio-converter 0.0.59) from export.json, the JSON
# export of our `annotations export --to labelstudio` tasks for records() with their predictions
# accepted (ls_export_of): Converter(config=tasks.config.xml).convert_to_json_min(...) wrote
# result-min.json and convert_to_conll2003(...) result.conll.


def test_labelstudio_json_min_export_keeps_our_ids(tmp_path):
    # JSON-MIN writes Label Studio's task number over `id`; the record's id comes back from doc_id.
    rows = json.loads((LS_EXPORTS / "result-min.json").read_text("utf-8"))
    assert [r["id"] for r in rows] == [101, 102, 103, 104]
    result = import_file("labelstudio", LS_EXPORTS / "result-min.json")
    assert result.problems == [] and result.records == records()


def test_hand_made_json_min_keeps_its_id_and_a_task_without_one_is_named_with_a_warning(tmp_path):
    rows = [
        {"id": "mine-1", "text": "0", "label": [{"start": 0, "end": 1, "text": "0", "labels": ["CELL"]}]},
        {"text": "1", "label": []},
    ]
    (tmp_path / "min.json").write_text(json.dumps(rows), "utf-8")
    result = import_file("labelstudio", tmp_path / "min.json")
    assert [r.id for r in result.records] == ["mine-1", "min-2"]
    [w] = result.warnings
    assert w.kind == "id" and "1 task(s) carry no id of their own" in w.message


def test_labelstudio_id_field_names_the_id(tmp_path):
    tasks = [ls_task("0", [(0, 1, "0", "CELL")]), ls_task("1", [])]
    tasks[0]["data"]["report_no"] = "R-7"
    (tmp_path / "t.json").write_text(json.dumps(tasks), "utf-8")
    result = import_file("labelstudio", tmp_path / "t.json", id_field="report_no")
    assert [r.id for r in result.records] == ["R-7"]
    [p] = result.rejected
    assert "has no field 'report_no'" in p.message
    with pytest.raises(ValueError, match="--id-field works with labelstudio or conll"):
        import_file("doccano", tmp_path / "t.json", id_field="report_no")


def test_labelstudio_conll_export_with_its_texts_gives_texts_and_ids_back(tmp_path):
    # Label Studio's words split at spaces and ASCII punctuation: an entity inside a longer word
    # comes back as the whole word; entities made of whole words come back exactly.
    for fmt in ("conll", "labelstudio"):  # labelstudio knows its CoNLL export when it sees one
        result = import_file(fmt, LS_EXPORTS / "result.conll", texts=LS_EXPORTS / "export.json")
        want = {r.id: r for r in records() if r.text}  # an empty task has no words: nothing to import
        got = {r.id: r for r in result.records}
        assert list(got) == list(want) and all(got[i].text == want[i].text for i in got)
        assert got["seed-a"].spans == want["seed-a"].spans and got["glued"].spans == want["glued"].spans
        astral = got["astral"]
        assert [(astral.span_text(s), s.label) for s in astral.spans] == [
            ("𠀀😀2023年", "YEAR"),
            ("新增主動公開信息815條。", "FIG_METRIC"),
        ]
        assert result.rejected == [] and "3 of 3 documents got their text and id back" in result.warnings[-1].message


def test_labelstudio_conll_export_without_texts(tmp_path):
    result = import_file("conll", LS_EXPORTS / "result.conll")
    assert [r.id for r in result.records] == ["result-1", "result-2", "result-3"]
    glued = result.records[2]
    assert glued.text.startswith("第二十條第 ( 一 ) 項 | ||| 規章 | 0")
    assert [glued.span_text(s) for s in glued.spans][:2] == ["第二十條第 ( 一 ) 項", "規章"]
    assert "give --texts" in result.warnings[-1].message


def test_conll_2003_layout_with_a_docstart_per_document(tmp_path):
    f = tmp_path / "c.conll"
    f.write_text(
        "-DOCSTART- -X- -X- O\n\n規章 NN O B-ROW_LABEL\n\n0 CD O B-CELL\n\n"
        "-DOCSTART- -X- -X- O\n\n一、總體情況 NN O B-SECTION\n",
        "utf-8",
    )
    result = import_file("conll", f)
    assert [(r.text, r.spans) for r in result.records] == [
        ("規章 0", [Span(0, 2, "ROW_LABEL"), Span(3, 4, "CELL")]),
        ("一、總體情況", [Span(0, 6, "SECTION")]),
    ]


def ls_task(text, regions, annotations=None):
    result = [
        {
            "from_name": "label",
            "to_name": "text",
            "type": "labels",
            "value": {"start": s, "end": e, "text": t, "labels": [lab]},
        }
        for s, e, t, lab in regions
    ]
    # Label Studio numbers the task (id 1); the task's own id is data.id.
    return {"id": 1, "data": {"text": text, "id": "r1"}, "annotations": annotations or [{"id": 1, "result": result}]}


def test_labelstudio_utf16_offsets_repaired_only_when_the_text_proves_it(tmp_path):
    text = "𠀀😀2023年,新增主動公開信息815條。"
    # UTF-16 code units: 𠀀 and 😀 count two each, so "2023" sits at [4, 8) there, at [2, 6) in Python;
    assert text[16:19] == "815"  # and "815" at [18, 21) there.
    task = ls_task(text, [(4, 8, "2023", "YEAR"), (18, 21, "815", "FIG_VALUE"), (18, 21, "816", "FIG_VALUE")])
    (tmp_path / "t.json").write_text(json.dumps([task], ensure_ascii=False), "utf-8")
    result = import_file("labelstudio", tmp_path / "t.json")
    assert result.records[0].spans == [Span(2, 6, "YEAR"), Span(16, 19, "FIG_VALUE")]
    assert [p.kind for p in result.warnings] == ["offsets", "offsets"]
    [rejected] = result.rejected
    assert rejected.kind == "offsets" and "'816'" in str(rejected) and "record 'r1'" in str(rejected)


def test_labelstudio_rejects_a_wrong_offset(tmp_path):
    task = ls_task("行政許可 | 0", [(0, 3, "行政許可", "ROW_LABEL"), (7, 8, "0", "CELL")])
    (tmp_path / "t.json").write_text(json.dumps([task], ensure_ascii=False), "utf-8")
    result = import_file("labelstudio", tmp_path / "t.json")
    assert result.records[0].spans == [Span(7, 8, "CELL")]
    [p] = result.rejected
    assert "text[0:3] is '行政許', not the span's text '行政許可'" in str(p)


def test_labelstudio_takes_the_latest_completed_annotation_and_skips_cancelled(tmp_path):
    def ann(i, when, label, cancelled=False):
        return {
            "id": i,
            "was_cancelled": cancelled,
            "updated_at": when,
            "result": [{"type": "labels", "value": {"start": 0, "end": 1, "text": "0", "labels": [label]}}],
        }

    tasks = [
        ls_task(
            "0",
            [],
            [
                ann(1, "2024-01-02T00:00:00Z", "CELL"),
                ann(2, "2024-03-01T00:00:00Z", "BLANK"),
                ann(3, "2024-09-01T00:00:00Z", "YEAR", cancelled=True),
            ],
        ),
        {"id": 2, "data": {"text": "1"}, "annotations": [ann(4, "2024-01-01T00:00:00Z", "CELL", cancelled=True)]},
    ]
    (tmp_path / "t.json").write_text(json.dumps(tasks), "utf-8")
    result = import_file("labelstudio", tmp_path / "t.json")
    assert [(r.id, r.spans) for r in result.records] == [("r1", [Span(0, 1, "BLANK")])]
    assert "2 completed annotations; took the most recent (id 2" in str(result.warnings[0])
    # No id of its own: named after the file and Label Studio's task number.
    assert "record 't-2'" in str(result.rejected[0]) and "no completed annotation" in str(result.rejected[0])


def test_doccano_old_labels_key_generated_ids_and_wrong_offset(tmp_path):
    f = tmp_path / "d.jsonl"
    f.write_text(
        '{"text": "規章 | 0", "labels": [[0, 2, "row_label"], [5, 9, "CELL"], [3, 4, "PER"]]}\n'
        '{"id": 7, "text": "0", "label": [[0, 1, "Cell"]]}\n',
        "utf-8",
    )
    result = import_file("doccano", f)
    assert [(r.id, r.spans) for r in result.records] == [
        ("d-1", [Span(0, 2, "ROW_LABEL")]),
        ("7", [Span(0, 1, "CELL")]),
    ]
    kinds = {p.kind: str(p) for p in result.rejected}
    assert "out of bounds" in kinds["bounds"] and "d.jsonl:1" in kinds["bounds"]
    assert "unknown label 'PER'" in kinds["label"] and "known labels: SECTION" in kinds["label"]


def test_cluener_inclusive_end_and_wrong_offset(tmp_path):
    f = tmp_path / "c.json"
    f.write_text(
        json.dumps(
            {
                "text": "新增主動公開信息815條",
                "label": {
                    "fig_value": {"815": [[8, 10]]},
                    "fig_unit": {"條": [[10, 10]]},
                    "FIG_METRIC": {"新增主動公開信息": [[0, 8]]},
                },
            },
            ensure_ascii=False,
        )
        + "\n",
        "utf-8",
    )
    result = import_file("cluener", f)
    assert result.records[0].spans == [Span(8, 11, "FIG_VALUE")]
    assert {p.kind for p in result.rejected} == {"offsets"} and len(result.rejected) == 2


def test_bio_encodes_whitespace_and_accepts_iob1_with_a_warning(tmp_path):
    f = tmp_path / "x.bio"
    f.write_text(
        "規\tI-ROW_LABEL\n章\tI-row_label\n<SP>\tO\n0\tB-CELL\n<CR>\tO\n<NL>\tO\n\n1 x S-CELL\n<U+3000> O\n\n", "utf-8"
    )
    result = import_file("bio", f)
    assert [(r.id, r.text, r.spans) for r in result.records] == [
        ("x-1", "規章 0\r\n", [Span(0, 2, "ROW_LABEL"), Span(3, 4, "CELL")]),
        ("x-2", "1\u3000", [Span(0, 1, "CELL")]),
    ]
    [w] = result.warnings
    assert w.line == 1 and "follows no B-ROW_LABEL" in w.message


def test_bio_rejects_a_document_whose_characters_cannot_be_read(tmp_path):
    f = tmp_path / "x.bio"
    f.write_text("# id: bad\n規\tB-ROW_LABEL\n<SPACE>\tO\n\n# id: good\n0\tB-CELL\n", "utf-8")
    result = import_file("bio", f)
    assert [r.id for r in result.records] == ["good"]
    [p] = result.rejected
    assert p.line == 3 and p.id == "bad" and "<SPACE>" in p.message


def test_docbin_and_hf_reject_unknown_labels(tmp_path):
    from spacy.tokens import Doc, DocBin
    from spacy.vocab import Vocab

    doc = Doc(Vocab(), words=["奎屯市", "人民政府"], spaces=[False, False])
    doc.ents = [doc.char_span(0, 3, "GPE"), doc.char_span(3, 7, "organ")]
    DocBin(docs=[doc]).to_disk(tmp_path / "x.spacy")
    result = import_file("docbin", tmp_path / "x.spacy")
    assert result.records[0].spans == [Span(3, 7, "ORGAN")] and result.records[0].id == "x-1"
    assert "unknown label 'GPE'" in str(result.rejected[0])

    import datasets

    ds = datasets.Dataset.from_dict(
        {"tokens": [list("奎屯市")], "ner_tags": [[1, 2, 0]]},
        features=datasets.Features(
            {
                "tokens": datasets.Sequence(datasets.Value("string")),
                "ner_tags": datasets.Sequence(datasets.ClassLabel(names=["O", "B-LOC", "I-LOC"])),
            }
        ),
    )
    ds.save_to_disk(str(tmp_path / "ds"))
    result = import_file("hf", tmp_path / "ds")
    assert result.records[0].spans == [] and "unknown label 'LOC'" in str(result.rejected[0])


def test_label_map_and_bad_input_errors(tmp_path):
    f = tmp_path / "c.jsonl"
    f.write_text(
        json.dumps({"text": "奎屯市", "label": {"address": {"奎屯市": [[0, 2]]}}}, ensure_ascii=False), "utf-8"
    )
    assert import_file("cluener", f, {"Address": "organ"}).records[0].spans == [Span(0, 3, "ORGAN")]
    with pytest.raises(ImportFormatError, match="c.jsonl"):
        import_file("labelstudio", f)
    with pytest.raises(ValueError, match="known formats"):
        import_file("brat", f)


def test_cli_import_writes_records_and_lists_rejections(tmp_path):
    f = tmp_path / "d.jsonl"
    f.write_text('{"id": "r", "text": "規章 | 0", "label": [[0, 2, "ROW_LABEL"], [5, 9, "CELL"]]}\n', "utf-8")
    out = tmp_path / "out" / "ours.jsonl"
    r = CliRunner().invoke(app, ["import", "--from", "doccano", str(f), "-o", str(out)])
    assert r.exit_code == 0, r.output
    assert "record 'r': span [5, 9) CELL" in r.output and "out of bounds" in r.output
    assert "imported 1 records (1 spans)" in r.output and "rejected 1" in r.output
    assert list(read_jsonl(out)) == [Record("r", "規章 | 0", [Span(0, 2, "ROW_LABEL")])]
    assert CliRunner().invoke(app, ["import", "--from", "doccano", "--strict", str(f), "-o", str(out)]).exit_code == 1
    r = CliRunner().invoke(app, ["import", "--from", "doccano", "--map", "nonsense", str(f), "-o", str(out)])
    assert r.exit_code != 0


def test_cli_roundtrip_via_labelstudio(tmp_path):
    write_jsonl(records(), tmp_path / "ours.jsonl")
    runner = CliRunner()
    r = runner.invoke(
        app,
        [
            "export",
            "--to",
            "labelstudio",
            str(tmp_path / "ours.jsonl"),
            "-o",
            str(tmp_path / "ls" / "tasks.json"),
            "--model-version",
            "m1",
        ],
    )
    assert r.exit_code == 0, r.output
    tasks = json.loads((tmp_path / "ls" / "tasks.json").read_text("utf-8"))
    assert tasks[0]["predictions"][0]["model_version"] == "m1"
    (tmp_path / "export.json").write_text(json.dumps(ls_export_of(tasks), ensure_ascii=False), "utf-8")
    r = runner.invoke(
        app, ["import", "--from", "labelstudio", str(tmp_path / "export.json"), "-o", str(tmp_path / "back.jsonl")]
    )
    assert r.exit_code == 0, r.output
    assert list(read_jsonl(tmp_path / "back.jsonl")) == records()


def test_meta_that_is_not_an_object_is_dropped_with_a_warning(tmp_path):
    f = tmp_path / "d.jsonl"
    f.write_text('{"id": "m", "text": "0", "label": [[0, 1, "CELL"]], "meta": "from doccano"}\n', "utf-8")
    result = import_file("doccano", f)
    assert result.records == [Record("m", "0", [Span(0, 1, "CELL")])]
    assert [p.kind for p in result.warnings] == ["meta"]


def test_cli_import_that_imports_nothing_exits_non_zero(tmp_path):
    runner = CliRunner()
    out = tmp_path / "ours.jsonl"
    # Every span rejected (labels another tool's, and no --map): records with nothing in them.
    f = tmp_path / "d.jsonl"
    f.write_text(
        '{"id": "a", "text": "奎屯市", "label": [[0, 3, "LOC"]]}\n'
        '{"id": "b", "text": "2021", "label": [[0, 4, "DATE"]]}\n',
        "utf-8",
    )
    r = runner.invoke(app, ["import", "--from", "doccano", str(f), "-o", str(out)])
    assert r.exit_code == 1 and "nothing was imported" in r.output and "unknown label 'LOC'" in r.output
    r = runner.invoke(
        app, ["import", "--from", "doccano", "--map", "LOC=ORGAN", "--map", "DATE=YEAR", str(f), "-o", str(out)]
    )
    assert r.exit_code == 0, r.output
    # Every record rejected, and an export with no tasks at all.
    tasks = [
        {"id": 5, "data": {"text": "0", "id": "x"}, "annotations": [{"id": 1, "was_cancelled": True, "result": []}]}
    ]
    (tmp_path / "t.json").write_text(json.dumps(tasks), "utf-8")
    r = runner.invoke(app, ["import", "--from", "labelstudio", str(tmp_path / "t.json"), "-o", str(out)])
    assert r.exit_code == 1 and "no completed annotation" in r.output
    (tmp_path / "none.json").write_text("[]", "utf-8")
    assert (
        runner.invoke(app, ["import", "--from", "labelstudio", str(tmp_path / "none.json"), "-o", str(out)]).exit_code
        == 1
    )


def test_cli_imports_the_conll_export_with_its_texts(tmp_path):
    out = tmp_path / "ours.jsonl"
    r = CliRunner().invoke(
        app,
        [
            "import",
            "--from",
            "labelstudio",
            str(LS_EXPORTS / "result.conll"),
            "--texts",
            str(LS_EXPORTS / "export.json"),
            "-o",
            str(out),
        ],
    )
    assert r.exit_code == 0, r.output
    assert [x.id for x in read_jsonl(out)] == ["seed-a", "astral", "glued"]
    r = CliRunner().invoke(
        app,
        [
            "import",
            "--from",
            "doccano",
            str(LS_EXPORTS / "result.conll"),
            "--texts",
            str(LS_EXPORTS / "export.json"),
            "-o",
            str(out),
        ],
    )
    assert r.exit_code == 2 and "--texts works with labelstudio or conll imports" in r.output
