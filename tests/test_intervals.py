"""Shares with intervals for units clustered in articles, on hand-checkable data and against scipy, statsmodels and survey."""

import numpy as np
import pandas as pd
import pytest

from toolkit.errors import ToolkitError
from toolkit.intervals import SingleArticleWarning, bootstrap_shares, clopper_pearson, cluster_shares
from toolkit.stats import permutation_test


def _frame():
    # Year 1: two articles, 4 units each, theme present in 1 of 4 and 3 of 4 -> share 4/8.
    # Year 2: one article, 4 units, present in all -> share 1.
    rows = [(1, "a", v) for v in (1, 0, 0, 0)] + [(1, "b", v) for v in (1, 1, 1, 0)] + [(2, "c", 1)] * 4
    return pd.DataFrame(rows, columns=["year", "doc_id", "theme"])


def test_bootstrap_shares_and_intervals():
    with pytest.warns(SingleArticleWarning, match="year 2: a single article"):
        out = bootstrap_shares(_frame(), ["theme"], n_boot=500, seed=1)
    assert out.share.tolist() == [0.5, 1.0]
    assert (out.ci_low <= out.share).all() and (out.share <= out.ci_high).all()
    # A constant article has no within-article variation at all.
    assert out.loc[1, ["ci_low", "ci_high"]].tolist() == [1.0, 1.0]
    # Resampling within articles: each replicate of year 1 averages two articles whose
    # shares lie in {0, .25, ..., 1}, so the interval stays inside [0.125, 0.875].
    assert 0.125 <= out.loc[0, "ci_low"] < 0.5 < out.loc[0, "ci_high"] <= 0.875
    assert out.articles.tolist() == [2, 1] and out.note.tolist()[1].startswith("one article")


@pytest.mark.filterwarnings("ignore::toolkit.intervals.SingleArticleWarning")
def test_bootstrap_is_deterministic_given_the_seed():
    first = bootstrap_shares(_frame(), ["theme"], n_boot=200, seed=7)
    assert first.equals(bootstrap_shares(_frame(), ["theme"], n_boot=200, seed=7))


@pytest.mark.filterwarnings("ignore::toolkit.intervals.SingleArticleWarning")
def test_bad_arguments():
    with pytest.raises(ToolkitError, match="missing column"):
        bootstrap_shares(_frame(), ["nope"])
    with pytest.raises(ToolkitError, match="level must be"):
        permutation_test(_frame(), ["theme"], level="doc")
    with pytest.raises(ToolkitError, match="ci must be"):
        bootstrap_shares(_frame(), ["theme"], ci=95)
    assert np.isfinite(bootstrap_shares(_frame(), ["theme"], n_boot=10).ci_low).all()


def test_exact_interval_for_one_article_matches_statsmodels():
    from statsmodels.stats.proportion import proportion_confint

    frame = pd.DataFrame({"year": 2023, "doc_id": "a", "theme": [1] + [0] * 20})
    out = cluster_shares(frame, ["theme"]).iloc[0]
    # 1 of 21 units: the exact interval is [0.0012, 0.2382] (a percentile bootstrap gives [0, 0.14]).
    assert (round(out.ci_low, 4), round(out.ci_high, 4)) == (0.0012, 0.2382)
    assert (out.ci_low, out.ci_high) == pytest.approx(proportion_confint(1, 21, method="beta"))
    assert out.articles == 1 and "within-article" in out.note
    low, high = clopper_pearson(0, 10)
    assert low == 0 and high == pytest.approx(1 - 0.025 ** (1 / 10))   # closed form when x = 0


