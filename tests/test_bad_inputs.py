"""The bad-input battery: bad files, bad paths and odd file systems, all built at test time.

Each case asserts what a user relies on: every input named or found gets exactly one record
(or, for a file a folder holds that is no report format, a line in the summary), the error
names the path, the exit code says so, an existing output survives a usage error, and the run
ends.
"""

import contextlib
import json
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from typer.testing import CliRunner

from gongkai.cli import app
from gongkai.inference import pipeline
from gongkai.inference.bulk import extract_to_file
from gongkai.inference.inputs import raw_id, unescape_id
from gongkai.inference.pipeline import Extractor

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT.parent / "shared" / "seeds"
REPORT = "一、总体情况\n正文。\n"


class NoTags:
    """A tagger that finds nothing: enough to test everything around the model."""

    def __call__(self, docs, ids):
        return [[] for _ in docs]


@pytest.fixture
def no_model(monkeypatch):
    """``gongkai extract`` without loading the shipped model (a few seconds saved per run)."""
    monkeypatch.setattr(pipeline.Extractor, "load", classmethod(lambda cls, *a, **k: cls(NoTags())))


def _cli(args, timeout=60):
    """Run ``gongkai extract ARGS`` in this process; fail (instead of hanging) past ``timeout``."""
    box = {}

    def go():
        box["result"] = CliRunner().invoke(app, ["extract", "--no-progress", *map(str, args)])

    t = threading.Thread(target=go, daemon=True)
    t.start()
    t.join(timeout)
    assert not t.is_alive(), f"gongkai extract {args} did not end within {timeout} s"
    return box["result"]


def _records(path):
    raw = Path(path).read_bytes()
    raw.decode("utf-8")  # strict: every record is valid UTF-8
    return [json.loads(line) for line in raw.splitlines()]


def _one_record_each(records, names):
    """Exactly one record per expected input (matched by the end of its id)."""
    for name in names:
        hits = [r for r in records if raw_id(r).endswith(name)]
        assert len(hits) == 1, (name, [r["id"] for r in records])
    assert len(records) == len(names), [r["id"] for r in records]


# --------------------------------------------------------------------------- the output feeds itself

_SCRIPT = """
import sys
from gongkai.inference import pipeline
class NoTags:
    def __call__(self, docs, ids):
        return [[] for _ in docs]
pipeline.Extractor.load = classmethod(lambda cls, *a, **k: cls(NoTags()))
from gongkai.cli import app
app(["extract", "--no-progress", "--batch-size", "1", *sys.argv[1:]], prog_name="gongkai")
"""


def _subprocess_cli(args, cwd, timeout=90):
    """A run that might not end (it reads what it writes) in its own process, killed at ``timeout``."""
    try:
        return subprocess.run(
            [sys.executable, "-c", _SCRIPT, *map(str, args)], cwd=cwd, capture_output=True, timeout=timeout
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"gongkai extract {args} did not end within {timeout} s (reading its own output?)")


@pytest.mark.parametrize("how", ["dir", "glob", "resume"])
def test_the_output_is_never_read_as_an_input(tmp_path, how):
    d = tmp_path / "in"
    d.mkdir()
    for name in ("a.txt", "b.txt", "z.txt"):
        (d / name).write_text(REPORT, encoding="utf-8")
    out = d / "out.jsonl"  # sorts between the inputs: read lazily, it would be read mid-run
    arg = str(d / "*") if how == "glob" else str(d)
    runs = 2 if how != "resume" else 1
    for _ in range(runs):  # the second run finds the first run's output in the folder
        proc = _subprocess_cli([arg, "-o", out], cwd=tmp_path)
        assert proc.returncode == 0, proc.stderr.decode()
        _one_record_each(_records(out), ["a.txt", "b.txt", "z.txt"])
    if how == "resume":
        (d / "c.txt").write_text(REPORT, encoding="utf-8")
        proc = _subprocess_cli([arg, "-o", out, "--resume"], cwd=tmp_path)
        assert proc.returncode == 0, proc.stderr.decode()
        _one_record_each(_records(out), ["a.txt", "b.txt", "c.txt", "z.txt"])


