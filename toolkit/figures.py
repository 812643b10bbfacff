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
"""

from __future__ import annotations

import io
import os
import re
import textwrap
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
    "MIN_ARTICLES", "MANY", "ORDERED_COLUMNS",
    "style", "set_theme", "label", "is_ordered", "theme_colours", "group_colours", "topic_colours", "palette_for", "save_figure", "save_table", "show",
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
# Nominal groups: matplotlib's qualitative tab10 up to ten groups, tab20 up to twenty, then evenly spaced husl hues.
MIN_ARTICLES = 5    # below this a group is flagged and never sets an axis (the article-level tests need 5 too)
MANY = 6            # more groups than this go on the y axis
TINY_COLOUR = "#8c8c8c"
# Grouping columns whose values have an order (a trend is meaningful); any column of numbers is ordered too.
ORDERED_COLUMNS = ("year", "period", "month", "quarter", "week", "day", "date", "decade", "wave", "time")
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


def _number_like(value) -> bool:
    if isinstance(value, (bool, np.bool_)):
        return False
    if isinstance(value, (int, float, np.integer, np.floating)):
        return True
    return bool(re.fullmatch(r"\s*-?\d+(\.\d+)?\s*|\s*\d{4}\s*[-–]\s*\d{4}\s*|\s*\d{4}-\d{2}(-\d{2})?\s*", str(value)))


def is_ordered(by, levels=()) -> bool:
    """Whether groups of column ``by`` have an order: a time column, or values that are all numbers.

    Time columns are :data:`ORDERED_COLUMNS` (``year``, ``period``, ``month``
    ...) and names ending in one of them (``pub_year``); values are ordered
    when all are numbers, number-like text ("2005", "2020-10") or year
    ranges ("2005-2012"). Anything else (categories, provinces, outlets) is
    nominal.

    Examples
    --------
    >>> is_ordered("year"), is_ordered("category", ["sport", "world"]), is_ordered("group", ["2005-2012", "2013-2020"])
    (True, False, True)
    """
    name = str(by).lower()
    if any(name == c or name.endswith("_" + c) for c in ORDERED_COLUMNS):
        return True
    values = list(dict.fromkeys(levels))
    return bool(values) and all(_number_like(v) for v in values)


def _sort_key(g):
    return (not isinstance(g, (int, float, np.integer)), g if isinstance(g, (int, float, np.integer)) else str(g))


def group_colours(groups, by: str | None = None, ordered: bool | None = None) -> dict:
    """Colours for groups, sorted: sequential (light to dark) when ordered, qualitative when nominal.

    Parameters
    ----------
    groups : iterable
        Pass every group of the corpus so that a group has the same colour in
        every figure of a report.
    by : str, optional
        The grouping column; with ``ordered`` None, :func:`is_ordered` decides
        from it and the values.
    ordered : bool, optional

    Examples
    --------
    >>> list(group_colours([2020, 2005]).values())   # years: sequential
    ['#abd2d8', '#2e294c']
    >>> group_colours(["world", "sport"], by="category")   # nominal: qualitative (tab10)
    {'sport': '#1f77b4', 'world': '#ff7f0e'}
    """
    levels = sorted(dict.fromkeys(groups), key=_sort_key)
    if ordered is None:
        ordered = is_ordered(by if by is not None else "", levels)
    if ordered:
        palette = sns.color_palette(GROUP_PALETTE, max(len(levels), 2))
        if len(levels) == 1:
            palette = palette[1:]
    else:
        palette = _qualitative(len(levels))
    return {g: matplotlib.colors.to_hex(c) for g, c in zip(levels, palette)}


def _qualitative(n: int) -> list[str]:
    """``n`` distinct hex colours for nominal levels: tab10 up to ten, tab20 up to twenty, then husl hues."""
    name = "tab10" if n <= 10 else "tab20" if n <= 20 else "husl"
    palette = sns.color_palette(name, max(n, 1))
    if name == "tab20":   # pairs of dark and light shades: all dark ones first, so neighbours differ in hue
        palette = (palette[0::2] + palette[1::2])
    return [matplotlib.colors.to_hex(c) for c in palette[:n]]


def topic_colours(topics) -> dict:
    """Colours for topics, in the order given: neutral greys for up to four (topics are not themes and get
    no theme colour), a qualitative palette beyond (more greys cannot be told apart: with eight topics two
    bars of near-equal grey stood side by side).

    >>> topic_colours(["topic_1", "topic_2"])
    {'topic_1': '#4d4d4d', 'topic_2': '#7f7f7f'}
    >>> len(set(topic_colours([f"topic_{i}" for i in range(12)]).values()))
    12
    """
    topics = list(dict.fromkeys(topics))
    if len(topics) <= 4:
        return {t: TOPIC_GREYS[k] for k, t in enumerate(topics)}
    return dict(zip(topics, _qualitative(len(topics))))


def palette_for(column: str, levels) -> dict:
    """The grammar's palette for a ``hue`` column, as a seaborn ``palette`` dict.

    ``theme`` gets the fixed theme colours (:func:`theme_colours`), ``topic``
    greys (:func:`topic_colours`), any other column the group palette
    (:func:`group_colours`: sequential for years, periods, months,
    qualitative for categories, provinces ...; pass every group of the
    corpus so a group keeps its colour across figures).

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
    return group_colours(levels, by=column)


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


