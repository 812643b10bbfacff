"""Tests between groups of articles, corrected families of tests, and shares corrected for misclassification.

The inference stage, above :mod:`toolkit.intervals` (the shares and their
intervals, whose per-article totals these tests reuse): :func:`toolkit.theme_tests`,
:meth:`toolkit.Archive.theme_tests` and the prose of the reports call it.

Units (sentences or paragraphs) of one article are not independent: the
article is the sampling unit when periods are compared.

* :func:`permutation_test` shuffles whole articles between two groups
  (``level="article"``, exact enumeration when feasible) and states the
  smallest p-value the design can reach; ``level="unit"`` is descriptive.
* :func:`adjust_p` corrects a family of tests (Holm, Benjamini-Hochberg);
  :func:`pairwise_tests` runs the permutation tests and corrects them as one family.
* :func:`corrected_shares` corrects shares for measured misclassification
  (Rogan-Gladen), bootstrapping sampling and validation together.
"""

from __future__ import annotations

import itertools
import math

import numpy as np
import pandas as pd

from .errors import ToolkitError
from .intervals import _article_totals, _check, _check_sizes
from .intervals import SingleArticleWarning  # noqa: F401  the study's notebooks import it from here

__all__ = ["permutation_test", "adjust_p", "pairwise_tests", "rogan_gladen", "corrected_shares"]


def _chunks(total: int, size: int = 1000):
    while total > 0:
        yield min(size, total)
        total -= size


def _group_difference(mask: np.ndarray, sums: np.ndarray, sizes: np.ndarray) -> np.ndarray:
    """Pooled share of the masked rows minus that of the others, for each mask row (rows: articles or units)."""
    m = mask.astype(float)
    size_a = m @ sizes
    sums_a = m @ sums
    size_b = sizes.sum() - size_a
    return sums_a / size_a[:, None] - (sums.sum(axis=0) - sums_a) / size_b[:, None]


def permutation_test(
    frame: pd.DataFrame,
    columns: list[str],
    by: str = "year",
    cluster: str = "doc_id",
    level: str = "unit",
    n_permutations: int = 9999,
    seed: int = 0,
    size: str | None = None,
) -> pd.DataFrame:
    """Two-sided permutation tests of the difference in shares between each pair of groups.

    Parameters
    ----------
    level : {"unit", "article"}, default "unit"
        ``"unit"`` shuffles group labels among units (treats units as
        independent, so it overstates certainty when articles differ);
        ``"article"`` shuffles whole articles between the two groups,
        enumerating every assignment when there are few, so its smallest
        attainable p-value is 1 / (number of assignments).
    size : str, optional
        Rows are per-article totals (``columns`` count positive units, this
        column the units), as a streamed corpus keeps them; article level only.

    Returns
    -------
    pandas.DataFrame
        Tidy: ``measure``, ``group_a``, ``group_b``, ``share_a``,
        ``share_b``, ``difference`` (a - b), ``p_value``, ``permutations``,
        ``min_p`` (the smallest p the design can reach: with article
        shuffling, 1 / assignments, or 2 / assignments when both groups have
        as many articles, so 1.0 for one article against one), ``level``,
        ``note`` ("descriptive" for unit-level tests).
    """
    _check(frame, columns, by, cluster)
    if level not in ("unit", "article"):
        raise ToolkitError(f"level must be 'unit' or 'article', got {level!r}")
    if size is not None and level != "article":
        raise ToolkitError("rows of per-article totals (size=...) can only be tested at level='article'")
    _check_sizes(frame, size, columns)
    rng = np.random.default_rng(seed)
    groups = sorted(frame[by].unique())
    rows = []
    for a, b in itertools.combinations(groups, 2):
        part = frame[frame[by].isin([a, b])]
        values = part[list(columns)].to_numpy(dtype=float)
        in_a = (part[by] == a).to_numpy()
        weights = np.ones(len(part)) if size is None else part[size].to_numpy(dtype=float)
        share_a = values[in_a].sum(axis=0) / weights[in_a].sum()
        share_b = values[~in_a].sum(axis=0) / weights[~in_a].sum()
        observed = share_a - share_b
        if level == "unit":
            p, count, min_p = _unit_permutations(values, in_a, observed, n_permutations, rng)
        else:
            p, count, min_p = _article_permutations(values, in_a, part[cluster], None if size is None else weights,
                                                    observed, n_permutations, rng)
        for j, column in enumerate(columns):
            rows.append({
                "measure": column, "group_a": a, "group_b": b,
                "share_a": share_a[j], "share_b": share_b[j],
                "difference": observed[j], "p_value": float(p[j]), "permutations": count,
                "min_p": min_p, "level": level,
                "note": "descriptive: units of an article are not independent" if level == "unit" else "",
            })
    return pd.DataFrame(rows)


