"""The words of a synthetic report around its tables: organ names, title, the opening
paragraph full of numbers that are not figures (dates, 〔2021〕30号, phone numbers,
postcodes, addresses, 第二十条), section and subsection headings (variants from
:mod:`gongkai.model.template`), narrative paragraphs composed from the phrase banks of
:mod:`gongkai.training.synth.phrases` with many figures, decoy numbered paragraphs, and
the web page's chrome.

Labels follow ``annotations/GUIDELINE.md``: a figure's metric is the counted thing with its
verb when it comes before the number, the noun alone when it follows; scope, means, links
(``共``, ``:``) and list numbering stay O; the organ is ORGAN wherever it is named; YEAR
only in the title, the statistics period, the preamble and the overview's opening.

>>> import random
>>> from gongkai.training.synth.builder import Builder
>>> b = Builder(); figure(b, random.Random(3), "新增主动公开信息", 815, "条")
>>> [(b.text()[s[0]:s[1]], s[2]) for s in b.spans]
[('新增主动公开信息共815条', '_FIG'), ('新增主动公开信息', 'FIG_METRIC'), ('815', 'FIG_VALUE'), ('条', 'FIG_UNIT')]
>>> b = Builder(); figure(b, random.Random(3), "政策解读", 56, "篇", metric_after=True, marker="近", verb="发布")
>>> b.text(), b.spans[0][3]["metric"], b.spans[0][3]["approximate"]
('发布近56篇政策解读', '政策解读', True)
"""

from __future__ import annotations

import random
from typing import Any, NamedTuple

from gongkai.model import template as T

from . import phrases as P
from .builder import Builder

_PLACE_A = "弋奎瑞定随江海青安永宁新丰平清龙华云武长兴临泰金德东南西北沭"
_PLACE_B = "阳屯安海县山城川源化都宁乡溪州口水和昌林丰江"
_PLACE_KIND = ("县", "市", "区", "县", "市")
_PROVINCES = (
    "江西省",
    "浙江省",
    "湖北省",
    "新疆维吾尔自治区",
    "江苏省",
    "山东省",
    "四川省",
    "河南省",
    "广东省",
    "湖南省",
    "福建省",
    "安徽省",
    "河北省",
    "广西壮族自治区",
    "云南省",
    "贵州省",
    "甘肃省",
    "吉林省",
)
_BODIES = (
    "人民政府",
    "人民政府办公室",
    "住房建设保障中心",
    "市场监督管理局",
    "自然资源和规划局",
    "教育局",
    "卫生健康委员会",
    "政务服务办",
    "财政局",
    "交通运输局",
    "民政局",
    "生态环境局",
    "公安局",
    "人力资源和社会保障局",
    "农业农村局",
    "水利局",
    "审计局",
    "统计局",
    "应急管理局",
    "司法局",
    "发展和改革委员会",
    "科学技术局",
    "文化广电旅游体育局",
    "退役军人事务局",
    "医疗保障局",
    "林业局",
    "城市管理局",
    "商务局",
    "住房和城乡建设局",
    "行政审批服务局",
    "数据资源管理局",
    "乡村振兴局",
)
_TOWN_BODIES = ("镇人民政府", "乡人民政府", "街道办事处")
#: How a body calls itself (O): by the last words of its name.
_PRONOUNS = (
    ("街道办事处", "我街道"),
    ("镇人民政府", "我镇"),
    ("乡人民政府", "我乡"),
    ("办公室", "我办"),
    ("委员会", "我委"),
    ("中心", "我中心"),
    ("服务办", "我办"),
    ("局", "我局"),
)


def place(rng: random.Random) -> str:
    return rng.choice(_PLACE_A) + rng.choice(_PLACE_B) + rng.choice(_PLACE_KIND)


def organ(rng: random.Random) -> str:
    """A reporting body's name: a place and a body word (sometimes a town inside it)."""
    p = place(rng)
    if rng.random() < 0.15:
        return p + rng.choice(_PLACE_A) + rng.choice(_PLACE_B) + rng.choice(_TOWN_BODIES)
    return p + rng.choice(_BODIES)


def pronoun(organ_name: str, where: str) -> str:
    """What the body calls itself: ``我局``, ``我中心``; a government ``我县``.

    >>> pronoun("定海区市场监督管理局", "定海区"), pronoun("随县人民政府", "随县")
    ('我局', '我县')
    """
    for suffix, word in _PRONOUNS:
        if organ_name.endswith(suffix):
            return word
    return "我" + where[-1]


class Ctx(NamedTuple):
    """What every narrative writer needs to know about the report."""

    year: int
    where: str
    organ: str
    html: bool

    @property
    def me(self) -> str:
        return pronoun(self.organ, self.where)


# --------------------------------------------------------------------------- figures

