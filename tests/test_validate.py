import json

from typer.testing import CliRunner

from gongkai.commands.annotations import app
from gongkai.training.corpus import Record, Span, write_jsonl
from gongkai.training.validate import check_record, validate

TEXT = "一、總體情況\n信息內(nèi)容 |\n行政許可 | 0 | ||\n"


def good(rid="r1"):
    return Record(
        rid,
        TEXT,
        [
            Span(0, 6, "SECTION"),
            Span(7, 16, "COL_HEADER"),
            Span(19, 23, "ROW_LABEL"),
            Span(26, 27, "CELL"),
            Span(30, 31, "BLANK"),
        ],
        {"source": "seed"},
    )


def write_lines(path, objs):
    path.write_text(
        "\n".join(o if isinstance(o, str) else json.dumps(o, ensure_ascii=False) for o in objs) + "\n", encoding="utf-8"
    )
    return path


def rec(rid, spans, text=TEXT):
    return {"id": rid, "text": text, "spans": [{"start": s, "end": e, "label": lab} for s, e, lab in spans]}


def test_clean_corpus_has_no_problems(tmp_path):
    write_jsonl([good("a"), good("b")], tmp_path / "x.jsonl")
    assert validate([tmp_path]) == []


def test_each_problem_kind_is_reported_with_file_line_id_and_span(tmp_path):
    f = write_lines(
        tmp_path / "bad.jsonl",
        [
            rec("ok", [(0, 6, "SECTION")]),  # line 1
            '{"id": "broken", "text": ',  # line 2: not JSON
            {"id": "notext", "spans": []},  # line 3: not a record
            rec("oob", [(20, 99, "CELL")]),  # line 4
            rec("overlap", [(0, 6, "SECTION"), (2, 4, "CELL")]),  # line 5
            rec("label", [(26, 27, "cel")]),  # line 6
            rec("blank", [(25, 26, "CELL")]),  # line 7: " "
            rec("edge", [(25, 27, "CELL")]),  # line 8: " 0" (warning)
            rec("ok", [(0, 6, "SECTION")]),  # line 9: duplicate id
        ],
    )
    problems = validate([f])
    by_kind = {p.kind: p for p in problems}
    assert sorted(by_kind) == sorted(
        ["json", "record", "bounds", "overlap", "label", "blank", "whitespace", "duplicate_id"]
    )
    assert len(problems) == 8
    expect_line = {
        "json": 2,
        "record": 3,
        "bounds": 4,
        "overlap": 5,
        "label": 6,
        "blank": 7,
        "whitespace": 8,
        "duplicate_id": 9,
    }
    for kind, line in expect_line.items():
        p = by_kind[kind]
        assert (p.file, p.line) == (str(f), line)
        assert f"{f}:{line}:" in str(p)
    assert by_kind["whitespace"].severity == "warning"
    assert all(p.is_error for p in problems if p.kind != "whitespace")
    assert "record 'overlap'" in str(by_kind["overlap"]) and "overlaps span [0, 6) SECTION" in str(by_kind["overlap"])
    label = str(by_kind["label"])
    assert "span [26, 27) cel '0'" in label and "did you mean 'CELL'" in label and "FIG_VALUE" in label
    assert "' '" in str(by_kind["blank"])
    assert f"{f}:1" in by_kind["duplicate_id"].message


def test_duplicate_ids_across_files_and_directories_recursively(tmp_path):
    (tmp_path / "sub" / "deeper").mkdir(parents=True)
    write_jsonl([good("same")], tmp_path / "a.jsonl")
    write_jsonl([good("other"), good("same")], tmp_path / "sub" / "deeper" / "b.jsonl")
    (tmp_path / "notes.txt").write_text("not annotations")
    problems = validate([tmp_path])
    assert [(p.kind, p.line, p.id) for p in problems] == [("duplicate_id", 2, "same")]
    assert problems[0].file.endswith("b.jsonl") and "a.jsonl:1" in problems[0].message


def test_missing_path_is_an_error(tmp_path):
    [p] = validate([tmp_path / "nope.jsonl"])
    assert p.is_error and "nope.jsonl" in str(p)


def test_adjacent_spans_do_not_overlap_and_nested_ones_do():
    r = Record("r", "abcdef", [Span(0, 2, "CELL"), Span(2, 4, "CELL"), Span(1, 5, "BLANK"), Span(4, 6, "CELL")])
    overlaps = [(p.span.start, p.span.end) for p in check_record(r) if p.kind == "overlap"]
    assert overlaps == [(1, 5), (2, 4), (4, 6)]


def test_cli_exit_codes_and_summary(tmp_path):
    runner = CliRunner()
    clean = tmp_path / "clean"
    clean.mkdir()
    write_jsonl([good()], clean / "a.jsonl")
    r = runner.invoke(app, ["validate", str(clean)])
    assert r.exit_code == 0 and "1 file checked: 0 errors, 0 warnings" in r.output

    warn = write_lines(tmp_path / "warn.jsonl", [rec("w", [(25, 27, "CELL")])])
    r = runner.invoke(app, ["validate", str(warn)])
    assert r.exit_code == 0 and "warning" in r.output and "0 errors, 1 warning" in r.output
    assert runner.invoke(app, ["validate", "--strict", str(warn)]).exit_code == 1

    bad = write_lines(tmp_path / "bad.jsonl", [rec("b", [(0, 99, "CELL")])])
    r = runner.invoke(app, ["validate", str(clean), str(bad)])
    assert r.exit_code == 1
    assert f"{bad}:1: error: record 'b': span [0, 99) CELL" in r.output and "1 error, 0 warnings" in r.output


def test_every_reader_of_annotation_files_reads_a_line_alike(tmp_path, monkeypatch):
    import pytest

    from gongkai.commands.model import app as model_app
    from gongkai.training.corpus import CorpusError, read_jsonl, read_records

    bad = write_lines(tmp_path / "bad.jsonl", [good("a").to_dict(), {"id": "b", "text": 3}])
    # validate reports the line, read_jsonl stops at it, and a command says where it is.
    assert [(p.kind, p.line, p.id) for p in validate([bad])] == [("record", 2, "b")]
    with pytest.raises(CorpusError, match="bad.jsonl:2: not an annotation record"):
        list(read_jsonl(bad))
    with pytest.raises(FileNotFoundError, match="nowhere.jsonl"):
        read_records([bad, tmp_path / "nowhere.jsonl"])
    monkeypatch.chdir(tmp_path)  # a short path, not wrapped in the error panel
    result = CliRunner().invoke(model_app, ["train", "-a", "bad.jsonl", "--out", "m"])
    assert result.exit_code == 2 and "bad.jsonl:2" in result.output and not (tmp_path / "m").exists()
