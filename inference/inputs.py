r"""Inputs for bulk extraction: files, directories (recursive), globs, ``-`` for stdin, JSONL
files whose lines carry ``id`` and ``text`` (or ``html``), and Parquet files with those columns.

A run first *plans* its inputs (:func:`plan_inputs`): every argument is expanded into the files
to read, before anything is written, so that no input can be a file the run writes. Then the
documents are read lazily (:func:`read_documents`), one at a time, so memory stays flat over any
number of inputs.

The guarantees:

- Every input named on the command line, and every file of a report format that a directory
  or a glob yields, gets exactly one :class:`Document` (a JSONL file one per line, a Parquet file one per
  row). One that
  cannot be read — missing, a dangling or looping symbolic link, a FIFO or device, a path too
  long, a folder that cannot be entered — is still yielded, as an :class:`InputError` naming
  the path in place of its data, so that it gets an output record.
- A file a directory holds that is no report format (``.docx``, images, hidden files) is not
  read; :attr:`Plan.not_read` names it and says why.
- An id is canonical: a file's id is its absolute path with ``.``, ``..`` and doubled
  separators removed (symbolic links are not resolved), whatever the spelling or working
  directory it was named from; a JSONL line's id is its ``id`` field, else ``PATH:LINE``;
  stdin's is ``-``. Ids are always valid Unicode: a name that is not (a file name in GBK bytes,
  a JSONL id with a lone surrogate) is escaped — ``\\`` for a backslash, ``\xNN`` for a byte
  of a file name that is not UTF-8, ``\uDNNN`` for another lone surrogate — and its record says
  ``"id_escaped": true``; :func:`unescape_id` undoes it exactly (``os.fsencode`` of the result
  gives a file name's bytes back).

Readers are chosen by kind (:data:`READERS`): the file suffix decides (:data:`KINDS`), and a
file without one is sniffed (:func:`sniff`). PDFs are read by :mod:`.pdf` (their text layer, page
by page; without pypdfium2 installed each PDF gets an error record naming the fix).
"""

from __future__ import annotations

import errno
import fnmatch
import glob
import json
import os
import re
import stat
import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

#: File kinds by suffix. ``document`` files are one report each (text or HTML, decoded and
#: detected by the normaliser); ``jsonl`` files hold one report per line and ``parquet`` files one
#: per row (columns ``id`` and ``text`` or ``html``); ``pdf`` files need a reader in :data:`READERS`.
KINDS = {
    **dict.fromkeys((".txt", ".text", ".md", ".html", ".htm", ".shtml", ".jhtml", ".xhtml"), "document"),
    ".jsonl": "jsonl",
    ".parquet": "parquet",
    ".pdf": "pdf",
}
JSONL_SUFFIXES = (".jsonl",)
#: The fields of a report in a JSONL line or a Parquet row: its id, and its text, the first of
#: ``TEXT_FIELDS`` given.
ID_FIELD, TEXT_FIELDS = "id", ("text", "html")

#: File signatures of formats that are no report text (sniffed files without a suffix).
_BINARY_MAGIC = (
    b"PK\x03\x04",
    b"\xd0\xcf\x11\xe0",
    b"\x89PNG",
    b"GIF8",
    b"\xff\xd8\xff",
    b"\x1f\x8b",
    b"Rar!",
    b"7z\xbc\xaf",
    b"BM",
    b"\x7fELF",
)
_SNIFF_BYTES = 4096
_PARQUET_MAGIC = b"PAR1"


class InputError(Exception):
    """A document that could not be read; the message names it."""


class UsageError(ValueError):
    """An input the run must refuse before it writes anything (the output named as an input)."""


@dataclass(frozen=True)
class Document:
    id: str
    data: str | bytes | InputError
    #: The id was escaped to be valid Unicode (see the module docstring).
    id_escaped: bool = False
    #: A PDF's :class:`~.pdf.PageMap` (the page of each offset), added to its record's provenance.
    pages: Any = None


@dataclass(frozen=True)
class Source:
    """One input to read: a file of a known ``kind``, stdin (``path`` ``-``), or an ``error``."""

    id: str
    path: str
    kind: str  # "document" | "jsonl" | "parquet" | "pdf" | "stdin" | "error"
    error: str | None = None
    id_escaped: bool = False


@dataclass
class Plan:
    sources: list[Source] = field(default_factory=list)
    #: ``(name, why)`` of every file found and not read; names are escaped ids.
    not_read: list[tuple[str, str]] = field(default_factory=list)


# --------------------------------------------------------------------------- ids


