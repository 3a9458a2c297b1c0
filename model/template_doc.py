"""Render the report-format knowledge of :mod:`gongkai.model.template` as Markdown.

``docs/FORMAT.md`` is written by ``gongkai formats -o docs/FORMAT.md``, so the docs read the
same module as the generator, the assembler and the checks; a test keeps the file current.

>>> "| `denied.state_secret` | 1.属于国家秘密 |" in render_markdown()
True
"""

from __future__ import annotations

from . import template as T


def _labels(labels: tuple[str, ...]) -> str:
    return " / ".join(labels)


def _table_section(t: T.TableTemplate) -> list[str]:
    out = [f"### `{t.table}` — template `{t.version}` ({T.VERSION_SOURCES[t.version]})", ""]
    if t.blocks:
        out += ["| block | row | label (variants) | fields |", "|---|---|---|---|"]
        for b in t.blocks:
            for key in b.rows:
                r = t.row(key)
                fields = ", ".join(f"`{f.key}` {_labels(f.labels)}" for f in r.fields)
                out.append(f"| {b.title} | `{r.key}` | {_labels(r.labels)} | {fields} |")
        notes = [(f.key, n) for f in t.fields for n in f.notes]
        if notes:
            out += ["", "Header notes some reports print: " + "; ".join(f"`{k}` {n}" for k, n in notes)]
    else:
        out += ["| row | label (variants) | group |", "|---|---|---|"]
        for r in t.rows:
            group = " › ".join(g.label for g in t.group_path(r.key))
            out.append(f"| `{r.key}` | {_labels(r.labels)} | {group} |")
        out += ["", "Fields: " + ", ".join(f"`{f.key}` {_labels(f.labels)}" for f in t.fields)]
        if t.flat:
            out += ["", "Printed as one row of numbers in this order: " + ", ".join(f"{r}.{f}" for r, f in t.cells())]
    return out + [""]


def render_markdown() -> str:
    lines = [
        "# The report format",
        "",
        "Generated from `gongkai.model.template` by `gongkai formats -o docs/FORMAT.md`; do not edit by hand.",
        "",
        "## Sections",
        "",
        "| key | number | title (variants) | titles of reports before the templates |",
        "|---|---|---|---|",
        *(f"| `{s.key}` | {s.number} | {_labels(s.titles)} | {_labels(s.old_titles)} |" for s in T.SECTIONS),
        "",
        "Headings that are none of the six (key null): " + " / ".join(T.UNKEYED_SECTION_TITLES) + ".",
        "",
        f"Reports before {T.FIRST_TEMPLATE_YEAR}, and reports whose statistics table is the old-style one "
        f"({' / '.join(T.OLD_STATISTICS_WORDS)}), have no template tables.",
        "",
        "## Tables",
        "",
    ]
    for t in T.TEMPLATES:
        lines += _table_section(t)
    lines += ["## Rules", "", "| rule | what must hold |", "|---|---|"]
    lines += [f"| `{r.name}` | {r.description} |" for r in T.RULES]
    lines += [f"| `{name}` | {text} |" for name, text in T.NARRATIVE_RULES.items()]
    lines += [f"| `active_disclosure.{T.SPLIT_CHECK}` | {T.SPLIT_CHECK_DESCRIPTION} |"]
    lines += [
        "",
        "Across one organ's reports of consecutive years (`gongkai extract --cross-check`; "
        "warnings, never repairs; a row a report left ambiguous is `resolved` when exactly one of its "
        "readings fits):",
        "",
        "| rule | templates | what should hold |",
        "|---|---|---|",
    ]
    lines += [f"| `{r.name}` | {', '.join(r.versions)} | {r.description} |" for r in T.CROSS_YEAR_RULES]
    lines += [
        "",
        "Check statuses: " + ", ".join(f"`{s}`" for s in T.CheckStatus) + ".",
        "",
        "## Glued digit runs",
        "",
        "A row printed with no separator between its numbers is split by the rules above; where they "
        "leave several readings, by the cells the report states in its narrative, then by plausibility: "
        f"a count split off a run has at most {T.PLAUSIBLE_DIGIT_LEAD} digits more than the longest other "
        "cell of its kind in its row. Kinds: "
        + "; ".join(f"`{k}` {v}" for k, v in T.FIELD_KINDS.items())
        + ". Minus words: "
        + " / ".join(T.MINUS_WORDS)
        + "; units that end a number: "
        + " / ".join(T.CELL_UNITS)
        + ".",
        "",
        "| table | templates | cell | sentences that state it |",
        "|---|---|---|---|",
    ]
    lines += [
        f"| `{n.table}` | {', '.join(n.versions)} | "
        + ", ".join(f"`{r}.{n.field}`" for r, _ in n.rows)
        + " | "
        + " / ".join(f"`{p}`".replace("|", "\\|") for p in n.patterns)
        + " |"
        for n in T.NARRATIVE_CELLS
    ]
    lines += [
        "",
        "## Words",
        "",
        "Organ names end in: "
        + " / ".join(T.ORGAN_SUFFIXES)
        + "; short forms: "
        + ", ".join(f"{k} → {v}" for k, v in T.ORGAN_SHORT_FORMS.items())
        + ".",
        "",
        "Units of narrative figures: " + " / ".join(T.MEASURE_WORDS) + ".",
    ]
    return "\n".join(lines) + "\n"
