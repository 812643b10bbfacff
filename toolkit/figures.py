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
* **groups** (years, provinces, ...) take an ordered sequential palette
  (seaborn cubehelix, light to dark in sorted order) that no theme uses
  (:func:`group_colours`);
* **topics** are neutral greys (:func:`topic_colours`), and the share of
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
"""

from __future__ import annotations

import io
import os
from contextlib import contextmanager
from pathlib import Path

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import seaborn as sns

from .atomic import atomic_write
from .errors import ToolkitError
from .spreadsheet import write_csv

__all__ = [
    "STYLE", "THEME", "THEME_COLOURS", "THEME_LABELS", "OTHER_THEME_COLOURS", "TOPIC_GREYS", "NO_TOKENS", "SINGLE", "DOUBLE",
    "style", "set_theme", "label", "theme_colours", "group_colours", "topic_colours", "palette_for", "save_figure", "save_table", "show",
    "plot_theme_shares", "plot_distinctive_terms", "plot_topic_shares", "plot_term_contributions",
    "plot_robustness", "plot_share_estimates", "plot_topic_selection", "plot_group_sizes", "plot_topic_share_intervals",
]

SINGLE = 3.5   # inches, one journal column
DOUBLE = 7.2   # inches, full page width
OKABE_ITO = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#F0E442", "#000000"]
THEME_COLOURS = {"economic_diplomacy": "#0072B2", "border_security": "#D55E00", "people_to_people": "#009E73"}
THEME_LABELS = {"economic_diplomacy": "Economic diplomacy", "border_security": "Border security",
                "people_to_people": "People-to-people"}
# Themes of other lexicons, in lexicon order: the rest of Okabe-Ito, then Paul Tol's muted scheme.
OTHER_THEME_COLOURS = ["#CC79A7", "#E69F00", "#56B4E9", "#882255", "#44AA99", "#999933", "#332288", "#AA4499",
                       "#117733", "#661100"]
TOPIC_GREYS = ("#4d4d4d", "#7f7f7f", "#a6a6a6", "#c8c8c8", "#5e5e5e", "#939393", "#b8b8b8", "#dadada")
NO_TOKENS = "no tokens"
GROUP_PALETTE = "ch:start=.2,rot=-.3,light=.78,dark=.18"   # seaborn cubehelix: ordered, light to dark
STYLE = {
    "font.family": "DejaVu Sans",
    "font.size": 8,
    "axes.titlesize": 9,
    "axes.labelsize": 8,
    "xtick.labelsize": 7,
    "ytick.labelsize": 7,
    "legend.fontsize": 7,
    "legend.title_fontsize": 8,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.prop_cycle": matplotlib.cycler(color=OKABE_ITO),
    "figure.dpi": 100,
    "savefig.dpi": 300,
    "savefig.bbox": "tight",
    "pdf.fonttype": 42,
    "ps.fonttype": 42,
    "svg.fonttype": "none",
    "svg.hashsalt": "vn-discourse-toolkit",
    "path.simplify": True,
}


# The house theme, set in this one place: seaborn's paper context and ticks style under the house rc
# (which wins: fonts, sizes, no top and right spines, deterministic files), Okabe-Ito as the default cycle.
THEME = {"context": "paper", "style": "ticks", "palette": OKABE_ITO, "font": "DejaVu Sans", "color_codes": False,
         "rc": STYLE}


def set_theme() -> None:
    """Apply the house theme to every later figure of the session (:func:`seaborn.set_theme` with :data:`THEME`).

    The plot functions of this module do not need it: they draw under
    :func:`style`, which applies the same theme for one figure only.

    Examples
    --------
    >>> import matplotlib
    >>> with matplotlib.rc_context():      # here only for the example; a notebook calls set_theme() once
    ...     set_theme()
    ...     print(matplotlib.rcParams["pdf.fonttype"], matplotlib.rcParams["font.family"])
    42 ['DejaVu Sans']
    """
    sns.set_theme(**THEME)


@contextmanager
def style():
    """Context manager applying the house theme (:func:`set_theme`) and restoring the previous settings on exit."""
    with matplotlib.rc_context():
        set_theme()
        yield


def label(name) -> str:
    """A display label: underscores become spaces; the study's themes get their names."""
    return THEME_LABELS.get(name, str(name).replace("_", " ")) if isinstance(name, str) else str(name)