def _unit_permutations(values: np.ndarray, in_a: np.ndarray, observed: np.ndarray, n_permutations: int, rng):
    """:func:`permutation_test` at unit level: ``(p per column, permutations, smallest attainable p)``.

    Units are relabelled at random, in chunks so memory stays bounded on large corpora.
    """
    extreme = np.zeros(values.shape[1])
    for n in _chunks(n_permutations):
        mask = rng.permuted(np.broadcast_to(in_a, (n, len(in_a))), axis=1)
        stats = _group_difference(mask, values, np.ones(len(in_a)))
        extreme += (np.abs(stats) >= np.abs(observed) - 1e-12).sum(axis=0)
    return (extreme + 1) / (n_permutations + 1), n_permutations, 1 / (n_permutations + 1)


def _article_permutations(values: np.ndarray, in_a: np.ndarray, articles, weights, observed: np.ndarray,
                          n_permutations: int, rng):
    """:func:`permutation_test` at article level: ``(p per column, assignments, smallest attainable p)``.

    Whole articles move between the two groups: the test works on per-article sums and sizes
    (``weights``: units per row, None when each row is one unit), enumerating every assignment
    when there are at most ``n_permutations`` of them, else drawing ``n_permutations`` at random.
    """
    inverse, sums, sizes = _article_totals(values, articles, weights)
    k = len(sizes)
    article_in_a = np.zeros(k, dtype=bool)
    article_in_a[inverse[in_a]] = True
    n_a = int(article_in_a.sum())
    total = math.comb(k, n_a)
    exact = total <= n_permutations
    extreme = np.zeros(values.shape[1])
    if exact:
        masks = np.zeros((total, k), dtype=bool)
        for row, chosen in enumerate(itertools.combinations(range(k), n_a)):
            masks[row, list(chosen)] = True
        batches = [masks]
    else:
        # At most about 2 million mask cells at a time, however many articles.
        step = max(1, min(1000, 2_000_000 // k))
        batches = (rng.permuted(np.broadcast_to(article_in_a, (n, k)), axis=1)
                   for n in _chunks(n_permutations, step))
    for mask in batches:
        stats = _group_difference(mask, sums, sizes)
        extreme += (np.abs(stats) >= np.abs(observed) - 1e-12).sum(axis=0)
    count = total if exact else n_permutations
    p = extreme / count if exact else (extreme + 1) / (count + 1)
    # An assignment and its complement give the same |difference| when both groups
    # have as many articles, so the floor is 2/total then (1.0 for one against one).
    mirrored = 2 if 2 * n_a == k else 1
    min_p = mirrored / total if exact else 1 / (count + 1)
    return p, count, min_p


def adjust_p(p_values, method: str = "holm") -> np.ndarray:
    """Multiplicity-adjusted p-values for one family of tests (statsmodels' ``multipletests``).

    ``method``: "holm" (family-wise error), "fdr_bh" or "bh" (Benjamini-Hochberg
    false discovery rate), or "none". NaN p-values stay NaN and are not counted.

    Examples
    --------
    >>> adjust_p([0.01, 0.04, 0.03], "holm").round(3).tolist()
    [0.03, 0.06, 0.06]
    """
    from statsmodels.stats.multitest import multipletests

    methods = {"holm": "holm", "fdr_bh": "fdr_bh", "bh": "fdr_bh", "none": None}
    if method not in methods:
        raise ToolkitError(f"adjust must be one of {', '.join(methods)}, got {method!r}")
    p = np.asarray(p_values, dtype=float)
    out = p.copy()
    ok = ~np.isnan(p)
    if methods[method] and ok.any():
        out[ok] = multipletests(p[ok], method=methods[method])[1]
    return out


def pairwise_tests(frame: pd.DataFrame, columns: list[str], by: str = "year", level: str = "article",
                   n_permutations: int = 9999, seed: int = 0, adjust: str = "holm",
                   size: str | None = None) -> pd.DataFrame:
    """:func:`permutation_test` between each pair of groups, p-values adjusted over the whole family.

    The tests of :func:`toolkit.theme_tests` and :meth:`toolkit.Archive.theme_tests`, on labelled
    units or (with ``size``) per-article counts.

    Returns
    -------
    pandas.DataFrame
        The columns of :func:`permutation_test`, ``p_adjusted`` (:func:`adjust_p` with ``adjust``
        over every test returned) and ``adjustment`` (the method and the number of tests).

    Examples
    --------
    >>> frame = pd.DataFrame({"doc_id": list("abcdef"), "year": [2012] * 3 + [2023] * 3,
    ...                       "x": [1, 1, 1, 0, 0, 0], "y": [1, 0, 1, 0, 1, 0]})
    >>> pairwise_tests(frame, ["x", "y"])[["measure", "p_value", "p_adjusted", "adjustment"]]
      measure  p_value  p_adjusted     adjustment
    0       x      0.1         0.2  holm, 2 tests
    1       y      1.0         1.0  holm, 2 tests
    """
    out = permutation_test(frame, columns, by=by, level=level, n_permutations=n_permutations, seed=seed, size=size)
    out["p_adjusted"] = adjust_p(out["p_value"], adjust)
    out["adjustment"] = f"{adjust}, {len(out)} tests"
    return out


def rogan_gladen(apparent, sensitivity, specificity):
    """Prevalence corrected for misclassification: (apparent + spec - 1) / (sens + spec - 1), clipped to [0, 1].

    Examples
    --------
    >>> round(float(rogan_gladen(0.30, 0.8, 0.9)), 4)  # 0.2 / 0.7
    0.2857
    """
    apparent, sensitivity, specificity = (np.asarray(x, dtype=float) for x in (apparent, sensitivity, specificity))
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.clip((apparent + specificity - 1) / (sensitivity + specificity - 1), 0.0, 1.0)


def _rates(true: np.ndarray, pred: np.ndarray) -> tuple[float, float]:
    pos, neg = true.sum(), (~true).sum()
    sens = (true & pred).sum() / pos if pos else np.nan
    spec = (~true & ~pred).sum() / neg if neg else np.nan
    return sens, spec


def corrected_shares(frame: pd.DataFrame, pairs: pd.DataFrame, columns: list[str], by: str = "year",
                     cluster: str = "doc_id", per_group: bool = False, n_boot: int = 2000, ci: float = 0.95,
                     seed: int = 0, min_youden: float = 0.2) -> pd.DataFrame:
    """Shares corrected for measured misclassification, with sampling and validation uncertainty.

    Each group's apparent share (``frame``) is corrected with the
    Rogan-Gladen estimator using the sensitivity and specificity measured on
    hand-coded validation units (``pairs``: columns ``<measure>__true`` and
    ``<measure>__pred``, and ``by`` when ``per_group``). The interval is a
    percentile bootstrap that resamples, in each replicate, the articles of
    the group (units within the article when the group has one) *and* the
    validation units, so it carries both sources of uncertainty.

    The correction is not identifiable when sensitivity + specificity - 1
    (Youden's J) is below ``min_youden`` or a rate cannot be measured (no
    coded positives or negatives): ``corrected`` is then NaN and ``note``
    says why.

    Returns
    -------
    pandas.DataFrame
        ``by``, ``measure``, ``share`` (apparent), ``corrected``, ``ci_low``,
        ``ci_high``, ``sensitivity``, ``specificity``, ``validation_units``,
        ``articles``, ``note``.
    """
    _check(frame, columns, by, cluster)
    if n_boot < 1:
        raise ToolkitError(f"n_boot must be positive, got {n_boot!r}")
    rng = np.random.default_rng(seed)
    alpha = (1 - ci) / 2
    rows = []
    for group, part in frame.groupby(by, sort=True):
        val = pairs[pairs[by] == group] if per_group else pairs
        values = part[list(columns)].to_numpy(dtype=float)
        _, sums, sizes = _article_totals(values, part[cluster])
        k = len(sizes)
        # Replicates of the apparent share: articles resampled (units within a lone article).
        if k == 1:
            picks = rng.integers(0, len(part), size=(n_boot, len(part)))
            apparent_boot = values[picks].mean(axis=1)
        else:
            chosen = rng.integers(0, k, size=(n_boot, k))
            apparent_boot = sums[chosen].sum(axis=1) / sizes[chosen].sum(axis=1)[:, None]
        vpicks = rng.integers(0, len(val), size=(n_boot, len(val))) if len(val) else None
        for j, column in enumerate(columns):
            apparent = values[:, j].mean()
            true = val[f"{column}__true"].to_numpy(dtype=bool)
            pred = val[f"{column}__pred"].to_numpy(dtype=bool)
            sens, spec = _rates(true, pred) if len(val) else (np.nan, np.nan)
            note = ""
            if np.isnan(sens) or np.isnan(spec):
                note = "not identifiable: the validation units have no coded " + ("positives" if np.isnan(sens) else "negatives")
            elif sens + spec - 1 < min_youden:
                note = f"not identifiable: sensitivity + specificity - 1 = {sens + spec - 1:.2f} < {min_youden}"
            if note:
                corrected = low = high = np.nan
            else:
                corrected = float(rogan_gladen(apparent, sens, spec))
                tb, pb = true[vpicks], pred[vpicks]
                pos, neg = tb.sum(axis=1), (~tb).sum(axis=1)
                with np.errstate(invalid="ignore", divide="ignore"):
                    sens_b = (tb & pb).sum(axis=1) / pos
                    spec_b = (~tb & ~pb).sum(axis=1) / neg
                boot = rogan_gladen(apparent_boot[:, j], sens_b, spec_b)
                boot = boot[np.isfinite(boot) & (sens_b + spec_b - 1 > 0)]
                low, high = (np.quantile(boot, alpha), np.quantile(boot, 1 - alpha)) if len(boot) else (np.nan, np.nan)
                if len(boot) < 0.95 * n_boot:
                    note = f"{n_boot - len(boot)} of {n_boot} replicates had no usable rates"
            rows.append({by: group, "measure": column, "share": apparent, "corrected": corrected,
                         "ci_low": low, "ci_high": high, "sensitivity": sens, "specificity": spec,
                         "validation_units": len(val), "articles": k, "note": note})
    return pd.DataFrame(rows)
