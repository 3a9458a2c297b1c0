"""FIG_METRIC / FIG_VALUE / FIG_UNIT entities → figures (metric, value, unit, approximate).

Each FIG_VALUE makes one figure. Its unit is a FIG_UNIT that follows it at once; its metric
is the nearest FIG_METRIC before it in the same clause (``人事信息16条``), else the one right
after its unit (``受理3件政协委员提案``). A metric is shared only when no other value sits
between (``其中:人事信息16条、政府文件60条`` gives two figures with their own metrics), and a
rate (``进驻率``) only takes a percentage.
"""

from __future__ import annotations

from dataclasses import dataclass

from gongkai.model.labels import Label
from gongkai.model.template import (
    APPROX_AFTER,
    APPROX_BEFORE,
    MAGNITUDES,
    MEASURE_WORDS,
    NOT_MEASURE_WORDS,
    RATE_UNITS,
    SENTENCE_ENDS,
    is_rate,
)

from .entities import Entity
from .numbers import NumberError, read_number

#: A metric and its number share a sentence (commas may stand between: ``其中:人事信息16条``).
_CLAUSE_END = frozenset(SENTENCE_ENDS)
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


_DIGITS = "0123456789"
#: Money units that start with a magnitude (``万元``): there the magnitude is the unit's.
_MONEY_UNITS = tuple(w for w in MEASURE_WORDS if w[0] in MAGNITUDES)
#: Approximation words printed after a figure's unit (``100件以上``, ``300人左右``).
_APPROX_TAIL = tuple(w for w in APPROX_AFTER if len(w) > 1)


def _fits(metric: Entity, unit: Entity | None) -> bool:
    """A rate (``进驻率``) is a percentage: it never names a count like ``5项``.

    >>> _fits(Entity("FIG_METRIC", 0, 3, "进驻率"), Entity("FIG_UNIT", 4, 5, "项"))
    False
    """
    return not is_rate(metric.text) or unit is None or unit.text in RATE_UNITS


def _free(taken: list[tuple[int, int]], a: int, b: int) -> bool:
    return not any(x < b and a < y for x, y in taken)


def whole_values(text: str, entities: list[Entity]) -> list[Entity]:
    """The FIG_ entities with each value made a whole printed number and its unit read.

    A FIG_VALUE is widened over the untagged digits beside it (a number is never printed
    glued to another, so ``8`` + ``15`` and ``3844`` + ``1`` are one value), over a magnitude
    that belongs to it (``66万``, but not the 万 of ``万元``) and over its approximation
    markers (``近``, ``超过``, ``余``, ``多``); pieces that then touch are joined. An untagged
    number right before a tagged unit is a value too. When a measure word of
    :data:`MEASURE_WORDS` follows the value, it is the unit (replacing a unit tag that
    covers only part of it, or standing in for a missing one).

    >>> t = "新增主动公开信息815条,服务66万余人次"
    >>> v = [Entity("FIG_VALUE", 8, 9, "8"), Entity("FIG_VALUE", 9, 11, "15"),
    ...      Entity("FIG_VALUE", 15, 17, "66"), Entity("FIG_UNIT", 17, 18, "万"), Entity("FIG_UNIT", 20, 21, "次")]
    >>> [(e.label, e.text) for e in whole_values(t, v)]
    [('FIG_VALUE', '815'), ('FIG_UNIT', '条'), ('FIG_VALUE', '66万余'), ('FIG_UNIT', '人次')]
    """
    ordered = sorted(entities, key=lambda e: (e.start, e.end))
    others = [(e.start, e.end) for e in ordered if e.label != Label.FIG_VALUE and e.label != Label.FIG_UNIT]
    values = sorted(
        [e for e in ordered if e.label == Label.FIG_VALUE] + _values_before_units(text, ordered),
        key=lambda e: (e.start, e.end),
    )
    taken = others + [(e.start, e.end) for e in values]
    widened: list[Entity] = []
    for e in values:
        a, b = _widen(text, e, others, taken)
        score = e.score
        if widened and a <= widened[-1].end:  # touching pieces of one number
            p = widened.pop()
            a, b, score = p.start, max(b, p.end), min(p.score, score)
        widened.append(Entity(Label.FIG_VALUE, a, b, text[a:b], score))
    units = _units(text, ordered, widened, others)
    rest = [e for e in ordered if e.label == Label.FIG_METRIC]
    return sorted(widened + units + rest, key=lambda e: (e.start, e.end))


def _values_before_units(text: str, ordered: list[Entity]) -> list[Entity]:
    """An untagged number right before a tagged unit: the value the tagger missed (not after 第,
    which makes it an ordinal: 第1条)."""
    everything = [(e.start, e.end) for e in ordered]
    found = []
    for u in ordered:
        k = u.start
        if u.label == Label.FIG_UNIT and k > 0 and text[k - 1] in _DIGITS and _free(everything, k - 1, k):
            j = k - 1
            while j > 0 and text[j - 1] in _DIGITS:
                j -= 1
            if text[j - 1 : j] != "第":
                found.append(Entity(Label.FIG_VALUE, k - 1, k, text[k - 1], u.score))
    return found


