"""The review site for a whole batch (``gongkai view OUT.jsonl --inputs DIR -o site/``): a static
site that works offline, with no server and nothing fetched.

- ``index.html``: every record (organ, year, template, status, failed checks, the headline
  numbers), sorted and filtered in the page by plain JavaScript; the filter lives in the
  address (``index.html#clean=hide&status=failed_checks&sort=-year``), so a view can be shared.
- ``reports/NNNNN.html``: each record's review page (:func:`.review.render_review`), the source
  found under ``--inputs`` by the record's id.
- ``organs.html``: per organ, a small chart (inline SVG) of each headline number over the
  years — new applications, the share granted, administrative reviews — where a jump between
  two reports in a row is drawn in red, and the organs with the largest jumps come first.

Records are read one at a time: a page is written as soon as its record is read, and only the
index rows (a few short strings and numbers per record) stay in memory.
"""

from __future__ import annotations

import html
import json
import re
import sys
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from gongkai.model.record_schema import RecordStatus
from gongkai.model.template import CheckStatus

from .headlines import HEADLINES, Headline, headline_values, is_jump
from .inputs import JSONL_SUFFIXES, expand_input
from .review import json_for_script, render_review
from .text_decoding import DecodeError, decode_text

# --- finding each record's source -----------------------------------------------------------


class SourceIndex:
    """Where the input of each record is, under the ``--inputs`` folders (or files, or globs):
    found by the record's id as ``gongkai extract`` wrote it — the path it was given, or the
    ``id`` of a JSONL line. A path matches when it names the same file, or when its last
    components match one file's (``a/2021/x.txt`` finds ``DIR/2021/x.txt``; a bare name that
    two files share finds neither). Only paths and ids are kept, never the texts."""

    def __init__(self, roots: Sequence[str | Path] = ()):
        self._paths: dict[str, Path | None] = {}  # relative-path suffix → file (None: ambiguous)
        self._absolute: dict[str, Path] = {}
        self._lines: dict[str, tuple[Path, int]] = {}  # JSONL id → (file, byte offset)
        self.roots = [Path(r) for r in roots]
        for root in roots:
            found = expand_input(str(root))
            if found is None:
                raise FileNotFoundError(f"{root}: no such file, directory or glob match")
            base = Path(root) if Path(root).is_dir() else None
            for path in map(Path, found):
                if path.suffix.lower() in JSONL_SUFFIXES:
                    self._scan_jsonl(path)
                else:
                    self._add_file(path, base)

    def _add_file(self, path: Path, base: Path | None) -> None:
        self._absolute[str(path.resolve())] = path
        parts = (path.relative_to(base) if base is not None else Path(path.name)).parts
        for i in range(len(parts)):
            key = "/".join(parts[i:])
            self._paths[key] = None if key in self._paths and self._paths[key] != path else path

    def _scan_jsonl(self, path: Path) -> None:
        with path.open("rb") as fh:
            offset = 0
            for lineno, raw in enumerate(fh, 1):
                if raw.strip():
                    try:
                        obj = json.loads(raw)
                    except (json.JSONDecodeError, UnicodeDecodeError):
                        obj = None
                    if isinstance(obj, dict):
                        # The id bulk extraction gives a line without one.
                        self._lines.setdefault(str(obj.get("id", f"{path}:{lineno}")), (path, offset))
                offset += len(raw)

    def find(self, rid: str) -> tuple[str | bytes | None, str]:
        """``(the input's data, '')``, or ``(None, why not)``."""
        if rid in self._lines:
            path, offset = self._lines[rid]
            with path.open("rb") as fh:
                fh.seek(offset)
                obj = json.loads(fh.readline())
            return obj.get("text", obj.get("html")), ""
        path = self._path_for(rid)
        if path is None:
            where = ", ".join(map(str, self.roots)) or "the current folder (no --inputs given)"
            return None, f"The source of {rid!r} was not found in {where}: the tables are shown without it."
        try:
            return path.read_bytes(), ""
        except OSError as exc:
            return None, f"{path}: cannot read it ({exc.strerror})."

    def _path_for(self, rid: str) -> Path | None:
        p = Path(rid)
        if not self.roots:
            return p if p.is_file() else None
        try:
            absolute = str(p.resolve())
        except (OSError, RuntimeError):
            absolute = ""
        if absolute in self._absolute:
            return self._absolute[absolute]
        parts = [x for x in p.parts if x not in ("/", ".", "..")]
        for i in range(len(parts)):
            hit = self._paths.get("/".join(parts[i:]))
            if hit is not None:
                return hit
            if "/".join(parts[i:]) in self._paths:  # ambiguous: a shorter suffix is no better
                return None
        return None


