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
import re
from collections.abc import Iterator
from typing import Any

from gongkai.model import template as T
from gongkai.model.template import TABLE_KEYS

from ..corpus import Record, Span
from . import page as P, text as W
from .builder import Builder, apply_edits
from .damage import DAMAGE_KINDS, damage
from .layout import BLANK_MARKERS, LAYOUTS, render, table_grid
from .numbers import make_tables

#: Text layouts and how often a table gets each (HTML is chosen per report: its text is the source).
# cell_per_line is common among scraped pages (two of the five seeds print it).
# pdf_shifted: PDF text whose rows drifted from their labels (vertically centred cells).
# md_restructured: Markdown as OCR and LLM tools restructure a table.
LAYOUT_WEIGHTS = {
    "pipe": 0.24,
    "cell_per_line": 0.28,
    "tab": 0.08,
    "markdown": 0.08,
    "pdf": 0.1,
    "glued": 0.1,
    "pdf_shifted": 0.05,
    "md_restructured": 0.07,
}

#: Pages: ``lines`` (a line per paragraph, tables in one of LAYOUT_WEIGHTS' layouts or HTML) or
#: ``oneline`` (a page scraped onto one line under the archive's header, as most real reports
#: of ``shared/real`` are: every table glued, no separator between cells, headings glued to
#: their first sentence). Most real reports are one-line pages, so the generator writes many.
PAGE_WEIGHTS = {"lines": 0.55, "oneline": 0.45}
#: Share of reports from before the 2019 template (narrative and an old statistics table).
PRE_2019_RATE = 0.05
#: How a one-line page's table separates its cells (layout.GLUE_MODES).
GLUE_WEIGHTS = {"glued": 0.6, "spaced": 0.2, "headers_spaced": 0.1, "labels_spaced": 0.1}

#: How often each damage kind hits a report (a one-line page: only those that keep it one line,
#: at a third of the rate: the archive's pages are clean text).
DAMAGE_RATES = {
    "traditional": 0.25,
    "ruby": 0.6,
    "repeated_ruby": 0.2,
    "nbsp_question": 0.2,
    "unencodable_question": 0.1,
    "dropped_chars": 0.1,
    "fullwidth_digits": 0.08,
    "ocr": 0.08,
    "boilerplate": 0.15,
    "duplicated_lines": 0.1,
    "collapse_whitespace": 0.06,
    "label_breaks": 0.12,
}
_LINE_DAMAGE = ("boilerplate", "duplicated_lines", "collapse_whitespace", "label_breaks")
#: Damage applied while writing (not a text pass): truncated header words, empty cells, rows
#: printed with their label and no values, table-2 rows left out.
WRITE_DAMAGE = ("truncated_headers", "empty_cells", "label_only_rows", "omitted_rows")
_WRITE_RATES = {
    "lines": {"truncated_headers": 0.15, "empty_cells": 0.15, "label_only_rows": 0.05, "omitted_rows": 0.05},
    "oneline": {"truncated_headers": 0.1, "empty_cells": 0.05, "label_only_rows": 0.2, "omitted_rows": 0.15},
}

DEFAULTS: dict[str, Any] = {"error_rate": 0.1, "html_rate": 0.2, "mixed_rate": 0.1, "debug": False}
_SETTINGS = ("layout", "damage", "page", "pre2019")