def theme_colours(themes) -> dict:
    """One fixed colour per theme.

    The study's themes keep their colours; any other theme takes the next
    colour of :data:`OTHER_THEME_COLOURS` in the order given (lexicon order),
    so a lexicon's themes have the same colours in every figure.

    >>> theme_colours(["environment", "health"])
    {'environment': '#CC79A7', 'health': '#E69F00'}
    """
    out, k = {}, 0
    for theme in dict.fromkeys(themes):
        if theme in THEME_COLOURS:
            out[theme] = THEME_COLOURS[theme]
        else:
            out[theme] = OTHER_THEME_COLOURS[k % len(OTHER_THEME_COLOURS)]
            k += 1
    return out


def group_colours(groups) -> dict:
    """Ordered sequential colours for groups (years ...), sorted, light to dark.

    Pass every group of the corpus so that a group has the same colour in
    every figure of a report.
    """
    ordered = sorted(dict.fromkeys(groups), key=lambda g: (not isinstance(g, (int, float, np.integer)), g if isinstance(g, (int, float, np.integer)) else str(g)))
    palette = sns.color_palette(GROUP_PALETTE, max(len(ordered), 2))
    if len(ordered) == 1:
        palette = palette[1:]
    return {g: matplotlib.colors.to_hex(c) for g, c in zip(ordered, palette)}


def topic_colours(topics) -> dict:
    """Neutral greys for topics, in the order given (topics are not themes and get no theme colour).

    >>> topic_colours(["topic_1", "topic_2"])
    {'topic_1': '#4d4d4d', 'topic_2': '#7f7f7f'}
    """
    return {t: TOPIC_GREYS[k % len(TOPIC_GREYS)] for k, t in enumerate(dict.fromkeys(topics))}


def palette_for(column: str, levels) -> dict:
    """The grammar's palette for a ``hue`` column, as a seaborn ``palette`` dict.

    ``theme`` gets the fixed theme colours (:func:`theme_colours`), ``topic``
    greys (:func:`topic_colours`), any other column (years, provinces,
    periods ...) the ordered group palette (:func:`group_colours`; pass every
    group of the corpus so a group keeps its colour across figures).

    Examples
    --------
    >>> palette_for("theme", ["health", "environment"])
    {'health': '#CC79A7', 'environment': '#E69F00'}
    >>> list(palette_for("year", [2020, 2005]))
    [2005, 2020]
    """
    if column == "theme":
        return theme_colours(levels)
    if column == "topic":
        return topic_colours(levels)
    return group_colours(levels)


def _themes_in(frame: pd.DataFrame, column: str = "theme") -> list[str]:
    present = list(dict.fromkeys(frame[column].tolist()))
    study = [t for t in THEME_COLOURS if t in present]
    return study + [t for t in present if t not in THEME_COLOURS]


def _limit(high: float, low: float = 0.0) -> tuple[float, float]:
    """Axis limits from the data (interval ends included) with a margin; never clips."""
    high = float(np.nanmax([high, 0.0])) if np.isfinite(high) else 1.0
    low = float(np.nanmin([low, 0.0])) if np.isfinite(low) else 0.0
    if high == low == 0.0:
        high = 1.0   # nothing to show (no hits): a plain unit axis rather than a microscopic one
    span = max(high - low, 0.05)
    return low - 0.03 * span if low < 0 else -0.02 * span, high + 0.06 * span


def save_figure(fig, name: str, data: pd.DataFrame, folder: str | os.PathLike = "figures",
                safe: bool | None = None) -> list[Path]:
    """Write ``name.pdf``, ``name.svg``, ``name.png`` (300 dpi) and ``name.csv`` to ``folder``.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
    name : str
        File stem, named by content (e.g. ``theme_shares_by_year``).
    data : pandas.DataFrame
        The numbers the figure plots, saved beside it.
    folder : path-like, default "figures"
    safe : bool, optional
        Spreadsheet-safe CSV: text cells (and column names) beginning with ``=``, ``+``, ``-``, ``@``,
        a tab or a carriage return get a leading ``'`` (:func:`toolkit.spreadsheet.spreadsheet_safe`);
        numbers are never changed. None follows ``toolkit.spreadsheet.SAFE`` (True unless a pipeline
        turns it off); False writes the cells as they are.

    Returns
    -------
    list of pathlib.Path
        The four files written.
    """
    if not name or any(ch in name for ch in "/\\") or name.startswith("."):
        raise ToolkitError(f"figure name {name!r} must be a plain file stem")
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    with style():
        for ext, metadata in (("pdf", {"CreationDate": None, "ModDate": None, "Producer": None, "Creator": None}),
                              ("svg", {"Date": None, "Creator": None}),
                              ("png", {"Software": None})):
            path = folder / f"{name}.{ext}"
            atomic_write(path, lambda tmp, e=ext, m=metadata: fig.savefig(tmp, format=e, metadata=m))
            written.append(path)
    csv = folder / f"{name}.csv"
    atomic_write(csv, lambda tmp: write_csv(data, tmp, safe, float_format="%.6g", lineterminator="\n"))
    written.append(csv)
    return written


