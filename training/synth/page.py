"""The page around a synthetic report, as archives and old reports print it: the crawler's
header lines and the site's chrome of a page scraped onto one line (the 平潭 pages of
``shared/real``), Word's style sheet leaking into the text, HTML comments, the signature
and date at the end, and whole reports from before the 2019 template (narrative and an old
statistics table, no national tables).

Labels follow ``annotations/GUIDELINE.md`` ("Real scraped layouts"): the crawler header,
breadcrumbs, share buttons, style sheets, comments and ``附件下载`` are O even where they
repeat the title; the signature's body name is ORGAN and its date O; every top-level heading
of an old report is a SECTION (its key by meaning, or ``None``), and nothing of its
statistics table is labelled.

>>> import random
>>> lines = crawler_header(random.Random(1), "某县2021年政府信息公开工作年度报告", "2022-01-25 10:40")
>>> lines[0], lines[-1]
('标题: 某县2021年政府信息公开工作年度报告', '==================== 正文 ====================')
>>> chinese_date(2014, 1, 10)
'二○一四年一月十日'
"""

from __future__ import annotations

import random

from gongkai.model import template as T

from . import text as W
from .builder import Builder

_SITES = ("pingtan", "ruian", "kuitun", "dinghai", "suixian", "yiyang", "linhai", "anning")


def page_date(rng: random.Random, year: int) -> tuple[int, int, int]:
    """When a report on ``year`` is published: January to March of the next year."""
    return year + 1, rng.randint(1, 3), rng.randint(1, 28)


def crawler_header(rng: random.Random, title: str, stamp: str, organ: str = "") -> list[str]:
    """The archive's header lines (all O), up to and including the ``正文`` rule."""
    site = rng.choice(_SITES)
    ymd = stamp[:10].replace("-", "")
    doc = rng.randint(10000, 120000)
    path = f"zwgk/zfxxgk/{rng.choice(('dfbmptlj', 'bmxxgk', 'zfxxgknb'))}/{rng.choice(('ptzhsyqbm', 'xzbm', 'bm'))}/zfxxgknb/{ymd[:6]}"
    return [
        f"标题: {title}",
        f"发布时间: {stamp}",
        "文号: ",
        f"发布机构: {organ if rng.random() < 0.4 else ''}",
        "栏目: 政府信息公开年报",
        f"原文链接: https://www.{site}.gov.cn/{path}/t{ymd}_{doc}.htm",
        f"本地目录: {path}/{doc}_{title}",
        "页面链接与图片详见 links.tsv(同目录)",
        "==================== 正文 ====================",
    ]


def breadcrumb(rng: random.Random, title: str, stamp: str, organ: str) -> str:
    """The site's chrome that opens the scraped body (O)."""
    return (
        f"当前位置: 首页政务公开政府信息公开{organ if rng.random() < 0.7 else ''}政府信息公开年报 {title} "
        f"来源: {organ if rng.random() < 0.3 else ''} 时间:{stamp} --> 微信 微博 QQ空间 全真版 文字版 文件下载 相关链接: "
    )


#: Word's style sheet as a scraper keeps it when it drops the tags (O).
WORD_CSS = (
    "Normal 0 7.8 磅 0 2 false false false EN-US ZH-CN X-NONE /* Style Definitions */ "
    "table.MsoNormalTable {mso-style-name:普通表格; mso-tstyle-rowband-size:0; mso-tstyle-colband-size:0; "
    'mso-style-noshow:yes; mso-style-priority:99; mso-style-parent:""; mso-padding-alt:0cm 5.4pt 0cm 5.4pt; '
    "mso-para-margin:0cm; mso-para-margin-bottom:.0001pt; mso-pagination:widow-orphan; font-size:10.0pt; "
    'font-family:"Times New Roman","serif";}'
)
#: Conditional comments Word leaves before a table (the normaliser renders the page as HTML then).
HTML_COMMENTS = ("<!--[if !supportMisalignedColumns]--><!--[endif]-->", "<!--[if gte mso 9]><![endif]-->")
PAGE_ENDS = ("附件下载", "(此件主动公开)", "打印本页 关闭窗口", "【关闭】 【打印】")


def word_css(rng: random.Random) -> str:
    return WORD_CSS if rng.random() < 0.7 else WORD_CSS[: WORD_CSS.index("/*")].strip()