def _settings(rng: random.Random, settings: dict[str, Any]) -> dict[str, Any]:
    unknown = set(settings) - set(DEFAULTS) - set(_SETTINGS)
    if unknown:
        raise TypeError(
            f"generate() got unknown settings {sorted(unknown)}; known: {sorted(set(DEFAULTS) | set(_SETTINGS))}"
        )
    s = {**DEFAULTS, **settings}
    if "page" in s and s["page"] not in PAGE_WEIGHTS:
        raise ValueError(f"unknown page {s['page']!r}; pages: {', '.join(PAGE_WEIGHTS)}")
    if s.get("layout") and s["layout"] not in LAYOUTS:
        raise ValueError(f"unknown layout {s['layout']!r}; layouts: {', '.join(LAYOUTS)}")
    page = s.get("page") or (
        "lines" if s.get("layout") else rng.choices(list(PAGE_WEIGHTS), list(PAGE_WEIGHTS.values()))[0]
    )
    pre2019 = s["pre2019"] if "pre2019" in s else (not s.get("layout") and rng.random() < PRE_2019_RATE)
    year = rng.randint(2009, 2018) if pre2019 else rng.randint(2019, 2025)
    # Reports that kept the 2019 tables after 2020 (030, 042 of shared/real print 规范性文件).
    base = (
        "2019" if T.version_for_year(year) == "2019" or rng.random() < (0.12 if page == "oneline" else 0.05) else "2021"
    )
    versions = {}
    for t in TABLE_KEYS:
        v = base
        if t in T.VERSIONED_TABLES and rng.random() < s["mixed_rate"]:
            v = "2021" if base == "2019" else "2019"
        versions[t] = v
    html = s.get("layout") == "html" or (
        "layout" not in s and page == "lines" and not pre2019 and rng.random() < s["html_rate"]
    )
    if pre2019:
        layouts, versions = {}, {}
    elif html:
        layouts = dict.fromkeys(TABLE_KEYS, "html")
    elif s.get("layout"):
        layouts = dict.fromkeys(TABLE_KEYS, s["layout"])
    elif page == "oneline":
        layouts = dict.fromkeys(TABLE_KEYS, "glued")
    else:
        first = rng.choices(list(LAYOUT_WEIGHTS), list(LAYOUT_WEIGHTS.values()))[0]
        # Mostly one layout per report, sometimes another for one table.
        layouts = {
            t: first if rng.random() < 0.85 else rng.choices(list(LAYOUT_WEIGHTS), list(LAYOUT_WEIGHTS.values()))[0]
            for t in TABLE_KEYS
        }
    if "damage" in s:
        kinds = list(s["damage"])
        unknown = [k for k in kinds if k not in DAMAGE_KINDS and k not in WRITE_DAMAGE]
        if unknown:
            raise ValueError(f"unknown damage kinds {unknown}; kinds: {', '.join(DAMAGE_KINDS + WRITE_DAMAGE)}")
    else:
        scale = 0.3 if page == "oneline" else 1.0
        kinds = [
            k
            for k, p in DAMAGE_RATES.items()
            if not (page == "oneline" and k in _LINE_DAMAGE) and rng.random() < p * scale
        ]
        kinds += [k for k, p in _WRITE_RATES[page].items() if rng.random() < p]
    if html:  # a ? for a space would break the markup; collapsing is fine; a line break is a space
        kinds = [k for k in kinds if k not in ("nbsp_question", "label_breaks")]
    return {
        "year": year,
        "versions": versions,
        "layouts": layouts,
        "html": html,
        "damage": kinds,
        "page": page,
        "pre2019": pre2019,
        "error_rate": s["error_rate"],
        "debug": s["debug"],
    }


def _style(rng: random.Random, cfg: dict[str, Any]) -> dict[str, Any]:
    oneline = cfg["page"] == "oneline"
    return {
        "year": cfg["year"],
        "variants": 0.5 if "truncated_headers" in cfg["damage"] else 0.1,
        "notes": rng.random() * 0.8,
        "units": rng.choice((0.0, 0.0, 0.0, 0.3) if oneline else (0.0, 0.0, 0.3, 1.0)),
        "plus": rng.choice((0.0, 0.5)),
        "blank_marker": "" if oneline and rng.random() < 0.8 else rng.choice(BLANK_MARKERS),
        "row_close": rng.choice((0, 1)),
        "md_split": rng.random() < 0.4,
        "md_header": rng.choice(("real", "invented")),
        "pdf_detached": rng.random() < 0.3,
        "char_per_line": rng.choice((0.0, 0.1)),
        "glue": rng.choice(("", " ")),
        "word_spans": rng.random(),
        "page_break": rng.choice((0.0, 0.05)),
        "glue_mode": rng.choices(list(GLUE_WEIGHTS), list(GLUE_WEIGHTS.values()))[0] if oneline else None,
        "run_spaces": rng.choice((0.0, 0.0, 0.02, 0.05)) if oneline else 0.0,
        "header_spaces": rng.choice((0.0, 0.3, 0.8)) if oneline else rng.choice((0.0, 0.0, 0.1)),
        "md_generic": rng.choice((0.2, 0.6)),
        "md_numberless": rng.choice((0.2, 0.8)),
    }


