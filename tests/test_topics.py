"""Topic models on corpus sentences and on constructed data: seeds, selection of k, coherence, shares."""

import warnings

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp

import toolkit as tk
from toolkit.features import DFM, dfm
from toolkit.topics import (
    SeedTermsWarning, TopicModel, choose_k, compare_topics, fit_topics, match_topics, seed_effect, seed_terms,
    topic_coherence,
    topic_selection, topic_shares, topic_stability, topic_terms,
)


@pytest.fixture(scope="module")
def body(sentences):
    units = sentences[(sentences.kind == "body") & sentences.duplicate_of.isna()]
    return tk.tokenize_units(units, cache=False).reset_index(drop=True)


@pytest.fixture(scope="module")
def counts(body):
    return dfm(body, min_docs=2)


def _counts(rows, terms):
    return DFM(sp.csr_matrix(np.array(rows, dtype=float)), np.array(terms, dtype=object),
               pd.DataFrame(index=range(len(rows))))


# Two clear groups of words: a-words (units 0-5) and b-words (units 6-11), each unit from one group.
TERMS = ["a1", "a2", "a3", "b1", "b2", "b3"]
ROWS = [[3, 2, 1, 0, 0, 0], [2, 3, 2, 0, 0, 0], [1, 2, 3, 0, 0, 0]] * 2 + [[0, 0, 0, 3, 2, 1], [0, 0, 0, 2, 3, 2],
                                                                         [0, 0, 0, 1, 2, 3]] * 2
TWO = _counts(ROWS, TERMS)


@pytest.mark.parametrize("method", ["nmf", "lda", "seeded_lda"])
def test_models_fit_and_give_unit_shares(counts, body, method):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SeedTermsWarning)
        model = fit_topics(counts, n_topics=3, method=method, seed=0)
        again = fit_topics(counts, n_topics=3, method=method, seed=0)
    assert model.components.shape == (3, len(counts.terms))
    assert np.allclose(model.components.sum(axis=1), 1.0)
    sums = model.unit_topics.sum(axis=1)
    assert np.allclose(sums[sums > 0], 1.0)
    assert topic_terms(model, n=5).groupby("topic").size().tolist() == [5, 5, 5]
    assert np.allclose(model.components, again.components)   # one worker, fixed seed: reproducible
    assert np.allclose(model.unit_topics, again.unit_topics)


def test_seeded_lda_follows_its_seeds():
    # Seeding "b1" and "b2" puts the b-words in the first topic whatever the random start; without
    # seeds the order of the two topics is arbitrary (a single seed word is not always enough here).
    seeds = pd.DataFrame({"theme": ["bees", "bees"], "token": ["b1", "b2"]})
    unseeded_first = set()
    for seed in range(6):
        plain = topic_terms(fit_topics(TWO, n_topics=2, method="lda", seed=seed), n=1)
        unseeded_first.add(plain.term.iloc[0][0])
        model = fit_topics(TWO, n_topics=2, method="seeded_lda", seeds=seeds, seed=seed)
        assert model.labels == ("seed:bees", "topic_2")
        top = topic_terms(model, n=3)
        assert set(top[top.topic == "seed:bees"].term) == {"b1", "b2", "b3"}
        assert model.unit_topics[6:, 0].mean() > 0.8 and model.unit_topics[:6, 0].mean() < 0.2
        assert model.seeds.in_topic.tolist() == [1.0, 1.0]
    assert unseeded_first == {"a", "b"}


def test_seed_terms_checked_against_the_vocabulary(counts):
    with pytest.warns(SeedTermsWarning, match="buôn lậu"):
        table = seed_terms(counts)
    found = table.set_index(["theme", "term"])
    # "cửa khẩu" is a whole token of the vocabulary (in both trade and security senses);
    # "buôn lậu" (smuggling) never occurs in the corpus.
    assert found.loc[("border_security", "cửa khẩu"), "token"] == "cửa_khẩu"
    assert found.loc[("border_security", "cửa khẩu"), "count"] == counts.totals()["cửa_khẩu"]
    assert not found.loc[("border_security", "buôn lậu"), "in_vocabulary"]
    assert set(table[table.in_vocabulary].token) <= set(counts.terms)


