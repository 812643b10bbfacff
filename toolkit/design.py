"""Design-based estimation: shares and regressions that stay right when the measurement errs.

Every automated measurement errs; a dictionary or a classifier that is wrong more often in one year
than in another biases a comparison of years. The remedy used here is to hand-code a probability
sample of units and combine it with the automated labels of all units (design-based supervised
learning, Egami, Hinck, Stewart and Wei 2023, "Using imperfect surrogates for downstream inference",
NeurIPS; the same estimator as prediction-powered inference with its tuning parameter at 1,
Angelopoulos et al. 2023, "Prediction-powered inference", *Science* 382).

For every unit ``i`` of the population with automated label ``f_i``, coded indicator ``R_i`` and,
when coded, inclusion probability ``pi_i`` and the coders' label ``y_i``, the pseudo-outcome is::

    y~_i = f_i + R_i / pi_i * (y_i - f_i)

Its mean is unbiased for the share of units with the theme whatever the errors of ``f`` (the
sampling probabilities are known), and a regression of ``y~`` on covariates is unbiased for the
linear-probability coefficients. Variances are cluster-robust by article: the article, not the
sentence, is the independent unit when the corpus is taken as one draw of what a press publishes,
and the sampling indicators of the coded units enter through the same sums. Intervals use t
quantiles with (articles - 1) degrees of freedom and are cut to [0, 1].

The workflow::

    sheet = tk.validation_sample(units, 400, strata="year", seed=1)   # blind to the measurement
    tk.write_sheets(sheet, "coding/", coders=["A", "B"])              # one CSV and XLSX per coder
    coded = tk.read_codes("coding/A.csv", sheet)                      # ... after coding and adjudication
    tk.design_based_shares(units, coded, by="year")

It is the last step of the validation: the sample and its sheets come from :mod:`toolkit.sampling`,
the coding round kept on disk (adjudication, consensus) from :mod:`toolkit.coding_round`; this
module turns the coded units and the automated labels into pseudo-outcomes, shares, regressions and
the measurement's accuracy.
"""
from __future__ import annotations

import math

import numpy as np
import pandas as pd

from .errors import ToolkitError
from .sampling import _labels, _select

__all__ = ["design_based_shares", "design_based_regression", "pseudo_outcomes", "accuracy"]


def _check_coded(coded: pd.DataFrame, themes) -> None:
    missing = [c for c in ["unit_id", "inclusion_prob", *themes] if c not in coded.columns]
    if missing:
        raise ToolkitError(f"coded units lack column(s) {', '.join(missing)}")
    p = pd.to_numeric(coded["inclusion_prob"], errors="coerce")
    if not ((p > 0) & (p <= 1)).all():
        raise ToolkitError("inclusion_prob must be in (0, 1] for every coded unit")
    if coded["unit_id"].duplicated().any():
        raise ToolkitError("a unit is coded twice: pass one (adjudicated) code per unit")


def pseudo_outcomes(units: pd.DataFrame, coded: pd.DataFrame, *, lexicon=None, labels=None,
                    themes=None) -> pd.DataFrame:
    """Per unit: the automated label and the design-based pseudo-outcome of each theme.

    Returns the selected units' ``unit_id`` and ``doc_id`` (and every other unit column), ``coded``
    (bool), and per theme ``<theme>_auto`` (0/1) and ``<theme>`` (the pseudo-outcome
    ``f + R / pi * (y - f)``).
    """
    from .measure import _lexicon

    chosen = _select(units)
    if themes is None:
        themes = list(labels.columns.drop("unit_id", errors="ignore")) if isinstance(labels, pd.DataFrame) \
            else list(_lexicon(lexicon).themes)
    _check_coded(coded, themes)
    auto = _labels(chosen, lexicon, labels)[themes]
    if auto.isna().any(axis=None):
        raise ToolkitError("labels are missing for some units")
    out = chosen.drop(columns=[t for t in themes if t in chosen.columns]).copy()
    codes = coded.set_index("unit_id")
    outside = codes.index.difference(pd.Index(out["unit_id"]))
    if len(outside):
        raise ToolkitError(f"{len(outside)} coded unit(s) are not among the measured units "
                           f"(e.g. {outside[0]!r}): code units of the corpus's body, not duplicates")
    is_coded = out["unit_id"].isin(codes.index).to_numpy()
    out["coded"] = is_coded
    weight = np.zeros(len(out))
    weight[is_coded] = 1.0 / codes.loc[out["unit_id"][is_coded], "inclusion_prob"].to_numpy(float)
    for theme in themes:
        f = auto[theme].to_numpy(float)
        y = np.zeros(len(out))
        y[is_coded] = codes.loc[out["unit_id"][is_coded], theme].to_numpy(float)
        out[f"{theme}_auto"] = f
        out[theme] = f + np.where(is_coded, weight * (y - f), 0.0)
    return out