def _blank_zeros(rng: random.Random, tables: dict[str, Any]) -> list[str]:
    """Empty cells: some reports leave zeros blank (the truth is then ``null``)."""
    cells = [(t, r, f) for t, e in tables.items() for r, v in e["rows"].items() for f, x in v.items() if x == 0]
    picked = rng.sample(cells, min(len(cells), rng.randint(1, 8)))
    for t, r, f in picked:
        tables[t]["rows"][r][f] = None
    return [f"{t}.{r}.{f}" for t, r, f in picked]


def _label_only_rows(rng: random.Random, tables: dict[str, Any]) -> list[str]:
    """Rows printed with their label and no values (030: ``…申请3.其他（七）总计…``): only
    rows of zeros, so the rules still hold; their truth is ``null``."""
    rows = [
        (t, r)
        for t in ("applications", "active_disclosure")
        if t in tables
        for r, v in tables[t]["rows"].items()
        if all(x == 0 for x in v.values())
    ]
    out = []
    for t, r in rng.sample(rows, min(len(rows), rng.randint(1, 3))):
        tables[t]["rows"][r] = dict.fromkeys(tables[t]["rows"][r])
        out += [f"{t}.{r}.{f}" for f in tables[t]["rows"][r]]
    return out


def _omit_rows(rng: random.Random, tables: dict[str, Any], versions: dict[str, str]) -> list[str]:
    """A table-2 row the report does not print at all (030 prints no 规章 row): absent from
    the truth too. Only from blocks of two rows, so every block keeps a row."""
    if "active_disclosure" not in tables:
        return []
    tmpl = T.table_template("active_disclosure", versions["active_disclosure"])
    pairs = [b.rows for b in tmpl.blocks if len(b.rows) > 1]
    rows = rng.choice(pairs)
    gone = rows[0] if rows[0] == "rules" or rng.random() < 0.6 else rows[1]
    del tables["active_disclosure"]["rows"][gone]
    return [f"active_disclosure.{gone}"]


def _after_table(b: Builder, rng: random.Random, ctx: W.Ctx, key: str, tables: dict[str, Any], p: float) -> None:
    """Narrative after a table (042 glues it to the last cell: ``行政事业性收费02025年,我局…``)."""
    if rng.random() >= p:
        return
    total = tables[key]["rows"].get("new_received", {}).get("total") if key == "applications" else None
    if total is not None and rng.random() < 0.6:
        W.wrap_html(b, ctx.html, True)
        W.application_figure(b, rng, ctx.year, total)
        W.wrap_html(b, ctx.html, False)
    else:
        W.body_paragraph(
            b,
            rng,
            ctx.year,
            ctx.where,
            rng.randint(0, 2),
            ctx.html,
            ctx,
            "active" if key == "active_disclosure" else "application",
        )


