"""The words of a synthetic report around its tables: organ names, title, the opening
paragraph full of numbers that are not figures (dates, 〔2021〕30号, phone numbers,
postcodes, addresses, 第二十条), section and subsection headings (variants from
:mod:`gongkai.model.template`), narrative paragraphs with figures, decoy numbered
paragraphs, and the web page's chrome.

>>> import random
>>> from gongkai.training.synth_builder import Builder
>>> b = Builder(); figure(b, random.Random(3), "新增主动公开信息", 815, "条")
>>> [(b.text()[s[0]:s[1]], s[2]) for s in b.spans]
[('新增主动公开信息815条', '_FIG'), ('新增主动公开信息', 'FIG_METRIC'), ('815', 'FIG_VALUE'), ('条', 'FIG_UNIT')]
"""

from __future__ import annotations

import random
from typing import Any

from gongkai.model import template as T

from gongkai.training.synth_builder import Builder

_PLACE_A = "弋奎瑞定随江海青安永宁新丰平清龙华云武长兴临泰金德东南西北沭"
_PLACE_B = "阳屯安海县山城川源化都宁乡溪州口水和昌林丰江"
_PLACE_KIND = ("县", "市", "区", "县", "市")
_PROVINCES = ("江西省", "浙江省", "湖北省", "新疆维吾尔自治区", "江苏省", "山东省", "四川省")
_BODIES = ("人民政府", "人民政府办公室", "住房建设保障中心", "市场监督管理局", "自然资源和规划局", "教育局",
           "卫生健康委员会", "政务服务办", "财政局", "交通运输局", "民政局", "生态环境局", "公安局",
           "人力资源和社会保障局", "农业农村局", "水利局", "审计局", "统计局", "应急管理局", "司法局")
_TOWN_BODIES = ("镇人民政府", "乡人民政府", "街道办事处")


def place(rng: random.Random) -> str:
    return rng.choice(_PLACE_A) + rng.choice(_PLACE_B) + rng.choice(_PLACE_KIND)


def organ(rng: random.Random) -> str:
    """A reporting body's name: a place and a body word (sometimes a town inside it)."""
    p = place(rng)
    if rng.random() < 0.15:
        return p + rng.choice(_PLACE_A) + rng.choice(_PLACE_B) + rng.choice(_TOWN_BODIES)
    return p + rng.choice(_BODIES)


# --------------------------------------------------------------------------- figures

#: (metric, unit, low, high): counts a narrative states.
FIGURE_METRICS = (
    ("新增主动公开信息", "条", 10, 20000), ("主动公开政府信息", "条", 10, 50000), ("发布政策解读", "篇", 1, 200),
    ("召开新闻发布会", "场", 1, 40), ("开设专题专栏", "个", 1, 40), ("受理市长信箱信件", "封", 1, 2000),
    ("公开政务服务事项", "项", 1, 3000), ("发布政务动态", "条", 1, 5000), ("更新政府信息公开指南", "次", 1, 12),
    ("开展业务培训", "次", 1, 30), ("培训人员", "人次", 10, 3000), ("收到网民留言", "件", 1, 9000),
    ("政府网站访问量", "万人次", 1, 500), ("公开财政预决算信息", "条", 1, 300), ("发布人事信息", "条", 1, 200),
    ("修改错别字", "处", 1, 20000), ("政务新媒体发布信息", "条", 1, 30000), ("收取信息处理费", "元", 0, 5000),
)
RATE_METRICS = ("办复率", "按时办结率", "满意率", "公开率", "回应率", "进驻率", "合法性审查率")


def figure(b: Builder, rng: random.Random, metric: str, value: int | float, unit: str,
           approximate: bool = False, metric_after: bool = False) -> None:
    """Write one figure: metric, number and unit with their labels, plus a ``_FIG`` span
    over the whole phrase that becomes ``meta["figures"]``."""
    vtext = str(value) + ("余" if approximate else "")
    fig = b.open("_FIG", metric=metric, value=value, unit=unit, approximate=approximate)
    if metric_after:  # 共发布815条政府信息
        b.add(vtext, "FIG_VALUE", value=value)
        b.add(unit, "FIG_UNIT")
        b.add(rng.choice(("", "", "的")))
        b.add(metric, "FIG_METRIC")
    else:
        b.add(metric, "FIG_METRIC")
        b.add(rng.choice(("", "", "共", "达", "累计")))
        b.add(vtext, "FIG_VALUE", value=value)
        b.add(unit, "FIG_UNIT")
    b.close(fig)


