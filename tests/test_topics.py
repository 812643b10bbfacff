"""NMF, LDA and seeded NMF on corpus sentences; shares and stability."""

import numpy as np
import pytest

import toolkit as tk
from toolkit.features import dfm
from toolkit.topics import fit_topics, topic_shares, topic_stability, topic_terms


@pytest.fixture(scope="module")
def body(sentences):
    units = sentences[(sentences.kind == "body") & sentences.duplicate_of.isna()]
    return tk.tokenize_units(units, cache=False).reset_index(drop=True)


@pytest.fixture(scope="module")
def counts(body):
    return dfm(body, min_docs=2)


@pytest.mark.parametrize("method", ["nmf", "lda", "seeded_nmf"])
def test_models_fit_and_give_unit_shares(counts, body, method):
    model = fit_topics(counts, n_topics=3, method=method, seed=0)
    assert model.components.shape == (3, len(counts.terms))
    sums = model.unit_topics.sum(axis=1)
    assert np.allclose(sums[sums > 0], 1.0)
    terms = topic_terms(model, n=5)
    assert terms.groupby("topic").size().tolist() == [5, 5, 5]
    shares = topic_shares(model, body, by="year")
    assert shares.year.unique().tolist() == [2012, 2017, 2023]
    assert np.allclose(shares.groupby("year").share.sum(), 1.0, atol=0.05)
    again = fit_topics(counts, n_topics=3, method=method, seed=0)
    assert np.allclose(model.components, again.components)


def test_seeded_nmf_reports_how_much_of_each_seed_survives(counts):
    model = fit_topics(counts, method="seeded_nmf")
    assert model.labels == ("seed:economic_diplomacy", "seed:border_security", "seed:people_to_people")
    assert len(model.seed_similarity) == 3 and all(0 <= s <= 1 for s in model.seed_similarity)
    assert fit_topics(counts, method="nmf").seed_similarity is None


def test_stability_across_seeds(counts):
    table = topic_stability(counts, n_topics=3, method="lda", seeds=range(4))
    assert table.seeds.tolist() == [3, 3, 3]
    assert ((0 <= table.min_similarity) & (table.min_similarity <= table.mean_similarity)
            & (table.mean_similarity <= 1 + 1e-9)).all()


def test_bad_arguments(counts):
    with pytest.raises(tk.ToolkitError, match="method must be one of"):
        fit_topics(counts, method="bertopic")
    with pytest.raises(tk.ToolkitError, match="n_topics must be between"):
        fit_topics(counts, n_topics=0)
    with pytest.raises(tk.ToolkitError, match="at least two seeds"):
        topic_stability(counts, seeds=[0])
