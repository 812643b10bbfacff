"""Theme measurement of a corpus of units: shares by group, tests between groups, term diagnostics, KWIC.

The units measured are those :func:`toolkit.select_units` keeps (body units that are not
near-duplicates, by default), each labelled by :func:`toolkit.label_themes` (:mod:`toolkit.labels`:
the decision rule and the classifier behind it, on the lexicon's hits of :mod:`toolkit.measure`).
Here those labels become shares per group with intervals right for the design (:func:`theme_shares`),
permutation tests between groups (:func:`theme_tests`), shares corrected for measured
misclassification (:func:`corrected_theme_shares`), and the evidence behind every number: hits per
lexicon entry (:func:`term_hits`, :func:`unmatched_terms`, :func:`leave_one_term_out`) and a KWIC
line for every hit (:func:`theme_kwic`). Checks against hand coding are in :mod:`toolkit.validation`.

Inference on shares lives in :mod:`toolkit.stats`; agreement between coders
in :mod:`toolkit.agreement`.
"""

from __future__ import annotations

import pandas as pd

from .errors import ToolkitError
from .lexicon import STUDY_THEMES, Lexicon
from .match import syllables
from .labels import label_themes
from .measure import _hits_one, _lexicon, _windows, match_themes
from .pipeline import select_units
from .intervals import cluster_shares
from .stats import corrected_shares, pairwise_tests

__all__ = [
    "THEMES", "theme_shares", "theme_tests", "term_hits", "unmatched_terms", "leave_one_term_out", "theme_kwic",
    "corrected_theme_shares",
]

THEMES = STUDY_THEMES
"""The study's themes, those of the default lexicon; other lexicons define their own (``Lexicon.themes``)."""


def _labelled(units, lexicon, kinds, drop_duplicates, threshold=1.0, segmenter=None, method="auto") -> pd.DataFrame:
    lex = _lexicon(lexicon)
    chosen = select_units(units, kinds, drop_duplicates)
    labels = label_themes(chosen, lex, threshold, segmenter, method=method)
    return pd.concat([chosen.drop(columns=[c for c in lex.themes if c in chosen.columns]), labels], axis=1)


def _check_by(units: pd.DataFrame, by: str) -> None:
    if by not in units.columns:
        raise ToolkitError(f"cannot group by {by!r}: units have no such column; available: {', '.join(map(str, units.columns))}")


def theme_shares(
    units: pd.DataFrame,
    by: str = "year",
    lexicon: Lexicon | str | None = None,
    kinds=("body",),
    drop_duplicates: bool = True,
    ci: float = 0.95,
    segmenter=None,
    cluster: str = "doc_id",
    method: str = "auto",
) -> pd.DataFrame:
    """Share of units carrying each theme per group, with intervals right for the design.

    These are shares of the automated labels: when the measurement errs, so do they. For shares
    that stay right whatever its errors, code a probability sample and use
    :func:`toolkit.design_based_shares`.

    Parameters
    ----------
    units : pandas.DataFrame
        From :func:`toolkit.segment` (sentence or paragraph units).
    by : str, default "year"
        Any unit column (year, doc_id, province, or a derived period).
    lexicon : Lexicon, path or version, optional
    kinds : iterable of str or None, default ("body",)
        Unit kinds measured; titles and captions are left out by default.
    drop_duplicates : bool, default True
        Leave out near-duplicate units so repeated passages count once.
    ci : float, default 0.95
    segmenter : callable, optional
        Count only hits on this segmenter's word boundaries (see :func:`match_themes`).
    method : {"auto", "lexicon", "classifier"}, default "auto"
        Passed to :func:`label_themes`.

    Returns
    -------
    pandas.DataFrame
        ``by``, ``theme``, ``share``, ``ci_low``, ``ci_high``, ``units``,
        ``articles``, ``positives``, ``interval`` and ``note``: see
        :func:`toolkit.stats.cluster_shares` (exact Clopper-Pearson within a
        single article, an article-level ratio interval otherwise).
    """
    _check_by(units, by)
    lex = _lexicon(lexicon)
    frame = _labelled(units, lex, kinds, drop_duplicates, segmenter=segmenter, method=method)
    out = cluster_shares(frame, list(lex.themes), by=by, cluster=cluster, ci=ci)
    return out.rename(columns={"measure": "theme"})


