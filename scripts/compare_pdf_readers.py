"""Why gongkai reads PDFs with pypdfium2: speed, and cells right end to end, against pdfplumber.

On 20 generated reports typeset as PDFs (tests/pdf_reports.py: wrapped running text, ruled
tables) and 053's published PDF, each reader's text goes through the shipped model; a cell is
right when it equals the generator's (or 053's printed) value. Needs pdfplumber, fpdf2 and a
CJK font: ``pip install pdfplumber fpdf2``; ``python scripts/compare_pdf_readers.py``.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

import pdfplumber  # noqa: E402
import pypdfium2 as pdfium  # noqa: E402
from pdf_reports import ALT_053, cjk_font, printed_053, report_pdf  # noqa: E402

from gongkai.inference.pdf import pdf_text  # noqa: E402
from gongkai.inference.pipeline import Extractor  # noqa: E402


def plumber(path: str) -> str:
    with pdfplumber.open(path) as pdf:
        return "\n".join(page.extract_text() or "" for page in pdf.pages)


def pdfium_plain(path: str) -> str:
    pdf = pdfium.PdfDocument(path)
    try:
        return "\n".join(pdf[i].get_textpage().get_text_range().replace("\r\n", "\n") for i in range(len(pdf)))
    finally:
        pdf.close()


READERS = {
    "pdfplumber (extract_text)": plumber,
    "pypdfium2 (plain text)": pdfium_plain,
    "gongkai (pypdfium2 + layout)": lambda p: pdf_text(p).text,
}


def main(n: int = 20) -> None:
    folder = Path(tempfile.mkdtemp())
    font = cjk_font()
    docs = [(str(folder / f"r{s}.pdf"), report_pdf(s, folder / f"r{s}.pdf", font)["tables"]) for s in range(n)]
    if ALT_053.is_file():
        docs.append((str(ALT_053), printed_053()))
    pages = sum(len(pdfium.PdfDocument(p)) for p, _ in docs)
    extractor = Extractor.load()
    for name, read in READERS.items():
        start = time.perf_counter()
        texts = [read(p) for p, _ in docs]
        seconds = time.perf_counter() - start
        cells = right = 0
        for text, (path, tables) in zip(texts, docs):
            got = extractor.extract(text, id=path).to_dict()["tables"]
            for table, expected in tables.items():
                for row, fields in expected["rows"].items():
                    for fld, value in fields.items():
                        cells += 1
                        right += got.get(table, {}).get("rows", {}).get(row, {}).get(fld, "unread") == value
        print(
            f"{name}: {pages} pages in {seconds:.2f} s ({pages / seconds:.0f} pages/s); "
            f"cells right end to end {right}/{cells} ({right / cells:.4f})"
        )


if __name__ == "__main__":
    main()