def escape_id(raw: str) -> tuple[str, bool]:
    r"""An id as valid Unicode, and whether it had to be escaped.

    >>> escape_id("a/报告.txt")
    ('a/报告.txt', False)
    >>> escape_id("a\\\udcb1\ud800")
    ('a\\\\\\xb1\\ud800', True)
    """
    try:
        raw.encode("utf-8")
        return raw, False
    except UnicodeEncodeError:
        pass
    out = []
    for ch in raw:
        o = ord(ch)
        if ch == "\\":
            out.append("\\\\")
        elif 0xDC80 <= o <= 0xDCFF:  # a file-name byte that is not UTF-8 (surrogateescape)
            out.append(f"\\x{o - 0xDC00:02x}")
        elif 0xD800 <= o <= 0xDFFF:
            out.append(f"\\u{o:04x}")
        else:
            out.append(ch)
    return "".join(out), True


_ESCAPE = re.compile(r"\\(\\|x[0-9a-f]{2}|u[0-9a-f]{4})")


def unescape_id(escaped: str) -> str:
    r"""Undo :func:`escape_id` (for an id whose record says ``id_escaped``).

    >>> raw = "a\\\udcb1\ud800"
    >>> unescape_id(escape_id(raw)[0]) == raw
    True
    """

    def one(m: re.Match) -> str:
        s = m.group(1)
        if s == "\\":
            return "\\"
        return chr(0xDC00 + int(s[1:], 16)) if s[0] == "x" else chr(int(s[1:], 16))

    return _ESCAPE.sub(one, escaped)


def raw_id(record: dict) -> str:
    """The id of a record as the input named it (unescaped when ``id_escaped``)."""
    return unescape_id(record["id"]) if record.get("id_escaped") else record["id"]


def canonical_path(arg: str) -> str:
    """The path a file's id is made of: absolute, ``.``/``..``/``//`` removed, links kept.

    >>> canonical_path("/data/./in//a.txt"), canonical_path("/data/x/../a.txt"), canonical_path("")
    ('/data/in/a.txt', '/data/a.txt', '')
    """
    return os.path.abspath(arg) if arg else arg  # an empty argument names nothing, not the cwd


def _errstr(exc: OSError) -> str:
    return exc.strerror or str(exc)


# --------------------------------------------------------------------------- kinds


def sniff(path: str) -> tuple[str | None, str]:
    """The kind of a file without a suffix, from its first bytes: ``pdf``, ``jsonl`` (a first
    line that is a JSON object with ``text`` or ``html``), ``document`` (text or HTML), or
    ``None`` with why (a binary format). A file that cannot be opened is a ``document``: reading
    it gives its error record."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
        try:
            head = os.read(fd, _SNIFF_BYTES)
        finally:
            os.close(fd)
    except OSError:
        return "document", ""
    if head.startswith(b"%PDF-"):
        return "pdf", ""
    if head.startswith(_PARQUET_MAGIC):
        return "parquet", ""
    if head.startswith(_BINARY_MAGIC):
        return None, "a binary file (not text)"
    if b"\0" in head and not head.startswith((b"\xff\xfe", b"\xfe\xff")):  # UTF-16 has NULs and a BOM
        return None, "a binary file (not text)"
    if head.lstrip().startswith(b"{"):
        try:
            first = json.loads(head.lstrip().split(b"\n", 1)[0])
        except ValueError:
            first = None
        if isinstance(first, dict) and ("text" in first or "html" in first):
            return "jsonl", ""
    return "document", ""


def kind_of(path: str) -> tuple[str | None, str]:
    """A file's kind by suffix (sniffed without one), or ``None`` and why it is not read."""
    suffix = os.path.splitext(os.path.basename(path))[1].lower()
    if not suffix:
        return sniff(path)
    if suffix in KINDS:
        return KINDS[suffix], ""
    return None, f"not a report format ({suffix})"


def _no_reader(kind: str) -> str | None:
    if kind in READERS:
        return None
    return f"a {kind.upper()} file: no {kind.upper()} reader is installed"


def _looks_like_output(path: str, kind: str) -> bool:
    """A JSONL file whose first line is a gongkai record, or a Parquet file of records: no text,
    ``versions`` and ``status``."""
    try:
        if kind == "parquet":
            import pyarrow.parquet as pq

            fields = set(pq.read_schema(path).names)
        else:
            with open(path, "rb") as fh:
                first = json.loads(fh.readline())
            if not isinstance(first, dict):
                return False
            fields = set(first)
    except Exception:  # noqa: BLE001 — unreadable (or no pyarrow): it is read, and its record says why
        return False
    return not fields & set(TEXT_FIELDS) and {"versions", "status"} <= fields