def test_naming_the_output_as_an_input_is_a_usage_error(tmp_path, no_model):
    out = tmp_path / "out.jsonl"
    out.write_text('{"id": "kept"}\n', encoding="utf-8")
    result = _cli([out, "-o", out])
    assert result.exit_code == 2
    assert str(out) in result.stderr and "output" in result.stderr
    assert out.read_text(encoding="utf-8") == '{"id": "kept"}\n'


# --------------------------------------------------------------------------- usage errors leave the output alone


@pytest.mark.parametrize(
    "bad",
    [
        ["--model", "/nonexistent"],
        ["--backend", "tensorflow"],
        ["--model", "/nonexistent", "--workers", "2"],
        ["--resume", "--format", "parquet"],
    ],
)
def test_a_usage_error_leaves_an_existing_output_untouched(tmp_path, bad):
    src = tmp_path / "seed.txt"
    src.write_text(REPORT, encoding="utf-8")
    out = tmp_path / "existing.jsonl"
    before = '{"id": "earlier", "status": "ok"}\n'
    out.write_text(before, encoding="utf-8")
    result = _cli([src, *bad, "-o", out])
    assert result.exit_code == 2, result.output
    assert "error" in result.stderr
    assert out.read_text(encoding="utf-8") == before


# --------------------------------------------------------------------------- names that are not UTF-8


def test_gbk_bytes_file_names_get_a_lossless_id(tmp_path, no_model):
    d = tmp_path / "in"
    d.mkdir()
    gbk = "年度报告".encode("gbk") + b".txt"
    fd = os.open(os.fsencode(d) + b"/" + gbk, os.O_WRONLY | os.O_CREAT)
    os.write(fd, REPORT.encode("gbk"))
    os.close(fd)
    (d / "zz.txt").write_text(REPORT, encoding="utf-8")  # sorts after the GBK name: must still be read
    for suffix in ("jsonl", "csv"):
        out = tmp_path / f"out.{suffix}"
        result = _cli([d, "-o", out])
        assert result.exit_code == 0, result.output
        out.read_bytes().decode("utf-8")
    recs = _records(tmp_path / "out.jsonl")
    assert len(recs) == 2 and all(r["error"] is None for r in recs)
    bad = next(r for r in recs if r.get("id_escaped"))
    assert "\\x" in bad["id"]
    assert os.fsencode(raw_id(bad)) == os.fsencode(d) + b"/" + gbk  # the name comes back, byte for byte
    assert not any(r.get("id_escaped") for r in recs if r is not bad)
    assert bad["id"] in (tmp_path / "out.csv").read_text(encoding="utf-8-sig")


def test_lone_surrogate_ids_and_text_in_jsonl_are_written_and_reversible(tmp_path, no_model):
    src = tmp_path / "in.jsonl"
    lines = [
        {"id": "a\ud800b\\c", "text": REPORT},
        {"id": "plain\\id", "text": REPORT + "\udcff"},
        {"id": "after", "text": REPORT},
    ]
    src.write_text("".join(json.dumps(x) + "\n" for x in lines), encoding="ascii")
    out = tmp_path / "out.jsonl"
    result = _cli([src, "-o", out])
    assert result.exit_code == 0, result.output
    recs = _records(out)
    assert [raw_id(r) for r in recs] == [x["id"] for x in lines]
    assert recs[0]["id_escaped"] is True and recs[0]["id"] == "a\\ud800b\\\\c"
    assert "id_escaped" not in recs[1] and recs[1]["id"] == "plain\\id"  # unescaped ids stay as given
    assert unescape_id(recs[0]["id"]) == lines[0]["id"]


# --------------------------------------------------------------------------- paths that cannot be read


def test_paths_too_long_get_an_error_record_each(tmp_path, no_model):
    ok = tmp_path / "ok.txt"
    ok.write_text(REPORT, encoding="utf-8")
    long_name = tmp_path / ("x" * 300 + ".txt")  # over NAME_MAX
    long_path = tmp_path / "/".join(["y" * 200] * 25) / "r.txt"  # over PATH_MAX
    out = tmp_path / "out.jsonl"
    result = _cli([long_name, long_path, ok, "-o", out])
    assert result.exit_code == 1
    recs = _records(out)
    assert len(recs) == 3 and recs[2]["error"] is None
    for rec, path in zip(recs, (long_name, long_path)):
        assert str(path) in rec["error"] and "too long" in rec["error"].lower()