#: Families of counted things: the verbs that put them first, the total a ``其中:`` list
#: breaks down, and the items (noun, unit, low, high). Listed items drop the verb.
FIGURE_FAMILIES: dict[
    str, tuple[tuple[str, ...], tuple[tuple[str, str, int, int], ...], tuple[tuple[str, str, int, int], ...]]
] = {
    "disclosure": (
        ("主动公开", "公开", "发布", "新增主动公开"),
        (("政府信息", "条", 100, 30000), ("信息", "条", 50, 9000)),
        (
            ("政策文件", "件", 1, 300),
            ("规范性文件", "件", 1, 60),
            ("人事信息", "条", 1, 200),
            ("财政预决算信息", "条", 1, 300),
            ("政务动态信息", "条", 10, 5000),
            ("通知公告", "条", 1, 800),
            ("规划计划信息", "条", 1, 100),
            ("行政执法信息", "条", 1, 3000),
            ("重大建设项目信息", "条", 1, 500),
            ("公共资源配置信息", "条", 1, 2000),
            ("社会救助信息", "条", 1, 600),
            ("招投标信息", "条", 1, 500),
            ("工作动态", "条", 1, 900),
            ("人事任免信息", "条", 1, 60),
            ("统计数据", "条", 1, 200),
        ),
    ),
    "interpretation": (
        ("发布", "制作", "推出", "开展"),
        (("政策解读", "篇", 5, 300), ("解读材料", "篇", 5, 200)),
        (
            ("文字解读", "篇", 1, 150),
            ("图文解读", "篇", 1, 120),
            ("图解", "期", 1, 80),
            ("视频解读", "个", 1, 40),
            ("动漫解读", "个", 1, 20),
            ("新闻发布会", "场", 1, 30),
            ("在线访谈", "期", 1, 24),
            ("政策问答", "条", 1, 300),
            ("专家解读", "篇", 1, 30),
        ),
    ),
    "platform": (
        ("开设", "设置", "新增", "更新", "整合"),
        (("专题专栏", "个", 1, 60), ("栏目", "个", 5, 300)),
        (
            ("一级栏目", "个", 1, 20),
            ("二级栏目", "个", 1, 120),
            ("专题专栏", "个", 1, 40),
            ("政务新媒体账号", "个", 1, 50),
            ("部门网站", "个", 1, 40),
            ("查阅点", "个", 1, 30),
        ),
    ),
    "new_media": (
        ("发布", "推送", "编发"),
        (("政务新媒体信息", "条", 50, 20000),),
        (
            ("政务微信信息", "条", 10, 8000),
            ("政务微博信息", "条", 10, 8000),
            ("短视频", "条", 1, 600),
            ("图文信息", "条", 10, 5000),
        ),
    ),
    "interaction": (
        ("受理", "收到", "办理", "回复", "答复"),
        (("网民留言", "件", 5, 9000), ("群众来信", "封", 1, 2000)),
        (
            ("领导信箱来信", "封", 1, 1500),
            ("网上咨询", "件", 1, 3000),
            ("投诉建议", "件", 1, 1500),
            ("热线工单", "件", 10, 20000),
            ("意见建议", "条", 1, 800),
        ),
    ),
    "training": (
        ("开展", "组织", "举办", "召开"),
        (("业务培训", "次", 1, 30), ("专题培训", "场", 1, 20), ("培训会", "次", 1, 12)),
        (("培训人员", "人次", 10, 3000), ("参训人员", "人次", 10, 2000)),
    ),
    "proposals": (
        ("办理", "承办", "办结", "答复"),
        (("建议提案", "件", 2, 200),),
        (("人大代表建议", "件", 1, 120), ("政协委员提案", "件", 1, 150)),
    ),
    "supervision": (
        ("开展", "组织"),
        (("督查检查", "次", 1, 24), ("网站检查", "次", 1, 12), ("第三方评估", "次", 1, 4)),
        (("通报问题", "个", 1, 80), ("整改问题", "个", 1, 80), ("下发通报", "期", 1, 12)),
    ),
    "management": (
        ("清理", "梳理", "编制", "审查"),
        (("规范性文件", "件", 1, 200), ("公开事项", "项", 5, 900)),
        (("公开事项目录", "项", 1, 300), ("拟公开信息", "条", 10, 5000), ("失效文件", "件", 1, 80)),
    ),
    "service": (
        ("公开", "梳理", "发布"),
        (("政务服务事项", "项", 20, 3000),),
        (("办事指南", "份", 10, 2000), ("依申请类政务服务事项", "项", 1, 900), ("公共服务事项", "项", 1, 600)),
    ),
    "website": (
        ("修改", "整改", "排查", "处理"),
        (("错别字", "处", 1, 20000), ("错链断链", "个", 1, 500)),
        (("涉敏信息链接", "条", 1, 900), ("过期信息", "条", 1, 3000)),
    ),
    "meetings": (
        ("召开", "举办", "公开"),
        (("政府常务会议", "次", 1, 40), ("政府开放日活动", "次", 1, 12), ("新闻发布会", "场", 1, 40)),
        (("重要政府会议", "次", 1, 30), ("列席公众代表", "人次", 1, 200)),
    ),
    "consultation": (
        ("征集", "收到", "采纳"),
        (("意见建议", "条", 1, 600),),
        (("网上调查", "次", 1, 30), ("意见征集", "次", 1, 40)),
    ),
    # Service statements count calls, sites, staff and approval items (real-005, real-003,
    # real-054: 接听电话84472通, 设立9处公安自助服务站点, 注销1家政务新媒体).
    "hotline": (
        ("接听", "受理", "处理", "办理"),
        (("来电", "通", 10, 90000), ("热线电话", "通", 10, 50000)),
        (
            ("咨询电话", "通", 1, 20000),
            ("投诉电话", "通", 1, 5000),
            ("求助电话", "通", 1, 3000),
            ("热线工单", "件", 1, 20000),
        ),
    ),
    "service_points": (
        ("设立", "建成", "新建", "布设", "设置"),
        (("便民服务站点", "处", 1, 80), ("政务服务网点", "个", 1, 200)),
        (
            ("自助服务站点", "处", 1, 60),
            ("24小时自助服务区", "处", 1, 30),
            ("社会服务站", "家", 1, 40),
            ("合作银行网点", "家", 1, 60),
            ("政务公开专区", "个", 1, 40),
            ("政务新媒体", "家", 1, 30),
        ),
    ),
    "staff": (
        ("配备", "安排", "落实", "新增"),
        (("工作人员", "名", 1, 30), ("专职人员", "人", 1, 12)),
        (("兼职人员", "名", 1, 20), ("信息员", "名", 1, 60), ("联络员", "人", 1, 40), ("在编在岗人员", "人", 1, 30)),
    ),
    "approval": (
        ("梳理", "公布", "进驻", "调整"),
        (("审批事项", "大项", 10, 500), ("政务服务事项", "项", 20, 3000)),
        (("行政审批事项", "大项", 1, 300), ("公共服务事项", "小项", 1, 600), ("子项", "项", 1, 900)),
    ),
}
#: Things counted with no verb of their own (the number follows a link or nothing).
PLAIN_METRICS = (
    ("网站访问量", "万人次", 1, 500),
    ("网站总访问量", "人次", 1000, 9000000),
    ("粉丝", "人", 100, 90000),
    ("政务新媒体", "个", 1, 40),
    ("关注用户", "人", 100, 50000),
    ("公开信息", "条", 10, 20000),
    ("注册用户", "人", 10, 30000),
    ("浏览量", "万次", 1, 900),
    ("政策文件清理工作", "轮次", 1, 5),
    ("专项检查", "轮", 1, 6),
)
#: Times a service cut (平均等候时长从42分钟缩减至19分钟): two figures, the second with no metric.
DURATION_METRICS = (
    ("平均等候时长", "分钟", 3, 60),
    ("平均受理时长", "分钟", 3, 60),
    ("平均办理时长", "个工作日", 2, 30),
    ("承诺办结时限", "个工作日", 2, 20),
    ("审批时限", "天", 3, 60),
    ("平均响应时间", "小时", 1, 48),
)
_CUT_WORDS = ("缩减至", "缩短至", "压缩至", "降至", "减少到")
MONEY_METRICS = (
    ("投入政务公开经费", "万元", 1, 200),
    ("投入网站建设资金", "万元", 1, 150),
    ("公开惠民资金", "万元", 10, 90000),
    ("发放补贴资金", "万元", 10, 50000),
    ("收取信息处理费", "元", 0, 3000),
)
RATE_METRICS = (
    "办复率",
    "按时办结率",
    "满意率",
    "公开率",
    "回应率",
    "进驻率",
    "合法性审查率",
    "网上可办率",
    "好评率",
    "解读率",
    "信息发布准确率",
    "按时答复率",
)
_LINKS = ("", "", "", "共", "共计", "累计", "达", "", "有", "仅")  # 规范性文件有1件: 有 is a link
_RATE_LINKS = ("达", "达到", "均达", "为", "", "保持")
_MARKERS = ("余", "余", "近", "约", "多")


def _number(rng: random.Random, lo: int, hi: int) -> int:
    """Mostly small numbers, as reports state them (log-uniform between lo and hi)."""
    if lo <= 0 and rng.random() < 0.5:
        return 0
    lo = max(lo, 1)
    return min(hi, int(lo * (hi / lo) ** rng.random()))