def _group_palette(frame: pd.DataFrame, by: str, groups=None, name: str | None = None) -> dict:
    """The groups of ``frame`` to draw, in order, each with its colour, keyed as ``frame`` writes them.

    ``groups`` (every group of the corpus, so colours stay fixed across
    figures) may write a group as the number 2005 where a frame built from a
    document-term matrix writes the text "2005": a group is matched by its
    text when it is not found as it is. ``name`` is the grouping column
    when ``by`` is not (a ``group`` column of a document-term matrix).
    """
    present = list(dict.fromkeys(frame[by].tolist()))
    given = present if groups is None else list(groups)
    palette = group_colours(given, by=name or by)
    exact, as_text = set(present), {str(v): v for v in present}
    out = {}
    for group in (palette if groups is None else given):
        value = group if group in exact else as_text.get(str(group))
        if value is not None:
            out[value] = palette[group]
    return out


def _articles(frame, by: str) -> dict:
    """Articles per group from a frame with an ``articles`` column (empty when it has none)."""
    if not isinstance(frame, pd.DataFrame) or "articles" not in frame.columns or by not in frame.columns:
        return {}
    counts = frame.groupby(by, sort=False)["articles"].max()
    return {g: int(n) for g, n in counts.items() if pd.notna(n)}


def _tiny(groups: list, articles: dict, min_articles: int) -> list:
    """Groups with fewer than ``min_articles`` articles (only when some group has enough: else none is singled out)."""
    tiny = [g for g in groups if g in articles and articles[g] < min_articles]
    return tiny if len(tiny) < len(groups) else []


def _text_inches(text: str, size: float = 7) -> float:
    """Width of a line of text in inches, as DejaVu Sans draws it at ``size`` points."""
    from matplotlib.textpath import TextPath
    from matplotlib.font_manager import FontProperties

    longest = max(str(text).split("\n"), key=len) if str(text) else ""
    return TextPath((0, 0), longest, size=size, prop=FontProperties(family="DejaVu Sans")).get_extents().width / 72


def _horizontal(labels: list, room: float) -> bool:
    """Groups go on the y axis when they are many or their labels would not fit side by side in ``room`` inches."""
    return len(labels) > MANY or sum(_text_inches(t) + 0.1 for t in labels) > room


def _flag_ticks(ax, groups: list, tiny: list, axis: str = "x") -> None:
    """Tick labels of tiny groups in grey."""
    ticks = ax.get_xticklabels() if axis == "x" else ax.get_yticklabels()
    for tick, group in zip(ticks, groups):
        if group in tiny:
            tick.set_color(TINY_COLOUR)


def _tiny_note(tiny: list, articles: dict, min_articles: int) -> str:
    return f"grey: fewer than {min_articles} articles, not used for the scale"


def _wrap(text: str, inches: float, size: float = 8) -> str:
    """Wrap a title to the width of its panel."""
    per_char = max(_text_inches("abcdefghij", size) / 10, 1e-3)
    return textwrap.fill(str(text), max(int(inches / per_char), 8))


def _tidy_layout(fig, **kws) -> None:
    """tight_layout without the warning it gives when decorations fill the figure (the overlap tests catch real clashes)."""
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        fig.tight_layout(**kws)


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
