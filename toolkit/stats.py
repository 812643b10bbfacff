"""Uncertainty for shares of units: intervals right for small counts, article-level tests.

Units (sentences or paragraphs) of one article are not independent: the
article is the sampling unit when periods are compared.

* :func:`cluster_shares` gives each group's share with a Korn-Graubard
  interval: Clopper-Pearson on an effective sample size from the
  article-level (ratio-estimator) variance, with k - 1 degrees of freedom
  for k articles. With one article it is the exact Clopper-Pearson interval
  of that article's units, labelled *within one article*: it says nothing
  about other articles of the period.
* :func:`permutation_test` shuffles whole articles between two groups
  (``level="article"``, exact enumeration when feasible) and states the
  smallest p-value the design can reach; ``level="unit"`` is descriptive.
* :func:`adjust_p` corrects a family of tests (Holm, Benjamini-Hochberg);
  :func:`pairwise_tests` runs the permutation tests and corrects them as one family.
* :func:`corrected_shares` corrects shares for measured misclassification
  (Rogan-Gladen), bootstrapping sampling and validation together.
* :func:`bootstrap_shares` (within-article bootstrap of mean values) serves topic shares.
"""

from __future__ import annotations

import itertools
import math
import warnings

import numpy as np
import pandas as pd

from .errors import ToolkitError

__all__ = ["cluster_shares", "clopper_pearson", "bootstrap_shares", "permutation_test", "adjust_p", "pairwise_tests",
           "rogan_gladen", "corrected_shares", "SingleArticleWarning"]


class SingleArticleWarning(UserWarning):
    """A group has a single article: its uncertainty is within-article only."""


def _check(frame: pd.DataFrame, columns, by: str, cluster: str) -> None:
    missing = [c for c in [by, cluster, *columns] if c not in frame.columns]
    if missing:
        raise ToolkitError(f"missing column(s) {', '.join(missing)}; available: {', '.join(frame.columns)}")
    if frame.empty:
        raise ToolkitError("no units to measure")


def bootstrap_shares(
    frame: pd.DataFrame,
    columns: list[str],
    by: str = "year",
    cluster: str = "doc_id",
    n_boot: int = 2000,
    ci: float = 0.95,
    seed: int = 0,
) -> pd.DataFrame:
    """Share of units with a true value per group, with a within-article bootstrap CI.

    Parameters
    ----------
    frame : pandas.DataFrame
        One row per unit with boolean (or 0/1) ``columns``, a group column
        ``by`` and an article column ``cluster``.
    columns : list of str
        Indicator columns, e.g. the three themes.
    n_boot : int, default 2000
    ci : float, default 0.95
        Percentile interval.
    seed : int, default 0

    Returns
    -------
    pandas.DataFrame
        Tidy: ``by``, ``measure`` (the column), ``share``, ``ci_low``,
        ``ci_high``, ``units``, ``articles``, ``note``. Sorted by group then
        measure. A :class:`SingleArticleWarning` is issued for groups with one
        article and ``note`` says so.
    """
    _check(frame, columns, by, cluster)
    if not 0 < ci < 1:
        raise ToolkitError(f"ci must be between 0 and 1, got {ci!r}")
    if n_boot < 1:
        raise ToolkitError(f"n_boot must be positive, got {n_boot!r}")
    rng = np.random.default_rng(seed)
    rows = []
    single = []
    alpha = (1 - ci) / 2
    for group, part in frame.groupby(by, sort=True):
        values = part[list(columns)].to_numpy(dtype=float)
        totals = np.zeros((n_boot, len(columns)))
        articles = part[cluster].to_numpy()
        # Resample units within each article, articles in sorted order; one stable
        # sort groups the units of each article (in their original order) in linear time.
        order = np.argsort(articles, kind="stable")
        _, starts = np.unique(articles[order], return_index=True)
        for block in np.split(values[order], starts[1:]):
            picks = rng.integers(0, len(block), size=(n_boot, len(block)))
            totals += block[picks].sum(axis=1)
        boot = totals / len(part)
        n_articles = len(set(articles))
        note = "one article: within-article variation only" if n_articles == 1 else ""
        if n_articles == 1:
            single.append(str(group))
        for j, column in enumerate(columns):
            rows.append({
                by: group, "measure": column, "share": values[:, j].mean(),
                "ci_low": np.quantile(boot[:, j], alpha), "ci_high": np.quantile(boot[:, j], 1 - alpha),
                "units": len(part), "articles": n_articles, "note": note,
            })
    if single:
        warnings.warn(
            f"{by} {', '.join(single)}: a single article; its interval reflects variation among that "
            "article's units, not among articles of the period",
            SingleArticleWarning, stacklevel=2,
        )
    return pd.DataFrame(rows)


