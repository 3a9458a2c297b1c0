"""The review page as a person sees it: rendered by headless Chromium (Debian's chromium,
installed by .ci/run), with the source highlighted, the tables beside it, and the repaired and
failed checks marked."""

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from gongkai.inference.pipeline import Extractor, SpanTagger
from gongkai.inference.review import render_review
from gongkai.training.corpus import Span, read_jsonl

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


def _dom(page: Path, tmp_path: Path) -> str:
    if CHROMIUM is None:
        pytest.skip("chromium is not installed (apt-get install chromium; .ci/run does)")
    out = subprocess.run(
        [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         f"--user-data-dir={tmp_path / 'profile'}", "--dump-dom", page.as_uri()],
        capture_output=True, text=True, timeout=120)
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
    reviews = dom[dom.index('id="table-reviews"'):]
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
    rec.text = text[:j] + "7" + text[j + 1:]
    _, page = _page(rec, tmp_path)
    dom = _dom(page, tmp_path)
    assert re.search(r'<span id="summary">[1-9]\d* failed check', dom)
    assert 'class="check fail"' in dom and "failed" in dom
