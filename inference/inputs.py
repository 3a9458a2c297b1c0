"""Inputs for bulk extraction: files, directories (recursive), globs, ``-`` for stdin, and JSONL
files whose lines carry ``id`` and ``text`` (or ``html``).

Documents are yielded lazily, one at a time, so memory stays flat over any number of
inputs. A document that cannot be read is still yielded — as an :class:`InputError` in
place of its data — so that it gets an output record naming the problem.
"""

from __future__ import annotations

import glob
import json
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

#: File kinds read as one report each; ``.jsonl`` files hold one report per line.
DOCUMENT_SUFFIXES = (".txt", ".html", ".htm", ".md")
JSONL_SUFFIXES = (".jsonl",)


class InputError(Exception):
    """A document that could not be read; the message names it."""


@dataclass(frozen=True)
class Document:
    id: str
    data: str | bytes | InputError


def expand_input(arg: str) -> list[Path] | None:
    """The files an input argument names: a directory's documents, a file, or a glob's matches
    (``None`` when nothing matches, so the caller can name the argument in its error)."""
    p = Path(arg)
    if p.is_dir():
        return sorted(q for q in p.rglob("*") if q.is_file() and q.suffix.lower() in DOCUMENT_SUFFIXES + JSONL_SUFFIXES)
    if p.exists():
        return [p]
    matches = sorted(glob.glob(arg, recursive=True))
    return [Path(m) for m in matches if Path(m).is_file()] if matches else None


def _jsonl(path: Path) -> Iterator[Document]:
    try:
        fh = path.open("rb")
    except OSError as exc:
        yield Document(str(path), InputError(f"{path}: cannot open ({exc.strerror})"))
        return
    with fh:
        for lineno, raw in enumerate(fh, 1):
            if not raw.strip():
                continue
            where = f"{path}:{lineno}"
            try:
                obj = json.loads(raw)
            except (json.JSONDecodeError, UnicodeDecodeError) as exc:
                yield Document(where, InputError(f"{where}: not a JSON object ({exc})"))
                continue
            if not isinstance(obj, dict):
                yield Document(where, InputError(f"{where}: not a JSON object"))
                continue
            doc_id = str(obj.get("id", where))
            data = obj.get("text", obj.get("html"))
            if not isinstance(data, str):
                yield Document(doc_id, InputError(f"{where}: no 'text' or 'html' string field"))
                continue
            yield Document(doc_id, data)


def iter_documents(args: Iterable[str], *, stdin=None) -> Iterator[Document]:
    """Every document the arguments name, in order. ``-`` reads one document from stdin."""
    for arg in args:
        if arg == "-":
            stream = stdin if stdin is not None else sys.stdin.buffer
            yield Document("-", stream.read())
            continue
        paths = expand_input(arg)
        if paths is None:
            yield Document(arg, InputError(f"{arg}: no such file, directory or glob match"))
            continue
        for path in paths:
            if path.suffix.lower() in JSONL_SUFFIXES:
                yield from _jsonl(path)
                continue
            try:
                yield Document(str(path), path.read_bytes())
            except OSError as exc:
                yield Document(str(path), InputError(f"{path}: cannot read ({exc.strerror})"))