def _write(rng: random.Random, cfg: dict[str, Any], tables: dict[str, Any]) -> tuple[Builder, dict[str, Any]]:
    year, html = cfg["year"], cfg["html"]
    oneline = cfg["page"] == "oneline"
    where = W.place(rng)
    organ = where + rng.choice(W._BODIES) if rng.random() < 0.85 else W.organ(rng)
    ctx = W.Ctx(year, where, organ, html)
    chrome = W.chrome_top(rng, organ) + W.chrome_bottom(rng, where)
    b = Builder()
    page_title = f"{organ}{year}年{rng.choice(('', '度'))}政府信息公开工作年度报告"
    py, pm, pd = P.page_date(rng, year)
    stamp = f"{py}-{pm:02d}-{pd:02d} {rng.randint(8, 18):02d}:{rng.randint(0, 59):02d}"
    if oneline:  # the archive's header lines, then the body that will be one line
        for line in P.crawler_header(rng, page_title, stamp, organ):
            b.add(line + "\n")
        b.spans.append([len(b), len(b), "_BODY", {}])
        if rng.random() < 0.5:
            b.add(P.breadcrumb(rng, page_title, stamp, organ) + "\n")
        if rng.random() < 0.3:
            b.add(P.word_css(rng) + "\n")
    elif rng.random() < 0.5:
        for line in W.chrome_top(rng, organ):
            b.add(line + "\n")
    titled = rng.random() < (0.5 if oneline else 0.9)  # some pages print no title line; they state the period
    if cfg["pre2019"]:
        P.pre2019(b, rng, ctx, titled)
    else:
        # A title naming the organ by its place alone needs the full name elsewhere (the contact line).
        place_only = W.title(b, rng, organ, year, html, where) if titled else False
        W.intro(b, rng, organ, year, where, html, period=not titled, contact=place_only)
        _sections(b, rng, cfg, ctx, tables)
    if rng.random() < (0.7 if oneline else 0.3):
        W.wrap_html(b, html, True)
        P.signature(b, rng, organ, year, rng.choice((" ", "", " ")))
        W.wrap_html(b, html, False)
    if oneline:
        if rng.random() < 0.3:
            b.add(P.word_css(rng) + "\n")
        if rng.random() < 0.6:
            b.add(rng.choice(P.PAGE_ENDS) + "\n")
    elif rng.random() < 0.5:
        for line in W.chrome_bottom(rng, where):
            b.add(line + "\n")
    return b, {"organ": organ, "chrome": chrome, "glue": rng.choice(("", " ")), "space": rng.choice((0.1, 0.5, 0.9))}


def _sections(b: Builder, rng: random.Random, cfg: dict[str, Any], ctx: W.Ctx, tables: dict[str, Any]) -> None:
    """The six sections of a report on the national templates, tables in their layouts."""
    oneline, html, year = cfg["page"] == "oneline", cfg["html"], cfg["year"]
    # Some reports drop 总体情况 and number the rest 一–五.
    shift = 1 if rng.random() < 0.08 else 0
    style = _style(rng, cfg)
    style["page_chrome"] = W.page_chrome(rng, ctx.organ)
    markdown = any(v in ("markdown", "md_restructured") for v in cfg["layouts"].values()) and rng.random() < 0.7
    comment = oneline and rng.random() < 0.1  # Word's conditional comments before a table
    # Real reports state 10–25 figures, most of them in the overview.
    figures = rng.randint(5, 15)
    for index, key in enumerate(T.SECTION_KEYS):
        if shift and key == "overview":
            continue
        W.section_heading(
            b, rng, key, T.CHINESE_NUMBERS[index - shift], html, rng.choice(("## ", "### ")) if markdown else ""
        )
        if key == "overview":
            W.overview(b, rng, ctx, figures, short=oneline)
        elif key in tables:
            if key == "active_disclosure" and rng.random() < 0.5:
                W.active_narrative(b, rng, ctx)
            if key == "applications" and rng.random() < 0.45:
                total = tables[key]["rows"]["new_received"]["total"]
                if total is not None:
                    W.wrap_html(b, html, True)
                    W.application_figure(b, rng, year, total)
                    W.wrap_html(b, html, False)
            if comment and rng.random() < 0.5:
                b.add(rng.choice(P.HTML_COMMENTS))
            grid = table_grid(key, cfg["versions"][key], tables[key], rng, style)
            render(b, grid, cfg["layouts"][key], rng, style)
            _after_table(b, rng, ctx, key, tables, 0.25 if oneline else 0.1)
        elif key == "problems":
            W.problems(b, rng, ctx)
        else:
            W.other_matters(b, rng, ctx)


