"""Synthetic reports with exact labels: ``generate(seed)`` writes one whole
政府信息公开工作年度报告 (chrome, title, six sections, narrative with figures, the three
tables in some layout, damage) and returns it as an annotation
:class:`~gongkai.training.corpus.Record` whose ``meta`` holds the true tables (SCHEMA.md
form), the sections and figures with offsets, the injected publication errors and
every generator choice.

Deterministic by seed: one ``random.Random(seed)`` per report, no global state.

>>> r = generate(7)
>>> r == generate(7), sorted(r.meta["tables"]) == sorted(TABLE_KEYS)
(True, True)
>>> all(not r.span_text(s)[0].isspace() and r.span_text(s)[-1] not in " |?" for s in r.spans)
True
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from typing import Any

from gongkai.model import template as T
from gongkai.model.template import TABLE_KEYS
from gongkai.training import synth_text as W
from gongkai.training.corpus import Record, Span
from gongkai.training.synth_builder import Builder
from gongkai.training.synth_damage import DAMAGE_KINDS, damage
from gongkai.training.synth_layout import BLANK_MARKERS, LAYOUTS, render, table_grid
from gongkai.training.synth_numbers import make_tables

#: Text layouts and how often a table gets each (HTML is chosen per report: its text is the source).
# cell_per_line is common among scraped pages (two of the five seeds print it).
# pdf_shifted: PDF text whose rows drifted from their labels (vertically centred cells).
LAYOUT_WEIGHTS = {"pipe": 0.26, "cell_per_line": 0.32, "tab": 0.1, "markdown": 0.08, "pdf": 0.1, "glued": 0.1,
                  "pdf_shifted": 0.05}

#: How often each damage kind hits a report.
DAMAGE_RATES = {
    "traditional": 0.25, "ruby": 0.6, "repeated_ruby": 0.2, "nbsp_question": 0.2, "unencodable_question": 0.1,
    "dropped_chars": 0.1, "fullwidth_digits": 0.08, "ocr": 0.08, "boilerplate": 0.15, "duplicated_lines": 0.1,
    "collapse_whitespace": 0.06,
}
#: Damage applied while writing (not a text pass): truncated header words, empty cells.
WRITE_DAMAGE = ("truncated_headers", "empty_cells")

DEFAULTS: dict[str, Any] = {"error_rate": 0.1, "html_rate": 0.1, "mixed_rate": 0.1, "debug": False}


def _settings(rng: random.Random, settings: dict[str, Any]) -> dict[str, Any]:
    unknown = set(settings) - set(DEFAULTS) - {"layout", "damage"}
    if unknown:
        raise TypeError(f"generate() got unknown settings {sorted(unknown)}; known: "
                        f"{sorted(set(DEFAULTS) | {'layout', 'damage'})}")
    s = {**DEFAULTS, **settings}
    year = rng.randint(2019, 2024)
    base = "2019" if year <= 2020 or rng.random() < 0.05 else "2021"
    versions = {}
    for t in TABLE_KEYS:
        v = base
        if t in T.VERSIONED_TABLES and rng.random() < s["mixed_rate"]:
            v = "2021" if base == "2019" else "2019"
        versions[t] = v
    html = s.get("layout") == "html" or ("layout" not in s and rng.random() < s["html_rate"])
    if html:
        layouts = dict.fromkeys(TABLE_KEYS, "html")
    elif s.get("layout"):
        if s["layout"] not in LAYOUTS:
            raise ValueError(f"unknown layout {s['layout']!r}; layouts: {', '.join(LAYOUTS)}")
        layouts = dict.fromkeys(TABLE_KEYS, s["layout"])
    else:
        first = rng.choices(list(LAYOUT_WEIGHTS), list(LAYOUT_WEIGHTS.values()))[0]
        # Mostly one layout per report, sometimes another for one table.
        layouts = {t: first if rng.random() < 0.85 else rng.choices(list(LAYOUT_WEIGHTS),
                                                                     list(LAYOUT_WEIGHTS.values()))[0]
                   for t in TABLE_KEYS}
    if "damage" in s:
        kinds = list(s["damage"])
        unknown = [k for k in kinds if k not in DAMAGE_KINDS and k not in WRITE_DAMAGE]
        if unknown:
            raise ValueError(f"unknown damage kinds {unknown}; kinds: {', '.join(DAMAGE_KINDS + WRITE_DAMAGE)}")
    else:
        kinds = [k for k, p in DAMAGE_RATES.items() if rng.random() < p]
        kinds += [k for k in WRITE_DAMAGE if rng.random() < 0.15]
    if html:  # a ? for a space would break the markup; collapsing is fine
        kinds = [k for k in kinds if k != "nbsp_question"]
    return {"year": year, "versions": versions, "layouts": layouts, "html": html, "damage": kinds,
            "error_rate": s["error_rate"], "debug": s["debug"]}


def _style(rng: random.Random, cfg: dict[str, Any]) -> dict[str, Any]:
    return {
        "year": cfg["year"],
        "variants": 0.5 if "truncated_headers" in cfg["damage"] else 0.1,
        "notes": rng.random() * 0.8, "units": rng.choice((0.0, 0.0, 0.3, 1.0)), "plus": rng.choice((0.0, 0.5)),
        "blank_marker": rng.choice(BLANK_MARKERS), "row_close": rng.choice((0, 1)),
        "md_split": rng.random() < 0.4, "md_header": rng.choice(("real", "invented")),
        "pdf_detached": rng.random() < 0.3, "char_per_line": rng.choice((0.0, 0.1)),
        "glue": rng.choice(("", " ")), "word_spans": rng.random(), "page_break": rng.choice((0.0, 0.05)),
    }


def _blank_zeros(rng: random.Random, tables: dict[str, Any]) -> list[str]:
    """Empty cells: some reports leave zeros blank (the truth is then ``null``)."""
    cells = [(t, r, f) for t, e in tables.items() for r, v in e["rows"].items() for f, x in v.items() if x == 0]
    picked = rng.sample(cells, min(len(cells), rng.randint(1, 8)))
    for t, r, f in picked:
        tables[t]["rows"][r][f] = None
    return [f"{t}.{r}.{f}" for t, r, f in picked]


def _write(rng: random.Random, cfg: dict[str, Any], tables: dict[str, Any]) -> tuple[Builder, dict[str, Any]]:
    year, html = cfg["year"], cfg["html"]
    where = W.place(rng)
    organ = where + rng.choice(W._BODIES) if rng.random() < 0.85 else W.organ(rng)
    ctx = W.Ctx(year, where, organ, html)
    chrome = W.chrome_top(rng, organ) + W.chrome_bottom(rng, where)
    b = Builder()
    if rng.random() < 0.5:
        for line in W.chrome_top(rng, organ):
            b.add(line + "\n")
    titled = rng.random() < 0.9  # some pages print no title line; they state the period
    # A title naming the organ by its place alone needs the full name elsewhere (the contact line).
    place_only = W.title(b, rng, organ, year, html, where) if titled else False
    W.intro(b, rng, organ, year, where, html, period=not titled, contact=place_only)
    # Some reports drop 总体情况 and number the rest 一–五.
    shift = 1 if rng.random() < 0.08 else 0
    style = _style(rng, cfg)
    style["page_chrome"] = W.page_chrome(rng, organ)
    # Real reports state 10–25 figures, most of them in the overview.
    figures = rng.randint(5, 15)
    for index, key in enumerate(T.SECTION_KEYS):
        if shift and key == "overview":
            continue
        W.section_heading(b, rng, key, T.CHINESE_NUMBERS[index - shift], html)
        if key == "overview":
            W.overview(b, rng, ctx, figures)
        elif key in tables:
            if key == "active_disclosure" and rng.random() < 0.5:
                W.active_narrative(b, rng, ctx)
            if key == "applications" and rng.random() < 0.6:
                total = tables[key]["rows"]["new_received"]["total"]
                if total is not None:
                    W.wrap_html(b, html, True)
                    W.application_figure(b, rng, year, total)
                    W.wrap_html(b, html, False)
            grid = table_grid(key, cfg["versions"][key], tables[key], rng, style)
            render(b, grid, cfg["layouts"][key], rng, style)
        elif key == "problems":
            W.problems(b, rng, ctx)
        else:
            W.other_matters(b, rng, ctx)
    if rng.random() < 0.5:
        for line in W.chrome_bottom(rng, where):
            b.add(line + "\n")
    return b, {"organ": organ, "chrome": chrome, "glue": style["glue"]}


def generate(seed: int, **settings: Any) -> Record:
    """One synthetic report. Settings: ``error_rate`` (share of reports with a
    publication error), ``html_rate``, ``mixed_rate`` (a table in the other template),
    ``layout`` (force one of LAYOUTS), ``damage`` (force a list of kinds), ``debug``
    (keep each span's intended text and value in ``meta["debug"]``)."""
    if not isinstance(seed, int):
        raise TypeError(f"seed must be an int, got {seed!r}")
    rng = random.Random(seed)
    cfg = _settings(rng, settings)
    tables, errors = make_tables(rng, cfg["versions"], cfg["error_rate"])
    blanked = _blank_zeros(rng, tables) if "empty_cells" in cfg["damage"] else []
    b, info = _write(rng, cfg, tables)
    text, spans = b.text(), b.spans
    text_kinds = [k for k in cfg["damage"] if k in DAMAGE_KINDS]
    text, _ = damage(text, spans, rng, text_kinds, chrome=info["chrome"], glue=rng.choice(("", " ")))
    public = sorted((s for s in spans if not s[2].startswith("_")), key=lambda s: (s[0], s[1]))
    meta: dict[str, Any] = {
        "source": "synthetic", "seed": seed, "year": cfg["year"], "organ": info["organ"],
        "tables": tables, "errors": errors,
        "sections": [W.metadata_section(s) for s in spans if s[2] == "_SECTION"],
        "figures": [{"metric": s[3]["metric"], "value": s[3]["value"], "unit": s[3]["unit"],
                     "approximate": s[3]["approximate"], "text": text[s[0]:s[1]], "start": s[0], "end": s[1]}
                    for s in spans if s[2] == "_FIG"],
        "settings": {"versions": cfg["versions"], "layouts": cfg["layouts"], "html": cfg["html"],
                     "damage": cfg["damage"], "blanked": blanked},
    }
    if cfg["debug"]:
        meta["debug"] = [{k: v for k, v in s[3].items()} for s in public]
    return Record(f"synth-{seed}", text, [Span(s[0], s[1], s[2]) for s in public], meta)


def generate_many(n: int, seed: int = 0, **settings: Any) -> Iterator[Record]:
    """``n`` reports, the i-th from its own seed derived from ``seed``."""
    if n < 0:
        raise ValueError(f"n must be >= 0, got {n}")
    for i in range(n):
        yield generate(seed * 1_000_003 + i, **settings)


def dataset_rows(n: int, seed: int = 0, **settings: Any) -> Iterator[dict[str, Any]]:
    """Records as flat rows for ``datasets`` (``meta`` as a JSON string: its shape varies)."""
    for r in generate_many(n, seed, **settings):
        yield {"id": r.id, "text": r.text, "spans": [s.to_dict() for s in r.spans],
               "meta": json.dumps(r.meta, ensure_ascii=False)}


def iterable_dataset(n: int, seed: int = 0, **settings: Any):
    """A streaming ``datasets.IterableDataset`` over :func:`dataset_rows`."""
    import datasets

    return datasets.IterableDataset.from_generator(dataset_rows, gen_kwargs={"n": n, "seed": seed, **settings})
