"""PDF in: a published report's text layer read page by page, its tables back as printed, the
page of every cell and figure in provenance; a scan, an encrypted or broken PDF, and a missing
PDF library each give an error record that says so and names the fix.

The PDFs are a real published report (shared/real/053/alt.pdf, a train report) and generated
reports typeset at test time with fpdf2 and a CJK font (tests/pdf_reports.py): running text
wrapped at the page width, tables drawn as ruled grids, page numbers at the foot.
"""

import json
import sys
from pathlib import Path

import pytest
from pdf_reports import ALT_053, cjk_font, printed_053, report_pdf
from typer.testing import CliRunner

from gongkai.cli import app
from gongkai.inference import pdf as pdfmod
from gongkai.inference.bulk import extract_to_file
from gongkai.inference.pipeline import Extractor

pytest.importorskip("pypdfium2", reason="the PDF reader: pip install 'gongkai[pdf]'")


class NoTags:
    def __call__(self, docs, ids):
        return [[] for _ in docs]


@pytest.fixture(scope="module")
def extractor():
    return Extractor.load()


@pytest.fixture(scope="module")
def font():
    return cjk_font()


# --------------------------------------------------------------------------- a real published PDF


@pytest.mark.skipif(not ALT_053.is_file(), reason="shared/real/053/alt.pdf is not beside the checkout")
def test_a_real_published_pdf_gives_its_three_tables_as_printed_with_their_pages(extractor):
    rec = pdfmod.extract_pdf(extractor, ALT_053)
    assert rec["tables"] == printed_053()
    assert rec["status"] == "ok", rec["status_detail"]
    assert rec["year"] == 2024
    got = pdfmod.pdf_text(ALT_053)
    assert len(got.pages.starts) == 6 and not got.pages.blank
    prov = rec["provenance"]
    # Where each table is printed: table 2 over pages 3 and 4, table 3 over pages 4 and 5, table 4 on 5.
    assert prov["active_disclosure"]["rules"]["issued"]["page"] == 3
    assert prov["active_disclosure"]["punishment"]["decisions"]["page"] == 4
    assert prov["applications"]["new_received"]["total"]["page"] == 4
    assert prov["applications"]["unable.not_held"]["total"]["page"] == 4
    assert prov["applications"]["unable.needs_creation"]["total"]["page"] == 5
    assert {c["page"] for row in prov["reviews"].values() for c in row.values()} == {5}
    for table, rows in prov.items():
        for row, fields in rows.items():
            for fld, c in fields.items():
                assert got.text[c["start"] : c["end"]] == c["text"] == str(rec["tables"][table]["rows"][row][fld])
                assert got.pages.page_of(c["start"]) == c["page"]
    figure = next(f for f in rec["figures"] if f["value"] == 3119)
    assert figure["page"] == 2 and got.text[figure["start"] : figure["end"]] == figure["text"]


@pytest.mark.skipif(not ALT_053.is_file(), reason="shared/real/053/alt.pdf is not beside the checkout")
def test_the_real_pdfs_text_drops_page_numbers_and_joins_wrapped_running_text():
    text = pdfmod.pdf_text(ALT_053).text
    assert "- 4 -" not in text and "- 1 -" not in text
    # A paragraph wrapped over lines (and over the page break between pages 2 and 3) is one line,
    # without the spaces PDFium put between Chinese and digits; table rows keep theirs.
    assert "全市共受理政府信息公开申请3119件，答复3050件（含上年度结转申请34件" in text
    assert "将栏目不更新、政策解读不通俗易懂" in text
    assert "\n一、本年新收政府信息公开申请数量 3001 53 0 0 61 4 3119\n" in text
    assert "\n72 64 178 37 351 13 4 8 1 26 12 1 1 6 20\n" in text


# --------------------------------------------------------------------------- generated report PDFs

SEEDS = range(6)


