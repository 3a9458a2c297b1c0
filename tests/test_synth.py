"""The synthetic generator: labels exact, tables recoverable, rules kept, deterministic,
every layout and damage kind produced, a sample for each."""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import pytest

from gongkai.model.labels import LABELS
from gongkai.model.template import SECTION_KEYS
from gongkai.training.synth import WRITE_DAMAGE, generate, generate_many
from gongkai.training.synth.damage import DAMAGE_KINDS, to_traditional_char
from gongkai.training.synth.layout import BLANK_MARKERS, LAYOUTS
from gongkai.training.synth.numbers import violations

N = 1200
SAMPLES = Path(__file__).resolve().parents[1] / "annotations" / "synthetic-samples"

_RUBY = re.compile(r"\([a-zāáǎàēéěèīíǐìōóǒòūúǔùüǖǘǚǜńňǹ]+\)")
_TAG = re.compile(r"<[^>]+>")
_FULL = str.maketrans("０１２３４５６７８９", "0123456789")


class _Traditional(dict):
    def __missing__(self, code: int) -> str:
        self[code] = to_traditional_char(chr(code))
        return self[code]


_TRADITIONAL = _Traditional()


def _undo(text: str) -> str:
    """Independent inverse of the damage: tags, rubies, ?, whitespace, full-width digits;
    then both sides in traditional script (the script is a damage, not a difference)."""
    text = _RUBY.sub("", _TAG.sub("", text)).replace("?", "")
    return re.sub(r"\s+", "", text).translate(_FULL).translate(_TRADITIONAL)


def _number(text: str):
    s = re.sub(r"[項项個个萬万元]", "", _undo(text)).lstrip("+")
    return float(s) if "." in s else int(s)


@pytest.fixture(scope="module")
def records():
    return list(generate_many(N, seed=11, debug=True))


def test_every_span_says_what_the_generator_meant(records):
    checked = 0
    for r in records:
        assert len(r.meta["debug"]) == len(r.spans)
        for span, info in zip(r.spans, r.meta["debug"]):
            assert span.label in LABELS
            text = r.span_text(span)
            assert text and not text[0].isspace() and not text[-1].isspace(), (r.id, span, text)
            assert text[0] not in "?|" or span.label == "BLANK", (r.id, span, text)
            assert text[-1] not in "?|" or text == "|", (r.id, span, text)
            if span.label == "BLANK":
                assert _undo(text) in {_undo(m) for m in ("|", "&nbsp;</td>", *BLANK_MARKERS)}, (r.id, text)
            if info.get("lossy"):
                continue
            assert _undo(text) == _undo(info["intended"]), (r.id, span, text, info["intended"])
            checked += 1
    assert checked > N * 100


def test_every_table_cell_is_recoverable_from_its_span(records):
    for r in records:
        tables = r.meta["tables"]
        seen = set()
        for span, info in zip(r.spans, r.meta["debug"]):
            if span.label not in ("CELL", "BLANK") or "row" not in info:
                continue
            truth = tables[info["table"]]["rows"][info["row"]][info["field"]]
            seen.add((info["table"], info["row"], info["field"]))
            if span.label == "BLANK":
                assert truth is None
            elif not info.get("lossy"):
                assert _number(r.span_text(span)) == truth, (r.id, info, r.span_text(span))
        # Every printed value has its CELL span.
        for t, entry in tables.items():
            for row, vals in entry["rows"].items():
                for field, v in vals.items():
                    if v is not None:
                        assert (t, row, field) in seen, (r.id, t, row, field)


def test_rules_hold_unless_an_error_was_injected(records):
    clean = [r for r in records if not r.meta["errors"] and not r.meta["settings"]["blanked"]]
    assert len(clean) > N // 2
    for r in clean:
        assert violations(r.meta["tables"]) == [], r.id
    # A blank cell skips the checks it is in (a row printed without values hides a mismatch).
    broken = [
        r
        for r in records
        if any(e["kind"] == "outcomes_mismatch" for e in r.meta["errors"]) and not r.meta["settings"]["blanked"]
    ]
    assert broken and all(violations(r.meta["tables"]) for r in broken)


