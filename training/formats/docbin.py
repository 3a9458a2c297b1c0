"""spaCy DocBin (``.spacy``) files: one Doc per record.

Export builds each Doc with one token per character (``Doc(vocab, words=list(text),
spaces=[False] * len(text))``), so ``doc.text == text`` and every span lands on token
boundaries: no tokenizer is involved. ``doc.ents`` carry the spans; ``doc.user_data``
keeps ``id`` and ``meta``. Import reads ``doc.text`` and ``doc.ents`` character offsets of
any DocBin (not only ours); a Doc without a stored id gets ``<file stem>-<n>``.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from ..corpus import Record
from .importers import Candidate, Importer, ImportFormatError, ImportResult


def to_docbin(records: list[Record], out: Path) -> list[Path]:
    from spacy.tokens import Doc, DocBin
    from spacy.vocab import Vocab

    vocab = Vocab()
    doc_bin = DocBin(store_user_data=True)
    for r in records:
        doc = Doc(vocab, words=list(r.text), spaces=[False] * len(r.text))
        doc.ents = [doc.char_span(s.start, s.end, label=s.label) for s in r.spans]
        doc.user_data["id"] = r.id
        doc.user_data["meta"] = r.meta
        doc_bin.add(doc)
    doc_bin.to_disk(out)
    return [out]


def from_docbin(path: Path, label_map: Mapping[str, str] | None = None) -> ImportResult:
    from spacy.tokens import DocBin
    from spacy.vocab import Vocab

    try:
        docs = list(DocBin().from_disk(path).get_docs(Vocab()))
    except Exception as exc:  # spaCy raises assorted errors (msgpack, zlib, KeyError) for a bad file
        raise ImportFormatError(f"{path}: not a spaCy DocBin file ({type(exc).__name__}: {exc})") from exc
    imp = Importer(path, label_map)
    for n, doc in enumerate(docs, 1):
        candidates = [Candidate(e.start_char, e.end_char, e.label_) for e in doc.ents]
        meta = doc.user_data.get("meta")
        imp.add(doc.user_data.get("id", f"{path.stem}-{n}"), doc.text, candidates, meta=meta)
    return imp.result()