@pytest.fixture(scope="module")
def generated(tmp_path_factory, font):
    folder = tmp_path_factory.mktemp("pdfs")
    return [(folder / f"r{s}.pdf", report_pdf(s, folder / f"r{s}.pdf", font)) for s in SEEDS]


def test_generated_pdfs_with_ruled_tables_give_their_tables_back(generated, extractor):
    versions = set()
    for path, meta in generated:
        rec = pdfmod.extract_pdf(extractor, path)
        pages = pdfmod.pdf_text(path).pages
        for table, expected in meta["tables"].items():
            versions.add(expected.get("template"))
            blank = any(v is None for row in expected["rows"].values() for v in row.values())
            if blank:
                # An empty cell prints no character, so its row reads short: never passed off as clean.
                assert rec["tables"].get(table) == expected or rec["status"] != "ok", (path.name, table)
            else:
                assert rec["tables"].get(table) == expected, (path.name, table)
        cells = [c for rows in rec["provenance"].values() for fields in rows.values() for c in fields.values()]
        assert cells and all(1 <= c["page"] <= len(pages.starts) for c in cells)
        assert all(f["page"] == pages.page_of(f["start"]) for f in rec["figures"])
    assert {"2019", "2021"} <= versions


def test_a_pdfs_wrapped_paragraphs_read_as_one_line_and_its_rows_stay_apart(generated):
    from gongkai.training.synth import generate

    for path, meta in generated:
        got = pdfmod.pdf_text(path)
        lines = set(got.text.splitlines())
        source = generate(meta["seed"], layout="pipe", damage=[], html_rate=0.0).text.splitlines()
        paragraphs = [ln for ln in source if "|" not in ln and len(ln) > 60]
        assert paragraphs
        for p in paragraphs:  # a paragraph the PDF wrapped over lines comes back whole
            assert p in lines or "　　" + p in lines, (path.name, p[:30])
        assert not any(ln.strip().startswith("- ") and ln.strip().endswith(" -") for ln in lines)  # page numbers
        for table, expected in meta["tables"].items():
            if table == "reviews":
                continue  # printed flat: all its numbers on one line
            for row in expected["rows"].values():
                if None not in row.values():  # each row's numbers on a line of their own row
                    tail = " ".join(str(v) for v in row.values())
                    assert any(ln.endswith(tail) for ln in lines), (path.name, table, tail)
        assert list(got.pages.starts) == sorted(got.pages.starts) and got.pages.starts[0] == 0


# --------------------------------------------------------------------------- PDFs that cannot be read


def _pdf(font: str, *pages: str | None):
    """An fpdf2 document with a page of text per string, a page with only an image (a scan) per None."""
    fpdf = pytest.importorskip("fpdf")
    from PIL import Image

    pdf = fpdf.FPDF()
    pdf.add_font("cjk", fname=font)
    pdf.set_font("cjk", size=12)
    for text in pages:
        pdf.add_page()
        if text is None:
            pdf.image(Image.new("L", (400, 300), 200), x=20, y=20, w=150)
        else:
            pdf.multi_cell(0, 8, text)
    return pdf


def _cli(args):
    return CliRunner().invoke(app, ["extract", "--no-progress", *map(str, args)])


def test_a_scan_an_encrypted_and_a_broken_pdf_each_get_an_error_record_saying_so(tmp_path, font, monkeypatch):
    monkeypatch.setattr(Extractor, "load", classmethod(lambda cls, *a, **k: cls(NoTags())))
    d = tmp_path / "in"
    d.mkdir()
    _pdf(font, None).output(str(d / "scan.pdf"))
    enc = _pdf(font, "一、总体情况")
    enc.set_encryption(owner_password="o", user_password="u")
    enc.output(str(d / "locked.pdf"))
    (d / "broken.pdf").write_bytes(b"%PDF-1.7\n%broken\n")
    out = tmp_path / "out.jsonl"
    result = _cli([d, "-o", out])
    assert result.exit_code == 1
    recs = {Path(r["id"]).name: r for r in map(json.loads, out.read_text(encoding="utf-8").splitlines())}
    assert set(recs) == {"scan.pdf", "locked.pdf", "broken.pdf"}
    assert all(r["status"] == "error" and r["id"] in r["error"] for r in recs.values())
    assert "without a text layer" in recs["scan.pdf"]["error"] and "OCR" in recs["scan.pdf"]["error"]
    assert "encrypted" in recs["locked.pdf"]["error"]
    assert "not a readable PDF" in recs["broken.pdf"]["error"]


