"""Publication figures: one house style, plots of tidy frames, reproducible files.

Every plotting function takes a tidy frame from the analysis modules and
returns ``(fig, ax)``. :func:`save_figure` writes PDF and SVG (text kept as
text, TrueType fonts: ``pdf.fonttype`` 42, ``svg.fonttype`` none), PNG at 300
dpi and the CSV of the plotted numbers, byte-identical from run to run (no
creation dates, a fixed SVG hash salt), each written atomically.
:func:`show` displays a figure in a notebook as a PNG without a
``<Figure ...>`` text line and closes it.

Style: DejaVu Sans (ships with matplotlib and covers Vietnamese), the
Okabe-Ito colour-blind-safe palette with one fixed colour per theme, and the
widths of single- (3.5 in) and double-column (7.2 in) figures.
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

from .atomic import atomic_write
from .errors import ToolkitError

__all__ = [
    "STYLE", "THEME_COLOURS", "THEME_LABELS", "SINGLE", "DOUBLE", "style", "save_figure", "show",
    "plot_theme_shares", "plot_distinctive_terms", "plot_topic_shares", "plot_term_contributions",
    "plot_robustness",
]

SINGLE = 3.5   # inches, one journal column
DOUBLE = 7.2   # inches, full page width
OKABE_ITO = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#F0E442", "#000000"]
THEME_COLOURS = {"economic_diplomacy": "#0072B2", "border_security": "#D55E00", "people_to_people": "#009E73"}
THEME_LABELS = {"economic_diplomacy": "Economic diplomacy", "border_security": "Border security",
                "people_to_people": "People-to-people"}
STYLE = {
    "font.family": "DejaVu Sans",
    "font.size": 8,
    "axes.titlesize": 9,
    "axes.labelsize": 8,
    "xtick.labelsize": 7,
    "ytick.labelsize": 7,
    "legend.fontsize": 7,
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


@contextmanager
def style():
    """Context manager applying the house style."""
    with matplotlib.rc_context(STYLE):
        yield


def save_figure(fig, name: str, data: pd.DataFrame, folder: str | os.PathLike = "figures") -> list[Path]:
    """Write ``name.pdf``, ``name.svg``, ``name.png`` (300 dpi) and ``name.csv`` to ``folder``.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
    name : str
        File stem, named by content (e.g. ``theme_shares_by_year``).
    data : pandas.DataFrame
        The numbers the figure plots, saved beside it.
    folder : path-like, default "figures"

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
    atomic_write(csv, lambda tmp: data.to_csv(tmp, index=False, float_format="%.6g", lineterminator="\n"))
    written.append(csv)
    return written


def show(fig) -> None:
    """Display a figure in a notebook as PNG only (no ``<Figure ...>`` text) and close it."""
    from IPython.display import display

    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=150, bbox_inches="tight", metadata={"Software": None})
    plt.close(fig)
    display({"image/png": buffer.getvalue()}, raw=True)


def _theme_order(frame: pd.DataFrame, column: str = "theme") -> list[str]:
    return [t for t in THEME_COLOURS if t in set(frame[column])]


def plot_theme_shares(shares: pd.DataFrame, by: str = "year", width: float = SINGLE):
    """Theme shares per group with confidence intervals (from :func:`toolkit.theme_shares`)."""
    with style():
        fig, ax = plt.subplots(figsize=(width, width * 0.72))
        groups = list(dict.fromkeys(shares[by].tolist()))
        themes = _theme_order(shares)
        offsets = np.linspace(-0.22, 0.22, len(themes))
        for offset, theme in zip(offsets, themes):
            part = shares[shares.theme == theme].set_index(by).loc[groups]
            x = np.arange(len(groups)) + offset
            ax.errorbar(x, part.share, yerr=[part.share - part.ci_low, part.ci_high - part.share], fmt="o",
                        color=THEME_COLOURS[theme], label=THEME_LABELS[theme], capsize=2, markersize=4, linewidth=1)
        labels = [f"{g}\n({int(n)} art.)" for g, n in zip(groups, shares.drop_duplicates(by).set_index(by).loc[groups, "articles"])] \
            if "articles" in shares.columns else [str(g) for g in groups]
        ax.set_xticks(range(len(groups)), labels)
        ax.set_ylim(0, 1)
        ax.set_ylabel("Share of sentences with the theme")
        ax.legend(frameon=False, loc="upper left", ncols=1)
        fig.tight_layout()
    return fig, ax


