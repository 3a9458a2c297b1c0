"""Report PDFs made at test time: a generated report (gongkai.training.synth) typeset with fpdf2
as a published report is — justified running text wrapped at the page width, the tables drawn
as ruled grids with their merged header and label cells (the national form's layout, from the
generator's own grid), a page number at the foot of each page — so that the PDF reader is
tested on what it will meet, with the generator's tables as the truth.
"""

from __future__ import annotations

import json
import random
import shutil
import subprocess
from pathlib import Path

import pytest

from gongkai.training.synth import generate
from gongkai.training.synth.layout import table_grid

_ROOT = Path(__file__).resolve().parents[1]
#: A real published report (a train report): 053's whole PDF, beside the checkout in shared/.
ALT_053 = _ROOT.parent / "shared" / "real" / "053" / "alt.pdf"

#: CJK fonts where Debian puts them (fonts-wqy-microhei, fonts-wqy-zenhei, fonts-noto-cjk).
_KNOWN_FONTS = (
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/truetype/arphic/uming.ttc",
)


def cjk_font() -> str:
    """A font file with Chinese glyphs, or skip the test saying how to get one."""
    for path in _KNOWN_FONTS:
        if Path(path).is_file():
            return path
    if shutil.which("fc-match"):
        found = subprocess.run(["fc-match", "-f", "%{file}", ":lang=zh"], capture_output=True, text=True).stdout
        if found and Path(found).suffix.lower() in (".ttf", ".ttc", ".otf") and Path(found).is_file():
            return found
    pytest.skip("no CJK font to typeset a Chinese PDF with: apt-get install fonts-wqy-microhei (.ci/run does)")


def _new_pdf(font: str):
    fpdf = pytest.importorskip("fpdf", reason="fpdf2 makes the test PDFs: pip install 'gongkai[test]'")
    pdf = fpdf.FPDF(format="A4")
    pdf.set_margins(25, 25, 25)
    pdf.set_auto_page_break(True, margin=25)
    pdf.add_font("cjk", fname=font)

    def footer():  # "- N -", centred at the foot, as printed reports number their pages
        pdf.set_y(-15)
        pdf.set_font("cjk", size=9)
        pdf.cell(0, 6, f"- {pdf.page_no()} -", align="C")

    pdf.footer = footer
    pdf.add_page()
    return pdf


def _paragraph(pdf, text: str, size: float = 12) -> None:
    """A paragraph as Chinese documents set one: its first line indented two characters, the
    rest wrapped at the page width back to the left margin."""
    pdf.set_font("cjk", size=size)
    pdf.set_x(pdf.l_margin + 2 * size * 25.4 / 72)  # two ems, in mm
    pdf.write(size * 0.6, text)
    pdf.ln(size * 0.6)


def _table(pdf, grid) -> None:
    """The generator's grid as a ruled table: merged cells kept, labels wide, numbers narrow.
    Table 3 starts a page: fpdf2 cannot break a cell that spans rows (三、本年度办理结果) across
    pages, as word processors do."""
    if grid.table == "applications":
        pdf.add_page()
    label_cols = grid.width - max(sum(c.kind in ("cell", "blank") for c in row) for row in grid.rows)
    widths = [1.2, 1.6, 3.2][3 - label_cols :] + [1.0] * (grid.width - label_cols)
    pdf.set_font("cjk", size=9)
    with pdf.table(col_widths=widths, text_align="CENTER", line_height=4.6, first_row_as_headings=False) as table:
        for row in grid.rows:
            r = table.row()
            for cell in row:
                r.cell(cell.text, colspan=cell.colspan, rowspan=cell.rowspan)
    pdf.ln(3)


def report_pdf(seed: int, path: Path, font: str, **settings) -> dict:
    """Write the generated report ``seed`` as a PDF at ``path``; its ``meta`` (the tables, year,
    organ it prints) is returned. Its text is the generator's, its tables drawn from the grid
    the generator lays them out in."""
    rec = generate(seed, layout="pipe", damage=[], html_rate=0.0, **settings)
    rng = random.Random(seed)
    pdf = _new_pdf(font)
    lines = rec.text.splitlines()
    tables = iter(rec.meta["tables"])
    k = 0
    first = True
    while k < len(lines):
        line = lines[k].strip()
        if " | " in line or line.endswith("|"):  # a table printed as pipes: draw it as a grid instead
            while k < len(lines) and (" | " in lines[k] or lines[k].rstrip().endswith("|")):
                k += 1
            key = next(tables)
            version = rec.meta["settings"]["versions"][key]
            _table(pdf, table_grid(key, version, rec.meta["tables"][key], rng, {}))
            continue
        if line:
            if first and "报告" in line and len(line) < 50:  # the title, centred and larger
                pdf.set_font("cjk", size=16)
                pdf.multi_cell(0, 9, line, align="C", new_x="LMARGIN", new_y="NEXT")
            else:
                _paragraph(pdf, line)
            first = False
        k += 1
    pdf.output(str(path))
    return rec.meta


def _z(*v):
    return dict(
        zip(("natural_person", "commercial", "research", "social_welfare", "legal_service", "other_org", "total"), v)
    )


def _r(*v):
    return dict(zip(("upheld", "corrected", "other", "pending", "total"), v))


def printed_053() -> dict:
    """053's three tables as alt.pdf prints them: table 3's rows to 本机关不掌握 are the gold of
    its page-4 fragment (annotations/expected/real-053.json); the rest are read off pages 3 and 5."""
    tables = json.loads((_ROOT / "annotations" / "expected" / "real-053.json").read_text(encoding="utf-8"))["tables"]
    tables["active_disclosure"]["rows"] = {
        "rules": {"issued": 1, "repealed": 0, "in_force": 11},
        "normative_documents": {"issued": 8, "repealed": 26, "in_force": 66},
        "licensing": {"decisions": 447228},
        **tables["active_disclosure"]["rows"],
    }
    tables["applications"]["rows"].update(
        {
            "unable.needs_creation": _z(11, 0, 0, 0, 0, 0, 11),
            "unable.unclear": _z(1, 0, 0, 0, 0, 0, 1),
            "not_processed.complaint": _z(56, 6, 0, 0, 0, 0, 62),
            "not_processed.duplicate": _z(25, 0, 0, 0, 0, 0, 25),
            "not_processed.publication": _z(0, 0, 0, 0, 0, 0, 0),
            "not_processed.excessive": _z(0, 0, 0, 0, 0, 0, 0),
            "not_processed.confirmation": _z(1, 0, 0, 0, 0, 0, 1),
            "other_handling.no_correction": _z(67, 3, 0, 0, 1, 0, 71),
            "other_handling.unpaid_fee": _z(6, 0, 0, 0, 0, 0, 6),
            "other_handling.other": _z(108, 2, 0, 0, 0, 0, 110),
            "total": _z(2932, 53, 0, 0, 61, 4, 3050),
            "carried_forward": _z(103, 0, 0, 0, 0, 0, 103),
        }
    )
    tables["reviews"] = {
        "rows": {
            "review": _r(72, 64, 178, 37, 351),
            "litigation_direct": _r(13, 4, 8, 1, 26),
            "litigation_after_review": _r(12, 1, 1, 6, 20),
        }
    }
    return tables
