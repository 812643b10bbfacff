"""The standalone explorer: one self-contained HTML file with plotly.js, the explorer's data and its figures.

Last step of the explorer (:mod:`toolkit.explore`) outside a notebook: :func:`explorer_html` lays
out the four views around the data of :func:`toolkit.explore_data.explorer_data` and the figures of
:mod:`toolkit.explore_figures`, with a small script that wires search, clicks and filters to the
embedded data; :func:`write_explorer` writes the page atomically (``python -m toolkit explore``).
plotly.js is embedded from the cartesian bundle shipped in ``resources/plotly``
(:func:`plotly_bundle`), so the file opens without the network.
"""

from __future__ import annotations

import html
import json
import os
from pathlib import Path

import pandas as pd

from .errors import ToolkitError
from .explore_data import DEFAULTS, explorer_data
from .explore_figures import terms_figure, theme_counts_figure, topics_figure

__all__ = ["explorer_html", "write_explorer", "plotly_bundle", "CARTESIAN_BUNDLE"]


_CSS = """
body{font-family:'DejaVu Sans',Arial,sans-serif;margin:0;color:#111}
header{background:#1f2937;color:#fff;padding:10px 16px}
header h1{font-size:18px;margin:0} header p{margin:4px 0 0;font-size:12px;color:#d1d5db}
nav{display:flex;gap:4px;padding:8px 16px;border-bottom:1px solid #ddd}
nav button{border:1px solid #bbb;background:#f3f4f6;padding:6px 14px;cursor:pointer;font-size:14px}
nav button.on{background:#1d4ed8;color:#fff;border-color:#1d4ed8}
section{padding:10px 16px;display:none} section.on{display:block}
.row{display:grid;grid-template-columns:minmax(0,3fr) minmax(320px,2fr);gap:16px}
.side{max-height:640px;overflow:auto}
input,select{font-size:14px;padding:4px}
table{border-collapse:collapse;font-size:13px} td,th{padding:2px 6px;vertical-align:top}
.kwic td.pre{text-align:right;white-space:nowrap;overflow:hidden;max-width:220px;direction:rtl}
.kwic td.kw{font-weight:600;background:#fde68a;white-space:nowrap}
.kwic td.post{white-space:nowrap;overflow:hidden;max-width:220px}
.muted{color:#6b7280;font-size:12px}
mark{background:#fde68a;padding:0 1px}
.unit{border-bottom:1px solid #e5e7eb;padding:6px 0}
.matches button{margin:2px;border:1px solid #bbb;background:#fff;cursor:pointer}
#article{white-space:pre-wrap;background:#f9fafb;border:1px solid #ddd;padding:8px;max-height:420px;overflow:auto;display:none}
"""

