"""The review page as a person sees it: rendered by headless Chromium (Debian's chromium,
installed by .ci/run), with the source highlighted, the tables beside it, and the repaired and
failed checks marked."""

import html
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from gongkai.inference.pipeline import Extractor, SpanTagger
from gongkai.inference.review import render_review
from gongkai.training.corpus import read_jsonl

ROOT = Path(__file__).resolve().parents[1]
GOLD = ROOT / "annotations" / "gold"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


def _dom(page: Path, tmp_path: Path, fragment: str = "") -> str:
    if CHROMIUM is None:
        pytest.skip("chromium is not installed (apt-get install chromium; .ci/run does)")
    out = subprocess.run(
        [
            CHROMIUM,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            f"--user-data-dir={tmp_path / 'profile'}",
            "--dump-dom",
            page.as_uri() + (f"#{fragment}" if fragment else ""),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode == 0, out.stderr[-2000:]
    return out.stdout


def _page(rec, tmp_path, spans=None):
    ex = Extractor(SpanTagger({rec.id: spans if spans is not None else rec.spans}), keep_entities=True)
    report = ex.extract(rec.text, id=rec.id).to_dict()
    page = tmp_path / "page.html"
    page.write_text(render_review(rec.text, report, report["entities"]), encoding="utf-8")
    return report, page


def test_review_page_shows_tables_beside_highlighted_source_with_repairs(tmp_path):
    rec = next(read_jsonl(ROOT / "annotations" / "gold" / "000_36f0aac7f99c3c7f.jsonl"))
    report, page = _page(rec, tmp_path)
    dom = _dom(page, tmp_path)
    # The script ran in the browser and counted what the page marks.
    assert re.search(r'<span id="summary">0 failed check\(s\), 2 repaired, \d+ cells</span>', dom)
    # Every tag of the source is highlighted, with its label shown.
    assert dom.count('<mark class="entity"') == len(report["entities"])
    assert "ROW_LABEL" in dom and "二、主动公开政府信息情况" not in dom  # the source stays as printed
    assert "二、主動公開政府信息情況" in dom
    # The tables, with template labels and the values read.
    assert 'id="table-applications"' in dom and "一、本年新收政府信息公开申请数量" in dom
    reviews = dom[dom.index('id="table-reviews"') :]
    assert reviews.count('class="cell value repaired"') == 2  # the '00' and the blank total
    assert 'class="check repaired"' in dom
    # A blank cell shows as blank, never as a 0.
    assert 'class="cell blank"' in dom


def test_review_page_marks_failed_checks(tmp_path):
    rec = next(read_jsonl(ROOT / "annotations" / "gold" / "001_783649b23b5da190.jsonl"))
    # Misread one cell: new_received.natural_person 1 → a cell whose text is '7'.
    text = rec.text
    i = text.index("一、本年新收政府信息公开申请数量")
    j = text.index("1", i + 16)
    rec.text = text[:j] + "7" + text[j + 1 :]
    _, page = _page(rec, tmp_path)
    dom = _dom(page, tmp_path)
    assert re.search(r'<span id="summary">[1-9]\d* failed check', dom)
    assert 'class="check fail"' in dom and "failed" in dom


def test_review_page_of_an_html_input_shows_its_text_and_embeds_parseable_json(tmp_path):
    from gongkai.training.synth import generate

    rec = generate(11, layout="html")
    assert "<td" in rec.text
    report, page = _page(rec, tmp_path)
    report["warnings"].append("a note that says </script><!-- & more")  # must not end the JSON early
    page.write_text(render_review(rec.text, report, report["entities"]), encoding="utf-8")
    dom = _dom(page, tmp_path)
    source = dom[dom.index('<section id="source">') : dom.index('<section id="extracted">')]
    assert "&lt;td" not in source and "&lt;tr" not in source  # the markup is not shown, its text is
    assert source.count('<mark class="entity"') == len(report["entities"])
    # Each cell's mark shows the cell's printed text (entities decoded), at the cell's source offsets.
    cell = report["provenance"]["applications"]["new_received"]["total"]
    mark = re.search(rf'<mark class="entity" id="src-{cell["start"]}"[^>]*>([^<]*)</mark>', source)
    assert mark and mark.group(1) == cell["text"]
    # The page's script parsed the embedded record (it counts the checks from it).
    assert re.search(r'<span id="summary">\d+ failed check\(s\), \d+ repaired, \d+ cells</span>', dom)
    embedded = page.read_text(encoding="utf-8").split('<script type="application/json" id="report">')[1]
    assert json.loads(embedded[: embedded.index("</script>")])["warnings"][-1].endswith("</script><!-- & more")


def test_review_page_draws_marks_without_spacy(tmp_path):
    # A fresh interpreter where spaCy cannot be imported: the page is an extraction need.
    rec = next(read_jsonl(GOLD / "000_36f0aac7f99c3c7f.jsonl"))
    report, _ = _page(rec, tmp_path)
    (tmp_path / "r.json").write_text(json.dumps(report, ensure_ascii=False), encoding="utf-8")
    (tmp_path / "s.txt").write_text(rec.text, encoding="utf-8")
    code = (
        "import sys, json; sys.modules['spacy'] = None; from gongkai.inference.review import render_review; "
        f"d = {str(tmp_path)!r}; r = json.load(open(d + '/r.json', encoding='utf-8')); "
        "print(render_review(open(d + '/s.txt', encoding='utf-8').read(), r, r['entities']).count('<mark'))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr[-2000:]
    assert int(out.stdout) == len(report["entities"])


# --- the review site for a batch --------------------------------------------------------------


def _record(rec, rid, spans=None):
    ex = Extractor(SpanTagger({rid: spans if spans is not None else rec.spans}))
    return ex.extract(rec.text, id=rid).to_dict()


@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    """A batch as `gongkai extract` would write it, with its inputs in a folder: the five gold
    seeds, one organ's report over three years (with a jump in new applications), a report
    with a failed check, an HTML input, a failed input, a line that is not a record, and a
    record whose input is not in the folder."""
    from gongkai.training.synth import generate

    root = tmp_path_factory.mktemp("batch")
    inputs = root / "inputs"
    lines, clean = [], set()
    for path in sorted(GOLD.glob("00*.jsonl")):
        rec = next(read_jsonl(path))
        (inputs / "seeds").mkdir(parents=True, exist_ok=True)
        (inputs / "seeds" / f"{path.stem}.txt").write_text(rec.text, encoding="utf-8")
        report = _record(rec, f"scraped/seeds/{path.stem}.txt")  # extracted elsewhere: found by its last parts
        lines.append(json.dumps(report, ensure_ascii=False))
    seed0 = next(read_jsonl(GOLD / "000_36f0aac7f99c3c7f.jsonl"))
    base = _record(seed0, "x")
    for year, new in ((2021, 3), (2022, 40), (2024, 5)):
        rid = f"{inputs}/series/{year}.txt"
        (inputs / "series").mkdir(exist_ok=True)
        (inputs / "series" / f"{year}.txt").write_text(seed0.text, encoding="utf-8")
        r = json.loads(json.dumps(base))
        r.update(id=rid, year=year, organ="测试县人民政府")
        r["tables"]["applications"]["rows"]["new_received"]["total"] = new
        lines.append(json.dumps(r, ensure_ascii=False))
    bad = next(read_jsonl(GOLD / "001_783649b23b5da190.jsonl"))
    i = bad.text.index("一、本年新收政府信息公开申请数量")
    j = bad.text.index("1", i + 16)
    bad.text = bad.text[:j] + "7" + bad.text[j + 1 :]
    (inputs / "misread.txt").write_text(bad.text, encoding="utf-8")
    lines.append(json.dumps(_record(bad, str(inputs / "misread.txt")), ensure_ascii=False))
    html_rec = generate(11, layout="html")
    (inputs / "page.html").write_text(html_rec.text, encoding="utf-8")
    lines.append(json.dumps(_record(html_rec, "page.html"), ensure_ascii=False))
    lines.append(
        json.dumps(
            {
                "id": "broken.txt",
                "status": "error",
                "error": "broken.txt: binary data, not text",
                "tables": {},
                "checks": [],
                "warnings": [],
            }
        )
    )
    lines.append("{this is not json")
    bad_line = len(lines)
    missing = _record(seed0, "elsewhere/not-there.txt")
    lines.append(json.dumps(missing, ensure_ascii=False))
    for line in lines:
        r = json.loads(line) if line.startswith('{"') else {}
        if r.get("status") == "ok" and not any(c["status"] == "fail" for c in r["checks"]):
            clean.add(r["id"])
    assert len(clean) == len(lines) - 3  # all but the misread one, the failed input and the broken line
    out = root / "out.jsonl"
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return {"root": root, "inputs": inputs, "out": out, "n": len(lines), "clean": clean, "bad_line": bad_line}


@pytest.fixture(scope="module")
def site(batch):
    from typer.testing import CliRunner

    from gongkai.cli import app

    out = batch["root"] / "site"
    r = CliRunner().invoke(
        app, ["view", str(batch["out"]), "--inputs", str(batch["inputs"]), "-o", str(out), "--no-progress"]
    )
    # Exit 1: one line is not a record and one source is not there; both are named.
    assert r.exit_code == 1, r.output
    assert f"{batch['n']} report(s)" in r.output and "1 source(s) not found" in r.output
    assert "elsewhere/not-there.txt" in r.output and "1 unreadable line(s)" in r.output
    return out


def _rows(dom):
    return re.findall(r'<tr class="status-[^"]*" data-n="(\d+)"[^>]*?(hidden="")?>', dom)


def test_site_index_lists_every_record_and_hides_the_clean_ones(site, batch, tmp_path):
    dom = _dom(site / "index.html", tmp_path)
    rows = _rows(dom)
    assert len(rows) == batch["n"] and not any(hidden for _, hidden in rows)
    for rid in batch["clean"] | {"page.html", "broken.txt", f"line {batch['bad_line']}", "elsewhere/not-there.txt"}:
        assert html.escape(rid) in dom
    assert f"{batch['n']} of {batch['n']} reports shown" in dom
    # The filter, as the checkbox sets it (in the address, so a filtered view is a link).
    hidden_dom = _dom(site / "index.html", tmp_path, fragment="clean=hide")
    hidden = {int(n) for n, h in _rows(hidden_dom) if h}
    clean_rows = {
        int(m)
        for m in re.findall(
            r'<tr class="status-ok" data-n="(\d+)" data-status="ok" '
            r'data-clean="1"',
            dom,
        )
    }
    assert hidden == clean_rows and len(hidden) == len(batch["clean"])
    assert f"{batch['n'] - len(hidden)} of {batch['n']} reports shown" in hidden_dom


def test_site_index_sorts_in_the_page(site, batch, tmp_path):
    dom = _dom(site / "index.html", tmp_path, fragment="sort=-year")
    years = [int(y) for y in re.findall(r'<td class="num" data-v="(\d{4})">', dom)]
    assert years == sorted(years, reverse=True) and len(years) >= batch["n"] - 3
    assert 'data-key="year" data-type="num" aria-sort="descending"' in dom


def test_site_charts_one_point_per_year_and_marks_the_jump(site, tmp_path):
    dom = _dom(site / "organs.html", tmp_path)
    organ = dom[dom.index('data-name="测试县人民政府"') :]
    organ = organ[: organ.index("</section>")]
    chart = organ[organ.index('data-headline="new_applications"') :]
    chart = chart[: chart.index("</svg>")]
    points = re.findall(r'<circle class="pt( jump)?[^"]*" data-year="(\d+)" data-value="([\d.]+)"', chart)
    assert [(int(y), float(v)) for _, y, v in points] == [(2021, 3), (2022, 40), (2024, 5)]
    assert [bool(j) for j, _, _ in points] == [False, True, True]  # 3 → 40 → 5: both steps jump
    # The organ with a jump comes first, and the others have one point for their one year.
    assert dom.index('data-name="测试县人民政府"') < dom.index('class="organ"')
    assert "弋阳县住房建设保障中心" in dom


def test_site_report_pages(site, batch, tmp_path):
    index = (site / "index.html").read_text(encoding="utf-8")
    page_of = dict(
        (html.unescape(rid), page) for page, rid in re.findall(r'<a href="(reports/\d+\.html)">([^<]*)</a>', index)
    )
    # A seed found under --inputs by the last parts of its id; its cells link to its source.
    seed = _dom(site / page_of["scraped/seeds/000_36f0aac7f99c3c7f.txt"], tmp_path)
    assert re.search(r'<span id="summary">0 failed check\(s\), 2 repaired, \d+ cells</span>', seed)
    starts = set(re.findall(r'onclick="show\((\d+)\)"', seed))
    assert starts and starts <= set(re.findall(r'<mark class="entity" id="src-(\d+)"', seed))
    assert 'href="../index.html"' in seed and 'href="../organs.html#organ-' in seed
    # The HTML input, as its text.
    page = _dom(site / page_of["page.html"], tmp_path)
    source = page[page.index('<section id="source">') : page.index('<section id="extracted">')]
    assert "&lt;td" not in source and source.count("<mark") > 20
    # No source: the tables alone, and the page says why.
    missing = _dom(site / page_of["elsewhere/not-there.txt"], tmp_path)
    assert "was not found in" in missing and "<mark" not in missing and 'id="table-applications"' in missing
    broken = _dom(site / page_of["broken.txt"], tmp_path)
    assert "binary data, not text" in broken


def test_site_reads_records_one_at_a_time(tmp_path):
    """Memory: only the index rows stay, never the records (each here carries 150 kB)."""
    import tracemalloc

    from gongkai.inference.review_site import write_site

    rec = next(read_jsonl(GOLD / "001_783649b23b5da190.jsonl"))
    report = _record(rec, "r")
    report["warnings"] = ["x" * 150_000]
    with (tmp_path / "out.jsonl").open("w", encoding="utf-8") as fh:
        for k in range(100):
            fh.write(json.dumps({**report, "id": f"r{k}", "year": 2000 + k % 20}, ensure_ascii=False) + "\n")
    tracemalloc.start()
    summary = write_site(tmp_path / "out.jsonl", tmp_path / "site")
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert summary.records == 100 and len(list((tmp_path / "site" / "reports").glob("*.html"))) == 100
    assert peak < 5_000_000, f"peak {peak:,} bytes for 100 records of 150 kB"
