"""PDF in: a PDF's text layer as one text, page by page, with the page of every offset.

Read with pypdfium2 (PDFium, the PDF engine of Chrome; ``pip install 'gongkai[pdf]'``), which
gives the characters in the order the PDF draws them — for a table, row by row, a wrapped cell
whole — and each character's box. The text gongkai reads (:func:`pdf_text`) is that text layer,
page after page, with three typesetting artefacts undone, so that it reads as the web text the
tagger learned from; every other character is the text layer's, in its order:

- a page-number line (``- 4 -``, ``第 4 页``, ``4/6``) printed above or below everything else
  on its page is left out;
- a line of running text that fills the line and is continued on the next line at the left
  margin, not indented (a paragraph the PDF wrapped), is joined to it, also across a page
  break; a table row (cells far apart), a wrapped table cell, and a sentence's end before a
  numbered heading or item (``二、``, ``（三）``, ``1.``) are never joined;
- in running text, a space PDFium inserted itself (no space is drawn: the layout engine spaced
  Chinese and digits apart) between a Chinese character and a digit is left out
  (``受理申请 3119 件`` reads ``受理申请3119件``); spaces the PDF draws stay, and so does every
  space between table cells.

Offsets in a record of a PDF are offsets into this text, and ``page`` (1-based) in provenance
and figures says which page a value is printed on. A PDF without a text layer (a scan) and one
whose text layer maps to no characters are errors that say so (OCR it first).

>>> pm = PageMap(starts=(0, 10, 25), blank=(), reader="pypdfium2")
>>> [pm.page_of(i) for i in (0, 9, 10, 24, 25, 99)]
[1, 1, 2, 2, 3, 3]
"""

from __future__ import annotations

import bisect
import re
import statistics
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .inputs import Document, InputError, Source

INSTALL = "pip install 'gongkai[pdf]'"

#: A page number alone on a line, as reports print them at the top or foot of a page.
PAGE_NUMBER = re.compile(
    r"\s*(?:[-—–－]\s*\d{1,4}\s*[-—–－]|第\s*\d{1,4}\s*页(?:\s*[,，/]?\s*共\s*\d{1,4}\s*页)?"
    r"|\d{1,4}\s*/\s*\d{1,4}|\d{1,4})\s*"
)
#: A line ending with these ends a sentence: it is joined to the next only when that one starts
#: no numbered heading or item (``二、``, ``（三）``, ``1.``).
_SENTENCE_END = "。！？；：!?;:"
_NUMBERED = re.compile(
    r"\s*(?:[一二三四五六七八九十]+、|[（(][一二三四五六七八九十\d]+[）)]|\d+[.、．]|第[一二三四五六七八九十]+[部章条])"
)
#: A running-text line has no gap between two characters wider than this many ems (table
#: cells are further apart).
_DENSE_GAP_EMS = 2.0
#: A share of characters with no Unicode (or U+FFFD, private use) above this: an unreadable layer.
_UNMAPPED_SHARE = 0.5


class PdfError(Exception):
    """A PDF that cannot be read as text; the message says why and what to do."""


@dataclass(frozen=True)
class PageMap:
    """Where each page starts in a PDF's text (offsets), which pages have no text, and the reader."""

    starts: tuple[int, ...]
    #: 1-based pages with no text layer at all (scanned pages).
    blank: tuple[int, ...] = ()
    reader: str = ""

    def page_of(self, offset: int) -> int:
        """The 1-based page the character at ``offset`` is on."""
        return max(1, bisect.bisect_right(self.starts, offset))

    def annotate(self, record: dict[str, Any]) -> dict[str, Any]:
        """Add ``page`` to every provenance cell and figure of a record of this PDF (a
        ``Report.to_dict()``, changed in place and returned), a warning naming the pages without
        text, and the PDF reader to ``versions``."""
        for rows in (record.get("provenance") or {}).values():
            for fields in rows.values():
                for cell in fields.values():
                    cell["page"] = self.page_of(cell["start"])
        for fig in record.get("figures") or ():
            fig["page"] = self.page_of(fig["start"])
        if self.blank and not record.get("error"):
            pages = ", ".join(map(str, self.blank))
            record.setdefault("warnings", []).append(
                f"PDF page(s) {pages} of {len(self.starts)} have no text layer (scanned?): nothing on them was read"
            )
        if self.reader:
            record.setdefault("versions", {})["pdf_reader"] = self.reader
        return record


@dataclass(frozen=True)
class PdfText:
    """The text gongkai reads from a PDF, and its :class:`PageMap`."""

    text: str
    pages: PageMap


# --------------------------------------------------------------------------- lines


