"""The pipeline over shards (process_archive): the same numbers as the corpus in memory."""

import hashlib
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import toolkit as tk
from toolkit.groups import with_groups
from toolkit.pipeline import Settings

ROOT = Path(__file__).resolve().parents[1]
OTHER = ROOT / "tests" / "data" / "other_question"    # 9 articles, 2005/2015/2020, three provinces
HEALTH = OTHER / "themes_health.csv"


def measured(units):
    return units[(units.kind == "body") & units.duplicate_of.isna()].reset_index(drop=True)


def same_dfm(a, b):
    assert a.terms.tolist() == b.terms.tolist()
    assert a.rows.reset_index(drop=True).equals(b.rows.reset_index(drop=True))
    assert (a.matrix != b.matrix).nnz == 0
    # Each article's counts, which keyness tests at the article level, whatever the shards.
    assert a.doc_rows.equals(b.doc_rows) and (a.docs != b.docs).nnz == 0


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


def test_processes_and_shard_sizes_agree():
    one = tk.process_archive("data", shard_size=2, cache=False, progress=False)
    two = tk.process_archive("data", shard_size=2, cache=False, progress=False, n_jobs=2)
    pd.testing.assert_frame_equal(one.articles, two.articles)
    pd.testing.assert_frame_equal(one.sample, two.sample)
    same_dfm(one.counts, two.counts)
    # 97 sentences of every kind; only ls2012's repeated lead is seen: hg2017c's repeats of hg2017a are in another shard.
    assert (one.shards, one.units, one.duplicates) == (3, 97, 1)


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


def test_second_run_reads_the_cache(tmp_path, monkeypatch):
    from toolkit import batch

    first = tk.process_archive("data", shard_size=2, cache=tmp_path, progress=False)
    calls = []
    real = batch.word_segment_many
    monkeypatch.setattr(batch, "word_segment_many", lambda texts: calls.append(len(texts)) or real(texts))
    second = tk.process_archive("data", shard_size=2, cache=tmp_path, progress=False)
    assert calls == []
    pd.testing.assert_frame_equal(first.articles, second.articles)
    same_dfm(first.counts, second.counts)


def test_stored_units_make_a_second_run_read_instead_of_compute(tmp_path, monkeypatch):
    from toolkit import archive as ta

    first = tk.process_archive("data", shard_size=2, cache=False, progress=False, units_dir=tmp_path)
    assert len(list(tmp_path.glob("units-*.parquet"))) == 3
    calls = []
    monkeypatch.setattr(tk.corpus, "load_rows", lambda *a, **k: calls.append(a) or pytest.fail("loaded again"))
    second = tk.process_archive("data", shard_size=2, cache=False, progress=False, units_dir=tmp_path)
    assert calls == []
    pd.testing.assert_frame_equal(first.articles, second.articles)
    pd.testing.assert_frame_equal(first.sample, second.sample)
    same_dfm(first.counts, second.counts)
    assert (first.units, first.duplicates) == (second.units, second.duplicates)
    # Another lexicon reuses the units; another unit or a changed file does not.
    other = tk.process_archive("data", shard_size=2, cache=False, progress=False, units_dir=tmp_path, lexicon="v1")
    assert other.articles.units.tolist() == first.articles.units.tolist()
    monkeypatch.undo()
    tk.process_archive("data", shard_size=2, cache=False, progress=False, units_dir=tmp_path, unit="paragraph")
    assert len(list(tmp_path.glob("units-*.parquet"))) == 6
    # A damaged file is computed again.
    victim = sorted(tmp_path.glob("units-*.parquet"))[0]
    victim.write_bytes(b"not parquet")
    again = tk.process_archive("data", shard_size=2, cache=False, progress=False, units_dir=tmp_path)
    pd.testing.assert_frame_equal(again.articles, first.articles)
    assert ta._shard_key("data", tk.corpus.manifest_rows("data").iloc[:2], Settings(), "raw") \
        in {p.stem[6:] for p in tmp_path.glob("units-*")}


def test_a_run_keeps_no_remembered_hits():
    # Each unit is measured once: the hits of the shipped classifier's lexicon and of the lexicon
    # passed are not kept after a shard (up to 500,000 sentences, about 250 MB, otherwise).
    from toolkit.labels import _classifier

    lexicon = tk.load_lexicon()
    tk.label_themes(["Hai bên tuần tra chung biên giới."])
    tk.score_themes(["Hai bên tuần tra chung biên giới."], lexicon=lexicon)
    assert "hits_cache" in _classifier(None).lexicon._keys and "hits_cache" in lexicon._keys
    archive = tk.process_archive("data", lexicon=lexicon, shard_size=2, cache=False, progress=False)
    assert archive.articles[list(tk.THEMES)].to_numpy().sum() > 0
    assert "hits_cache" not in _classifier(None).lexicon._keys and "hits_cache" not in lexicon._keys