def show(fig) -> None:
    """Display a figure in a notebook as PNG only (no ``<Figure ...>`` text) and close it."""
    from IPython.display import display

    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=150, bbox_inches="tight", metadata={"Software": None})
    plt.close(fig)
    display({"image/png": buffer.getvalue()}, raw=True)


def save_table(frame: pd.DataFrame, name: str, folder: str | os.PathLike = "figures", caption: str | None = None,
               precision: int = 3, safe: bool | None = None) -> list[Path]:
    """Write a table a report shows as ``name.csv`` and ``name.tex`` (pandas Styler LaTeX) to ``folder``.

    Parameters
    ----------
    frame : pandas.DataFrame
        The table as displayed (its index is written when it is not a plain range).
    name : str
        File stem, named by content (e.g. ``groups_by_year``).
    caption : str, optional
        LaTeX caption.
    precision : int, default 3
        Decimals of floats in the LaTeX table (the CSV keeps 6 significant digits).
    safe : bool, optional
        Spreadsheet-safe CSV, as in :func:`save_figure`: text cells beginning with ``=``, ``+``,
        ``-``, ``@``, a tab or a carriage return get a leading ``'``; numbers are never changed.
        None follows ``toolkit.spreadsheet.SAFE``. The LaTeX file is written from the cells as they are.

    Returns
    -------
    list of pathlib.Path
        The CSV and the LaTeX file.

    Examples
    --------
    >>> import tempfile
    >>> table = pd.DataFrame({"year": [2005, 2015], "share": [0.25, 0.5]})
    >>> [p.name for p in save_table(table, "shares", tempfile.mkdtemp())]
    ['shares.csv', 'shares.tex']
    """
    if not name or any(ch in name for ch in "/\\") or name.startswith("."):
        raise ToolkitError(f"table name {name!r} must be a plain file stem")
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    plain = isinstance(frame.index, pd.RangeIndex)
    table = frame if plain else frame.reset_index()
    table = table.rename(columns=lambda c: label(c) if isinstance(c, str) else str(c))
    csv, tex = folder / f"{name}.csv", folder / f"{name}.tex"
    atomic_write(csv, lambda tmp: write_csv(table, tmp, safe, float_format="%.6g", lineterminator="\n"))
    styler = table.style.hide(axis="index").format(precision=precision, na_rep="")
    styler = styler.format_index(escape="latex", axis=1).format(escape="latex", precision=precision, na_rep="")
    latex = styler.to_latex(caption=caption, hrules=True, label=f"tab:{name}")
    atomic_write(tex, lambda tmp: tmp.write_text(latex, encoding="utf-8"))
    return [csv, tex]


def _group_palette(frame: pd.DataFrame, by: str, groups=None) -> dict:
    """The groups of ``frame`` to draw, in order, each with its colour, keyed as ``frame`` writes them.

    ``groups`` (every group of the corpus, so colours stay fixed across
    figures) may write a group as the number 2005 where a frame built from a
    document-term matrix writes the text "2005": a group is matched by its
    text when it is not found as it is.
    """
    present = list(dict.fromkeys(frame[by].tolist()))
    given = present if groups is None else list(groups)
    palette = group_colours(given)
    exact, as_text = set(present), {str(v): v for v in present}
    out = {}
    for group in (palette if groups is None else given):
        value = group if group in exact else as_text.get(str(group))
        if value is not None:
            out[value] = palette[group]
    return out


def _groups(frame: pd.DataFrame, by: str, groups=None) -> list:
    return list(_group_palette(frame, by, groups))


