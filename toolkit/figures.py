"""Publication figures: one visual grammar, plots of tidy frames, reproducible files.

Every plotting function takes a tidy frame from the analysis modules and a
``by=`` grouping column and returns ``(fig, ax)`` (``ax`` an array when there
are panels). :func:`save_figure` writes PDF and SVG (text kept as text,
TrueType fonts: ``pdf.fonttype`` 42, ``svg.fonttype`` none), PNG at 300 dpi
and the CSV of the plotted numbers, byte-identical from run to run (no
creation dates, a fixed SVG hash salt), each written atomically.
:func:`save_table` writes a table a report shows as CSV and LaTeX. Both
CSVs are spreadsheet-safe (:mod:`toolkit.spreadsheet`): a text cell that a
spreadsheet would run as a formula gets a leading ``'``.
:func:`show` displays a figure in a notebook as a PNG without a
``<Figure ...>`` text line and closes it.

The grammar, the same in every figure:

* **themes** have one fixed colour everywhere: the study's three themes the
  Okabe-Ito blue, vermilion and green; the themes of any other lexicon take a
  fixed colour-blind-safe qualitative palette in lexicon order
  (:func:`theme_colours`);
* **groups**: ordered groups (years, periods, months: :func:`is_ordered`)
  take a sequential palette (seaborn cubehelix, light to dark in sorted
  order) that no theme uses; nominal groups (categories, provinces,
  outlets) a qualitative one, so ten or twenty of them can be told apart
  (:func:`group_colours`);
* **many groups**: when groups are many (more than :data:`MANY`) or their
  labels long, groups go on the y axis (horizontal layouts), panels of
  terms wrap into rows, and term contributions become a heatmap; no two
  text elements overlap;
* **tiny groups**: a group with fewer than :data:`MIN_ARTICLES` articles
  is flagged (grey label; faded points where points are drawn) and left
  out of the axis limits,
  so a one-article group's wide interval cannot set the scale (it is cut
  at the axis edge instead);
* **topics** are neutral greys up to four, qualitative colours beyond (:func:`topic_colours`), and the share of
  units without tokens is shown, hatched (:func:`plot_topic_shares`);
* labels have spaces, not underscores (:func:`label`); comparisons across
  groups of unequal size use shares or rates per 100 units, not counts;
  axis limits come from the data, interval ends included, so nothing is
  clipped.

Every figure but the stacked topic bars (:func:`plot_topic_shares` says
why) is drawn with seaborn on tidy frames (``hue`` for themes,
groups, topics and estimates, one panel per theme or measure), under one
theme set in one place (:data:`THEME`: :func:`seaborn.set_theme` with the
house rc, DejaVu Sans, which ships with matplotlib and covers Vietnamese,
font sizes for figures printed at the widths of single- (3.5 in) and
double-column (7.2 in) figures). :func:`palette_for` gives the grammar's
palette for any ``hue`` column, so a new figure gets it by default.
Intervals are never computed by seaborn (``errorbar=None``): points are
placed by seaborn and the toolkit's own interval (``ci_low``, ``ci_high``)
is drawn at each of them. Panels are axes-level seaborn calls on
``plt.subplots`` rather than figure-level ``catplot``/``relplot``, because
the figure-level functions size a figure by panel height and aspect and
widen it for a legend, where a journal figure has a fixed width, and
because panels of terms need their own category axes.

Where each part lives (every name stays importable from here, ``from toolkit import figures as tf``):

- :mod:`toolkit.figure_style`: the grammar: :data:`THEME`, :func:`style`, :func:`label`, the
  palettes (:func:`theme_colours`, :func:`group_colours`, :func:`topic_colours`,
  :func:`palette_for`) and the shared sizes;
- :mod:`toolkit.figure_layout`: private layout helpers the plot modules share;
- :mod:`toolkit.theme_figures`: :func:`plot_theme_shares`, :func:`plot_term_contributions`;
- :mod:`toolkit.estimate_figures`: :func:`plot_share_estimates`, :func:`plot_robustness`;
- :mod:`toolkit.topic_figures`: :func:`plot_topic_shares`, :func:`plot_topic_share_intervals`,
  :func:`plot_topic_selection`;
- :mod:`toolkit.figure_files`: :func:`save_figure`, :func:`save_table`, :func:`show`;
- this module: the documents per group (:func:`plot_group_sizes`) and the distinctive terms of
  each group (:func:`plot_distinctive_terms`).
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd
import seaborn as sns

from .figure_layout import _fit_xticks, _flag_ticks, _group_palette, _groups, _horizontal, _limit, _one_row_each
from .figure_layout import _text_inches, _tidy_layout, _wrap
from .figure_style import DOUBLE, MIN_ARTICLES, SINGLE, TINY_COLOUR, group_colours, label, style

# The rest of the figures' public names, re-exported so that ``tf.<name>`` keeps working in notebooks.
from .estimate_figures import plot_robustness, plot_share_estimates  # noqa: F401
from .figure_files import save_figure, save_table, show  # noqa: F401
from .figure_style import (  # noqa: F401
    MANY, NO_TOKENS, ORDERED_COLUMNS, OTHER_THEME_COLOURS, STYLE, THEME, THEME_COLOURS, THEME_LABELS, TOPIC_GREYS,
    is_ordered, palette_for, set_theme, theme_colours, topic_colours,
)
from .theme_figures import plot_term_contributions, plot_theme_shares  # noqa: F401
from .topic_figures import plot_topic_selection, plot_topic_share_intervals, plot_topic_shares  # noqa: F401

__all__ = ["plot_distinctive_terms", "plot_group_sizes"]


def _distinct(names: list[str]) -> list[str]:
    """Display labels made distinct (a category axis would draw two terms written alike as one bar)."""
    seen: dict[str, int] = {}
    out = []
    for name in names:
        seen[name] = seen.get(name, 0) + 1
        out.append(name if seen[name] == 1 else f"{name} ({seen[name]})")
    return out


def plot_distinctive_terms(table: pd.DataFrame, n: int = 8, score: str = "z", width: float = DOUBLE,
                           by: str = "group", groups=None, threshold: float | None = 1.96):
    """Top distinctive terms per group as horizontal bars (from :func:`toolkit.log_odds`).

    ``table`` has a ``group`` column (the groups of the document-term
    matrix); ``by`` names the grouping in the panel titles. The bars are
    effect sizes (``score``, the log-odds z by default). Which terms are
    distinctive comes from the article-level test of :func:`toolkit.log_odds`:

    - with ``distinctive`` and ``p_adj`` columns, bars of terms that are not
      distinctive are faded; a group that could not be tested (``p_adj``
      NaN: fewer than 5 articles in it or in the rest) gets no faded bar and
      its title says "untested"; where no group could be tested the axis
      says that the bars are effect sizes only;
    - a table without them (made by hand) keeps the older rule: with
      ``threshold`` (z = 1.96, for ``score="z"``) a dashed line marks it and
      bars below it are faded. That rule treats tokens as independent and
      is not a test.

    One ``sns.barplot`` per group, each with its own terms; the panels wrap
    into rows, as many per row as the longest term leaves room for, and
    long titles wrap to their panel.
    """
    colours = _group_palette(table, "group", groups, name=by)
    groups = list(colours)
    tested = "distinctive" in table.columns and "p_adj" in table.columns
    untested = tested and table["p_adj"].isna().all()
    marked = threshold is not None and score == "z" and not tested
    tops = {g: table[table.group == g].nlargest(n, score) for g in groups}   # largest first: seaborn puts it on top
    longest = max([_text_inches(label(t)) for part in tops.values() for t in part.term] or [0.5])
    ncols = max(1, min(len(groups), int(width // (min(longest, 2.2) + 1.1))))
    nrows = -(-max(len(groups), 1) // ncols)
    panel = width / ncols
    with style():
        fig, grid = plt.subplots(nrows, ncols, figsize=(width, nrows * (0.2 * n + 0.75) + 0.35), sharex=True,
                                 squeeze=False)
        axes = grid.ravel()
        for ax in axes[len(groups):]:
            ax.remove()
        axes = axes[:max(len(groups), 1)]
        plotted = []
        for k, (ax, group) in enumerate(zip(axes, groups)):
            part = tops[group]
            plotted += part[score].tolist()
            names = _distinct([label(t) for t in part.term])
            sns.barplot(x=part[score].to_numpy(float), y=names, order=names, orient="h", color=colours[group],
                        saturation=1, linewidth=0, errorbar=None, width=0.8, ax=ax)
            alone = tested and not untested and part["p_adj"].isna().all()
            if marked:
                for bar, value in zip(ax.patches, part[score]):
                    bar.set_alpha(1.0 if abs(value) >= threshold else 0.35)
                ax.axvline(threshold, color="0.3", linestyle="--", linewidth=0.7)
            elif tested and not untested and not alone:
                for bar, flag in zip(ax.patches, part["distinctive"]):
                    bar.set_alpha(1.0 if flag else 0.35)
            title = f"{label(by)} {group}" if by != "group" else str(group)
            # Wrapped to the width of the bars (the panel less its term labels): a centred title wider than
            # its axes would run into the next panel's.
            ax.set_title(_wrap(title + (" (untested)" if alone else ""), max(panel - min(longest, 2.2) - 0.25, 0.8), 9),
                         **({"color": TINY_COLOUR} if alone else {}))
            ax.set_xlabel("z-score (log-odds, informative prior)" if score == "z" else label(score))
            ax.set_ylabel("")
            below = k + ncols >= len(groups)   # no panel under it: it shows the x tick labels
            ax.xaxis.set_tick_params(labelbottom=below)
            if not below or tested:
                ax.set_xlabel("")
        if plotted:
            marks = plotted + ([threshold] if marked else [])
            axes[0].set_xlim(*_limit(max(marks), min(marks)))
            if marked:
                axes[min(ncols, len(groups)) - 1].text(threshold, 1.0, f" |z| = {threshold}",
                                                       transform=axes[min(ncols, len(groups)) - 1].get_xaxis_transform(),
                                                       fontsize=6, va="bottom")
        if tested:
            name = "z-score (log-odds, informative prior)" if score == "z" else label(score)
            note = (f"{name}: effect sizes only, untested (fewer than 5 articles a group)" if untested else
                    f"{name}; faded: not distinctive (article-level test, BH p ≥ 0.05)")
            fig.supxlabel(_wrap(note, width - 0.3, 7), fontsize=7)
        _tidy_layout(fig)
    return fig, axes


def plot_group_sizes(groups_table: pd.DataFrame, by: str = "year", width: float = SINGLE,
                     min_articles: int = MIN_ARTICLES):
    """Documents per group as bars in the group colours (from :func:`toolkit.groups.describe_groups`).

    ``sns.barplot`` with the groups as ``hue`` in their colours (sequential
    when ordered, qualitative when nominal), horizontal when the groups are
    many or their labels long; groups with fewer than ``min_articles``
    documents get a grey label.
    """
    colours = group_colours(groups_table[by].tolist(), by=by)
    order = _groups(groups_table, by)
    _one_row_each(groups_table, [by], "plot_group_sizes")
    data = groups_table.assign(**{by: groups_table[by].map(str)})
    names = [str(g) for g in order]
    sizes = dict(zip(groups_table[by], groups_table["documents"]))
    tiny = [g for g in order if sizes[g] < min_articles] if any(sizes[g] >= min_articles for g in order) else []
    horizontal = _horizontal(names, width * 0.8)
    with style():
        figsize = (width, 0.16 * len(order) + 0.7) if horizontal else (width, width * 0.6)
        fig, ax = plt.subplots(figsize=figsize)
        sns.barplot(data, **({"y": by, "x": "documents"} if horizontal else {"x": by, "y": "documents"}), hue=by,
                    order=names, hue_order=names, palette={str(g): colours[g] for g in order}, saturation=1,
                    linewidth=0, errorbar=None, width=0.6, legend=False, orient="h" if horizontal else "x", ax=ax)
        count_axis = ax.xaxis if horizontal else ax.yaxis
        (ax.set_ylabel if horizontal else ax.set_xlabel)(label(by))
        (ax.set_xlabel if horizontal else ax.set_ylabel)("Documents" + (f" (grey: fewer than {min_articles})" if tiny else ""))
        (ax.set_xlim if horizontal else ax.set_ylim)(0, groups_table["documents"].max() * 1.12)
        count_axis.get_major_locator().set_params(integer=True)
        _flag_ticks(ax, order, tiny, "y" if horizontal else "x")
        _tidy_layout(fig)
        if not horizontal:
            _fit_xticks(fig, ax)
    return fig, ax
