"""Figures that set estimates of the same theme shares side by side: several estimators, and analysis variants.

A plot module of the figures (:mod:`toolkit.figures`): :func:`plot_share_estimates` (lexicon, hand
coding, corrected shares: :mod:`toolkit.design`) and :func:`plot_robustness` (the shares under each
analysis variant: :func:`toolkit.robustness.theme_robustness`), each with the toolkit's own
intervals, under the grammar of :mod:`toolkit.figure_style` with the layout helpers of
:mod:`toolkit.figure_layout`.
"""

from __future__ import annotations

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import seaborn as sns

from .figure_layout import (_articles, _flag_ticks, _group_palette, _groups, _horizontal, _limit, _one_row_each,
                            _points_with_intervals, _themes_in, _tidy_layout, _tiny)
from .figure_style import DOUBLE, MANY, MIN_ARTICLES, TINY_COLOUR, label, style, theme_colours

__all__ = ["plot_share_estimates", "plot_robustness"]


def plot_share_estimates(estimates: pd.DataFrame, by: str = "year", width: float = DOUBLE, groups=None):
    """The same shares estimated several ways, one panel per theme (lexicon, hand coding, corrected...).

    ``estimates`` is tidy: ``estimate``, ``by``, ``theme``, ``share``, ``ci_low``,
    ``ci_high`` (an estimate without an interval gets a point only). Themes keep
    their colours; estimates are told apart by marker and position (``hue``
    of ``sns.pointplot`` in the theme's colour), in the order they first
    appear; the intervals are the toolkit's. Many groups or long labels put
    the groups on the y axis.
    """
    themes = _themes_in(estimates)
    tcolours = theme_colours(themes)
    groups = _groups(estimates, by, groups)
    kinds = list(dict.fromkeys(estimates["estimate"]))
    _one_row_each(estimates, ["theme", "estimate", by], "plot_share_estimates")
    markers = ["o", "s", "^", "D", "v", "P"]
    fills = ["full", "none", "full", "none", "full", "none"]
    ticks = [str(g) for g in groups]
    horizontal = _horizontal(ticks, width / max(len(themes), 1) * 0.8)
    with style():
        height = 0.07 * len(groups) * max(len(kinds), 2) + 1.1 if horizontal else 2.4
        fig, axes = plt.subplots(1, max(len(themes), 1), figsize=(width, height), sharey=True, squeeze=False)
        axes = axes[0]
        top = np.nanmax(estimates[["share", "ci_high"]].to_numpy(dtype=float))
        for ax, theme in zip(axes, themes):
            part = estimates[(estimates.theme == theme) & estimates[by].isin(groups)]
            _points_with_intervals(ax, part, by, "estimate", groups, kinds, dict.fromkeys(kinds, tcolours[theme]),
                                   orient="y" if horizontal else "x",
                                   dodge=0.54, markers=[markers[k % len(markers)] for k in range(len(kinds))],
                                   markersize=4, linewidth=0.8, capsize=1.5, legend=False)
            for k, line in enumerate(ax.lines[:len(kinds)]):   # the estimates' points, in order (no legend here)
                line.set_fillstyle(fills[k % len(fills)])
            if horizontal:
                ax.set_yticks(range(len(groups)), ticks)
                ax.set_ylim(len(groups) - 0.4, -0.6)
                ax.set_xlim(*_limit(top))
                ax.set_xlabel("Share of sentences with the theme")
                ax.set_ylabel("")
            else:
                ax.set_xticks(range(len(groups)), ticks)
                ax.set_xlim(-0.6, len(groups) - 0.4)
                ax.set_ylim(*_limit(top))
                ax.set_xlabel(label(by))
                ax.set_ylabel("")
            ax.set_title(label(theme), color=tcolours[theme])
        if horizontal:
            axes[0].set_ylabel(label(by))
        else:
            axes[0].set_ylabel("Share of sentences with the theme")
        # The key is drawn by hand in neutral grey: seaborn's legend would show the marker in one theme's colour.
        handles = [matplotlib.lines.Line2D([], [], marker=markers[k % len(markers)], fillstyle=fills[k % len(fills)],
                                           color="0.25", linestyle="none", markersize=4) for k in range(len(kinds))]
        fig.legend(handles, kinds, frameon=False, loc="lower center", ncols=min(len(kinds), 4),
                   bbox_to_anchor=(0.5, -0.02))
        _tidy_layout(fig, rect=(0, 0.1 * 2.4 / height, 1, 1))
    return fig, axes