def _cluster_mean(values: np.ndarray, clusters: np.ndarray) -> tuple[float, float, int]:
    """Mean of ``values`` and its cluster-robust standard error (CR1), with the number of clusters."""
    n = len(values)
    mean = float(values.mean())
    codes, index = np.unique(clusters, return_inverse=True)
    g = len(codes)
    sums = np.bincount(index, weights=values - mean, minlength=g)
    var = (sums ** 2).sum() / n ** 2 * (g / (g - 1)) if g > 1 else float("nan")
    return mean, math.sqrt(var), g


def design_based_shares(units: pd.DataFrame, coded: pd.DataFrame, *, by: str | None = None, lexicon=None,
                        labels: pd.DataFrame | None = None, cluster: str = "doc_id", ci: float = 0.95) -> pd.DataFrame:
    """Theme shares corrected by a hand-coded probability sample (DSL / PPI with lambda = 1).

    Parameters
    ----------
    units : pandas.DataFrame
        Segmented units; body units that are not near-duplicates are measured, as in
        :func:`toolkit.theme_shares`.
    coded : pandas.DataFrame
        ``unit_id``, ``inclusion_prob`` and one 0/1 column per theme for the coded units
        (:func:`read_codes`; adjudicated codes, one row per unit).
    by : str, optional
        Unit column to group by (e.g. ``"year"``); each group's share uses its own units and codes.
    lexicon, labels
        The automated measurement: labels of a lexicon (default the study's) or a frame of 0/1
        columns indexed like ``units`` (or with ``unit_id``).
    cluster : str
        Column of the independent unit for the variance (the article).
    ci : float
        Interval level.

    Returns
    -------
    pandas.DataFrame
        One row per theme (and group): ``estimate``, ``se``, ``ci_low``, ``ci_high`` (t quantiles with
        articles - 1 degrees of freedom, cut to [0, 1]), ``automated`` (the uncorrected share),
        ``n_units``, ``n_articles`` and ``n_coded``.

    Notes
    -----
    The estimate is unbiased whatever the errors of the measurement because the inclusion
    probabilities are known; a group with few coded units gets a wide interval, and a group with
    none gets the automated share with no interval (``n_coded`` 0).
    """
    from scipy import stats

    if not 0 < ci < 1:
        raise ToolkitError(f"ci must be between 0 and 1, got {ci!r}")
    frame = pseudo_outcomes(units, coded, lexicon=lexicon, labels=labels)
    themes = [c[:-5] for c in frame.columns if c.endswith("_auto")]
    for column in [cluster] + ([by] if by else []):
        if column not in frame.columns:
            raise ToolkitError(f"units lack column {column!r}")
    groups = frame.groupby(by, sort=True, observed=True) if by else [(None, frame)]
    rows = []
    for key, part in groups:
        clusters = part[cluster].to_numpy()
        for theme in themes:
            n_coded = int(part["coded"].sum())
            automated = float(part[f"{theme}_auto"].mean())
            if n_coded == 0:
                est, se, g = automated, float("nan"), part[cluster].nunique()
            else:
                est, se, g = _cluster_mean(part[theme].to_numpy(float), clusters)
            t = stats.t.ppf(0.5 + ci / 2, g - 1) if g > 1 else float("nan")
            low, high = (max(0.0, est - t * se), min(1.0, est + t * se)) if se == se else (float("nan"),) * 2
            row = {"theme": theme, "estimate": est, "se": se, "ci_low": low, "ci_high": high,
                   "automated": automated, "n_units": len(part), "n_articles": g, "n_coded": n_coded}
            if by:
                row = {by: key, **row}
            rows.append(row)
    return pd.DataFrame(rows)


def design_based_regression(units: pd.DataFrame, coded: pd.DataFrame, theme: str, formula: str, *, lexicon=None,
                            labels: pd.DataFrame | None = None, cluster: str = "doc_id", ci: float = 0.95) -> pd.DataFrame:
    """Linear-probability regression of a theme's presence on unit covariates, corrected by the coded sample.

    The pseudo-outcome of :func:`pseudo_outcomes` is regressed on the right-hand side of ``formula``
    (a patsy formula such as ``"C(year) + C(outlet)"``) by OLS with cluster-robust standard errors
    by ``cluster`` (statsmodels). The coefficients are unbiased for those of the regression on the
    true codes, whatever the errors of the measurement.

    Returns
    -------
    pandas.DataFrame
        ``term``, ``coef``, ``se``, ``ci_low``, ``ci_high``, ``p``, and ``coef_automated`` (the same
        regression on the automated labels, for comparison).
    """
    import statsmodels.formula.api as smf

    frame = pseudo_outcomes(units, coded, lexicon=lexicon, labels=labels)
    if f"{theme}_auto" not in frame.columns:
        raise ToolkitError(f"unknown theme {theme!r}")
    rhs = formula.split("~", 1)[-1].strip()
    data = frame.rename(columns={theme: "_y", f"{theme}_auto": "_f"})
    groups = pd.factorize(data[cluster])[0]
    fit = smf.ols(f"_y ~ {rhs}", data=data).fit(cov_type="cluster", cov_kwds={"groups": groups})
    naive = smf.ols(f"_f ~ {rhs}", data=data).fit()
    bounds = fit.conf_int(alpha=1 - ci)
    return pd.DataFrame({"term": fit.params.index, "coef": fit.params.to_numpy(), "se": fit.bse.to_numpy(),
                         "ci_low": bounds[0].to_numpy(), "ci_high": bounds[1].to_numpy(),
                         "p": fit.pvalues.to_numpy(), "coef_automated": naive.params.to_numpy()})