def plot_distinctive_terms(table: pd.DataFrame, n: int = 8, score: str = "z", width: float = DOUBLE):
    """Top distinctive terms per group as horizontal bars (from :func:`toolkit.log_odds`)."""
    groups = list(dict.fromkeys(table["group"].tolist()))
    with style():
        fig, axes = plt.subplots(1, len(groups), figsize=(width, 0.22 * n + 0.8), sharex=True)
        axes = np.atleast_1d(axes)
        for ax, group, colour in zip(axes, groups, OKABE_ITO):
            part = table[table.group == group].nlargest(n, score).iloc[::-1]
            ax.barh([t.replace("_", " ") for t in part.term], part[score], color=colour)
            ax.set_title(str(group))
            ax.set_xlabel("z-score (log-odds, informative prior)" if score == "z" else score)
        fig.tight_layout()
    return fig, axes


def plot_topic_shares(shares: pd.DataFrame, by: str = "year", width: float = SINGLE):
    """Stacked mean topic shares per group (from :func:`toolkit.topic_shares`)."""
    with style():
        fig, ax = plt.subplots(figsize=(width, width * 0.72))
        wide = shares.pivot(index=by, columns="topic", values="share")
        bottom = np.zeros(len(wide))
        for colour, topic in zip(OKABE_ITO, wide.columns):
            ax.bar([str(g) for g in wide.index], wide[topic], bottom=bottom, color=colour, label=topic, width=0.6)
            bottom += wide[topic].to_numpy()
        ax.set_ylabel("Mean topic share of sentences")
        ax.set_ylim(0, 1)
        ax.legend(frameon=False, fontsize=6, loc="upper left", bbox_to_anchor=(1, 1))
        fig.tight_layout()
    return fig, ax


def plot_term_contributions(hits: pd.DataFrame, by: str = "year", n: int = 8, width: float = DOUBLE):
    """Hits per lexicon term and group, top terms of each theme (from :func:`toolkit.term_hits`)."""
    themes = _theme_order(hits)
    groups = sorted(hits[by].unique())
    with style():
        fig, axes = plt.subplots(1, len(themes), figsize=(width, 0.25 * n + 0.9))
        axes = np.atleast_1d(axes)
        for ax, theme in zip(axes, themes):
            part = hits[hits.theme == theme]
            label = part.term + np.where(part.context != "", " (" + part.context + ")", "")
            wide = part.assign(label=label).pivot_table(index="label", columns=by, values="hits", aggfunc="sum")
            totals = wide.sum(axis=1)
            totals = totals[totals > 0]   # entries that never match are listed by unmatched_terms, not plotted
            wide = wide.loc[totals.sort_values(ascending=False, kind="stable").index[:n]].iloc[::-1]
            left = np.zeros(len(wide))
            for colour, group in zip(OKABE_ITO[3:] + OKABE_ITO, groups):
                ax.barh(wide.index, wide[group], left=left, color=colour, label=str(group))
                left += wide[group].to_numpy()
            ax.set_title(THEME_LABELS[theme], color=THEME_COLOURS[theme])
            ax.set_xlabel("Hits (sentences, duplicates excluded)")
        axes[-1].legend(frameon=False, title=by)
        fig.tight_layout()
    return fig, axes


def plot_robustness(table: pd.DataFrame, by: str = "year", width: float = DOUBLE):
    """Theme shares per group under each analysis variant (from :func:`toolkit.robustness.theme_robustness`)."""
    themes = _theme_order(table)
    variants = list(dict.fromkeys(table["variant"].tolist()))
    with style():
        fig, axes = plt.subplots(1, len(themes), figsize=(width, 0.3 * len(variants) + 1.2), sharey=True)
        axes = np.atleast_1d(axes)
        groups = sorted(table[by].unique())
        markers = ["o", "s", "^", "D", "v"]
        for ax, theme in zip(axes, themes):
            part = table[table.theme == theme]
            for k, group in enumerate(groups):
                rows = part[part[by] == group].set_index("variant").reindex(variants)
                y = np.arange(len(variants)) + (k - (len(groups) - 1) / 2) * 0.2
                ax.errorbar(rows.share, y, xerr=[rows.share - rows.ci_low, rows.ci_high - rows.share], fmt=markers[k % 5],
                            color=OKABE_ITO[3 + k] if k < 5 else "black", markersize=3, linewidth=0.8, capsize=1.5,
                            label=str(group))
            ax.set_yticks(range(len(variants)), variants)
            ax.invert_yaxis()
            ax.set_xlim(-0.03, 1.05)
            ax.set_title(THEME_LABELS[theme], color=THEME_COLOURS[theme])
            ax.set_xlabel("Share of units")
        axes[-1].legend(frameon=False, title=by, loc="lower right")
        fig.tight_layout()
    return fig, axes