def _one_line(text: str, spans: list[list[Any]], rng: random.Random, p_space: float) -> str:
    """The body of a one-line page: every line break after the ``_BODY`` mark becomes a
    space or nothing (``。一、总体情况2021年,…``: a heading glued to its first sentence)."""
    start = next((s[0] for s in spans if s[2] == "_BODY"), None)
    if start is None:
        return text
    edits = [
        [m.start(), 1, " " if rng.random() < p_space else "", False]
        for m in re.finditer("\n", text)
        if m.start() >= start
    ]
    return apply_edits(text, edits, spans)[0]


def generate(seed: int, **settings: Any) -> Record:
    """One synthetic report. Settings: ``error_rate`` (share of reports with a
    publication error), ``html_rate`` (of ``lines`` pages), ``mixed_rate`` (a table in the
    other template), ``layout`` (force one of LAYOUTS), ``page`` (``lines`` or ``oneline``),
    ``pre2019`` (a report from before the 2019 template), ``damage`` (force a list of
    kinds), ``debug`` (keep each span's intended text and value in ``meta["debug"]``)."""
    if not isinstance(seed, int):
        raise TypeError(f"seed must be an int, got {seed!r}")
    rng = random.Random(seed)
    cfg = _settings(rng, settings)
    if cfg["pre2019"]:
        tables, errors = {}, []
    else:
        tables, errors = make_tables(rng, cfg["versions"], cfg["error_rate"])
        # The one-line pages are small bodies' reports: a few applications, rarely thousands.
        for _ in range(3 if cfg["page"] == "oneline" and rng.random() < 0.85 else 0):
            if (tables["applications"]["rows"]["new_received"]["total"] or 0) <= 300:
                break
            tables, errors = make_tables(rng, cfg["versions"], cfg["error_rate"])
    blanked = _blank_zeros(rng, tables) if "empty_cells" in cfg["damage"] and tables else []
    if "label_only_rows" in cfg["damage"] and tables:
        blanked += _label_only_rows(rng, tables)
    omitted = _omit_rows(rng, tables, cfg["versions"]) if "omitted_rows" in cfg["damage"] and tables else []
    b, info = _write(rng, cfg, tables)
    text, spans = b.text(), b.spans
    text_kinds = [k for k in cfg["damage"] if k in DAMAGE_KINDS]
    text, _ = damage(text, spans, rng, text_kinds, chrome=info["chrome"], glue=info["glue"])
    if cfg["page"] == "oneline":
        text = _one_line(text, spans, rng, info["space"])
    public = sorted((s for s in spans if not s[2].startswith("_")), key=lambda s: (s[0], s[1]))
    meta: dict[str, Any] = {
        "source": "synthetic",
        "seed": seed,
        "year": cfg["year"],
        "organ": info["organ"],
        "tables": tables,
        "errors": errors,
        "sections": [W.metadata_section(s) for s in spans if s[2] == "_SECTION"],
        "figures": [
            {
                "metric": s[3]["metric"],
                "value": s[3]["value"],
                "unit": s[3]["unit"],
                "approximate": s[3]["approximate"],
                "text": text[s[0] : s[1]],
                "start": s[0],
                "end": s[1],
            }
            for s in spans
            if s[2] == "_FIG"
        ],
        "settings": {
            "versions": cfg["versions"],
            "layouts": cfg["layouts"],
            "html": cfg["html"],
            "page": cfg["page"],
            "pre2019": cfg["pre2019"],
            "damage": cfg["damage"],
            "blanked": blanked,
            "omitted": omitted,
        },
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
        yield {
            "id": r.id,
            "text": r.text,
            "spans": [s.to_dict() for s in r.spans],
            "meta": json.dumps(r.meta, ensure_ascii=False),
        }


def iterable_dataset(n: int, seed: int = 0, **settings: Any):
    """A streaming ``datasets.IterableDataset`` over :func:`dataset_rows`."""
    import datasets

    return datasets.IterableDataset.from_generator(dataset_rows, gen_kwargs={"n": n, "seed": seed, **settings})