def test_meta_sections_and_figures_point_into_the_text(records):
    for r in records[:300]:
        keys = [s["key"] for s in r.meta["sections"] if s["key"]]  # an old report's other headings: None
        assert keys == [k for k in SECTION_KEYS if k in keys]
        for s in r.meta["sections"]:
            assert _undo(s["title"]) in _undo(r.text[s["start"] : s["end"]])
        for f in r.meta["figures"]:
            if "ocr" in r.meta["settings"]["damage"]:
                continue  # 1400 may read 14OO: lossy by design
            assert _undo(str(f["value"])) in _undo(f["text"]), (r.id, f)
            assert f["text"] == r.text[f["start"] : f["end"]]


def test_deterministic_by_seed():
    assert generate(5).to_dict() == generate(5).to_dict()
    assert generate(5).text != generate(6).text
    assert [r.id for r in generate_many(3, seed=2)] == [r.id for r in generate_many(3, seed=2)]


def test_every_layout_and_damage_kind_occurs(records):
    layouts = Counter(layout for r in records for layout in r.meta["settings"]["layouts"].values())
    kinds = Counter(k for r in records for k in r.meta["settings"]["damage"])
    assert set(LAYOUTS) <= set(layouts), layouts
    assert set(DAMAGE_KINDS) | set(WRITE_DAMAGE) <= set(kinds), kinds
    versions = Counter(tuple(sorted(r.meta["settings"]["versions"].values())) for r in records)
    assert len(versions) >= 3  # 2019, 2021 and mixed reports


def test_damage_shows_in_the_text():
    r = generate(1, damage=["traditional", "ruby"], layout="pipe")
    assert "開" in r.text and _RUBY.search(r.text)
    r = generate(1, damage=["nbsp_question"], layout="pipe")
    assert "?" in r.text


def test_bad_settings_are_named():
    with pytest.raises(ValueError, match="layout"):
        generate(1, layout="fax")
    with pytest.raises(TypeError, match="colour"):
        generate(1, colour=1)
    with pytest.raises(ValueError, match="damage kinds"):
        generate(1, damage=["smudge"])


def test_samples_exist_for_every_layout_and_damage_kind():
    names = {p.stem for p in SAMPLES.iterdir()}
    for layout in LAYOUTS:
        assert f"layout-{layout}" in names
    for kind in (*DAMAGE_KINDS, *WRITE_DAMAGE):
        assert f"damage-{kind}" in names
    assert (SAMPLES / "README.md").read_text(encoding="utf-8").count("](") >= len(LAYOUTS) + len(DAMAGE_KINDS)


def test_cli_writes_jsonl(tmp_path):
    from typer.testing import CliRunner

    from gongkai.commands.synth import app

    out = tmp_path / "s.jsonl"
    result = CliRunner().invoke(app, ["--n", "3", "--seed", "4", "-o", str(out)])
    assert result.exit_code == 0, result.output
    lines = out.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 3 and json.loads(lines[0])["text"] == generate(4 * 1_000_003).text


def test_streaming_dataset():
    from gongkai.training.synth import iterable_dataset

    rows = list(iterable_dataset(3, seed=3))
    assert [r["id"] for r in rows] == [r.id for r in generate_many(3, seed=3)]
    assert any(json.loads(r["meta"])["tables"] for r in rows)


# --------------------------------------------------------------------------- the narrative (issue 4)

_UNITS = set("条件项个次篇场封处人期份%元")


@pytest.fixture(scope="module")
def plain():
    """Undamaged reports: the narrative as written, offsets exact."""
    return list(generate_many(150, seed=3, damage=[], layout="pipe"))


def test_narrative_is_as_rich_as_a_real_reports(plain):
    n = len(plain)
    per = Counter(s.label for r in plain for s in r.spans)
    assert 10 <= per["FIG_VALUE"] / n <= 25, per["FIG_VALUE"] / n
    assert per["SUBSECTION"] / n >= 5 and per["ORGAN"] / n >= 2 and per["YEAR"] / n >= 2
    assert sum(len(r.text) for r in plain) / n > 3500
    # Most overviews have 3–6 subsections.
    overview = [
        sum(1 for s in r.spans if s.label == "SUBSECTION" and s.start < r.meta["sections"][1]["start"])
        for r in plain
        if r.meta["sections"][0]["key"] == "overview"
    ]
    assert sum(3 <= k <= 6 for k in overview) > 0.7 * len(overview)
    # A broad character vocabulary: the tagger knows only what the training text shows it.
    assert len({ch for r in plain for ch in r.text if "\u4e00" <= ch <= "\u9fff"}) > 700


