"""The explorer as ipywidgets in a live notebook: the same data and figures as the standalone file.

Built by :meth:`toolkit.explore.Explorer.widget`. Plotly figures are ``FigureWidget`` objects
(plotly's widget, on anywidget), so a click on a term in the scatter calls back into Python; every
other control is a plain ipywidgets control. All text from the corpus is escaped before it is
put into an ``HTML`` widget.
"""

from __future__ import annotations

import html

__all__ = ["build_widget", "term_detail_html", "theme_units_html", "article_html"]

_MUTED = "color:#6b7280;font-size:0.85em"
_MARK = "background-color:#fde68a;padding:0 1px"


def term_detail_html(data: dict, i: int) -> str:
    """Counts per group and the KWIC lines of kept term ``i``, as HTML (text escaped)."""
    view, groups = data["terms"], data["meta"]["groups"]
    rows = "".join(
        f"<tr><td>{html.escape(g)}</td><td>{view['counts'][i][k]}</td>"
        f"<td>{view['counts'][i][k] / max(view['tokens'][k], 1) * 1e4:.2f}</td>"
        f"<td>{view['articles'][i][k]} / {data['meta']['articles_by_group'][k]}</td></tr>"
        for k, g in enumerate(groups))
    lines = "".join(
        f'<tr class="kwic-line"><td>{html.escape(data["docs"][d])}</td><td>{html.escape(groups[data["doc_group"][d]])}</td>'
        f'<td style="text-align:right;white-space:nowrap">{html.escape(pre)}</td>'
        f'<td style="{_MARK};font-weight:600;white-space:nowrap">{html.escape(kw)}</td>'
        f'<td style="white-space:nowrap">{html.escape(post)}</td></tr>'
        for d, pre, kw, post in view["kwic"][i])
    return (f"<h3>{html.escape(view['labels'][i])}</h3><table><tr><th>group</th><th>count</th><th>per 10,000</th>"
            f"<th>articles</th></tr>{rows}</table><p style='{_MUTED}'>{len(view['kwic'][i])} of {view['kwic_total'][i]} "
            f"occurrences shown</p><div style='overflow-x:auto'><table>{lines}</table></div>")


def theme_units_html(data: dict, group: int = -1, theme: int = -1, entry: int = -1) -> tuple[str, list[int]]:
    """The kept theme units matching the filters, hits highlighted and explained; and their articles."""
    view, groups = data["themes"], data["meta"]["groups"]
    parts, docs = [], []
    for d, t, text, marks in view["units"]:
        if (group >= 0 and data["doc_group"][d] != group) or (theme >= 0 and t != theme) or \
                (entry >= 0 and not any(m[3] == entry for m in marks)):
            continue
        docs.append(d)
        pieces, pos = [], 0
        for start, end, th, _, _, _ in sorted(marks):
            if start < pos:
                continue
            pieces += [html.escape(text[pos:start]),
                       f'<mark style="{_MARK}" title="{html.escape(view["themes"][th])}">{html.escape(text[start:end])}</mark>']
            pos = end
        pieces.append(html.escape(text[pos:]))
        why = "".join(f"<tr><td>{html.escape(view['themes'][m[2]])}</td><td>{html.escape(view['entries'][m[3]]) if m[3] >= 0 else ''}</td>"
                      f"<td>{('with cue: ' + html.escape(m[4])) if m[4] else ''}</td><td>+{m[5]:g}</td></tr>" for m in marks)
        parts.append(f'<div style="border-bottom:1px solid #e5e7eb;padding:4px 0"><div style="{_MUTED}">'
                     f"{html.escape(data['docs'][d])} · {html.escape(groups[data['doc_group'][d]])}</div>"
                     f"<div>{''.join(pieces)}</div><table>{why}</table></div>")
    return "".join(parts) or "<p>No kept unit matches these filters.</p>", docs


def article_html(data: dict, d: int) -> str:
    """The whole article ``d`` (its embedded text, else its url)."""
    key = str(d)
    title = data["articles"]["title"].get(key, "")
    text = data["articles"]["text"].get(key)
    url = data["articles"]["url"].get(key)
    body = html.escape(text) if text else "<i>The text of this article is not kept.</i>"
    link = f' <a href="{html.escape(url)}" target="_blank" rel="noopener">source</a>' if url else ""
    return (f"<b>{html.escape(data['docs'][d])}</b> {html.escape(title)}{link}"
            f"<div style='white-space:pre-wrap;max-height:300px;overflow:auto'>{body}</div>")


def build_widget(data: dict):
    """An ipywidgets ``Tab`` with the Terms, Themes, Topics and Dispersion views of ``data``."""
    import ipywidgets as w

    terms, term_handles, show = _terms_view(data)
    themes, theme_handles = _themes_view(data)
    topics = _topics_view(data)
    dispersion, dispersion_handles = _dispersion_view(data)
    tab = w.Tab(children=[terms, themes, topics, dispersion])
    for k, name in enumerate(["Terms", "Themes", "Topics", "Dispersion"]):
        tab.set_title(k, name)
    # handles for tests and scripts
    tab.explorer = {**term_handles, **theme_handles, **dispersion_handles, "show": show}
    return tab