def chinese_date(year: int, month: int, day: int) -> str:
    """A date in Chinese numerals, as old reports sign them."""
    digits = "○一二三四五六七八九"

    def small(n: int) -> str:
        if n <= 10:
            return "十" if n == 10 else digits[n]
        return ("" if n < 20 else digits[n // 10]) + "十" + (digits[n % 10] if n % 10 else "")

    return "".join(digits[int(c)] for c in str(year)) + f"年{small(month)}月{small(day)}日"


def signature(b: Builder, rng: random.Random, organ: str, year: int, sep: str = " ") -> None:
    """``平潭综合实验区君山片区管理局 2022年1月7日``: the body by its name (ORGAN), the date O."""
    y, m, d = page_date(rng, year)
    b.add(organ, "ORGAN")
    b.add(sep + (f"{y}年{m}月{d}日" if rng.random() < 0.9 else chinese_date(y, m, d)) + "\n")


# --------------------------------------------------------------------------- before 2019


def _old_title(rng: random.Random, key: str | None) -> str:
    if key is None:
        return rng.choice(T.PRE_2019_OTHER_HEADINGS)
    return rng.choice(T.PRE_2019_SECTION_TITLES[key])


def _old_heading(b: Builder, rng: random.Random, key: str | None, number: str) -> None:
    span = b.open("SECTION")
    title = _old_title(rng, key)
    b.add(f"{number}、{rng.choice(('', ' ')) if rng.random() < 0.2 else ''}{title}")
    b.close(span)
    b.spans.append([span[0], span[1], "_SECTION", {"key": key, "number": number, "title": title}])
    b.add("\n")


def statistics_table(rng: random.Random, year: int) -> str:
    """The old 政府信息公开情况统计表, printed the way one-line pages print it (O)."""
    sep = rng.choice((" ", " ", ""))
    head = [h.format(year=year) for h in T.PRE_2019_STATISTICS_HEADER]
    cells: list[str] = list(head)
    for label, unit, items in T.PRE_2019_STATISTICS_ROWS:
        if rng.random() < 0.25 and not items:
            continue
        total = W._number(rng, 0, 90000) if rng.random() < 0.5 else 0
        cells += [label, unit, str(total), str(total + (W._number(rng, 0, 90000) if total else 0))]
        for n, item in enumerate(items[: rng.randint(1, len(items))] if items else ()):
            cells += [
                ("其中:" if n == 0 else "") + f"{n + 1}{rng.choice(('、', '.'))}{item}",
                unit,
                str(total if n == 0 else 0),
            ]
            if rng.random() < 0.8:
                cells.append(str(total if n == 0 else 0))
    return sep.join(cells)


def pre2019(b: Builder, rng: random.Random, ctx: W.Ctx, titled: bool = True) -> None:
    """A report from before the 2019 template: its own headings (概述, 政府信息依申请公开工作情况,
    主要问题和改进措施, 政府信息公开情况统计表), narrative with figures, the old statistics
    table at the end; no national table."""
    keys: list[str | None] = ["overview", "active_disclosure", "applications"]
    if rng.random() < 0.6:
        keys.append("reviews")
    keys.append("problems")
    stats_heading = rng.random() < 0.5
    if stats_heading:
        keys.append(None)
    elif rng.random() < 0.3:
        keys.append("other")
    if titled:
        W.title(b, rng, ctx.organ, ctx.year, False, ctx.where)
    b.add(
        "本报告根据《中华人民共和国政府信息公开条例》(以下简称《条例》)要求编制。本报告由"
        + "、".join(_old_title(rng, k) for k in keys)
        + f"共{T.CHINESE_NUMBERS[len(keys) - 1]}个部分组成。"
        + rng.choice(("本报告所列数据的统计期限自", "本报告中所列数据统计期限自"))
    )
    b.add(str(ctx.year), "YEAR")
    b.add("年1月1日起至")
    b.add(str(ctx.year), "YEAR")
    b.add("年12月31日止。如对本报告有任何疑问,请与")
    b.add(ctx.organ, "ORGAN")
    b.add(f"政府信息公开办公室联系(电话:{W._phone(rng)})。\n")
    for i, key in enumerate(keys):
        _old_heading(b, rng, key, T.CHINESE_NUMBERS[i])
        if key is None:
            b.add(statistics_table(rng, ctx.year) + "\n")
        elif key == "overview":
            W.overview(b, rng, ctx, rng.randint(2, 8))
        elif key == "active_disclosure":
            for n in range(rng.randint(1, 3)):
                W.subsection(
                    b, rng, n, rng.random() < 0.5, ctx.year, ctx.where, False, ctx, "active", rng.randint(1, 3)
                )
        elif key == "applications":
            if rng.random() < 0.5:
                b.add(f"{ctx.year}年{rng.choice(('全区', '我局', '本机关', ''))}未收到有关政府信息公开的申请。\n")
            else:
                W.application_figure(b, rng, ctx.year, rng.randint(1, 60))
        elif key == "reviews":
            b.add(f"{ctx.year}年未发生{rng.choice(('', '因政府信息公开申请'))}行政复议、提起行政诉讼的情况。\n")
        elif key == "problems":
            W.problems(b, rng, ctx)
        else:
            b.add(W.closing_text(rng) + "\n")
    if not stats_heading:
        y, m, d = page_date(rng, ctx.year)
        b.add(chinese_date(y, m, d) + "\n")
        b.add("政府信息公开情况统计表\n")
        b.add(statistics_table(rng, ctx.year) + "\n")
