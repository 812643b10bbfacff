"""Figures of theme measurement by group: theme shares with their intervals, and the lexicon terms behind them.

A plot module of the figures (:mod:`toolkit.figures`), drawn on the tidy frames of
:mod:`toolkit.themes`: :func:`plot_theme_shares` (from :func:`toolkit.theme_shares`) and
:func:`plot_term_contributions` (from :func:`toolkit.term_hits`), under the grammar of
:mod:`toolkit.figure_style` with the layout helpers of :mod:`toolkit.figure_layout`.
"""

from __future__ import annotations

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import seaborn as sns

from .figure_layout import (_articles, _fit_xticks, _flag_ticks, _group_palette, _groups, _horizontal, _limit,
                            _one_row_each, _points_with_intervals, _text_inches, _themes_in, _tidy_layout, _tiny, _wrap)
from .figure_style import DOUBLE, MANY, MIN_ARTICLES, SINGLE, TINY_COLOUR, label, style, theme_colours

__all__ = ["plot_theme_shares", "plot_term_contributions"]


def plot_theme_shares(shares: pd.DataFrame, by: str = "year", width: float = SINGLE, groups=None,
                      unit_label: str = "sentences", min_articles: int = MIN_ARTICLES):
    """Theme shares per group with confidence intervals (from :func:`toolkit.theme_shares`).

    Themes are told apart by their fixed colours (``hue``); groups sit on the
    x axis in sorted order, each labelled with its number of articles, or on
    the y axis when they are many (more than :data:`MANY`) or their labels
    long. Groups with fewer than ``min_articles`` articles are flagged in grey
    and left out of the axis limits (their intervals are cut at the edge).
    Drawn with ``sns.pointplot`` and the toolkit's own intervals.
    """
    themes = _themes_in(shares)
    groups = _groups(shares, by, groups)
    _one_row_each(shares, [by, "theme"], "plot_theme_shares")
    data = shares[shares[by].isin(groups)].assign(theme=lambda f: f.theme.map(label))
    palette = {label(t): c for t, c in theme_colours(themes).items()}
    articles = _articles(shares, by)
    tiny = _tiny(groups, articles, min_articles)
    sized = data[~data[by].isin(tiny)]
    limits = _limit(sized["ci_high"].max())
    if articles:
        ticks = [f"{g}\n({articles[g]} art.)" if g in articles else str(g) for g in groups]
    else:
        ticks = [str(g) for g in groups]
    horizontal = _horizontal(ticks, width * 0.5)   # the key beside the axes takes the rest
    with style():
        if horizontal:
            ticks = [t.replace("\n", " ") for t in ticks]
            fig, ax = plt.subplots(figsize=(width, 0.16 * len(groups) * max(1, len(themes) / 2) + 1.3))
        else:
            fig, ax = plt.subplots(figsize=(width, width * 0.72))
        common = dict(orient="y" if horizontal else "x", dodge=0.44 if len(themes) > 1 else 0,
                      markersize=4 if not horizontal else 3, linewidth=1, capsize=2 if not horizontal else 1.5)
        # Tiny groups are drawn by a second call, faded; each call gets every group (the other call's as NaN),
        # so seaborn places both at the same positions.
        values = ["share", "ci_low", "ci_high"]
        is_tiny = data[by].isin(tiny)
        _points_with_intervals(ax, data.assign(**{c: data[c].where(~is_tiny) for c in values}), by, "theme", groups,
                               [label(t) for t in themes], palette, **common)
        if tiny:
            lines, collections = len(ax.lines), len(ax.collections)
            _points_with_intervals(ax, data.assign(**{c: data[c].where(is_tiny) for c in values}), by, "theme",
                                   groups, [label(t) for t in themes], palette, legend=False, **common)
            for artist in ax.lines[lines:] + ax.collections[collections:]:
                artist.set_alpha(0.4)
        _share_axes(ax, groups, ticks, limits, by, f"Share of {unit_label} with the theme", tiny, horizontal)
        _share_legend(ax, tiny, articles, min_articles, width, horizontal)
        _tidy_layout(fig)
        if not horizontal:
            _fit_xticks(fig, ax)
    return fig, ax


def _share_axes(ax, groups: list, ticks: list, limits: tuple, by: str, what: str, tiny: list, horizontal: bool) -> None:
    """Axes of :func:`plot_theme_shares`: groups (``ticks``, tiny ones flagged) on one axis, shares (``what``,
    within ``limits``) on the other; groups run down the y axis when ``horizontal``."""
    if horizontal:
        ax.set_yticks(range(len(groups)), ticks)
        ax.set_ylim(len(groups) - 0.4, -0.6)
        ax.set_xlim(*limits)
        ax.xaxis.set_major_locator(matplotlib.ticker.MaxNLocator(nbins=5))
        ax.set_ylabel(label(by))
        ax.set_xlabel(what)
        _flag_ticks(ax, groups, tiny, "y")
    else:
        ax.set_xticks(range(len(groups)), ticks)
        ax.set_xlim(-0.6, len(groups) - 0.4)
        ax.set_ylim(*limits)
        ax.set_xlabel(label(by))
        ax.set_ylabel(what)
        _flag_ticks(ax, groups, tiny, "x")


