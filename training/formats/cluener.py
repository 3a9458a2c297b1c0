"""CLUENER JSONL: ``{"text", "label": {"TYPE": {"entity text": [[start, end_inclusive], ...]}}}``.

The end offset is *inclusive* in this format; we convert. The entity text key is the
span's own copy of its text, so every offset is checked against it (and UTF-16 offsets
repaired when it proves them). ``"id"`` and a ``"meta"`` object are kept when present;
a record without an id gets ``<file stem>-<line>``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path

from ..corpus import Record
from .doccano import json_rows
from .importers import Candidate, Importer, ImportResult


def to_cluener(records: list[Record], out: Path) -> list[Path]:
    with out.open("w", encoding="utf-8") as fh:
        for r in records:
            label: dict[str, dict[str, list[list[int]]]] = {}
            for s in r.spans:
                label.setdefault(s.label, {}).setdefault(r.span_text(s), []).append([s.start, s.end - 1])
            row = {"id": r.id, "text": r.text, "label": label}
            if r.meta:
                row["meta"] = r.meta
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")
    return [out]


def from_cluener(path: Path, label_map: Mapping[str, str] | None = None) -> ImportResult:
    imp = Importer(path, label_map)
    for n, (line, row) in enumerate(json_rows(path, "CLUENER"), 1):
        if not isinstance(row, dict) or not isinstance(row.get("label", {}), dict):
            imp.reject_record("not a CLUENER object with a 'label' mapping", line=line)
            continue
        rid = row.get("id", f"{path.stem}-{line or n}")
        candidates = []
        for kind, entities in (row.get("label") or {}).items():
            if not isinstance(entities, dict):
                imp.problem(
                    "error",
                    "label",
                    f"{kind}: {entities!r} is not {{entity text: positions}}; rejected",
                    line=line,
                    rid=str(rid),
                )
                continue
            for entity, positions in entities.items():
                for pos in positions if isinstance(positions, list) else [positions]:
                    if isinstance(pos, list) and len(pos) == 2:
                        end = pos[1] + 1 if isinstance(pos[1], int) else pos[1]
                        candidates.append(Candidate(pos[0], end, kind, entity))
                    else:
                        imp.problem(
                            "error",
                            "offsets",
                            f"position {pos!r} of {kind} {entity!r} is not [start, end_inclusive]; rejected",
                            line=line,
                            rid=str(rid),
                        )
        meta = row.get("meta")
        imp.add(rid, row.get("text"), candidates, meta=meta, line=line)
    return imp.result()