def source_text(data: str | bytes, name: str) -> str:
    """The decoded input as extraction saw it (record offsets refer to this text)."""
    return decode_text(data, name=name).text


# --- reading records ------------------------------------------------------------------------


def iter_records(path: str | Path) -> Iterator[tuple[int, dict[str, Any] | None, str]]:
    """``(line number, record, '')`` for each line of an extraction output, read one at a
    time; ``(line number, None, why)`` for a line that is not a record."""
    with Path(path).open("rb") as fh:
        for lineno, raw in enumerate(fh, 1):
            if not raw.strip():
                continue
            try:
                obj = json.loads(raw)
            except (json.JSONDecodeError, UnicodeDecodeError) as exc:
                yield lineno, None, f"{path}:{lineno}: not JSON ({exc})"
                continue
            if not isinstance(obj, dict) or "id" not in obj:
                yield lineno, None, f"{path}:{lineno}: not an extraction record (no 'id')"
                continue
            yield lineno, obj, ""


# --- the site -------------------------------------------------------------------------------


@dataclass
class Row:
    """What the index keeps of one record."""

    n: int
    id: str
    organ: str | None
    year: int | None
    templates: str
    status: str
    failed: int
    failed_rules: str
    warnings: int
    values: dict[str, float | None]
    page: str
    source: bool

    @property
    def clean(self) -> bool:
        return self.status == RecordStatus.OK and not self.failed


@dataclass
class SiteSummary:
    records: int = 0
    with_source: int = 0
    unreadable: int = 0
    organs: int = 0
    jumps: int = 0
    out: Path = Path(".")
    missing: list[str] = field(default_factory=list)


def _row(n: int, rec: dict[str, Any], page: str, has_source: bool) -> Row:
    checks = [c for c in rec.get("checks") or [] if isinstance(c, dict)]
    failed = [c for c in checks if c.get("status") == CheckStatus.FAIL]
    templates = sorted(
        {
            str(t.get("template"))
            for t in (rec.get("tables") or {}).values()
            if isinstance(t, dict) and t.get("template")
        }
    )
    year = rec.get("year")
    return Row(
        n=n,
        id=str(rec.get("id")),
        organ=rec.get("organ") or None,
        year=year if isinstance(year, int) else None,
        templates="/".join(templates),
        status=str(rec.get("status") or (RecordStatus.ERROR if rec.get("error") else "?")),
        failed=len(failed),
        failed_rules=" ".join(dict.fromkeys(str(c.get("rule")) for c in failed)),
        warnings=len(rec.get("warnings") or []),
        values=headline_values(rec),
        page=page,
        source=has_source,
    )


_NAV = '<nav><a href="../index.html">all reports</a> · <a href="../organs.html{anchor}">{organ}: years</a></nav>'


