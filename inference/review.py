"""The review page (``gongkai view``): the source with its tags highlighted beside the tables
extracted from it, every cell linked to the source characters it was read from, and failed
and repaired checks marked — for a person to see at a glance where to look.

The source is rendered with spaCy's displaCy in manual mode from our own offsets; spaCy is
imported only here, when a page is made (it is a training extra, not an extraction need).
"""

from __future__ import annotations

import html
import json
import re
from typing import Any

from gongkai.model import template as T
from gongkai.model.labels import LABELS

COLORS = {
    "SECTION": "#f4a261", "SUBSECTION": "#f6c28b", "TABLE_TITLE": "#e9c46a", "COL_HEADER": "#a8dadc",
    "ROW_LABEL": "#90be6d", "CELL": "#bde0fe", "BLANK": "#ffafcc", "FIG_METRIC": "#cdb4db",
    "FIG_VALUE": "#b392ac", "FIG_UNIT": "#e0c3fc", "ORGAN": "#ffd6a5", "YEAR": "#fdffb6",
}

_STYLE = """
body { font-family: sans-serif; margin: 0; }
header { padding: .5em 1em; background: #264653; color: white; }
main { display: grid; grid-template-columns: 1fr 1fr; gap: 1em; padding: 1em; }
#source { overflow: auto; max-height: 90vh; border: 1px solid #ccc; padding: .5em; }
#extracted { overflow: auto; max-height: 90vh; }
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
  const failed = document.querySelectorAll('li.check.fail').length;
  const repaired = document.querySelectorAll('li.check.repaired').length;
  document.getElementById('summary').textContent =
    failed + ' failed check(s), ' + repaired + ' repaired, ' +
    document.querySelectorAll('td.cell').length + ' cells';
});
"""


def _source_html(source: str, entities: list[dict[str, Any]], title: str) -> str:
    from spacy import displacy  # only the review page needs spaCy

    ents = sorted(({"start": e["start"], "end": e["end"], "label": e["label"]} for e in entities
                   if 0 <= e["start"] < e["end"] <= len(source)), key=lambda e: (e["start"], e["end"]))
    kept, last_end = [], -1
    for e in ents:  # displaCy needs non-overlapping entities
        if e["start"] >= last_end:
            kept.append(e)
            last_end = e["end"]
    markup = displacy.render({"text": source, "ents": kept, "title": None}, style="ent", manual=True,
                             page=False, jupyter=False,
                             options={"colors": COLORS, "ents": list(LABELS)})
    # Give each highlighted entity an anchor so table cells can point at it.
    starts = iter(e["start"] for e in kept)
    return re.sub(r'<mark class="entity"', lambda m: f'<mark class="entity" id="src-{next(starts)}"', markup)


def _failed_cells(report: dict[str, Any]) -> set[tuple[str, str | None, str | None]]:
    """(table, row, column) touched by a failed check (row or column None: the whole line)."""
    out = set()
    for c in report.get("checks", []):
        if c.get("status") != "fail":
            continue
        table = c["rule"].split(".", 1)[0]
        out.add((table, c.get("row"), c.get("column")))
    return out


def _table_html(name: str, table: dict[str, Any], prov: dict[str, Any], failed) -> str:
    version = table.get("template") or T.VERSIONS[-1]
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
            tds.append(f'<td class="{" ".join(classes)}" title="{html.escape(tip)}"{click}>{html.escape(str(shown))}</td>')
        label = " › ".join(g.label for g in tpl.group_path(r.key)) + (" › " if r.group else "") + r.label
        rows.append(f'<tr><th class="row">{html.escape(label)}</th>{"".join(tds)}</tr>')
    caption = f"{html.escape(tpl.title)} ({name}, template {version})"
    return (f'<table class="extracted" id="table-{name}"><caption>{caption}</caption>'
            f'<tr><th></th>{head}</tr>{"".join(rows)}</table>')


def render_review(source: str, report: dict[str, Any], entities: list[dict[str, Any]]) -> str:
    """One self-contained HTML page for ``report`` (a ``Report.to_dict()``) extracted from ``source``."""
    failed = _failed_cells(report)
    tables = "".join(_table_html(name, t, report.get("provenance", {}).get(name, {}), failed)
                     for name, t in report.get("tables", {}).items())
    checks = "".join(
        f'<li class="check {html.escape(c["status"])}">{html.escape(c["rule"])} '
        f'{html.escape(str(c.get("row") or c.get("column") or ""))}: {html.escape(c["status"])} — '
        f'{html.escape(c.get("detail", ""))}</li>'
        for c in report.get("checks", []))
    sections = "".join(f'<li>{html.escape(str(s["key"]))}: {html.escape(s["number"] or "")} '
                       f'{html.escape(s["title"])}</li>' for s in report.get("sections", []))
    figures = "".join(f'<li>{html.escape(str(f["metric"]))}: {f["value"]}{html.escape(f["unit"] or "")}'
                      f'{" (approx.)" if f.get("approximate") else ""}</li>' for f in report.get("figures", []))
    meta = f'{html.escape(str(report.get("organ")))} · {report.get("year")} · status {report.get("status")}'
    error = f'<p class="error">{html.escape(report["error"])}</p>' if report.get("error") else ""
    return f"""<!DOCTYPE html>
<html lang="zh"><head><meta charset="utf-8"><title>gongkai review: {html.escape(report["id"])}</title>
<style>{_STYLE}</style><script>{_SCRIPT}</script></head>
<body><header><h1>{html.escape(report["id"])}</h1><p>{meta} · <span id="summary"></span></p>{error}</header>
<main><section id="source">{_source_html(source, entities, report["id"])}</section>
<section id="extracted">{tables}
<h2>Checks</h2><ul id="checks">{checks}</ul>
<h2>Sections</h2><ul id="sections">{sections}</ul>
<h2>Figures</h2><ul id="figures">{figures}</ul></section></main>
<script type="application/json" id="report">{html.escape(json.dumps(report, ensure_ascii=False))}</script>
</body></html>"""
