"""Topic models (toolkit/topics.py) on corpus sentences and on constructed data: methods, seeds, convergence."""

import warnings

import numpy as np
import pandas as pd
import pytest

import toolkit as tk
from conftest import TWO_TOPICS, hand_dfm
from toolkit.topic_choice import topic_selection, topic_stability
from toolkit.topics import SeedTermsWarning, TopicConvergenceWarning, fit_topics, seed_terms, topic_terms


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
        plain = topic_terms(fit_topics(TWO_TOPICS, n_topics=2, method="lda", seed=seed), n=1)
        unseeded_first.add(plain.term.iloc[0][0])
        model = fit_topics(TWO_TOPICS, n_topics=2, method="seeded_lda", seeds=seeds, seed=seed)
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


def test_transform_applies_to_new_units(counts, body):
    for method in ("nmf", "lda"):
        model = fit_topics(counts, n_topics=2, method=method, seed=0)
        again = model.transform(counts)
        assert again.shape == model.unit_topics.shape
        agree = (again.argmax(axis=1) == model.unit_topics.argmax(axis=1)).mean()
        assert agree > 0.8, method
    # A new unit with an unknown term and a known one; a unit with only unknown terms gets zeros.
    new = hand_dfm([[1, 2], [3, 0]], ["không_có_trong_từ_điển", counts.terms[0]])
    out = fit_topics(counts, n_topics=2, method="lda", seed=0).transform(new)
    assert np.allclose(out[0].sum(), 1) and np.allclose(out[1], 0)


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
