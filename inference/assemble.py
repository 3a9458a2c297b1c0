"""Tags + the format knowledge → one report's structure: year, organ, sections, tables, figures.

Works on entities in normalised offsets and maps every offset it reports back to the
caller's text through the :class:`~gongkai.inference.normalise.Normalised` map.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from gongkai.model import template as T
from gongkai.model.labels import Label

from .entities import Entity
from .figures import FigureHit, assemble_figures
from .sections import heading_span, is_heading_hit, missing_headings, section_key, snap_to_line, split_heading
from .tables import AssembledTable, assemble_tables

_YEAR = re.compile(r"(?<!\d)(19[89]\d|20\d\d)(?!\d)")


@dataclass
class SectionHit:
    key: str | None
    number: str | None
    title: str
    start: int  # source offsets
    end: int


@dataclass
class Assembly:
    year: int | None
    organ: str | None
    sections: list[SectionHit]
    tables: dict[str, AssembledTable]
    figures: list[FigureHit]
    notes: list[str] = field(default_factory=list)


# A year the text states (2023年, 2023年度), not as part of a full date (2024年1月5日).
_STATED_YEAR = re.compile(r"(?<!\d)((?:19[89]|20\d)\d)年(?!\d{1,2}月)")


def stated_year(text: str) -> int | None:
    """The year a report's text states most often outside full dates: the reporting year
    when the tagger marked none (reports name their year again and again; the publication
    date is a full date).

    >>> stated_year("2023年,本中心……2023年度……于2024年1月5日发布……2023年全年")
    2023
    """
    return _year([], text)


def _year(entities: list[Entity], text: str = "") -> int | None:
    """The tagged reporting year, weighed against how often the text states each year: a
    tagged mention counts three times, any other statement of a year once."""
    tagged = [int(m.group(1)) for e in entities if e.label == Label.YEAR for m in [_YEAR.search(e.text)] if m]
    stated = [int(m.group(1)) for m in _STATED_YEAR.finditer(text)]
    votes = Counter(stated)
    for y in tagged:
        votes[y] += 3
    if not votes:
        return None
    top = max(votes.values())
    return next(y for y in (*tagged, *stated) if votes[y] == top)  # the first on a tie


_CJK = re.compile(r"[\u3400-\u9fff]")
#: How far past the tagged span an organ name may run to reach its suffix (``随`` + ``县人民政府``,
#: ``弋丰市`` + ``自然资源和规划局``).
_ORGAN_REACH = 8


def _runs_on(text: str, start: int, p: int) -> bool:
    """Whether an organ suffix starts before ``p`` and goes on past it (``…委`` + ``员会``)."""
    return any(text.startswith(sf, q) for sf in T.ORGAN_SUFFIXES for q in range(max(start, p - len(sf) + 1), p))


def organ_readings(text: str, start: int, end: int) -> tuple[str, ...]:
    """The whole names an ORGAN span may stand for: the span itself when it ends in an organ
    suffix (:data:`~gongkai.model.template.ORGAN_SUFFIXES`) that does not run on past it;
    else the longest name inside it that ends in one and the shortest that the text goes on
    to complete (within a few characters, Chinese characters only). Empty when neither exists.

    >>> t = "通过随县人民政府网站。请与弋阳县保障中心办公室联系"
    >>> organ_readings(t, 2, 3)
    ('随县人民政府',)
    >>> organ_readings(t, 13, 21)  # 中心 + 办…: the 中心, or its 办公室
    ('弋阳县保障中心', '弋阳县保障中心办公室')
    >>> organ_readings(t, 2, 8)
    ('随县人民政府',)
    """
    run_end = end
    while run_end < len(text) and run_end - end < _ORGAN_REACH and _CJK.match(text[run_end]):
        run_end += 1
    ends = [
        p
        for p in range(start + 1, run_end + 1)
        if text[start:p].endswith(T.ORGAN_SUFFIXES) and not _runs_on(text, start, p)
    ]
    if end in ends:
        return (text[start:end],)
    trim = [p for p in ends if p < end]
    more = [p for p in ends if p > end]
    return tuple(text[start:p] for p in ([max(trim)] if trim else []) + ([min(more)] if more else []))


#: A report's own title at the start of a line or after a label (``标题:``): the name, then the
#: year (on the next line when the name stands on a line of its own), then the kind of report
#: ending the line (``现将本局2023年…年度报告公布如下`` is a sentence, not a title).
_TITLE = re.compile(
    r"(?:^|[:：])[ \t]*([\u3400-\u9fff（）()]{3,40}?)\s*(?:19[89]\d|20\d\d)年度?(?:"
    + "|".join(T.REPORT_KINDS)
    + r")[ \t]*$",
    re.M,
)


def title_organ(text: str) -> str | None:
    r"""The body named in the report's own title, when the name ends as an organ's does.

    >>> title_organ("标题: 平潭综合实验区苏平片区管理局2022年度政府信息公开工作年度报告\n正文")
    '平潭综合实验区苏平片区管理局'
    >>> title_organ("淮安市人民政府\n2024年政府信息公开工作年度报告\n本报告由…")
    '淮安市人民政府'
    >>> title_organ("现将平潭县人民政府2013年政府信息公开工作年度报告公布如下") is None  # a sentence
    True
    """
    for m in _TITLE.finditer(text):
        if m.group(1).endswith(T.ORGAN_SUFFIXES):
            return m.group(1)
    return None


def _same_body(name: str) -> str:
    for full, short in T.ORGAN_SHORT_FORMS.items():
        name = name.replace(full, short)
    return name


def _organ(entities: list[Entity], text: str = "") -> str | None:
    """The reporting body: the name most ORGAN mentions support, the longest on a tie; with
    no mention, the name in the report's title (:func:`title_organ`).

    Each mention is snapped to whole names (:func:`organ_readings`; one that could be two
    names supports both). A mention cut short — not a whole name itself, or the tail of a
    longer one (``输局``) — supports the whole names of other mentions it is part of
    (``弋林市`` and ``弋林市应急管理局``) rather than its own guess. Short forms count with
    their full form, which is the one reported.
    """
    mentions = [e for e in entities if e.label == Label.ORGAN and e.text.strip()]
    # The title's name is whole where a mention lost a first character the tagger cannot
    # read (淮 of 淮安市人民政府) or misses (苏 of 苏平片区管理局): mentions part of it support it.
    titled = title_organ(text)
    if not mentions:
        return titled
    own = [(organ_readings(text, e.start, e.end) if text else ()) for e in mentions]
    whole = [r == (e.text,) for r, e in zip(own, mentions)]
    supported: list[tuple[str, ...]] = []
    for i, e in enumerate(mentions):
        others = {q for j, rs in enumerate(own) if j != i for q in rs if len(q) > len(e.text)}
        if titled and len(titled) > len(e.text):
            others.add(titled)
        part_of = sorted(q for q in others if (q.endswith(e.text) if whole[i] else e.text in q))
        supported.append(tuple(part_of) or own[i] or (e.text.strip(),))
    votes: Counter = Counter()
    members: dict[str, list[str]] = {}
    for names in supported:
        for body in dict.fromkeys(map(_same_body, names)):
            votes[body] += 1
        for n in names:
            members.setdefault(_same_body(n), []).append(n)
    top = max(votes.values())
    # On a tie the longest name: a name misprinted short (平潭综合区… for 平潭综合实验区…) or
    # cut short ties with the whole one, never the other way round.
    body = max((b for b in members if votes[b] == top), key=len)
    return max(members[body], key=len)


def _sections(norm, entities: list[Entity], template_report: bool = True) -> list[SectionHit]:
    """SECTION entities snapped to their lines and to the title the format knows (a sentence
    glued on cut off), the ones that cannot be headings dropped, and the headings the tagger
    missed found by the heading test (:func:`missing_headings`). A report from before the
    templates gets keys by title only: its parts are numbered its own way."""
    found: list[tuple[str | None, str | None, int, int]] = []
    for e in entities:
        if e.label != Label.SECTION:
            continue
        a, b = heading_span(norm.text, *snap_to_line(norm.text, e.start, e.end))
        number, title = split_heading(norm.text[a:b])
        key = section_key(number, title, by_number=template_report)
        if is_heading_hit(norm.text, a, number, key) or (number is not None and not template_report):
            found.append((key, number, a, b))
    tagged = [(e.start, e.end) for e in entities if e.label != Label.SECTION]
    for a, b in missing_headings(norm.text, found, tagged):
        number, title = split_heading(norm.text[a:b])
        found.append((section_key(number, title, by_number=template_report), number, a, b))
    out = []
    for key, number, a, b in sorted(found, key=lambda f: f[2]):
        s, t = norm.to_source(a, b)
        out.append(SectionHit(key, number, split_heading(norm.text[a:b])[1], s, t))
    return out


#: Template rows filled plus 第二十条 block titles (printed by the templates only) that outweigh a
#: year before the templates or an old-style statistics table: a 2013 report's 行政复议数 matches
#: one row of table 4; a template report has dozens.
_TEMPLATE_EVIDENCE = 3


_ARTICLE_TITLE = re.compile(re.escape(T.ARTICLE_TITLE).replace(r"\{item\}", "[一二三四五六七八九十]"))


def outside_templates(text: str, year: int | None, tables: dict[str, AssembledTable]) -> str | None:
    """Why a report has no template tables, or ``None`` when it has them: its year is before
    the first template's, or its statistics table is the old-style one (指标名称 / 计量单位 /
    历年累计) — unless its tables look like the templates' (a year mis-read is likelier than a
    template table in a 2013 report)."""
    rows = {(name, r) for name, t in tables.items() for r, _ in t.data.cells}
    titles = len(_ARTICLE_TITLE.findall(text))
    if len(rows) + titles >= _TEMPLATE_EVIDENCE:
        return None
    if year is not None and year < T.FIRST_TEMPLATE_YEAR:
        return (
            f"a {year} report: the national table templates start with the {T.FIRST_TEMPLATE_YEAR} reports "
            f"({T.VERSION_SOURCES['2019']}), so no template table is read"
        )
    if all(w in text for w in T.OLD_STATISTICS_WORDS):
        return (
            "its statistics table is the old-style one ("
            + " / ".join(T.OLD_STATISTICS_WORDS)
            + "), not a national template: no template table is read"
        )
    return None


def assemble(norm, entities: list[Entity]) -> Assembly:
    entities = sorted(entities, key=lambda e: (e.start, e.end))
    year = _year(entities, norm.text)
    tables = assemble_tables(entities, norm.text, year=year)
    why_not = outside_templates(norm.text, year, tables)
    if why_not is not None:
        tables = {}
    sections = _sections(norm, entities, template_report=why_not is None)
    figures = assemble_figures(norm.text, entities)
    notes = [n for t in tables.values() for n in t.notes] if why_not is None else [f"no template tables: {why_not}"]
    return Assembly(year, _organ(entities, norm.text), sections, tables, figures, notes)
