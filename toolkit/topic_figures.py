"""Figures of topic models: topic shares by group (stacked, or with intervals) and the choice of the number of topics.

A plot module of the figures (:mod:`toolkit.figures`), drawn on the tidy frames of
:mod:`toolkit.topics`: :func:`plot_topic_shares` and :func:`plot_topic_share_intervals` (from
:func:`toolkit.topic_shares`), :func:`plot_topic_selection` (from :func:`toolkit.topic_selection`).
Topics are neutral greys up to four, qualitative colours beyond (:func:`toolkit.figure_style.topic_colours`), and
the share of units without tokens is shown.
"""

from __future__ import annotations

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import seaborn as sns

from .figure_layout import _fit_xticks, _groups, _horizontal, _limit, _one_row_each, _points_with_intervals, _tidy_layout
from .figure_style import DOUBLE, NO_TOKENS, SINGLE, TOPIC_GREYS, label, style, topic_colours

__all__ = ["plot_topic_shares", "plot_topic_selection", "plot_topic_share_intervals"]


def plot_topic_shares(shares: pd.DataFrame, by: str = "year", width: float = SINGLE, groups=None):
    """Stacked mean topic shares per group, with the share of units without tokens (from :func:`toolkit.topic_shares`).

    Topics are neutral greys (they are not themes); units without tokens have
    no topic weight, and their share is shown hatched as ``no tokens`` so
    every bar reaches 1. A ``no_tokens`` share column or rows of topic
    ``"no tokens"`` are used when given; otherwise it is 1 minus the topic sum.
    Many groups or long group labels turn the bars horizontal; the key sits
    above the bars.
    """
    groups = _groups(shares, by, groups)
    wide = shares.pivot_table(index=by, columns="topic", values="share", aggfunc="sum", sort=False).reindex(groups)
    topics = [t for t in wide.columns if t != NO_TOKENS]
    if "empty_units" in shares.columns:
        # topic_shares gives shares among units with tokens and the proportion without: scale to all units.
        empty = shares.drop_duplicates(by).set_index(by)["empty_units"].reindex(groups).fillna(0)
        wide[topics] = wide[topics].mul(1 - empty, axis=0)
        rest = empty
    elif NO_TOKENS in wide.columns:
        rest = wide[NO_TOKENS]
    else:
        rest = (1 - wide[topics].sum(axis=1)).clip(lower=0)
    greys = topic_colours(topics)
    x = [str(g) for g in wide.index]
    horizontal = _horizontal(x, width * 0.75)
    with style():
        # matplotlib, not seaborn: seaborn's axes-level functions have no stacked bars of given shares (histplot
        # would stack by binning the shares as weights), and the objects interface's Bar has no hatch, which the
        # share of units without tokens needs to read as "no topic" rather than as one more grey topic.
        height = 0.2 * len(groups) + 0.9 if horizontal else width * 0.72
        key = 0.14 * (len(topics) + 1) + 0.1
        fig, ax = plt.subplots(figsize=(width, height + key))
        bar = ax.barh if horizontal else ax.bar
        size = {"height": 0.6} if horizontal else {"width": 0.6}
        start = "left" if horizontal else "bottom"
        bottom = np.zeros(len(wide))
        for topic in topics:
            bar(x, wide[topic].fillna(0), **{start: bottom}, color=greys[topic], label=label(topic),
                edgecolor="white", linewidth=0.5, **size)
            bottom += wide[topic].fillna(0).to_numpy()
        bar(x, rest, **{start: bottom}, color="white", edgecolor="#7f7f7f", hatch="////", linewidth=0.5,
            label=NO_TOKENS, **size)
        top = max(1.0, float((bottom + rest.to_numpy()).max())) * 1.02
        if horizontal:
            ax.set_xlabel("Mean topic share of units")
            ax.set_ylabel(label(by))
            ax.set_xlim(0, top)
            ax.set_ylim(len(x) - 0.5, -0.5)
        else:
            ax.set_ylabel("Mean topic share of units")
            ax.set_xlabel(label(by))
            ax.set_ylim(0, top)
        ax.legend(frameon=False, fontsize=6, loc="lower left", bbox_to_anchor=(-0.02, 1.01), ncols=1)
        _tidy_layout(fig)
        if not horizontal:
            _fit_xticks(fig, ax)
    return fig, ax


