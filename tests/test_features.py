"""Sparse document-term matrices over tokenised units."""

import pandas as pd
import pytest
import scipy.sparse as sp

import toolkit as tk
from toolkit.features import dfm


@pytest.fixture(scope="module")
def tokens(sentences):
    return tk.tokenize_units(sentences, cache=False)


def test_unit_dfm_counts_tokens(tokens):
    m = dfm(tokens)
    assert sp.issparse(m.matrix) and m.shape[0] == len(tokens)
    j = list(m.terms).index("cửa_khẩu")
    expected = [ts.count("cửa_khẩu") for ts in tokens.tokens]
    assert m.matrix[:, j].toarray().ravel().tolist() == expected
    assert m.rows.unit_id.tolist() == tokens.unit_id.tolist()


def test_grouped_dfm_sums_units(tokens):
    by_year = dfm(tokens, by="year")
    assert by_year.rows.year.tolist() == [2012, 2017, 2023]
    assert by_year.matrix.sum() == sum(len(t) for t in tokens.tokens)
    j = list(by_year.terms).index("hữu_nghị")
    per_year = tokens.groupby("year").tokens.apply(lambda s: sum(t.count("hữu_nghị") for t in s))
    assert by_year.matrix[:, j].toarray().ravel().tolist() == per_year.tolist()
    tidy = by_year.to_frame()
    assert set(tidy.columns) == {"year", "term", "count"} and tidy["count"].sum() == by_year.matrix.sum()


def test_minimum_counts_and_errors(tokens):
    m = dfm(tokens, min_count=3)
    assert (m.totals() >= 3).all()
    with pytest.raises(tk.ToolkitError, match="tokenize_units"):
        dfm(tokens.drop(columns="tokens"))
    with pytest.raises(tk.ToolkitError, match="cannot group by province_x"):
        dfm(tokens, by="province_x")


def test_space_joined_tokens_count_like_lists(sentences):
    lists = tk.tokenize_units(sentences, cache=False)
    lean = tk.tokenize_units(sentences, cache=False, lists=False)
    for kwargs in ({}, {"by": "year"}, {"min_docs": 2}):
        a, b = tk.dfm(lists, **kwargs), tk.dfm(lean, **kwargs)
        assert a.terms.tolist() == b.terms.tolist()
        assert (a.matrix != b.matrix).nnz == 0


def test_dfm_saves_and_loads_exactly(sentences, tmp_path):
    body = tk.tokenize_units(sentences[sentences.kind == "body"], cache=False)
    by_year = tk.dfm(body, by="year")
    paths = by_year.save(tmp_path / "by_year")
    assert sorted(p.name for p in paths) == ["by_year.docs.csv", "by_year.docs.npz", "by_year.npz", "by_year.rows.csv",
                                             "by_year.terms.txt"]
    again = tk.DFM.load(tmp_path / "by_year")
    assert (again.matrix != by_year.matrix).nnz == 0
    assert list(again.terms) == list(by_year.terms) and again.rows.equals(by_year.rows)
    # The per-article counts the article-level tests need come back too.
    assert (again.docs != by_year.docs).nnz == 0 and again.doc_rows.equals(by_year.doc_rows)
    paths[0].unlink()
    with pytest.raises(tk.ToolkitError, match="missing .*by_year.npz"):
        tk.DFM.load(tmp_path / "by_year")


