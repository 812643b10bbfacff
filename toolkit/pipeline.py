"""What the pipeline measures: the units selected and the settings that shape the measurement.

:func:`toolkit.segment` keeps every unit of an article (titles, captions,
body) and links near-duplicates without dropping them; which of them count
is a measurement choice, made here once. :func:`select_units` is that choice;
the in-memory analyses (:func:`toolkit.theme_shares` and the other theme
functions, the validation sample and design-based estimates, robustness
variants, the explorer) and every shard of :func:`toolkit.process_archive`
call it. :class:`Settings` holds the choices an archive run carries to each
shard (unit, kinds, near-duplicates, grouping, periods, lexicon, labelling
method), so a shard selects and labels its units as the in-memory functions
do.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from .errors import ToolkitError

__all__ = ["select_units", "Settings"]


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


@dataclass(frozen=True, eq=False)
class Settings:
    """The measurement choices of a pipeline run, as one object.

    Parameters
    ----------
    unit : {"sentence", "paragraph"}, default "sentence"
        Unit of :func:`toolkit.segment`.
    kinds : iterable of str or None, default ("body",)
        Unit kinds measured (see :func:`select_units`); kept as a tuple.
    drop_duplicates : bool, default True
        Leave out near-duplicate units.
    by : str, default "year"
        Grouping column.
    periods : str, optional
        Periods of years, as ``"2005-2012,2013-2020"`` (adds ``period``).
    lexicon : Lexicon, path or version, optional
        Theme lexicon (``None``: the toolkit's).
    method : {"auto", "lexicon", "classifier"}, default "auto"
        How units are labelled (see :func:`toolkit.label_themes`).

    Examples
    --------
    >>> import toolkit as tk
    >>> from toolkit.pipeline import Settings
    >>> settings = Settings(kinds=["body", "caption"])
    >>> settings.kinds
    ('body', 'caption')
    >>> len(settings.select(tk.segment(tk.load_corpus("data"))))
    85
    """

    unit: str = "sentence"
    kinds: tuple | None = ("body",)
    drop_duplicates: bool = True
    by: str = "year"
    periods: str | None = None
    lexicon: object = None
    method: str = "auto"

    def __post_init__(self):
        if self.kinds is not None and not isinstance(self.kinds, tuple):
            object.__setattr__(self, "kinds", tuple(self.kinds))

    def select(self, units: pd.DataFrame, allow_empty: bool = False) -> pd.DataFrame:
        """:func:`select_units` with these settings' kinds and near-duplicate rule."""
        return select_units(units, self.kinds, self.drop_duplicates, allow_empty=allow_empty)

    def label(self, units: pd.DataFrame) -> pd.DataFrame:
        """:func:`toolkit.label_themes` of the units' text with these settings' lexicon and method."""
        from .labels import label_themes

        return label_themes(units, lexicon=self.lexicon, method=self.method)