def test_korn_graubard_interval_from_the_article_variance():
    from scipy.stats import beta, norm, t

    out = cluster_shares(_frame(), ["theme"]).set_index("year")
    # Year 1: articles with 1/4 and 3/4, p = 1/2. Between-article variance of the ratio:
    # k/(k-1) * ((1 - 2)^2 + (3 - 2)^2) / 8^2 = 2 * 2 / 64 = 1/16, so n_eff = p(1-p)/v = 4,
    # times (z / t_1)^2 for one degree of freedom.
    n_eff = 4 * (norm.ppf(0.975) / t.ppf(0.975, 1)) ** 2
    x = 0.5 * n_eff
    assert out.loc[1, "ci_low"] == pytest.approx(beta.ppf(0.025, x, n_eff - x + 1))
    assert out.loc[1, "ci_high"] == pytest.approx(beta.ppf(0.975, x + 1, n_eff - x))
    assert out.loc[1, "share"] == 0.5 and out.loc[1, "interval"].startswith("Korn-Graubard")
    # Year 2: one constant article: exact interval of 4 of 4.
    assert out.loc[2, "ci_high"] == 1.0 and out.loc[2, "ci_low"] == pytest.approx(0.025 ** (1 / 4))


def test_article_bootstrap_agrees_with_scipy_and_with_totals(sentences):
    from scipy.stats import bootstrap

    import toolkit as tk
    from toolkit.intervals import article_bootstrap

    units = sentences[(sentences.kind == "body") & sentences.duplicate_of.isna() & (sentences.year == 2017)]
    frame = pd.concat([units[["doc_id", "year"]].reset_index(drop=True),
                       tk.label_themes(units.text).astype(int).reset_index(drop=True)], axis=1)
    ours = article_bootstrap(frame, ["economic_diplomacy"], n_boot=20000, seed=1)
    # scipy's percentile bootstrap over the three 2017 articles, statistic = pooled ratio.
    sums = frame.groupby("doc_id").economic_diplomacy.sum().to_numpy(float)
    sizes = frame.groupby("doc_id").size().to_numpy(float)
    ref = bootstrap((np.arange(3),), lambda i, axis=-1: sums[i].sum(axis=axis) / sizes[i].sum(axis=axis),
                    n_resamples=20000, method="percentile", random_state=1, vectorized=True).confidence_interval
    assert ours.share[0] == pytest.approx(sums.sum() / sizes.sum())
    assert ours.ci_low[0] == pytest.approx(ref.low, abs=0.02) and ours.ci_high[0] == pytest.approx(ref.high, abs=0.02)
    totals = frame.groupby(["doc_id", "year"], as_index=False).economic_diplomacy.sum().assign(units=sizes)
    pd.testing.assert_frame_equal(article_bootstrap(totals, ["economic_diplomacy"], n_boot=20000, seed=1, size="units"), ours)


def test_cluster_shares_is_svyciprop_beta():
    """The interval of survey::svyciprop(method = "beta") written from its R source: the share's
    linearised variance between clusters, n_eff = p(1-p)/v scaled by (qt(a/2, n-1) / qt(a/2, k-1))^2,
    then qbeta(a/2, n_eff p, n_eff (1-p) + 1) and qbeta(1-a/2, n_eff p + 1, n_eff (1-p))."""
    from scipy.stats import beta, t

    rng = np.random.default_rng(5)
    sizes = rng.integers(3, 30, 7)
    frame = pd.DataFrame({"year": 2017, "doc_id": np.repeat(np.arange(7), sizes),
                          "theme": rng.random(sizes.sum()) < np.repeat(rng.uniform(0, 0.5, 7), sizes)})
    out = cluster_shares(frame, ["theme"]).iloc[0]
    n, k = sizes.sum(), 7
    y = frame.groupby("doc_id").theme.sum().to_numpy()
    p = y.sum() / n
    v = np.sum((y - p * sizes) ** 2) / n ** 2 * k / (k - 1)
    n_eff = p * (1 - p) / v * (t.ppf(0.025, n - 1) / t.ppf(0.025, k - 1)) ** 2
    assert out.ci_low == pytest.approx(beta.ppf(0.025, n_eff * p, n_eff * (1 - p) + 1), rel=1e-9)
    assert out.ci_high == pytest.approx(beta.ppf(0.975, n_eff * p + 1, n_eff * (1 - p)), rel=1e-9)