def test_any_manifest_column_is_a_grouping(tmp_path):
    from conftest import CATEGORIES, category_corpus

    corpus = tk.load_corpus(category_corpus(tmp_path))
    units = tk.segment(corpus)
    body = tk.tokenize_units(units[(units.kind == "body") & units.duplicate_of.isna()], cache=False)
    by_category = tk.dfm(body, by="category")
    assert by_category.rows.category.tolist() == sorted(set(CATEGORIES.values()))
    assert by_category.matrix.sum() == tk.dfm(body).matrix.sum()
    keyness = tk.keyness(by_category, "y tế")
    assert keyness.term.iloc[0] == "y_tế" and keyness.target.iloc[0] > 0 and keyness.reference.iloc[0] == 0
    both = tk.dfm(body, by=["year", "category"])
    assert both.rows.columns.tolist() == ["year", "category"] and len(both.rows) == 6
    # A typo names the columns the units have, not ones the manifest lacks.
    with pytest.raises(tk.ToolkitError, match=r"cannot group by categry: not a unit column; the units have doc_id, "
                                              r"year, category, kind \(did you mean 'category'\?\)") as error:
        tk.dfm(body, by="categry")
    assert "province" not in str(error.value)
    with pytest.raises(tk.ToolkitError, match="cannot group by province"):
        tk.dfm(body, by="province")


def test_from_counts_rebuilds_the_grouped_dfm_of_the_units(sentences):
    body = tk.tokenize_units(sentences[sentences.kind == "body"], cache=False)
    by_year = tk.dfm(body, by="year")
    # Per-article counts in long form, as data/real_counts ships them, and one row per article.
    long = tk.dfm(body, by="doc_id").to_frame()
    articles = body[["doc_id", "year"]].drop_duplicates().sample(frac=1, random_state=0)   # any order
    rebuilt = tk.DFM.from_counts(long.sample(frac=1, random_state=1), articles, by="year")
    assert list(rebuilt.terms) == list(by_year.terms) and rebuilt.rows.equals(by_year.rows)
    assert (rebuilt.matrix != by_year.matrix).nnz == 0
    assert (rebuilt.docs != by_year.docs).nnz == 0 and rebuilt.doc_rows.equals(by_year.doc_rows)
    # Repeated (article, term) rows add up.
    twice = tk.DFM.from_counts(pd.concat([long, long]), articles, by="year")
    assert (twice.matrix != 2 * by_year.matrix).nnz == 0


def test_from_counts_names_bad_input(sentences):
    counts = pd.DataFrame({"doc_id": ["a", "b"], "term": ["x", "y"], "count": [1, 2]})
    articles = pd.DataFrame({"doc_id": ["a", "b"], "year": [2012, 2023]})
    with pytest.raises(tk.ToolkitError, match="doc_id 'c' of the counts is not in articles"):
        tk.DFM.from_counts(counts.assign(doc_id=["a", "c"]), articles, by="year")
    with pytest.raises(tk.ToolkitError, match="positive integers; column 'count' has 1.5"):
        tk.DFM.from_counts(counts.assign(count=[1.5, 2]), articles, by="year")
    with pytest.raises(tk.ToolkitError, match="articles has no column 'province'"):
        tk.DFM.from_counts(counts, articles, by="province")
    with pytest.raises(tk.ToolkitError, match="repeat doc_id 'a'"):
        tk.DFM.from_counts(counts, pd.concat([articles, articles]), by="year")


def test_max_terms_keeps_the_terms_in_most_units(tokens):
    full = dfm(tokens, min_docs=2)
    # Ranked by hand: units holding each term, then its total, then the term itself.
    in_units = {t: sum(t in set(ts) for ts in tokens.tokens) for t in full.terms}
    totals = {t: sum(ts.count(t) for ts in tokens.tokens) for t in full.terms}
    ranked = sorted(full.terms, key=lambda t: (-in_units[t], -totals[t], t))
    top = dfm(tokens, min_docs=2, max_terms=40)
    assert set(top.terms) == set(ranked[:40]) and list(top.terms) == sorted(top.terms)
    assert top.matrix.toarray().tolist() == full.matrix[:, [list(full.terms).index(t) for t in top.terms]].toarray().tolist()
    grouped = dfm(tokens, by="year", min_docs=2, max_terms=40)
    assert list(grouped.terms) == list(top.terms) and grouped.docs.shape[1] == 40   # per-article counts trimmed too
    assert dfm(tokens, min_docs=2, max_terms=10**6).shape == full.shape
    with pytest.raises(tk.ToolkitError, match="max_terms must be a positive whole number"):
        dfm(tokens, max_terms=0)