# Glue only: the figures are plotly's; this wires search, clicks and filters to the embedded data.
_JS = r"""
const D = JSON.parse(document.getElementById('explorer-data').textContent);
const $ = (id) => document.getElementById(id);
function el(tag, text, cls) { const e = document.createElement(tag); if (text !== undefined) e.textContent = text; if (cls) e.className = cls; return e; }
// Figures are drawn when their view is first opened: a hidden div has no size, and the page opens faster.
const drawn = {};
function draw(id) {
  if (drawn[id] || !$(id + '-json')) return; drawn[id] = true;
  const fig = JSON.parse($(id + '-json').textContent);
  return Plotly.newPlot(id, fig.data, fig.layout, {responsive: true, displaylogo: false});
}
const lazy = {terms: ['terms-plot'], themes: ['themes-plot'], topics: ['topics-plot'], dispersion: []};
function tab(name) {
  document.querySelectorAll('nav button').forEach(b => b.classList.toggle('on', b.dataset.tab === name));
  document.querySelectorAll('section').forEach(s => s.classList.toggle('on', s.id === 'view-' + name));
  lazy[name].forEach(draw);
  if (name === 'dispersion' && !drawn.xray) { drawn.xray = true; renderXray(); }
}
document.querySelectorAll('nav button').forEach(b => b.addEventListener('click', () => tab(b.dataset.tab)));
const G = D.meta.groups, T = D.terms;
function showTerm(i) {
  const box = $('term-detail'); box.replaceChildren();
  box.appendChild(el('h3', T.labels[i]));
  const counts = el('table'); counts.className = 'counts';
  const head = el('tr'); ['group', 'count', 'per 10,000', 'articles'].forEach(h => head.appendChild(el('th', h))); counts.appendChild(head);
  G.forEach((g, k) => { const r = el('tr'); [g, T.counts[i][k], (T.counts[i][k] / Math.max(T.tokens[k], 1) * 1e4).toFixed(2), T.articles[i][k] + ' / ' + D.meta.articles_by_group[k]].forEach(v => r.appendChild(el('td', String(v)))); counts.appendChild(r); });
  box.appendChild(counts);
  const lines = T.kwic[i];
  box.appendChild(el('p', lines.length + ' of ' + T.kwic_total[i] + ' occurrences shown (at most ' + D.meta.caps.kwic_lines + ' per term, spread over the groups)', 'muted'));
  const table = el('table'); table.className = 'kwic'; table.id = 'kwic-lines';
  lines.forEach(l => { const r = el('tr'); r.className = 'kwic-line';
    r.appendChild(el('td', D.docs[l[0]], 'doc')); r.appendChild(el('td', G[D.doc_group[l[0]]], 'grp'));
    r.appendChild(el('td', l[1], 'pre')); r.appendChild(el('td', l[2], 'kw')); r.appendChild(el('td', l[3], 'post'));
    table.appendChild(r); });
  box.appendChild(table);
}
draw('terms-plot').then(plot => plot.on('plotly_click', ev => { if (ev.points.length) showTerm(ev.points[0].customdata); }));
$('term-search').addEventListener('input', ev => {
  const q = ev.target.value.trim().toLowerCase().replace(/_/g, ' ');
  const box = $('term-matches'); box.replaceChildren();
  if (!q) return;
  const found = []; T.labels.forEach((t, i) => { if (t.toLowerCase().includes(q)) found.push(i); });
  found.sort((a, b) => (T.labels[a].toLowerCase() !== q) - (T.labels[b].toLowerCase() !== q) || T.labels[a].length - T.labels[b].length);
  found.slice(0, 30).forEach(i => { const b = el('button', T.labels[i]); b.dataset.term = i; b.addEventListener('click', () => showTerm(i)); box.appendChild(b); });
  if (!found.length) box.appendChild(el('span', 'no kept term matches (the file keeps the top terms of each group)', 'muted'));
});
// Themes
const TH = D.themes;
function fill(select, items, all) { select.appendChild(new Option(all, '-1')); items.forEach((x, i) => select.appendChild(new Option(x, String(i)))); }
fill($('theme-group'), G, 'every group'); fill($('theme-theme'), TH.themes, 'every theme'); fill($('theme-entry'), TH.entries, 'every lexicon entry');
function showArticle(d) {
  const box = $('article'); box.replaceChildren(); box.style.display = 'block';
  box.appendChild(el('b', D.docs[d] + ' (' + G[D.doc_group[d]] + ')' + (D.articles.title[d] ? ': ' + D.articles.title[d] : '')));
  box.appendChild(document.createElement('br'));
  if (D.articles.text[d]) box.appendChild(el('span', D.articles.text[d]));
  else box.appendChild(el('span', 'The text of this article is not embedded (the file keeps ' + D.meta.caps.articles + ' articles).', 'muted'));
  if (D.articles.url[d]) { const a = el('a', ' open the source'); a.href = D.articles.url[d]; a.target = '_blank'; a.rel = 'noopener'; box.appendChild(a); }
  box.scrollIntoView();
}
function renderThemes() {
  const g = +$('theme-group').value, th = +$('theme-theme').value, en = +$('theme-entry').value;
  const list = $('theme-units'); list.replaceChildren();
  let n = 0;
  TH.units.forEach(u => {
    const [d, t, text, marks] = u;
    if (g >= 0 && D.doc_group[d] !== g) return; if (th >= 0 && t !== th) return;
    if (en >= 0 && !marks.some(m => m[3] === en)) return;
    n++;
    const div = el('div', undefined, 'unit');
    const meta = el('div', D.docs[d] + ' · ' + G[D.doc_group[d]] + ' · sampled for ' + TH.themes[t] + ' ', 'muted');
    const link = el('a', 'whole article'); link.href = '#'; link.addEventListener('click', e => { e.preventDefault(); showArticle(d); });
    meta.appendChild(link); div.appendChild(meta);
    const p = el('div'); let pos = 0;
    marks.slice().sort((a, b) => a[0] - b[0]).forEach(m => { if (m[0] < pos) return; p.appendChild(document.createTextNode(text.slice(pos, m[0]))); const mk = el('mark', text.slice(m[0], m[1])); mk.title = TH.themes[m[2]]; p.appendChild(mk); pos = m[1]; });
    p.appendChild(document.createTextNode(text.slice(pos))); div.appendChild(p);
    const why = el('table'); marks.forEach(m => { const r = el('tr'); [TH.themes[m[2]], m[3] >= 0 ? TH.entries[m[3]] : '', m[4] ? 'with cue: ' + m[4] : '', '+' + m[5]].forEach(v => r.appendChild(el('td', v))); why.appendChild(r); });
    div.appendChild(why); list.appendChild(div);
  });
  $('theme-count').textContent = n + ' units shown (at most ' + D.meta.caps.theme_units + ' per group and theme are kept)';
}
['theme-group', 'theme-theme', 'theme-entry'].forEach(id => $(id).addEventListener('change', renderThemes));
renderThemes();
// Dispersion (textplot_xray): one panel per chosen term
const X = D.dispersion;
X.terms.forEach((x, i) => { const o = new Option(T.labels[x.term] + ' (' + x.total + ')', String(i)); o.selected = i < 3; $('xray-terms').appendChild(o); });
function renderXray() {
  const chosen = Array.from($('xray-terms').selectedOptions).map(o => +o.value).slice(0, 6);
  const n = Math.max(chosen.length, 1), traces = [], layout = {height: 520, showlegend: false, template: 'plotly_white', margin: {l: 120, t: 40, r: 10, b: 40}, annotations: []};
  const ticks = [], labels = []; let start = 0;
  X.bounds.forEach((b, k) => { ticks.push((start + b - 1) / 2); labels.push(G[k]); start = b; });
  layout.yaxis = {range: [X.rows, -1], tickvals: ticks, ticktext: labels, title: D.meta.by, showgrid: false, zeroline: false};
  layout.shapes = X.bounds.slice(0, -1).map(b => ({type: 'line', xref: 'paper', x0: 0, x1: 1, y0: b - 0.5, y1: b - 0.5, line: {color: '#9ca3af', width: 1}}));
  chosen.forEach((c, k) => {
    const ax = k === 0 ? '' : String(k + 1), x = X.terms[c];
    traces.push({type: 'scatter', mode: 'markers', x: x.pos, y: x.rows, xaxis: 'x' + ax, yaxis: 'y', marker: {symbol: 'line-ns-open', size: 8, color: '#1d4ed8'}, hovertemplate: T.labels[x.term] + ': %{x:.2f}<extra></extra>'});
    layout['xaxis' + ax] = {domain: [k / n + 0.01, (k + 1) / n - 0.01], range: [0, 1], title: 'relative position'};
    layout.annotations.push({text: T.labels[x.term] + (x.pos.length < x.total ? ' (' + x.pos.length + ' of ' + x.total + ')' : ''), xref: 'paper', yref: 'paper', x: (k + 0.5) / n, y: 1.06, showarrow: false});
  });
  Plotly.react('xray-plot', traces, layout, {responsive: true});
}
$('xray-terms').addEventListener('change', renderXray);
window.explorerReady = true;
"""


