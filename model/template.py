"""The report-format knowledge: the national table templates, their labels and the
variants real reports print, the six sections, and the reconciliation rules.

This is the one place that knows what a 政府信息公开工作年度报告 looks like. The
synthetic generator renders from it, the assembler matches against it, the checks
evaluate its rules and ``gongkai formats`` writes the docs from it. Nothing else
hard-codes a row label.

Two template versions exist (see ``../shared/SCHEMA.md``):

- ``2019``: 国办公开办函〔2019〕60号, used for the 2019 and 2020 reports;
- ``2021``: 国办公开办函〔2021〕30号, used from the 2021 reports on.

A report may mix them, so the version belongs to a table, not to a report.

>>> [t.version for t in tables_named("active_disclosure")]
['2019', '2021']
>>> table_template("applications", "2021").row("denied.state_secret").label
'1.属于国家秘密'
>>> [f.key for f in table_template("reviews", "2021").row("review").fields]
['upheld', 'corrected', 'other', 'pending', 'total']
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from functools import cache
from typing import Any, Literal

from .closed_set import ClosedSet

VERSIONS = ("2019", "2021")

#: Which document defines each template version.
VERSION_SOURCES = {
    "2019": "国办公开办函〔2019〕60号",
    "2021": "国办公开办函〔2021〕30号",
}

#: The first reporting year each template version is in force for.
VERSION_YEARS = {"2019": 2019, "2021": 2021}


def version_for_year(year: int | None) -> str:
    """The template version in force for a reporting year: the newest for an unknown year, the
    first for a year before the templates (a table of such a report, if any, is read as the first).

    >>> version_for_year(2020), version_for_year(2021), version_for_year(None), version_for_year(2015)
    ('2019', '2021', '2021', '2019')
    """
    if year is None:
        return VERSIONS[-1]
    return next((v for v in reversed(VERSIONS) if year >= VERSION_YEARS[v]), VERSIONS[0])


@dataclass(frozen=True)
class Field:
    """A column of a table (a value a row carries)."""

    key: str
    label: str
    #: Other ways reports print the header: truncations (``本年``), line-wrapped words.
    variants: tuple[str, ...] = ()
    #: Parenthesised notes some reports append to the header; ``{year}`` and
    #: ``{prev_year}`` stand for the reporting year and the year before.
    notes: tuple[str, ...] = ()
    #: What the column counts (see :data:`FIELD_KINDS`): splitting a glued run compares
    #: only cells of one kind, and only an ``amount`` may be a decimal.
    kind: str = "count"
    #: Whether the value may be negative (2019's 本年增/减: "减用负值表示").
    signed: bool = False

    @property
    def labels(self) -> tuple[str, ...]:
        return (self.label, *self.variants)

    @property
    def decimal(self) -> bool:
        """Whether the value may have a fraction (money, not a count)."""
        return self.kind == "amount"


@dataclass(frozen=True)
class Group:
    """A label that heads several rows and carries no numbers of its own."""

    key: str
    label: str
    variants: tuple[str, ...] = ()
    #: The group this group sits in (``denied`` sits in ``results``).
    parent: str | None = None

    @property
    def labels(self) -> tuple[str, ...]:
        return (self.label, *self.variants)


@dataclass(frozen=True)
class Row:
    """A row that carries numbers."""

    key: str
    label: str
    fields: tuple[Field, ...]
    variants: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    #: The innermost group label printed before this row's own label, if any.
    group: str | None = None
    #: Outcome rows of table 3 add up to its ``total`` row.
    outcome: bool = False

    @property
    def labels(self) -> tuple[str, ...]:
        return (self.label, *self.variants)

    @property
    def field_keys(self) -> tuple[str, ...]:
        return tuple(f.key for f in self.fields)


@dataclass(frozen=True)
class HeaderCell:
    """One cell of a printed multi-level header (for rendering and for matching)."""

    text: str
    colspan: int = 1
    rowspan: int = 1
    #: The field key when this cell names a field.
    field: str | None = None


@dataclass(frozen=True)
class Block:
    """Table 2 is printed as blocks, each under a 第二十条 title with its own header."""

    title: str
    rows: tuple[str, ...]
    #: The corner cell of the block's header (``信息内容``).
    corner: str = "信息内容"


@dataclass(frozen=True)
class TableTemplate:
    """One table (``active_disclosure``, ``applications``, ``reviews``) in one version."""

    table: str
    version: str
    title: str
    rows: tuple[Row, ...]
    groups: tuple[Group, ...] = ()
    #: Table 2 only: the 第二十条 blocks it is printed in.
    blocks: tuple[Block, ...] = ()
    #: Tables 3 and 4: the printed header, row by row, as the national form lays it out.
    header: tuple[tuple[HeaderCell, ...], ...] = ()
    #: Other header words that appear in the printed header but name no field.
    header_words: tuple[str, ...] = ()
    #: Table 4 is printed with all rows' numbers on one line; this is that order.
    flat: bool = False

    def row(self, key: str) -> Row:
        for r in self.rows:
            if r.key == key:
                return r
        raise KeyError(f"{self.table}/{self.version} has no row {key!r}; rows: {[r.key for r in self.rows]}")

    def group(self, key: str) -> Group:
        for g in self.groups:
            if g.key == key:
                return g
        raise KeyError(f"{self.table}/{self.version} has no group {key!r}")

    @property
    def row_keys(self) -> tuple[str, ...]:
        return tuple(r.key for r in self.rows)

    @property
    def fields(self) -> tuple[Field, ...]:
        """Every distinct field of the table, in first-seen order."""
        seen: dict[str, Field] = {}
        for r in self.rows:
            for f in r.fields:
                seen.setdefault(f.key, f)
        return tuple(seen.values())

    def cells(self) -> tuple[tuple[str, str], ...]:
        """Every (row, field) of the table in reading order.

        >>> table_template("reviews", "2021").cells()[4:6]
        (('review', 'total'), ('litigation_direct', 'upheld'))
        """
        return tuple((r.key, f.key) for r in self.rows for f in r.fields)

    def group_path(self, row_key: str) -> tuple[Group, ...]:
        """The group labels printed before a row's label, outermost first."""
        path: list[Group] = []
        key = self.row(row_key).group
        while key is not None:
            g = self.group(key)
            path.insert(0, g)
            key = g.parent
        return tuple(path)