def _random_figure(b: Builder, rng: random.Random) -> None:
    r = rng.random()
    if r < 0.15:
        metric = rng.choice(RATE_METRICS)
        fig = b.open("_FIG", metric=metric, value=100, unit="%", approximate=False)
        b.add(metric, "FIG_METRIC")
        b.add(rng.choice(("达", "达到", "均达", "为")))
        b.add("100", "FIG_VALUE", value=100)
        b.add("%", "FIG_UNIT")
        b.close(fig)
        return
    metric, unit, lo, hi = rng.choice(FIGURE_METRICS)
    value: int | float = rng.randint(lo, hi)
    approximate = value >= 100 and rng.random() < 0.2
    if approximate:
        value = round(value, -2)
    if unit.startswith("万") and rng.random() < 0.4:
        value = round(rng.uniform(lo, hi), 1)
    figure(b, rng, metric, value, unit, approximate, metric_after=rng.random() < 0.25)


_LEADS = ("全年", "本年度", "通过政府门户网站", "截至12月31日", "今年以来", "其中", "同时", "此外")
_FILLER = ("坚持以公开为常态、不公开为例外", "进一步规范政府信息公开工作", "不断提升政务公开质量和实效",
           "切实保障人民群众的知情权、参与权、表达权和监督权", "严格落实《条例》要求",
           "推进决策、执行、管理、服务、结果公开", "及时回应社会关切", "强化政策解读和信息发布")
_NONFIGURES = (
    "依据《中华人民共和国政府信息公开条例》(国务院令第711号)第五十条规定",
    "按照国办公开办函〔{doc_year}〕{doc_no}号文件要求",
    "统计期限自{year}年1月1日起至{year}年12月31日止",
    "联系电话:{phone}",
    "邮编:{postcode}",
    "地址:{address}",
    "根据《条例》第二十条规定",
    "于{year}年{month}月{day}日印发",
    "依据〔{year}〕{doc_no}号文件",
)


def nonfigure(rng: random.Random, year: int, where: str) -> str:
    """A clause with numbers that are not figures (they stay O)."""
    return rng.choice(_NONFIGURES).format(
        doc_year=rng.choice((2019, 2021)), doc_no=rng.choice((30, 60)) if rng.random() < 0.7 else rng.randint(1, 99),
        year=year, phone=f"0{rng.randint(100, 999)}-{rng.randint(1000000, 89999999)}",
        postcode=str(rng.randint(100000, 850000)), address=f"{where}{rng.choice('建人民解放中山')}路{rng.randint(1, 300)}号",
        month=rng.randint(1, 12), day=rng.randint(1, 28))


def paragraph(b: Builder, rng: random.Random, year: int, where: str, figures: int) -> None:
    """A narrative paragraph: filler clauses, some figures (one or several per sentence,
    sometimes in parentheses), some non-figures."""
    b.add(rng.choice(_LEADS) + ",")
    count = rng.randint(1, 3) + figures
    for i in range(count):
        r = rng.random()
        if figures > 0 and r < 0.55:
            figures -= 1
            if rng.random() < 0.2:
                b.add(rng.choice(_FILLER) + "(")
                _random_figure(b, rng)
                b.add(")")
            else:
                _random_figure(b, rng)
                if figures and rng.random() < 0.4:
                    figures -= 1
                    b.add("、")
                    _random_figure(b, rng)
        elif r < 0.75:
            b.add(nonfigure(rng, year, where))
        else:
            b.add(rng.choice(_FILLER))
        b.add("。" if i == count - 1 else rng.choice(("。", ",", ";")))
    b.add("\n")


# --------------------------------------------------------------------------- headings

_SUBSECTION_TITLES = ("强化主动公开", "强化依申请公开", "强化政府信息管理", "强化平台建设", "强化工作监督保障",
                      "明确公开要点、强化落实责任", "完善机制,强化督导考核", "围绕重点,高质量实施政务服务信息公开",
                      "从严从实,做好政府信息管理", "加强组织明确职责", "健全公开工作机制")
#: Numbered paragraphs that look like headings and are not (decoys; O).
DECOYS = ("考核考绩待加强,信息公开存短板", "人员紧张任务重,效率与矛盾并存", "创新动力待激发,工作深度待提升",
          "公开意识需要进一步强化", "信息更新不够及时")


def section_heading(b: Builder, rng: random.Random, key: str, number: str, html: bool) -> None:
    sec = T.section(key)
    title = sec.title if rng.random() < 0.6 else rng.choice(sec.titles)
    b.add("<p><strong>" if html else "")
    span = b.open("SECTION")
    b.add(f"{number}、")
    b.add(title)
    b.close(span)
    b.spans.append([span[0], span[1], "_SECTION", {"key": key, "number": number, "title": title}])
    b.add("</strong></p>\n" if html else "\n")


def subsection(b: Builder, rng: random.Random, n: int, run_in: bool, year: int, where: str, html: bool) -> None:
    b.add("<p>" if html else "")
    title = rng.choice(_SUBSECTION_TITLES)
    b.add(f"({T.CHINESE_NUMBERS[n]}){title}", "SUBSECTION")
    if run_in:
        b.add("。")
        paragraph(b, rng, year, where, rng.randint(0, 2))
    else:
        b.add("\n")
    b.add("</p>\n" if html else "")


