"""End-to-end scores: what the tags are worth once assembled and reconciled.

The reference for each record is the pipeline run on its gold spans (the gold tables of the
seeds equal their hand-written expected tables, see tests/test_gold_tables.py), so these
scores measure only what the tagger gets wrong:

- ``cell_accuracy``: table cells (blanks included) whose value matches, over the gold cells;
- ``template_accuracy``: tables whose template version matches;
- ``sections``: precision/recall/F1 of (key, title) pairs;
- ``figures``: precision/recall/F1 of (value, unit, approximate) at overlapping offsets;
- ``year`` / ``organ``: share of records where they match;
- ``checks``: share of gold checks whose (rule, row/column, status) the prediction repeats.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from gongkai.inference.assemble import Assembly, assemble
from gongkai.inference.entities import Entity, entities_from_source_spans
from gongkai.inference.normalise import normalise
from gongkai.inference.reconcile import reconcile

from .corpus import Record


def _prf(tp: int, n_pred: int, n_gold: int) -> dict[str, float]:
    p = tp / n_pred if n_pred else 0.0
    r = tp / n_gold if n_gold else 0.0
    return {"precision": p, "recall": r, "f1": 2 * p * r / (p + r) if p + r else 0.0, "support": n_gold}


def _cells(asm: Assembly) -> dict[tuple[str, str, str], Any]:
    return {(t, r, f): c.value for t, a in asm.tables.items() for (r, f), c in a.data.cells.items()}


def _checks(asm: Assembly) -> set[tuple]:
    checks = reconcile({k: t.data for k, t in asm.tables.items()}, asm.figures)
    return {(c.rule, c.row, c.column, c.status) for c in checks}


def _figure_matches(gold, pred) -> int:
    used: set[int] = set()
    tp = 0
    for g in gold:
        for k, p in enumerate(pred):
            if k in used or p.end <= g.start or g.end <= p.start:
                continue
            if (p.value, p.unit, p.approximate) == (g.value, g.unit, g.approximate):
                used.add(k)
                tp += 1
                break
    return tp


def pipeline_scores(records: Sequence[Record], predicted: Sequence[Sequence[Entity]]) -> dict[str, Any]:
    """Scores of predicted entities (normalised offsets, one list per record) against gold spans."""
    cells_ok = cells_total = 0
    tpl_ok = tpl_total = 0
    sec = [0, 0, 0]
    fig = [0, 0, 0]
    year_ok = organ_ok = 0
    chk_ok = chk_total = 0
    per_record = []
    for rec, ents in zip(records, predicted):
        norm = normalise(rec.text, name=rec.id)
        gold = assemble(norm, entities_from_source_spans(norm, rec.spans))
        pred = assemble(norm, list(ents))
        gc, pc = _cells(gold), _cells(pred)
        ok = sum(1 for k, v in gc.items() if k in pc and pc[k] == v)
        cells_ok += ok
        cells_total += len(gc)
        for t, a in gold.tables.items():
            tpl_total += 1
            tpl_ok += int(t in pred.tables and pred.tables[t].data.template == a.data.template)
        gs = {(s.key, s.title) for s in gold.sections}
        ps = {(s.key, s.title) for s in pred.sections}
        sec[0] += len(gs & ps)
        sec[1] += len(ps)
        sec[2] += len(gs)
        fig[0] += _figure_matches(gold.figures, pred.figures)
        fig[1] += len(pred.figures)
        fig[2] += len(gold.figures)
        year_ok += int(gold.year == pred.year)
        organ_ok += int(gold.organ == pred.organ)
        gk, pk = _checks(gold), _checks(pred)
        chk_ok += len(gk & pk)
        chk_total += len(gk)
        per_record.append({"id": rec.id, "cells": len(gc), "cells_wrong": len(gc) - ok,
                           "wrong": sorted(f"{t}.{r}.{f}" for (t, r, f), v in gc.items()
                                           if pc.get((t, r, f), "absent") != v)[:20]})
    n = len(records)
    return {
        "cell_accuracy": cells_ok / cells_total if cells_total else None,
        "cells": cells_total,
        "template_accuracy": tpl_ok / tpl_total if tpl_total else None,
        "sections": _prf(*sec),
        "figures": _prf(*fig),
        "year_accuracy": year_ok / n if n else None,
        "organ_accuracy": organ_ok / n if n else None,
        "check_agreement": chk_ok / chk_total if chk_total else None,
        "records": per_record,
    }
