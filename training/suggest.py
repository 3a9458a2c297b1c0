"""Which reports to annotate next (``gongkai annotations suggest``).

A report is worth a person's time when the model struggles with it: checks that fail on
what it read, low confidence in its tags, and text unlike what it was trained on (many
characters its vocabulary does not know). Only the best K are kept while reading, so any
number of inputs fits in memory; they are exported as Label Studio tasks carrying the
model's tags as pre-annotations, for a person to correct and import back.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from .corpus import Record, Span


@dataclass(order=True)
class Suggestion:
    score: float
    id: str = field(compare=False)
    reasons: dict[str, float] = field(compare=False)
    record: Record = field(compare=False)


def worth(report: dict[str, Any], unknown_share: float = 0.0) -> tuple[float, dict[str, float]]:
    """How much annotating this report would teach the model, and why.

    >>> worth({"checks": [{"status": "fail"}], "entities": [{"score": 0.5}], "tables": {"a": {}, "b": {}}})[0]
    2.0
    """
    failed = sum(c.get("status") == "fail" for c in report.get("checks", []))
    scores = [e.get("score", 1.0) for e in report.get("entities") or []]
    uncertainty = 1.0 - (sum(scores) / len(scores)) if scores else 1.0
    missing_tables = 3 - len(report.get("tables", {}))
    reasons = {
        "failed_checks": float(failed),
        "uncertainty": round(uncertainty, 4),
        "unknown_chars": round(unknown_share, 4),
        "missing_tables": float(max(0, missing_tables)),
    }
    # A table the model did not find is as telling as a failed check, half weighted: some
    # reports genuinely print fewer tables.
    score = failed + uncertainty + 5 * unknown_share + 0.5 * max(0, missing_tables)
    return round(score, 4), reasons


def top_k(items: Iterable[tuple[str, str, dict[str, Any], float]], k: int) -> list[Suggestion]:
    """The ``k`` most worth annotating of ``(id, source text, report dict, unknown share)``, best first."""
    heap: list[tuple[float, int, Suggestion]] = []
    for n, (doc_id, source, report, unknown) in enumerate(items):
        if report.get("error"):
            continue  # nothing was tagged: there is nothing to correct
        score, reasons = worth(report, unknown)
        spans = [Span(e["start"], e["end"], e["label"]) for e in report.get("entities") or []]
        s = Suggestion(score, doc_id, reasons, Record(doc_id, source, spans, {"suggested": reasons}))
        if len(heap) < k:
            heapq.heappush(heap, (score, -n, s))
        elif score > heap[0][0]:
            heapq.heapreplace(heap, (score, -n, s))
    return [s for _, _, s in sorted(heap, key=lambda t: (-t[0], -t[1]))]


def scored_documents(
    extractor, tokenizer_vocab: set[str] | None, documents: Iterable[tuple[str, Any]]
) -> Iterator[tuple[str, str, dict[str, Any], float]]:
    """Extract each document with entities kept; measure the share of unknown characters."""
    from gongkai.inference.normalise import normalise
    from gongkai.inference.text_decoding import decode_text

    for doc_id, data in documents:
        if isinstance(data, Exception):
            continue
        try:
            source = decode_text(data, name=doc_id).text
            text = normalise(source, name=doc_id).text
        except Exception:  # noqa: BLE001 — undecodable inputs are not annotation candidates
            continue
        unknown = 0.0
        if tokenizer_vocab:
            chars = [c for c in text if not c.isspace()]
            unknown = sum(c not in tokenizer_vocab for c in chars) / len(chars) if chars else 0.0
        report = extractor.extract(source, id=doc_id).to_dict()
        yield doc_id, source, report, unknown