def decoy(b: Builder, rng: random.Random, n: int, year: int, where: str) -> None:
    b.add(f"{T.CHINESE_NUMBERS[n]}、{rng.choice(DECOYS)}。")
    paragraph(b, rng, year, where, 0)


# --------------------------------------------------------------------------- chrome

def chrome_top(rng: random.Random, organ_name: str) -> list[str]:
    return rng.sample([
        "首页 > 政务公开 > 政府信息公开年报", "当前位置:首页 > 信息公开 > 年度报告",
        f"发布时间:{rng.randint(2019, 2025)}-0{rng.randint(1, 3)}-{rng.randint(10, 28)} 浏览次数:{rng.randint(1, 9999)}",
        f"来源:{organ_name}", "字号:[大 中 小] 打印本页 关闭窗口", "【字体:大 中 小】", "分享到:",
    ], rng.randint(1, 4))


def chrome_bottom(rng: random.Random, where: str) -> list[str]:
    return rng.sample([
        f"您访问的链接即将离开“{where}人民政府”门户网站,是否继续?", "您的浏览器版本太低!",
        "为了更好的浏览体验,建议升级您的浏览器!", f"备案号:赣ICP备{rng.randint(10000000, 99999999)}号",
        f"网站标识码:{rng.randint(1000000000, 9999999999)}", "主办单位:" + where + "人民政府办公室",
        "打印本页 关闭窗口", f"公网安备 {rng.randint(10**13, 10**14 - 1)}号",
    ], rng.randint(1, 4))


def page_chrome(rng: random.Random, organ_name: str) -> list[str]:
    """PDF page headers/footers that land inside a table."""
    n = rng.randint(2, 30)
    return [f"— {n} —", f"- {n} -", f"第{n}页 共{n + rng.randint(0, 5)}页", organ_name]


def title(b: Builder, rng: random.Random, organ_name: str, year: int, html: bool) -> None:
    b.add("<h1>" if html else "")
    if rng.random() < 0.5:
        b.add(organ_name, "ORGAN")
        b.add(str(year), "YEAR")
        b.add("年" + rng.choice(("政府信息公开工作年度报告", "政府信息公开年度报告", "度政府信息公开工作年度报告")))
    else:
        b.add(str(year), "YEAR")
        b.add("年")
        b.add(organ_name, "ORGAN")
        b.add(rng.choice(("政府信息公开工作年度报告", "政府信息公开年度报告")))
    b.add("</h1>\n" if html else "\n")


def intro(b: Builder, rng: random.Random, organ_name: str, year: int, where: str, html: bool) -> None:
    b.add("<p>" if html else "")
    b.add(nonfigure(rng, year, where) + ",编制本报告。")
    b.add(f"本年度报告中所列数据的统计期限自{year}年1月1日起至{year}年12月31日止。")
    if rng.random() < 0.6:
        b.add("如对本报告有任何疑问,请与")
        b.add(organ_name, "ORGAN")
        b.add(f"联系(地址:{where}建设路{rng.randint(1, 200)}号,"
              f"电话:0{rng.randint(100, 999)}-{rng.randint(1000000, 9999999)},邮编:{rng.randint(100000, 850000)})。")
    if rng.random() < 0.5:
        b.add("现将")
        b.add(str(year), "YEAR")
        b.add("年政府信息公开工作情况报告如下:")
    b.add("</p>\n" if html else "\n")


def application_figure(b: Builder, rng: random.Random, year: int, total: int) -> None:
    """The sentence the ``narrative.applications`` rule checks."""
    b.add(f"{year}年," + rng.choice(("我单位共", "全年共", "本机关")))
    figure(b, rng, rng.choice(T.APPLICATION_FIGURE_METRICS), total, "件")
    b.add(rng.choice((",均按时办结。", ",已全部办结。", "。")) + "\n")


def closing_text(rng: random.Random) -> str:
    return rng.choice(("无。", "无其他需要报告的事项。", "本年度未收取信息处理费。无其他需要报告的事项。"))


def wrap_html(b: Builder, html: bool, start: bool) -> None:
    if html:
        b.add("<p>" if start else "</p>\n")


def body_paragraph(b: Builder, rng: random.Random, year: int, where: str, figures: int, html: bool) -> None:
    wrap_html(b, html, True)
    paragraph(b, rng, year, where, figures)
    wrap_html(b, html, False)


def section_number(rng: random.Random, index: int, shift: int) -> str:
    return T.CHINESE_NUMBERS[index - shift]


def metadata_section(span: list[Any]) -> dict[str, Any]:
    info = span[3]
    return {"key": info["key"], "number": info["number"], "title": info["title"], "start": span[0], "end": span[1]}