def test_seeding_changes_the_solution_on_the_corpus(counts):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SeedTermsWarning)
        seeded = fit_topics(counts, n_topics=3, method="seeded_lda", seed=0)
    plain = fit_topics(counts, n_topics=3, method="lda", seed=0)
    moved = compare_topics(plain, seeded)
    assert sorted(moved.topic_b) == sorted(seeded.labels)
    assert moved.cosine.min() < 0.9
    # Seeds are soft: a seed token joins its topic unless its units belong strongly to another
    # ("phi_chính_phủ", NGOs, sits in the ODA-and-projects sentences). Compared with the unseeded
    # model (its topics matched to the seeded ones), seeding moves the seed tokens into their topics.
    seeds = seeded.seeds
    effect = seed_effect(plain, seeded)
    assert "cửa_khẩu" not in set(effect.token)   # it seeds two themes
    assert effect.in_topic.mean() > 0.8
    assert effect.in_topic.mean() > effect.in_topic_unseeded.mean() + 0.2
    # "cửa_khẩu" seeds two themes (trade and border control): its shares in the two add up to at most 1.
    assert seeds[seeds.token == "cửa_khẩu"].in_topic.sum() <= 1 + 1e-9


def test_npmi_by_hand():
    # Units: a and b always together (NPMI 1), a and c never (-1), a and d independent (0).
    X = _counts([[1, 1, 0, 1], [1, 1, 0, 0], [0, 0, 1, 1], [0, 0, 1, 0]], ["a", "b", "c", "d"])
    H = np.array([[0.4, 0.3, 0.0, 0.0], [0.4, 0.0, 0.3, 0.0], [0.4, 0.0, 0.0, 0.3]])
    model = TopicModel("nmf", H, np.zeros((4, 3)), X.terms, ("ab", "ac", "ad"), 0)
    out = topic_coherence(model, X, n=2).set_index("topic")
    assert out.npmi.tolist() == pytest.approx([1.0, -1.0, 0.0], abs=1e-12)
    assert out.pairs.tolist() == [1, 1, 1]


def test_matching_undoes_a_permutation():
    H = np.array([[1.0, 0, 0, 1], [0, 1, 0, 0], [0, 0, 1, 1]])
    assert match_topics(H, H[[2, 0, 1]]) == pytest.approx([1, 1, 1])
    # Orthogonal topics against themselves rotated one place: matched cosine 0.5 for the two with overlap.
    assert match_topics(H[:2], H[[1, 0]]) == pytest.approx([1, 1])


def test_selection_prefers_the_true_number_of_topics_and_respects_caps():
    units = pd.DataFrame({"doc_id": [f"d{i // 2}" for i in range(12)]})
    table = topic_selection(TWO, units, ks=[2, 3], method="nmf", n_boot=10, max_resamples=4, top_n=3)
    assert set(table.measure) == {"bootstrap units", "leave one article out", "NPMI"}
    boot = table[table.measure == "bootstrap units"].set_index("k")
    assert boot.loc[2, "mean"] > 0.99 and boot.loc[2, "n"] == 4   # n_boot capped at max_resamples
    assert table[table.measure == "leave one article out"].n.tolist() == [4, 4]   # 6 articles, 4 left out
    npmi = table[table.measure == "NPMI"].set_index("k")
    assert npmi.loc[2, "mean"] == pytest.approx(1.0)   # a topic's three words are in the same six units
    assert choose_k(table) == 2
    capped = topic_selection(TWO, units, ks=[2], method="lda", n_boot=2, max_units=8, max_resamples=3, max_iter=50)
    assert capped.n.tolist() == [2, 3, 2]   # 2 bootstrap fits, 3 of the articles left out in turn, 2 topics