@dataclass(frozen=True)
class Section:
    key: str
    number: str
    title: str
    variants: tuple[str, ...] = ()
    #: Titles the reports before the 2019 template (2008 条例) print for the same part (some
    #: are today's too); they map to this key, and the generator draws them for old reports only.
    old_titles: tuple[str, ...] = ()

    @property
    def titles(self) -> tuple[str, ...]:
        return (self.title, *self.variants)


@dataclass(frozen=True)
class Rule:
    """A linear equality that must hold in a table: ``sum(lhs) == sum(rhs)``.

    With ``axis == "column"`` the terms are row keys and the equality holds in every
    column; with ``axis == "row"`` they are field keys and it holds in every row.
    Terms that the table's template does not have are left out (the 2019 table 3
    has ``other_handling`` where the 2021 one has ``other_handling.*``).
    """

    name: str
    table: str
    axis: Literal["column", "row"]
    lhs: tuple[str, ...]
    rhs: tuple[str, ...]
    description: str = ""

    def terms(self, template: TableTemplate) -> tuple[tuple[str, ...], tuple[str, ...]]:
        have = set(template.row_keys) if self.axis == "column" else {f.key for f in template.fields}
        return tuple(t for t in self.lhs if t in have), tuple(t for t in self.rhs if t in have)


# --------------------------------------------------------------------------- sections

SECTIONS: tuple[Section, ...] = (
    Section("overview", "一", "总体情况", ("总体概况", "概述"), ("概述", "总体情况", "基本情况")),
    Section(
        "active_disclosure",
        "二",
        "主动公开政府信息情况",
        ("行政机关主动公开政府信息情况", "主动公开情况", "政府信息主动公开情况"),
        ("主动公开政府信息情况", "主动公开政府信息的情况", "政府信息主动公开情况"),
    ),
    Section(
        "applications",
        "三",
        "收到和处理政府信息公开申请情况",
        ("收到和处理政府信息公开申请的情况", "依申请公开政府信息情况", "依申请公开情况"),
        (
            "政府信息依申请公开工作情况",
            "政府信息依申请公开情况",
            "依申请公开政府信息工作情况",
            "政府信息依申请公开办理情况",
            "依申请公开政府信息情况",
            "依申请公开政府信息办理情况",
        ),
    ),
    Section(
        "reviews",
        "四",
        "政府信息公开行政复议、行政诉讼情况",
        (
            "信息公开工作被申请行政复议、提起行政诉讼情况",
            "政府信息公开行政复议行政诉讼情况",
            "因政府信息公开工作被申请行政复议、提起行政诉讼的情况",
            "政府信息公开行政复议、行政诉讼情况、",
        ),
        (
            "因政府信息公开申请行政复议、提起行政诉讼的情况",
            "因政府信息公开申请提起行政复议、行政诉讼的情况",
            "因政府信息公开申请行政复议、提起行政诉讼情况",
            "政府信息公开行政复议、行政诉讼和申诉情况",
        ),
    ),
    Section(
        "problems",
        "五",
        "存在的主要问题及改进情况",
        ("存在的问题及改进情况", "存在的主要问题及改进措施", "政府信息公开工作存在的主要问题及改进情况"),
        (
            "主要问题和改进措施",
            "存在的主要问题和改进措施",
            "政府信息公开工作存在的主要问题及改进措施",
            "政府信息公开工作存在的主要问题及改进情况",
            "政府信息公开工作存在的主要问题和改进措施",
        ),
    ),
    Section("other", "六", "其他需要报告的事项", ("其他需要报告的事情", "其他事项"), ("其他需要报告的事项",)),
)

#: Headings that are none of the six sections, whatever their number: their ``key`` is null.
#: Each maps to whether the reports before the templates print it: parts the templates dropped
#: (the statistics table, fees, 咨询, 保密审查), or parts some later reports add (信息处理费,
#: 2020's 政务公开工作主要任务落实情况).
UNKEYED_SECTION_TITLES: dict[str, bool] = {
    "政府信息公开情况统计表": True,
    "政府信息公开情况统计": True,
    "政府信息公开的收费及减免情况": True,
    "政府信息公开收费及减免情况": True,
    "政府信息公开咨询处理情况": True,
    "政府信息公开保密审查情况": True,
    "信息处理费收取情况": False,
    "政务公开工作主要任务落实情况": False,
}

#: The first reporting year the national table templates cover: a report of an earlier year has
#: sections, figures, year and organ, but no template tables (its statistics table, if any, is
#: the old 2008-style one, read by nothing here).
FIRST_TEMPLATE_YEAR = VERSION_YEARS[VERSIONS[0]]
#: Header words of the old-style statistics table (政府信息公开情况统计表: 指标名称 / 计量单位 /
#: 本年度 / 历年累计), printed by reports before the templates.
OLD_STATISTICS_WORDS = ("指标名称", "计量单位", "历年累计")

