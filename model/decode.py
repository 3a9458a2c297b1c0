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

from functools import lru_cache

import numpy as np

_NEG = -1e9
#: Above this probability of ``O`` a character is taken as a boundary between stretches.
SURE_OUTSIDE = 0.995


@lru_cache(maxsize=8)
def _constraints(tags: tuple[str, ...]) -> tuple[np.ndarray, np.ndarray]:
    """Transition penalties (previous × current) and start penalties for IOB2."""
    n = len(tags)
    trans = np.zeros((n, n), dtype=np.float32)
    start = np.zeros(n, dtype=np.float32)
    for j, cur in enumerate(tags):
        if cur.startswith("I-"):
            start[j] = _NEG
            for i, prev in enumerate(tags):
                if prev[2:] != cur[2:] or prev == "O":
                    trans[i, j] = _NEG
    return trans, start


def _viterbi(logp: np.ndarray, trans: np.ndarray, start: np.ndarray) -> np.ndarray:
    n = logp.shape[0]
    back = np.empty((n, logp.shape[1]), dtype=np.int16)
    score = logp[0] + start
    for i in range(1, n):
        cand = score[:, None] + trans
        back[i] = cand.argmax(0)
        score = cand[back[i], np.arange(cand.shape[1])] + logp[i]
    path = np.empty(n, dtype=np.int64)
    path[-1] = int(score.argmax())
    for i in range(n - 1, 0, -1):
        path[i - 1] = back[i, path[i]]
    return path


def viterbi_iob2(logp: np.ndarray, tags: tuple[str, ...] | list[str]) -> np.ndarray:
    """The most probable well-formed IOB2 tag ids for ``logp`` (characters × tags, log-probs)."""
    tags = tuple(tags)
    n = logp.shape[0]
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    out = logp.argmax(1)
    o = tags.index("O")
    trans, start = _constraints(tags)
    sure = np.exp(logp[:, o]) >= SURE_OUTSIDE
    # Stretches between characters sure to be outside: decode each on its own.
    k = 0
    while k < n:
        if sure[k]:
            out[k] = o
            k += 1
            continue
        end = k
        while end < n and not sure[end]:
            end += 1
        out[k:end] = _viterbi(logp[k:end], trans, start)
        k = end
    return out
