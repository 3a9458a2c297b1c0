"""CoNLL 2003 files, as Label Studio's "CONLL2003" export writes them: a ``-DOCSTART- -X- O``
line, then per task one word a line, ``word -X- _ TAG``, and a blank line after each task.
Files in the original CoNLL 2003 layout (``word POS CHUNK TAG``, a ``-DOCSTART-`` before each
document, blank lines between sentences) read too: the first column is the word, the last its
tag (IOB2, IOB1 or BIOES, as :mod:`gongkai.training.formats.tags` reads them).

The export is lossy, and the import says so. Label Studio cuts the text into words with NLTK's
Treebank tokenizer, which splits on whitespace and ASCII punctuation only, so a Chinese
report becomes a few long words (``2021年奎屯市政府信息公开年度报告``), and a word any part of
which was labelled is tagged whole: an entity comes back as the words it touched. The file
keeps neither the whitespace nor the task's id. Give the texts the tasks were made from
(``--texts``: a Label Studio JSON export or task list, or a JSONL of records with ``id`` and
``text``) and each document gets its text back exactly (line breaks included) and its own id,
found by matching its words to a text; without them, the words are joined by spaces and the
documents are named ``<file stem>-<n>``. Prefer Label Studio's JSON export: it keeps
character offsets.

>>> words_to_text(["一、总体情况", "2021年", ","], "一、总体情况\\n2021年,")
('一、总体情况\\n2021年,', [(0, 6), (7, 12), (12, 13)])
>>> words_to_text(["一、总体情况", "2021年"], None)
('一、总体情况 2021年', [(0, 6), (7, 12)])
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from ..validate import ERROR, WARNING
from .doccano import json_rows
from .importers import Candidate, Importer, ImportFormatError, ImportResult
from .tags import tags_to_spans

DOCSTART = "-DOCSTART-"
_SPACE = re.compile(r"\s+")


def looks_like_conll(path: Path) -> bool:
    """Whether the file starts like a CoNLL 2003 file (its first line is ``-DOCSTART-``)."""
    try:
        with path.open("rb") as fh:
            head = fh.read(64).lstrip(b"\xef\xbb\xbf")
    except OSError:
        return False
    return head.startswith(DOCSTART.encode())


def words_to_text(words: Sequence[str], text: str | None) -> tuple[str, list[tuple[int, int]]]:
    """The document's text and each word's ``(start, end)`` in it: in ``text``, where the words
    are ``text`` less its whitespace (else ValueError); without ``text``, the words joined by
    single spaces."""
    if text is None:
        out, at = [], 0
        for w in words:
            out.append((at, at + len(w)))
            at += len(w) + 1
        return " ".join(words), out
    out, at = [], 0
    for w in words:
        while at < len(text) and text[at].isspace():
            at += 1
        if not text.startswith(w, at):
            raise ValueError(f"word {w!r} is not at offset {at} of the text")
        out.append((at, at + len(w)))
        at += len(w)
    if text[at:].strip():
        raise ValueError("the text goes on after the last word")
    return text, out


def _documents(lines: list[str]) -> list[tuple[int, list[tuple[int, str, str]]]]:
    """``(first line, [(line, word, tag)])`` per document. Label Studio writes one ``-DOCSTART-``
    and a blank line after each task; CoNLL 2003 a ``-DOCSTART-`` per document and blank lines
    between its sentences."""
    per_docstart = sum(1 for line in lines if line.split()[:1] == [DOCSTART]) > 1
    docs: list[tuple[int, list[tuple[int, str, str]]]] = []
    current: list[tuple[int, str, str]] = []

    def close() -> None:
        nonlocal current
        if current:
            docs.append((current[0][0], current))
        current = []

    for lineno, line in enumerate(lines, 1):
        fields = line.split()
        if fields[:1] == [DOCSTART]:
            close()
        elif not fields:
            if not per_docstart:
                close()
        else:
            current.append((lineno, fields[0], fields[-1] if len(fields) > 1 else ""))
    close()
    return docs


def is_json_min(task: Mapping[str, Any]) -> bool:
    """Whether a task is a row of Label Studio's JSON-MIN export: the data's fields at the top,
    with Label Studio's annotation fields beside them (a hand-made file of rows has none)."""
    return "data" not in task and ("annotation_id" in task or "annotator" in task)