@dataclass
class _Line:
    page: int  # 0-based
    chars: list[tuple[str, bool, tuple[float, float, float, float] | None]] = field(default_factory=list)

    def finish(self) -> None:
        ink = [(c, b) for c, _, b in self.chars if b is not None and not c.isspace()]
        self.ink = len(ink)
        if not ink:
            return
        boxes = [b for _, b in ink]
        self.left = min(b[0] for b in boxes)
        self.right = max(b[2] for b in boxes)
        self.bottom = min(b[1] for b in boxes)
        self.top = max(b[3] for b in boxes)
        self.max_gap = max((boxes[k + 1][0] - boxes[k][2] for k in range(len(boxes) - 1)), default=0.0)
        wide = [b[2] - b[0] for c, b in ink if _wide(c)]
        self.em = statistics.median(wide) if wide else None

    @property
    def text(self) -> str:
        return "".join(c for c, _, _ in self.chars)


def _wide(ch: str) -> bool:
    """A character set one em wide: Chinese, kana, full-width forms and punctuation."""
    o = ord(ch)
    return 0x2E80 <= o <= 0x9FFF or 0xF900 <= o <= 0xFAFF or 0xFF00 <= o <= 0xFFEF or 0x20000 <= o <= 0x3FFFF


def _page_lines(page, index: int) -> tuple[list[_Line], int, int]:
    """A page's lines in PDFium's order, and how many characters it has and map to nothing."""
    import pypdfium2.raw as raw

    tp = page.get_textpage()
    try:
        n = tp.count_chars()
        lines = [_Line(index)]
        unmapped = 0
        for i in range(n):
            code = raw.FPDFText_GetUnicode(tp.raw, i)
            generated = bool(raw.FPDFText_IsGenerated(tp.raw, i))
            ch = chr(code) if code else "\ufffd"
            if ch in "\r\n":  # PDFium's line breaks (and any the PDF draws)
                if ch == "\n":
                    lines.append(_Line(index))
                continue
            if code == 0 or code == 0xFFFD or 0xE000 <= code <= 0xF8FF:
                unmapped += 1
            lines[-1].chars.append((ch, generated, None if ch.isspace() else tp.get_charbox(i, loose=True)))
        for ln in lines:
            ln.finish()
        return [ln for ln in lines if ln.chars], n, unmapped
    finally:
        tp.close()


def _drop_page_numbers(lines: list[_Line]) -> list[_Line]:
    """A page's lines without a page number printed above or below everything else."""
    inked = [ln for ln in lines if ln.ink]
    drop = set()
    for ln in (inked[:1] + inked[-1:]) if len(inked) > 1 else []:
        if not PAGE_NUMBER.fullmatch(ln.text):
            continue
        others = [o for o in inked if o is not ln]
        if ln.top <= min(o.bottom for o in others) or ln.bottom >= max(o.top for o in others):
            drop.add(id(ln))
    return [ln for ln in lines if id(ln) not in drop]


def _margins(lines: list[_Line]) -> tuple[float, float] | None:
    """The left and right edges of the running text: of lines with no wide gap and 8+ characters."""
    body = [ln for ln in lines if ln.ink >= 8 and ln.em and ln.max_gap < _DENSE_GAP_EMS * ln.em]
    if len(body) < 2:
        return None
    return min(ln.left for ln in body), max(ln.right for ln in body)


def _dense(ln: _Line, em: float) -> bool:
    return bool(ln.ink) and ln.max_gap < _DENSE_GAP_EMS * (ln.em or em)


def _wraps(ln: _Line, nxt: _Line | None, margins: tuple[float, float] | None, em: float) -> bool:
    """Whether ``ln`` is running text the PDF wrapped onto ``nxt`` (joined without a break)."""
    if nxt is None or margins is None or not _dense(ln, em) or not nxt.ink:
        return False
    left, right = margins
    e = ln.em or em
    return (
        ln.left < left + 3 * e
        and ln.right >= right - 1.5 * e
        and abs(nxt.left - left) < e
        and not (ln.text.rstrip()[-1:] in _SENTENCE_END and _NUMBERED.match(nxt.text))
    )


def _line_text(ln: _Line, em: float) -> str:
    """A line's text; in running text without the spaces PDFium put between Chinese and digits."""
    if not _dense(ln, em):
        return ln.text
    out = []
    chars = ln.chars
    for k, (ch, generated, _) in enumerate(chars):
        if ch == " " and generated and 0 < k < len(chars) - 1:
            a, b = chars[k - 1][0], chars[k + 1][0]
            if (_wide(a) and b.isdigit()) or ((a.isdigit() or a == "%") and _wide(b)):
                continue
        out.append(ch)
    return "".join(out)


# --------------------------------------------------------------------------- reading


def _open(source: str | Path | bytes):
    try:
        import pypdfium2 as pdfium
    except ImportError:
        raise PdfError(f"reading PDFs needs pypdfium2: {INSTALL}") from None
    try:
        return pdfium.PdfDocument(source if isinstance(source, bytes) else str(source))
    except pdfium.PdfiumError as exc:
        why = str(exc)
        if "password" in why.lower():
            raise PdfError(
                "the PDF is encrypted (it needs a password): decrypt it first, e.g. "
                "`qpdf --decrypt --password=… in.pdf out.pdf`"
            ) from None
        raise PdfError(f"not a readable PDF ({why})") from None


