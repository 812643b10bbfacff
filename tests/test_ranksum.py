"""The article-level rank-sum test of word frequencies: equal to scipy's Mann-Whitney U term by term."""

import numpy as np
import pytest
import scipy.sparse as sp
from scipy import stats


def test_rank_sum_equals_scipy_term_by_term():
    from toolkit.ranksum import _Ranks

    rng = np.random.default_rng(3)
    counts = rng.poisson(rng.gamma(0.3, 1, (40, 30)))
    counts[:, 0] = 0
    counts[5, 0] = 2                                      # a term in one article only
    rel = counts / (counts.sum(axis=1, keepdims=True) + 1)
    target = np.arange(40) < 17
    p, auc = _Ranks(sp.csr_matrix(rel), np.ones(40)).test(target)      # relative frequencies over totals of 1
    for j in range(30):
        ref = stats.mannwhitneyu(rel[target, j], rel[~target, j], method="asymptotic")
        assert p[j] == pytest.approx(ref.pvalue, rel=1e-12, abs=1e-15)
        assert auc[j] == pytest.approx(ref.statistic / (17 * 23))


def test_rank_sum_in_blocks_of_terms_equals_one_block(monkeypatch):
    # Ranks are built a block of terms at a time (memory at hundreds of thousands of articles); the
    # blocks, and dividing counts by article totals inside each block, must not change any p-value.
    from toolkit.ranksum import _Ranks

    rng = np.random.default_rng(7)
    counts = rng.poisson(rng.gamma(0.3, 1, (60, 45)))
    counts[:, 3] = 0                                      # a term in no article
    counts[:, 4] = 0
    counts[2, 4] = 5                                      # ... and in one article only
    totals = counts.sum(axis=1).astype(float) + 1
    target = rng.random(60) < 0.4
    whole = _Ranks(sp.csr_matrix(counts), totals).test(target)
    monkeypatch.setattr(_Ranks, "BLOCK", 7)               # a few columns a block; a column longer than a block
    blocked = _Ranks(sp.csr_matrix(counts), totals)
    np.testing.assert_array_equal(blocked.test(target)[0], whole[0])
    np.testing.assert_array_equal(blocked.test(target)[1], whole[1])
    for j in (0, 4, 20, 44):
        rel = counts[:, j] / totals
        ref = stats.mannwhitneyu(rel[target], rel[~target], method="asymptotic")
        assert whole[0][j] == pytest.approx(ref.pvalue, rel=1e-12, abs=1e-15)
    assert whole[0][3] == 1.0