def task_id(fields: Mapping[str, Any], id_field: str | None, json_min: bool = False) -> str | None:
    """The task's own id: the field the user named, else ``doc_id``, else ``id`` — except in a
    JSON-MIN export, where Label Studio writes its own task number over ``id``."""
    if id_field:
        value = fields.get(id_field)
    else:
        value = fields.get("doc_id", None if json_min else fields.get("id"))
    return None if value is None else str(value)


def load_texts(path: str | Path, id_field: str | None = None) -> dict[str, tuple[str | None, str]]:
    """The texts tasks were made from, by their words (the text less whitespace) → ``(id, text)``:
    a Label Studio export or task list (JSON), or JSONL records with ``id`` and ``text``.
    Two texts with the same words map to ``(None, '')`` (which of them is unknowable)."""
    out: dict[str, tuple[str | None, str]] = {}
    for _, row in json_rows(Path(path), "texts"):
        if not isinstance(row, dict):
            continue
        data = row["data"] if isinstance(row.get("data"), dict) else row
        text = data.get("text")
        if not isinstance(text, str):
            continue
        key = _SPACE.sub("", text)
        out[key] = (None, "") if key in out else (task_id(data, id_field, is_json_min(row)), text)
    return out


def from_conll(
    path: Path,
    label_map: Mapping[str, str] | None = None,
    *,
    id_field: str | None = None,
    texts: str | Path | None = None,
) -> ImportResult:
    try:
        lines = path.read_text(encoding="utf-8-sig").split("\n")
    except (OSError, UnicodeDecodeError) as exc:
        raise ImportFormatError(f"{path}: cannot read it as a UTF-8 CoNLL file ({exc})") from exc
    known = load_texts(texts, id_field) if texts is not None else {}
    imp = Importer(path, label_map)
    docs = _documents(lines)
    matched = 0
    for n, (first, words) in enumerate(docs, 1):
        rid = f"{path.stem}-{n}"
        bad = [(lineno, word) for lineno, word, tag in words if not tag]
        if bad:
            for lineno, word in bad:
                imp.reject_record(f"line {word!r} has no tag", line=lineno, rid=rid)
            continue
        tokens = [w for _, w, _ in words]
        text: str | None = None
        if texts is not None:
            found_id, found = known.get("".join(tokens), (None, None))
            if found is None:
                imp.problem(
                    WARNING,
                    "text",
                    f"no text in {texts} has these words; the words are joined by spaces",
                    line=first,
                    rid=rid,
                )
            elif found == "":
                imp.problem(
                    WARNING,
                    "text",
                    f"several texts in {texts} have these words; the words are joined by spaces",
                    line=first,
                    rid=rid,
                )
            else:
                text, rid = found, found_id or rid
                matched += 1
        try:
            text, bounds = words_to_text(tokens, text)
        except ValueError as exc:  # the words match the text without its whitespace: cannot happen
            imp.reject_record(f"the words do not align with the text ({exc})", line=first, rid=rid)
            continue
        spans, notes = tags_to_spans([t for _, _, t in words])
        for pos, message, is_error in notes:
            imp.problem(
                ERROR if is_error else WARNING,
                "tag",
                message + ("; rejected" if is_error else ""),
                line=words[pos][0],
                rid=rid,
            )
        imp.add(rid, text, [Candidate(bounds[a][0], bounds[b - 1][1], label) for a, b, label in spans], line=first)
    if docs:
        how = (
            f"{matched} of {len(docs)} documents got their text and id back from {texts}"
            if texts is not None
            else "the words are joined by spaces and documents named <file stem>-<n>; give --texts (the "
            "Label Studio export or tasks) to get each text and id back"
        )
        imp.problem(
            WARNING,
            "conll",
            "a CoNLL export keeps words, not characters: each entity covers the "
            f"whole words it touched (Label Studio's words split only at spaces and ASCII punctuation); {how}",
        )
    return imp.result()
