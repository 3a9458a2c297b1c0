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
"""

from __future__ import annotations

from .closed_set import ClosedSet
from .template import CHINESE_NUMBERS, CLAUSE_ENDS


class Label(ClosedSet):
    """Entity labels, in the order their tags get ids. Append new labels at the end: a model
    saved with the old order must keep meaning what it meant."""

    SECTION = "SECTION"  # a section heading: 一、总体情况 (number and title)
    SUBSECTION = "SUBSECTION"  # a subsection heading: (一)强化主动公开
    TABLE_TITLE = "TABLE_TITLE"  # the article a table-2 block is under: 第二十条第(一)项
    COL_HEADER = "COL_HEADER"  # a column-header cell, group headers and the corner note included
    ROW_LABEL = "ROW_LABEL"  # a row label, group labels (三、本年度办理结果, (三)不予公开) included
    CELL = "CELL"  # a table cell's printed value, padding outside: 0, 0项, 16491.8万元, -12, 00
    BLANK = "BLANK"  # the separator that stands for an empty cell (not padding like ||||)
    FIG_METRIC = "FIG_METRIC"  # what a narrative figure counts: 新增主动公开信息
    FIG_VALUE = "FIG_VALUE"  # its number, approximate marker included: 815, 14000余
    FIG_UNIT = "FIG_UNIT"  # its unit: 条, 件, %, 万元
    ORGAN = "ORGAN"  # the body that reports: 弋阳县住房建设保障中心
    YEAR = "YEAR"  # the year the report covers, where the text states it: 2023


LABELS: tuple[Label, ...] = tuple(Label)

#: The labels of a table's structure, of its values (a cell, or the separator standing for an
#: empty one), and of a narrative figure.
TABLE_LABELS = (Label.TABLE_TITLE, Label.COL_HEADER, Label.ROW_LABEL, Label.CELL, Label.BLANK)
VALUE_LABELS = (Label.CELL, Label.BLANK)
FIGURE_LABELS = (Label.FIG_METRIC, Label.FIG_VALUE, Label.FIG_UNIT)

OUTSIDE = "O"

#: Labels whose entities almost never touch another of their own label: a metric is followed by
#: its value or by text. The tagger sometimes opens such an entity on two characters in a row
#: (``行`` B, ``政`` B), unsure which starts it; decoding reads the second ``B-`` as a continuation
#: (:func:`gongkai.model.tag_decoding.join_unbroken`). The one exception, two figures sharing a stretch
#: (``5项[依申请类政务服务事项][进驻]5项``), is cut again by :func:`gongkai.model.tag_decoding.split_shared`
#: when each part has its own number. Table labels are not here: glued rows put two cells or two
#: headers side by side.
UNBROKEN: tuple[str, ...] = (Label.FIG_METRIC,)

#: A narrative figure's metric shares a clause with its number: the value starts at most
#: ``after`` characters after the metric (``[辦復率]均達100%``, ``[收到申请]共计9件``), or a value or
#: unit ends at most ``before`` characters before it (``5項[依申請類政務服務事項]``), with no
#: ``breaks`` character (``template.CLAUSE_ENDS``) between. On the gold seeds and 5,088 generated metrics none lies farther.
#: A metric with no number in reach is a list of topics (``救灾、食品药品监管…``): decoding
#: drops it (:func:`gongkai.model.tag_decoding.drop_unattached`), and so does a metric shorter than
#: ``shortest`` (``[在]``, ``[收]``): every metric in the gold and the generator has two or more
#: characters. The same reach decides when a joined metric is two
#: (:func:`gongkai.model.tag_decoding.split_shared`). A metric after its number may stand behind a marker
#: (``[50][%]以上[审批服务事项…]``: ``before`` 2) or behind a relative clause ending in ``的``,
#: which the guideline leaves outside (``注销[1][家]维护更新不及时的[政务新媒体]``): ``clause``
#: characters (the real gold's longest is 8).
FIGURE_REACH: dict[str, object] = {
    "metric": Label.FIG_METRIC,
    "figure": (Label.FIG_VALUE, Label.FIG_UNIT),
    "after": 3,
    "before": 2,
    "breaks": frozenset(CLAUSE_ENDS),
    "shortest": 2,
    "clause": 12,
}

#: Letters an OCR engine prints for digits (``0`` → ``O``, ``1`` → ``l``, ``5`` → ``S``): a damaged
#: number is still a number. The damage simulator's ``OCR_CONFUSIONS`` must map into these (tested).
DIGIT_LOOKALIKES = "OlS"

#: How an entity of a label starts, whatever the damage: a section heading with its number and
#: ``、`` (``一、总体情况``), a subsection heading with its number in brackets (``(一)``), a
#: figure's value with a digit after at most two markers (``近70``: only Arabic numbers are
#: figures), a metric not with a conjunction and with its quotes whole (``群众和企业“一件事”``).
#: Every gold and generated entity does. Anything else is a fragment (``[二]``, ``[十大和]`` of
#: ``党的二十大``; ``第[一平台作]用``; a lone ``近`` of ``就近办``; ``群众[和企业“一件事”]``,
#: ``“民生实事”“[政策解读专题”]``): decoding drops it
#: (:func:`gongkai.model.tag_decoding.drop_misshapen`), before a metric looks for its number.
SHAPES: dict[str, str] = {
    Label.SECTION: "[" + "".join(CHINESE_NUMBERS) + "]+、",
    Label.SUBSECTION: r"\([" + "".join(CHINESE_NUMBERS) + r"]+\)",
    Label.FIG_VALUE: r"\D{0,2}[\d" + DIGIT_LOOKALIKES + "]",
    Label.FIG_METRIC: r"(?![和及与、的])(?:[^“”]|“[^“”]*”)*\Z",
}

TAGS: tuple[str, ...] = (OUTSIDE, *(f"{p}-{label}" for label in LABELS for p in ("B", "I")))

ID2TAG: dict[int, str] = dict(enumerate(TAGS))
TAG2ID: dict[str, int] = {t: i for i, t in ID2TAG.items()}


class LabelSetMismatch(ValueError):
    """A saved model's tags differ from the code's: its predictions would be misread."""


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
