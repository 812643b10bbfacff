"""Shares of units per group with intervals right for small counts and for units clustered in articles.

The inference stage, below :mod:`toolkit.stats` (which adds the tests and the
correction for misclassification): theme and topic shares from
:mod:`toolkit.themes`, :mod:`toolkit.topics` and :class:`toolkit.Archive` get
their intervals here, from labelled units or from per-article counts.

Units (sentences or paragraphs) of one article are not independent: the
article is the sampling unit when periods are compared.

* :func:`cluster_shares` gives each group's share with a Korn-Graubard
  interval: Clopper-Pearson on an effective sample size from the
  article-level (ratio-estimator) variance, with k - 1 degrees of freedom
  for k articles. With one article it is the exact Clopper-Pearson interval
  of that article's units, labelled *within one article*: it says nothing
  about other articles of the period.
* :func:`article_bootstrap` resamples whole articles within each group.
* :func:`bootstrap_shares` (within-article bootstrap of mean values) serves topic shares.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

from .errors import ToolkitError

__all__ = ["cluster_shares", "clopper_pearson", "bootstrap_shares", "article_bootstrap", "SingleArticleWarning"]


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