def _one_row_each(frame: pd.DataFrame, columns: list, what: str) -> None:
    """Seaborn would average repeated rows silently; a figure plots one row per point."""
    repeated = frame.duplicated(columns, keep=False)
    if repeated.any():
        first = [v.item() if hasattr(v, "item") else v for v in frame.loc[repeated, columns].iloc[0]]
        raise ToolkitError(f"{what}: more than one row for {dict(zip(columns, first))}; pass one row per "
                           f"{' and '.join(map(str, columns))}")


def _fit_xticks(fig, ax) -> None:
    """Slant the x tick labels when, laid out, two of them overlap; then lay the figure out again."""
    renderer = fig.canvas.get_renderer()
    boxes = [t.get_window_extent(renderer) for t in ax.get_xticklabels() if t.get_text()]
    if any(a.x1 > b.x0 - 2 for a, b in zip(boxes, boxes[1:])):
        for tick in ax.get_xticklabels():
            tick.set_rotation(30)
            tick.set_horizontalalignment("right")
            tick.set_rotation_mode("anchor")
        fig.tight_layout()


def _points_with_intervals(ax, data: pd.DataFrame, cat: str, hue: str, order: list, hue_order: list, palette: dict,
                           orient: str = "x", markers="o", dodge: float = 0.0, capsize: float = 2.0,
                           legend: bool = True, **kws):
    """Points by seaborn, intervals from the toolkit.

    ``sns.pointplot`` places one point per ``cat`` and ``hue`` (``share``),
    dodged within a category; ``errorbar=None`` keeps seaborn from computing
    an interval of its own. The toolkit's interval (``ci_low`` to
    ``ci_high``, as given, even if the point lies outside it) is then drawn at
    the very position seaborn gave each point, read back from its line. A
    row without an interval gets its point only.
    """
    value = {"x": "y", "y": "x"}[orient]
    before = len(ax.lines)
    sns.pointplot(data, **{orient: cat, value: "share"}, hue=hue, order=order, hue_order=hue_order, palette=palette,
                  orient=orient, markers=markers, linestyle="none", errorbar=None,
                  dodge=dodge if len(hue_order) > 1 else False, legend=legend, ax=ax, **kws)
    # pointplot draws one line per hue level, in hue order (then, with a legend, empty lines for its key).
    lines = ax.lines[before:before + len(hue_order)]
    for line, level in zip(lines, hue_order):
        positions = np.asarray(line.get_xdata() if orient == "x" else line.get_ydata(), dtype=float)
        # A level's points are its categories in order (dodging shifts them all by one offset, which can
        # exceed half a category when there are many levels: rounding a position would pick a neighbour).
        # Seaborn gives a position to every category in order (a missing one gets an empty point).
        present = set(data.loc[data[hue] == level, cat])
        cats = list(order) if len(positions) == len(order) else [c for c in order if c in present]
        if len(cats) != len(positions):
            raise ToolkitError(f"cannot match the points of {level!r} to their categories")
        rows = data[data[hue] == level].set_index(cat).reindex(cats)
        keep = (rows["ci_low"].notna() & rows["ci_high"].notna()).to_numpy()
        if not keep.any():
            continue
        low, high = rows["ci_low"].to_numpy(float)[keep], rows["ci_high"].to_numpy(float)[keep]
        middle, half = (low + high) / 2, (high - low) / 2
        at = positions[keep]
        xy = (at, middle, None, half) if orient == "x" else (middle, at, half, None)
        ax.errorbar(xy[0], xy[1], xerr=xy[2], yerr=xy[3], fmt="none", color=line.get_color(), capsize=capsize,
                    elinewidth=line.get_linewidth(),
                    zorder=line.get_zorder() - 0.1)


