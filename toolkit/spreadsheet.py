"""Spreadsheet-safe exports: text cells that a spreadsheet would run as a formula are neutralised.

A CSV or XLSX cell whose text begins with ``=``, ``+``, ``-`` or ``@`` is read by Excel,
LibreOffice Calc and Google Sheets as a formula; a tab or a carriage return at the start can
hide one (CSV or formula injection). Corpus text, titles, document ids, group labels and
lexicon terms all reach the toolkit's CSV and XLSX files, and a researcher opens those files in a
spreadsheet, so every writer of the toolkit passes its frame through :func:`spreadsheet_safe`
first, which follows the OWASP guidance: such a cell gets a single quote ``'`` in front, which
spreadsheets show as text. The writers are :func:`toolkit.figures.save_figure`,
:func:`toolkit.figures.save_table`, :func:`toolkit.design.write_sheets` and
:meth:`toolkit.features.DFM.save`.

Only text is changed: numbers (``-0.5`` in a numeric column), dates, booleans and missing values
are written as they are, and so are column names that are not text. CSV files are written by
:func:`write_csv`, which also quotes every field of a file that has a carriage return inside a text
cell: Python's CSV writer does not quote such a cell when lines end with ``\\n``, and a spreadsheet
would start a new row, and possibly a formula, at the carriage return. A text cell that already
begins with quotes followed by one of those characters (``'=x``) gets one more quote, so that
:func:`restore` undoes the change exactly and a spreadsheet still shows the original text.

Machine pipelines that read the files back with other software can turn it off, per call with
``safe=False`` on each writer or for the whole process with ``toolkit.spreadsheet.SAFE = False``.

Examples
--------
>>> import pandas as pd
>>> frame = pd.DataFrame({"term": ["=HYPERLINK(\\"x\\")", "Lào Cai", "-1+2"], "share": [-0.5, 0.25, 1.0]})
>>> spreadsheet_safe(frame).to_dict("list")
{'term': ['\\'=HYPERLINK("x")', 'Lào Cai', "'-1+2"], 'share': [-0.5, 0.25, 1.0]}
>>> spreadsheet_safe(frame, safe=False) is frame
True
>>> restore(safe_cell("'=x")) == "'=x"
True
"""

from __future__ import annotations

import csv
import re

import pandas as pd

__all__ = ["SAFE", "TRIGGERS", "safe_cell", "spreadsheet_safe", "write_csv", "restore", "restore_frame"]

#: Default of every writer's ``safe=`` keyword; set to False to write cells unchanged everywhere.
SAFE = True

#: First characters that make a spreadsheet read a cell as a formula (OWASP, CSV injection).
TRIGGERS = ("=", "+", "-", "@", "\t", "\r")

_CLASS = "[" + re.escape("".join(TRIGGERS)) + "]"
_NEEDS_QUOTE = re.compile(rf"'*{_CLASS}")
_QUOTED = re.compile(rf"'+{_CLASS}")


def safe_cell(value):
    """``value`` with a leading ``'`` when it is text a spreadsheet would run as a formula; anything else unchanged.

    >>> safe_cell("+Lào Cai"), safe_cell("@SUM(1+1)*cmd|' /C calc'!A0"), safe_cell(-0.5), safe_cell("Hà Giang")
    ("'+Lào Cai", "'@SUM(1+1)*cmd|' /C calc'!A0", -0.5, 'Hà Giang')
    """
    if isinstance(value, str) and _NEEDS_QUOTE.match(value):
        return "'" + value
    return value


def restore(value):
    """Undo :func:`safe_cell`: drop the quote it added; anything else unchanged.

    >>> restore("'=1+1"), restore("'quoted"), restore(3)
    ('=1+1', "'quoted", 3)
    """
    if isinstance(value, str) and _QUOTED.match(value):
        return value[1:]
    return value


def _textual(column: pd.Series) -> bool:
    dtype = column.dtype
    return (dtype == object or isinstance(dtype, (pd.StringDtype, pd.CategoricalDtype))
            or pd.api.types.is_string_dtype(dtype))


def _each_text_cell(frame: pd.DataFrame, cell) -> pd.DataFrame:
    out = frame.copy()
    for i in range(out.shape[1]):
        column = out.iloc[:, i]
        if _textual(column):
            out.isetitem(i, column.map(cell))
    out.columns = [cell(c) for c in out.columns] if not isinstance(out.columns, pd.MultiIndex) else out.columns
    return out


def spreadsheet_safe(frame: pd.DataFrame, safe: bool | None = None) -> pd.DataFrame:
    """A copy of ``frame`` with every text cell and column name passed through :func:`safe_cell`.

    Parameters
    ----------
    frame : pandas.DataFrame
        What a writer is about to write (the index is not touched: writers write ``index=False``).
    safe : bool, optional
        False returns ``frame`` itself, unchanged; None (the default) follows the module's ``SAFE``.

    Returns
    -------
    pandas.DataFrame
        Numeric, boolean and date columns unchanged; text columns (object, string, categorical)
        with quoted formula-like cells.
    """
    if not (SAFE if safe is None else safe):
        return frame
    return _each_text_cell(frame, safe_cell)


def restore_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """Undo :func:`spreadsheet_safe` on a frame read back from a file the toolkit wrote."""
    return _each_text_cell(frame, restore)


def write_csv(frame: pd.DataFrame, target=None, safe: bool | None = None, **options):
    """Write ``frame`` (without its index) as CSV through :func:`spreadsheet_safe`.

    ``target`` is a path or buffer, or None to return the text; ``options`` go to
    :meth:`pandas.DataFrame.to_csv`. When safe, a frame with a carriage return inside a text cell
    is written with every field quoted, so that no spreadsheet starts a row inside the cell.

    >>> write_csv(pd.DataFrame({"term": ["@cmd", "biên giới"], "share": [-0.5, 1]}), lineterminator="\\n")
    "term,share\\n'@cmd,-0.5\\nbiên giới,1.0\\n"
    """
    on = SAFE if safe is None else safe
    cells = spreadsheet_safe(frame, on)
    if on and _carriage_return(cells):
        options.setdefault("quoting", csv.QUOTE_ALL)
    return cells.to_csv(target, index=False, **options)


def _carriage_return(frame: pd.DataFrame) -> bool:
    texts = [frame.iloc[:, i] for i in range(frame.shape[1]) if _textual(frame.iloc[:, i])]
    return any(isinstance(c, str) and "\r" in c for c in frame.columns) or any(
        column.map(lambda v: isinstance(v, str) and "\r" in v).any() for column in texts)
