"""Uncertainty for shares of units: cluster bootstrap and permutation tests.

Units (sentences or paragraphs) of one article are not independent, so the
bootstrap resamples units *within* each article (the article mix of each
group is held fixed) and the permutation test can shuffle whole articles.
With one article in a group, the interval describes variation among that
article's units only; it says nothing about other articles of the period.
"""

from __future__ import annotations

import itertools
import math
import warnings

import numpy as np
import pandas as pd

from .errors import ToolkitError

__all__ = ["bootstrap_shares", "permutation_test", "SingleArticleWarning"]


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


def _diff(values: np.ndarray, in_a: np.ndarray) -> np.ndarray:
    return values[in_a].mean(axis=0) - values[~in_a].mean(axis=0)


def permutation_test(
    frame: pd.DataFrame,
    columns: list[str],
    by: str = "year",
    cluster: str = "doc_id",
    level: str = "unit",
    n_permutations: int = 9999,
    seed: int = 0,
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

    Returns
    -------
    pandas.DataFrame
        Tidy: ``measure``, ``group_a``, ``group_b``, ``share_a``,
        ``share_b``, ``difference`` (a - b), ``p_value``, ``permutations``,
        ``min_p`` (smallest attainable p), ``level``.
    """
    _check(frame, columns, by, cluster)
    if level not in ("unit", "article"):
        raise ToolkitError(f"level must be 'unit' or 'article', got {level!r}")
    rng = np.random.default_rng(seed)
    groups = sorted(frame[by].unique())
    rows = []
    for a, b in itertools.combinations(groups, 2):
        part = frame[frame[by].isin([a, b])]
        values = part[list(columns)].to_numpy(dtype=float)
        in_a = (part[by] == a).to_numpy()
        observed = _diff(values, in_a)
        if level == "unit":
            perms = np.array([rng.permutation(in_a) for _ in range(n_permutations)], dtype=float)
            n_a = in_a.sum()
            stats = perms @ values / n_a - (1 - perms) @ values / (len(in_a) - n_a)
            extreme = (np.abs(stats) >= np.abs(observed) - 1e-12).sum(axis=0)
            p = (extreme + 1) / (n_permutations + 1)
            count, min_p = n_permutations, 1 / (n_permutations + 1)
        else:
            articles = part[cluster].to_numpy()
            ids = sorted(set(articles))
            n_a = len(set(articles[in_a]))
            total = math.comb(len(ids), n_a)
            if total <= n_permutations:
                choices = [set(c) for c in itertools.combinations(ids, n_a)]
            else:
                choices = [set(rng.choice(ids, n_a, replace=False)) for _ in range(n_permutations)]
            stats = np.array([_diff(values, np.isin(articles, list(c))) for c in choices])
            extreme = (np.abs(stats) >= np.abs(observed) - 1e-12).sum(axis=0)
            p = extreme / len(choices) if total <= n_permutations else (extreme + 1) / (len(choices) + 1)
            count, min_p = len(choices), 1 / len(choices) if total <= n_permutations else 1 / (len(choices) + 1)
        for j, column in enumerate(columns):
            rows.append({
                "measure": column, "group_a": a, "group_b": b,
                "share_a": values[in_a, j].mean(), "share_b": values[~in_a, j].mean(),
                "difference": observed[j], "p_value": float(p[j]), "permutations": count,
                "min_p": min_p, "level": level,
            })
    return pd.DataFrame(rows)