# --------------------------------------------------------------------------- planning


class _Planner:
    def __init__(self, exclude: Iterable[str], skip: Iterable[str] = ()):
        self.plan = Plan()
        #: Name patterns (``origin.txt``, ``*.json``) of files a folder or glob holds that are no report.
        self.skip_names = tuple(skip)
        self.seen: set[str] = set()
        #: (st_dev, st_ino) of the files the run writes that exist now: never inputs.
        self.written: set[tuple[int, int]] = set()
        for p in exclude:
            try:
                st = os.stat(p)
            except (OSError, ValueError):
                continue
            if stat.S_ISREG(st.st_mode):
                self.written.add((st.st_dev, st.st_ino))

    def add(self, path: str, kind: str, error: str | None = None) -> None:
        ident, escaped = escape_id(canonical_path(path))
        if ident in self.seen:
            self.plan.not_read.append((ident, "named more than once: read once"))
            return
        self.seen.add(ident)
        if error is not None:
            error = f"{ident}: {error}"
        self.plan.sources.append(Source(ident, path, "error" if error else kind, error, escaped))

    def skip(self, path: str, why: str) -> None:
        self.plan.not_read.append((escape_id(canonical_path(path))[0], why))

    @staticmethod
    def _follow(path: str) -> tuple[os.stat_result | None, str]:
        """What a symbolic link points at, or ``None`` and why it cannot be followed."""
        try:
            return os.stat(path), ""
        except OSError as exc:
            if exc.errno == errno.ELOOP:
                return None, "a symbolic link loop"
            try:
                target = os.readlink(path)
            except OSError:
                target = "?"
            return None, f"a dangling symbolic link (to {escape_id(target)[0]}: {_errstr(exc)})"

    def named(self, arg: str) -> None:
        """An argument: a file, a directory, or a glob."""
        try:
            lst = os.lstat(arg)
        except FileNotFoundError:
            matches = sorted(glob.glob(arg, recursive=True)) if glob.has_magic(arg) else []
            if not matches:
                self.add(arg, "error", "no such file, directory or glob match")
            for m in matches:
                if not self._skipped(m):
                    self.entry(m, glob_pattern=arg)
            return
        except OSError as exc:  # a path too long, a folder above it that cannot be entered
            self.add(arg, "error", f"cannot read ({_errstr(exc)})")
            return
        self.entry(arg, lst=lst, named=True)

    def entry(
        self,
        path: str,
        *,
        lst: os.stat_result | None = None,
        named: bool = False,
        glob_pattern: str = "",
        ancestors: tuple[tuple[int, int], ...] = (),
    ) -> None:
        """One path found or named. Named files are read whatever their suffix; found ones
        only in a report format. ``glob_pattern``: the glob that matched it."""
        in_glob = bool(glob_pattern)
        try:
            lst = lst or os.lstat(path)
        except OSError as exc:
            self.add(path, "error", f"cannot read ({_errstr(exc)})")
            return
        st: os.stat_result | None = lst
        if stat.S_ISLNK(lst.st_mode):
            st, broken = self._follow(path)
            if st is None:
                if named or in_glob or self._wanted(path):
                    self.add(path, "error", broken)
                else:
                    self.skip(path, broken)
                return
        if stat.S_ISDIR(st.st_mode):
            if in_glob:  # a glob's folders are containers: ``**`` lists their files too
                if "**" not in glob_pattern:
                    self.skip(path, "a folder a glob matched: name it, or match its files with **")
                return
            if (st.st_dev, st.st_ino) in ancestors:
                self.add(path, "error", "a symbolic link loop (a folder that holds itself)")
                return
            self.walk(path, (*ancestors, (st.st_dev, st.st_ino)))
            return
        if (st.st_dev, st.st_ino) in self.written:
            if named:
                raise UsageError(f"{path}: is the output of this run; it cannot be an input too")
            self.skip(path, "this run's output")
            return
        if not stat.S_ISREG(st.st_mode):
            if named or in_glob or self._wanted(path):
                self.add(path, "error", f"not a regular file ({_file_type(st.st_mode)}); not read")
            else:
                self.skip(path, f"not a regular file ({_file_type(st.st_mode)})")
            return
        kind, why = kind_of(path)
        if kind is None and named:
            kind = "document"  # named: the user says it is a report; decoding tells
        if kind is None:
            self.skip(path, why)
        elif (missing := _no_reader(kind)) is not None:
            if named or in_glob:
                self.add(path, "error", missing)
            else:
                self.skip(path, missing)
        elif kind in ("jsonl", "parquet") and not named and _looks_like_output(path, kind):
            self.skip(path, "gongkai output (records without text)")
        else:
            self.add(path, kind)

    @staticmethod
    def _wanted(path: str) -> bool:
        """Whether a folder's file would be read for its name (a report suffix, or none)."""
        suffix = os.path.splitext(os.path.basename(path))[1].lower()
        return not suffix or suffix in KINDS

    def walk(self, folder: str, ancestors: tuple[tuple[int, int], ...]) -> None:
        try:
            with os.scandir(folder) as it:
                entries = sorted(it, key=lambda e: e.name)
        except OSError as exc:
            self.add(folder, "error", f"cannot list this folder ({_errstr(exc)})")
            return
        for e in entries:
            if e.name.startswith("."):
                self.skip(e.path, "hidden")
                continue
            if not self._skipped(e.path):
                self.entry(e.path, ancestors=ancestors)

    def _skipped(self, path: str) -> bool:
        """Whether a found file's name matches a ``--skip`` pattern (then it is listed as not read)."""
        name = os.path.basename(path)
        pattern = next((p for p in self.skip_names if fnmatch.fnmatchcase(name, p)), None)
        if pattern is not None:
            self.skip(path, f"matches --skip {pattern}")
        return pattern is not None