def plot_theme_shares(shares: pd.DataFrame, by: str = "year", width: float = SINGLE, groups=None,
                      unit_label: str = "sentences"):
    """Theme shares per group with confidence intervals (from :func:`toolkit.theme_shares`).

    Themes are told apart by their fixed colours (``hue``); groups sit on the
    x axis in sorted order, each labelled with its number of articles. Drawn
    with ``sns.pointplot`` and the toolkit's own intervals.
    """
    themes = _themes_in(shares)
    groups = _groups(shares, by, groups)
    _one_row_each(shares, [by, "theme"], "plot_theme_shares")
    data = shares[shares[by].isin(groups)].assign(theme=lambda f: f.theme.map(label))
    palette = {label(t): c for t, c in theme_colours(themes).items()}
    with style():
        fig, ax = plt.subplots(figsize=(width, width * 0.72))
        _points_with_intervals(ax, data, by, "theme", groups, [label(t) for t in themes], palette, dodge=0.44,
                               markersize=4, linewidth=1, capsize=2)
        if "articles" in shares.columns:
            articles = shares.drop_duplicates(by).set_index(by)["articles"]
            ticks = [f"{g}\n({int(articles[g])} art.)" for g in groups]
        else:
            ticks = [str(g) for g in groups]
        ax.set_xticks(range(len(groups)), ticks)
        ax.set_xlim(-0.6, len(groups) - 0.4)
        ax.set_ylim(*_limit(shares["ci_high"].max()))
        ax.set_xlabel(label(by))
        ax.set_ylabel(f"Share of {unit_label} with the theme")
        if ax.get_legend() is not None:
            sns.move_legend(ax, "upper left", bbox_to_anchor=(1, 1), frameon=False, title=None)
        fig.tight_layout()
        _fit_xticks(fig, ax)
    return fig, ax


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
      distinctive are faded; where no group could be tested (``p_adj`` all
      NaN: fewer than 5 articles a group) no bar is faded and the axis says
      that the bars are effect sizes only, untested;
    - a table without them (made by hand) keeps the older rule: with
      ``threshold`` (z = 1.96, for ``score="z"``) a dashed line marks it and
      bars below it are faded. That rule treats tokens as independent and
      is not a test.

    One ``sns.barplot`` per group, each with its own terms.
    """
    colours = _group_palette(table, "group", groups)
    groups = list(colours)
    tested = "distinctive" in table.columns and "p_adj" in table.columns
    untested = tested and table["p_adj"].isna().all()
    marked = threshold is not None and score == "z" and not tested
    with style():
        fig, axes = plt.subplots(1, max(len(groups), 1), figsize=(width, 0.22 * n + 0.8), sharex=True, squeeze=False)
        axes = axes[0]
        plotted = []
        for ax, group in zip(axes, groups):
            part = table[table.group == group].nlargest(n, score)        # largest first: seaborn puts it on top
            plotted += part[score].tolist()
            names = _distinct([label(t) for t in part.term])
            sns.barplot(x=part[score].to_numpy(float), y=names, order=names, orient="h", color=colours[group],
                        saturation=1, linewidth=0, errorbar=None, width=0.8, ax=ax)
            if marked:
                for bar, value in zip(ax.patches, part[score]):
                    bar.set_alpha(1.0 if abs(value) >= threshold else 0.35)
                ax.axvline(threshold, color="0.3", linestyle="--", linewidth=0.7)
            elif tested and not untested:
                for bar, flag in zip(ax.patches, part["distinctive"]):
                    bar.set_alpha(1.0 if flag else 0.35)
            ax.set_title(f"{label(by)} {group}" if by != "group" else str(group))
            ax.set_xlabel("z-score (log-odds, informative prior)" if score == "z" else label(score))
            ax.set_ylabel("")
        if plotted:
            marks = plotted + ([threshold] if marked else [])
            axes[0].set_xlim(*_limit(max(marks), min(marks)))
            if marked:
                axes[-1].text(threshold, 1.0, f" |z| = {threshold}", transform=axes[-1].get_xaxis_transform(),
                              fontsize=6, va="bottom")
        if tested:
            for ax in axes:
                ax.set_xlabel("")
            name = "z-score (log-odds, informative prior)" if score == "z" else label(score)
            fig.supxlabel(f"{name}: effect sizes only, untested (fewer than 5 articles a group)" if untested else
                          f"{name}; faded: not distinctive (article-level test, BH p ≥ 0.05)", fontsize=7)
        fig.tight_layout()
    return fig, axes


def plot_topic_shares(shares: pd.DataFrame, by: str = "year", width: float = SINGLE, groups=None):
    """Stacked mean topic shares per group, with the share of units without tokens (from :func:`toolkit.topic_shares`).

    Topics are neutral greys (they are not themes); units without tokens have
    no topic weight, and their share is shown hatched as ``no tokens`` so
    every bar reaches 1. A ``no_tokens`` share column or rows of topic
    ``"no tokens"`` are used when given; otherwise it is 1 minus the topic sum.
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
    with style():
        # matplotlib, not seaborn: seaborn's axes-level functions have no stacked bars of given shares (histplot
        # would stack by binning the shares as weights), and the objects interface's Bar has no hatch, which the
        # share of units without tokens needs to read as "no topic" rather than as one more grey topic.
        fig, ax = plt.subplots(figsize=(width, width * 0.72))
        bottom = np.zeros(len(wide))
        x = [str(g) for g in wide.index]
        for topic in topics:
            ax.bar(x, wide[topic].fillna(0), bottom=bottom, color=greys[topic], label=label(topic),
                   width=0.6, edgecolor="white", linewidth=0.5)
            bottom += wide[topic].fillna(0).to_numpy()
        ax.bar(x, rest, bottom=bottom, color="white", edgecolor="#7f7f7f", hatch="////", linewidth=0.5, width=0.6,
               label=NO_TOKENS)
        ax.set_ylabel("Mean topic share of units")
        ax.set_xlabel(label(by))
        ax.set_ylim(0, max(1.0, float((bottom + rest.to_numpy()).max())) * 1.02)
        ax.legend(frameon=False, fontsize=6, loc="upper left", bbox_to_anchor=(1, 1))
        fig.tight_layout()
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
            ax.set_ylabel("")
        axes[0].set_ylabel("matched cosine (mean; dotted: 10th pct.)")
        if "null" in data.columns and data["null"].notna().any():
            fig.supxlabel("dash-dot, light grey: the same measure on word-shuffled documents", fontsize=7)
        if "NPMI" in measures:
            axes[measures.index("NPMI")].set_ylabel("NPMI of top ten terms")
        if axes[0].get_legend() is not None:
            sns.move_legend(axes[0], "best", frameon=False, title=None)
        fig.tight_layout()
    return fig, axes