def plot_robustness(table: pd.DataFrame, by: str = "year", width: float = DOUBLE, groups=None,
                    min_articles: int = MIN_ARTICLES):
    """Theme shares per group under each analysis variant (from :func:`toolkit.robustness.theme_robustness`).

    One panel per theme. Up to :data:`MANY` groups: variants on the y axis
    in the order given, groups side by side in their colours (``hue`` of
    ``sns.pointplot``) with the toolkit's own intervals. With more groups,
    groups go on the y axis: the first variant (the baseline) as a point with
    its interval in the theme's colour, a grey tick at the share of every
    other variant and a grey band spanning them, so a reader sees at once whether any choice
    moves a group out of its interval. Groups with fewer than
    ``min_articles`` articles are flagged in grey and do not set the scale.
    """
    themes = _themes_in(table)
    variants = list(dict.fromkeys(table["variant"].tolist()))
    colours = _group_palette(table, by, groups)
    groups = list(colours)
    tcolours = theme_colours(themes)
    _one_row_each(table, ["theme", "variant", by], "plot_robustness")
    base = table[table.variant == variants[0]] if variants else table
    articles = _articles(base, by)
    tiny = _tiny(groups, articles, min_articles)
    sized = table[~table[by].isin(tiny)]
    if tiny and "articles" in sized.columns:   # a variant (leave one out) can leave a group below the minimum too
        sized = sized[sized["articles"].fillna(min_articles) >= min_articles]
    many = len(groups) > MANY
    if many:   # only the baseline's intervals are drawn there; the other variants are points
        drawn = sized[sized.variant == variants[0]]
        low, high = _limit(max(drawn["ci_high"].max(), sized["share"].max()), min(drawn["ci_low"].min(), sized["share"].min()))
    else:
        low, high = _limit(sized["ci_high"].max(), sized["ci_low"].min())
    if many:
        return _robustness_ranges(table, themes, variants, groups, tiny, articles, min_articles, (low, high), by,
                                  width, tcolours)
    markers = ["o", "s", "^", "D", "v"]
    hue_order = [str(g) for g in groups]
    palette = {str(g): colours[g] for g in groups}
    data = table[table[by].isin(groups)].assign(**{by: lambda f: f[by].map(str), "variant": lambda f: f.variant.map(label)})
    with style():
        fig, axes = plt.subplots(1, max(len(themes), 1), figsize=(width, 0.3 * len(variants) + 1.2), sharey=True,
                                 squeeze=False)
        axes = axes[0]
        for ax, theme in zip(axes, themes):
            _points_with_intervals(ax, data[data.theme == theme], "variant", by, [label(v) for v in variants],
                                   hue_order, palette, orient="y", dodge=min(0.8, 0.2 * (len(groups) - 1)),
                                   markers=[markers[k % len(markers)] for k in range(len(groups))], markersize=3,
                                   linewidth=0.8, capsize=1.5, legend=ax is axes[-1])
            ax.set_xlim(low, high)
            ax.set_title(label(theme), color=tcolours[theme])
            ax.set_xlabel("Share of units")
            ax.set_ylabel("")
        if themes and axes[-1].get_legend() is not None:
            sns.move_legend(axes[-1], "upper left", bbox_to_anchor=(1, 1), frameon=False, title=label(by))
            legend = axes[-1].get_legend()
            for text in legend.texts:
                if text.get_text() in {str(g) for g in tiny}:
                    text.set_color(TINY_COLOUR)
                    text.set_text(f"{text.get_text()} ({articles[next(g for g in tiny if str(g) == text.get_text())]} art.)")
        _tidy_layout(fig)
    return fig, axes


def _robustness_ranges(table, themes, variants, groups, tiny, articles, min_articles, limits, by, width, tcolours):
    """Robustness for many groups: groups on the y axis, the baseline with its interval and the range of the other variants."""
    ticks = [f"{g} ({articles[g]} art.)" if g in tiny else str(g) for g in groups]
    y = np.arange(len(groups))
    with style():
        fig, axes = plt.subplots(1, max(len(themes), 1), figsize=(width, 0.17 * len(groups) + 1.4), sharey=True,
                                 squeeze=False)
        axes = axes[0]
        for ax, theme in zip(axes, themes):
            part = table[table.theme == theme]
            wide = part.pivot(index=by, columns="variant", values="share").reindex(index=groups)
            others = wide[[v for v in variants[1:] if v in wide.columns]]
            baseline = part[part.variant == variants[0]].set_index(by).reindex(groups)
            if len(others.columns):
                ax.barh(y, (others.max(axis=1) - others.min(axis=1)).to_numpy(float), left=others.min(axis=1).to_numpy(float),
                        height=0.55, color="0.88", linewidth=0, label=f"range over the other {len(others.columns)} variants")
                ticks_x = others.to_numpy(float).ravel()
                ticks_y = np.repeat(y, others.shape[1])
                ax.plot(ticks_x, ticks_y, linestyle="none", marker="|", markersize=5, color="0.55", markeredgewidth=0.6,
                        label="each other variant")
            ax.errorbar(baseline["share"].to_numpy(float), y,
                        xerr=np.vstack([(baseline["share"] - baseline["ci_low"]).clip(lower=0).to_numpy(float),
                                        (baseline["ci_high"] - baseline["share"]).clip(lower=0).to_numpy(float)]),
                        fmt="o", color=tcolours[theme], markersize=3, elinewidth=0.9, capsize=1.5,
                        label=f"{label(variants[0])}, 95% interval")
            ax.set_xlim(*limits)
            ax.xaxis.set_major_locator(matplotlib.ticker.MaxNLocator(nbins=4))
            ax.set_title(label(theme), color=tcolours[theme])
            ax.set_xlabel("Share of units")
        axes[0].set_yticks(y, ticks)
        axes[0].set_ylim(len(groups) - 0.4, -0.6)
        axes[0].set_ylabel(label(by))
        _flag_ticks(axes[0], groups, tiny, "y")
        handles, names = axes[0].get_legend_handles_labels()
        if tiny:
            handles.append(matplotlib.lines.Line2D([], [], linestyle="none"))
            names.append(f"grey: fewer than {min_articles} articles, not used for the scale")
        fig.legend(handles, names, frameon=False, loc="lower center", ncols=min(len(names), 3), fontsize=6)
        _tidy_layout(fig, rect=(0, 0.3 / (0.17 * len(groups) + 1.4), 1, 1))
    return fig, axes
