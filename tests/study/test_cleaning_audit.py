"""The cleaning audit: its draw (strata, inclusion probabilities) and its scoring (alpha, weighted share)."""

import hashlib
import importlib.util

import numpy as np
import pandas as pd
import pytest

from conftest import DATA

AUDIT = DATA / "validation" / "cleaning"


def _load(name):
    spec = importlib.util.spec_from_file_location(f"cleaning_{name}", AUDIT / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


draw, score = _load("draw"), _load("score")


def test_allocation_gives_every_stratum_its_minimum_and_the_rest_by_size():
    sizes = pd.Series({"a/byline": 1186, "b/byline": 66, "b/dateline": 3, "c/source": 1})
    take = draw.allocate(sizes, 360, 15)
    assert take.sum() == 360
    assert (take <= sizes).all()
    assert take["b/dateline"] == 3 and take["c/source"] == 1        # small strata are taken whole
    # The rest (360 - 15 - 15 - 3 - 1 = 326) goes by size of what is left, 1171 : 51, that is
    # 312.4 : 13.6; the last line goes to the larger remainder (0.6).
    assert take["a/byline"] == 15 + 312 and take["b/byline"] == 15 + 14


def test_audit_half_is_the_odd_hash():
    assert draw.audit_half("hg2023") == (int(hashlib.sha256(b"hg2023").hexdigest(), 16) % 2 == 1)
    assert not draw.audit_half("hg2017c")   # its hash is even: a tuning document


def test_context_of_a_dateline_is_the_rest_of_its_own_line():
    pieces = [(1, "Tiêu đề"), (2, "TPO - Suốt cuộc trò chuyện, cô nhiều lần rớt nước mắt."), (3, "Hoàng Lê")]
    assert draw._context(pieces, 2, "TPO - ") == ("Tiêu đề", "Suốt cuộc trò chuyện, cô nhiều lần rớt nước mắt.")
    assert draw._context(pieces, 3, "Hoàng Lê") == ("TPO - Suốt cuộc trò chuyện, cô nhiều lần rớt nước mắt.", "")


def test_the_committed_sample_is_a_probability_sample_without_text():
    sample = pd.read_csv(AUDIT / "sample.csv")
    strata = pd.read_csv(AUDIT / "strata.csv")
    assert len(sample) >= 330 and sample["line_id"].is_unique
    assert sample["outlet"].nunique() >= 3
    assert not {"line", "text", "context_before", "context_after"} & set(sample.columns)
    assert sample["line_sha256"].str.fullmatch(r"[0-9a-f]{64}").all()
    assert np.allclose(sample["inclusion_prob"], sample["drawn"] / sample["stratum_size"], atol=1e-6)
    # Every stratum of the population is sampled, as many lines as strata.csv says.
    counts = sample.groupby(["corpus", "outlet", "rule"]).size()
    assert counts.to_dict() == strata.set_index(["corpus", "outlet", "rule"])["drawn"].to_dict()
    assert (strata["drawn"] >= 1).all()
    # Only audit-half documents, and only lines removed by a cleaning rule.
    from toolkit.clean import REASONS

    assert sample["doc_id"].map(draw.audit_half).all()
    assert set(sample["rule"]) <= set(REASONS)


def _sample():
    # Two strata: 100 bylines (4 coded) and 10 datelines (all 10 coded).
    return pd.DataFrame({
        "line_id": [f"L{i}" for i in range(14)],
        "rule": ["byline"] * 4 + ["dateline"] * 10,
        "stratum": ["x/byline"] * 4 + ["x/dateline"] * 10,
        "stratum_size": [100] * 4 + [10] * 10,
    }).set_index("line_id", drop=False)


def test_weighted_share_by_hand():
    sample = _sample()
    y = pd.Series([0, 0, 0, 1] + [0] * 8 + [1, 1], index=sample.index)
    result = score.weighted_share(sample, y)
    # Strata weights 100/110 and 10/110; shares 1/4 and 2/10.
    assert result["share_content"] == pytest.approx(100 / 110 * 0.25 + 10 / 110 * 0.2)
    # Variance: only the sampled-in-part stratum counts (the census stratum has fpc 0).
    var = (100 / 110) ** 2 * (1 - 4 / 100) * np.var([0, 0, 0, 1], ddof=1) / 4
    assert result["n_eff"] == pytest.approx(result["share_content"] * (1 - result["share_content"]) / var)
    assert result["ci_low"] < result["share_content"] < result["ci_high"]
    assert result["content_lines"] == pytest.approx(result["share_content"] * 110)


def test_no_content_found_gives_zero_with_an_upper_bound():
    sample = _sample()
    result = score.weighted_share(sample, pd.Series(0, index=sample.index))
    # Nothing found among 14 lines: Clopper-Pearson upper bound 1 - 0.025 ** (1 / 14).
    assert result["share_content"] == 0 and result["ci_low"] == 0
    assert result["ci_high"] == pytest.approx(1 - 0.025 ** (1 / 14))


def test_alpha_matches_the_textbook_example():
    # Five lines, one disagreement: alpha = 1 - 0.2 / (2 * 5 * 5 / (10 * 9)) = 0.64.
    a = pd.Series([1, 1, 0, 0, 1])
    b = pd.Series([1, 0, 0, 0, 1])
    assert score.alpha(a, b) == pytest.approx(0.64)


def test_codings_are_checked_with_file_and_line(tmp_path):
    sample = _sample().reset_index(drop=True)
    path = tmp_path / "coder.csv"
    codes = ["furniture"] * 12 + ["Content ", "maybe"]
    pd.DataFrame({"line_id": sample["line_id"], "code": codes}).to_csv(path, index=False)
    with pytest.raises(score.CodingError, match=rf"{path}, line 15: L13 has code 'maybe'"):
        score.read_coding(path, sample)
    pd.DataFrame({"line_id": sample["line_id"][:13], "code": codes[:13]}).to_csv(path, index=False)
    with pytest.raises(score.CodingError, match=r"1 sampled lines are not coded, e.g. L13"):
        score.read_coding(path, sample)
    pd.DataFrame({"line_id": sample["line_id"], "code": codes[:13] + ["furniture"]}).to_csv(path, index=False)
    read = score.read_coding(path, sample)
    assert read.tolist() == [0] * 12 + [1, 0]