def test_year_and_figure_labels_follow_the_guideline(plain):
    for r in plain:
        years = [r.span_text(s) for s in r.spans if s.label == "YEAR"]
        assert years and set(years) == {str(r.meta["year"])}, r.id
        # The organ's name, or (a government's title) its place alone; the longest is the name.
        organs = [r.span_text(s) for s in r.spans if s.label == "ORGAN"]
        assert all(r.meta["organ"].startswith(o) for o in organs), r.id
        assert not organs or max(organs, key=len) == r.meta["organ"], r.id
        for f in r.meta["figures"]:
            inside = [s for s in r.spans if f["start"] <= s.start and s.end <= f["end"] and s.label.startswith("FIG_")]
            metrics = [f["metric"]] if f["metric"] else []  # 、259小项: a figure may have no metric
            assert [r.span_text(s) for s in inside if s.label == "FIG_METRIC"] == metrics, (r.id, f)
            # A magnitude is inside the value (66万余 + 人次); the meta unit keeps it (万人次).
            value = next(r.span_text(s) for s in inside if s.label == "FIG_VALUE").replace("万", "")
            assert value.strip("余近约多") == str(f["value"]) and f["approximate"] == (value != str(f["value"])), (
                r.id,
                f,
            )


def test_unlabelled_numbers_in_the_text_are_not_counts(plain):
    """Dates, document numbers, phones, addresses and list numbering stay O; a number
    followed by a measure word would be an unlabelled figure."""
    for r in plain:
        covered = bytearray(len(r.text))
        for s in r.spans:
            covered[s.start : s.end] = b"\x01" * (s.end - s.start)
        for m in re.finditer(r"\d+(?:\.\d+)?", r.text):
            if not any(covered[m.start() : m.end()]):
                assert r.text[m.end() : m.end() + 1] not in _UNITS, (r.id, r.text[m.start() - 10 : m.end() + 5])


def test_pdf_shifted_moves_numbers_off_their_labels():
    """Layout pdf_shifted prints rows as position-sorted PDF text does: numbers before their
    label, or between the two halves of a wrapped label (both halves ROW_LABEL)."""
    before = between = 0
    for r in generate_many(20, seed=8, layout="pdf_shifted", damage=[], debug=True):
        labels: dict[tuple, list] = {}
        first_cell: dict[tuple, int] = {}
        for span, info in zip(r.spans, r.meta["debug"]):
            if "row" in info and "table" not in info:  # ROW_LABEL of a data row
                labels.setdefault(info["row"], []).append(span)
            elif span.label in ("CELL", "BLANK") and "row" in info:
                first_cell.setdefault((info["table"], info["row"]), span.start)
        for row, spans in labels.items():
            starts = [v for (t, k), v in first_cell.items() if k == row]
            if len(spans) == 2 and starts and spans[0].end < min(starts) < spans[1].start:
                between += 1
                assert not r.text[spans[0].end : spans[1].start].strip(" \n0123456789.+-/—无|万元项个")
            elif len(spans) == 1 and starts and max(starts) < spans[0].start:
                before += 1
    assert before > 50 and between > 20, (before, between)


def test_figure_metrics_are_open_vocabulary(plain):
    """Real metrics are composed (``人大建议、政协提案办理结果``, ``部门和乡镇财政预决算信息及专项资金信息``);
    a tagger that saw only a fixed list cuts them at ``、`` or ``及``. Scopes and relative clauses
    before a metric stay outside it (``公布各类[政务服务事项]``, ``群众关注的[热点]``)."""
    from gongkai.training.synth.phrases import RELATIVES, SCOPES

    metrics = [
        (r.text[max(0, s.start - 8) : s.start], r.span_text(s))
        for r in plain
        for s in r.spans
        if s.label == "FIG_METRIC"
    ]
    names = {m for _, m in metrics}
    assert len(names) > 0.35 * len(metrics), (len(names), len(metrics))
    listed = [m for m in names if re.search(r"[^“”]、[^“”]|及", m)]
    assert len(listed) > 0.03 * len(names), listed[:5]
    assert not [m for m in names if m.startswith(SCOPES + RELATIVES)]
    assert sum(before.endswith(SCOPES + RELATIVES) for before, _ in metrics) > 0.02 * len(metrics)