def figure(
    b: Builder,
    rng: random.Random,
    metric: str,
    value: int | float,
    unit: str,
    approximate: bool = False,
    metric_after: bool = False,
    marker: str = "",
    verb: str = "",
    link: str | None = None,
) -> None:
    """Write one figure: metric, number and unit with their labels, plus a ``_FIG`` span
    over the whole phrase that becomes ``meta["figures"]``. ``marker`` is an approximate
    marker (``余``/``多`` after the number, ``近``/``约`` before; inside FIG_VALUE);
    ``verb`` goes before a metric that follows the number and stays O (``发布56篇政策解读``)."""
    if approximate and not marker:
        marker = "余"
    approximate = approximate or bool(marker)
    unit = unit or None  # 办理群众来信586: the text dropped the unit
    # A magnitude belongs to the number (66万余 + 人次), except money's 万元 (the unit).
    scale = "万" if unit and unit.startswith("万") and unit != "万元" else ""
    vtext = marker + str(value) + scale if marker in ("近", "约") else str(value) + scale + marker
    shown = unit[len(scale) :] if unit else ""
    if not metric:  # 、259小项 / 缩减至19分钟: a number whose thing the figure before names
        fig = b.open("_FIG", metric=None, value=value, unit=unit, approximate=approximate)
        b.add(vtext, "FIG_VALUE", value=value)
        b.add(shown, "FIG_UNIT")
    elif metric_after:  # 发布815条政府信息: the figure starts at the number
        b.add(verb)
        fig = b.open("_FIG", metric=metric, value=value, unit=unit, approximate=approximate)
        b.add(vtext, "FIG_VALUE", value=value)
        b.add(shown, "FIG_UNIT")
        b.add(rng.choice(("", "", "的")))
        b.add(metric, "FIG_METRIC")
    else:
        fig = b.open("_FIG", metric=metric, value=value, unit=unit, approximate=approximate)
        b.add(metric, "FIG_METRIC")
        b.add(rng.choice(_LINKS) if link is None else link)
        b.add(vtext, "FIG_VALUE", value=value)
        b.add(shown, "FIG_UNIT")
    b.close(fig)


def _value(rng: random.Random, lo: int, hi: int, unit: str) -> tuple[int | float, str]:
    value: int | float = _number(rng, lo, hi)
    marker = ""
    if value >= 30 and rng.random() < 0.2:
        marker = rng.choice(_MARKERS)
        if value >= 100:
            value = round(value, -1 if value < 1000 else -2)
    if unit.startswith("万") and rng.random() < 0.5:
        value = round(rng.uniform(lo, hi) if rng.random() < 0.5 else value + rng.random(), 1)
        value = int(value) if value == int(value) else value
    return value, marker


def _vary(rng: random.Random, noun: str) -> str:
    """A counted thing as reports narrow or class it: ``市级政策文件``, ``政务动态类信息``, ``人事类``."""
    r = rng.random()
    if r < 0.12 and not noun.startswith(P.QUALIFIERS):
        return rng.choice(P.QUALIFIERS) + noun
    if r < 0.2:
        return noun[:-2] + "类信息" if noun.endswith("信息") and len(noun) > 3 else noun + "类"
    return noun


def compound(rng: random.Random) -> tuple[str, str, int, int]:
    """An open-vocabulary metric and its unit: domains and owners composed with a head noun.

    >>> compound(random.Random(3))
    ('消防、行政审批、退役军人通报', '条', 1, 60)
    """
    head = rng.choice(list(P.METRIC_HEADS))
    units, lo, hi = P.METRIC_HEADS[head]
    r = rng.random()
    if r < 0.3:  # 征地拆迁类信息
        noun = rng.choice(P.DOMAINS) + head
    elif r < 0.45:  # 部门和乡镇财政预决算信息, 中心新闻
        noun = rng.choice(P.OWNERS) + ("" if rng.random() < 0.3 else rng.choice(P.DOMAINS)) + head
    elif r < 0.6:  # 人大建议、政协提案办理结果: listed domains sharing one head
        noun = rng.choice(("、", "、", "和", "及")).join(rng.sample(P.DOMAINS, rng.randint(2, 3))) + head
    elif r < 0.72:  # 财政预决算信息及专项资金信息
        other = rng.choice(list(P.METRIC_HEADS)) if rng.random() < 0.4 else head
        noun = rng.choice(P.DOMAINS) + head + rng.choice(("及", "和", "、")) + rng.choice(P.DOMAINS) + other
    elif r < 0.84:  # “五公开”类信息, 群众和企业“一件事”
        quote = "“" + rng.choice(P.TITLE_QUOTES) + "”"
        noun = (rng.choice(P.DOMAINS) + "、" if rng.random() < 0.3 else "") + quote + rng.choice((head, "类信息", ""))
    else:  # 可网上办理事项
        noun = rng.choice(P.STATES) + rng.choice(("", rng.choice(P.DOMAINS))) + head
    return noun, rng.choice(units), lo, hi


def _item(
    b: Builder, rng: random.Random, noun: str, unit: str, lo: int, hi: int, verb: str = "", link: str | None = None
) -> None:
    if rng.random() < 0.3:
        noun, unit, lo, hi = compound(rng)
    value, marker = _value(rng, lo, hi, unit)
    noun = _vary(rng, noun)
    if verb and rng.random() < 0.1:  # 梳理发布
        verb = rng.choice(P.CO_VERBS) + verb
    r = rng.random()
    if not verb and r < 0.15:  # 13个专题专栏: the noun after the number
        figure(b, rng, noun, value, unit, metric_after=True, marker=marker)
        return
    if r < 0.27:  # 公布[各类]政务服务事项: a scope between verb and noun leaves the verb outside
        b.add(verb + (rng.choice(("", "了")) if verb else "") + rng.choice(P.SCOPES + (place(rng),)))
        verb = ""
    elif r < 0.33:  # 回应群众关注的[热点和重大舆情]
        b.add(verb + rng.choice(P.RELATIVES))
        verb = ""
    dropped = not marker and rng.random() < 0.03  # only a number that ends its clause
    figure(b, rng, verb + noun, value, "" if dropped else unit, marker=marker, link=link)


def rate(b: Builder, rng: random.Random) -> None:
    """``办复率达100%``, ``满意率为98.6%``."""
    metric = rng.choice(RATE_METRICS)
    if rng.random() < 0.3:  # 行政规范性文件合法性审查率: a rate of a named thing is one metric
        metric = rng.choice(P.DOMAINS) + metric
    value: int | float = 100 if rng.random() < 0.6 else round(rng.uniform(85, 99.9), rng.choice((0, 1, 1, 2)))
    value = int(value) if value == int(value) else value
    figure(b, rng, metric, value, "%", link=rng.choice(_RATE_LINKS))


#: Families whose items are not objects of the family's verbs (开展业务培训 but not 开展培训人员).
_BARE_ITEMS = {"training", "supervision", "meetings", "consultation"}