def write_site(
    records: str | Path, out: str | Path, inputs: Sequence[str | Path] = (), *, progress: bool = False
) -> SiteSummary:
    """Write the review site of the extraction output ``records`` (JSONL) into the folder
    ``out``; the sources are looked up under ``inputs`` (see :class:`SourceIndex`)."""
    out = Path(out)
    if out.exists() and not out.is_dir():
        raise NotADirectoryError(f"{out}: the site is a folder, and this is a file")
    index = SourceIndex(inputs)
    pages = out / "reports"
    pages.mkdir(parents=True, exist_ok=True)
    for old in pages.glob("*.html"):  # a page of an earlier, longer batch would linger
        if re.fullmatch(r"\d+\.html", old.name):
            old.unlink()
    summary = SiteSummary(out=out)
    rows: list[Row] = []
    organ_ids: dict[str, int] = {}
    bar = None
    if progress:
        from tqdm import tqdm

        bar = tqdm(unit="report", file=sys.stderr, dynamic_ncols=True)
    try:
        for lineno, rec, problem in iter_records(records):
            n = len(rows) + 1
            page = f"reports/{n:05d}.html"
            if rec is None:
                summary.unreadable += 1
                rec = {"id": f"line {lineno}", "status": RecordStatus.ERROR, "error": problem}
            source, note = None, ""
            if rec.get("error") and not (rec.get("tables") or rec.get("provenance")):
                note = "This input failed: nothing was extracted from it."
            else:
                data, note = index.find(str(rec["id"]))
                if data is not None:
                    try:
                        source = source_text(data, str(rec["id"]))
                    except DecodeError as exc:
                        note = f"The source cannot be shown: {exc}"
                if source is None and note and "not found" in note:
                    summary.missing.append(str(rec["id"]))
            organ = rec.get("organ") or None
            anchor = f"#organ-{organ_ids.setdefault(organ, len(organ_ids) + 1)}" if organ else ""
            nav = _NAV.format(anchor=anchor, organ=html.escape(organ or "organs"))
            (out / page).write_text(
                render_review(source, rec, rec.get("entities"), nav=nav, note=note), encoding="utf-8"
            )
            rows.append(_row(n, rec, page, source is not None))
            summary.with_source += source is not None
            if bar is not None:
                bar.update(1)
    finally:
        if bar is not None:
            bar.close()
    summary.records = len(rows)
    organs = organ_series(rows)
    summary.organs = len(organs)
    summary.jumps = sum(1 for o in organs if o.jumps)
    (out / "index.html").write_text(render_index(rows, organ_ids, str(records)), encoding="utf-8")
    (out / "organs.html").write_text(render_organs(organs, organ_ids), encoding="utf-8")
    return summary


# --- per organ: the headline numbers over the years -----------------------------------------


@dataclass
class Point:
    year: int
    value: float
    #: The reports of that year (more than one: the organ published several for the year).
    reports: list[tuple[str, str]]
    jump: bool = False


@dataclass
class Organ:
    name: str
    series: dict[str, list[Point]]
    #: The largest jump of any headline, as a factor (0 when none).
    jumps: float = 0.0


def organ_series(rows: Iterable[Row]) -> list[Organ]:
    """Each organ's headline numbers by year, one point per year (the first report of a year
    gives its value; the others are named in the point's title), jumps marked; organs with the
    largest jump first, then by name."""
    by_organ: dict[str, dict[int, list[Row]]] = {}
    for r in rows:
        if r.organ and r.year is not None:
            by_organ.setdefault(r.organ, {}).setdefault(r.year, []).append(r)
    organs = []
    for name, years in by_organ.items():
        organ = Organ(name, {})
        for h in HEADLINES:
            points = []
            for year in sorted(years):
                with_value = [r for r in years[year] if r.values.get(h.key) is not None]
                if with_value:
                    points.append(Point(year, with_value[0].values[h.key], [(r.id, r.page) for r in years[year]]))
            for prev, point in zip(points, points[1:]):
                if is_jump(h, prev.value, point.value):
                    point.jump = True
                    small = max(min(prev.value, point.value), 1e-9)
                    factor = max(prev.value, point.value) / small if h.ratio else 1 + abs(point.value - prev.value)
                    organ.jumps = max(organ.jumps, min(factor, 1e6))
            organ.series[h.key] = points
        organs.append(organ)
    organs.sort(key=lambda o: (-o.jumps, o.name))
    return organs


def _fmt(value: float, share: bool) -> str:
    if share:
        return f"{value:.0%}"
    return f"{value:g}"


