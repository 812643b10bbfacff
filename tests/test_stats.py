"""Cluster bootstrap and permutation tests on small hand-checkable data."""

import numpy as np
import pandas as pd
import pytest

from toolkit.errors import ToolkitError
from toolkit.stats import SingleArticleWarning, bootstrap_shares, permutation_test


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
    assert out.loc[0, "min_p"] == pytest.approx(1 / 6)


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
