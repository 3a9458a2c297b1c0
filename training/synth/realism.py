"""How much synthetic reports look like real ones, character by character.

Two views, both over the *normalised* text (what the model sees):

- :func:`text_stats` needs no labels, so it reads raw scraped reports (``../shared/real``):
  distributions of character classes, of line lengths (weighted by characters, so a
  one-line page shows), of digit-run lengths, of what stands on each side of a digit run
  (``规章000`` has Han on the left, ``| 0 |`` separators) and of a space, and of report
  length. :func:`realism_gap` sets two of them side by side as the Jensen–Shannon
  divergence of each distribution (0 = the same, 1 = nothing in common) and their mean,
  the one number ``gongkai synth --compare`` reports.
- :func:`corpus_stats` needs labels (gold annotations): the share of characters under each
  label, entities per report, line and digit-run lengths.

Held-out real reports are never read: :func:`real_texts` skips the folders and records the
split file (``annotations/split.json``) lists as ``heldout``.

>>> a = text_stats(["规章000 行政许可12"]); b = text_stats(["规章 | 0 | 0 | 0 |"])
>>> realism_gap(a, a)["mean"], 0 < realism_gap(a, b)["mean"] <= 1
(0.0, True)
"""

from __future__ import annotations

import json
import math
import re
import statistics
from collections import Counter
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from gongkai.model.labels import LABELS

from ..corpus import Record, read_records
from ..features import tag_records

_DIGITS = re.compile(r"\d+")
#: The split of the real reports (``heldout`` is never read here).
SPLIT_FILE = Path(__file__).resolve().parents[1] / "annotations" / "split.json"
#: Files a real report folder holds its text in, in order of preference.
SOURCES = ("source.txt", "source.html", "source.md")
#: Line lengths (characters per line) and report lengths, as bins' upper bounds.
_LINE_BINS = (10, 30, 60, 100, 200, 500, 1000, 2000, 5000)
_REPORT_BINS = (1000, 2000, 3000, 4000, 6000, 8000, 12000, 20000)
_RUN_BINS = (1, 2, 3, 4, 5, 6, 7, 9, 12)
#: Distributions compared by :func:`realism_gap`.
DISTRIBUTIONS = ("char_class", "line_length", "digit_run_length", "digit_context", "space_context", "report_length")


