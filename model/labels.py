"""The label set: one source of truth, saved with every model.

Entities are tagged per character in IOB2 (``B-X`` opens an entity, ``I-X`` continues
it, ``O`` is outside). IOB2 rather than BIOES because seqeval's strict IOB2 mode is the
standard evaluation and adjacent entities of one type (two cells in a glued row, two
column headers on one line) stay separable by their ``B-``. The guideline,
``annotations/GUIDELINE.md``, says what each label covers.

>>> LABELS[:3]
('SECTION', 'SUBSECTION', 'TABLE_TITLE')
>>> TAGS[:3]
('O', 'B-SECTION', 'I-SECTION')
>>> tag_to_id("B-CELL") == TAGS.index("B-CELL")
True
"""

from __future__ import annotations

#: Entity labels, in the order their tags get ids. Append new labels at the end:
#: a model saved with the old order must keep meaning what it meant.
LABELS: tuple[str, ...] = (
    "SECTION",      # a section heading: 一、总体情况 (number and title)
    "SUBSECTION",   # a subsection heading: (一)强化主动公开
    "TABLE_TITLE",  # the article a table-2 block is under: 第二十条第(一)项
    "COL_HEADER",   # a column-header cell, group headers and the corner note included
    "ROW_LABEL",    # a row label, group labels (三、本年度办理结果, (三)不予公开) included
    "CELL",         # a table cell's printed value, padding outside: 0, 0项, 16491.8万元, -12, 00
    "BLANK",        # the separator that stands for an empty cell (not padding like ||||)
    "FIG_METRIC",   # what a narrative figure counts: 新增主动公开信息
    "FIG_VALUE",    # its number, approximate marker included: 815, 14000余
    "FIG_UNIT",     # its unit: 条, 件, %, 万元
    "ORGAN",        # the body that reports: 弋阳县住房建设保障中心
    "YEAR",         # the year the report covers, where the text states it: 2023
)

OUTSIDE = "O"

#: Labels whose entities never touch another of their own label: a metric is always followed by
#: its value or by text, never directly by a second metric. The tagger sometimes opens such an
#: entity on two characters in a row (``行`` B, ``政`` B), unsure which starts it; decoding reads
#: the second ``B-`` as a continuation (:func:`gongkai.model.decode.join_unbroken`). Table
#: labels are not here: glued rows put two cells or two headers side by side.
UNBROKEN: tuple[str, ...] = ("FIG_METRIC",)

TAGS: tuple[str, ...] = (OUTSIDE, *(f"{p}-{label}" for label in LABELS for p in ("B", "I")))

ID2TAG: dict[int, str] = dict(enumerate(TAGS))
TAG2ID: dict[str, int] = {t: i for i, t in ID2TAG.items()}


class LabelSetMismatch(ValueError):
    """A saved model's tags differ from the code's: its predictions would be misread."""


def tag_to_id(tag: str) -> int:
    try:
        return TAG2ID[tag]
    except KeyError:
        raise ValueError(f"unknown tag {tag!r}; known tags: {', '.join(TAGS)}") from None


def check_label_set(model_tags: list[str] | tuple[str, ...], where: str = "the model") -> None:
    """Raise :class:`LabelSetMismatch` with the fix when ``model_tags`` differ from ``TAGS``.

    >>> check_label_set(list(TAGS))
    >>> check_label_set(["O", "B-CELL"], where="m/")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    LabelSetMismatch: m/ was trained with another label set (the code has tags the model lacks: ...
    """
    model_tags = tuple(model_tags)
    if model_tags == TAGS:
        return
    missing = [t for t in TAGS if t not in model_tags]
    extra = [t for t in model_tags if t not in TAGS]
    reordered = not missing and not extra
    detail = []
    if missing:
        detail.append(f"the code has tags the model lacks: {', '.join(missing)}")
    if extra:
        detail.append(f"the model has tags the code lacks: {', '.join(extra)}")
    if reordered:
        detail.append("the same tags in another order")
    raise LabelSetMismatch(
        f"{where} was trained with another label set ({'; '.join(detail)}). "
        "Retrain it with this version of gongkai (gongkai train --annotations annotations/ ... --out DIR), "
        "or install the gongkai version the model card names."
    )