def chart_svg(h: Headline, points: Sequence[Point], width: int = 220, height: int = 84) -> str:
    """A small line chart: one circle per year, a red segment and circle where it jumps.

    >>> svg = chart_svg(HEADLINES[0], [Point(2020, 3, [("a", "p")]), Point(2021, 40, [("b", "q")], jump=True)])
    >>> svg.count('<circle'), svg.count('class="pt jump"')
    (2, 1)
    """
    share = h.ratio is None
    left, right, top, bottom = 34, 10, 16, 18
    title = f'<text x="2" y="11" class="t">{html.escape(h.title)}</text>'
    if not points:
        return (
            f'<svg class="chart" data-headline="{h.key}" width="{width}" height="{height}" role="img">'
            f'{title}<text x="{left}" y="{height // 2}" class="none">not printed</text></svg>'
        )
    years = [p.year for p in points]
    y0, y1 = min(years), max(years)
    top_value = 1.0 if share else max(max(p.value for p in points), 1)

    def x(year: int) -> float:
        return left + (width - left - right) * ((year - y0) / (y1 - y0) if y1 > y0 else 0.5)

    def y(value: float) -> float:
        return top + (height - top - bottom) * (1 - value / top_value)

    parts = [
        title,
        f'<line x1="{left}" y1="{height - bottom}" x2="{width - right}" y2="{height - bottom}" class="axis"/>',
        f'<text x="{left - 3}" y="{top + 4}" class="v" text-anchor="end">{_fmt(top_value, share)}</text>',
        f'<text x="{left - 3}" y="{height - bottom}" class="v" text-anchor="end">0</text>',
    ]
    for year in sorted({y0, y1}):
        parts.append(f'<text x="{x(year):.1f}" y="{height - 4}" class="v" text-anchor="middle">{year}</text>')
    for a, b in zip(points, points[1:]):
        parts.append(
            f'<line x1="{x(a.year):.1f}" y1="{y(a.value):.1f}" x2="{x(b.year):.1f}" y2="{y(b.value):.1f}" '
            f'class="seg{" jump" if b.jump else ""}"/>'
        )
    for p in points:
        names = ", ".join(rid for rid, _ in p.reports)
        tip = f"{p.year}: {_fmt(p.value, share)} ({names})"
        link = p.reports[0][1]
        parts.append(
            f'<a href="{html.escape(link)}"><circle class="pt{" jump" if p.jump else ""}'
            f'{" several" if len(p.reports) > 1 else ""}" data-year="{p.year}" data-value="{p.value:g}" '
            f'cx="{x(p.year):.1f}" cy="{y(p.value):.1f}" r="3.5"><title>{html.escape(tip)}</title></circle></a>'
        )
    return (
        f'<svg class="chart" data-headline="{h.key}" width="{width}" height="{height}" role="img">'
        f"{''.join(parts)}</svg>"
    )


# --- pages ----------------------------------------------------------------------------------

_SITE_STYLE = """
body { font-family: sans-serif; margin: 0; }
header { padding: .5em 1em; background: #264653; color: white; }
header a { color: #e9c46a; }
.controls { padding: .5em 1em; display: flex; gap: 1.5em; align-items: center; flex-wrap: wrap; }
table#reports { border-collapse: collapse; margin: 0 1em 1em; font-size: 90%; }
#reports th, #reports td { border: 1px solid #ccc; padding: 2px 6px; }
#reports th { background: #eee; cursor: pointer; position: sticky; top: 0; }
#reports th[aria-sort=ascending]::after { content: " ▲"; }
#reports th[aria-sort=descending]::after { content: " ▼"; }
#reports td.num { text-align: right; }
tr.status-error td, tr.status-failed_checks td.status, tr.status-not_a_report td.status { color: #d62828; }
tr.status-partial td.status { color: #b08900; }
section.organ { display: inline-block; vertical-align: top; margin: .5em 1em; padding: .3em; border: 1px solid #ddd; }
section.organ.has-jump { border-color: #d62828; }
section.organ h3 { font-size: 95%; margin: .2em 0; }
svg.chart { margin-right: .4em; background: #fafafa; }
svg.chart text { font-size: 9px; fill: #555; }
svg.chart text.t { font-size: 10px; fill: #222; }
svg.chart .axis { stroke: #999; }
svg.chart .seg { stroke: #2a9d8f; stroke-width: 1.5; }
svg.chart .seg.jump { stroke: #d62828; stroke-width: 2.5; }
svg.chart .pt { fill: #2a9d8f; }
svg.chart .pt.jump { fill: #d62828; }
svg.chart .pt.several { stroke: #000; }
"""

