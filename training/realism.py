"""How much synthetic reports look like real ones, character by character.

Statistics over the *normalised* text (what the model sees): the share of characters under
each label, line lengths, digit-run lengths and report length. Set the synthetic figures
beside the gold seeds' to see the generator's realism gap.
"""

from __future__ import annotations

import re
import statistics
from collections import Counter
from collections.abc import Iterable
from typing import Any

from gongkai.model.labels import LABELS

from .corpus import Record
from .features import tag_records

_DIGITS = re.compile(r"\d+")


def _quantiles(values: list[int]) -> dict[str, float]:
    if not values:
        return {"mean": 0.0, "p50": 0.0, "p90": 0.0}
    values = sorted(values)
    return {"mean": round(statistics.fmean(values), 1), "p50": float(values[len(values) // 2]),
            "p90": float(values[min(len(values) - 1, int(len(values) * 0.9))])}


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
