"""--resume after an interrupted run: whatever the run left half-written is cut off and that
document runs again, so every input still ends with exactly one complete record."""

import csv
import io
import json

import pytest

from gongkai.inference.bulk import extract_to_file
from gongkai.inference.pipeline import Extractor, SpanTagger
from gongkai.training.corpus import annotation_files, read_jsonl

GOLD = [r for f in annotation_files(["annotations/gold"]) for r in read_jsonl(f)]


@pytest.fixture
def corpus(tmp_path):
    src = tmp_path / "in.jsonl"
    src.write_text(
        "".join(json.dumps({"id": r.id, "text": r.text}, ensure_ascii=False) + "\n" for r in GOLD), encoding="utf-8"
    )
    return src


def _run(src, out, **kw):
    # Gold spans as the tagger: real tables, so CSV records are many rows each.
    extractor = Extractor(SpanTagger({r.id: r.spans for r in GOLD}))
    return extract_to_file([str(src)], out, extractor=extractor, progress=False, **kw)


@pytest.mark.parametrize("cut", [1, 100, 2000])
def test_jsonl_record_cut_mid_write_runs_again(tmp_path, corpus, cut):
    out = tmp_path / "out.jsonl"
    _run(corpus, tmp_path / "full.jsonl")
    full = (tmp_path / "full.jsonl").read_bytes()
    lines = full.splitlines(keepends=True)
    out.write_bytes(b"".join(lines[:2]) + lines[2][:cut])  # the third record was being written
    summary = _run(corpus, out, resume=True)
    assert (summary.skipped, summary.total) == (2, len(GOLD) - 2)
    assert out.read_bytes() == full


@pytest.mark.parametrize("keep_rows", [0, 3])
def test_csv_last_record_is_redone_whole(tmp_path, corpus, keep_rows):
    _run(corpus, tmp_path / "full.csv")
    full = (tmp_path / "full.csv").read_bytes()
    rows = list(csv.reader(io.StringIO(full.decode("utf-8-sig"))))
    second = GOLD[1].id
    upto = max(k for k, r in enumerate(rows) if r[0] == GOLD[0].id) + 1
    partial = rows[:upto] + [r for r in rows if r[0] == second][:keep_rows]
    buf = io.StringIO(newline="")
    csv.writer(buf).writerows(partial)
    text = buf.getvalue()
    out = tmp_path / "out.csv"
    out.write_bytes(("\ufeff" + text + ("1,2" if keep_rows else "")).encode("utf-8"))  # a row cut off too
    summary = _run(corpus, out, resume=True)
    # A CSV record cannot say it is complete: the last one written always runs again.
    assert summary.skipped == (1 if keep_rows else 0) and summary.total == len(GOLD) - summary.skipped
    assert out.read_bytes() == full