# Filters and sorting read and write the address's fragment (#q=…&status=…&clean=hide&sort=-year),
# so a filtered view is a link, and opening that link applies it.
_INDEX_SCRIPT = """
function state() { return new URLSearchParams(location.hash.slice(1)); }
function setState(s) { history.replaceState(null, '', '#' + s.toString()); apply(); }
function apply() {
  const s = state(), q = (s.get('q') || '').toLowerCase(), status = s.get('status') || '';
  const hideClean = s.get('clean') === 'hide';
  document.getElementById('q').value = s.get('q') || '';
  document.getElementById('status').value = status;
  document.getElementById('hide-clean').checked = hideClean;
  const body = document.querySelector('#reports tbody');
  const rows = Array.from(body.rows);
  const sort = s.get('sort');
  if (sort) {
    const desc = sort.startsWith('-'), key = sort.replace(/^-/, '');
    const th = document.querySelector('#reports th[data-key="' + key + '"]');
    if (th) {
      const col = th.cellIndex, num = th.dataset.type === 'num';
      const val = r => { const c = r.cells[col]; const v = c.dataset.v !== undefined ? c.dataset.v : c.textContent;
                         return num ? (v === '' ? -Infinity : parseFloat(v)) : v; };
      rows.sort((a, b) => { const x = val(a), y = val(b);
                            const c = num ? x - y : String(x).localeCompare(String(y), 'zh');
                            return (desc ? -c : c) || (a.dataset.n - b.dataset.n); });
      rows.forEach(r => body.appendChild(r));
      document.querySelectorAll('#reports th').forEach(h => h.removeAttribute('aria-sort'));
      th.setAttribute('aria-sort', desc ? 'descending' : 'ascending');
    }
  }
  let shown = 0;
  rows.forEach(r => {
    const hide = (hideClean && r.dataset.clean === '1') || (status && r.dataset.status !== status) ||
                 (q && !r.dataset.text.includes(q));
    r.hidden = hide;
    if (!hide) shown++;
  });
  document.getElementById('shown').textContent = shown + ' of ' + rows.length + ' reports shown';
}
document.addEventListener('DOMContentLoaded', () => {
  const edit = (k, v) => { const s = state(); if (v) s.set(k, v); else s.delete(k); setState(s); };
  document.getElementById('q').addEventListener('input', e => edit('q', e.target.value));
  document.getElementById('status').addEventListener('change', e => edit('status', e.target.value));
  document.getElementById('hide-clean').addEventListener('change', e => edit('clean', e.target.checked ? 'hide' : ''));
  document.querySelectorAll('#reports th[data-key]').forEach(th => th.addEventListener('click', () => {
    const s = state(), key = th.dataset.key;
    edit('sort', s.get('sort') === key ? '-' + key : key);
  }));
  window.addEventListener('hashchange', apply);
  apply();
});
"""

_ORGANS_SCRIPT = """
function apply() {
  const s = new URLSearchParams(location.hash.replace(/^#(organ-\\d+)?&?/, ''));
  const q = (s.get('q') || '').toLowerCase(), jumps = s.get('jumps') === 'only';
  document.getElementById('q').value = s.get('q') || '';
  document.getElementById('only-jumps').checked = jumps;
  let shown = 0;
  document.querySelectorAll('section.organ').forEach(o => {
    const hide = (jumps && o.dataset.jump === '0') || (q && !o.dataset.name.toLowerCase().includes(q));
    o.hidden = hide;
    if (!hide) shown++;
  });
  document.getElementById('shown').textContent = shown + ' organs shown';
}
function edit(k, v) {
  const s = new URLSearchParams(location.hash.replace(/^#(organ-\\d+)?&?/, ''));
  if (v) s.set(k, v); else s.delete(k);
  history.replaceState(null, '', '#' + s.toString()); apply();
}
document.addEventListener('DOMContentLoaded', () => {
  document.getElementById('q').addEventListener('input', e => edit('q', e.target.value));
  document.getElementById('only-jumps').addEventListener('change', e => edit('jumps', e.target.checked ? 'only' : ''));
  window.addEventListener('hashchange', apply);
  apply();
});
"""


def _num(value: float | None) -> str:
    return "" if value is None else f"{value:g}"


