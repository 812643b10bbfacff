"""Choosing and comparing topic models (toolkit/topic_choice.py): k against word-shuffled documents, NPMI, matching."""

import warnings

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp

from conftest import TWO_TOPICS, hand_dfm
from toolkit.topic_choice import (
    beats_null, choose_k, compare_topics, default_ks, match_topics, seed_effect, shuffle_words,
    topic_coherence, topic_selection, topic_stability,
)
from toolkit.errors import ToolkitError
from toolkit.features import DFM
from toolkit.topics import SeedTermsWarning, TopicConvergenceWarning, TopicModel, fit_topics


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


def test_npmi_by_hand():
    # Units: a and b always together (NPMI 1), a and c never (-1), a and d independent (0).
    X = hand_dfm([[1, 1, 0, 1], [1, 1, 0, 0], [0, 0, 1, 1], [0, 0, 1, 0]], ["a", "b", "c", "d"])
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
    table = topic_selection(TWO_TOPICS, units, ks=[2, 3], method="nmf", n_boot=10, max_resamples=4, top_n=3)
    assert set(table.measure) == {"bootstrap units", "leave articles out", "NPMI"}
    boot = table[table.measure == "bootstrap units"].set_index("k")
    assert boot.loc[2, "mean"] > 0.99 and boot.loc[2, "n"] == 4   # n_boot capped at max_resamples
    assert table[table.measure == "leave articles out"].n.tolist() == [4, 4]   # 6 articles in 4 folds
    npmi = table[table.measure == "NPMI"].set_index("k")
    assert npmi.loc[2, "mean"] == pytest.approx(1.0)   # a topic's three words are in the same six units
    assert table[table.measure == "bootstrap units"].null.isna().all()   # the null is for the measures choose_k uses
    assert choose_k(table) == 2
    capped = topic_selection(TWO_TOPICS, units, ks=[2], method="lda", n_boot=2, max_units=8, max_resamples=3, max_iter=50)
    assert capped.n.tolist() == [3, 2, 2]   # 3 folds of articles left out in turn, 2 bootstrap fits, 2 topics


def test_choose_k_finds_planted_topics_against_shuffled_words():
    planted = _planted()
    table = topic_selection(planted, ks=range(2, 7), top_n=5)   # articles as rows: the DFM's own doc_id
    beats = beats_null(table)
    # Two or three topics must merge planted groups, which ones changes when articles are left out: no more
    # stable than topics of shuffled words, so they do not beat the null. Four, the planted number, does.
    # (Five and six split a planted group; whether that split is stable enough to clear the margin over
    # the null is not what this test is about.)
    assert [beats[2], beats[3], beats[4]] == [False, False, True]
    assert choose_k(table) == 4   # four topics are 0.085 more stable than the null's, six 0.094: within 0.01
    assert choose_k(table, rule="stable") == 4
    assert choose_k(table, rule="coherent") == 4   # six topics, which split planted groups, are no more coherent
    # Shuffled words have no topics: no k beats the null, and selection says so.
    noise = DFM(shuffle_words(planted, seed=5), planted.terms, planted.rows)
    assert not beats_null(topic_selection(noise, ks=range(2, 7), top_n=5)).any()


def test_coherent_rule_takes_the_most_coherent_k_that_beats_the_null():
    # Four k by hand: 3 is the most coherent of those that beat the null, 5 is more coherent still but its
    # topics are no more stable than shuffled words', 2 is the most stable; 4 is within the tolerance of 3's
    # NPMI but larger, so the smaller k is taken.
    rows = {2: (0.99, 0.80, 0.20), 3: (0.95, 0.75, 0.40), 4: (0.93, 0.70, 0.395), 5: (0.80, 0.79, 0.60)}
    table = pd.DataFrame([{"k": k, "measure": m, "mean": v, "null": n}
                          for k, (stab, stab_null, npmi) in rows.items()
                          for m, v, n in (("leave articles out", stab, stab_null), ("NPMI", npmi, 0.05))])
    assert beats_null(table).tolist() == [True, True, True, False]
    assert choose_k(table, rule="stable") == 2
    assert choose_k(table, rule="coherent") == 3
    assert choose_k(table, rule="coherent", tolerance=0.0) == 3
    assert choose_k(table, rule="coherent", tolerance=0.25) == 2
    with pytest.raises(ToolkitError, match="rule must be one of"):
        choose_k(table, rule="largest")


def test_excess_rule_takes_the_k_most_stable_against_its_null():
    # Two topics are the most stable but shuffled words' two topics are nearly as stable (excess 0.02, below the
    # margin): 2 does not compete. Of the rest, 6 is the most above its null (0.15 against 0.13 for 4 and 8),
    # though 4 is more stable; with a tolerance of 0.03 the smaller k within it, 4, is taken.
    rows = {2: (0.99, 0.97), 4: (0.98, 0.85), 6: (0.95, 0.80), 8: (0.92, 0.79)}
    table = pd.DataFrame([{"k": k, "measure": m, "mean": v, "null": n}
                          for k, (stab, stab_null) in rows.items()
                          for m, v, n in (("leave articles out", stab, stab_null), ("NPMI", 0.3, 0.05))])
    assert beats_null(table).tolist() == [False, True, True, True]
    assert choose_k(table, rule="stable") == 4
    assert choose_k(table, rule="excess") == 6
    assert choose_k(table, rule="excess", tolerance=0.03) == 4


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


def test_stability_across_seeds(counts):
    table = topic_stability(counts, n_topics=3, method="lda", seeds=range(3))
    assert table.seeds.tolist() == [2, 2, 2]
    assert ((0 <= table.min_similarity) & (table.min_similarity <= table.mean_similarity)
            & (table.mean_similarity <= 1 + 1e-9)).all()