def _file_type(mode: int) -> str:
    for test, name in (
        (stat.S_ISFIFO, "a FIFO"),
        (stat.S_ISSOCK, "a socket"),
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
    ):
        if test(mode):
            return name
    return "not a plain file"


def plan_inputs(args: Iterable[str], *, exclude: Iterable[str] = (), skip: Iterable[str] = ()) -> Plan:
    """Every input the arguments name, expanded (directories walked in name order, following
    links to folders, a loop reported once; globs matched), before anything is written.
    ``exclude`` are the files the run writes: found, they are skipped; named, they raise
    :class:`UsageError`. ``skip``: name patterns of files that folders and globs hold but that
    are no report (``origin.txt``, ``README*``); a file named on its own is always read.

    >>> import tempfile, pathlib
    >>> with tempfile.TemporaryDirectory() as d:
    ...     for name in ("a.txt", "origin.txt", "README.md"):
    ...         _ = (pathlib.Path(d) / name).write_text("x")
    ...     plan = plan_inputs([d], skip=["origin.txt", "README*"])
    >>> [os.path.basename(s.path) for s in plan.sources], sorted(why for _, why in plan.not_read)
    (['a.txt'], ['matches --skip README*', 'matches --skip origin.txt'])
    """
    planner = _Planner((p for p in exclude if p and str(p) != "-"), skip)
    for arg in args:
        arg = str(arg)
        if arg == "-":
            planner.plan.sources.append(Source("-", "-", "stdin"))
        else:
            planner.named(arg)
    return planner.plan


# --------------------------------------------------------------------------- reading


def _read_file(src: Source, max_bytes: int | None) -> Iterator[Document]:
    """One document: the file's bytes, read only when it is a regular file within the limit."""
    try:
        st = os.stat(src.path)
        if not stat.S_ISREG(st.st_mode):  # planned as a file, then replaced: never wait on a FIFO
            data: bytes | InputError = InputError(f"{src.id}: not a regular file ({_file_type(st.st_mode)}); not read")
        elif max_bytes is not None and st.st_size > max_bytes:
            data = InputError(
                f"{src.id}: input too large ({st.st_size:,} bytes; the limit is {max_bytes:,} "
                "bytes): is this one report?"
            )
        else:
            data = Path(src.path).read_bytes()
    except OSError as exc:
        data = InputError(f"{src.id}: cannot read ({_errstr(exc)})")
    yield Document(src.id, data, src.id_escaped)


_SURROGATE = re.compile("[\ud800-\udfff]")


def _read_jsonl(src: Source, max_bytes: int | None) -> Iterator[Document]:
    try:
        fh = open(src.path, "rb")  # noqa: SIM115 — closed by the with below, once the error is ruled out
    except OSError as exc:
        yield Document(src.id, InputError(f"{src.id}: cannot open ({_errstr(exc)})"), src.id_escaped)
        return
    with fh:
        for lineno, raw in enumerate(fh, 1):
            if not raw.strip():
                continue
            where = f"{src.id}:{lineno}"
            try:
                obj = json.loads(raw)
            except (json.JSONDecodeError, UnicodeDecodeError) as exc:
                yield Document(where, InputError(f"{where}: not a JSON object ({exc})"), src.id_escaped)
                continue
            if not isinstance(obj, dict):
                yield Document(where, InputError(f"{where}: not a JSON object"), src.id_escaped)
                continue
            given = obj.get(ID_FIELD)
            doc_id, escaped = escape_id(str(given)) if given is not None else (where, src.id_escaped)
            data = next((obj[f] for f in TEXT_FIELDS if f in obj), None)
            if not isinstance(data, str):
                yield Document(doc_id, InputError(f"{where}: no 'text' or 'html' string field"), escaped)
                continue
            # A lone surrogate is no character: U+FFFD in its place keeps every offset.
            yield Document(doc_id, _SURROGATE.sub("\ufffd", data), escaped)