def plot_topic_selection(selection: pd.DataFrame, chosen: dict | None = None, width: float = DOUBLE):
    """Choosing k: stability under resampling and NPMI coherence per k and method (from :func:`toolkit.topic_selection`).

    One panel per measure (``measure`` column: bootstrap units, leave one
    article out, NPMI), one grey line per method (``method``): the mean
    (solid) and the 10th percentile (dotted, ``p10``) against ``k``, and the
    same measure on word-shuffled documents (``null``, thin dash-dot line,
    light grey) when the table has it; dashed verticals at the chosen k of
    each method (``chosen``: method -> k).
    Two ``sns.lineplot`` calls per panel (mean, 10th percentile), ``hue`` and
    ``style`` the method, values as given (``estimator=None``).
    """
    measures = list(dict.fromkeys(selection["measure"]))
    methods = [str(m).upper() for m in dict.fromkeys(selection["method"])]
    data = selection.assign(method=selection["method"].map(lambda m: str(m).upper()))
    _one_row_each(data, ["measure", "method", "k"], "plot_topic_selection")
    greys = {m: TOPIC_GREYS[k % len(TOPIC_GREYS)] for k, m in enumerate(methods)}   # methods, like topics, are not themes
    markers = {m: ["o", "s", "^", "D"][k % 4] for k, m in enumerate(methods)}
    with style():
        fig, axes = plt.subplots(1, max(len(measures), 1), figsize=(width, 2.3), sharex=True, squeeze=False)
        axes = axes[0]
        for ax, measure in zip(axes, measures):
            part = data[data.measure == measure]
            common = dict(x="k", hue="method", style="method", hue_order=methods, style_order=methods, palette=greys,
                          markers=markers, dashes=False, estimator=None, errorbar=None, ax=ax,
                          markeredgecolor="auto", markeredgewidth=1)   # markers edged in their line's grey, not white
            sns.lineplot(part, y="mean", markersize=3.5, legend=ax is axes[0], **common)
            if "p10" in part.columns:
                sns.lineplot(part, y="p10", markersize=2.5, linestyle=":", legend=False, **common)
            if "null" in part.columns and part["null"].notna().any():
                for method, line in part.dropna(subset=["null"]).sort_values("k").groupby("method", sort=False):
                    ax.plot(line["k"], line["null"], color="0.75", linewidth=0.8, linestyle="-.")
            for k_chosen in sorted(set((chosen or {}).values())):
                ax.axvline(k_chosen, color="0.6", linewidth=0.6, linestyle="--")
            ax.set_title(label(measure))
            ax.set_xlabel("number of topics k")
            ax.xaxis.set_major_locator(matplotlib.ticker.MaxNLocator(integer=True))   # k is a count: no 2.5
            ax.set_ylabel("")
        axes[0].set_ylabel("matched cosine (mean; dotted: 10th pct.)")
        notes = (["dash-dot, light grey: the same measure on word-shuffled documents"]
                 if "null" in data.columns and data["null"].notna().any() else [])
        notes += ["dashed: the chosen k"] if chosen else []
        if notes:
            fig.supxlabel("; ".join(notes), fontsize=7)
        if "NPMI" in measures:
            axes[measures.index("NPMI")].set_ylabel("NPMI of top ten terms")
        if axes[0].get_legend() is not None:   # beside the last panel: inside, it covered lines
            handles, labels = axes[0].get_legend_handles_labels()
            axes[0].get_legend().remove()
            axes[-1].legend(handles, labels, loc="upper left", bbox_to_anchor=(1.02, 1), frameon=False)
        fig.tight_layout()
    return fig, axes


def plot_topic_share_intervals(shares: pd.DataFrame, by: str = "year", width: float = SINGLE, groups=None):
    """Topic shares per group with their intervals (from :func:`toolkit.topic_shares`), topics in greys.

    Points with error bars, one grey and marker per topic (``hue``), side by
    side within each group (``sns.pointplot`` and the toolkit's own
    intervals); the share of units without tokens (``empty_units``) is
    written under each group's label ("12% empty"). The share axis reaches
    the highest interval end. Many groups or long labels put the groups on
    the y axis.
    """
    groups = _groups(shares, by, groups)
    topics = list(dict.fromkeys(shares["topic"].tolist()))
    _one_row_each(shares, [by, "topic"], "plot_topic_share_intervals")
    data = shares[shares[by].isin(groups)].assign(topic=lambda f: f.topic.map(label))
    palette = {label(t): c for t, c in topic_colours(topics).items()}
    markers = ["o", "s", "^", "D", "v", "P", "X", "*"]
    ticks = [str(g) for g in groups]
    if "empty_units" in shares.columns:
        empty = shares.drop_duplicates(by).set_index(by)["empty_units"]
        ticks = [f"{g}\n{empty[g]:.0%} empty" for g in groups]
    horizontal = _horizontal(ticks, width * 0.8)
    if horizontal:
        ticks = [t.replace("\n", ", ") for t in ticks]
    with style():
        entries = len(topics) + ("empty_units" in shares.columns)
        legend_height = 0.14 * entries + 0.1          # inches: one 6 pt line per entry
        plot_height = 0.06 * len(groups) * max(len(topics), 2) + 0.8 if horizontal else width * 0.72
        height = plot_height + legend_height
        fig, ax = plt.subplots(figsize=(width, height))
        _points_with_intervals(ax, data, by, "topic", groups, [label(t) for t in topics], palette, dodge=0.5,
                               orient="y" if horizontal else "x",
                               markers=[markers[k % len(markers)] for k in range(len(topics))], markersize=3.5,
                               linewidth=0.9, capsize=2)
        handles, labels = [], []
        if ax.get_legend() is not None:
            handles, labels = list(ax.get_legend().legend_handles), [t.get_text() for t in ax.get_legend().texts]
            ax.get_legend().remove()
        if "empty_units" in shares.columns:
            handles.append(matplotlib.lines.Line2D([], [], linestyle="none"))
            labels.append("empty: share of units without tokens")
        what = "Mean topic share of units with tokens"
        if horizontal:
            ax.set_yticks(range(len(groups)), ticks)
            ax.set_ylim(len(groups) - 0.4, -0.6)
            ax.set_xlim(*_limit(shares["ci_high"].max()))
            ax.set_ylabel(label(by))
            ax.set_xlabel(what)
        else:
            ax.set_xticks(range(len(groups)), ticks)
            ax.set_xlim(-0.6, len(groups) - 0.4)
            ax.set_ylim(*_limit(shares["ci_high"].max()))
            ax.set_xlabel(label(by))
            ax.set_ylabel(what)
        # Below the plot, so the groups get the full width.
        fig.legend(handles, labels, frameon=False, fontsize=6, loc="lower center")
        _tidy_layout(fig, rect=(0, legend_height / height, 1, 1))
    return fig, ax