def reader_version() -> str:
    """The reader and its PDFium build: the text, and so the offsets, depend on them."""
    from importlib.metadata import version

    import pypdfium2 as pdfium

    build = getattr(getattr(pdfium, "PDFIUM_INFO", None), "build", None)
    return f"pypdfium2 {version('pypdfium2')}" + (f" (PDFium {build})" if build else "")


def pdf_text(source: str | Path | bytes, *, max_chars: int | None = None) -> PdfText:
    """The text gongkai reads from a PDF (a path or its bytes) and where each page starts.

    Raises :class:`PdfError` for a PDF that cannot be opened, has no text layer (a scan), or
    whose text layer maps to no characters; and when the text passes ``max_chars``.
    """
    doc = _open(source)
    try:
        n_pages = len(doc)
        lines: list[_Line] = []
        blank: list[int] = []
        total = unmapped = 0
        for p in range(n_pages):
            page = doc[p]
            try:
                page_lines, n, bad = _page_lines(page, p)
            finally:
                page.close()
            total += n
            unmapped += bad
            if not any(ln.ink for ln in page_lines):
                blank.append(p + 1)
            lines.extend(_drop_page_numbers(page_lines))
            if max_chars is not None and total > max_chars:
                raise PdfError(
                    f"input too large (more than {max_chars:,} characters of text by page {p + 1} of "
                    f"{n_pages}): is this one report?"
                )
    finally:
        doc.close()
    if len(blank) == n_pages:
        raise PdfError(
            f"a PDF without a text layer (a scan?): none of its {n_pages} page(s) has text to read. "
            "OCR it first (e.g. `ocrmypdf in.pdf out.pdf`), then extract the PDF that writes"
        )
    if total and unmapped / total > _UNMAPPED_SHARE:
        raise PdfError(
            f"the PDF's text layer cannot be read: {unmapped / total:.0%} of its characters map to no "
            "Unicode character (fonts without a ToUnicode map). OCR it (e.g. `ocrmypdf --force-ocr in.pdf "
            "out.pdf`), then extract the PDF that writes"
        )
    return _assemble(lines, n_pages, tuple(blank))


def _assemble(lines: list[_Line], n_pages: int, blank: tuple[int, ...]) -> PdfText:
    """The lines as one text: wrapped running text joined, the page starts recorded."""
    ems = [ln.em for ln in lines if ln.em]
    em = statistics.median(ems) if ems else 10.0
    # The document's margins, not a page's: on a page of tables, headings and cells would pass for them.
    margins = _margins(lines)
    parts: list[str] = []
    size = 0
    starts = [0] * n_pages
    seen = -1
    for k, ln in enumerate(lines):
        while seen < ln.page:  # this line opens page seen+1 (pages without lines start here too)
            seen += 1
            starts[seen] = size
        nxt = lines[k + 1] if k + 1 < len(lines) else None
        text = _line_text(ln, em)
        sep = "" if _wraps(ln, nxt, margins, em) else "\n"
        parts.append(text + sep)
        size += len(text) + len(sep)
    while seen < n_pages - 1:
        seen += 1
        starts[seen] = size
    return PdfText("".join(parts), PageMap(tuple(starts), blank, reader_version()))


def read_pdf(src: Source, max_bytes: int | None) -> Iterator[Document]:
    """The reader of ``.pdf`` files for :data:`gongkai.inference.inputs.READERS`: one document,
    its text and :class:`PageMap`; an unreadable PDF is an error document that says why."""
    try:
        got = pdf_text(src.path, max_chars=max_bytes)
    except PdfError as exc:
        yield Document(src.id, InputError(f"{src.id}: {exc}"), src.id_escaped)
        return
    except OSError as exc:
        yield Document(src.id, InputError(f"{src.id}: cannot read ({exc.strerror or exc})"), src.id_escaped)
        return
    yield Document(src.id, got.text, src.id_escaped, pages=got.pages)


def extract_pdf(extractor, source: str | Path | bytes, id: str | None = None) -> dict[str, Any]:
    """One PDF's record (``Report.to_dict()`` with ``page`` in provenance and figures), or an
    error record saying why it cannot be read: ``extract_pdf(Extractor.load(), "report.pdf")``."""
    if id is None:
        id = str(source) if not isinstance(source, bytes) else "<pdf>"
    try:
        got = pdf_text(source, max_chars=getattr(extractor, "max_input_chars", None))
    except PdfError as exc:
        from .report import Report

        return Report.failed(id, f"{id}: {exc}", extractor.versions).to_dict()
    return got.pages.annotate(extractor.extract(got.text, id=id).to_dict())
