"""The explorer's plotly figures, drawn from the explorer's data, and the placing of the Terms scatter's labels.

Second step of the explorer (:mod:`toolkit.explore`): :func:`terms_figure` (frequency against
distinctiveness per group), :func:`topics_figure` (mean topic share by group) and
:func:`theme_counts_figure` (units with a lexicon hit per 100 units) take the dict of
:func:`toolkit.explore_data.explorer_data`; :func:`label_points` chooses which points of the Terms
scatter get a label so that no two labels overlap. The standalone page
(:mod:`toolkit.explore_page`) and the notebook widget (:mod:`toolkit.explore_widget`) show these
figures.
"""

from __future__ import annotations

import html

import numpy as np

from .explore_data import DEFAULTS

__all__ = ["terms_figure", "topics_figure", "theme_counts_figure", "label_boxes", "label_points", "LABEL_AREA",
           "LABEL_FONT", "MARKER_SIZE"]


def _palette(n: int) -> list[str]:
    import plotly.express as px

    base = px.colors.qualitative.D3 + px.colors.qualitative.Dark24
    return [base[i % len(base)] for i in range(n)]


def terms_figure(data: dict):
    """The Terms scatter: one trace per group (a menu switches groups), frequency (log) against log ratio."""
    import plotly.graph_objects as go

    view, groups = data["terms"], data["meta"]["groups"]
    fig = go.Figure()
    for k, g in enumerate(groups):
        part = view["groups"][g]
        sig = [p is not None and p < DEFAULTS["alpha"] for p in part["padj"]]
        y = [v if v is not None else 0.0 for v in part["lr"]]
        names = [view["labels"][t] for t in part["t"]]
        # label a subset whose labels do not overlap, most distinctive and most frequent first; the others show on hover
        labelled = set(label_points(part["freq"], y, names, _label_priority(part["lr"], part["freq"])))
        text = [name if j in labelled else "" for j, name in enumerate(names)]
        # terms drawn at the same place (equal counts and ratio) hide one another: each point's hover names the others
        same_place: dict = {}
        for j, xy in enumerate(zip(part["freq"], y)):
            same_place.setdefault(xy, []).append(j)
        hover = []
        for j, (name, f, lr, a, p) in enumerate(zip(names, part["freq"], part["lr"], part["auc"], part["padj"])):
            others = [names[o] for o in same_place[(f, y[j])] if o != j]
            also = (f"<br>same point: {html.escape(', '.join(others[:8]))}{' ...' if len(others) > 8 else ''}"
                    if others else "")
            hover.append(f"<b>{html.escape(name)}</b><br>{f:g} per 10,000 tokens<br>log2 ratio {'' if lr is None else lr}"
                         f"<br>AUC {'n/a' if a is None else a}, p_adj {'n/a' if p is None else p}{also}")
        fig.add_trace(go.Scatter(
            x=part["freq"], y=y, text=text, customdata=part["t"], mode="markers+text", textposition="top center",
            textfont={"size": LABEL_FONT}, hovertext=hover, hoverinfo="text", name=g, visible=k == 0,
            marker={"size": MARKER_SIZE, "color": ["#b91c1c" if s else "#9ca3af" for s in sig], "line": {"width": 0}}))
    buttons = [{"label": g, "method": "update",
                "args": [{"visible": [j == k for j in range(len(groups))]}, {"title.text": _terms_title(data, g)}]}
               for k, g in enumerate(groups)]
    fig.update_layout(
        title={"text": _terms_title(data, groups[0]), "font": {"size": 13}, "x": 0.01, "xanchor": "left", "y": 0.98,
               "yanchor": "top"},
        height=580, margin={"t": 100, "l": 60, "r": 20, "b": 50},
        xaxis={"type": "log", "title": "frequency in the group (per 10,000 tokens, log scale)"},
        yaxis={"title": "distinctiveness: log2 ratio, group against the rest", "zeroline": True},
        showlegend=False, template="plotly_white", clickmode="event",
        updatemenus=[{"buttons": buttons, "direction": "down", "x": 0, "xanchor": "left", "y": 1.04, "yanchor": "bottom",
                      "showactive": True}] if len(groups) > 1 else [])
    return fig


#: The plot area the Terms scatter's labels are laid out for, in pixels (its figure is 580 high with margins of
#: 150; 560 wide is a narrow notebook column: wider plots only move labels further apart), and the label font.
LABEL_AREA = (560, 430)
LABEL_FONT = 10
MARKER_SIZE = 8


def _label_priority(log_ratio: list, freq: list, n_distinctive: int = 15, n_frequent: int = 8) -> list[int]:
    """The order in which points ask for a label: the most distinctive, then the most frequent, then the rest."""
    by_ratio = np.argsort([-(v if v is not None else -np.inf) for v in log_ratio], kind="stable").tolist()
    by_freq = np.argsort([-f for f in freq], kind="stable").tolist()
    return list(dict.fromkeys([*by_ratio[:n_distinctive], *by_freq[:n_frequent], *by_ratio]))


