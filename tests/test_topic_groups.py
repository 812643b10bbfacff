"""Topic shares by group and per article (toolkit/topic_groups.py), with article-level intervals."""

import numpy as np
import pandas as pd
import pytest

import toolkit as tk
from toolkit.topic_groups import article_topics, topic_shares
from toolkit.features import dfm
from toolkit.topics import TopicModel, fit_topics


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