def plot_topic_share_intervals(shares: pd.DataFrame, by: str = "year", width: float = SINGLE, groups=None):
    """Topic shares per group with their intervals (from :func:`toolkit.topic_shares`), topics in greys.

    Points with error bars, one grey and marker per topic (``hue``), side by
    side within each group (``sns.pointplot`` and the toolkit's own
    intervals); the share of units without tokens (``empty_units``) is
    written under each group's label ("12% empty"). The y axis reaches the
    highest interval end.
    """
    groups = _groups(shares, by, groups)
    topics = list(dict.fromkeys(shares["topic"].tolist()))
    _one_row_each(shares, [by, "topic"], "plot_topic_share_intervals")
    data = shares[shares[by].isin(groups)].assign(topic=lambda f: f.topic.map(label))
    palette = {label(t): c for t, c in topic_colours(topics).items()}
    markers = ["o", "s", "^", "D", "v", "P", "X", "*"]
    with style():
        entries = len(topics) + ("empty_units" in shares.columns)
        legend_height = 0.14 * entries + 0.1          # inches: one 6 pt line per entry
        height = width * 0.72 + legend_height
        fig, ax = plt.subplots(figsize=(width, height))
        _points_with_intervals(ax, data, by, "topic", groups, [label(t) for t in topics], palette, dodge=0.5,
                               markers=[markers[k % len(markers)] for k in range(len(topics))], markersize=3.5,
                               linewidth=0.9, capsize=2)
        ticks = [str(g) for g in groups]
        handles, labels = [], []
        if ax.get_legend() is not None:
            handles, labels = list(ax.get_legend().legend_handles), [t.get_text() for t in ax.get_legend().texts]
            ax.get_legend().remove()
        if "empty_units" in shares.columns:
            empty = shares.drop_duplicates(by).set_index(by)["empty_units"]
            ticks = [f"{g}\n{empty[g]:.0%} empty" for g in groups]
            handles.append(matplotlib.lines.Line2D([], [], linestyle="none"))
            labels.append("empty: share of units without tokens")
        ax.set_xticks(range(len(groups)), ticks)
        ax.set_xlim(-0.6, len(groups) - 0.4)
        ax.set_ylim(*_limit(shares["ci_high"].max()))
        ax.set_xlabel(label(by))
        ax.set_ylabel("Mean topic share of units with tokens")
        # Below the plot, so the groups get the full width.
        fig.legend(handles, labels, frameon=False, fontsize=6, loc="lower center")
        fig.tight_layout(rect=(0, legend_height / height, 1, 1))
    return fig, ax