def _widen(text: str, e: Entity, others: list[tuple[int, int]], taken: list[tuple[int, int]]) -> tuple[int, int]:
    """A value's span widened over the untagged digits beside it, a magnitude of its own and its
    approximation markers (``others``: spans of other entities; ``taken``: theirs and the values')."""
    a, b = e.start, e.end
    while a > 0 and text[a - 1] in _DIGITS and _free(others, a - 1, a):
        a -= 1
    word = next((w for w in APPROX_BEFORE if text.endswith(w, 0, a)), "")
    if word and _free(taken, a - len(word), a):
        a -= len(word)
    while (
        b < len(text)
        and (text[b] in _DIGITS or (text[b] in ".," and text[b + 1 : b + 2].isdigit()))
        and _free(others, b, b + 1)
    ):
        b += 1
    if text[b : b + 1] in MAGNITUDES and not text.startswith(_MONEY_UNITS, b) and _free(others, b, b + 1):
        b += 1
    word = next((w for w in APPROX_AFTER if text.startswith(w, b)), "")
    if word and _free(taken if len(word) == 1 else others, b, b + len(word)):
        b += len(word)
    return a, b


def _units(text: str, ordered: list[Entity], values: list[Entity], others: list[tuple[int, int]]) -> list[Entity]:
    """The tagged units outside the values, with the longest measure word printed right after a
    value as its unit (replacing a unit tag that covers part of it, or standing in for none)."""
    spans = [(v.start, v.end) for v in values]
    units = [e for e in ordered if e.label == Label.FIG_UNIT and _free(spans, e.start, e.end)]
    for v in values:
        word = max((w for w in MEASURE_WORDS if text.startswith(w, v.end)), key=len, default=None)
        if word is None or not _free(others, v.end, v.end + len(word)) or text.startswith(NOT_MEASURE_WORDS, v.end):
            continue
        units = [u for u in units if not (u.start < v.end + len(word) and v.end < u.end)]
        units.append(Entity(Label.FIG_UNIT, v.end, v.end + len(word), word, v.score))
    return units


def _metric_before(
    text: str, figs: list[Entity], i: int, unit: Entity | None, used: set[int], prev_value_end: int
) -> tuple[int, Entity] | None:
    """The nearest free metric before value ``figs[i]`` in its sentence, after the previous value."""
    v = figs[i]
    for j in range(i - 1, -1, -1):
        e = figs[j]
        if e.label == Label.FIG_VALUE or e.end <= prev_value_end:
            return None
        if (
            e.label == Label.FIG_METRIC
            and j not in used
            and v.start - e.end <= _MAX_GAP
            and _clause_between(text, e.end, v.start)
            and _fits(e, unit)
        ):
            return j, e
    return None


def _metric_after(
    text: str, figs: list[Entity], i: int, unit: Entity | None, used: set[int], next_value_start: int
) -> tuple[int, Entity] | None:
    """The nearest free metric after value ``figs[i]`` (and its unit) in its sentence, before the next value."""
    after = (unit or figs[i]).end
    for j in range(i + 1, len(figs)):
        e = figs[j]
        if e.label == Label.FIG_VALUE or e.start >= next_value_start:
            return None
        if (
            e.label == Label.FIG_METRIC
            and j not in used
            and e.start - after <= _MAX_GAP
            and _clause_between(text, after, e.start)
            and _fits(e, unit)
        ):
            return j, e
    return None


def assemble_figures(text: str, entities: list[Entity]) -> list[FigureHit]:
    """The narrative figures: each value with its unit, its metric (the nearest before it in its
    sentence, else the nearest after; each metric used once, a rate only for a percentage) and
    the number read."""
    figs = whole_values(text, entities)
    values = [i for i, e in enumerate(figs) if e.label == Label.FIG_VALUE]
    used_metrics: set[int] = set()
    out: list[FigureHit] = []
    for n, i in enumerate(values):
        v = figs[i]
        unit = None
        if (
            i + 1 < len(figs)
            and figs[i + 1].label == Label.FIG_UNIT
            and 0 <= figs[i + 1].start - v.end <= _MAX_UNIT_GAP
        ):
            unit = figs[i + 1]
        prev_value_end = figs[values[n - 1]].end if n else -1
        next_value_start = figs[values[n + 1]].start if n + 1 < len(values) else len(text)
        metric = _metric_before(text, figs, i, unit, used_metrics, prev_value_end) or _metric_after(
            text, figs, i, unit, used_metrics, next_value_start
        )
        # ``100件以上``: an approximation word after the unit belongs to the figure.
        tail_at = (unit or v).end
        tail = next((w for w in _APPROX_TAIL if unit and text.startswith(w, tail_at)), "")
        try:
            reading = read_number(v.text + (unit.text if unit else "") + tail)
        except NumberError:
            try:
                reading = read_number(v.text)
            except NumberError:
                continue
        if reading.value is None:
            continue
        parts = [v] + ([unit] if unit else []) + ([metric[1]] if metric else [])
        if tail:
            parts.append(Entity(Label.FIG_UNIT, tail_at, tail_at + len(tail), tail, v.score))
        if metric:
            used_metrics.add(metric[0])
        out.append(
            FigureHit(
                metric=metric[1].text if metric else None,
                value=reading.value,
                unit=unit.text if unit else reading.unit,
                approximate=reading.approximate,
                start=min(p.start for p in parts),
                end=max(p.end for p in parts),
                score=min(p.score for p in parts),
            )
        )
    return out