def theme_tests(units: pd.DataFrame, by: str = "year", lexicon: Lexicon | str | None = None, kinds=("body",),
                drop_duplicates: bool = True, level: str = "article", n_permutations: int = 9999, seed: int = 0,
                adjust: str = "holm") -> pd.DataFrame:
    """Permutation tests of differences in theme shares between each pair of groups.

    ``level="article"`` (default) shuffles whole articles, the design's unit;
    ``level="unit"`` shuffles units and is descriptive only (units of one
    article are not independent). ``p_adjusted`` corrects the family of every
    test returned (``adjust``: "holm" or "fdr_bh"). See
    :func:`toolkit.stats.permutation_test`.
    """
    _check_by(units, by)
    lex = _lexicon(lexicon)
    frame = _labelled(units, lex, kinds, drop_duplicates)
    out = pairwise_tests(frame, list(lex.themes), by=by, level=level, n_permutations=n_permutations, seed=seed,
                         adjust=adjust)
    return out.rename(columns={"measure": "theme"})


def term_hits(units: pd.DataFrame, by: str = "year", lexicon: Lexicon | str | None = None, kinds=("body",),
              drop_duplicates: bool = True) -> pd.DataFrame:
    """Hits per lexicon entry and group, every entry listed (zeros included).

    Returns
    -------
    pandas.DataFrame
        ``theme``, ``term``, ``context``, ``kind``, ``by``, ``hits``,
        ``contribution`` (summed weight), ``units`` (units measured in the
        group) and ``per_100_units`` (hits per 100 units, comparable across
        groups of unequal size).
    """
    _check_by(units, by)
    lex = _lexicon(lexicon)
    chosen = select_units(units, kinds, drop_duplicates)
    hits = match_themes(chosen["text"], lex)
    hits[by] = chosen.loc[hits["text"], by].to_numpy() if len(hits) else []
    counts = hits.groupby(["theme", "term", "context", by]).agg(hits=("term", "size"), contribution=("weight", "sum")).reset_index()
    sizes = chosen.groupby(by).size().rename("units").reset_index()
    grid = lex.entries[["theme", "term", "context", "kind"]].merge(sizes, how="cross")
    out = grid.merge(counts, on=["theme", "term", "context", by], how="left").fillna({"hits": 0, "contribution": 0.0})
    out["hits"] = out["hits"].astype(int)
    out["per_100_units"] = 100 * out["hits"] / out["units"]
    columns = ["theme", "term", "context", "kind", by, "hits", "contribution", "units", "per_100_units"]
    return out[columns].sort_values(["theme", "term", "context", by]).reset_index(drop=True)


def unmatched_terms(units: pd.DataFrame, lexicon: Lexicon | str | None = None, kinds=None,
                    drop_duplicates: bool = False) -> pd.DataFrame:
    """Lexicon entries that never match in the given units (all kinds, duplicates kept, by default)."""
    lex = _lexicon(lexicon)
    hits = term_hits(units.assign(_all="all"), by="_all", lexicon=lex, kinds=kinds, drop_duplicates=drop_duplicates)
    never = hits[hits.hits == 0][["theme", "term", "context"]]
    return never.merge(lex.entries, on=["theme", "term", "context"]).reset_index(drop=True)