def test_scanned_pages_among_text_pages_are_named_in_a_warning(tmp_path, font):
    path = tmp_path / "half.pdf"
    _pdf(font, "一、总体情况\n2023年，本机关共受理政府信息公开申请12件。", None).output(str(path))
    out = tmp_path / "out.jsonl"
    extract_to_file([str(path)], out, progress=False, extractor=Extractor(NoTags()))
    (rec,) = map(json.loads, out.read_text(encoding="utf-8").splitlines())
    assert rec["error"] is None
    assert any("page(s) 2 of 2 have no text layer" in w for w in rec["warnings"])
    assert rec["versions"]["pdf_reader"].startswith("pypdfium2")


def test_a_text_layer_that_maps_to_no_characters_is_an_error_that_says_so(monkeypatch, tmp_path, font):
    path = tmp_path / "a.pdf"
    _pdf(font, "一、总体情况").output(str(path))
    real = pdfmod._page_lines

    def unmapped(page, index):  # as a PDF whose fonts have no ToUnicode map reads
        lines, n, _ = real(page, index)
        return lines, n, n

    monkeypatch.setattr(pdfmod, "_page_lines", unmapped)
    with pytest.raises(pdfmod.PdfError, match="map to no Unicode.*OCR"):
        pdfmod.pdf_text(path)


def test_without_the_pdf_library_each_pdf_gets_an_error_record_naming_the_fix(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "pypdfium2", None)  # import pypdfium2 fails
    d = tmp_path / "in"
    d.mkdir()
    (d / "a.pdf").write_bytes(b"%PDF-1.7\n")
    (d / "b.txt").write_text("一、总体情况\n正文。\n", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    summary = extract_to_file([str(d)], out, progress=False, extractor=Extractor(NoTags()))
    recs = {Path(r["id"]).name: r for r in map(json.loads, out.read_text(encoding="utf-8").splitlines())}
    assert summary.failed == 1 and recs["b.txt"]["error"] is None
    assert "pip install 'gongkai[pdf]'" in recs["a.pdf"]["error"] and str(d / "a.pdf") in recs["a.pdf"]["error"]


def test_pdf_records_validate_against_the_record_schema(generated, extractor):
    jsonschema = pytest.importorskip("jsonschema")
    from gongkai.model.record_schema import record_schema

    path, _ = generated[0]
    jsonschema.validate(pdfmod.extract_pdf(extractor, path), record_schema())


def test_the_ray_engine_carries_a_pdfs_pages_to_its_record(generated, extractor):
    pytest.importorskip("pyarrow")
    from gongkai.inference.inputs import iter_documents
    from gongkai.inference.ray_engine import _documents_table, _ExtractActor

    path, _ = generated[0]
    docs = list(iter_documents([str(path)]))
    actor = _ExtractActor(extractor, None, None, 8, "auto", 1)  # what a Ray actor runs, without Ray
    (rec,) = [json.loads(r) for r in actor(_documents_table(docs)).column("record").to_pylist()]
    cells = [c for rows in rec["provenance"].values() for fields in rows.values() for c in fields.values()]
    assert cells and all(c["page"] == docs[0].pages.page_of(c["start"]) for c in cells)
    assert rec["versions"]["pdf_reader"].startswith("pypdfium2")