def _tree_with_a_closed_folder(tmp_path):
    d = tmp_path / "in"
    (d / "closed").mkdir(parents=True)
    (d / "closed" / "inside.txt").write_text(REPORT, encoding="utf-8")
    (d / "a.txt").write_text(REPORT, encoding="utf-8")
    (d / "z.txt").write_text(REPORT, encoding="utf-8")
    return d


def _check_closed_folder_run(d, out, result):
    assert result.exit_code == 1, result.output
    recs = _records(out)
    assert [Path(r["id"]).name for r in recs] == ["a.txt", "closed", "z.txt"]
    assert str(d / "closed") in recs[1]["error"] and "permission" in recs[1]["error"].lower()


def test_a_folder_that_cannot_be_entered_gets_one_error_record(tmp_path, no_model, monkeypatch):
    """Root enters any folder, so the refusal is simulated: the listing raises as it would."""
    d = _tree_with_a_closed_folder(tmp_path)
    real = os.scandir

    def scandir(path="."):
        if os.fspath(path) == str(d / "closed"):
            raise PermissionError(13, "Permission denied", os.fspath(path))
        return real(path)

    monkeypatch.setattr(os, "scandir", scandir)
    out = tmp_path / "out.jsonl"
    _check_closed_folder_run(d, out, _cli([d, "-o", out]))


@pytest.mark.skipif(
    os.name != "posix" or os.geteuid() == 0,
    reason="root can enter a folder without permissions; the mocked test above covers it",
)
def test_a_real_folder_without_permissions_gets_one_error_record(tmp_path, no_model):
    d = _tree_with_a_closed_folder(tmp_path)
    (d / "closed").chmod(0)
    try:
        out = tmp_path / "out.jsonl"
        _check_closed_folder_run(d, out, _cli([d, "-o", out]))
    finally:
        (d / "closed").chmod(0o755)


def test_symlink_loops_and_dangling_links_get_one_error_record_each(tmp_path, no_model):
    d = tmp_path / "in"
    (d / "sub").mkdir(parents=True)
    (d / "a.txt").write_text(REPORT, encoding="utf-8")
    (d / "loop.txt").symlink_to(d / "loop.txt")  # a link to itself
    (d / "dangling.txt").symlink_to(d / "missing.txt")
    (d / "sub" / "up").symlink_to(d)  # a folder that holds itself
    (d / "sub" / "b.txt").write_text(REPORT, encoding="utf-8")
    named = tmp_path / "named_dangling.txt"
    named.symlink_to(tmp_path / "gone.txt")
    out = tmp_path / "out.jsonl"
    result = _cli([d, named, "-o", out])
    assert result.exit_code == 1
    recs = _records(out)
    by = {Path(r["id"]).name: r for r in recs}
    assert sorted(by) == ["a.txt", "b.txt", "dangling.txt", "loop.txt", "named_dangling.txt", "up"], list(by)
    assert len(recs) == 6
    assert "loop" in by["loop.txt"]["error"] and str(d / "loop.txt") in by["loop.txt"]["error"]
    assert "dangling" in by["dangling.txt"]["error"] and str(d / "dangling.txt") in by["dangling.txt"]["error"]
    assert "loop" in by["up"]["error"] and str(d / "sub" / "up") in by["up"]["error"]
    assert "dangling" in by["named_dangling.txt"]["error"]
    assert by["a.txt"]["error"] is None and by["b.txt"]["error"] is None


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this system")
def test_a_fifo_is_not_read_and_does_not_hang_the_run(tmp_path, no_model):
    d = tmp_path / "in"
    d.mkdir()
    (d / "a.txt").write_text(REPORT, encoding="utf-8")
    os.mkfifo(d / "pipe.txt")
    os.mkfifo(d / "pipe")  # no suffix: would be sniffed by reading it
    named = tmp_path / "named_pipe"
    os.mkfifo(named)
    out = tmp_path / "out.jsonl"
    try:
        result = _cli([d, named, "-o", out], timeout=60)
    finally:
        for p in (d / "pipe.txt", d / "pipe", named):  # free a reader stuck in open(), if any
            with contextlib.suppress(OSError):
                os.close(os.open(p, os.O_WRONLY | os.O_NONBLOCK))
    assert result.exit_code == 1
    recs = _records(out)
    assert [Path(r["id"]).name for r in recs] == ["a.txt", "pipe", "pipe.txt", "named_pipe"]
    for r in recs[1:]:
        assert "not a regular file" in r["error"] and r["id"] in r["error"]