def leave_one_term_out(units: pd.DataFrame, by: str = "year", lexicon: Lexicon | str | None = None,
                       kinds=("body",), drop_duplicates: bool = True) -> pd.DataFrame:
    """How much each entry moves the group comparison when dropped from the lexicon.

    Returns
    -------
    pandas.DataFrame
        One row per entry that matches at least once and group: ``theme``,
        ``term``, ``context``, ``by``, ``share`` (all terms), ``share_without``,
        ``change``, and ``order_changes`` (True when dropping the entry changes
        the ranking of groups on that theme).
    """
    _check_by(units, by)
    lex = _lexicon(lexicon)
    chosen = select_units(units, kinds, drop_duplicates)
    # the dictionary rule on both sides: the question is what one entry of the lexicon does
    full = _labelled(chosen, lex, None, False, method="lexicon").groupby(by)[list(lex.themes)].mean()
    used = term_hits(chosen, by=by, lexicon=lex, kinds=None, drop_duplicates=False)
    used = used.groupby(["theme", "term", "context"])["hits"].sum().reset_index()
    rows = []
    for entry in used[used.hits > 0].itertuples(index=False):
        without = _labelled(chosen, lex.without(entry.theme, entry.term, entry.context), None, False, method="lexicon")
        shares = without.groupby(by)[entry.theme].mean()
        changed = list(full[entry.theme].sort_values(kind="stable").index) != list(shares.sort_values(kind="stable").index)
        for group in full.index:
            rows.append({"theme": entry.theme, "term": entry.term, "context": entry.context, by: group,
                         "share": full.loc[group, entry.theme], "share_without": shares[group],
                         "change": shares[group] - full.loc[group, entry.theme], "order_changes": changed})
    return pd.DataFrame(rows, columns=["theme", "term", "context", by, "share", "share_without", "change", "order_changes"])


def corrected_theme_shares(units: pd.DataFrame, validation: pd.DataFrame, by: str = "year",
                           lexicon: Lexicon | str | None = None, validation_by: str | None = None,
                           kinds=("body",), drop_duplicates: bool = True, n_boot: int = 2000, ci: float = 0.95,
                           seed: int = 0) -> pd.DataFrame:
    """Theme shares corrected for the lexicon's measured misclassification (Rogan-Gladen).

    Parameters
    ----------
    validation : pandas.DataFrame
        Hand-coded units: ``text`` and one 0/1 column per theme; the lexicon's
        sensitivity and specificity are measured on them.
    validation_by : str, optional
        A column of ``validation`` matching the groups of ``by`` (e.g. year)
        to measure sensitivity and specificity per group; pooled otherwise.

    Returns
    -------
    pandas.DataFrame
        See :func:`toolkit.stats.corrected_shares`.
    """
    _check_by(units, by)
    lex = _lexicon(lexicon)
    frame = _labelled(units, lex, kinds, drop_duplicates)
    labels = label_themes(validation["text"], lex)
    truth = validation[list(lex.themes)].astype(int).astype(bool)
    pairs = pd.concat([truth.add_suffix("__true").reset_index(drop=True), labels.add_suffix("__pred").reset_index(drop=True)], axis=1)
    if validation_by is not None:
        pairs[by] = validation[validation_by].to_numpy()
    out = corrected_shares(frame, pairs, list(lex.themes), by=by, per_group=validation_by is not None,
                           n_boot=n_boot, ci=ci, seed=seed)
    return out.rename(columns={"measure": "theme"})


def theme_kwic(units: pd.DataFrame, lexicon: Lexicon | str | None = None, window: int = 8, kinds=None,
               drop_duplicates: bool = False) -> pd.DataFrame:
    """A KWIC line for every lexicon hit: where each number comes from.

    Columns follow :func:`toolkit.kwic`: ``pre``, ``keyword``, ``post``
    hold ``window`` syllables each side, cut at syllable boundaries.

    Returns
    -------
    pandas.DataFrame
        ``unit_id``, ``doc_id``, ``year`` (those present), ``theme``,
        ``term``, ``kind``, ``cue``, ``pre``, ``keyword``, ``post``.
    """
    lex = _lexicon(lexicon)
    chosen = select_units(units, kinds, drop_duplicates)
    rows = []
    meta_columns = [c for c in ("unit_id", "doc_id", "year") if c in chosen.columns]
    for label, text in chosen["text"].items():
        sylls = syllables(text)
        for hit in _hits_one(sylls.text, lex):
            pre, post = _windows(sylls, hit["syllable_start"], hit["syllable_end"], window)
            meta = {c: chosen.at[label, c] for c in meta_columns}
            rows.append({**meta, "theme": hit["theme"], "term": hit["term"], "kind": hit["kind"], "cue": hit["cue"],
                         "pre": pre, "keyword": hit["matched"], "post": post})
    return pd.DataFrame(rows, columns=meta_columns + ["theme", "term", "kind", "cue", "pre", "keyword", "post"])
