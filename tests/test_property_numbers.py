"""Property: over random damaged generated reports, every number in the output occurs in the
source at its provenance offsets (or is marked as derived: ``repaired_from``,
``segmented_from``), and no figure loses a magnitude.

The reports come from the generator (every layout and damage kind); the tags are its exact
labels (:class:`~gongkai.inference.pipeline.SpanTagger`), so what is tested is everything after
the model: normalising, assembling, reconciling and writing the record. Figures with every
magnitude and approximation word are added to the text, tagged whole or cut short as the
tagger may cut them.
"""

import re
from decimal import Decimal

from hypothesis import HealthCheck, given, settings, strategies as st

from gongkai.inference.normalise import normalise
from gongkai.inference.numbers import NumberError, read_number
from gongkai.inference.pipeline import Extractor, SpanTagger
from gongkai.model.template import MAGNITUDES
from gongkai.training.corpus import Span
from gongkai.training.synth import DAMAGE_KINDS, LAYOUTS, WRITE_DAMAGE, generate

METRICS = ("新增主动公开信息", "网站访问量", "提供咨询服务", "发布政策解读", "公开财政信息")
UNITS = ("条", "人次", "次", "篇", "件", "个", "万元", "亿元")

figure = st.fixed_dictionaries(
    {
        "metric": st.sampled_from(METRICS),
        "digits": st.one_of(
            st.integers(1, 99999).map(str),
            st.tuples(st.integers(1, 999), st.integers(1, 99)).map(lambda t: f"{t[0]}.{t[1]}"),
        ),
        "magnitude": st.sampled_from(("", "", "万", "亿", "千")),
        "before": st.sampled_from(("", "", "近", "约", "超过", "逾")),
        "after": st.sampled_from(("", "", "余", "多")),
        "unit": st.sampled_from(UNITS),
        "tail": st.sampled_from(("", "", "", "以上", "左右")),
        "whole": st.booleans(),  # the value tagged with its magnitude and markers, or the digits alone
    }
)


def _add_figures(text: str, spans: list, figures: list[dict]) -> tuple[str, list, list[tuple[int, int, dict]]]:
    added = []
    for f in figures:
        if f["unit"] in ("万元", "亿元"):
            f = {**f, "magnitude": ""}  # money keeps its 万 in the unit: 3万万元 is not printed
        value = f["before"] + f["digits"] + f["magnitude"] + f["after"]
        start = len(text) + 1
        text += "\n" + f["metric"] + "共" + value + f["unit"] + f["tail"] + "。"
        m0 = start
        v0 = m0 + len(f["metric"]) + 1
        d0 = v0 + len(f["before"])
        u0 = v0 + len(value)
        spans += [
            Span(m0, m0 + len(f["metric"]), "FIG_METRIC"),
            Span(v0, u0, "FIG_VALUE") if f["whole"] else Span(d0, d0 + len(f["digits"]), "FIG_VALUE"),
            Span(u0, u0 + len(f["unit"]), "FIG_UNIT"),
        ]
        added.append((start, len(text), f))
    return text + "\n", spans, added


def _stated(f: dict) -> int | float:
    exact = Decimal(f["digits"]) * MAGNITUDES.get(f["magnitude"], 1)
    return int(exact) if exact == exact.to_integral_value() else float(exact)


_TOKEN = re.compile(r"[\dA-Za-z]+(?:,\d{3})*(?:\.[\dA-Za-z]+)?")


def _readings(text: str) -> tuple[set, set]:
    """The values the numbers printed in ``text`` state (with the magnitude after them), and
    the bare values of those a magnitude follows (a figure equal to one lost its magnitude)."""
    stated, bare = set(), set()
    for m in _TOKEN.finditer(text):  # letters too: OCR prints 1 as l (read, flagged damaged)
        try:
            plain = read_number(m.group())
        except NumberError:
            continue
        values = set(plain.candidates or (plain.value,))
        after = text[m.end() : m.end() + 2]
        if after[:1] in MAGNITUDES and after not in ("万元", "亿元"):
            scaled = read_number(m.group() + after[0])
            stated |= set(scaled.candidates or (scaled.value,))
            bare |= values
        else:
            stated |= values
    return stated, bare


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    seed=st.integers(0, 2**31 - 1),
    layout=st.one_of(st.none(), st.sampled_from(sorted(LAYOUTS))),
    damage=st.lists(st.sampled_from(DAMAGE_KINDS + WRITE_DAMAGE), unique=True, max_size=4),
    figures=st.lists(figure, max_size=4),
)
def test_every_number_in_the_output_was_printed_there(seed, layout, damage, figures):
    settings_ = {"damage": damage, **({"layout": layout} if layout else {})}
    rec = generate(seed, **settings_)
    text, spans, added = rec.text, list(rec.spans), []
    if layout != "html" and not rec.meta["settings"]["html"]:
        text, spans, added = _add_figures(text, spans, figures)
    r = Extractor(SpanTagger({rec.id: spans})).extract(text, id=rec.id).to_dict()
    assert r["error"] is None, r["error"]
    norm = normalise(text)

    def shown(p: dict) -> str:
        """What the source shows at these offsets (HTML rendered, as the extractor read it)."""
        return norm.text[slice(*norm.from_source(p["start"], p["end"]))]

    for table, t in r["tables"].items():
        for row, fields in t["rows"].items():
            for fld, value in fields.items():
                if value is None:
                    continue
                where = f"{table}.{row}.{fld} = {value!r}"
                p = r["provenance"][table][row][fld]
                assert text[p["start"] : p["end"]] == p["text"], where
                if "repaired_from" in p or "segmented_from" in p:
                    continue  # derived, and marked so
                reading = read_number(shown(p))
                assert value == reading.value or value in reading.candidates, (where, p["text"])

    for f in r["figures"]:
        assert text[f["start"] : f["end"]] == f["text"]
        stated, bare = _readings(shown(f))
        assert f["value"] in stated, (f, stated)
        assert f["value"] not in bare - stated, f"{f} lost a magnitude"

    for start, end, want in added:
        got = [f for f in r["figures"] if start <= f["start"] < end]
        assert len(got) == 1, (want, got)
        assert (got[0]["value"], got[0]["unit"], got[0]["approximate"]) == (
            _stated(want),
            want["unit"],
            bool(want["before"] or want["after"] or want["tail"]),
        ), (want, got[0])
