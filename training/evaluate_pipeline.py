"""End-to-end scores: what the tags are worth once assembled and reconciled.

The reference for a record is its hand-written expected tables, sections, year and organ
(``annotations/expected/<id>.json``, the literal reading of the report) when it has one, and
otherwise the pipeline run on its gold spans (for the seeds the two are the same, see
tests/test_gold_tables.py). With expected tables the scores measure the whole pipeline, tagger
and assembler together, against what the report prints:

- ``cell_accuracy``: table cells (blanks included) whose value matches, over the gold cells;
  ``nonblank_accuracy`` and ``blank_accuracy`` split it (a blank is read right when the cell is
  ``null`` or absent); ``decided_accuracy`` leaves out the cells of glued runs whose split the
  report does not decide, where the annotator chose a reading (the expected file's
  ``readings``) and the pipeline rightly leaves the cell null, and ``judged`` counts those
  cells: [read as the annotator chose, null, other]; ``cells_spurious``: values read for cells
  the report does not have;
- ``template_accuracy``: tables whose template version matches; ``tables_spurious``: tables read
  from a report that has none of them (a pre-2019 report's statistics table);
- ``sections``: precision/recall/F1 of (key, title) pairs;
- ``figures``: precision/recall/F1 of (value, unit, approximate) at overlapping offsets;
- ``year`` / ``organ``: share of records where they match;
- ``checks``: share of gold checks whose (rule, row/column, status) the prediction repeats.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from gongkai.inference.assemble import Assembly, assemble
from gongkai.inference.entities import Entity, entities_from_source_spans
from gongkai.inference.normalise import normalise
from gongkai.inference.reconcile import reconcile

from .corpus import Record, read_jsonl


def expected_beside(files: Iterable[Path]) -> dict[str, dict[str, Any]]:
    """The expected tables of the records in annotation ``files``, where they have them: the
    ``expected/<id>.json`` folder beside each file's folder (``annotations/heldout/real-006.jsonl``
    → ``annotations/expected/real-006.json``)."""
    out: dict[str, dict[str, Any]] = {}
    for f in map(Path, files):
        for rec in read_jsonl(f):
            path = f.parent.parent / "expected" / f"{rec.id}.json"
            if path.is_file():
                out[rec.id] = json.loads(path.read_text(encoding="utf-8"))
    return out


def _prf(tp: int, n_pred: int, n_gold: int) -> dict[str, float]:
    p = tp / n_pred if n_pred else 0.0
    r = tp / n_gold if n_gold else 0.0
    return {"precision": p, "recall": r, "f1": 2 * p * r / (p + r) if p + r else 0.0, "support": n_gold}


def _cells(asm: Assembly) -> dict[tuple[str, str, str], Any]:
    return {(t, r, f): c.value for t, a in asm.tables.items() for (r, f), c in a.data.cells.items()}


def _expected_cells(exp: dict[str, Any]) -> dict[tuple[str, str, str], Any]:
    return {
        (t, r, f): v for t, table in exp["tables"].items() for r, row in table["rows"].items() for f, v in row.items()
    }


def _same(a: Any, b: Any) -> bool:
    return a is None and b is None or (a is not None and b is not None and a == b)


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


def _reference(gold: Assembly, exp: dict[str, Any] | None) -> tuple:
    """What a record should read as: ``(cells, templates, sections, year, organ)`` of its expected
    tables where it has them, else of the pipeline run on its gold spans."""
    if exp is not None:
        return (
            _expected_cells(exp),
            {t: table.get("template") for t, table in exp["tables"].items()},
            {(s["key"], s["title"]) for s in exp["sections"]},
            exp["year"],
            exp["organ"],
        )
    return (
        _cells(gold),
        {t: a.data.template for t, a in gold.tables.items()},
        {(s.key, s.title) for s in gold.sections},
        gold.year,
        gold.organ,
    )


def pipeline_scores(
    records: Sequence[Record],
    predicted: Sequence[Sequence[Entity]],
    expected: Mapping[str, dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """Scores of predicted entities (normalised offsets, one list per record) against the
    records' expected tables (``expected``: record id → SCHEMA-form dict) where given, else
    against the pipeline run on their gold spans."""
    expected = expected or {}
    cells_ok = cells_total = 0
    blank = [0, 0]
    nonblank = [0, 0]
    decided = [0, 0]
    judged = [0, 0, 0]
    spurious_cells = spurious_tables = 0
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
        exp = expected.get(rec.id)
        pc = _cells(pred)
        gc, templates, gs, year, organ = _reference(gold, exp)
        right = {k for k, v in gc.items() if _same(pc.get(k), v)}
        cells_ok += len(right)
        cells_total += len(gc)
        chosen = {tuple(c.split(".")) for r in (exp or {}).get("readings", []) for c in r["cells"]}
        for k, v in gc.items():
            counter = blank if v is None else nonblank
            counter[0] += k in right
            counter[1] += 1
            if k in chosen:
                judged[0 if k in right else 1 if pc.get(k) is None else 2] += 1
            else:
                decided[0] += k in right
                decided[1] += 1
        spurious_cells += sum(1 for k, v in pc.items() if k not in gc and v is not None)
        spurious_tables += sum(1 for t in pred.tables if t not in templates)
        for t, version in templates.items():
            tpl_total += 1
            tpl_ok += int(t in pred.tables and (version is None or pred.tables[t].data.template == version))
        ps = {(s.key, s.title) for s in pred.sections}
        sec[0] += len(gs & ps)
        sec[1] += len(ps)
        sec[2] += len(gs)
        fig[0] += _figure_matches(gold.figures, pred.figures)
        fig[1] += len(pred.figures)
        fig[2] += len(gold.figures)
        year_ok += int(year == pred.year)
        organ_ok += int(organ == pred.organ)
        gk, pk = _checks(gold), _checks(pred)
        chk_ok += len(gk & pk)
        chk_total += len(gk)
        per_record.append(
            {
                "id": rec.id,
                "cells": len(gc),
                "cells_wrong": len(gc) - len(right),
                "reference": "expected" if exp is not None else "gold spans",
                "wrong": sorted(f"{t}.{r}.{f}" for (t, r, f) in gc if (t, r, f) not in right)[:20],
            }
        )
    n = len(records)
    return {
        "cell_accuracy": cells_ok / cells_total if cells_total else None,
        "cells": cells_total,
        "nonblank_accuracy": nonblank[0] / nonblank[1] if nonblank[1] else None,
        "blank_accuracy": blank[0] / blank[1] if blank[1] else None,
        "blank_cells": blank[1],
        "decided_accuracy": decided[0] / decided[1] if decided[1] else None,
        "judged": judged,
        "counts": {
            "cells": [cells_ok, cells_total],
            "nonblank": nonblank,
            "blank": blank,
            "decided": decided,
            "sections": sec,
            "figures": fig,
        },
        "cells_spurious": spurious_cells,
        "tables_spurious": spurious_tables,
        "template_accuracy": tpl_ok / tpl_total if tpl_total else None,
        "sections": _prf(*sec),
        "figures": _prf(*fig),
        "year_accuracy": year_ok / n if n else None,
        "organ_accuracy": organ_ok / n if n else None,
        "check_agreement": chk_ok / chk_total if chk_total else None,
        "records": per_record,
    }
