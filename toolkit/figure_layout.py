"""Layout helpers the plot modules share: groups and their colours, tiny groups, axis limits, text room, intervals.

Between the grammar (:mod:`toolkit.figure_style`) and the plot modules
(:mod:`toolkit.theme_figures`, :mod:`toolkit.estimate_figures`, :mod:`toolkit.topic_figures`,
:mod:`toolkit.figures`), which all lay out their axes with these private helpers: which groups to
draw and in which colours, which groups are too small to set the scale, axis limits from the data
(interval ends included, so nothing is clipped), whether labels fit side by side or go on the y
axis, and points placed by seaborn with the toolkit's own intervals drawn at them. Nothing here is
public.
"""

from __future__ import annotations

import textwrap

import numpy as np
import pandas as pd
import seaborn as sns

from .errors import ToolkitError
from .figure_style import MANY, THEME_COLOURS, TINY_COLOUR, group_colours

__all__ = []


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
