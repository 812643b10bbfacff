"""Permutation tests, multiplicity and misclassification corrections on hand-checkable data."""

import numpy as np
import pandas as pd
import pytest

from toolkit.errors import ToolkitError
from toolkit.stats import adjust_p, corrected_shares, pairwise_tests, permutation_test, rogan_gladen


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
    from toolkit.intervals import cluster_shares
    from toolkit.stats import permutation_test

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