SECTION_KEYS = tuple(s.key for s in SECTIONS)


#: Chinese list numbers as reports print them; used for section and row numbering.
CHINESE_NUMBERS = ("一", "二", "三", "四", "五", "六", "七", "八", "九", "十")

#: The words a reporting body's name ends in (``…人民政府``, ``…办公室``, ``…局``): an organ
#: name the tagger cut short or ran on is snapped to one of these ends.
ORGAN_SUFFIXES = (
    "人民政府",
    "政府",
    "办公室",
    "委员会",
    "管委会",
    "办事处",
    "局",
    "中心",
    "办",
    "厅",
    "委",
    "署",
    "院",
    "所",
    "站",
    "队",
)

#: What a report calls itself after its body's name and year (``…局2022年度政府信息公开工作年度报告``):
#: the name in a report's own title is read whole, even where the tagger cuts it short.
REPORT_KINDS = ("政府信息公开工作年度报告", "政府信息公开年度报告")

#: Short forms of an organ's name that name the same body (``奎屯市政府`` = ``奎屯市人民政府``);
#: the full form is reported.
ORGAN_SHORT_FORMS = {"人民政府": "政府"}

#: Measure words a narrative figure's unit may be (the assembler reads the longest printed
#: one): the tagger sometimes leaves the unit after a number untagged or tags part of it.
MEASURE_WORDS = (
    "人次",
    "个工作日",
    "工作日",
    "分钟",
    "小时",
    "大项",
    "小项",
    "轮次",
    "轮",
    "通",
    "天",
    "万元",
    "亿元",
    "元",
    "条",
    "件",
    "项",
    "个",
    "次",
    "封",
    "处",
    "人",
    "名",
    "家",
    "篇",
    "期",
    "场",
    "份",
    "批",
    "户",
    "%",
    "‰",
)
#: Words that open with a measure word but are not a unit (``1234通过微信公众号``: 通 is no count of calls).
NOT_MEASURE_WORDS = ("通过", "通知", "通报", "通讯")
#: Magnitude characters that belong to the number they follow: ``66万余人次`` is 660,000 人次 and
#: ``1.2万条`` 12,000 条 — except where they start a money unit of :data:`MEASURE_WORDS`
#: (``16491.8万元`` is 16491.8 in 万元, as the table headers count money).
MAGNITUDES = {"千": 1_000, "万": 10_000, "亿": 100_000_000}
#: Approximation words printed before a number (``近70条``, ``约300人``, ``超过100件``) and after
#: it or its unit (``14000余条``, ``10多个``, ``100件以上``): the value is kept, marked approximate.
APPROX_BEFORE = ("超过", "超過", "将近", "將近", "约", "約", "近", "逾")
APPROX_AFTER = ("余", "餘", "多", "左右", "以上")
#: Words in a figure's metric that only a disclosure report states (``新增主动公开信息``,
#: ``收到政府信息公开申请``): text with such a figure, a section heading or a template table
#: is a report; text with none of them is not (a news article, an error page).
REPORT_FIGURE_WORDS = ("公开", "申请", "政务", "规范性文件", "政策解读")
#: A rate's metric ends with this (``办复率``, ``进驻率``); its value is a percentage, never a count.
RATE_SUFFIX = "率"
#: The units a rate's value may carry.
RATE_UNITS = ("%",)
#: What ends a sentence of the narrative, in both widths (the assembler reads normalised text,
#: where full-width punctuation is ASCII; decoding rules are also run on annotated texts as
#: printed): a figure's metric and its number are never in two sentences. Not an ASCII ``?``:
#: scrapers print it for a character they could not encode (``累?18次``), and normalising keeps
#: it where it may be a question mark.
SENTENCE_ENDS = "。；;！!？\n"
#: What ends a clause: a sentence end, a comma, or the ``|`` between table cells. A metric the
#: tagger marks has its number in its clause (``labels.FIGURE_REACH``).
CLAUSE_ENDS = SENTENCE_ENDS + "，,|"


def is_rate(metric: str) -> bool:
    """Whether a figure's metric names a rate (its value a percentage, never a count).

    >>> is_rate("办复率"), is_rate("收到申请")
    (True, False)
    """
    return metric.endswith(RATE_SUFFIX)


#: Table 2 is printed under these article items (第二十条 of 条例, items 一…九).
ARTICLE_TITLE = "第二十条第({item})项"


def section(key: str) -> Section:
    for s in SECTIONS:
        if s.key == key:
            return s
    raise KeyError(f"no section {key!r}; sections: {list(SECTION_KEYS)}")


# --------------------------------------------------------------------------- table 2


def _f(
    key: str, label: str, *variants: str, notes: tuple[str, ...] = (), kind: str = "count", signed: bool = False
) -> Field:
    return Field(key, label, tuple(variants), notes, kind, signed)


#: What a column counts. A glued run's split is judged plausible by comparing cells of one
#: kind in one row (see :data:`PLAUSIBLE_DIGIT_LEAD`); an ``amount`` is money, not a count.
FIELD_KINDS = {
    "documents": "documents issued, repealed, in force, made or published (table 2, 第二十条第(一)项)",
    "decisions": "decisions or cases handled (行政许可, 行政处罚 … 处理决定数量)",
    "items": "items on a list (2019's 上一年项目数量 and 本年增/减)",
    "projects": "procurement projects",
    "amount": "money (收费金额, 采购总金额): may have a fraction, never compared with counts",
    "applications": "applications (table 3)",
    "cases": "review and litigation cases (table 4)",
}

