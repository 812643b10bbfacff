"""Topic models on corpus sentences and on constructed data: seeds, selection of k, coherence, shares."""

import warnings

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp

import toolkit as tk
from toolkit.errors import ToolkitError
from toolkit.features import DFM, dfm
from toolkit.topics import (
    SeedTermsWarning, TopicConvergenceWarning, TopicModel, article_topics, beats_null, choose_k, compare_topics,
    default_ks, fit_topics, match_topics, seed_effect, seed_terms, shuffle_words, topic_coherence,
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
    with pytest.warns(SeedTermsWarning, match=r"buôn lậu \(not in the vocabulary\)"):
        table = seed_terms(counts)
    found = table.set_index(["theme", "term"])
    # "cửa khẩu" is a token of the vocabulary, but its entries count only beside a cue of trade or
    # security: an unconditional seed would pull every sentence with the word.
    assert found.loc[("border_security", "cửa khẩu"), "reason"] == "needs a context cue"
    assert found.loc[("border_security", "cửa khẩu"), "count"] == counts.totals()["cửa_khẩu"]
    assert found.loc[("border_security", "cửa khẩu"), "token"] == ""
    # multi-word entries do not collapse into the general word left when stopwords go
    assert found.loc[("economic_diplomacy", "khách quốc tế"), "reason"] == "several tokens"
    seeds = set(table[table.in_vocabulary].token)
    assert not seeds & {"quốc_tế", "đầu_tư", "vay", "nhân_dân", "đối_ngoại"}
    assert "oda" in seeds and seeds <= set(counts.terms)
    assert (table.reason == "").equals(table.in_vocabulary)


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
    assert set(table.measure) == {"bootstrap units", "leave articles out", "NPMI"}
    boot = table[table.measure == "bootstrap units"].set_index("k")
    assert boot.loc[2, "mean"] > 0.99 and boot.loc[2, "n"] == 4   # n_boot capped at max_resamples
    assert table[table.measure == "leave articles out"].n.tolist() == [4, 4]   # 6 articles in 4 folds
    npmi = table[table.measure == "NPMI"].set_index("k")
    assert npmi.loc[2, "mean"] == pytest.approx(1.0)   # a topic's three words are in the same six units
    assert table[table.measure == "bootstrap units"].null.isna().all()   # the null is for the measures choose_k uses
    assert choose_k(table) == 2
    capped = topic_selection(TWO, units, ks=[2], method="lda", n_boot=2, max_units=8, max_resamples=3, max_iter=50)
    assert capped.n.tolist() == [3, 2, 2]   # 3 folds of articles left out in turn, 2 bootstrap fits, 2 topics


def _planted(n_docs=80, n_topics=4, seed=1):
    """Articles each drawn from one of ``n_topics`` groups of six words (80% of tokens) and ten common words."""
    rng = np.random.default_rng(seed)
    terms = [f"t{k}_{j}" for k in range(n_topics) for j in range(6)] + [f"c{j}" for j in range(10)]
    rows = []
    for d in range(n_docs):
        p = np.zeros(len(terms))
        p[(d % n_topics) * 6:(d % n_topics + 1) * 6] = 0.8 / 6
        p[n_topics * 6:] = 0.2 / 10
        rows.append(rng.multinomial(30, p))
    return DFM(sp.csr_matrix(np.array(rows)), np.array(terms, dtype=object),
               pd.DataFrame({"doc_id": [f"d{i:02d}" for i in range(n_docs)]}))


def test_choose_k_finds_planted_topics_against_shuffled_words():
    planted = _planted()
    table = topic_selection(planted, ks=range(2, 7), top_n=5)   # articles as rows: the DFM's own doc_id
    beats = beats_null(table)
    # Two or three topics must merge planted groups, which ones changes when articles are left out: no more
    # stable than topics of shuffled words, so they do not beat the null. Four, the planted number, does.
    # (Five and six split a planted group; whether that split is stable enough to clear the margin over
    # the null is not what this test is about.)
    assert [beats[2], beats[3], beats[4]] == [False, False, True]
    assert choose_k(table) == 4
    # Shuffled words have no topics: no k beats the null, and selection says so.
    noise = DFM(shuffle_words(planted, seed=5), planted.terms, planted.rows)
    assert not beats_null(topic_selection(noise, ks=range(2, 7), top_n=5)).any()


def test_selection_in_worker_processes_gives_the_same_table(counts):
    # Each k is fitted in its own task, the largest first; the table (and the count of stopped fits,
    # gathered from the workers) must not depend on the number of processes.
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        one = topic_selection(counts, counts.rows, ks=[2, 3, 4], max_iter=2, n_boot=2)
        two = topic_selection(counts, counts.rows, ks=[4, 2, 3], max_iter=2, n_boot=2, n_jobs=2)
    pd.testing.assert_frame_equal(one, two)
    assert list(one.k.unique()) == [2, 3, 4]
    assert one.attrs == two.attrs
    assert [w.category for w in caught] == [TopicConvergenceWarning] * 2       # once per call, from the parent
    with pytest.raises(ToolkitError, match="n_jobs"):
        topic_selection(counts, counts.rows, ks=[2], n_jobs=0)


def test_shuffled_words_keep_document_lengths_and_term_totals():
    X = _planted().matrix
    Y = shuffle_words(X, seed=3)
    assert (np.asarray(Y.sum(axis=1)).ravel() == np.asarray(X.sum(axis=1)).ravel()).all()
    assert (np.asarray(Y.sum(axis=0)).ravel() == np.asarray(X.sum(axis=0)).ravel()).all()
    assert (Y != X).nnz > 0


def test_default_k_range_scales_with_the_corpus():
    assert list(default_ks(5)) == [2, 3, 4, 5, 6]                  # the study's five articles
    assert max(default_ks(2_650)) == 20 and min(default_ks(2_650)) == 2
    assert max(default_ks(200)) == 14
    assert max(default_ks(2_650, n_rows=12)) == 6                  # never more than half the rows


def test_defaults_converge_and_a_short_run_says_so_once(counts):
    from sklearn.exceptions import ConvergenceWarning

    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        warnings.simplefilter("error", TopicConvergenceWarning)
        for k in (2, 6, 10):
            assert fit_topics(counts, n_topics=k, method="nmf").converged
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        model = fit_topics(counts, n_topics=6, method="nmf", max_iter=2)
    assert not model.converged
    assert [w.category for w in caught] == [TopicConvergenceWarning]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        table = topic_selection(counts, counts.rows, ks=[2, 3], max_iter=2)
    assert [w.category for w in caught] == [TopicConvergenceWarning] and "fits stopped" in str(caught[0].message)
    assert table.attrs["null_fits_stopped"].endswith("of 12")   # 2 values of k x (1 + 5 articles left out)


def test_topic_intervals_resample_articles():
    # Two articles per group; each article's units all have the same shares, and the articles differ.
    # Resampling units within articles would give a zero-width interval; resampling articles does not.
    shares = np.array([[0.9, 0.1]] * 4 + [[0.1, 0.9]] * 4 + [[0.5, 0.5]] * 8)
    model = TopicModel("nmf", np.eye(2), shares, np.array(["x", "y"], dtype=object), ("topic_1", "topic_2"), 0)
    units = pd.DataFrame({"doc_id": ["a"] * 4 + ["b"] * 4 + ["c"] * 8, "year": [2012] * 8 + [2017] * 8})
    out = topic_shares(model, units, by="year", n_boot=500).set_index(["year", "topic"])
    assert out.loc[(2012, "topic_1"), "share"] == pytest.approx(0.5)
    assert out.loc[(2012, "topic_1"), "ci_low"] == pytest.approx(0.1) and out.loc[(2012, "topic_1"), "ci_high"] == pytest.approx(0.9)
    assert out.loc[(2012, "topic_1"), "articles"] == 2 and out.loc[(2012, "topic_1"), "note"] == ""
    # One article: its units only, and the note says so.
    assert out.loc[(2017, "topic_1"), "note"] == "one article: within-article interval only"
    assert out.loc[(2017, "topic_1"), ["ci_low", "ci_high"]].tolist() == pytest.approx([0.5, 0.5])


def test_article_level_topics_and_dominant_topic(body):
    by_article = dfm(body, by=["doc_id", "year"], min_docs=2)
    model = fit_topics(by_article, n_topics=2, method="nmf")
    table = article_topics(model, by_article.rows)
    assert table.doc_id.tolist() == sorted(body.doc_id.unique()) and (table.units == 1).all()
    assert set(table.dominant) <= {"topic_1", "topic_2"}
    shares = topic_shares(model, by_article.rows, by="year", n_boot=200)
    assert shares.groupby("year").articles.first().to_dict() == body.groupby("year").doc_id.nunique().to_dict()
    # A sentence-level model: an article's shares are the mean over its sentences with tokens.
    counts = dfm(body, min_docs=2)
    sentences = fit_topics(counts, n_topics=2, method="nmf")
    table = article_topics(sentences, body).set_index("doc_id")
    has = sentences.unit_topics.sum(axis=1) > 0
    first = body.doc_id.iloc[0]
    mine = (body.doc_id == first).to_numpy() & has
    assert table.loc[first, ["topic_1", "topic_2"]].tolist() == pytest.approx(sentences.unit_topics[mine].mean(axis=0))


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
