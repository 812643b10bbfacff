"""Keyness, log-odds, TF-IDF, KWIC and collocations, checked against hand-worked values."""

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp

import toolkit as tk
from toolkit.features import DFM, dfm
from toolkit.keywords import class_tfidf, collocations, keyness, kwic, log_odds, top_tfidf


def _table(rows, terms, groups):
    return DFM(sp.csr_matrix(np.array(rows)), np.array(terms, dtype=object), pd.DataFrame({"year": groups}))


# A 2x2 keyness table worked by hand:
#                 target  reference
#   term "x"         10        20      | 30
#   other terms      90       380      | 470
#                   100       400      | 500
# Expected counts E = row * col / N: 6, 24, 94, 376.
# chi2 = 4^2/6 + 4^2/24 + 4^2/94 + 4^2/376 = 2.666667 + 0.666667 + 0.170213 + 0.042553 = 3.546099
# Yates: 3.5^2 * (1/6 + 1/24 + 1/94 + 1/376) = 12.25 * 0.221631 = 2.714982
# G2 = 2 * (10 ln(10/6) + 20 ln(20/24) + 90 ln(90/94) + 380 ln(380/376))
#    = 2 * (5.108256 - 3.646431 - 3.913660 + 4.021202) = 3.138734
KEY = _table([[10, 90], [20, 380]], ["x", "y"], [2012, 2023])


def test_keyness_chi2_by_hand():
    out = keyness(KEY, 2012, measure="chi2").set_index("term")
    assert out.loc["x", "chi2"] == pytest.approx(3.546099, abs=1e-5)
    assert out.loc["x", ["target", "reference"]].tolist() == [10, 20]
    assert out.loc["y", "chi2"] == pytest.approx(-3.546099, abs=1e-5)   # under-represented: negative
    yates = keyness(KEY, 2012, measure="chi2", correction="yates").set_index("term")
    assert yates.loc["x", "chi2"] == pytest.approx(2.714982, abs=1e-5)


def test_keyness_likelihood_ratio_by_hand():
    out = keyness(KEY, 2012, measure="lr").set_index("term")
    assert out.loc["x", "G2"] == pytest.approx(3.138734, abs=1e-5)
    assert out.loc["x", "p"] == pytest.approx(0.076, abs=0.001)   # chi-square(1) tail at 3.14
    # Relative frequency 10/100 against 20/400: log2 ratio about 1 (with +0.5 smoothing).
    assert out.loc["x", "log_ratio"] == pytest.approx(np.log2((10.5 / 100.5) / (20.5 / 400.5)))


# Log-odds with the corpus prior, worked by hand. Counts: A: x=3, y=1; B: x=1, y=3.
# Prior a_w = corpus counts: a_x = a_y = 4, a0 = 8; n_A = n_B = 4.
# delta_x(A) = ln((3+4)/(4+8-3-4)) - ln((1+4)/(4+8-1-4)) = ln(7/5) - ln(5/7) = 0.672944
# var = 1/(3+4) + 1/(1+4) = 0.342857; z = 0.672944 / 0.585540 = 1.149272
def test_log_odds_by_hand():
    out = log_odds(_table([[3, 1], [1, 3]], ["x", "y"], ["A", "B"])).set_index(["group", "term"])
    assert out.loc[("A", "x"), "log_odds"] == pytest.approx(0.672944, abs=1e-6)
    assert out.loc[("A", "x"), "z"] == pytest.approx(1.149272, abs=1e-6)
    assert out.loc[("B", "x"), "z"] == pytest.approx(-1.149272, abs=1e-6)
    assert out.loc[("A", "y"), "z"] == pytest.approx(-1.149272, abs=1e-6)


@pytest.fixture(scope="module")
def body(sentences):
    units = sentences[(sentences.kind == "body") & sentences.duplicate_of.isna()]
    return tk.tokenize_units(units, cache=False).reset_index(drop=True)


def test_distinctive_terms_of_2023_on_the_corpus(body):
    by_year = dfm(body, by="year")
    lo = log_odds(by_year)
    top2023 = lo[lo.group == "2023"].head(15).term.tolist()
    # hg2023 alone speaks of loans ("vốn vay ODA", five times) and of seasonal labour
    # sent to Boeun and Hadong (Korea); no other article uses "vay" or "thời vụ".
    assert top2023[:2] == ["vay", "vốn"] and {"thời_vụ", "boeun"} <= set(top2023)
    g2 = keyness(by_year, 2023).set_index("term")
    assert g2.index[0] == "vay" and g2.loc["vay", ["target", "reference"]].tolist() == [5, 0]
    assert g2.loc["vay", "p"] < 0.001


def test_tfidf_tables(body):
    by_year = dfm(body, by="year")
    for table, score in ((top_tfidf(by_year, 5), "tfidf"), (class_tfidf(by_year, 5), "ctfidf")):
        assert table.groupby("group").size().tolist() == [5, 5, 5]
        assert (table.groupby("group")[score].apply(lambda s: s.is_monotonic_decreasing)).all()


def test_kwic_matches_across_word_boundaries(body):
    lines = kwic(body, "cửa khẩu", window=3)
    # "mở cửa khẩu" in hg2023 is one pyvi word (mở_cửa_khẩu) without the toolkit's fix.
    assert "hg2023:p05s02" in set(lines.unit_id)
    assert (lines.keyword.str.lower() == "cửa khẩu").all()
    texts = body.set_index("unit_id").text
    assert all(tk.normalize_text(texts[u])[s:e] == k for u, s, e, k in zip(lines.unit_id, lines.start, lines.end, lines.keyword))
    assert len(lines.iloc[0].pre.split()) <= 3


def test_collocations_find_multiword_names(body):
    out = collocations(body, min_count=3)
    assert {"triệu usd", "hội_nhập quốc_tế"} <= set(out.collocation)
    assert (out.G2 > 0).all() and out.G2.is_monotonic_decreasing