_AD_2021_DOCS = (
    _f("issued", "本年制发件数", "本年", "本年制发", "制发件数", "本年新制发件数", kind="documents"),
    _f("repealed", "本年废止件数", "本年废止", "废止件数", kind="documents"),
    _f("in_force", "现行有效件数", "现行有效", "有效件数", kind="documents"),
)
_AD_2021_DECISIONS = (_f("decisions", "本年处理决定数量", "本年处理决定数", "处理决定数量", "本年", kind="decisions"),)
_AD_2021_FEES = (
    _f(
        "amount",
        "本年收费金额(万元)",
        "本年收费金额(单位:万元)",
        "本年收费金额",
        "收费金额(万元)",
        "本年",
        kind="amount",
    ),
)

_AD_2019_DOCS = (
    _f("made", "本年新制作数量", "本年新制作", "新制作数量", "本年", kind="documents"),
    _f("published", "本年新公开数量", "本年新公开", "新公开数量", kind="documents"),
    _f("total", "对外公开总数量", "对外公开总数", "公开总数量", kind="documents"),
)
_AD_2019_ITEMS = (
    _f("previous", "上一年项目数量", "上一年项目数", "上年项目数量", notes=("(指{prev_year}年事项数)",), kind="items"),
    _f(
        "change",
        "本年增/减",
        "本年增减",
        "本年增/减数量",
        notes=("(指{year}年增加或减少的事项数,减用负值表示,如-8)",),
        kind="items",
        signed=True,
    ),
    _f("decisions", "处理决定数量", "本年处理决定数量", notes=("(指{year}年办件量)",), kind="decisions"),
)
_AD_2019_FEES = (
    _f(
        "previous",
        "上一年项目数量",
        "上一年项目数",
        "上年项目数量",
        notes=("(指{prev_year}年收费项目数)",),
        kind="items",
    ),
    _f(
        "change",
        "本年增/减",
        "本年增减",
        notes=("(指{year}年增加的收费项目数,减用负值表示,如-8)",),
        kind="items",
        signed=True,
    ),
)
_AD_2019_PROCUREMENT = (
    _f(
        "projects",
        "采购项目数量",
        "采购项目数",
        notes=("(指{year}年以政府集中采购方式采购的项目总个数)",),
        kind="projects",
    ),
    _f(
        "amount",
        "采购总金额",
        "采购总金额(万元)",
        "采购金额",
        notes=("(指{year}年以政府集中采购方式采购的项目已支付的总金额)",),
        kind="amount",
    ),
)

_OTHER_SERVICES_NOTE = (
    "(指行政许可以外的政务服务事项,含行政确认、行政奖励、行政裁决、行政给付、行政处罚、"
    "行政强制、行政检查、行政征收和其他类,以及公共服务事项)"
)

ACTIVE_DISCLOSURE_2021 = TableTemplate(
    table="active_disclosure",
    version="2021",
    title="主动公开政府信息情况",
    rows=(
        Row("rules", "规章", _AD_2021_DOCS),
        Row("normative_documents", "行政规范性文件", _AD_2021_DOCS, ("规范性文件",)),
        Row("licensing", "行政许可", _AD_2021_DECISIONS),
        Row("punishment", "行政处罚", _AD_2021_DECISIONS),
        Row("coercion", "行政强制", _AD_2021_DECISIONS),
        Row("fees", "行政事业性收费", _AD_2021_FEES),
    ),
    blocks=(
        Block(ARTICLE_TITLE.format(item="一"), ("rules", "normative_documents")),
        Block(ARTICLE_TITLE.format(item="五"), ("licensing",)),
        Block(ARTICLE_TITLE.format(item="六"), ("punishment", "coercion")),
        Block(ARTICLE_TITLE.format(item="八"), ("fees",)),
    ),
)

ACTIVE_DISCLOSURE_2019 = TableTemplate(
    table="active_disclosure",
    version="2019",
    title="主动公开政府信息情况",
    rows=(
        Row("rules", "规章", _AD_2019_DOCS),
        Row("normative_documents", "规范性文件", _AD_2019_DOCS, ("行政规范性文件",)),
        Row("licensing", "行政许可", _AD_2019_ITEMS),
        Row("other_services", "其他对外管理服务事项", _AD_2019_ITEMS, notes=(_OTHER_SERVICES_NOTE,)),
        Row("punishment", "行政处罚", _AD_2019_ITEMS),
        Row("coercion", "行政强制", _AD_2019_ITEMS),
        Row("fees", "行政事业性收费", _AD_2019_FEES),
        Row("procurement", "政府集中采购", _AD_2019_PROCUREMENT),
    ),
    blocks=(
        Block(ARTICLE_TITLE.format(item="一"), ("rules", "normative_documents")),
        Block(ARTICLE_TITLE.format(item="五"), ("licensing", "other_services")),
        Block(ARTICLE_TITLE.format(item="六"), ("punishment", "coercion")),
        Block(ARTICLE_TITLE.format(item="八"), ("fees",)),
        Block(ARTICLE_TITLE.format(item="九"), ("procurement",)),
    ),
)

# --------------------------------------------------------------------------- table 3