def precision_recall_f1(truth: np.ndarray, pred: np.ndarray, weights: np.ndarray | None = None) -> tuple[float, float, float]:
    """Precision, recall and F1 of bool arrays, each unit weighted (default 1); NaN for an empty denominator.

    >>> precision_recall_f1(np.array([1, 1, 0, 0], bool), np.array([1, 0, 1, 0], bool))
    (np.float64(0.5), np.float64(0.5), np.float64(0.5))
    """
    w = np.ones(len(truth)) if weights is None else weights
    tp, pp, tt = (w * (truth & pred)).sum(), (w * pred).sum(), (w * truth).sum()
    return (tp / pp if pp else np.nan, tp / tt if tt else np.nan, 2 * tp / (pp + tt) if pp + tt else np.nan)


def article_draws(docs, n_boot: int, rng: np.random.Generator) -> list[np.ndarray]:
    """Row indices of ``n_boot`` resamples of whole articles (the rows of a drawn article move together)."""
    ids, index = np.unique(np.asarray(docs), return_inverse=True)
    members = [np.flatnonzero(index == i) for i in range(len(ids))]
    return [np.concatenate([members[i] for i in rng.integers(0, len(ids), len(ids))]) for _ in range(n_boot)]


def accuracy(coded: pd.DataFrame, units: pd.DataFrame, *, lexicon=None, labels: pd.DataFrame | None = None,
             cluster: str = "doc_id", ci: float = 0.95, n_boot: int = 2000, seed: int = 0) -> pd.DataFrame:
    """How well the automated measurement matches the coded sample, per theme.

    Precision, recall and F1 on the coded units, each with a percentile interval from ``n_boot``
    resamples of articles (the units of one article move together); and the same three weighted by
    1 / inclusion probability (``*_weighted``), which estimate them for all units when the sample
    over-represents some strata. ``coded`` is the adjudicated :func:`consensus` (or one coder's
    :func:`read_codes`).
    """
    from .measure import _lexicon
    from .validation import confusion

    chosen = _select(units)
    if labels is None:
        themes = list(_lexicon(lexicon).themes)
    else:
        themes = [c for c in labels.columns if c != "unit_id"]
    _check_coded(coded, themes)
    auto = _labels(chosen, lexicon, labels)[themes]
    auto.index = chosen["unit_id"].to_numpy()
    outside = pd.Index(coded["unit_id"]).difference(auto.index)
    if len(outside):
        raise ToolkitError(f"{len(outside)} coded unit(s) are not among the measured units (e.g. {outside[0]!r})")
    pred = auto.loc[coded["unit_id"]].reset_index(drop=True).astype(int)
    truth = coded[themes].reset_index(drop=True).astype(int)
    weights = 1.0 / coded["inclusion_prob"].to_numpy(float)
    docs = coded[cluster].to_numpy() if cluster in coded.columns else \
        chosen.set_index("unit_id").loc[coded["unit_id"], cluster].to_numpy()
    table = confusion(truth, pred, themes)
    draws = article_draws(docs, n_boot, np.random.default_rng(seed))
    q = (1 - ci) / 2
    prf = precision_recall_f1
    for i, theme in enumerate(themes):
        t, p = truth[theme].to_numpy(bool), pred[theme].to_numpy(bool)
        boot = np.array([prf(t[d], p[d]) for d in draws])
        with np.errstate(all="ignore"):
            low, high = np.nanquantile(boot, q, axis=0), np.nanquantile(boot, 1 - q, axis=0)
        for j, measure in enumerate(("precision", "recall", "f1")):
            table.loc[i, f"{measure}_low"], table.loc[i, f"{measure}_high"] = low[j], high[j]
        for j, value in enumerate(prf(t, p, weights)):
            table.loc[i, ("precision", "recall", "f1")[j] + "_weighted"] = value
    table.insert(1, "articles", len(np.unique(docs)))
    return table
