"""One shard of an archive run: the word cache, the stored units and nothing remembered after it."""

import hashlib
import os

import pandas as pd
import pytest

import toolkit as tk
from conftest import DATA, same_dfm
from toolkit.pipeline import Settings


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
    from toolkit import shard as ta

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


def test_the_units_file_name_is_a_blake2b_of_what_the_units_depend_on():
    # Stored units folders of earlier runs must still be found: the key, computed here with hashlib
    # alone, from the settings, the manifest rows and each article's bytes.
    from toolkit import shard as ta
    from toolkit.wordcache import cache_signature

    rows, settings = tk.corpus.manifest_rows("data").iloc[:2], Settings()
    h = hashlib.blake2b(digest_size=16)
    for part in (cache_signature(), settings.unit, repr(settings.kinds), repr(settings.drop_duplicates),
                 settings.by, repr(settings.periods), rows.to_csv(index=False)):
        h.update(str(part).encode("utf-8") + b"\0")
    for rel in rows["path"]:
        h.update(hashlib.blake2b((DATA / "raw" / rel).read_bytes(), digest_size=16).digest())
    assert ta._shard_key("data", rows, settings, "raw") == h.hexdigest()
    other = ta._shard_key("data", rows, Settings(unit="paragraph"), "raw")
    assert len(other) == 32 and other != h.hexdigest()


def test_stored_units_keep_their_counters_and_lean_strings(tmp_path):
    from toolkit import shard as ta

    tk.process_archive("data", shard_size=2, cache=False, progress=False, units_dir=tmp_path)
    rows = tk.corpus.manifest_rows("data").iloc[:2]
    path, stored = ta._stored_units("data", rows, Settings(), {"units_dir": str(tmp_path), "raw_dir": "raw"})
    units, n_units, n_duplicates, n_articles = stored
    assert n_articles == 2 and n_units >= len(units) > 0 and 0 <= n_duplicates <= n_units
    for column in ("words", "tokens"):          # Arrow strings, as tokenize_units(lists=False) gives them
        assert isinstance(units[column].array, pd.arrays.ArrowExtensionArray)
    assert units.tokens.iloc[0].split(" ") == tk.tokenize(units.text.iloc[0])
    # A file that cannot be read is removed and reported as not stored.
    with open(path, "r+b") as handle:
        handle.truncate(100)
    assert ta._stored_units("data", rows, Settings(), {"units_dir": str(tmp_path), "raw_dir": "raw"}) == (path, None)
    assert not os.path.exists(path)


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
