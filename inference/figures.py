"""FIG_METRIC / FIG_VALUE / FIG_UNIT entities → figures (metric, value, unit, approximate).

Each FIG_VALUE makes one figure. Its unit is a FIG_UNIT that follows it at once; its metric
is the nearest FIG_METRIC before it in the same clause (``人事信息16条``), else the one right
after its unit (``受理3件政协委员提案``). A metric is shared only when no other value sits
between (``其中:人事信息16条、政府文件60条`` gives two figures with their own metrics).
"""

from __future__ import annotations

from dataclasses import dataclass

from .entities import Entity
from .numbers import NumberError, read_number

#: Characters that end the clause a metric and its number must share.
_CLAUSE_END = set("。;;!?\n")
#: How far (in characters) a metric may sit from its number.
_MAX_GAP = 16
#: How far a unit may sit after its number (a space or an 余 between is common).
_MAX_UNIT_GAP = 2


@dataclass(frozen=True)
class FigureHit:
    metric: str | None
    value: int | float
    unit: str | None
    approximate: bool
    start: int  # normalised offsets of the whole figure (metric … unit)
    end: int
    score: float


def _clause_between(text: str, a: int, b: int) -> bool:
    return a <= b and not any(ch in _CLAUSE_END for ch in text[a:b])


def assemble_figures(text: str, entities: list[Entity]) -> list[FigureHit]:
    figs = [e for e in entities if e.label.startswith("FIG_")]
    values = [i for i, e in enumerate(figs) if e.label == "FIG_VALUE"]
    used_metrics: set[int] = set()
    out: list[FigureHit] = []
    for n, i in enumerate(values):
        v = figs[i]
        unit = None
        if i + 1 < len(figs) and figs[i + 1].label == "FIG_UNIT" and 0 <= figs[i + 1].start - v.end <= _MAX_UNIT_GAP:
            unit = figs[i + 1]
        prev_value_end = figs[values[n - 1]].end if n else -1
        next_value_start = figs[values[n + 1]].start if n + 1 < len(values) else len(text)
        metric = None
        for j in range(i - 1, -1, -1):
            e = figs[j]
            if e.label == "FIG_VALUE" or e.end <= prev_value_end:
                break
            if e.label == "FIG_METRIC" and j not in used_metrics and v.start - e.end <= _MAX_GAP \
                    and _clause_between(text, e.end, v.start):
                metric = (j, e)
                break
        if metric is None:
            after = (unit or v).end
            for j in range(i + 1, len(figs)):
                e = figs[j]
                if e.label == "FIG_VALUE" or e.start >= next_value_start:
                    break
                if e.label == "FIG_METRIC" and j not in used_metrics and e.start - after <= _MAX_GAP \
                        and _clause_between(text, after, e.start):
                    metric = (j, e)
                    break
        try:
            reading = read_number(v.text + (unit.text if unit else ""))
        except NumberError:
            try:
                reading = read_number(v.text)
            except NumberError:
                continue
        if reading.value is None:
            continue
        parts = [v] + ([unit] if unit else []) + ([metric[1]] if metric else [])
        if metric:
            used_metrics.add(metric[0])
        out.append(FigureHit(
            metric=metric[1].text if metric else None,
            value=reading.value,
            unit=unit.text if unit else reading.unit,
            approximate=reading.approximate,
            start=min(p.start for p in parts),
            end=max(p.end for p in parts),
            score=min(p.score for p in parts),
        ))
    return out
