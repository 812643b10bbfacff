"""Intervals, permutation tests, multiplicity and misclassification corrections on hand-checkable data."""

import numpy as np
import pandas as pd
import pytest

from toolkit.errors import ToolkitError
from toolkit.stats import (
    SingleArticleWarning, adjust_p, bootstrap_shares, clopper_pearson, cluster_shares, corrected_shares,
    pairwise_tests, permutation_test, rogan_gladen,
)


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


@pytest.mark.filterwarnings("ignore::toolkit.stats.SingleArticleWarning")
def test_bootstrap_is_deterministic_given_the_seed():
    first = bootstrap_shares(_frame(), ["theme"], n_boot=200, seed=7)
    assert first.equals(bootstrap_shares(_frame(), ["theme"], n_boot=200, seed=7))


def test_article_level_permutation_enumerates_assignments():
    # Two articles per group, perfectly separated: of the C(4,2) = 6 ways to pick the
    # two "group a" articles, only the observed one and its mirror reach |diff| = 1.
    frame = pd.DataFrame({"year": [1] * 4 + [2] * 4, "doc_id": list("aabbccdd"), "theme": [1] * 4 + [0] * 4})
    out = permutation_test(frame, ["theme"], level="article")
    assert out.loc[0, ["difference", "permutations"]].tolist() == [1.0, 6]
    assert out.loc[0, "p_value"] == pytest.approx(2 / 6)
    # Two articles a side: every assignment's complement mirrors it, so 2/6 is the floor.
    assert out.loc[0, "min_p"] == pytest.approx(2 / 6)


def test_one_article_against_one_can_never_reject():
    frame = pd.DataFrame({"year": [1] * 5 + [2] * 5, "doc_id": list("aaaaabbbbb"), "theme": [1] * 5 + [0] * 5})
    out = permutation_test(frame, ["theme"], level="article")
    # Two assignments, mirror images of each other: p is always 1.
    assert out.loc[0, ["permutations", "p_value", "min_p"]].tolist() == [2, 1.0, 1.0]


def test_unit_level_permutation_detects_separation():
    frame = pd.DataFrame({"year": [1] * 10 + [2] * 10, "doc_id": ["a"] * 10 + ["b"] * 10,
                          "theme": [1] * 10 + [0] * 10})
    out = permutation_test(frame, ["theme"], level="unit", n_permutations=2000, seed=0)
    # Only 2 of the C(20,10) = 184,756 relabellings are as extreme as the data, so
    # 2,000 random relabellings should find almost none: p close to 1/2001.
    assert out.loc[0, "p_value"] < 0.005
    mixed = frame.assign(theme=[1, 0] * 10)   # same share in both groups: nothing to detect
    assert permutation_test(mixed, ["theme"], n_permutations=2000).loc[0, "p_value"] > 0.5


@pytest.mark.filterwarnings("ignore::toolkit.stats.SingleArticleWarning")
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


def test_adjusted_p_values_by_hand():
    p = [0.01, 0.04, 0.03, 0.20]
    # Holm: sorted 0.01, 0.03, 0.04, 0.20 times 4, 3, 2, 1 -> 0.04, 0.09, 0.08 -> monotone 0.09, 0.20.
    assert adjust_p(p, "holm").round(4).tolist() == [0.04, 0.09, 0.09, 0.2]
    # Benjamini-Hochberg: p * 4 / rank -> 0.04, 0.08, 0.06, 0.20; step-up minimum -> 0.0533 for ranks 2-3.
    assert adjust_p(p, "fdr_bh").round(4).tolist() == [0.04, 0.0533, 0.0533, 0.2]
    assert np.isnan(adjust_p([np.nan, 0.01], "holm")[0]) and adjust_p([np.nan, 0.01], "holm")[1] == 0.01
    with pytest.raises(ToolkitError, match="adjust"):
        adjust_p(p, "bonferoni")


def test_pairwise_tests_by_hand_on_units_and_on_article_totals():
    # Six articles of two units; x positives per article 2, 2, 1 | 0, 0, 1: observed difference 4/6.
    # Of the 20 ways to put three articles in the first group, 4 reach |difference| >= 4/6
    # (sums 5 or 1 of 6): p = 0.2. y has one positive per article: difference 0, p = 1.
    # Benjamini-Hochberg over the two tests: 0.2 * 2 / 1 = 0.4, and 1.0.
    totals = pd.DataFrame({"doc_id": list("abcdef"), "year": [2012] * 3 + [2023] * 3, "units": 2,
                           "x": [2, 2, 1, 0, 0, 1], "y": 1})
    units = totals.loc[totals.index.repeat(2), ["doc_id", "year"]].reset_index(drop=True)
    units["x"] = [1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 1, 0]
    units["y"] = [1, 0] * 6
    for frame, size in ((units, None), (totals, "units")):
        out = pairwise_tests(frame, ["x", "y"], level="article", adjust="fdr_bh", size=size)
        assert out.p_value.round(10).tolist() == [0.2, 1.0]
        assert out.p_adjusted.round(10).tolist() == [0.4, 1.0]
        assert out.adjustment.tolist() == ["fdr_bh, 2 tests"] * 2
        assert out.difference.round(10).tolist() == [round(4 / 6, 10), 0.0]
    with pytest.raises(ToolkitError, match="adjust"):
        pairwise_tests(units, ["x"], adjust="bonferoni")