def figure_group(b: Builder, rng: random.Random, family: str | None = None) -> int:
    """A stretch of text with one or more figures; returns how many it wrote."""
    family = family or rng.choice(list(FIGURE_FAMILIES))
    verbs, totals, items = FIGURE_FAMILIES[family]
    objects = totals if family in _BARE_ITEMS else totals + items
    r = rng.random()
    if r < 0.25:  # 发布政策解读56篇
        _item(b, rng, *rng.choice(objects), verb=rng.choice(verbs))
        return 1
    if r < 0.37:  # 发布56篇政策解读
        noun, unit, lo, hi = rng.choice(objects)
        value, marker = _value(rng, lo, hi, unit)
        figure(
            b, rng, noun, value, unit, metric_after=True, marker=marker, verb=rng.choice(verbs) + rng.choice(("", "了"))
        )
        return 1
    if r < 0.52:  # 发布文字解读12篇、图解5期、视频解读2个
        picked = rng.sample(items, min(len(items), rng.randint(2, 4)))
        for i, spec in enumerate(picked):
            if i:
                b.add(rng.choice(("、", "、", ",", ";")))
            _item(b, rng, *spec, verb=rng.choice(verbs) if i == 0 and family not in _BARE_ITEMS else "")
        return len(picked)
    if r < 0.68:  # 主动公开政府信息1234条,其中:政策文件12条、人事信息5条
        _item(b, rng, *rng.choice(totals), verb=rng.choice(verbs), link=rng.choice(("共", "", "共计")))
        opener = rng.choice((",其中:", ",其中", "。其中,", "(其中"))
        b.add(opener)
        picked = rng.sample(items, min(len(items), rng.randint(2, 4)))
        for i, spec in enumerate(picked):
            if i:
                b.add("、")
            _item(b, rng, *spec)
        b.add(")" if opener == "(其中" else "")
        return 1 + len(picked)
    if r < 0.76:  # [公共资源配置、政府采购、工程招标]等160条: nothing after 等, the items are the metric
        picked = rng.sample(items, min(len(items), rng.randint(2, 3)))
        value, marker = _value(rng, picked[0][2], picked[0][3] * 2, picked[0][1])
        b.add(rng.choice(verbs) if family not in _BARE_ITEMS and rng.random() < 0.5 else "")
        figure(b, rng, "、".join(_vary(rng, p[0]) for p in picked), value, picked[0][1], marker=marker, link="等")
        return 1
    if r < 0.84:  # 社会救助等[惠民生信息]116条, 道德模范等12个[专题专栏]: examples before 等 are O
        b.add("、".join(rng.sample(P.EXAMPLES, rng.randint(1, 3))) + "等")
        _item(b, rng, *rng.choice(objects))
        return 1
    if r < 0.92:  # 通过政府网站[公开政府信息]6159条;通过政务新媒体[公开政府信息]4235条: means are O
        verb = rng.choice(verbs) if family not in _BARE_ITEMS else ""
        spec = rng.choice(objects)
        channels = rng.sample(P.CHANNELS, rng.randint(2, 3))
        for i, ch in enumerate(channels):
            b.add(("" if i == 0 else rng.choice((";", ",", "。"))) + rng.choice(("通过", "在", "依托")) + ch)
            _item(b, rng, *spec, verb=verb)
        return len(channels)
    # 政务动态:27条;工作动态:28条 (the colon is a link, outside the metric)
    picked = rng.sample(items, min(len(items), rng.randint(2, 4)))
    for i, spec in enumerate(picked):
        if i:
            b.add(";")
        _item(b, rng, *spec, link=":")
    return len(picked)