def render_index(rows: Sequence[Row], organ_ids: dict[str | None, int], records: str) -> str:
    statuses = sorted({r.status for r in rows})
    options = "".join(f'<option value="{html.escape(s)}">{html.escape(s)}</option>' for s in statuses)
    body = []
    for r in rows:
        organ = html.escape(r.organ or "")
        organ_cell = (
            f'<a href="organs.html#organ-{organ_ids[r.organ]}">{organ}</a>'
            if r.organ in organ_ids and r.organ
            else organ
        )
        text = html.escape(f"{r.id} {r.organ or ''} {r.failed_rules}".lower())
        new = r.values.get("new_applications")
        body.append(
            f'<tr class="status-{html.escape(r.status)}" data-n="{r.n}" data-status="{html.escape(r.status)}" '
            f'data-clean="{int(r.clean)}" data-text="{text}">'
            f'<td class="num" data-v="{r.n}">{r.n}</td>'
            f'<td><a href="{r.page}">{html.escape(r.id)}</a>{"" if r.source else " <small>(no source)</small>"}</td>'
            f'<td>{organ_cell}</td><td class="num" data-v="{_num(r.year)}">{_num(r.year)}</td>'
            f'<td>{html.escape(r.templates)}</td><td class="status">{html.escape(r.status)}</td>'
            f'<td class="num" data-v="{r.failed}">{r.failed}</td><td>{html.escape(r.failed_rules)}</td>'
            f'<td class="num" data-v="{_num(new)}">{_num(new)}</td>'
            f'<td class="num" data-v="{r.warnings}">{r.warnings}</td></tr>'
        )
    clean = sum(r.clean for r in rows)
    heads = (
        ("n", "#", "num"),
        ("id", "report", ""),
        ("organ", "organ", ""),
        ("year", "year", "num"),
        ("template", "template", ""),
        ("status", "status", ""),
        ("failed", "failed checks", "num"),
        ("rules", "failed rules", ""),
        ("new", "new applications", "num"),
        ("warnings", "warnings", "num"),
    )
    head = "".join(f'<th data-key="{k}"{" data-type=num" if t else ""}>{label}</th>' for k, label, t in heads)
    return f"""<!DOCTYPE html>
<html lang="zh"><head><meta charset="utf-8"><title>gongkai review: {html.escape(records)}</title>
<style>{_SITE_STYLE}</style><script>{_INDEX_SCRIPT}</script></head>
<body><header><h1>{len(rows)} reports from {html.escape(records)}</h1>
<p>{clean} clean (status ok, no failed check) · <a href="organs.html">organs over the years</a></p></header>
<div class="controls"><label>search <input id="q" type="search"></label>
<label>status <select id="status"><option value="">all</option>{options}</select></label>
<label><input id="hide-clean" type="checkbox"> hide clean reports</label><span id="shown"></span></div>
<table id="reports"><thead><tr>{head}</tr></thead><tbody>
{chr(10).join(body)}
</tbody></table>
<script type="application/json" id="summary">{json_for_script({"records": len(rows), "clean": clean})}</script>
</body></html>"""


def render_organs(organs: Sequence[Organ], organ_ids: dict[str | None, int]) -> str:
    sections = []
    for o in organs:
        charts = "".join(chart_svg(h, o.series.get(h.key, [])) for h in HEADLINES)
        years = sorted({p.year for points in o.series.values() for p in points})
        span = (f"{years[0]}–{years[-1]}" if len(years) > 1 else str(years[0])) if years else "no headline numbers"
        sections.append(
            f'<section class="organ{" has-jump" if o.jumps else ""}" id="organ-{organ_ids[o.name]}" '
            f'data-name="{html.escape(o.name)}" data-jump="{o.jumps:.3g}"><h3>{html.escape(o.name)} '
            f"<small>({span})</small></h3>{charts}</section>"
        )
    jumps = sum(1 for o in organs if o.jumps)
    rules = "; ".join(
        f"{h.title}: " + (f"≥ {h.ratio:g}× and ≥ {h.min_change:g} apart" if h.ratio else f"≥ {h.min_change:.0%} apart")
        for h in HEADLINES
    )
    return f"""<!DOCTYPE html>
<html lang="zh"><head><meta charset="utf-8"><title>gongkai review: organs over the years</title>
<style>{_SITE_STYLE}</style><script>{_ORGANS_SCRIPT}</script></head>
<body><header><h1>{len(organs)} organs over the years</h1>
<p><a href="index.html">all reports</a> · {jumps} organ(s) with a jump in red, first
(two reports in a row — {html.escape(rules)}). A point is one year; click it for the report.</p></header>
<div class="controls"><label>organ <input id="q" type="search"></label>
<label><input id="only-jumps" type="checkbox"> only organs with a jump</label><span id="shown"></span></div>
{chr(10).join(sections)}
</body></html>"""
