"""What the pipeline measures: the units selected.

:func:`toolkit.segment` keeps every unit of an article (titles, captions,
body) and links near-duplicates without dropping them; which of them count
is a measurement choice, made here once. :func:`select_units` is that choice;
the in-memory analyses (:func:`toolkit.theme_shares` and the other theme
functions, the validation sample and design-based estimates, robustness
variants, the explorer) and every shard of :func:`toolkit.process_archive`
call it.
"""

from __future__ import annotations

import pandas as pd

from .errors import ToolkitError

__all__ = ["select_units"]


def select_units(units: pd.DataFrame, kinds=("body",), drop_duplicates: bool = True, *,
                 allow_empty: bool = False) -> pd.DataFrame:
    """The units the toolkit measures: those of the given kinds, near-duplicates left out.

    Parameters
    ----------
    units : pandas.DataFrame
        From :func:`toolkit.segment` (or with its ``text``, ``kind`` and
        ``duplicate_of`` columns).
    kinds : iterable of str or None, default ("body",)
        Unit kinds kept (``title``, ``caption``, ``body``); ``None`` keeps
        every kind.
    drop_duplicates : bool, default True
        Leave out units whose ``duplicate_of`` is set (repeats of an earlier
        unit), so repeated passages count once. Units without that column
        are all kept.
    allow_empty : bool, default False
        Return an empty frame when nothing is left instead of raising (a
        shard of an archive may have no such unit).

    Returns
    -------
    pandas.DataFrame
        The selected rows of ``units``, index and columns unchanged.

    Raises
    ------
    ToolkitError
        When ``units`` is not a frame with a ``text`` column, when kinds are
        asked of units without a ``kind`` column, or when no unit is left
        (unless ``allow_empty``).

    Examples
    --------
    >>> import toolkit as tk
    >>> units = tk.segment(tk.load_corpus("data"))
    >>> chosen = tk.select_units(units)
    >>> len(units), len(chosen), chosen.kind.unique().tolist(), int(chosen.duplicate_of.notna().sum())
    (97, 80, ['body'], 0)
    """
    if not isinstance(units, pd.DataFrame) or "text" not in units.columns:
        raise ToolkitError("units need a text column (from toolkit.segment)")
    out = units
    if kinds is not None:
        if "kind" not in out.columns:
            raise ToolkitError(f"units have no kind column to select kinds {list(kinds)} from; "
                               "pass kinds=None to keep every unit")
        out = out[out["kind"].isin(list(kinds))]
    if drop_duplicates and "duplicate_of" in out.columns:
        out = out[out["duplicate_of"].isna()]
    if out.empty and not allow_empty:
        raise ToolkitError("no units left after selecting kinds and dropping near-duplicates")
    return out