def _article_totals(values: np.ndarray, articles, weights=None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per-article sums of each column and article sizes: ``(inverse, sums k x columns, sizes k)``.

    ``weights``: the number of units each row stands for (rows of per-article
    totals); by default each row is one unit.
    """
    _, inverse = np.unique(np.asarray(articles), return_inverse=True)
    k = int(inverse.max()) + 1 if len(inverse) else 0
    sums = np.stack([np.bincount(inverse, weights=values[:, j], minlength=k) for j in range(values.shape[1])], axis=1)
    sizes = np.bincount(inverse, weights=None if weights is None else np.asarray(weights, dtype=float), minlength=k)
    return inverse, sums, sizes.astype(float)


def _check_sizes(frame: pd.DataFrame, size: str | None, columns) -> None:
    """With ``size``, each row must count 0 to ``size`` positive units of at least 1 unit."""
    if size is None:
        return
    if size not in frame.columns:
        raise ToolkitError(f"size column {size!r} not found; available: {', '.join(map(str, frame.columns))}")
    n = frame[size].to_numpy(dtype=float)
    counts = frame[list(columns)].to_numpy(dtype=float)
    if (n < 1).any() or (counts < 0).any() or (counts > n[:, None]).any():
        raise ToolkitError(f"with size={size!r} each row holds counts of positive units between 0 and its "
                           f"{size!r} (at least 1)")


def _part_totals(part: pd.DataFrame, columns, cluster: str, size: str | None):
    """:func:`_article_totals` of one group's rows, units or per-article totals (``size``)."""
    return _article_totals(part[list(columns)].to_numpy(dtype=float), part[cluster],
                           None if size is None else part[size].to_numpy(dtype=float))


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


def article_bootstrap(frame: pd.DataFrame, columns: list[str], by: str = "year", cluster: str = "doc_id",
                      n_boot: int = 2000, ci: float = 0.95, seed: int = 0, size: str | None = None) -> pd.DataFrame:
    """Share per group with a percentile interval from resampling whole articles within the group.

    Each replicate draws the group's articles with replacement (multinomial
    weights over its articles) and takes the pooled ratio of positive units
    to units; only per-article sums are needed, so it runs on the rows that
    :func:`toolkit.process_archive` keeps (``size``) as on units. With a
    single article the interval is degenerate (0 width) and ``note`` says
    so: use :func:`cluster_shares` there.

    Returns
    -------
    pandas.DataFrame
        ``by``, ``measure``, ``share``, ``ci_low``, ``ci_high``, ``units``,
        ``articles``, ``interval``, ``note``.

    Examples
    --------
    >>> frame = pd.DataFrame({"year": 2012, "doc_id": ["a", "a", "b", "b"], "theme": [1, 1, 0, 0]})
    >>> article_bootstrap(frame, ["theme"])[["share", "ci_low", "ci_high"]].values.tolist()
    [[0.5, 0.0, 1.0]]
    """
    _check(frame, columns, by, cluster)
    if not 0 < ci < 1:
        raise ToolkitError(f"ci must be between 0 and 1, got {ci!r}")
    if not isinstance(n_boot, int) or n_boot < 1:
        raise ToolkitError(f"n_boot must be a whole number of at least 1, got {n_boot!r}")
    _check_sizes(frame, size, columns)
    rng = np.random.default_rng(seed)
    alpha = (1 - ci) / 2
    rows = []
    for group, part in frame.groupby(by, sort=True):
        _, sums, sizes = _part_totals(part, columns, cluster, size)
        k = len(sizes)
        boot = np.empty((n_boot, len(columns)))
        step = max(1, 2_000_000 // k)                 # replicates at a time: at most 2 million draws in memory
        for start in range(0, n_boot, step):
            n = min(step, n_boot - start)
            draws = rng.multinomial(k, np.full(k, 1 / k), size=n)
            boot[start:start + n] = (draws @ sums) / (draws @ sizes)[:, None]
        share = sums.sum(axis=0) / sizes.sum()
        for j, column in enumerate(columns):
            rows.append({by: group, "measure": column, "share": share[j],
                         "ci_low": float(np.quantile(boot[:, j], alpha)), "ci_high": float(np.quantile(boot[:, j], 1 - alpha)),
                         "units": int(round(sizes.sum())), "articles": k,
                         "interval": f"article bootstrap, {n_boot} replicates",
                         "note": "one article: no between-article variation to resample" if k == 1 else ""})
    return pd.DataFrame(rows)


def clopper_pearson(successes, trials, ci: float = 0.95) -> tuple[np.ndarray, np.ndarray]:
    """Exact (Clopper-Pearson) interval; ``successes`` and ``trials`` may be non-integer (effective counts).

    Examples
    --------
    >>> low, high = clopper_pearson(1, 21)
    >>> round(float(low), 4), round(float(high), 4)
    (0.0012, 0.2382)
    """
    from scipy.stats import beta

    x = np.asarray(successes, dtype=float)
    n = np.asarray(trials, dtype=float)
    a = (1 - ci) / 2
    with np.errstate(invalid="ignore", divide="ignore"):
        low = np.where(x > 0, beta.ppf(a, x, n - x + 1), 0.0)
        high = np.where(x < n, beta.ppf(1 - a, x + 1, n - x), 1.0)
    return np.nan_to_num(low, nan=0.0), np.nan_to_num(high, nan=1.0)


def cluster_shares(frame: pd.DataFrame, columns: list[str], by: str = "year", cluster: str = "doc_id",
                   ci: float = 0.95, size: str | None = None) -> pd.DataFrame:
    """Share of units with a true value per group, with a design-based interval.

    The share is the pooled ratio (positive units / units) of the group. Its
    interval is Korn and Graubard's (1998) Clopper-Pearson interval for
    cluster samples: the effective sample size is p(1 - p) / v, where v is
    the ratio estimator's variance computed between articles
    (k / (k - 1) * sum((y_i - p n_i)^2) / n^2 for k articles), scaled by
    (t_{n-1} / t_{k-1})^2 for n units, as ``survey::svyciprop(method = "beta")``
    does, so that a period with few articles gets the wide interval it deserves.
    (With no variance between articles, n_eff is the number of units.) With a single article the
    interval is the exact Clopper-Pearson interval of its units, which
    describes that article only (``note`` says so).

    Parameters
    ----------
    frame : pandas.DataFrame
        One row per unit with boolean (or 0/1) ``columns``, a group column
        ``by`` and an article column ``cluster``.
        With ``size``, one row per article (or part of one) instead:
        ``columns`` hold counts of positive units and ``size`` the number of
        units, as a streamed corpus keeps them (same result as the units).
    columns : list of str
    ci : float, default 0.95
    size : str, optional
        Column with the number of units each row stands for.

    Returns
    -------
    pandas.DataFrame
        ``by``, ``measure``, ``share``, ``ci_low``, ``ci_high``, ``units``,
        ``articles``, ``positives``, ``interval`` (the method), ``note``.

    Examples
    --------
    >>> frame = pd.DataFrame({"year": 2012, "doc_id": "a", "theme": [1] + [0] * 20})
    >>> cluster_shares(frame, ["theme"])[["share", "ci_low", "ci_high"]].round(4).values.tolist()
    [[0.0476, 0.0012, 0.2382]]
    """
    from scipy.stats import t as student

    _check(frame, columns, by, cluster)
    if not 0 < ci < 1:
        raise ToolkitError(f"ci must be between 0 and 1, got {ci!r}")
    rows = []
    _check_sizes(frame, size, columns)
    for group, part in frame.groupby(by, sort=True):
        _, totals, sizes = _part_totals(part, columns, cluster, size)
        k, n = len(sizes), int(round(sizes.sum()))
        for j, column in enumerate(columns):
            y = totals[:, j]
            p = y.sum() / n
            if k == 1:
                n_eff, interval, note = float(n), "exact (Clopper-Pearson)", "one article: within-article interval only"
            else:
                v = k / (k - 1) * np.sum((y - p * sizes) ** 2) / n ** 2
                n_eff = p * (1 - p) / v if v > 0 else float(n)
                # survey::svyciprop(method = "beta"): n_eff * (t_{units - 1} / t_{articles - 1})^2
                n_eff *= (student.ppf(1 - (1 - ci) / 2, n - 1) / student.ppf(1 - (1 - ci) / 2, k - 1)) ** 2
                interval, note = f"Korn-Graubard, {k} articles ({k - 1} df)", ""
            low, high = clopper_pearson(p * n_eff, n_eff, ci)
            rows.append({by: group, "measure": column, "share": p, "ci_low": float(low), "ci_high": float(high),
                         "units": n, "articles": k, "positives": int(round(y.sum())), "interval": interval,
                         "note": note})
    return pd.DataFrame(rows)


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
