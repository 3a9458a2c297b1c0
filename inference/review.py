"""The review page (``gongkai view``): the source with its tags highlighted beside the tables
extracted from it, every cell linked to the source characters it was read from, and failed
and repaired checks marked — for a person to see at a glance where to look.

The marks are drawn here from the record's own offsets (no spaCy: the page is an extraction
need, not a training one). An HTML input is shown as the text a reader sees, its marks moved
from the HTML source offsets onto that text. The record is embedded in the page as JSON that
any script can parse (``</script>`` and the like escaped).

>>> page = render_review("一、总体情况\\n", {"id": "a</script>", "sections": [
...     {"key": "overview", "number": "一", "title": "总体情况", "start": 0, "end": 6}]})
>>> '<mark class="entity" id="src-0" data-label="SECTION"' in page
True
>>> embedded = page[page.index('id="report">') + 12:page.rindex("</script>")]
>>> json.loads(embedded)["id"], "</script>" in embedded
('a</script>', False)
"""

from __future__ import annotations

import html
import json
from collections.abc import Callable, Iterable
from typing import Any, NamedTuple

from gongkai.model import template as T
from gongkai.model.labels import Label
from gongkai.model.template import CheckStatus

from . import offsets
from .html import looks_like_html, render_html

COLORS = {
    Label.SECTION: "#f4a261",
    Label.SUBSECTION: "#f6c28b",
    Label.TABLE_TITLE: "#e9c46a",
    Label.COL_HEADER: "#a8dadc",
    Label.ROW_LABEL: "#90be6d",
    Label.CELL: "#bde0fe",
    Label.BLANK: "#ffafcc",
    Label.FIG_METRIC: "#cdb4db",
    Label.FIG_VALUE: "#b392ac",
    Label.FIG_UNIT: "#e0c3fc",
    Label.ORGAN: "#ffd6a5",
    Label.YEAR: "#fdffb6",
    # Marks drawn from what a record read, when it kept no entities (see record_marks).
    "FIGURE": "#cdb4db",
}

_STYLE = """
body { font-family: sans-serif; margin: 0; }
header { padding: .5em 1em; background: #264653; color: white; }
header a { color: #e9c46a; }
main { display: grid; grid-template-columns: 1fr 1fr; gap: 1em; padding: 1em; }
#source { overflow: auto; max-height: 90vh; border: 1px solid #ccc; padding: .5em; white-space: pre-wrap;
  line-height: 2; }
#extracted { overflow: auto; max-height: 90vh; }
mark.entity { padding: 0 .15em; border-radius: .3em; }
mark.entity::after { content: attr(data-label); font-size: 55%; font-weight: bold; margin-left: .3em;
  vertical-align: middle; opacity: .7; }
p.note { background: #fff3b0; padding: .3em .6em; white-space: normal; }
table.extracted { border-collapse: collapse; margin-bottom: 1em; font-size: 90%; }
table.extracted td, table.extracted th { border: 1px solid #999; padding: 2px 6px; text-align: right; }
table.extracted th.row { text-align: left; font-weight: normal; }
td.cell { cursor: pointer; }
td.blank { background: #eee; color: #888; }
td.repaired { background: #fff3b0; font-weight: bold; }
td.segmented { background: #e8f1fb; }
td.ambiguous { background: #fde2c8; }
td.failed { outline: 2px solid #d62828; }
li.check.fail { color: #d62828; font-weight: bold; }
li.check.repaired { color: #b08900; font-weight: bold; }
li.check.ambiguous { color: #c05a00; font-weight: bold; }
mark.focus { outline: 3px solid #d62828; }
"""

_SCRIPT = """
function show(start) {
  document.querySelectorAll('mark.focus').forEach(m => m.classList.remove('focus'));
  const m = document.getElementById('src-' + start);
  if (m) { m.classList.add('focus'); m.scrollIntoView({block: 'center'}); }
}
document.addEventListener('DOMContentLoaded', () => {
  // Counted from the embedded record, so the page proves that it parses.
  const report = JSON.parse(document.getElementById('report').textContent);
  const count = s => (report.checks || []).filter(c => c.status === s).length;
  document.getElementById('summary').textContent =
    count('fail') + ' failed check(s), ' + count('repaired') + ' repaired, ' +
    document.querySelectorAll('td.cell').length + ' cells';
});
"""


class Mark(NamedTuple):
    """A highlighted stretch of the source: offsets into the source as extracted."""

    start: int
    end: int
    label: str