def _figure_div(fig, div_id: str) -> str:
    """A placeholder div and the figure's JSON (plotly's own serialisation); the page draws it when its view opens."""
    blob = fig.to_json().replace("</", "<\\/")
    return (f'<div id="{div_id}" class="figure"></div>'
            f'<script type="application/json" id="{div_id}-json">{blob}</script>')


def _topics_html(data: dict) -> str:
    topics = data["topics"]
    if topics is None:
        return "<p>Too few units or terms for topics.</p>"
    parts = [f'<p class="muted">NMF on {topics["fitted_on"]:,} body units with tokens (seeded; a sample when the corpus '
             "is larger); shares are descriptive means of the units' topic shares.</p>"]
    for lab, terms, units in zip(topics["labels"], topics["terms"], topics["units"]):
        parts.append(f"<h3>{html.escape(lab)}</h3><p><b>Top terms</b>: {html.escape(', '.join(terms))}</p><ul>")
        for d, w, text in units:
            parts.append(f'<li><span class="muted">{html.escape(data["docs"][d])} · '
                         f'{html.escape(data["meta"]["groups"][data["doc_group"][d]])} · share {w:.2f}</span><br>'
                         f"{html.escape(text)}</li>")
        parts.append("</ul>")
    return "".join(parts)


#: plotly.js's cartesian bundle (scatter, bar, heatmap...), shipped in the package: see resources/plotly/README.md.
CARTESIAN_BUNDLE = Path(__file__).resolve().parent / "resources" / "plotly" / "plotly-cartesian.min.js"