# --------------------------------------------------------------------------- the size limit


def test_the_size_limit_counts_characters_after_decoding_and_html_rendering(tmp_path):
    d = tmp_path / "in"
    d.mkdir()
    (d / "a_ascii.txt").write_bytes(b"abcdefghi\n" * 300)  # 3,000 characters, under 4 x 1,000 bytes
    row = "<tr>" + '<td colspan="200">1</td>' * 3 + "</tr>"
    html = "<html><body><table>" + row * 3 + "</table></body></html>"
    assert len(html) < 1000
    (d / "b_colspans.html").write_text(html, encoding="utf-8")
    (d / "c_small.txt").write_text(REPORT, encoding="utf-8")
    out = tmp_path / "out.jsonl"
    summary = extract_to_file([str(d)], out, extractor=Extractor(NoTags(), max_input_chars=1000), progress=False)
    recs = _records(out)
    assert summary.exit_code == 1 and summary.failed == 2 and len(recs) == 3
    a, b, c = recs
    assert "a_ascii.txt" in a["error"] and "too large" in a["error"] and "after decoding" in a["error"]
    assert "b_colspans.html" in b["error"] and "too large" in b["error"] and "after rendering" in b["error"]
    assert c["error"] is None


# --------------------------------------------------------------------------- --resume and ids


def test_resume_knows_a_file_by_its_canonical_id(tmp_path, no_model, monkeypatch):
    d = tmp_path / "in"
    d.mkdir()
    for name in ("a.txt", "b.txt"):
        (d / name).write_text(REPORT, encoding="utf-8")
    out = tmp_path / "out.jsonl"
    monkeypatch.chdir(d)
    assert _cli(["a.txt", "-o", out]).exit_code == 0
    assert _cli(["./a.txt", "b.txt", "-o", out, "--resume"]).exit_code == 0
    other = tmp_path / "elsewhere"
    other.mkdir()
    monkeypatch.chdir(other)
    result = _cli(["../in/a.txt", d / "b.txt", "../in//./b.txt", "-o", out, "--resume"])
    assert result.exit_code == 0
    ids = [r["id"] for r in _records(out)]
    assert ids == [str(d / "a.txt"), str(d / "b.txt")]  # an id is the file's absolute path


# --------------------------------------------------------------------------- what a folder holds


def test_folders_take_every_html_suffix_and_sniffed_files_and_name_what_they_skip(tmp_path, no_model):
    d = tmp_path / "in"
    d.mkdir()
    html = "<html><body><p>一、总体情况</p></body></html>"
    for name in ("a.htm", "b.shtml", "c.jhtml", "d.xhtml", "e.html"):
        (d / name).write_text(html, encoding="utf-8")
    (d / "f").write_text(REPORT, encoding="utf-8")  # no suffix: text, sniffed
    (d / "g").write_text(html, encoding="utf-8")  # no suffix: HTML, sniffed
    (d / "h.pdf").write_bytes(b"%PDF-1.7\n%binary\n")  # a PDF is read: this one is broken
    (d / "i.docx").write_bytes(b"PK\x03\x04" + bytes(200))
    (d / "j").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(200))  # no suffix, binary
    out = tmp_path / "out.jsonl"
    result = _cli([d, "-o", out])
    assert result.exit_code == 1, result.output
    recs = _records(out)
    assert [Path(r["id"]).name for r in recs] == ["a.htm", "b.shtml", "c.jhtml", "d.xhtml", "e.html", "f", "g", "h.pdf"]
    assert all(r["error"] is None for r in recs[:-1])
    assert str(d / "h.pdf") in recs[-1]["error"] and "PDF" in recs[-1]["error"]
    for name in ("i.docx", "j"):
        assert str(d / name) in result.stderr, result.stderr  # named in the summary, with why
    assert "not read" in result.stderr