def record_marks(report: dict[str, Any]) -> list[Mark]:
    """What a record lets the page highlight: its tagged entities where it kept them
    (``Extractor(keep_entities=True)``), else what it read — every table cell (``CELL``, or
    ``BLANK`` for a blank one), the section headings and the narrative figures (``FIGURE``).

    >>> record_marks({"provenance": {"reviews": {"review": {"total": {"start": 5, "end": 6}}}},
    ...               "tables": {"reviews": {"rows": {"review": {"total": None}}}}})
    [Mark(start=5, end=6, label='BLANK')]
    """
    if report.get("entities"):
        return [Mark(e["start"], e["end"], e["label"]) for e in report["entities"]]
    marks = []
    for table, rows in (report.get("provenance") or {}).items():
        values = ((report.get("tables") or {}).get(table) or {}).get("rows") or {}
        for row, fields in rows.items():
            for field, p in fields.items():
                if "start" in p:
                    blank = (values.get(row) or {}).get(field, 0) is None
                    marks.append(Mark(p["start"], p["end"], Label.BLANK if blank else Label.CELL))
    marks += [Mark(s["start"], s["end"], Label.SECTION) for s in report.get("sections") or [] if "start" in s]
    marks += [Mark(f["start"], f["end"], "FIGURE") for f in report.get("figures") or [] if "start" in f]
    return marks


def source_view(source: str) -> tuple[str, Callable[[int, int], tuple[int, int]]]:
    """The text a person reads for ``source`` (HTML rendered to its text, anything else as it is)
    and the map from a source span to a span of that text.

    >>> text, to_view = source_view("<p>总体&amp;情况</p>")
    >>> text.strip(), text[slice(*to_view(5, 10))]
    ('总体&情况', '&')
    """
    if not looks_like_html(source):
        return source, lambda a, b: (a, b)
    text, starts, ends = render_html(source)
    return text, lambda a, b: offsets.from_source(starts, ends, len(source), a, b)


def mismatched_cells(source: str, report: dict[str, Any]) -> int:
    """How many cells and figures of ``report`` do not read, at their offsets, what the record
    says was printed there: not 0 when ``source`` is not the text the record was extracted from."""
    bad = 0
    for rows in (report.get("provenance") or {}).values():
        for fields in rows.values():
            for p in fields.values():
                if "start" in p and source[p["start"] : p["end"]] != p.get("text"):
                    bad += 1
    return bad + sum(
        1 for f in report.get("figures") or [] if "start" in f and source[f["start"] : f["end"]] != f.get("text")
    )


def marked_html(source: str, marks: Iterable[Mark]) -> str:
    """``source`` as the page shows it (see :func:`source_view`), HTML-escaped, each mark a
    ``<mark>`` with the id ``src-<source start>`` that table cells point at. Marks that overlap
    one drawn already, or fall outside the source, are left out.

    >>> marked_html("a<b", [Mark(1, 3, "CELL")])
    'a<mark class="entity" id="src-1" data-label="CELL" style="background: #bde0fe">&lt;b</mark>'
    """
    text, to_view = source_view(source)
    spans = []
    for m in marks:
        if 0 <= m.start < m.end <= len(source):
            a, b = to_view(m.start, m.end)
            if a < b:
                spans.append((a, b, m))
    spans.sort(key=lambda s: (s[0], s[1]))
    out, at = [], 0
    for a, b, m in spans:
        if a < at:
            continue
        color = COLORS.get(m.label, "#ddd")
        out.append(html.escape(text[at:a], quote=False))
        out.append(
            f'<mark class="entity" id="src-{m.start}" data-label="{html.escape(m.label)}" '
            f'style="background: {color}">{html.escape(text[a:b], quote=False)}</mark>'
        )
        at = b
    out.append(html.escape(text[at:], quote=False))
    return "".join(out)


def json_for_script(value: Any) -> str:
    """JSON that can stand inside ``<script type="application/json">``: ``<``, ``>`` and ``&``
    written as JSON escapes, so no ``</script>`` or ``<!--`` in a string ends the element.

    >>> print(json_for_script({"t": "</script><!--&"}))
    {"t": "\\u003c/script\\u003e\\u003c!--\\u0026"}
    """
    text = json.dumps(value, ensure_ascii=False)
    for ch, esc in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"), ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):
        text = text.replace(ch, esc)
    return text


def _failed_cells(report: dict[str, Any]) -> set[tuple[str, str | None, str | None]]:
    """(table, row, column) touched by a failed check (row or column None: the whole line)."""
    out = set()
    for c in report.get("checks", []):
        if c.get("status") != CheckStatus.FAIL:
            continue
        table = c["rule"].split(".", 1)[0]
        out.add((table, c.get("row"), c.get("column")))
    return out