APPLICANT_COLUMNS = (
    _f("natural_person", "自然人", kind="applications"),
    _f("commercial", "商业企业", "商业 企业", kind="applications"),
    _f("research", "科研机构", "科研 机构", kind="applications"),
    _f("social_welfare", "社会公益组织", "社会公益 组织", kind="applications"),
    _f("legal_service", "法律服务机构", "法律服务 机构", kind="applications"),
    _f("other_org", "其他", kind="applications"),
    _f("total", "总计", "合计", kind="applications"),
)

#: The corner note of table 3, as the national form prints it.
APPLICATIONS_NOTE = "(本列数据的勾稽关系为:第一项加第二项之和,等于第三项加第四项之和)"

_APP_HEADER = (
    (
        HeaderCell(APPLICATIONS_NOTE, rowspan=3, colspan=3),
        HeaderCell("申请人情况", colspan=7),
    ),
    (
        HeaderCell("自然人", rowspan=2, field="natural_person"),
        HeaderCell("法人或其他组织", colspan=5),
        HeaderCell("总计", rowspan=2, field="total"),
    ),
    (
        HeaderCell("商业企业", field="commercial"),
        HeaderCell("科研机构", field="research"),
        HeaderCell("社会公益组织", field="social_welfare"),
        HeaderCell("法律服务机构", field="legal_service"),
        HeaderCell("其他", field="other_org"),
    ),
)

_APP_GROUPS_COMMON = (
    Group("results", "三、本年度办理结果", ("三、本年度办理结果情况",)),
    Group("denied", "(三)不予公开", parent="results"),
    Group("unable", "(四)无法提供", parent="results"),
    Group("not_processed", "(五)不予处理", parent="results"),
)


def _app_row(
    key: str, label: str, *variants: str, group: str | None = None, outcome: bool = False, notes: tuple[str, ...] = ()
) -> Row:
    return Row(key, label, APPLICANT_COLUMNS, tuple(variants), notes, group, outcome)


_APP_ROWS_HEAD = (
    _app_row("new_received", "一、本年新收政府信息公开申请数量", "一、本年新收政府信息公开申请数"),
    _app_row("carried_over", "二、上年结转政府信息公开申请数量", "二、上年结转政府信息公开申请数"),
    _app_row("granted", "(一)予以公开", group="results", outcome=True),
    _app_row(
        "partially_granted",
        "(二)部分公开",
        group="results",
        outcome=True,
        notes=("(区分处理的,只计这一情形,不计其他情形)",),
    ),
    _app_row("denied.state_secret", "1.属于国家秘密", group="denied", outcome=True),
    _app_row("denied.prohibited_by_law", "2.其他法律行政法规禁止公开", group="denied", outcome=True),
    _app_row(
        "denied.three_safeties",
        "3.危及“三安全一稳定”",
        '3.危及"三安全一稳定"',
        "3.危及三安全一稳定",
        group="denied",
        outcome=True,
    ),
    _app_row("denied.third_party", "4.保护第三方合法权益", group="denied", outcome=True),
    _app_row("denied.internal_affairs", "5.属于三类内部事务信息", group="denied", outcome=True),
    _app_row("denied.process_info", "6.属于四类过程性信息", group="denied", outcome=True),
    _app_row("denied.enforcement_files", "7.属于行政执法案卷", group="denied", outcome=True),
    _app_row("denied.inquiry", "8.属于行政查询事项", group="denied", outcome=True),
    _app_row("unable.not_held", "1.本机关不掌握相关政府信息", group="unable", outcome=True),
    _app_row("unable.needs_creation", "2.没有现成信息需要另行制作", group="unable", outcome=True),
    _app_row("unable.unclear", "3.补正后申请内容仍不明确", group="unable", outcome=True),
    _app_row("not_processed.complaint", "1.信访举报投诉类申请", group="not_processed", outcome=True),
    _app_row("not_processed.duplicate", "2.重复申请", group="not_processed", outcome=True),
    _app_row("not_processed.publication", "3.要求提供公开出版物", group="not_processed", outcome=True),
    _app_row("not_processed.excessive", "4.无正当理由大量反复申请", group="not_processed", outcome=True),
    _app_row(
        "not_processed.confirmation", "5.要求行政机关确认或重新出具已获取信息", group="not_processed", outcome=True
    ),
)
_APP_ROWS_TAIL = (
    _app_row("total", "(七)总计", "(七)合计", group="results"),
    _app_row("carried_forward", "四、结转下年度继续办理", "四、结转下年度继续办理数量"),
)

APPLICATIONS_2019 = TableTemplate(
    table="applications",
    version="2019",
    title="收到和处理政府信息公开申请情况",
    rows=(
        *_APP_ROWS_HEAD,
        _app_row("other_handling", "(六)其他处理", group="results", outcome=True),
        *_APP_ROWS_TAIL,
    ),
    groups=_APP_GROUPS_COMMON,
    header=_APP_HEADER,
    header_words=(APPLICATIONS_NOTE, "申请人情况", "法人或其他组织"),
)

APPLICATIONS_2021 = TableTemplate(
    table="applications",
    version="2021",
    title="收到和处理政府信息公开申请情况",
    rows=(
        *_APP_ROWS_HEAD,
        _app_row(
            "other_handling.no_correction",
            "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
            group="other_handling",
            outcome=True,
        ),
        _app_row(
            "other_handling.unpaid_fee",
            "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
            group="other_handling",
            outcome=True,
        ),
        _app_row("other_handling.other", "3.其他", group="other_handling", outcome=True),
        *_APP_ROWS_TAIL,
    ),
    groups=(*_APP_GROUPS_COMMON, Group("other_handling", "(六)其他处理", parent="results")),
    header=_APP_HEADER,
    header_words=(APPLICATIONS_NOTE, "申请人情况", "法人或其他组织"),
)