def _share_legend(ax, tiny: list, articles: dict, min_articles: int, width: float, horizontal: bool) -> None:
    """The theme key of :func:`plot_theme_shares`, with a note on the tiny groups: above the axes when
    ``horizontal``, else beside them."""
    legend = ax.get_legend()
    if legend is None:
        return
    handles, names = list(legend.legend_handles), [t.get_text() for t in legend.texts]
    legend.remove()
    if tiny:
        handles.append(matplotlib.lines.Line2D([], [], linestyle="none"))
        names.append(_wrap(_tiny_note(tiny, articles, min_articles), width * 0.75 if horizontal else 1.3, 6))
    if horizontal:   # above the axes: beside them it would take the width the labels need
        ax.legend(handles, names, loc="lower left", bbox_to_anchor=(-0.02, 1.01), frameon=False, title=None,
                  ncols=1, fontsize=6)
    else:
        ax.legend(handles, names, loc="upper left", bbox_to_anchor=(1, 1), frameon=False, title=None)


def _tiny_note(tiny: list, articles: dict, min_articles: int) -> str:
    return f"grey: fewer than {min_articles} articles, not used for the scale"


def _units_per_group(units, by: str) -> dict | None:
    if units is None:
        return None
    if isinstance(units, pd.DataFrame):
        return units.drop_duplicates(by).set_index(by)["units"].to_dict()
    return dict(units)


def _group_key(ax, groups: list, palette: dict, by: str, tiny=(), articles=None, min_articles: int = MIN_ARTICLES) -> None:
    """The key of the group colours, beside the last panel (whichever panels had bars); tiny groups flagged."""
    handles = [matplotlib.patches.Patch(color=palette[g]) for g in groups]
    names = [f"{g} ({articles[g]} art.)" if g in tiny else str(g) for g in groups]
    legend = ax.legend(handles, names, title=label(by) + (f"\n(grey: < {min_articles} articles,\nnot used for the scale)"
                                                          if tiny else ""),
                       frameon=False, loc="upper left", bbox_to_anchor=(1, 1))
    for text, group in zip(legend.texts, groups):
        if group in tiny:
            text.set_color(TINY_COLOUR)


