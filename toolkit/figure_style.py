"""The figures' visual grammar: the house theme, display labels, and a palette for themes, groups and topics.

The lowest layer of the figures (:mod:`toolkit.figures`): every plot module draws under
:func:`style` and takes its colours from here, and so may a researcher's own figure
(:func:`palette_for`). Themes have one fixed colour everywhere (the study's three the Okabe-Ito
blue, vermilion and green; any other lexicon's a fixed colour-blind-safe qualitative palette in
lexicon order: :func:`theme_colours`); ordered groups (years, periods, months: :func:`is_ordered`) a
sequential palette no theme uses, nominal groups a qualitative one (:func:`group_colours`); topics
greys up to four (:func:`topic_colours`). Labels have spaces, not underscores (:func:`label`).
The sizes the layouts share are here too: journal widths (:data:`SINGLE`, :data:`DOUBLE`), when
groups are many (:data:`MANY`) and when a group is too small to set a scale (:data:`MIN_ARTICLES`).
"""

from __future__ import annotations

import re
from contextlib import contextmanager

import matplotlib
import numpy as np
import seaborn as sns

__all__ = [
    "STYLE", "THEME", "THEME_COLOURS", "THEME_LABELS", "OTHER_THEME_COLOURS", "TOPIC_GREYS", "NO_TOKENS", "SINGLE", "DOUBLE",
    "MIN_ARTICLES", "MANY", "ORDERED_COLUMNS",
    "style", "set_theme", "label", "is_ordered", "theme_colours", "group_colours", "topic_colours", "palette_for",
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
