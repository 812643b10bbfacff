"""The pipeline over shards (process_archive): the same numbers as the corpus in memory."""

import hashlib
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import toolkit as tk
from conftest import same_dfm
from toolkit.groups import with_groups

ROOT = Path(__file__).resolve().parents[1]
OTHER = ROOT / "tests" / "data" / "other_question"    # 9 articles, 2005/2015/2020, three provinces
HEALTH = OTHER / "themes_health.csv"


def measured(units):
    return units[(units.kind == "body") & units.duplicate_of.isna()].reset_index(drop=True)


@pytest.fixture(scope="module")
def whole():
    return tk.process_archive("data", shard_size=5, cache=False, progress=False)


def test_one_shard_gives_the_in_memory_numbers(whole, sentences):
    assert whole.shards == 1 and whole.units == len(sentences) and whole.duplicates == 8
    pd.testing.assert_frame_equal(whole.theme_shares(), tk.theme_shares(sentences))
    pd.testing.assert_frame_equal(whole.theme_tests(), tk.theme_tests(sentences))
    tokens = tk.tokenize_units(measured(sentences), cache=False)
    same_dfm(whole.counts, tk.dfm(tokens, by="year"))
    pd.testing.assert_frame_equal(whole.keyness(2023), tk.keyness(tk.dfm(tokens, by="year"), 2023))
    # Per-article counts, checked against the labels of each unit.
    labels = tk.label_themes(measured(sentences))          # units of articles: read with their context
    by_article = labels.groupby(measured(sentences).doc_id).sum()
    assert whole.articles.set_index("doc_id")[list(tk.THEMES)].equals(by_article.astype(np.int64))
    assert whole.articles.units.sum() == len(measured(sentences)) == 80     # 88 body sentences, 8 of them repeats


def test_the_sample_is_the_bottom_k_of_hashed_unit_ids(whole, sentences):
    small = tk.process_archive("data", shard_size=1, cache=False, progress=False, sample=10)
    units = measured(tk.segment(tk.load_corpus("data")))
    # Within-article repeats are the only ones a one-article shard can see: compute its measured units by hand.
    per_article = pd.concat([measured(tk.segment(tk.corpus.load_rows("data", row.to_frame().T)))
                             for _, row in tk.corpus.manifest_rows("data").iterrows()])
    assert len(per_article) > len(units)
    priority = {u: int.from_bytes(hashlib.blake2b(u.encode(), digest_size=8).digest(), "big")
                for u in per_article.unit_id}
    assert small.sample.unit_id.tolist() == sorted(priority, key=lambda u: (priority[u], u))[:10]
    assert whole.sample.unit_id.sort_values().tolist() == sorted(units.unit_id)       # sample > units: all kept
    assert set(small.sample.columns) == {"unit_id", "doc_id", "year", "tokens"}


def test_another_question_grouped_by_province():
    archive = tk.process_archive(OTHER, by="province", lexicon=HEALTH, shard_size=4, cache=False, progress=False)
    corpus = tk.load_corpus(OTHER)
    assert archive.themes == ("environment", "health") and archive.shards == 3
    # The same shards run in memory, one at a time, give the same shares.
    rows = tk.corpus.manifest_rows(OTHER)
    units = pd.concat([tk.segment(tk.corpus.load_rows(OTHER, rows.iloc[i:i + 4])) for i in (0, 4, 8)],
                      ignore_index=True)
    expected = tk.theme_shares(with_groups(units, corpus.documents, "province"), by="province", lexicon=HEALTH)
    pd.testing.assert_frame_equal(archive.theme_shares(), expected)
    assert sorted(archive.counts.rows.province) == sorted(corpus.documents.province.unique())


def test_periods_and_errors(tmp_path):
    archive = tk.process_archive(OTHER, by="period", periods="2000-2010,2011-2020", lexicon=HEALTH,
                                 cache=False, progress=False)
    assert archive.articles.period.value_counts().to_dict() == {"2011-2020": 7, "2000-2010": 2}   # corpus.csv: 2 of 2005
    with pytest.raises(tk.ToolkitError, match="not a manifest column"):
        tk.process_archive("data", by="outlett", cache=False)
    with pytest.raises(tk.ToolkitError, match="not in any period|no period|outside"):
        tk.process_archive(OTHER, by="period", periods="2000-2010", lexicon=HEALTH, cache=False)
    with pytest.raises(tk.ToolkitError, match="shard_size"):
        tk.process_archive("data", shard_size=0)
    with pytest.raises(tk.ManifestError):
        tk.process_archive(tmp_path)


def test_an_archive_groups_by_any_manifest_column(tmp_path):
    from conftest import category_corpus

    root = category_corpus(tmp_path / "categories")      # doc_id,file,year,category: no province
    archive = tk.process_archive(root, by="category", lexicon=HEALTH, shard_size=4, cache=False, progress=False)
    units = tk.segment(tk.load_corpus(root))
    pd.testing.assert_frame_equal(archive.theme_shares(), tk.theme_shares(units, by="category", lexicon=HEALTH))
    assert archive.counts.rows.category.tolist() == ["môi trường", "y tế"]
    with pytest.raises(tk.ToolkitError, match=r"by='province' is not a manifest column; choose among doc_id, year, "
                                              r"category$"):
        tk.process_archive(root, by="province", lexicon=HEALTH, cache=False)