def plot_term_contributions(hits: pd.DataFrame, by: str = "year", n: int = 8, width: float = DOUBLE, units=None,
                            groups=None, unit_label: str = "sentences", min_articles: int = MIN_ARTICLES):
    """Hits of the top lexicon terms of each theme, per group (from :func:`toolkit.term_hits`).

    Parameters
    ----------
    units : pandas.DataFrame or mapping, optional
        Units measured per group: the frame of :func:`toolkit.theme_shares`
        (its ``units`` and ``articles`` columns) or ``{group: n}``. With it
        the values are hits per 100 units, comparable across groups of
        unequal size; without it, raw hits (the axis says so).
    min_articles : int
        Groups with fewer articles (known from the frame's ``articles``
        column) are flagged in grey and do not set the scale.

    Notes
    -----
    Up to :data:`MANY` groups, bars of the groups sit side by side (``hue``
    of ``sns.barplot``: rates of different groups do not add up), in the
    group palette, the panels wrapping into rows when long term labels leave
    too little room for the bars. With more groups, bars of ten or twenty colours cannot be
    told apart: each theme becomes a heatmap (``sns.heatmap``) of its top
    terms against the groups, in shades of the theme's colour, groups named
    on the axis. A theme without hits gets a panel saying so.
    """
    themes = _themes_in(hits)
    colours = _group_palette(hits, by, groups)
    groups = list(colours)
    per_group = _units_per_group(units, by)
    articles = _articles(units, by)
    tiny = _tiny(groups, articles, min_articles)
    frame = hits.copy()
    if per_group:
        frame["value"] = 100 * frame["hits"] / frame[by].map(per_group).astype(float)
        xlabel = f"Hits per 100 {unit_label}"
    else:
        frame["value"] = frame["hits"].astype(float)
        xlabel = f"Hits ({unit_label}, duplicates excluded)"
    tcolours = theme_colours(themes)
    hue_order = [str(g) for g in groups]
    palette = {str(g): colours[g] for g in groups}
    tables = {theme: _top_terms(frame[(frame.theme == theme) & frame[by].isin(groups)], by, n) for theme in themes}
    scaled = [t[~t.group.isin([str(g) for g in tiny])]["value"] for _, t in tables.values()]
    high = max([float(np.nanmax(v.to_numpy(float))) for v in scaled if len(v)] or [0.0])
    if len(groups) > MANY:
        return _term_heatmaps(tables, themes, groups, tiny, articles, min_articles, high, xlabel, by, width, n, tcolours)
    with style():
        # Panels wrap into rows when the term labels leave too little room for the bars beside the key.
        longest = max([_text_inches(name) for top, _ in tables.values() for name in top] or [0.5])
        key = max([_text_inches(f"{g} ({articles.get(g, 0)} art.)") for g in groups] or [0.5]) + 0.5
        ncols = max(1, min(max(len(themes), 1), int((width - key) // (longest + 1.3))))
        nrows = -(-max(len(themes), 1) // ncols)
        fig, grid = plt.subplots(nrows, ncols, figsize=(width, nrows * (0.3 * n + 0.9) + 0.1), squeeze=False)
        axes = grid.ravel()
        for ax in axes[max(len(themes), 1):]:
            ax.remove()
        axes = axes[:max(len(themes), 1)]
        for ax, theme in zip(axes, themes):
            top, tidy = tables[theme]
            ax.set_title(label(theme), color=tcolours[theme])
            ax.set_xlabel(xlabel)
            if not top:
                ax.text(0.5, 0.5, "no hits in this corpus", ha="center", va="center", transform=ax.transAxes,
                        color="#7f7f7f")
                ax.set_yticks([])
                continue
            sns.barplot(tidy, x="value", y="name", hue="group", order=top, hue_order=hue_order, palette=palette,
                        orient="h", saturation=1, linewidth=0, errorbar=None, width=0.8, legend=False, ax=ax)
            ax.set_xlabel(xlabel)
            ax.set_ylabel("")
        for ax in axes:
            ax.set_xlim(*_limit(high))
            ax.xaxis.set_major_locator(matplotlib.ticker.MaxNLocator(nbins=4))
        if groups:
            _group_key(axes[min(ncols, len(axes)) - 1], groups, colours, by, tiny, articles, min_articles)
        _tidy_layout(fig)
    return fig, axes


def _top_terms(part: pd.DataFrame, by: str, n: int) -> tuple[list, pd.DataFrame]:
    """One theme's ``n`` terms with most hits (most first) and their ``name``, ``group``, ``value``, ``hits`` rows.

    A term's name is its display label, with its context cue in brackets when it has one; rows that
    share a name (and group) are added up, so each entry gets one bar per group.
    """
    context = part.context.fillna("") if "context" in part.columns else pd.Series("", index=part.index)
    names = part.term.map(label) + np.where(context != "", " (" + context + ")", "")
    tidy = (part.assign(name=names, group=part[by].map(str)).groupby(["name", "group"], as_index=False)
            [["value", "hits"]].sum(min_count=1))
    totals = tidy.groupby("name")["hits"].sum()
    totals = totals[totals > 0]   # entries that never match are listed by unmatched_terms, not plotted
    top = totals.sort_values(ascending=False, kind="stable").index[:n].tolist()   # most hits on top
    return top, tidy[tidy.name.isin(top)]


def _term_heatmaps(tables, themes, groups, tiny, articles, min_articles, high, what, by, width, n, tcolours):
    """Term contributions for many groups: per theme a heatmap of its top terms (rows) by group (columns)."""
    names = [str(g) for g in groups]
    ticks = [f"{g} ({articles[g]} art.)" if g in tiny else str(g) for g in groups]
    tick_room = max(_text_inches(t) for t in ticks) + 0.2
    rows = [max(len(tables[t][0]), 1) for t in themes]
    with style():
        height = sum(0.16 * r + 0.45 for r in rows) + tick_room + 0.5
        fig, axes = plt.subplots(len(themes), 1, figsize=(width, height), sharex=True, squeeze=False,
                                 gridspec_kw={"height_ratios": rows})
        axes = axes[:, 0]
        for k, (ax, theme) in enumerate(zip(axes, themes)):
            top, tidy = tables[theme]
            ax.set_title(label(theme), color=tcolours[theme], loc="left")
            if not top:
                ax.text(0.5, 0.5, "no hits in this corpus", ha="center", va="center", transform=ax.transAxes,
                        color="#7f7f7f")
                ax.set_yticks([])
                ax.set_xlim(0, len(names))
                continue
            grid = tidy.pivot(index="name", columns="group", values="value").reindex(index=top, columns=names)
            cmap = sns.light_palette(tcolours[theme], as_cmap=True)
            # Every panel has the same scale; its colour bar is named once, under the figure (a label per bar
            # would run into the next panel's when a theme has few terms).
            sns.heatmap(grid, ax=ax, cmap=cmap, vmin=0, vmax=high if high > 0 else None, linewidths=0.4,
                        linecolor="white", cbar_kws={"shrink": 0.9, "extend": "max" if tiny else "neither", "pad": 0.01})
            ax.set_ylabel("")
            ax.set_xlabel("")
            ax.tick_params(axis="y", rotation=0)
        last = axes[-1]
        last.set_xticks(np.arange(len(names)) + 0.5, ticks, rotation=90)
        last.set_xlabel(_wrap(f"{label(by)}; colour: {what[0].lower() + what[1:]}, the same scale in every panel" +
                              (f"; grey: fewer than {min_articles} articles, not used for the colour scale" if tiny else ""),
                              width - 1.0, 8))
        _flag_ticks(last, groups, tiny, "x")
        _tidy_layout(fig)
    return fig, axes