def test_an_explicitly_named_file_of_no_known_kind_still_gets_a_record(tmp_path, no_model):
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(b"%PDF-1.7\n%binary\n")
    out = tmp_path / "out.jsonl"
    result = _cli([pdf, "-o", out])
    assert result.exit_code == 1
    (rec,) = _records(out)
    assert str(pdf) in rec["error"] and "PDF" in rec["error"]


# --------------------------------------------------------------------------- what is not a report

NEWS = (
    "本报讯（记者 王明）昨日，市文化旅游局召开新闻发布会。今年以来，全市共接待游客66万余人次，"
    "实现旅游收入1.2亿元，同比增长12%。发布会上，相关负责人介绍了下一步工作安排，"
    "将继续推进景区提质升级，力争全年接待游客突破100万人次。\n"
)
PAGE_404 = (
    "<html><head><title>404 Not Found</title></head><body><h1>404 Not Found</h1>"
    "<p>抱歉，您访问的页面不存在或已被删除。</p><hr><center>nginx</center></body></html>"
)


@pytest.fixture(scope="module")
def shipped():
    return Extractor.load()


def test_an_empty_file_a_404_page_and_a_news_article_are_not_reports(shipped):
    reports = [
        shipped.extract(data, id=name).to_dict()
        for name, data in (("empty.txt", b""), ("404.html", PAGE_404.encode()), ("news.txt", NEWS.encode()))
    ]
    for r in reports:
        assert r["status"] == "not_a_report", (r["id"], r["status"], r["figures"])
        assert r["error"] is None and r["tables"] == {} and r["figures"] == []
    assert reports[0]["status_detail"].startswith("empty")
    for r in reports[1:]:
        assert "no section heading" in r["status_detail"] and "no template table" in r["status_detail"]


def test_a_report_with_a_failed_check_says_so(shipped):
    seed = sorted(SEEDS.glob("002_*.txt"))
    if not seed:
        pytest.skip("../shared/seeds is not beside the checkout")
    text = seed[0].read_text(encoding="utf-8")
    clean = shipped.extract(text, id="clean").to_dict()
    assert clean["status"] == "ok" and clean["status_detail"] is None
    broken = text.replace("| 22 | 0 | 0 | 0 | 0 | 0 | 22 |", "| 27 | 0 | 0 | 0 | 0 | 0 | 27 |", 1)
    assert broken != text
    r = shipped.extract(broken, id="broken").to_dict()
    fails = [c for c in r["checks"] if c["status"] == "fail"]
    assert fails and r["status"] == "failed_checks"
    assert f"{len(fails)} failed check" in r["status_detail"] and "applications.balance" in r["status_detail"]


def test_a_folder_a_glob_matches_is_named_not_dropped(tmp_path, no_model):
    d = tmp_path / "in"
    (d / "sub").mkdir(parents=True)
    (d / "a.txt").write_text(REPORT, encoding="utf-8")
    (d / "sub" / "b.txt").write_text(REPORT, encoding="utf-8")
    out = tmp_path / "out.jsonl"
    result = _cli([str(d / "*"), "-o", out])
    assert result.exit_code == 0
    assert [Path(r["id"]).name for r in _records(out)] == ["a.txt"]
    assert str(d / "sub") in result.stderr and "glob" in result.stderr
    result = _cli([str(d / "**"), "-o", out])  # ** matches the folder's files too: nothing to say
    assert [Path(r["id"]).name for r in _records(out)] == ["a.txt", "b.txt"]
    assert "not read" not in result.stderr


def test_a_span_bomb_is_refused_before_its_grid_is_laid_out(monkeypatch):
    # 1 MB of <td colspan=1000> would render to 40 million characters; it is refused from the
    # spans' sum alone, so the grid (the cost: time and memory) is never built.
    from gongkai.inference import html as html_module

    def no_layout(*a, **k):
        raise AssertionError("the grid was laid out")

    monkeypatch.setattr(html_module, "place", no_layout)
    row = "<tr><td>行政许可</td>" + "<td colspan=1000></td>" * 20 + "</tr>"
    bomb = "<table>" + row * 2000 + "</table>"
    r = Extractor(NoTags()).extract(bomb, id="bomb.html").to_dict()
    assert r["status"] == "error" and "bomb.html: input too large" in r["error"]
    assert "after rendering the HTML" in r["error"] and "40,002,000 grid positions" in r["error"]