def _pixels(x, y, area: tuple[int, int], log_x: bool) -> tuple[np.ndarray, np.ndarray]:
    """Points in pixels of a plot area (y upwards): the axes span the data with about 5% padding a side, as
    plotly's autorange pads them; ``x`` on a log scale when ``log_x``."""
    x = np.log10(np.asarray(x, dtype=float)) if log_x else np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)

    def scale(v, pixels):
        lo, hi = (float(v.min()), float(v.max())) if len(v) else (0.0, 1.0)
        span = hi - lo or 1.0
        return (v - lo + 0.05 * span) / (1.1 * span) * pixels

    return scale(x, area[0]), scale(y, area[1])


def label_boxes(x, y, labels, area: tuple[int, int] = LABEL_AREA, font: int = LABEL_FONT, log_x: bool = True) -> np.ndarray:
    """Each label's box (left, bottom, right, top) in pixels, as plotly draws ``textposition="top center"``.

    A label is centred above its point, starting just above the marker, about 0.62 ``font`` pixels a
    character wide (DejaVu Sans and Open Sans with Vietnamese diacritics) and 1.3 ``font`` high.
    """
    px, py = _pixels(x, y, area, log_x)
    width = np.array([0.62 * font * len(str(t)) + 2 for t in labels])
    bottom = py + MARKER_SIZE / 2 + 1
    return np.column_stack([px - width / 2, bottom, px + width / 2, bottom + 1.3 * font])


def _marker_boxes(x, y, area: tuple[int, int], log_x: bool) -> np.ndarray:
    px, py = _pixels(x, y, area, log_x)
    r = MARKER_SIZE / 2
    return np.column_stack([px - r, py - r, px + r, py + r])


def _overlaps(boxes: np.ndarray, box: np.ndarray) -> np.ndarray:
    return (boxes[:, 0] < box[2]) & (box[0] < boxes[:, 2]) & (boxes[:, 1] < box[3]) & (box[1] < boxes[:, 3])


def label_points(x, y, labels, priority, max_labels: int = 20, area: tuple[int, int] = LABEL_AREA,
                 font: int = LABEL_FONT, log_x: bool = True) -> list[int]:
    """Indices of the points to label: in ``priority`` order, each label kept when its box overlaps no label kept
    before and no other point's marker.

    Greedy and deterministic: the first point in ``priority`` is always labelled, and at most
    ``max_labels`` are. Boxes are those of :func:`label_boxes`; points without a label stay on hover.
    """
    boxes = label_boxes(x, y, labels, area, font, log_x)
    markers = _marker_boxes(x, y, area, log_x)
    kept: list[int] = []
    for i in priority:
        if len(kept) >= max_labels:
            break
        if not str(labels[i]):
            continue
        b = boxes[i]
        if kept and _overlaps(boxes[kept], b).any():
            continue
        covered = _overlaps(markers, b)
        covered[i] = False
        if kept and covered.any():    # the first label is always drawn
            continue
        kept.append(int(i))
    return kept


def _terms_title(data: dict, group: str) -> str:
    by = data["meta"]["by"]
    test = ("red: article-level rank-sum test, BH-adjusted p < 0.05" if data["terms"]["tested"]
            else "no article-level test (too few articles per side): effect sizes only")
    return f"{by} = {group}: {test}"


def topics_figure(data: dict):
    """Mean topic share per group (heatmap)."""
    import plotly.graph_objects as go

    topics, groups = data["topics"], data["meta"]["groups"]
    names = [f"{lab}: {', '.join(t[:3])}" for lab, t in zip(topics["labels"], topics["terms"])]
    z = np.array([[np.nan if v is None else v for v in row] for row in topics["shares"]]).T
    fig = go.Figure(go.Heatmap(z=z, x=groups, y=names, colorscale="Blues", zmin=0, colorbar={"title": "share"},
                               hovertemplate="%{y}<br>%{x}: %{z:.3f}<extra></extra>", xgap=1, ygap=1))
    fig.update_layout(title={"text": f"Mean topic share of units by {data['meta']['by']} (NMF, descriptive)",
                             "font": {"size": 14}},
                      height=max(260, 40 * len(names) + 120), margin={"l": 260, "t": 50, "b": 80}, template="plotly_white",
                      yaxis={"autorange": "reversed"})
    return fig


def theme_counts_figure(data: dict):
    """Units with a hit of each theme per 100 units, by group."""
    import plotly.graph_objects as go

    view, groups = data["themes"], data["meta"]["groups"]
    fig = go.Figure()
    colours = _palette(len(view["themes"]))
    for k, theme in enumerate(view["themes"]):
        rows = [c for c in view["counts"] if c[1] == k]
        fig.add_trace(go.Bar(x=[groups[c[0]] for c in rows], y=[100 * c[2] / max(c[3], 1) for c in rows], name=theme,
                             marker_color=colours[k], hovertemplate="%{x}: %{y:.1f} per 100 units<extra>" + html.escape(theme) + "</extra>"))
    where = (f" in a random sample of {view['sample']:,} body units" if view.get("sample") else "")
    fig.update_layout(barmode="group", height=320, template="plotly_white", margin={"t": 40, "b": 80},
                      title={"text": f"Body units with a lexicon hit, per 100 units{where} (any hit, before the decision rule)",
                             "font": {"size": 13}}, legend={"orientation": "h", "y": -0.3})
    return fig