# --------------------------------------------------------------------------- table 4

REVIEW_FIELDS = (
    _f("upheld", "结果维持", "维持", kind="cases"),
    _f("corrected", "结果纠正", "纠正", "结果", kind="cases"),
    _f("other", "其他结果", "其他", kind="cases"),
    _f("pending", "尚未审结", "尚未", kind="cases"),
    _f("total", "总计", "合计", kind="cases"),
)

_REV_HEADER = (
    (HeaderCell("行政复议", colspan=5), HeaderCell("行政诉讼", colspan=10)),
    (
        *(HeaderCell(f.label, rowspan=2, field=f.key) for f in REVIEW_FIELDS),
        HeaderCell("未经复议直接起诉", colspan=5),
        HeaderCell("复议后起诉", colspan=5),
    ),
    tuple(HeaderCell(f.label, field=f.key) for f in REVIEW_FIELDS) * 2,
)

_REV_ROWS = (
    Row("review", "行政复议", REVIEW_FIELDS),
    Row("litigation_direct", "未经复议直接起诉", REVIEW_FIELDS, ("行政诉讼未经复议直接起诉",)),
    Row("litigation_after_review", "复议后起诉", REVIEW_FIELDS, ("行政诉讼复议后起诉",)),
)

_REV_HEADER_WORDS = ("行政复议", "行政诉讼", "未经复议直接起诉", "复议后起诉")

REVIEWS_2019 = TableTemplate(
    table="reviews",
    version="2019",
    title="政府信息公开行政复议、行政诉讼情况",
    rows=_REV_ROWS,
    header=_REV_HEADER,
    header_words=_REV_HEADER_WORDS,
    flat=True,
)
REVIEWS_2021 = replace(REVIEWS_2019, version="2021")  # the 2021 form kept table 4 as it was

TEMPLATES: tuple[TableTemplate, ...] = (
    ACTIVE_DISCLOSURE_2019,
    ACTIVE_DISCLOSURE_2021,
    APPLICATIONS_2019,
    APPLICATIONS_2021,
    REVIEWS_2019,
    REVIEWS_2021,
)

#: The tables; each is printed in the section of the same key (:data:`SECTIONS`).
TABLE_KEYS = ("active_disclosure", "applications", "reviews")
assert set(TABLE_KEYS) <= set(SECTION_KEYS)

#: The table printed in blocks under article titles (``第二十条第(一)项``, the TABLE_TITLE
#: entities): table 2.
TITLED_TABLE = next(t.table for t in TEMPLATES if t.blocks)

#: SCHEMA.md leaves ``template`` out for table 4: its two versions are identical.
VERSIONED_TABLES = ("active_disclosure", "applications")


def schema_version(table: Mapping[str, Any]) -> str:
    """The template version of a table in SCHEMA.md form (``{"template": …, "rows": …}``): its
    ``template``, or the newest where SCHEMA.md leaves it out (table 4).

    >>> schema_version({"template": "2019", "rows": {}}), schema_version({"rows": {}})
    ('2019', '2021')
    """
    return table.get("template") or VERSIONS[-1]


@cache
def table_template(table: str, version: str) -> TableTemplate:
    for t in TEMPLATES:
        if t.table == table and t.version == version:
            return t
    raise KeyError(
        f"no template for table {table!r} version {version!r}; tables: {list(TABLE_KEYS)}, versions: {list(VERSIONS)}"
    )


def tables_named(table: str) -> tuple[TableTemplate, ...]:
    found = tuple(t for t in TEMPLATES if t.table == table)
    if not found:
        raise KeyError(f"no table {table!r}; tables: {list(TABLE_KEYS)}")
    return found


@cache
def row_keys_of(table: str) -> frozenset[str]:
    """The row keys of ``table`` in any of its versions."""
    return frozenset(r.key for t in tables_named(table) for r in t.rows)


@cache
def union_rows(table: str) -> dict[str, dict[str, bool]]:
    """Every row of ``table`` in any version, the newest version's order with an older version's
    own rows after the row they follow there; each with every field it has in any version
    (→ whether the field may be decimal).

    >>> list(union_rows("applications"))[-6:]
    ['other_handling', 'other_handling.no_correction', 'other_handling.unpaid_fee', 'other_handling.other', 'total', 'carried_forward']
    """
    rows: dict[str, dict[str, bool]] = {}
    for tpl in reversed(tables_named(table)):  # the newest first
        order = list(rows)
        for k, r in enumerate(tpl.rows):
            if r.key not in rows:
                after = next((p.key for p in reversed(tpl.rows[:k]) if p.key in rows), None)
                order.insert(order.index(after) + 1 if after else 0, r.key)
            fields = rows.setdefault(r.key, {})
            for f in r.fields:
                fields.setdefault(f.key, f.decimal)
        rows = {key: rows[key] for key in order}
    return rows


@cache
def group_keys_of(table: str) -> frozenset[str]:
    """The group keys (``(三)不予公开``) of ``table`` in any of its versions."""
    return frozenset(g.key for t in tables_named(table) for g in t.groups)


# --------------------------------------------------------------------------- converted tables

