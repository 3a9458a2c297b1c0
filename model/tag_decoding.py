"""Decoding per-character tag probabilities into well-formed IOB2 tags.

Taking each character's most probable tag independently leaves fragments (``B-SECTION
I-SECTION O I-SECTION``) that strict entity matching rejects. A Viterbi pass over the
tag log-probabilities, allowing ``I-X`` only after ``B-X`` or ``I-X``, finds the most probable
*well-formed* sequence instead. Characters the model is sure are outside any entity split
the text into independent stretches, so the sequential pass only runs where it matters.

>>> import numpy as np
>>> tags = ["O", "B-A", "I-A"]
>>> p = np.log(np.array([[.1, .8, .1], [.6, .0, .4], [.1, .0, .9]]) + 1e-9)
>>> [tags[i] for i in p.argmax(1)], [tags[i] for i in viterbi_iob2(p, tags)]
(['B-A', 'O', 'I-A'], ['B-A', 'I-A', 'I-A'])
"""

from __future__ import annotations

import re
from functools import lru_cache

import numpy as np

_NEG = -1e9
#: Above this probability of ``O`` a character is taken as a boundary between stretches.
SURE_OUTSIDE = 0.995


@lru_cache(maxsize=8)
def _structure(tags: tuple[str, ...]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """IOB2 as index arrays: the tags that may follow anything (``O`` and ``B-X``), and for each
    ``I-X`` the ``B-X`` and ``I-X`` it may follow (``I-X`` may follow nothing else, nor start)."""
    free = np.array([j for j, t in enumerate(tags) if not t.startswith("I-")])
    inside = np.array([j for j, t in enumerate(tags) if t.startswith("I-")], dtype=np.int64)
    begin = np.array([tags.index("B-" + tags[j][2:]) for j in inside], dtype=np.int64)
    return free, inside, begin


def _stretches(sure: np.ndarray) -> list[tuple[int, int]]:
    """The runs of characters not ``sure`` to be outside, as ``(start, end)``."""
    unsure = np.concatenate([[False], ~sure, [False]])
    edges = np.flatnonzero(unsure[1:] != unsure[:-1])
    return list(zip(edges[::2].tolist(), edges[1::2].tolist()))


def _viterbi_many(rows: np.ndarray, starts: np.ndarray, lengths: np.ndarray, tags: tuple[str, ...]) -> np.ndarray:
    """Best IOB2 paths of many stretches at once: stretch ``s`` is ``rows[starts[s]:starts[s] +
    lengths[s]]``, lengths sorted longest first, so the stretches still running at step ``i``
    are a prefix. One numpy step per position of the longest stretch, not per character."""
    free, inside, begin = _structure(tags)
    back = np.zeros(rows.shape, dtype=np.int8)
    running = np.searchsorted(-lengths, -np.arange(int(lengths[0]) + 1), side="left")  # #(lengths > i)
    score = rows[starts].copy()
    score[:, inside] = _NEG  # no stretch starts inside an entity
    final = np.empty_like(score)
    for i in range(1, int(lengths[0])):
        k = running[i]
        final[k : running[i - 1]] = score[k : running[i - 1]]  # stretches that ended at i - 1
        score = score[:k]
        best = score.argmax(1)
        from_b, from_i = score[:, begin], score[:, inside]
        stay = from_i > from_b  # a tie goes to B-X, the lower index, as a full argmax would
        new = np.empty_like(score)
        new[:, free] = score[np.arange(k), best][:, None]
        new[:, inside] = np.where(stay, from_i, from_b)
        at = starts[:k] + i
        new += rows[at]
        back[at[:, None], free] = best[:, None]
        back[at[:, None], inside] = np.where(stay, inside, begin)
        score = new
    final[: running[int(lengths[0]) - 1]] = score
    path = np.zeros(rows.shape[0], dtype=np.int64)
    cur = final.argmax(1)
    for i in range(int(lengths[0]) - 1, -1, -1):
        k = running[i]
        ends_here = lengths[:k] - 1 == i
        at = starts[:k] + i
        if i + 1 < lengths[0]:
            prev = back[np.minimum(at + 1, rows.shape[0] - 1), cur[:k]]
            cur[:k] = np.where(ends_here, cur[:k], prev)
        path[at] = cur[:k]
    return path


def join_unbroken(logp: np.ndarray, tags: tuple[str, ...], unbroken: tuple[str, ...]) -> np.ndarray:
    """For each label in ``unbroken``, add ``B-X``'s probability to ``I-X``'s: a ``B-X`` right
    after an ``X`` entity then scores as its continuation, never as a second entity.

    >>> tags = ("O", "B-A", "I-A")
    >>> p = np.log(np.array([[.1, .8, .1], [.0, .6, .4]]) + 1e-9)
    >>> [tags[i] for i in viterbi_iob2(p, tags)], [tags[i] for i in viterbi_iob2(join_unbroken(p, tags, ("A",)), tags)]
    (['B-A', 'B-A'], ['B-A', 'I-A'])
    """
    if not unbroken or not len(logp):
        return logp
    logp = logp.copy()
    for label in unbroken:
        b, i = tags.index("B-" + label), tags.index("I-" + label)
        logp[:, i] = np.logaddexp(logp[:, i], logp[:, b])
    return logp


def drop_unattached(
    ids: np.ndarray,
    text: str,
    tags: tuple[str, ...],
    metric: str,
    figure: tuple[str, ...],
    after: int,
    before: int,
    breaks: frozenset[str],
    shortest: int = 1,
    clause: int = 0,
) -> np.ndarray:
    """``O`` for every ``metric`` entity with no ``figure`` entity in reach in its clause: none
    starting within ``after`` characters after it, none ending within ``before`` characters
    before it — or within ``clause`` characters when a relative clause ending in ``的`` stands
    between (``注销[1][家]维护更新不及时的[政务新媒体]``) — and no character of ``breaks`` in
    between. A metric names what a number counts; with no number in reach it is a list of
    topics, not a figure. A metric shorter than ``shortest`` characters (a stray ``[在]``,
    ``[收]``) goes too.

    >>> tags = ("O", "B-M", "I-M", "B-V", "I-V")
    >>> ids = np.array([1, 2, 0, 3, 0, 0, 1, 2, 0, 1, 2])     # [收到]共[9]件,[公开]、[救灾]
    >>> [tags[i] for i in drop_unattached(ids, "收到共9件,公开、救灾", tags, "M", ("V",), 3, 1, frozenset(","))]
    ['B-M', 'I-M', 'O', 'B-V', 'O', 'O', 'O', 'O', 'O', 'O', 'O']
    """
    if metric not in {t[2:] for t in tags}:
        return ids
    starts, inside = _figure_tags(tags, figure)
    ids, n = ids.copy(), len(ids)
    for i, end in _entities(ids, tags, metric):
        ahead = _reaches(ids, text, range(end, min(n, end + after + 1)), starts, breaks)
        behind = _behind(ids, text, i, inside, breaks, before, clause)
        if end - i < shortest or not (ahead or behind):
            ids[i:end] = tags.index("O")
    return ids


def drop_second_metric(
    ids: np.ndarray,
    text: str,
    tags: tuple[str, ...],
    metric: str,
    figure: tuple[str, ...],
    after: int,
    before: int,
    breaks: frozenset[str],
    shortest: int = 1,
    clause: int = 0,
) -> np.ndarray:
    """``O`` for a ``metric`` entity before a figure whose own metric follows it: a figure counts
    one thing, so in ``设有[政务公开、办事服务、招商引资]6个[一级栏目]`` the listed items name the
    栏目, they are not a second metric. Only a metric that follows the number right away (or after
    ``的``) and has no number of its own in reach counts as the figure's; a metric that itself
    follows a figure (``13个[专题专栏]13个[专题专栏]``, a shared stretch) is kept.

    >>> tags = ("O", "B-M", "I-M", "B-V", "I-V", "B-U", "I-U")
    >>> ids = np.array([1, 2, 3, 5, 1, 2, 0])                # [甲乙][6][个][栏目],
    >>> [tags[i] for i in drop_second_metric(ids, "甲乙6个栏目,", tags, "M", ("V", "U"), 3, 1, frozenset(","))]
    ['O', 'O', 'B-V', 'B-U', 'B-M', 'I-M', 'O']
    """
    if metric not in {t[2:] for t in tags}:
        return ids
    starts, inside = _figure_tags(tags, figure)
    b_metric = tags.index("B-" + metric)
    ids, n = ids.copy(), len(ids)
    metrics = dict(_entities(ids, tags, metric))  # start -> end
    for i, end in metrics.items():
        if i and (ids[i - 1] in inside or (text[i - 1] == "的" and i > 1 and ids[i - 2] in inside)):
            continue  # this metric follows a figure: it is that figure's own
        v = next(
            (
                j
                for j in range(end, min(n, end + after + 1))
                if ids[j] in inside or ids[j] == b_metric or text[j] in breaks
            ),
            None,
        )
        if v is None or ids[v] not in starts:
            continue
        e = v + 1  # past this figure (value and unit, not a next value), and a 的
        while e < n and ids[e] in inside and ids[e] != ids[v]:
            e += 1
        e += e < n and text[e] == "的"
        if e not in metrics:
            continue
        own = metrics[e]
        if not _reaches(ids, text, range(own, min(n, own + after + 1)), starts, breaks):
            ids[i:end] = tags.index("O")
    return ids


def drop_misshapen(ids: np.ndarray, text: str, tags: tuple[str, ...], shapes: dict[str, str]) -> np.ndarray:
    """``O`` for every entity of a label in ``shapes`` whose text does not start as the pattern
    says: a section heading always starts with its number (``一、``), so ``[二]``, ``[十大和]`` of
    ``党的二十大`` are fragments, not headings.

    >>> tags = ("O", "B-S", "I-S")
    >>> ids = np.array([1, 2, 2, 2, 0, 1, 2])                # [一、总则] [十大]
    >>> [tags[i] for i in drop_misshapen(ids, "一、总则 十大", tags, {"S": "[一二十]+、"})]
    ['B-S', 'I-S', 'I-S', 'I-S', 'O', 'O', 'O']
    """
    ids = ids.copy()
    for label, pattern in shapes.items():
        shape = re.compile(pattern)
        for start, end in _entities(ids, tags, label):
            if not shape.match(text, start, end):
                ids[start:end] = tags.index("O")
    return ids


def drop_bare_values(
    ids: np.ndarray,
    text: str,
    tags: tuple[str, ...],
    metric: str,
    figure: tuple[str, ...],
    after: int,
    before: int,
    breaks: frozenset[str],
    shortest: int = 1,
    clause: int = 0,
) -> np.ndarray:
    """``O`` for a value (``figure[0]``) with neither its unit (``figure[1]``) right after it nor a
    ``metric`` in reach: a number that counts nothing is a paragraph's number (``[1].全力加强…``)
    or a date, not a figure. The reach is the metric's (``after`` characters from the metric's
    end to the value, ``before`` from the figure's end to the metric), with no ``breaks`` between.

    >>> tags = ("O", "B-M", "I-M", "B-V", "I-V", "B-U", "I-U")
    >>> ids = np.array([3, 0, 0, 0, 1, 2, 3, 4, 0, 3, 5])     # [1].加强[收到][12],[3][项]
    >>> [tags[i] for i in drop_bare_values(ids, "1.加强收到12,3项", tags, "M", ("V", "U"), 3, 1, frozenset(","))]
    ['O', 'O', 'O', 'O', 'B-M', 'I-M', 'B-V', 'I-V', 'O', 'B-V', 'B-U']
    """
    value, unit = figure[0], figure[1]
    if metric not in {t[2:] for t in tags}:
        return ids
    m_start, m_any = tags.index("B-" + metric), {tags.index("B-" + metric), tags.index("I-" + metric)}
    u_start = tags.index("B-" + unit)
    ids, n = ids.copy(), len(ids)
    for i, end in _entities(ids, tags, value):
        if end < n and ids[end] == u_start:
            continue
        if _reaches(ids, text, range(i - 1, max(-1, i - after - 2), -1), m_any, breaks) or _reaches(
            ids, text, range(end, min(n, end + before + 1)), {m_start}, breaks
        ):
            continue
        ids[i:end] = tags.index("O")
    return ids


def split_shared(
    ids: np.ndarray,
    logp: np.ndarray,
    text: str,
    tags: tuple[str, ...],
    metric: str,
    figure: tuple[str, ...],
    after: int,
    before: int,
    breaks: frozenset[str],
    shortest: int = 2,
    clause: int = 0,
) -> np.ndarray:
    """Cut a ``metric`` entity in two where two figures share a stretch: the entity has a
    ``figure`` right before it (``5项``) and one in reach after it (``5项``), and the model
    (``logp``, before :func:`join_unbroken`) prefers ``B-`` to ``I-`` at a character that leaves
    each part ``shortest`` (at least two) characters or more: ``5项[依申请类政务服务事项][进驻]5项``.
    Each part then has its own number; a metric with no number right before it is never cut
    (``行|政规范性文件``).

    >>> tags = ("O", "B-M", "I-M", "B-V", "I-V")
    >>> p = np.full((7, 5), np.log(.01)); p[[1, 2, 4], 2] = np.log(.9); p[3, 1] = np.log(.9)
    >>> ids = np.array([3, 1, 2, 2, 2, 3, 0])               # 5[依申进驻]5件 joined
    >>> [tags[i] for i in split_shared(ids, p, "5依申进驻5件", tags, "M", ("V",), 3, 1, frozenset())]
    ['B-V', 'B-M', 'I-M', 'B-M', 'I-M', 'B-V', 'O']
    """
    if metric not in {t[2:] for t in tags}:
        return ids
    b_metric, i_metric = tags.index("B-" + metric), tags.index("I-" + metric)
    starts, inside = _figure_tags(tags, figure)
    ids, n = ids.copy(), len(ids)
    least = max(2, shortest)
    for i, end in _entities(ids, tags, metric):
        if (
            end - i >= 2 * least
            and i
            and ids[i - 1] in inside
            and _reaches(ids, text, range(end, min(n, end + after + 1)), starts, breaks)
        ):
            margin = logp[i + least : end - least + 1, b_metric] - logp[i + least : end - least + 1, i_metric]
            if len(margin) and margin.max() > 0:
                ids[i + least + int(margin.argmax())] = b_metric
    return ids


def _entities(ids: np.ndarray, tags: tuple[str, ...], label: str) -> list[tuple[int, int]]:
    """``(start, end)`` of every ``label`` entity in well-formed IOB2 ``ids``."""
    b_tag, i_tag = tags.index("B-" + label), tags.index("I-" + label)
    out = []
    for start in np.flatnonzero(ids == b_tag).tolist():
        end = start + 1
        while end < len(ids) and ids[end] == i_tag:
            end += 1
        out.append((start, end))
    return out


def _figure_tags(tags: tuple[str, ...], figure: tuple[str, ...]) -> tuple[set[int], set[int]]:
    """The tag ids that start a ``figure`` entity, and those anywhere in one."""
    starts = {tags.index("B-" + f) for f in figure}
    return starts, starts | {tags.index("I-" + f) for f in figure}


def _behind(
    ids: np.ndarray, text: str, i: int, targets: set[int], breaks: frozenset[str], before: int, clause: int
) -> bool:
    """Whether a tag in ``targets`` ends within ``before`` characters before ``i``, or within
    ``clause`` when the character before ``i`` is the ``的`` that closes a relative clause."""
    if _reaches(ids, text, range(i - 1, max(-1, i - before - 2), -1), targets, breaks):
        return True
    return (
        clause > 0
        and i > 1
        and text[i - 1] == "的"
        and _reaches(ids, text, range(i - 2, max(-1, i - clause - 2), -1), targets, breaks)
    )


def _reaches(ids: np.ndarray, text: str, positions: range, targets: set[int], breaks: frozenset[str]) -> bool:
    """Whether walking ``positions`` meets a tag in ``targets`` before a character in ``breaks``."""
    for j in positions:
        if text[j] in breaks:
            return False
        if ids[j] in targets:
            return True
    return False


def viterbi_iob2_many(logps: list[np.ndarray], tags: tuple[str, ...] | list[str]) -> list[np.ndarray]:
    """:func:`viterbi_iob2` of several texts, decoded together (much faster than one by one)."""
    tags = tuple(tags)
    o = tags.index("O")
    outs = [lp.argmax(1) if len(lp) else np.zeros(0, dtype=np.int64) for lp in logps]
    jobs = []  # (text, start, end) of every stretch
    for t, lp in enumerate(logps):
        if len(lp):
            sure = np.exp(lp[:, o]) >= SURE_OUTSIDE
            outs[t][sure] = o
            jobs += [(t, a, b) for a, b in _stretches(sure)]
    if not jobs:
        return outs
    jobs.sort(key=lambda j: j[1] - j[2])
    rows = np.concatenate([logps[t][a:b] for t, a, b in jobs])
    lengths = np.array([b - a for _, a, b in jobs])
    starts = np.concatenate([[0], np.cumsum(lengths)[:-1]])
    path = _viterbi_many(rows, starts, lengths, tags)
    for (t, a, b), s in zip(jobs, starts.tolist()):
        outs[t][a:b] = path[s : s + b - a]
    return outs


def viterbi_iob2(logp: np.ndarray, tags: tuple[str, ...] | list[str]) -> np.ndarray:
    """The most probable well-formed IOB2 tag ids for ``logp`` (characters × tags, log-probs)."""
    return viterbi_iob2_many([logp], tags)[0]