def duration_cut(b: Builder, rng: random.Random) -> int:
    """``平均等候时长从42分钟缩减至19分钟``: the time before, then after (a figure with no metric)."""
    metric, unit, lo, hi = rng.choice(DURATION_METRICS)
    before = _number(rng, lo + 1, hi)
    figure(b, rng, metric, before, unit, link="从")
    b.add(rng.choice(_CUT_WORDS))
    figure(b, rng, "", rng.randint(max(1, lo // 2), before - 1), unit)
    return 2


def split_items(b: Builder, rng: random.Random) -> int:
    """``审批事项130大项、259小项``: one count in two units, the second with no metric of its own."""
    metric = rng.choice(("审批事项", "政务服务事项", "行政审批事项", "公共服务事项", "进驻事项"))
    big = _number(rng, 5, 400)
    figure(b, rng, rng.choice(("", "梳理", "公布")) + metric, big, "大项", link=rng.choice(("", "共")))
    b.add("、")
    figure(b, rng, "", _number(rng, big, big * 4), "小项")
    return 2


def _single(b: Builder, rng: random.Random) -> int:
    r = rng.random()
    if r < 0.08:
        return duration_cut(b, rng) if rng.random() < 0.6 else split_items(b, rng)
    if r < 0.35:
        rate(b, rng)
    elif r < 0.6:
        noun, unit, lo, hi = rng.choice(PLAIN_METRICS)
        _item(b, rng, noun, unit, lo, hi, link=rng.choice(("达", "共", "", "累计", "超")))
    else:
        metric, unit, lo, hi = rng.choice(MONEY_METRICS)
        value: int | float = _number(rng, lo, hi)
        if unit == "万元" and rng.random() < 0.6:
            value = round(value + rng.random(), rng.choice((1, 2)))
            value = int(value) if value == int(value) else value
        figure(b, rng, metric, value, unit)
    return 1


# --------------------------------------------------------------------------- non-figures

_STREETS = "建设人民解放中山新华文化府前迎宾滨江胜利东风朝阳和平"
_PINYIN = ("ruian", "kuitun", "dinghai", "suixian", "yiyang", "linhai", "anning", "pingyang", "qingxi", "jinde")
_DOC_TITLES = (
    "关于进一步做好政务公开工作的通知",
    "政务公开工作要点",
    "关于全面推进基层政务公开标准化规范化工作的实施方案",
    "政府信息公开保密审查办法",
    "政府网站与政务新媒体管理办法",
    "关于加强政策解读工作的实施意见",
    "政府信息公开申请办理工作规程",
    "政务公开工作考核办法",
    "关于做好重点领域信息公开工作的通知",
)
_ARTICLES = ("第十九条", "第二十条", "第二十一条", "第三十六条", "第四十二条", "第五十条")


def _phone(rng: random.Random) -> str:
    return f"0{rng.randint(100, 999)}-{rng.randint(1000000, 89999999)}"


def address(rng: random.Random, where: str) -> str:
    """A street address (its numbers are not figures)."""
    street = rng.choice(_STREETS) + rng.choice(_STREETS) + rng.choice(("路", "大道", "街"))
    tail = rng.choice(("", f"{rng.randint(1, 30)}楼", f"综合楼{rng.randint(101, 909)}室", f"{rng.randint(1, 9)}号楼"))
    return f"{rng.choice(_PROVINCES) if rng.random() < 0.3 else ''}{where}{street}{rng.randint(1, 400)}号{tail}"


def _doc_number(rng: random.Random, ctx: Ctx) -> str:
    left, right = rng.choice((("〔", "〕"), ("[", "]"), ("(", ")")))
    kind = rng.choice(("政办发", "政发", "办发", "政办函", "办字"))
    return f"{ctx.where[0]}{kind}{left}{rng.choice((ctx.year, ctx.year - 1))}{right}{rng.randint(1, 150)}号"


def nonfigure_clause(rng: random.Random, ctx: Ctx) -> str:
    """A clause whose numbers are not figures: dates, document numbers, articles, names."""
    r = rng.randint(0, 13)
    month, day = rng.randint(1, 12), rng.randint(1, 28)
    if r >= 12:  # 公开“三大攻坚战”、“放管服”改革、公共资源配置等信息: a list, no number, no heading
        items = [
            ("“" + q + "”" + rng.choice(("", "", "改革", "工作")) if rng.random() < 0.5 else q)
            for q in rng.sample(P.TITLE_QUOTES + P.DOMAINS, rng.randint(2, 5))
        ]
        return (
            rng.choice(("公开", "重点公开", "围绕", "聚焦", "做好"))
            + "、".join(items)
            + rng.choice(("等信息", "等领域信息", "等重点工作", "等", "等方面内容"))
        )
    if r == 0:
        return f"按照《{ctx.where}{ctx.year}年{rng.choice(_DOC_TITLES[1:2])}》要求"
    if r == 1:
        return f"印发《{rng.choice(_DOC_TITLES)}》({_doc_number(rng, ctx)})"
    if r == 2:
        return f"根据《条例》{rng.choice(_ARTICLES)}规定"
    if r == 3:
        return f"于{ctx.year}年{month}月{day}日印发《{rng.choice(_DOC_TITLES)}》"
    if r == 4:
        return f"要求各单位每月{rng.randint(1, 10)}日前报送上月信息公开情况"
    if r == 5:
        return f"截至{month}月{day}日"
    if r == 6:
        return rng.choice(
            (
                "依托12345政务服务便民热线",
                "设置24小时自助服务区",
                "建立“1+N”工作机制",
                "推行“5+2”预约服务",
                "开通7×24小时网上咨询",
            )
        )
    if r == 7:
        return f"按照国办公开办函〔{rng.choice((2019, 2021))}〕{rng.choice((30, 60))}号文件要求"
    if r == 8:
        return f"在门户网站(www.{rng.choice(_PINYIN)}.gov.cn)开设专栏"
    if r == 9:
        return f"于{month}月份组织开展专项检查"
    if r == 10:
        return f"转发《关于做好{ctx.year}年政务公开重点工作的通知》"
    return f"{ctx.year}年{month}月起施行"


# --------------------------------------------------------------------------- sentences

_TOPICS = tuple(P.CLAUSES)
#: The figure families that fit a topic's paragraphs.
_TOPIC_FAMILIES = {
    "active": ("disclosure", "meetings", "disclosure"),
    "interpretation": ("interpretation", "meetings"),
    "application": ("interaction", "consultation"),
    "key_areas": ("disclosure", "service"),
    "platform": ("platform", "new_media", "website", "service_points"),
    "management": ("management", "website"),
    "supervision": ("supervision", "website"),
    "training": ("training",),
    "organisation": ("training", "supervision", "staff"),
    "proposals": ("proposals",),
    "service": ("service", "interaction", "hotline", "service_points", "approval"),
    "work_style": ("supervision", "training", "disclosure"),
    "economy": ("disclosure", "service", "consultation"),
}


def clause(rng: random.Random, topic: str) -> str:
    """One O clause about a topic: from its bank, or composed adverb + verb + object."""
    if rng.random() < 0.2:
        return rng.choice(P.ADVERBS) + rng.choice(P.VERBS) + rng.choice(P.OBJECTS)
    bank = P.CLAUSES[topic if rng.random() < 0.8 else rng.choice(_TOPICS)]
    i = rng.randrange(len(bank))
    # Neighbouring clauses of a bank were written to follow each other.
    return bank[i] + ("," + bank[i + 1] if i + 1 < len(bank) and rng.random() < 0.35 else "")


def sentence(b: Builder, rng: random.Random, ctx: Ctx, topic: str, figures: int, end: str = "。") -> int:
    """A sentence of 2–4 clauses with up to ``figures`` figures; returns how many it wrote."""
    written = 0
    if rng.random() < 0.3:
        b.add(rng.choice(P.LEADS) + ",")
    r = rng.random()
    if r < 0.012:  # the body by its name (ORGAN), as 003 and 001 do mid-report
        b.add(ctx.organ, "ORGAN")
    elif r < 0.03:
        b.add(rng.choice(("通过", "依托", "在")))
        _own_website(b, rng, ctx.organ, ctx.where)
        b.add(rng.choice(("“政务公开”栏目", "政府信息公开专栏", "")))
    elif r < 0.28:
        b.add(rng.choice((ctx.me, rng.choice(P.ACTORS))))
    parts = rng.randint(2, 4)
    fig_at = rng.randrange(parts) if figures else -1
    for i in range(parts):
        if i:
            b.add(",")
        if i == fig_at or (written and written < figures and rng.random() < 0.4):
            if rng.random() < 0.08:
                b.add(nonfigure_clause(rng, ctx) + ",")
            if rng.random() < 0.7:
                written += figure_group(b, rng, rng.choice(_TOPIC_FAMILIES[topic]))
            else:
                written += _single(b, rng)
        elif rng.random() < 0.07:
            b.add(nonfigure_clause(rng, ctx))
        else:
            b.add(clause(rng, topic))
    b.add(end)
    return written


def _enumerated(b: Builder, rng: random.Random, ctx: Ctx, topic: str, figures: int) -> int:
    """``一是…;二是…;三是…。`` or ``①…;②…`` inside a paragraph (the numbering is O)."""
    style = rng.choice(("shi", "circle"))
    n = rng.randint(2, 4)
    written = 0
    for i in range(n):
        b.add(f"{T.CHINESE_NUMBERS[i]}是" if style == "shi" else "①②③④"[i])
        written += sentence(
            b, rng, ctx, topic, 1 if written < figures and rng.random() < 0.5 else 0, "。" if i == n - 1 else ";"
        )
    return written


def paragraph(
    b: Builder,
    rng: random.Random,
    year: int,
    where: str,
    figures: int,
    ctx: Ctx | None = None,
    topic: str | None = None,
) -> None:
    """A narrative paragraph of 2–5 sentences about one topic, with about ``figures``
    figures (one or several per sentence), some non-figures and maybe an enumeration."""
    ctx = ctx or Ctx(year, where, where + "人民政府", False)
    topic = topic or rng.choice(_TOPICS)
    n = rng.randint(2, 5)
    left = figures
    for i in range(n):
        want = max(0, left if i == n - 1 else min(left, rng.choice((0, 1, 1, 2))))
        if rng.random() < 0.12:
            left -= _enumerated(b, rng, ctx, topic, want)
        else:
            left -= sentence(b, rng, ctx, topic, want)
    b.add("\n")


# --------------------------------------------------------------------------- headings

DECOYS = (
    "工作力量偏弱,专业水平待提升",
    "公开形式单一,互动回应不足",
    "机制落实不够,督导考核偏软",
    "依法公开意识有待增强",
    "信息更新不够及时",
    "解读形式较单一,回应关切不够主动",
    "队伍力量较薄弱,业务水平待提高",
    "平台功能不完善,便民服务有差距",
)


def section_heading(b: Builder, rng: random.Random, key: str, number: str, html: bool, prefix: str = "") -> None:
    """``三、收到和处理政府信息公开申请情况`` as a SECTION; ``prefix`` is a Markdown ``## `` (O)."""
    sec = T.section(key)
    title = sec.title if rng.random() < 0.6 else rng.choice(sec.variants or sec.titles)
    b.add("<p><strong>" if html else prefix)
    span = b.open("SECTION")
    b.add(f"{number}、")
    b.add(title.rstrip("、"))
    b.close(span)
    b.add("、" if title.endswith("、") else "")  # a stray trailing 、 is outside (guideline)
    b.spans.append([span[0], span[1], "_SECTION", {"key": key, "number": number, "title": title.rstrip("、")}])
    b.add("</strong></p>\n" if html else "\n")


def subsection_title(rng: random.Random, topic: str) -> str:
    """A subsection title about ``topic``: from the bank, or composed the ways real reports
    compose them (``完善机制,精准推动依申请公开``, ``健全公开工作机制``, ``社会关切回应工作``,
    ``“互联网+政务服务”事项清单公开情况``); never a colon or ``。`` (the run-in rule)."""
    r = rng.random()
    objects = P.TITLE_OBJECTS[topic]
    if r < 0.3:
        return rng.choice(P.SUBSECTION_TITLES[topic])
    if r < 0.55:
        return (
            rng.choice(P.MOTTOS) + "," + rng.choice(P.TITLE_DEGREES) + rng.choice(P.TITLE_VERBS) + rng.choice(objects)
        )
    if r < 0.7:
        return (
            rng.choice(P.TITLE_VERBS)
            + rng.choice(objects)
            + rng.choice(("", rng.choice(P.TITLE_VERBS) + rng.choice(P.TITLE_OBJECTS[rng.choice(_TOPICS)])))
        )
    if r < 0.9:
        return rng.choice(P.TITLE_ITEMS[topic]) + rng.choice(P.TITLE_SUFFIXES[:3])
    quoted = "、".join(f"“{q}”" for q in rng.sample(P.TITLE_QUOTES, rng.randint(1, 2)))
    return quoted + rng.choice(("事项清单公开", "改革信息公开", "工作", "")) + rng.choice(P.TITLE_SUFFIXES)


def subsection_heading(b: Builder, n: int, title: str, run_in: bool, html: bool, final: str = "") -> None:
    """``(一)title`` as a SUBSECTION: own line (a final ``。`` outside) or run-in (up to ``。``/``:``)."""
    b.add("<p>" if html else "")
    b.add(f"({T.CHINESE_NUMBERS[n]}){title}", "SUBSECTION")
    if run_in:
        b.add(final or "。")
    else:
        b.add(final + ("</p>\n" if html else "\n"))


def subsection(
    b: Builder,
    rng: random.Random,
    n: int,
    run_in: bool,
    year: int,
    where: str,
    html: bool,
    ctx: Ctx | None = None,
    topic: str | None = None,
    figures: int = -1,
) -> None:
    """A subsection heading and, run-in, the paragraph that continues its line."""
    ctx = ctx or Ctx(year, where, where + "人民政府", html)
    topic = topic or rng.choice(_TOPICS)
    title = subsection_title(rng, topic)
    subsection_heading(b, n, title, run_in, html, "" if run_in or rng.random() < 0.85 else "。")
    if run_in:
        paragraph(b, rng, year, where, rng.randint(0, 2) if figures < 0 else figures, ctx, topic)
        b.add("</p>\n" if html else "")


def decoy(b: Builder, rng: random.Random, n: int, year: int, where: str, ctx: Ctx | None = None) -> None:
    b.add(f"{T.CHINESE_NUMBERS[n]}、{rng.choice(DECOYS)}。")
    paragraph(b, rng, year, where, 0, ctx, "supervision")


# --------------------------------------------------------------------------- sections


def overview_opening(b: Builder, rng: random.Random, ctx: Ctx, figures: int) -> None:
    """``2023年,[organ]坚持…``: YEAR and ORGAN when it opens with them."""
    wrap_html(b, ctx.html, True)
    r = rng.random()
    if r < 0.6:
        b.add(str(ctx.year), "YEAR")
        b.add("年,")
        if rng.random() < 0.7:
            b.add(ctx.organ, "ORGAN")
            b.add(rng.choice(("", "信息公开工作", "政务公开工作")))
        else:
            b.add(ctx.me)
    elif r < 0.85:
        b.add(ctx.me)
    b.add(",".join(rng.sample(P.GUIDANCE, rng.randint(1, 2)) + rng.sample(P.AIMS, rng.randint(1, 3))) + "。")
    for _ in range(rng.randint(0, 2)):
        figures -= sentence(b, rng, ctx, rng.choice(("active", "key_areas", "platform")), max(figures, 0))
    b.add("\n")
    wrap_html(b, ctx.html, False)


def overview(b: Builder, rng: random.Random, ctx: Ctx, figures: int, short: bool = False) -> None:
    """总体情况: an opening, then 3–6 subsections ``(一)…`` (own line or run-in) of 1–4
    paragraphs (``short``: mostly one, as small bodies write), or numbered items ``1.…``
    instead; ``figures`` spread over them."""
    overview_opening(b, rng, ctx, rng.randint(0, 2))
    kind = rng.choices(("sub", "items", "plain"), (0.88, 0.08, 0.04))[0]
    count = rng.randint(3, 6) if kind != "plain" else rng.randint(2, 4)
    topics = rng.sample(_TOPICS, count)
    share = [figures // count + (1 if i < figures % count else 0) for i in range(count)]
    run_in = rng.random() < (0.8 if short else 0.5)
    for n, topic in enumerate(topics):
        paras = rng.choices((1, 2, 3, 4), (0.85, 0.12, 0.03, 0.0) if short else (0.45, 0.3, 0.15, 0.1))[0]
        per = [share[n] // paras + (1 if i < share[n] % paras else 0) for i in range(paras)]
        if kind == "sub":
            subsection(b, rng, n, run_in, ctx.year, ctx.where, ctx.html, ctx, topic, per[0] if run_in else -1)
            if run_in:
                per = per[1:]
        elif kind == "items":  # 1.大力推进决策公开。我中心…
            wrap_html(b, ctx.html, True)
            b.add(f"{n + 1}{rng.choice(('.', '.', '、'))}{rng.choice(P.ITEM_TITLES)}。")
            paragraph(b, rng, ctx.year, ctx.where, per[0], ctx, topic)
            wrap_html(b, ctx.html, False)
            per = per[1:]
        for f in per:
            body_paragraph(b, rng, ctx.year, ctx.where, f, ctx.html, ctx, topic)


def active_narrative(b: Builder, rng: random.Random, ctx: Ctx) -> None:
    """The sentence a table-2 section may open with (figures in narrative count)."""
    wrap_html(b, ctx.html, True)
    numbered = rng.random() < 0.3  # 004: (一)公开情况。2019年,…  then (二)信息公开情况 before the table
    if numbered:
        b.add(f"(一){rng.choice(('公开情况', '主动公开情况', '政府信息主动公开情况', '总体公开情况'))}", "SUBSECTION")
        b.add("。")
    b.add(
        rng.choice(("全年", "本年度", f"{ctx.year}年", "报告期内")) + "," + rng.choice(("", "通过政府门户网站", ctx.me))
    )
    figure_group(b, rng, "disclosure")
    b.add("。" + (rng.choice(("具体情况如下:", "详见下表。", "")) if rng.random() < 0.5 else "") + "\n")
    wrap_html(b, ctx.html, False)
    if numbered and rng.random() < 0.6:
        subsection_heading(
            b,
            1,
            rng.choice(("信息公开情况", "主动公开政府信息情况统计", "主动公开数据")),
            False,
            ctx.html,
            rng.choice(("", "。")),
        )


def application_figure(b: Builder, rng: random.Random, year: int, total: int) -> None:
    """The sentence the ``narrative.applications`` rule checks."""
    b.add(f"{year}年," + rng.choice(("我单位共", "全年共", "本机关", "共", "本年度")))
    figure(b, rng, rng.choice(T.APPLICATION_FIGURE_METRICS), total, "件")
    b.add(rng.choice((",均按时办结。", ",已全部办结。", "。", ",均在法定期限内予以答复。")) + "\n")


def problems(b: Builder, rng: random.Random, ctx: Ctx) -> None:
    """存在的主要问题及改进情况: problems, then measures, as subsections (own line or
    run-in ending at a colon), decoy-numbered paragraphs, or plain paragraphs."""
    kind = rng.choices(("sub", "colon", "decoy", "plain", "measures"), (0.34, 0.26, 0.12, 0.16, 0.12))[0]
    if kind == "decoy":  # 二、考核考绩待加强… is not a section
        for n in range(rng.randint(2, 3)):
            decoy(b, rng, n, ctx.year, ctx.where, ctx)
        return
    if kind == "measures":  # a problems paragraph, then one run-in subsection per measure
        wrap_html(b, ctx.html, True)
        b.add(
            f"{ctx.year}年{ctx.me}政府信息公开工作取得了一定成效,但也存在一些不足:"
            + "、".join(rng.sample(P.PROBLEMS, rng.randint(1, 3)))
            + "。"
        )
        if rng.random() < 0.5:
            b.add(f"{ctx.year + 1}年度")  # next year's plans: the year is O, the organ is ORGAN
            b.add(ctx.organ, "ORGAN")
            b.add("将做好以下几项工作:")
        b.add("\n")
        wrap_html(b, ctx.html, False)
        for n, topic in enumerate(rng.sample(_TOPICS, rng.randint(2, 4))):
            subsection(b, rng, n, True, ctx.year, ctx.where, ctx.html, ctx, topic, 0)
        return
    for n, (heading, bank) in enumerate(
        (
            (
                rng.choice(("存在的主要问题", "主要问题", "存在问题", "存在的问题", "存在的不足", "工作中存在的问题")),
                P.PROBLEMS,
            ),
            (
                rng.choice(
                    ("改进情况", "改进措施", "下一步工作打算", "改进措施及下一步打算", "下一步工作计划", "改进方向")
                ),
                P.MEASURES,
            ),
        )
    ):
        if kind == "plain":
            wrap_html(b, ctx.html, True)
            b.add(rng.choice(("", heading + ":")))
        elif kind == "colon":
            subsection_heading(b, n, heading, True, ctx.html, ":")
        else:
            subsection_heading(b, n, heading, False, ctx.html)
            wrap_html(b, ctx.html, True)
        if bank is P.MEASURES and rng.random() < 0.4:
            b.add(f"{ctx.year + 1}年,{ctx.me}将重点做好以下工作:")  # next year's plans: the year is O
        picked = rng.sample(bank, 8)  # distinct: an item and maybe a second clause each
        items = picked[: rng.randint(2, 4)]
        for i, item in enumerate(items):
            b.add(f"{T.CHINESE_NUMBERS[i]}是" if rng.random() < 0.7 else "")
            b.add(item + ("," + picked[-1 - i] if rng.random() < 0.4 else ""))
            b.add("。" if i == len(items) - 1 else rng.choice((";", "。")))
        if rng.random() < 0.3:
            sentence(b, rng, ctx, rng.choice(_TOPICS), 0)
        b.add("\n")
        wrap_html(b, ctx.html, False)


_OTHER_TITLES = (
    "收取信息处理费情况",
    "人大代表建议和政协委员提案办理结果公开情况",
    "年度政务公开工作要点落实情况",
    "政务公开工作创新情况",
    "其他事项",
)


def other_matters(b: Builder, rng: random.Random, ctx: Ctx) -> None:
    """其他需要报告的事项: fees, sometimes the proposals handled, and a closing line;
    or, as many 2021-form reports do, three subsections (fees, proposals, work points)."""
    if rng.random() < 0.3:
        for n, heading in enumerate(_OTHER_TITLES[:3]):
            subsection_heading(b, n, heading, False, ctx.html)
            wrap_html(b, ctx.html, True)
            if n == 0:
                figure(b, rng, "收取信息处理费", 0, "元", link=rng.choice(("", "共")))
                b.add("。")
            else:
                sentence(b, rng, ctx, "proposals" if n == 1 else rng.choice(_TOPICS), rng.randint(0, 2))
            b.add("\n")
            wrap_html(b, ctx.html, False)
        return
    wrap_html(b, ctx.html, True)
    r = rng.random()
    if r < 0.35:
        b.add(closing_text(rng))
    else:
        if r < 0.6:
            b.add(f"本年度{ctx.me}未收取信息处理费。")
        else:
            b.add(rng.choice(("依据《政府信息公开信息处理费管理办法》,本年度", "本年度", "全年")))
            figure(b, rng, "收取信息处理费", 0, "元", link=rng.choice(("", "共")))
            b.add("。")
        if rng.random() < 0.4:
            sentence(b, rng, ctx, "proposals", rng.randint(1, 3))
        b.add(rng.choice(P.OTHER_MATTERS) + "。")
    b.add("\n")
    wrap_html(b, ctx.html, False)


# --------------------------------------------------------------------------- chrome


def chrome_top(rng: random.Random, organ_name: str) -> list[str]:
    return rng.sample(
        [
            "首页 > 政务公开 > 政府信息公开年报",
            "当前位置:首页 > 信息公开 > 年度报告",
            f"发布时间:{rng.randint(2019, 2025)}-0{rng.randint(1, 3)}-{rng.randint(10, 28)} 浏览次数:{rng.randint(1, 9999)}",
            f"来源:{organ_name}",
            "字号:[大 中 小] 打印本页 关闭窗口",
            "【字体:大 中 小】",
            "分享到:",
        ],
        rng.randint(1, 4),
    )


def chrome_bottom(rng: random.Random, where: str) -> list[str]:
    return rng.sample(
        [
            f"您访问的链接即将离开“{where}人民政府”门户网站,是否继续?",
            "您的浏览器版本太低!",
            "为了更好的浏览体验,建议升级您的浏览器!",
            f"备案号:赣ICP备{rng.randint(10000000, 99999999)}号",
            f"网站标识码:{rng.randint(1000000000, 9999999999)}",
            "主办单位:" + where + "人民政府办公室",
            "打印本页 关闭窗口",
            f"公网安备 {rng.randint(10**13, 10**14 - 1)}号",
        ],
        rng.randint(1, 4),
    )


def page_chrome(rng: random.Random, organ_name: str) -> list[str]:
    """PDF page headers/footers that land inside a table."""
    n = rng.randint(2, 30)
    return [f"— {n} —", f"- {n} -", f"第{n}页 共{n + rng.randint(0, 5)}页", organ_name]


def title(b: Builder, rng: random.Random, organ_name: str, year: int, html: bool, where: str = "") -> bool:
    """The title line; returns whether it named the organ by its place alone (a government's
    title prints ``2021年[奎屯市]政府信息公开年度报告``: the title's ORGAN is the place)."""
    b.add("<h1>" if html else "")
    if where and organ_name == where + "人民政府" and rng.random() < 0.4:
        b.add(str(year), "YEAR")
        b.add(rng.choice(("年", "年度")))
        b.add(where, "ORGAN")
        b.add(rng.choice(("政府信息公开年度报告", "政府信息公开工作年度报告")))
        b.add("</h1>\n" if html else "\n")
        return True
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
    return False


_BASES = (
    "依据《中华人民共和国政府信息公开条例》(国务院令第711号,以下简称《条例》)第五十条规定",
    "根据新修订的《中华人民共和国政府信息公开条例》(以下简称《条例》)",
    "依据《中华人民共和国政府信息公开条例》(以下简称《政府信息公开条例》)第五十条规定",
    "本报告依据《中华人民共和国政府信息公开条例》和《国务院办公厅政府信息与政务公开办公室关于印发"
    "〈中华人民共和国政府信息公开工作年度报告格式〉的通知》(国办公开办函〔{doc_year}〕{doc_no}号)要求",
)


def _own_website(b: Builder, rng: random.Random, organ_name: str, where: str) -> None:
    """``{where}人民政府门户网站``: the organ's own name (ORGAN) when the government reports,
    a superior body's (O) when one of its departments does."""
    if organ_name == where + "人民政府":
        b.add(organ_name, "ORGAN")
    else:
        b.add(where + "人民政府")
    b.add(rng.choice(("门户网站", "网站", "门户网站")))


def intro(
    b: Builder,
    rng: random.Random,
    organ_name: str,
    year: int,
    where: str,
    html: bool,
    period: bool = False,
    contact: bool = False,
) -> None:
    """The preamble: legal basis, the statistics period (both years YEAR; always when
    ``period``), what the report holds, where to download it, whom to ask (ORGAN in the
    contact line), addresses."""
    b.add("<p>" if html else "")
    if rng.random() < 0.12 and not period:
        # No legal basis, the organ and year stated as what the report covers (both labelled).
        b.add(rng.choice(("按照上级政务公开工作的要求,", "根据上级关于政务公开工作的部署,", "")))
        b.add(organ_name, "ORGAN")
        b.add(rng.choice(("按照文件中的职责分工,", "认真履行工作职责,", "")) + "利用")
        _own_website(b, rng, organ_name, where)
        b.add(",完成")
        b.add(str(year), "YEAR")
        b.add(rng.choice(("年政府信息公开工作。", "年度政务公开各项工作。")) + "现将")
        b.add(organ_name, "ORGAN")
        b.add(str(year), "YEAR")
        b.add(rng.choice(("年开展政务公开工作情况报告如下:", "年度政府信息公开工作情况报告如下:")))
        b.add("</p>\n" if html else "\n")
        return
    doc = rng.choice(((2019, 60), (2021, 30)))
    b.add(rng.choice(_BASES).format(doc_year=doc[0], doc_no=doc[1]))
    if rng.random() < 0.3:  # 结合[2024]年度本办公室政府信息公开工作…: the year the report covers
        b.add(",结合")
        b.add(str(year), "YEAR")
        b.add(
            "年度"
            + rng.choice(("本机关", "本单位", "本" + pronoun(organ_name, where)[1:], ""))
            + rng.choice(("政府信息公开工作推进落实情况和有关统计数据", "政府信息公开工作开展情况", "政务公开工作实际"))
            + rng.choice(("撰稿成文。", ",编制本报告。"))
        )
    else:
        b.add(rng.choice((",编制本报告。", "编制本报告。", "。")))
    if rng.random() < 0.65 or period:
        b.add(
            rng.choice(("本年度报告中所列数据的", "本报告所列数据的", "本报告中所列数据"))
            + rng.choice(("统计期限", "统计时限"))
            + "自"
        )
        b.add(str(year), "YEAR")
        b.add("年1月1日起至")
        b.add(str(year), "YEAR")
        b.add("年12月31日止。")
    if rng.random() < 0.5:
        b.add(
            "本报告包括总体情况、主动公开政府信息情况、收到和处理政府信息公开申请情况、政府信息公开行政复议和行政诉讼情况、"
            "存在的主要问题及改进情况、其他需要报告的事项等六部分内容。"
        )
    if rng.random() < 0.5:
        b.add(rng.choice(("本年度报告的电子版可以从", "本报告通过")))
        _own_website(b, rng, organ_name, where)
        b.add(f"(www.{rng.choice(_PINYIN)}.gov.cn)" + rng.choice(("下载。", "公布。", "查阅和下载。")))
    if rng.random() < 0.85 or contact:
        b.add("如对本报告有任何疑问,请与")
        b.add(organ_name, "ORGAN")
        paren = rng.random() < 0.5
        b.add(rng.choice(("", "办公室", "政务公开科", "综合科")) + "联系" + ("(" if paren else ""))
        if paren:
            b.add(f"地址:{address(rng, where)},电话:{_phone(rng)},邮编:{rng.randint(100000, 850000)})。")
        else:
            b.add(f"。地址:{address(rng, where)};联系电话:{_phone(rng)};邮编:{rng.randint(100000, 850000)}。")
    if rng.random() < 0.25:
        b.add("现将")
        b.add(str(year), "YEAR")
        b.add("年政府信息公开工作情况报告如下:")
    b.add("</p>\n" if html else "\n")


def closing_text(rng: random.Random) -> str:
    return rng.choice(
        (
            "无。",
            "无其他需要报告的事项。",
            "本年度未收取信息处理费。无其他需要报告的事项。",
            "本机关无其他需要报告的事项。",
        )
    )


def wrap_html(b: Builder, html: bool, start: bool) -> None:
    if html:
        b.add("<p>" if start else "</p>\n")


def body_paragraph(
    b: Builder,
    rng: random.Random,
    year: int,
    where: str,
    figures: int,
    html: bool,
    ctx: Ctx | None = None,
    topic: str | None = None,
) -> None:
    wrap_html(b, html, True)
    paragraph(b, rng, year, where, figures, ctx, topic)
    wrap_html(b, html, False)


def metadata_section(span: list[Any]) -> dict[str, Any]:
    info = span[3]
    return {"key": info["key"], "number": info["number"], "title": info["title"], "start": span[0], "end": span[1]}