#: Rows a Parquet file is read in at a time (memory stays bounded whatever the file holds).
_PARQUET_BATCH = 256


def _read_parquet(src: Source, max_bytes: int | None) -> Iterator[Document]:
    """The reports in a Parquet file, one per row (``id``, else ``PATH:ROW``); an unreadable file,
    or a row without text, becomes an :class:`InputError` document, as a bad JSONL line does."""
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError:
        yield Document(
            src.id,
            InputError(f"{src.id}: reading Parquet needs pyarrow: pip install 'gongkai[parquet]'"),
            src.id_escaped,
        )
        return
    try:
        pf = pq.ParquetFile(src.path)
        names = set(pf.schema_arrow.names)
        fields = [f for f in TEXT_FIELDS if f in names]
        if not fields:
            yield Document(src.id, InputError(f"{src.id}: no 'text' or 'html' column"), src.id_escaped)
            return
        columns = fields + ([ID_FIELD] if ID_FIELD in names else [])
        n = 0
        for batch in pf.iter_batches(batch_size=_PARQUET_BATCH, columns=columns):
            for row in batch.to_pylist():
                n += 1
                where = f"{src.id}:{n}"
                given = row.get(ID_FIELD)
                doc_id, escaped = escape_id(str(given)) if given is not None else (where, src.id_escaped)
                data = next((row[f] for f in fields if row[f] is not None), None)
                if isinstance(data, (str, bytes)):
                    yield Document(doc_id, data, escaped)
                else:
                    yield Document(doc_id, InputError(f"{where}: no 'text' or 'html' value"), escaped)
    except (OSError, ValueError, pa.ArrowException) as exc:
        yield Document(src.id, InputError(f"{src.id}: cannot read Parquet ({exc})"), src.id_escaped)


def parquet_rows(path: str) -> int | None:
    """How many reports a Parquet file holds (from its footer), or None where it cannot be read."""
    try:
        import pyarrow.parquet as pq

        return pq.ParquetFile(path).metadata.num_rows
    except Exception:  # noqa: BLE001 — unreadable (or no pyarrow): one error record
        return None


def _read_stdin(stream) -> Iterator[Document]:
    yield Document("-", stream.read())


def _read_pdf(src: Source, max_bytes: int | None) -> Iterator[Document]:
    from .pdf import read_pdf  # PDFium loads only when a PDF is read

    return read_pdf(src, max_bytes)


#: The reader of each file kind: ``(source, max_bytes) → documents``. Register a reader for
#: another kind and folders read those files too.
READERS: dict[str, Callable[[Source, int | None], Iterator[Document]]] = {
    "document": _read_file,
    "jsonl": _read_jsonl,
    "parquet": _read_parquet,
    "pdf": _read_pdf,
}


def read_documents(sources: Iterable[Source], *, stdin=None, max_bytes: int | None = None) -> Iterator[Document]:
    """The documents of planned sources, in order, lazily. Files over ``max_bytes`` are refused
    unread (an error record)."""
    for src in sources:
        if src.kind == "stdin":
            yield from _read_stdin(stdin if stdin is not None else sys.stdin.buffer)
        elif src.kind == "error":
            yield Document(src.id, InputError(src.error), src.id_escaped)
        else:
            yield from READERS[src.kind](src, max_bytes)


def iter_documents(args: Iterable[str], *, stdin=None, max_bytes: int | None = None) -> Iterator[Document]:
    """Every document the arguments name, in order. ``-`` reads one document from stdin."""
    return read_documents(plan_inputs(args).sources, stdin=stdin, max_bytes=max_bytes)


def expand_input(arg: str) -> list[str] | None:
    """The paths of the readable inputs one argument names, or ``None`` when it names nothing
    readable (so that the caller can name the argument in its error)."""
    paths = [s.path for s in plan_inputs([arg]).sources if s.kind not in ("error", "stdin")]
    return paths or None