#: Column headers that OCR and language-model converters invent for a table whose own header
#: they could not read (``| 项目 | 列1 | 列2 | … | 合计 |``): a corner word over the row labels,
#: numbered data columns (``{n}`` stands for 1, 2, …) and a total (a field label, ``总计`` or
#: ``合计``). They name no field, so the columns under them are read in the template's order.
GENERIC_CORNERS = ("项目", "类别", "指标", "名称", "事项", "内容")
GENERIC_COLUMNS = ("列{n}", "第{n}列", "栏{n}", "数据{n}", "字段{n}", "Column {n}", "Col{n}")
GENERIC_TOTALS = ("合计", "总计")

# --------------------------------------------------------------------------- rules

_OUTCOME_ROWS = tuple(dict.fromkeys(r.key for t in (APPLICATIONS_2019, APPLICATIONS_2021) for r in t.rows if r.outcome))
_APPLICANT_KEYS = tuple(f.key for f in APPLICANT_COLUMNS if f.key != "total")

RULES: tuple[Rule, ...] = (
    Rule(
        "applications.balance",
        "applications",
        "column",
        ("new_received", "carried_over"),
        ("total", "carried_forward"),
        "per column: new_received + carried_over = total + carried_forward (the table's own 勾稽关系)",
    ),
    Rule(
        "applications.outcomes",
        "applications",
        "column",
        ("total",),
        _OUTCOME_ROWS,
        "per column: total = the sum of every outcome row (granted … other_handling*)",
    ),
    Rule(
        "applications.row_total",
        "applications",
        "row",
        ("total",),
        _APPLICANT_KEYS,
        "per row: the total column = the sum of the six applicant columns",
    ),
    Rule(
        "reviews.total",
        "reviews",
        "row",
        ("total",),
        ("upheld", "corrected", "other", "pending"),
        "per row: total = upheld + corrected + other + pending",
    ),
)

#: Checked against the narrative, not within a table (see SCHEMA.md).
NARRATIVE_RULES = {
    "narrative.applications": "a figure in the text that states the number of applications received "
    "agrees with new_received.total (new only, or new + carried over)",
}

#: Metric words of a narrative figure that states the number of applications received.
APPLICATION_FIGURE_METRICS = (
    "收到政府信息公开申请",
    "新收政府信息公开申请",
    "收到依申请公开",
    "受理政府信息公开申请",
    "收到申请",
    "依申请公开",
)
#: The table a stated number of applications is compared with.
APPLICATION_FIGURE_TABLE = "applications"
#: Applications are counted in 件; a figure with these words counted in 条 counts information
#: released on request (``依申请公开政府信息86条``), not applications. A figure with no unit may
#: be either and is read as applications.
APPLICATION_FIGURE_UNITS = ("件",)
#: A metric that names reviews or lawsuits counts those, even when it says how they arose
#: (``因政府信息依申请公开引起行政复议0件``): no statement of applications received.
APPLICATION_FIGURE_NOT = ("复议", "诉讼")

#: The table-3 cells such a figure is compared with, in order: a report states either the
#: new applications only, or the new ones plus those carried over from the year before.
APPLICATION_FIGURE_CELLS = (("new_received", "total"), ("carried_over", "total"))


class CheckStatus(ClosedSet):
    """A check's ``status`` (SCHEMA.md's ``checks[].status``)."""

    PASS = "pass"  # the rule holds as printed
    FAIL = "fail"  # it does not (a publication error, or a misreading no check could prove)
    REPAIRED = "repaired"  # it holds after a repair the rules proved (provenance ``repaired_from``)
    SKIPPED = "skipped"  # it could not be checked: a cell or a table is missing or blank
    #: the rule holds and was used to split a glued digit run (some of its cells are values nobody
    #: printed as separate numbers)
    SEGMENTED = "segmented"
    #: several readings of a glued run remain: its cells are null and the candidates are named in
    #: warnings and provenance
    AMBIGUOUS = "ambiguous"


#: The check of a glued run in a table no rule covers (table 2), per row: how its split was
#: decided (``{table}.split``).
SPLIT_CHECK = "split"
SPLIT_CHECK_DESCRIPTION = (
    "per row of table 2 printed as one glued digit run: how it was split (the "
    "report's own narrative figures, plausibility) or that it stays ambiguous"
)

#: Words printed for a minus sign before a number (``16减12``: 16, then −12; the 2019 form asks
#: for "减用负值表示").
MINUS_WORDS = ("减",)
#: Units that may follow a number in a table cell; a unit ends a number like a space does.
CELL_UNITS = ("万元", "亿元", "元", "个", "件", "项", "条")

#: Plausibility of a split of a glued run: a count may have at most this many digits more than
#: the longest other count of its kind in its row (see :data:`FIELD_KINDS`; a signed change is a
#: difference, not a count, and is not compared). ``2159165`` read as
#: 2 | 1 | 59165 documents is not plausible; 215 | 9 | 165 and 21 | 59 | 165 are, and stay
#: candidates. Only splits are judged: a number printed on its own is never doubted.
PLAUSIBLE_DIGIT_LEAD = 3

#: What one cell of a table-2 row cannot be, given what the columns count: the documents in force
#: include those issued this year (现行有效件数 ≥ 本年制发件数), a running total includes this
#: year's (对外公开总数量 ≥ 本年新公开数量), and a year changes a list of items by no more than the
#: list held (上一年项目数量 ≥ |本年增/减|: a decrease cannot be larger, and an increase larger
#: than the whole list is not the plausible reading). ``(table, version, larger, smaller)``; the
#: smaller is compared by its size. Not a rule: a publisher may print otherwise and nothing
#: fails; but where a glued run has several readings, those that break an order go first
#: (``5066`` is 5 | 0 | 66, not 50 | 6 | 6; ``8801`` is 88 | 0 | 1, not 8 | 80 | 1).
CELL_ORDERS = (
    ("active_disclosure", "2021", "in_force", "issued"),
    ("active_disclosure", "2019", "total", "published"),
    ("active_disclosure", "2019", "previous", "change"),
)