def test_shares_by_group_with_intervals_and_empty_units(counts, body):
    model = fit_topics(counts, n_topics=3, method="nmf")
    shares = topic_shares(model, body, by="year", n_boot=200)
    assert shares.year.unique().tolist() == [2012, 2017, 2023]
    assert np.allclose(shares.groupby("year").share.sum(), 1.0)
    assert ((shares.ci_low <= shares.share + 1e-12) & (shares.share <= shares.ci_high + 1e-12)).all()
    has_tokens = model.unit_topics.sum(axis=1) > 0
    expected_empty = pd.Series(~has_tokens).groupby(body.year.to_numpy()).mean()
    assert shares.groupby("year").empty_units.first().tolist() == pytest.approx(expected_empty.tolist())
    assert shares.groupby("year").units.first().tolist() == pd.Series(has_tokens).groupby(body.year.to_numpy()).sum().tolist()


def test_shares_by_any_grouping_column(counts, body):
    # Five articles as groups: each article's shares sum to 1 and its interval covers its share.
    model = fit_topics(counts, n_topics=2, method="nmf")
    shares = topic_shares(model, body, by="doc_id", n_boot=100)
    assert sorted(shares.doc_id.unique()) == sorted(body.doc_id.unique()) and len(shares) == 2 * body.doc_id.nunique()
    assert np.allclose(shares.groupby("doc_id").share.sum(), 1.0)
    assert (shares.articles == 1).all()
    with pytest.raises(tk.ToolkitError, match="no column"):
        topic_shares(model, body, by="month")


def test_transform_applies_to_new_units(counts, body):
    for method in ("nmf", "lda"):
        model = fit_topics(counts, n_topics=2, method=method, seed=0)
        again = model.transform(counts)
        assert again.shape == model.unit_topics.shape
        agree = (again.argmax(axis=1) == model.unit_topics.argmax(axis=1)).mean()
        assert agree > 0.8, method
    # A new unit with an unknown term and a known one; a unit with only unknown terms gets zeros.
    new = _counts([[1, 2], [3, 0]], ["không_có_trong_từ_điển", counts.terms[0]])
    out = fit_topics(counts, n_topics=2, method="lda", seed=0).transform(new)
    assert np.allclose(out[0].sum(), 1) and np.allclose(out[1], 0)


def test_stability_across_seeds(counts):
    table = topic_stability(counts, n_topics=3, method="lda", seeds=range(3))
    assert table.seeds.tolist() == [2, 2, 2]
    assert ((0 <= table.min_similarity) & (table.min_similarity <= table.mean_similarity)
            & (table.mean_similarity <= 1 + 1e-9)).all()


def test_bad_arguments(counts, body):
    with pytest.raises(tk.ToolkitError, match="method must be one of"):
        fit_topics(counts, method="bertopic")
    with pytest.raises(tk.ToolkitError, match="seeded_lda"):
        fit_topics(counts, method="seeded_nmf")
    with pytest.raises(tk.ToolkitError, match="n_topics must be between"):
        fit_topics(counts, n_topics=0)
    with pytest.raises(tk.ToolkitError, match="seed_weight"):
        fit_topics(counts, method="seeded_lda", seed_weight=0)
    with pytest.raises(tk.ToolkitError, match="no seed term"):
        fit_topics(counts, method="seeded_lda", seeds=pd.DataFrame({"theme": ["x"], "token": [""]}))
    with pytest.raises(tk.ToolkitError, match="at least two seeds"):
        topic_stability(counts, seeds=[0])
    with pytest.raises(tk.ToolkitError, match="ks must be"):
        topic_selection(counts, body, ks=[1])
    with pytest.raises(tk.ToolkitError, match="units were given"):
        topic_selection(counts, body.head(3))
