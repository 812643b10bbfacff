"""Reproducible figure and table files, and figures shown in a notebook.

The last step of the figures (:mod:`toolkit.figures`): :func:`save_figure` writes a figure as PDF
and SVG (text kept as text, TrueType fonts: ``pdf.fonttype`` 42, ``svg.fonttype`` none), PNG at 300
dpi and the CSV of the numbers it plots, byte-identical from run to run (no creation dates, a fixed
SVG hash salt), each file written atomically; :func:`save_table` writes a table a report shows as
CSV and LaTeX. Both CSVs are spreadsheet-safe (:mod:`toolkit.spreadsheet`): a text cell that a
spreadsheet would run as a formula gets a leading ``'``. :func:`show` displays a figure in a
notebook as a PNG without a ``<Figure ...>`` text line and closes it.
"""

from __future__ import annotations

import io
import os
from pathlib import Path

import matplotlib.pyplot as plt
import pandas as pd

from .atomic import atomic_write
from .errors import ToolkitError
from .figure_style import label, style
from .spreadsheet import write_csv

__all__ = ["save_figure", "save_table", "show"]


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