def plotly_bundle(which: str = "cartesian") -> str:
    """The plotly.js to embed: ``"cartesian"`` (the shipped partial bundle, 1.5 MB) or ``"full"`` (plotly's, 4.8 MB)."""
    if which == "cartesian":
        return CARTESIAN_BUNDLE.read_text(encoding="utf-8")
    if which == "full":
        from plotly.offline import get_plotlyjs

        return get_plotlyjs()
    raise ToolkitError(f"plotlyjs must be 'cartesian', 'full', a URL or False; got {which!r}")


def explorer_html(data: dict, plotlyjs: bool | str = "cartesian") -> str:
    """The standalone explorer page: plotly.js embedded, the data as JSON, the views and the glue script.

    ``plotlyjs``: ``"cartesian"`` (default) embeds the shipped cartesian bundle of plotly.js, which
    has every trace the explorer draws; ``"full"`` (or True) plotly's full bundle; a URL ending in
    ``.js`` loads it from there instead (the file then needs the network); False leaves it out.
    """
    meta = data["meta"]
    title = f"Explorer: {meta['name']}" if meta["name"] else "Corpus explorer"
    if plotlyjs is True:
        plotlyjs = "full"
    if isinstance(plotlyjs, str) and plotlyjs.endswith(".js"):
        script = f'<script src="{html.escape(plotlyjs)}"></script>'
    else:
        script = f"<script>{plotly_bundle(plotlyjs)}</script>" if plotlyjs else ""
    # JSON inside <script type="application/json">: "</" must not close the element early.
    blob = json.dumps(data, ensure_ascii=False, separators=(",", ":")).replace("</", "<\\/")
    caps = meta["caps"]
    topics_fig = _figure_div(topics_figure(data), "topics-plot") if data["topics"] else ""
    return f"""<!DOCTYPE html>
<html lang="vi"><head><meta charset="utf-8"><title>{html.escape(title)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1"><style>{_CSS}</style>{script}</head>
<body>
<header><h1>{html.escape(title)}</h1>
<p>{meta['articles']:,} articles, {meta['units']:,} body units, {len(meta['groups'])} groups of <code>{html.escape(meta['by'])}</code>.
Kept in this file: the {caps['n_terms']} most distinctive and {DEFAULTS['n_frequent'] if 'n_frequent' not in caps else caps['n_frequent']} most frequent terms per group,
at most {caps['kwic_lines']} KWIC lines per term, {caps['theme_units']} units per group and theme.</p></header>
<nav><button data-tab="terms" class="on">Terms</button><button data-tab="themes">Themes</button>
<button data-tab="topics">Topics</button><button data-tab="dispersion">Dispersion</button></nav>
<section id="view-terms" class="on"><div class="row"><div class="grow">
<label>Search a term <input id="term-search" type="search" placeholder="e.g. biên giới" autocomplete="off"></label>
<div id="term-matches" class="matches"></div>
{_figure_div(terms_figure(data), "terms-plot")}
<p class="muted">Choose the group in the menu; click a point or a search result for its contexts and counts.</p></div>
<div class="side" id="term-detail"><p class="muted">No term chosen yet.</p></div></div></section>
<section id="view-themes">{_figure_div(theme_counts_figure(data), "themes-plot")}
<p>Lexicon {html.escape(str(data['themes']['lexicon']))}:
<select id="theme-group"></select> <select id="theme-theme"></select> <select id="theme-entry"></select>
<span id="theme-count" class="muted"></span></p><div id="article"></div><div id="theme-units"></div></section>
<section id="view-topics">{topics_fig}{_topics_html(data)}</section>
<section id="view-dispersion"><p>Terms (choose up to 6; Ctrl/Shift-click): <br><select id="xray-terms" multiple size="6"></select></p>
<p class="muted">As quanteda's textplot_xray: one row per article, articles ordered by group; a tick where the term occurs,
at its relative position in the article. At most {caps['dispersion_points']} occurrences per term are drawn.</p>
<div id="xray-plot"></div></section>
<script type="application/json" id="explorer-data">{blob}</script>
<script>{_JS}</script>
</body></html>
"""


def write_explorer(units: pd.DataFrame, path: str | os.PathLike, by: str = "year", **options) -> Path:
    """Write the standalone explorer to ``path`` (atomically) and return the path; options as :func:`explorer_data`."""
    from .atomic import atomic_write

    page = explorer_html(explorer_data(units, by=by, **options))
    path = Path(path)
    atomic_write(path, lambda tmp: Path(tmp).write_text(page, encoding="utf-8"))
    return path