def _table_html(name: str, table: dict[str, Any], prov: dict[str, Any], failed) -> str:
    version = T.schema_version(table)
    tpl = T.table_template(name, version)
    fields = tpl.fields
    head = "".join(f"<th>{html.escape(f.label)}</th>" for f in fields)
    rows = []
    for r in tpl.rows:
        values = table["rows"].get(r.key)
        if values is None:
            continue
        tds = []
        for f in fields:
            if f.key not in values:
                tds.append("<td></td>" if f.key not in r.field_keys else '<td class="missing">?</td>')
                continue
            v = values[f.key]
            p = prov.get(r.key, {}).get(f.key, {})
            classes = ["cell", "blank" if v is None else "value"]
            if "repaired_from" in p:
                classes.append("repaired")
            elif "candidates" in p:
                classes.append("ambiguous")
            elif "segmented_from" in p:
                classes.append("segmented")
            if (name, r.key, None) in failed or (name, None, f.key) in failed:
                classes.append("failed")
            tip = f"{r.key}.{f.key}: printed {p.get('text', '')!r}, confidence {p.get('confidence', '')}"
            if "repaired_from" in p:
                tip += f", repaired from {p['repaired_from']!r}"
            if "segmented_from" in p:
                tip += f", split from the glued run {p['segmented_from']!r}"
            if "candidates" in p:
                tip += f", one of {p['candidates']}"
            click = f' onclick="show({p["start"]})"' if "start" in p else ""
            shown = "—" if v is None else v
            tds.append(
                f'<td class="{" ".join(classes)}" title="{html.escape(tip)}"{click}>{html.escape(str(shown))}</td>'
            )
        label = " › ".join(g.label for g in tpl.group_path(r.key)) + (" › " if r.group else "") + r.label
        rows.append(f'<tr><th class="row">{html.escape(label)}</th>{"".join(tds)}</tr>')
    caption = f"{html.escape(tpl.title)} ({name}, template {version})"
    return (
        f'<table class="extracted" id="table-{name}"><caption>{caption}</caption>'
        f"<tr><th></th>{head}</tr>{''.join(rows)}</table>"
    )


def render_review(
    source: str | None,
    report: dict[str, Any],
    entities: list[dict[str, Any]] | None = None,
    *,
    nav: str = "",
    note: str = "",
) -> str:
    """One self-contained HTML page for ``report`` (a ``Report.to_dict()``) extracted from
    ``source``. ``entities`` (source offsets) are highlighted; without them, what
    :func:`record_marks` finds in the record. ``source`` None: the tables alone, ``note`` saying
    why. ``nav``: HTML for the header (the review site's links)."""
    failed = _failed_cells(report)
    tables = "".join(
        _table_html(name, t, (report.get("provenance") or {}).get(name, {}), failed)
        for name, t in (report.get("tables") or {}).items()
    )
    checks = "".join(
        f'<li class="check {html.escape(str(c.get("status")))}">{html.escape(str(c.get("rule")))} '
        f"{html.escape(str(c.get('row') or c.get('column') or ''))}: {html.escape(str(c.get('status')))} — "
        f"{html.escape(str(c.get('detail', '')))}</li>"
        for c in report.get("checks") or []
    )
    sections = "".join(
        f"<li>{html.escape(str(s.get('key')))}: {html.escape(str(s.get('number') or ''))} "
        f"{html.escape(str(s.get('title') or ''))}</li>"
        for s in report.get("sections") or []
    )
    figures = "".join(
        f"<li>{html.escape(str(f.get('metric')))}: {html.escape(str(f.get('value')))}"
        f"{html.escape(str(f.get('unit') or ''))}{' (approx.)' if f.get('approximate') else ''}</li>"
        for f in report.get("figures") or []
    )
    warnings = "".join(f"<li>{html.escape(str(w))}</li>" for w in report.get("warnings") or [])
    rid = html.escape(str(report.get("id")))
    meta = (
        f"{html.escape(str(report.get('organ')))} · {html.escape(str(report.get('year')))} · "
        f"status {html.escape(str(report.get('status')))}"
    )
    error = f'<p class="error">{html.escape(str(report["error"]))}</p>' if report.get("error") else ""
    notes = [note] if note else []
    if source is None:
        body = ""
    else:
        marks = record_marks({"entities": entities}) if entities else record_marks(report)
        bad = mismatched_cells(source, report)
        if bad:  # offsets into another text would highlight the wrong characters
            notes.append(
                f"{bad} cell(s) or figure(s) of this record do not match this source at their "
                "offsets: it is not the text they were extracted from, so nothing is highlighted."
            )
            marks = []
        body = marked_html(source, marks)
    shown_notes = "".join(f'<p class="note">{html.escape(n)}</p>' for n in notes)
    return f"""<!DOCTYPE html>
<html lang="zh"><head><meta charset="utf-8"><title>gongkai review: {rid}</title>
<style>{_STYLE}</style><script>{_SCRIPT}</script></head>
<body><header>{nav}<h1>{rid}</h1><p>{meta} · <span id="summary"></span></p>{error}</header>
<main><section id="source">{shown_notes}{body}</section>
<section id="extracted">{tables}
<h2>Checks</h2><ul id="checks">{checks}</ul>
<h2>Sections</h2><ul id="sections">{sections}</ul>
<h2>Figures</h2><ul id="figures">{figures}</ul>
<h2>Warnings</h2><ul id="warnings">{warnings}</ul></section></main>
<script type="application/json" id="report">{json_for_script(report)}</script>
</body></html>"""