def _quantiles(values: list[int]) -> dict[str, float]:
    if not values:
        return {"mean": 0.0, "p50": 0.0, "p90": 0.0}
    values = sorted(values)
    return {
        "mean": round(statistics.fmean(values), 1),
        "p50": float(values[len(values) // 2]),
        "p90": float(values[min(len(values) - 1, int(len(values) * 0.9))]),
    }


def _char_class(ch: str) -> str:
    """``han``, ``digit``, ``latin``, ``space``, ``newline``, ``pipe``, ``punct`` or ``other``.

    >>> [_char_class(c) for c in "规7a |,\\n"]
    ['han', 'digit', 'latin', 'space', 'pipe', 'punct', 'newline']
    """
    if "\u4e00" <= ch <= "\u9fff" or "\u3400" <= ch <= "\u4dbf":
        return "han"
    if ch.isdigit():
        return "digit"
    if ch.isascii() and ch.isalpha():
        return "latin"
    if ch == "\n":
        return "newline"
    if ch.isspace():
        return "space"
    if ch == "|":
        return "pipe"
    if not ch.isalnum():
        return "punct"
    return "other"


def _bin(value: int, bins: tuple[int, ...]) -> str:
    for b in bins:
        if value <= b:
            return f"≤{b}"
    return f">{bins[-1]}"


def _side(text: str, i: int) -> str:
    return _char_class(text[i]) if 0 <= i < len(text) else "edge"


def text_stats(texts: Iterable[str], normalised: bool = True) -> dict[str, Any]:
    """Label-free character statistics of report texts; ``normalised=False`` normalises
    them first (as extraction does: HTML rendered, rubies dropped, full-width folded)."""
    if not normalised:
        from gongkai.inference.normalise import normalise

        texts = (normalise(t).text for t in texts)
    dist: dict[str, Counter] = {k: Counter() for k in DISTRIBUTIONS}
    lines: list[int] = []
    runs: list[int] = []
    lengths: list[int] = []
    for text in texts:
        lengths.append(len(text))
        dist["report_length"][_bin(len(text), _REPORT_BINS)] += 1
        dist["char_class"].update(_char_class(c) for c in text)
        for line in text.split("\n"):
            if line.strip():
                lines.append(len(line))
                dist["line_length"][_bin(len(line), _LINE_BINS)] += len(line)
        for m in _DIGITS.finditer(text):
            runs.append(len(m.group()))
            dist["digit_run_length"][_bin(len(m.group()), _RUN_BINS)] += 1
            dist["digit_context"][f"{_side(text, m.start() - 1)}·{_side(text, m.end())}"] += 1
        for m in re.finditer(" ", text):
            dist["space_context"][f"{_side(text, m.start() - 1)}·{_side(text, m.end())}"] += 1
    return {
        "records": len(lengths),
        "distributions": {k: dict(v) for k, v in dist.items()},
        "line_length": _quantiles(lines),
        "lines_per_report": round(len(lines) / max(1, len(lengths)), 1),
        "digit_run_length": _quantiles(runs),
        "report_length": _quantiles(lengths),
    }


def _shares(counts: dict[str, float]) -> dict[str, float]:
    total = sum(counts.values())
    return {k: v / total for k, v in counts.items()} if total else {}


def js_divergence(p: dict[str, float], q: dict[str, float]) -> float:
    """Jensen–Shannon divergence (base 2, in [0, 1]) of two count or share tables.

    >>> js_divergence({"a": 1}, {"a": 3}), js_divergence({"a": 1}, {"b": 1})
    (0.0, 1.0)
    """
    p, q = _shares(p), _shares(q)
    if not p or not q:
        return 1.0 if p or q else 0.0
    out = 0.0
    for k in set(p) | set(q):
        a, b = p.get(k, 0.0), q.get(k, 0.0)
        m = (a + b) / 2
        out += (a * math.log2(a / m) if a else 0.0) + (b * math.log2(b / m) if b else 0.0)
    return round(max(0.0, out / 2), 4)


def realism_gap(a: dict[str, Any], b: dict[str, Any]) -> dict[str, float]:
    """Per distribution of :func:`text_stats`, the JS divergence between ``a`` and ``b``,
    and their ``mean`` (the realism gap)."""
    out = {k: js_divergence(a["distributions"][k], b["distributions"][k]) for k in DISTRIBUTIONS}
    out["mean"] = round(statistics.fmean(out.values()), 4)
    return out


def gap_table(
    a: dict[str, Any], b: dict[str, Any], names: tuple[str, str] = ("synthetic", "real"), top: int = 6
) -> str:
    """A Markdown table of two :func:`text_stats` results: each distribution's JS
    divergence and its largest bins on either side, then the summaries and the mean gap."""
    gap = realism_gap(a, b)
    rows = [f"| statistic | {names[0]} ({a['records']}) | {names[1]} ({b['records']}) |", "|---|---|---|"]
    for key in DISTRIBUTIONS:
        pa, pb = _shares(a["distributions"][key]), _shares(b["distributions"][key])
        rows.append(f"| **{key}** (JS {gap[key]:.3f}) | | |")
        for k in sorted(set(pa) | set(pb), key=lambda k: -max(pa.get(k, 0), pb.get(k, 0)))[:top]:
            rows.append(f"| {key} {k} | {pa.get(k, 0):.1%} | {pb.get(k, 0):.1%} |")
    for key in ("line_length", "digit_run_length", "report_length"):
        for q in ("mean", "p50", "p90"):
            rows.append(f"| {key} {q} | {a[key][q]} | {b[key][q]} |")
    rows.append(f"| lines per report | {a['lines_per_report']} | {b['lines_per_report']} |")
    rows.append(f"| **realism gap** (mean JS divergence, 0 = alike, 1 = disjoint) | **{gap['mean']:.3f}** | |")
    return "\n".join(rows)


# --------------------------------------------------------------------------- real reports


def heldout_ids(split_file: str | Path = SPLIT_FILE) -> frozenset[str]:
    """The held-out report ids (``"006"``…) of the split file."""
    path = Path(split_file)
    if not path.is_file():
        raise FileNotFoundError(f"split file {path} not found: it names the held-out reports that must not be read")
    return frozenset(json.loads(path.read_text(encoding="utf-8"))["heldout"])


def _report_id(name: str) -> str:
    """``real-006`` and ``006`` are the same report."""
    return name.removeprefix("real-")


def real_texts(paths: Iterable[str | Path], split_file: str | Path = SPLIT_FILE) -> tuple[list[str], list[Record]]:
    """Raw texts of report folders (``NNN/source.txt``) and annotated records (JSONL files or
    folders of them) under ``paths``, never one the split file holds out."""
    held = heldout_ids(split_file)
    texts: list[str] = []
    records: list[Record] = []
    for p in map(Path, paths):
        folders = (
            sorted(d for d in p.iterdir() if d.is_dir() and any((d / s).is_file() for s in SOURCES))
            if p.is_dir()
            else []
        )
        if folders:
            for d in folders:
                if _report_id(d.name) in held:
                    continue
                src = next(d / s for s in SOURCES if (d / s).is_file())
                texts.append(src.read_text(encoding="utf-8", errors="replace"))
            continue
        records += [r for r in read_records([p]) if _report_id(r.id) not in held]
    return texts, records


# --------------------------------------------------------------------------- labelled statistics


def corpus_stats(records: Iterable[Record]) -> dict[str, Any]:
    """Label mix (share of characters), line and digit-run lengths, report length."""
    chars = Counter()
    total = 0
    lines: list[int] = []
    digit_runs: list[int] = []
    lengths: list[int] = []
    entities = Counter()
    n = 0
    for t in tag_records(records):
        n += 1
        total += len(t.text)
        lengths.append(len(t.text))
        for tag in t.tags:
            chars[tag.split("-", 1)[-1]] += 1
            if tag.startswith("B-"):
                entities[tag[2:]] += 1
        lines += [len(line) for line in t.text.split("\n") if line.strip()]
        digit_runs += [len(m.group()) for m in _DIGITS.finditer(t.text)]
    return {
        "records": n,
        "label_share": {label: round(chars[label] / total, 4) if total else 0.0 for label in ("O", *LABELS)},
        "entities_per_report": {label: round(entities[label] / n, 1) if n else 0.0 for label in LABELS},
        "line_length": _quantiles(lines),
        "digit_run_length": _quantiles(digit_runs),
        "report_length": _quantiles(lengths),
    }


def compare_table(a: dict[str, Any], b: dict[str, Any], names: tuple[str, str] = ("synthetic", "gold")) -> str:
    """A Markdown table setting two :func:`corpus_stats` results side by side."""
    rows = [f"| statistic | {names[0]} ({a['records']}) | {names[1]} ({b['records']}) |", "|---|---|---|"]
    for label in a["label_share"]:
        rows.append(f"| chars {label} | {a['label_share'][label]:.2%} | {b['label_share'][label]:.2%} |")
    for label in a["entities_per_report"]:
        rows.append(f"| {label} per report | {a['entities_per_report'][label]} | {b['entities_per_report'][label]} |")
    for key in ("line_length", "digit_run_length", "report_length"):
        for q in ("mean", "p50", "p90"):
            rows.append(f"| {key} {q} | {a[key][q]} | {b[key][q]} |")
    return "\n".join(rows)