@dataclass(frozen=True)
class NarrativeCell:
    """A sentence of the narrative that states one table cell: ``制定规范性文件5件`` states the
    documents issued. ``patterns`` are regular expressions with a group ``value``;
    ``{object}`` stands for one of ``objects`` (the row's printed names). A figure stated
    approximately (``500余份``) does not match: only an exact count decides a split."""

    table: str
    versions: tuple[str, ...]
    #: (row key, the names a sentence uses for it), most specific name first.
    rows: tuple[tuple[str, tuple[str, ...]], ...]
    field: str
    patterns: tuple[str, ...]


_DOC_OBJECTS = (("rules", ("规章",)), ("normative_documents", ("行政规范性文件", "规范性文件")))
_COUNT = r"(?:共|合计|共计)?(?P<value>\d+)(?:件|份|个)"

NARRATIVE_CELLS: tuple[NarrativeCell, ...] = (
    NarrativeCell(
        "active_disclosure",
        ("2021",),
        _DOC_OBJECTS,
        "issued",
        (r"(?:新制定|制定|制发|印发|出台|发布)了?{object}" + _COUNT,),
    ),
    NarrativeCell(
        "active_disclosure", ("2019",), _DOC_OBJECTS, "made", (r"(?:新制定|制定|制发|印发|出台)了?{object}" + _COUNT,)
    ),
    NarrativeCell(
        "active_disclosure",
        ("2021",),
        _DOC_OBJECTS,
        "repealed",
        (r"废止了?{object}" + _COUNT, r"{object}废止" + _COUNT),
    ),
    NarrativeCell(
        "active_disclosure",
        ("2021",),
        _DOC_OBJECTS,
        "in_force",
        (r"现行有效的?{object}" + _COUNT, r"{object}现行有效的?" + _COUNT),
    ),
)


@dataclass(frozen=True)
class CrossYearRule:
    """A relation between one organ's reports of consecutive years:
    ``this[target] = sum(sign * last[cell]) + sum(sign * this[cell])``.

    ``over`` lists what ``*`` stands for in the cell names: the columns of a per-column
    rule, or the rows of a per-row one. Corrections happen between years, so a broken
    relation is a warning naming both reports, never a repair.
    """

    name: str
    table: str
    versions: tuple[str, ...]
    over: tuple[str, ...]
    target: tuple[str, str]
    last: tuple[tuple[str, str, int], ...]
    this: tuple[tuple[str, str, int], ...] = ()
    description: str = ""


CROSS_YEAR_RULES: tuple[CrossYearRule, ...] = (
    CrossYearRule(
        "cross.carried_over",
        "applications",
        VERSIONS,
        tuple(f.key for f in APPLICANT_COLUMNS),
        target=("carried_over", "*"),
        last=(("carried_forward", "*", +1),),
        description="per column: this year's carried_over = last year's carried_forward",
    ),
    CrossYearRule(
        "cross.in_force",
        "active_disclosure",
        ("2021",),
        ("rules", "normative_documents"),
        target=("*", "in_force"),
        last=(("*", "in_force", +1),),
        this=(("*", "issued", +1), ("*", "repealed", -1)),
        description="per row (规章, 行政规范性文件): in force = last year's in force + issued − repealed",
    ),
    CrossYearRule(
        "cross.items",
        "active_disclosure",
        ("2019",),
        ("licensing", "other_services", "punishment", "coercion", "fees"),
        target=("*", "previous"),
        last=(("*", "previous", +1), ("*", "change", +1)),
        description="per row (行政许可 … 行政事业性收费): last year's items = the year before's + its change",
    ),
)


# --------------------------------------------------------------------------- before 2019

#: What the generator draws for the headings of reports from before the 2019 template: the
#: six sections' old titles, and the other headings those reports print (derived: one home each).
PRE_2019_SECTION_TITLES: dict[str, tuple[str, ...]] = {s.key: s.old_titles for s in SECTIONS}
PRE_2019_OTHER_HEADINGS = tuple(t for t, old in UNKEYED_SECTION_TITLES.items() if old)
#: The statistics table those reports end with (no national template: nothing in it is read
#: as a table): its header, with ``{year}`` the reporting year, and its rows as
#: (label, unit, sub-items printed ``其中:1、…`` under it).
PRE_2019_STATISTICS_HEADER = ("指标名称", "计量单位", "{year}年度", "历年累计")
PRE_2019_STATISTICS_ROWS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("主动公开政府信息数", "条", ("政府网站公开数", "政府公报公开数", "其他方式公开数")),
    ("受理依申请公开信息总数", "条", ("当面申请数", "传真申请数", "电子邮件申请数", "网上申请数", "信函申请数")),
    ("对申请的答复总数", "条", ("同意公开答复数", "同意部分公开答复数", "否决公开答复数", "其他类型答复数")),
    ("行政复议数", "件", ()),
    ("行政诉讼数", "件", ()),
    ("行政申诉、举报数", "件", ()),
    ("依申请公开信息收取的费用", "万元", ()),
    ("政府信息公开咨询数", "人次", ()),
)
