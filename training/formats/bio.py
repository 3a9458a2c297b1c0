"""Character-per-line BIO files (CoNLL style), one document after another.

Each line is a character, whitespace, and its tag; a blank line ends a document::

    # id: r1
    # meta: {"source": "x.txt"}
    一 B-SECTION
    、 I-SECTION
    <SP> O
    <NL> O

Characters that a whitespace-separated line cannot hold are written as tokens:
``<SP>`` space, ``<NL>`` ``\\n``, ``<CR>`` ``\\r`` (CRLF text is ``<CR>`` then ``<NL>``),
``<TAB>`` tab, and ``<U+XXXX>`` for any other whitespace or unprintable character
(``<U+3000>`` for the ideographic space). A one-character token is always that character,
so ``<`` and ``#`` need no escape. ``# id:`` and ``# meta:`` lines before a document are
optional; without them its id is ``<file stem>-<n>``. If lines hold more than two
columns, the first is the character and the last the tag. Tags may be IOB2, IOB1/BIO
or BIOES (see :mod:`gongkai.training.formats.tags`).

>>> [encode_char(c) for c in " \\r\\n\\u3000<𠀀"]
['<SP>', '<CR>', '<NL>', '<U+3000>', '<', '𠀀']
>>> decode_char("<U+3000>"), decode_char("<NL>"), decode_char("<")
('\\u3000', '\\n', '<')
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path

from ..corpus import Record
from ..validate import ERROR, WARNING
from .importers import Candidate, Importer, ImportFormatError, ImportResult
from .tags import spans_to_tags, tags_to_spans

ESCAPES = {" ": "<SP>", "\n": "<NL>", "\r": "<CR>", "\t": "<TAB>"}
UNESCAPES = {v: k for k, v in ESCAPES.items()}
ID_PREFIX, META_PREFIX = "# id:", "# meta:"


def encode_char(ch: str) -> str:
    if ch in ESCAPES:
        return ESCAPES[ch]
    if ch.isspace() or not ch.isprintable():
        return f"<U+{ord(ch):04X}>"
    return ch


def decode_char(token: str) -> str:
    """The character a token stands for; ValueError for an unknown escape."""
    if len(token) == 1:
        return token
    if token in UNESCAPES:
        return UNESCAPES[token]
    if token.startswith("<U+") and token.endswith(">"):
        try:
            return chr(int(token[3:-1], 16))
        except ValueError:
            pass
    raise ValueError(f"token {token!r} is neither one character nor an escape ({', '.join(UNESCAPES)}, <U+XXXX>)")


def to_bio(records: list[Record], out: Path) -> list[Path]:
    with out.open("w", encoding="utf-8") as fh:
        for r in records:
            fh.write(f"{ID_PREFIX} {r.id}\n")
            if r.meta:
                fh.write(f"{META_PREFIX} {json.dumps(r.meta, ensure_ascii=False)}\n")
            for ch, tag in zip(r.text, spans_to_tags(len(r.text), r.spans)):
                fh.write(f"{encode_char(ch)}\t{tag}\n")
            fh.write("\n")
    return [out]


def from_bio(path: Path, label_map: Mapping[str, str] | None = None) -> ImportResult:
    try:
        lines = path.read_text(encoding="utf-8").split("\n")
    except (OSError, UnicodeDecodeError) as exc:
        raise ImportFormatError(f"{path}: cannot read it as a UTF-8 BIO file ({exc})") from exc
    imp = Importer(path, label_map)
    doc: dict = _new_doc()
    n = 0
    for lineno, line in enumerate([*lines, ""], 1):
        if line.startswith(ID_PREFIX) or line.startswith(META_PREFIX):
            if doc["chars"]:  # a header with no blank line before it still starts a new document
                n += 1
                _finish(imp, doc, path, n)
                doc = _new_doc()
            key = "id" if line.startswith(ID_PREFIX) else "meta"
            doc[key] = line.split(":", 1)[1].strip()
            doc["first"] = doc["first"] or lineno
            continue
        fields = line.split()
        if not fields:
            if doc["chars"] or doc["id"] is not None:
                n += 1
                _finish(imp, doc, path, n)
            doc = _new_doc()
            continue
        doc["first"] = doc["first"] or lineno
        if len(fields) < 2:
            doc["bad"].append((lineno, f"line {line!r} has no tag"))
            continue
        try:
            doc["chars"].append(decode_char(fields[0]))
        except ValueError as exc:
            doc["bad"].append((lineno, str(exc)))
            continue
        doc["tags"].append(fields[-1])
        doc["lines"].append(lineno)
    return imp.result()


def _new_doc() -> dict:
    return {"id": None, "meta": None, "chars": [], "tags": [], "lines": [], "bad": [], "first": None}


def _finish(imp: Importer, doc: dict, path: Path, n: int) -> None:
    rid = doc["id"] or f"{path.stem}-{n}"
    if doc["bad"]:
        # A character we cannot read would shift every offset after it: reject the document.
        for lineno, message in doc["bad"]:
            imp.reject_record(message, line=lineno, rid=rid)
        return
    meta = None
    if doc["meta"]:
        try:
            meta = json.loads(doc["meta"])
        except json.JSONDecodeError as exc:
            imp.reject_record(f"'# meta:' is not JSON ({exc})", line=doc["first"], rid=rid)
            return
    spans, notes = tags_to_spans(doc["tags"])
    for pos, message, is_error in notes:
        imp.problem(
            ERROR if is_error else WARNING,
            "tag",
            message + ("; rejected" if is_error else ""),
            line=doc["lines"][pos],
            rid=rid,
        )
    text = "".join(doc["chars"])
    imp.add(rid, text, [Candidate(s, e, label) for s, e, label in spans], meta=meta, line=doc["first"])