def plot_share_estimates(estimates: pd.DataFrame, by: str = "year", width: float = DOUBLE, groups=None):
    """The same shares estimated several ways, one panel per theme (lexicon, hand coding, corrected...).

    ``estimates`` is tidy: ``estimate``, ``by``, ``theme``, ``share``, ``ci_low``,
    ``ci_high`` (an estimate without an interval gets a point only). Themes keep
    their colours; estimates are told apart by marker and position (``hue``
    of ``sns.pointplot`` in the theme's colour), in the order they first
    appear; the intervals are the toolkit's.
    """
    themes = _themes_in(estimates)
    tcolours = theme_colours(themes)
    groups = _groups(estimates, by, groups)
    kinds = list(dict.fromkeys(estimates["estimate"]))
    _one_row_each(estimates, ["theme", "estimate", by], "plot_share_estimates")
    markers = ["o", "s", "^", "D", "v", "P"]
    fills = ["full", "none", "full", "none", "full", "none"]
    with style():
        fig, axes = plt.subplots(1, max(len(themes), 1), figsize=(width, 2.4), sharey=True, squeeze=False)
        axes = axes[0]
        top = np.nanmax(estimates[["share", "ci_high"]].to_numpy(dtype=float))
        for ax, theme in zip(axes, themes):
            part = estimates[(estimates.theme == theme) & estimates[by].isin(groups)]
            _points_with_intervals(ax, part, by, "estimate", groups, kinds, dict.fromkeys(kinds, tcolours[theme]),
                                   dodge=0.54, markers=[markers[k % len(markers)] for k in range(len(kinds))],
                                   markersize=4, linewidth=0.8, capsize=1.5, legend=False)
            for k, line in enumerate(ax.lines[:len(kinds)]):   # the estimates' points, in order (no legend here)
                line.set_fillstyle(fills[k % len(fills)])
            ax.set_xticks(range(len(groups)), [str(g) for g in groups])
            ax.set_xlim(-0.6, len(groups) - 0.4)
            ax.set_ylim(*_limit(top))
            ax.set_title(label(theme), color=tcolours[theme])
            ax.set_xlabel(label(by))
            ax.set_ylabel("")
        axes[0].set_ylabel("Share of sentences with the theme")
        # The key is drawn by hand in neutral grey: seaborn's legend would show the marker in one theme's colour.
        handles = [matplotlib.lines.Line2D([], [], marker=markers[k % len(markers)], fillstyle=fills[k % len(fills)],
                                           color="0.25", linestyle="none", markersize=4) for k in range(len(kinds))]
        fig.legend(handles, kinds, frameon=False, loc="lower center", ncols=min(len(kinds), 4),
                   bbox_to_anchor=(0.5, -0.02))
        fig.tight_layout(rect=(0, 0.1, 1, 1))
    return fig, axes


def _units_per_group(units, by: str) -> dict | None:
    if units is None:
        return None
    if isinstance(units, pd.DataFrame):
        return units.drop_duplicates(by).set_index(by)["units"].to_dict()
    return dict(units)


def _group_key(ax, groups: list, palette: dict, by: str) -> None:
    """The key of the group colours, beside the last panel (whichever panels had bars)."""
    handles = [matplotlib.patches.Patch(color=palette[g]) for g in groups]
    ax.legend(handles, [str(g) for g in groups], title=label(by), frameon=False, loc="upper left",
              bbox_to_anchor=(1, 1))