def _terms_view(data: dict):
    """The Terms tab: the term scatter, a search box with its matches, and the chosen term's detail.

    Returns the tab's widget, the handles ``search``, ``matches``, ``detail`` and ``scatter``, and
    ``show`` (show kept term ``i`` in the detail pane).
    """
    import ipywidgets as w
    import plotly.graph_objects as go

    from .explore_figures import terms_figure

    view = data["terms"]
    scatter = go.FigureWidget(terms_figure(data))
    detail = w.HTML("<p>No term chosen yet.</p>")
    search = w.Text(placeholder="search a term, e.g. biên giới", description="Search")
    matches = w.Select(options=[], rows=6, description="Terms")

    def show(i):
        detail.value = term_detail_html(data, int(i))

    def on_search(change):
        q = change["new"].strip().lower().replace("_", " ")
        found = [i for i, t in enumerate(view["labels"]) if q and q in t.lower()]
        found.sort(key=lambda i: (view["labels"][i].lower() != q, len(view["labels"][i])))
        matches.options = [(view["labels"][i], i) for i in found[:30]]

    search.observe(on_search, names="value")
    matches.observe(lambda change: change["new"] is not None and show(change["new"]), names="value")
    for trace in scatter.data:
        trace.on_click(lambda trace, points, state: points.point_inds and show(trace.customdata[points.point_inds[0]]))
    terms = w.HBox([w.VBox([search, matches, scatter], layout=w.Layout(flex="1 1 60%")),
                    w.Box([detail], layout=w.Layout(flex="1 1 40%", overflow="auto"))])
    return terms, {"search": search, "matches": matches, "detail": detail, "scatter": scatter}, show


def _themes_view(data: dict):
    """The Themes tab: theme counts, filters by group, theme and entry, the matching units and an article.

    Returns the tab's widget and the handles ``group``, ``theme``, ``entry``, ``units``,
    ``article_pick`` and ``article``.
    """
    import ipywidgets as w
    import plotly.graph_objects as go

    from .explore_figures import theme_counts_figure

    groups, th = data["meta"]["groups"], data["themes"]
    g_pick = w.Dropdown(options=[("every group", -1)] + [(g, k) for k, g in enumerate(groups)], description="Group")
    t_pick = w.Dropdown(options=[("every theme", -1)] + [(t, k) for k, t in enumerate(th["themes"])], description="Theme")
    e_pick = w.Dropdown(options=[("every entry", -1)] + [(t, k) for k, t in enumerate(th["entries"])], description="Entry")
    units = w.HTML()
    article_pick = w.Dropdown(options=[], description="Article")
    article = w.HTML()

    def on_filter(_=None):
        text, docs = theme_units_html(data, g_pick.value, t_pick.value, e_pick.value)
        units.value = text
        article_pick.options = [(data["docs"][d], d) for d in dict.fromkeys(docs)]

    for pick in (g_pick, t_pick, e_pick):
        pick.observe(on_filter, names="value")
    article_pick.observe(lambda change: change["new"] is not None and setattr(article, "value", article_html(data, change["new"])),
                         names="value")
    on_filter()
    themes = w.VBox([go.FigureWidget(theme_counts_figure(data)), w.HBox([g_pick, t_pick, e_pick]),
                     w.HBox([article_pick]), article, units])
    return themes, {"group": g_pick, "theme": t_pick, "entry": e_pick, "units": units, "article_pick": article_pick,
                    "article": article}


def _topics_view(data: dict):
    """The Topics tab: the topic figure and table, or a note when there were too few units or terms."""
    import ipywidgets as w
    import plotly.graph_objects as go

    from .explore_figures import topics_figure
    from .explore_page import _topics_html

    return w.VBox([go.FigureWidget(topics_figure(data)), w.HTML(_topics_html(data))]) if data["topics"] else \
        w.HTML("<p>Too few units or terms for topics.</p>")


def _dispersion_view(data: dict):
    """The Dispersion tab: up to six chosen terms, each a strip of where it falls in each group's articles.

    Returns the tab's widget and the handles ``xray_terms`` (the term picker) and ``xray`` (the figure).
    """
    import ipywidgets as w
    import plotly.graph_objects as go

    view, xray = data["terms"], data["dispersion"]
    x_pick = w.SelectMultiple(options=[(f"{view['labels'][x['term']]} ({x['total']})", n) for n, x in enumerate(xray["terms"])],
                              value=tuple(range(min(3, len(xray["terms"])))), rows=6, description="Terms")
    x_fig = go.FigureWidget()

    def on_xray(_=None):
        chosen = list(x_pick.value)[:6] or [0]
        with x_fig.batch_update():
            x_fig.data = []
            n = len(chosen)
            layout = {"height": 480, "showlegend": False, "template": "plotly_white",
                      "yaxis": {"autorange": "reversed", "title": data["meta"]["by"]}}
            for k, c in enumerate(chosen):
                x = xray["terms"][c]
                suffix = "" if k == 0 else str(k + 1)
                x_fig.add_scatter(x=x["pos"], y=x["rows"], mode="markers", xaxis=f"x{suffix}", yaxis="y",
                                  marker={"symbol": "line-ns-open", "size": 8}, name=view["labels"][x["term"]])
                layout[f"xaxis{suffix}"] = {"domain": [k / n + 0.01, (k + 1) / n - 0.01], "range": [0, 1],
                                            "title": view["labels"][x["term"]]}
            x_fig.update_layout(**layout)

    x_pick.observe(on_xray, names="value")
    if xray["terms"]:
        on_xray()
    return w.VBox([x_pick, x_fig]), {"xray_terms": x_pick, "xray": x_fig}