def test_rogan_gladen_and_identifiability():
    # 30% apparent, sensitivity 0.8, specificity 0.9: (0.3 + 0.9 - 1) / 0.7 = 0.2857.
    assert float(rogan_gladen(0.3, 0.8, 0.9)) == pytest.approx(0.2 / 0.7)
    assert float(rogan_gladen(0.05, 0.8, 0.9)) == 0.0            # below the false-alarm rate: clipped
    frame = pd.DataFrame({"year": [1] * 10, "doc_id": ["a"] * 10, "t": [1] * 3 + [0] * 7})
    # Validation: 5 coded positives, 4 found; 10 coded negatives, 1 false alarm.
    pairs = pd.DataFrame({"t__true": [1] * 5 + [0] * 10, "t__pred": [1] * 4 + [0] + [1] + [0] * 9})
    out = corrected_shares(frame, pairs, ["t"], n_boot=500, seed=0).iloc[0]
    assert (out.sensitivity, out.specificity) == (0.8, 0.9)
    assert out.corrected == pytest.approx(0.2 / 0.7)
    assert out.ci_low <= out.corrected <= out.ci_high and out.note == ""
    useless = pd.DataFrame({"t__true": [1, 1, 0, 0], "t__pred": [1, 0, 1, 0]})   # J = 0
    assert "not identifiable" in corrected_shares(frame, useless, ["t"], n_boot=50).iloc[0].note
    no_positives = pd.DataFrame({"t__true": [0, 0], "t__pred": [0, 1]})
    assert "no coded positives" in corrected_shares(frame, no_positives, ["t"], n_boot=50).iloc[0].note


def test_per_article_totals_give_the_same_shares_and_tests(sentences):
    # A streamed corpus keeps per-article counts only; intervals and article-level tests must not change.
    import toolkit as tk
    from toolkit.stats import cluster_shares, permutation_test

    units = sentences[(sentences.kind == "body") & sentences.duplicate_of.isna()]
    labels = tk.label_themes(units).astype(int)       # units of articles: read with their context
    frame = pd.concat([units[["doc_id", "year"]].reset_index(drop=True), labels.reset_index(drop=True)], axis=1)
    themes = list(labels.columns)
    totals = frame.groupby(["doc_id", "year"], as_index=False)[themes].sum()
    totals["units"] = frame.groupby(["doc_id", "year"]).size().to_numpy()
    # Split one article's totals over two rows, as two shards of an archive might hold it.
    first = totals.iloc[[0]].copy()
    half = {t: first[t].iloc[0] // 2 for t in themes}
    rest = first.assign(units=first.units - 10, **{t: first[t] - half[t] for t in themes})
    part = first.assign(units=10, **half)
    split = pd.concat([rest, part, totals.iloc[1:]], ignore_index=True)
    assert (split[themes].to_numpy() <= split[["units"]].to_numpy()).all()
    expected = cluster_shares(frame, themes)
    for rows in (totals, split):
        got = cluster_shares(rows, themes, size="units")
        pd.testing.assert_frame_equal(got, expected)
        tests = permutation_test(rows, themes, level="article", size="units")
        pd.testing.assert_frame_equal(tests, permutation_test(frame, themes, level="article"))
    assert expected.units.tolist()[:3] == [21, 21, 21]    # 2012: 21 body sentences once repeats are dropped
    pd.testing.assert_frame_equal(expected.rename(columns={"measure": "theme"}), tk.theme_shares(sentences))
    with pytest.raises(ToolkitError, match="level='article'"):
        permutation_test(totals, themes, size="units")
    with pytest.raises(ToolkitError, match="between 0 and"):
        cluster_shares(totals.assign(units=0), themes, size="units")


def test_article_bootstrap_agrees_with_scipy_and_with_totals(sentences):
    from scipy.stats import bootstrap

    import toolkit as tk
    from toolkit.stats import article_bootstrap

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
