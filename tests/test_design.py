"""Design-based estimation (toolkit/design.py): shares and regressions that stay right when the measurement errs."""

import numpy as np
import pandas as pd
import pytest
from scipy import stats

import toolkit as tk
from toolkit.design import pseudo_outcomes
from toolkit.sampling import _allocate


def _world(rng, n_articles=300, means=(0.15, 0.30), sens=(0.6, 0.9), fpr=(0.02, 0.10)):
    """A corpus whose true share differs by group and whose measurement errs differently by group.

    Articles carry their own propensity (Beta, mean ``means[g]``), so sentences cluster within
    articles; the measurement finds a true sentence with probability ``sens[g]`` and flags a false
    one with probability ``fpr[g]``. The truth of a group is the mean of its propensities' law.
    """
    group = np.repeat([0, 1], n_articles // 2)
    size = rng.poisson(8, n_articles) + 1
    conc = 4.0
    p = rng.beta(np.take(means, group) * conc, (1 - np.take(means, group)) * conc)
    doc = np.repeat(np.arange(n_articles), size)
    g = group[doc]
    y = rng.random(len(doc)) < p[doc]
    f = np.where(y, rng.random(len(doc)) < np.take(sens, g), rng.random(len(doc)) < np.take(fpr, g))
    units = pd.DataFrame({"unit_id": [f"u{i}" for i in range(len(doc))], "doc_id": doc, "year": np.where(g, 2023, 2012),
                          "text": "", "kind": "body"})
    units["duplicate_of"] = pd.Series(pd.NA, index=units.index, dtype="string")
    return units, y.astype(int), f.astype(int)


def _one(rng, n=300):
    units, y, f = _world(rng)
    labels = pd.DataFrame({"economic_diplomacy": f}, index=units.index)
    # stratified by year x automated label: positives are oversampled
    strata = units.year.astype(str) + "/" + pd.Series(f, index=units.index).astype(str)
    sizes = strata.value_counts().sort_index()
    alloc = _allocate(sizes, n, 2)
    picked = []
    for s, size in sizes.items():
        idx = np.flatnonzero((strata == s).to_numpy())
        take = rng.choice(idx, size=alloc[s], replace=False)
        picked.append(pd.DataFrame({"unit_id": units.unit_id.to_numpy()[take], "inclusion_prob": alloc[s] / size,
                                    "economic_diplomacy": y[take]}))
    coded = pd.concat(picked, ignore_index=True)
    return tk.design_based_shares(units, coded, by="year", labels=labels)


def test_design_based_shares_are_unbiased_and_cover_by_simulation():
    """1,000 corpora and samples: bias within 0.01 and 95% coverage in [0.93, 0.97] in each group,
    while the automated share is biased by the measurement's group-specific errors."""
    rng = np.random.default_rng(20261205)
    truth = {2012: 0.15, 2023: 0.30}
    results = pd.concat([_one(rng).assign(rep=r) for r in range(1000)], ignore_index=True)
    for year, part in results.groupby("year"):
        bias = part.estimate.mean() - truth[year]
        cover = ((part.ci_low <= truth[year]) & (truth[year] <= part.ci_high)).mean()
        naive_bias = part.automated.mean() - truth[year]
        assert abs(bias) <= 0.01, (year, bias)
        assert 0.93 <= cover <= 0.97, (year, cover)
        assert abs(naive_bias) > 0.03, (year, naive_bias)   # -0.043 and +0.04 expected


def _simple_random_sample(rng, n_all, n, prevalence, sensitivity, false_positive, theme):
    """A corpus of one-unit articles with true codes ``y`` and automated labels ``f``, a simple random sample
    ``take`` of ``n`` coded units, and the design-based share of ``theme``."""
    y = (rng.random(n_all) < prevalence).astype(int)
    f = np.where(y == 1, rng.random(n_all) < sensitivity, rng.random(n_all) < false_positive).astype(int)
    units = pd.DataFrame({"unit_id": np.arange(n_all).astype(str), "doc_id": np.arange(n_all), "text": ""})
    take = np.sort(rng.choice(n_all, n, replace=False))
    coded = pd.DataFrame({"unit_id": units.unit_id[take], "inclusion_prob": n / n_all, theme: y[take]})
    return y, f, take, tk.design_based_shares(units, coded, labels=pd.DataFrame({theme: f}))


def test_equals_prediction_powered_inference_under_simple_random_sampling():
    """With a simple random sample, one unit per article and lambda = 1, the estimate is the PPI mean
    (Angelopoulos et al. 2023, eq. 2) and the interval its CLT interval up to the variance's small terms."""
    y, f, take, out = _simple_random_sample(np.random.default_rng(3), 4000, 400, 0.2, 0.8, 0.05, "border_security")
    n_all, n = len(y), len(take)
    ppi = f.mean() - (f[take] - y[take]).mean()
    assert out.estimate.iloc[0] == pytest.approx(ppi, abs=1e-12)
    # PPI's standard error: sqrt(var(f)/N + var(f - y)/n) over the unlabelled (all) and labelled units
    se_ppi = np.sqrt(f.var(ddof=1) / n_all + (f[take] - y[take]).var(ddof=1) / n)
    assert out.se.iloc[0] == pytest.approx(se_ppi, rel=0.05)
    half = stats.t.ppf(0.975, n_all - 1) * out.se.iloc[0]
    assert out.ci_high.iloc[0] - out.estimate.iloc[0] == pytest.approx(half)


def test_equals_the_reference_implementation_of_prediction_powered_inference():
    """ppi_py (Angelopoulos et al.'s package) with lambda = 1, the unlabelled predictions being every unit's:
    the same point estimate to rounding, the same interval up to our t quantile and small-sample factor."""
    from ppi_py import ppi_mean_ci, ppi_mean_pointestimate

    y, f, take, out = _simple_random_sample(np.random.default_rng(11), 5000, 300, 0.12, 0.7, 0.04, "economic_diplomacy")
    y, f, out = y.astype(float), f.astype(float), out.iloc[0]
    point = float(np.ravel(ppi_mean_pointestimate(y[take], f[take], f, lam=1))[0])
    low, high = (float(np.ravel(v)[0]) for v in ppi_mean_ci(y[take], f[take], f, alpha=0.05, lam=1))
    assert out.estimate == pytest.approx(point, abs=1e-12)
    assert out.ci_low == pytest.approx(low, abs=0.004) and out.ci_high == pytest.approx(high, abs=0.004)
    assert (out.ci_high - out.ci_low) / (high - low) == pytest.approx(1, abs=0.05)


def test_a_perfect_measurement_needs_no_correction():
    rng = np.random.default_rng(0)
    units, y, _ = _world(rng)
    labels = pd.DataFrame({"people_to_people": y}, index=units.index)
    take = rng.choice(len(units), 100, replace=False)
    coded = pd.DataFrame({"unit_id": units.unit_id.to_numpy()[take], "inclusion_prob": 100 / len(units),
                          "people_to_people": y[take]})
    out = tk.design_based_shares(units, coded, by="year", labels=labels)
    np.testing.assert_allclose(out.estimate, out.automated)


def test_groups_without_codes_keep_the_automated_share_without_an_interval():
    units = pd.DataFrame({"unit_id": list("abcd"), "doc_id": [1, 1, 2, 3], "year": [2012, 2012, 2023, 2023], "text": ""})
    labels = pd.DataFrame({"border_security": [1, 0, 1, 1]})
    coded = pd.DataFrame({"unit_id": ["a", "b"], "inclusion_prob": 1.0, "border_security": [0, 0]})
    out = tk.design_based_shares(units, coded, by="year", labels=labels).set_index("year")
    assert out.loc[2012, "estimate"] == 0 and out.loc[2012, "n_coded"] == 2
    assert out.loc[2023, "estimate"] == 1 and np.isnan(out.loc[2023, "ci_low"]) and out.loc[2023, "n_coded"] == 0


def test_coded_units_are_checked():
    units = pd.DataFrame({"unit_id": list("ab"), "doc_id": [1, 2], "text": ""})
    labels = pd.DataFrame({"border_security": [1, 0]})
    with pytest.raises(tk.ToolkitError, match="inclusion_prob"):
        tk.design_based_shares(units, pd.DataFrame({"unit_id": ["a"], "inclusion_prob": 0, "border_security": 1}), labels=labels)
    with pytest.raises(tk.ToolkitError, match="coded twice"):
        tk.design_based_shares(units, pd.DataFrame({"unit_id": ["a", "a"], "inclusion_prob": 0.5, "border_security": 1}), labels=labels)
    with pytest.raises(tk.ToolkitError, match="not among the measured units"):
        tk.design_based_shares(units, pd.DataFrame({"unit_id": ["z"], "inclusion_prob": 0.5, "border_security": 1}), labels=labels)


def test_regression_recovers_the_difference_the_measurement_hides():
    rng = np.random.default_rng(11)
    units, y, f = _world(rng, n_articles=600)
    labels = pd.DataFrame({"economic_diplomacy": f}, index=units.index)
    take = rng.choice(len(units), 800, replace=False)
    coded = pd.DataFrame({"unit_id": units.unit_id.to_numpy()[take], "inclusion_prob": 800 / len(units),
                          "economic_diplomacy": y[take]})
    fit = tk.design_based_regression(units, coded, "economic_diplomacy", "C(year)", labels=labels).set_index("term")
    row = fit.loc["C(year)[T.2023]"]
    assert row.ci_low <= 0.15 <= row.ci_high          # the true difference, 0.30 - 0.15
    assert row.coef_automated > 0.20                   # the measurement's errors inflate it (0.23 expected)
    assert not row.ci_low <= row.coef_automated <= row.ci_high


def test_pseudo_outcomes_of_uncoded_units_are_the_automated_labels():
    units = pd.DataFrame({"unit_id": list("abc"), "doc_id": [1, 1, 2], "text": ""})
    labels = pd.DataFrame({"border_security": [1, 0, 1]})
    coded = pd.DataFrame({"unit_id": ["b"], "inclusion_prob": 0.25, "border_security": [1]})
    out = pseudo_outcomes(units, coded, labels=labels)
    assert out.border_security.tolist() == [1, 4, 1]