def plot_term_contributions(hits: pd.DataFrame, by: str = "year", n: int = 8, width: float = DOUBLE, units=None,
                            groups=None, unit_label: str = "sentences"):
    """Hits of the top lexicon terms of each theme, per group (from :func:`toolkit.term_hits`).

    Parameters
    ----------
    units : pandas.DataFrame or mapping, optional
        Units measured per group: the frame of :func:`toolkit.theme_shares`
        (its ``units`` column) or ``{group: n}``. With it the bars are hits
        per 100 units, comparable across groups of unequal size; without it,
        raw hits (the axis says so).

    Notes
    -----
    Bars of the groups sit side by side (``hue`` of ``sns.barplot``: rates
    of different groups do not add up); a theme without hits gets a panel
    saying so.
    """
    themes = _themes_in(hits)
    colours = _group_palette(hits, by, groups)
    groups = list(colours)
    per_group = _units_per_group(units, by)
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
    with style():
        fig, axes = plt.subplots(1, max(len(themes), 1), figsize=(width, 0.3 * n + 1.0), squeeze=False)
        axes = axes[0]
        high = 0.0
        for ax, theme in zip(axes, themes):
            part = frame[(frame.theme == theme) & frame[by].isin(groups)]
            context = part.context.fillna("") if "context" in part.columns else pd.Series("", index=part.index)
            names = part.term.map(label) + np.where(context != "", " (" + context + ")", "")
            # One bar per entry and group: rows that share a display name (and group) are added up.
            tidy = (part.assign(name=names, group=part[by].map(str)).groupby(["name", "group"], as_index=False)
                    [["value", "hits"]].sum(min_count=1))
            totals = tidy.groupby("name")["hits"].sum()
            totals = totals[totals > 0]   # entries that never match are listed by unmatched_terms, not plotted
            ax.set_title(label(theme), color=tcolours[theme])
            ax.set_xlabel(xlabel)
            if totals.empty:
                ax.text(0.5, 0.5, "no hits in this corpus", ha="center", va="center", transform=ax.transAxes,
                        color="#7f7f7f")
                ax.set_yticks([])
                continue
            top = totals.sort_values(ascending=False, kind="stable").index[:n].tolist()   # most hits on top
            tidy = tidy[tidy.name.isin(top)]
            sns.barplot(tidy, x="value", y="name", hue="group", order=top, hue_order=hue_order, palette=palette,
                        orient="h", saturation=1, linewidth=0, errorbar=None, width=0.8, legend=False, ax=ax)
            ax.set_xlabel(xlabel)
            ax.set_ylabel("")
            high = max(high, float(np.nanmax(tidy["value"].to_numpy(float))))
        for ax in axes:
            ax.set_xlim(*_limit(high))
        if groups:
            _group_key(axes[-1], groups, colours, by)
        fig.tight_layout()
    return fig, axes


def plot_robustness(table: pd.DataFrame, by: str = "year", width: float = DOUBLE, groups=None):
    """Theme shares per group under each analysis variant (from :func:`toolkit.robustness.theme_robustness`).

    One panel per theme; variants on the y axis in the order given, groups
    side by side in their ordered colours (``hue`` of ``sns.pointplot``)
    with the toolkit's own intervals.
    """
    themes = _themes_in(table)
    variants = list(dict.fromkeys(table["variant"].tolist()))
    colours = _group_palette(table, by, groups)
    groups = list(colours)
    tcolours = theme_colours(themes)
    _one_row_each(table, ["theme", "variant", by], "plot_robustness")
    markers = ["o", "s", "^", "D", "v"]
    hue_order = [str(g) for g in groups]
    palette = {str(g): colours[g] for g in groups}
    data = table[table[by].isin(groups)].assign(**{by: lambda f: f[by].map(str), "variant": lambda f: f.variant.map(label)})
    with style():
        fig, axes = plt.subplots(1, max(len(themes), 1), figsize=(width, 0.3 * len(variants) + 1.2), sharey=True,
                                 squeeze=False)
        axes = axes[0]
        low, high = _limit(table["ci_high"].max(), table["ci_low"].min())
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
        fig.tight_layout()
    return fig, axes


def plot_group_sizes(groups_table: pd.DataFrame, by: str = "year", width: float = SINGLE):
    """Documents per group as bars in the group colours (from :func:`toolkit.summary.describe_groups`).

    ``sns.barplot`` with the groups as ``hue`` in their ordered colours.
    """
    colours = group_colours(groups_table[by].tolist())
    order = _groups(groups_table, by)
    _one_row_each(groups_table, [by], "plot_group_sizes")
    data = groups_table.assign(**{by: groups_table[by].map(str)})
    names = [str(g) for g in order]
    with style():
        fig, ax = plt.subplots(figsize=(width, width * 0.6))
        sns.barplot(data, x=by, y="documents", hue=by, order=names, hue_order=names,
                    palette={str(g): colours[g] for g in order}, saturation=1, linewidth=0, errorbar=None, width=0.6,
                    legend=False, ax=ax)
        ax.set_xlabel(label(by))
        ax.set_ylabel("Documents")
        ax.set_ylim(0, groups_table["documents"].max() * 1.12)
        ax.yaxis.get_major_locator().set_params(integer=True)
        fig.tight_layout()
        _fit_xticks(fig, ax)
    return fig, ax
