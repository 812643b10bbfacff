"""Segmenting and tokenising many texts: chunks, worker processes, lean Arrow columns and progress."""

import sys

import numpy as np
import pytest

import toolkit as tk
from conftest import HEADER, ROW, write_corpus

B = sys.modules["toolkit.batch"]


def test_tokenize_units_adds_words_and_tokens(sentences):
    units = tk.tokenize_units(sentences.head(10))
    assert {"words", "tokens", "n_tokens"} <= set(units.columns)
    assert units.n_tokens.tolist() == [len(t) for t in units.tokens]
    assert units.tokens.iloc[0] == tk.tokenize(sentences.text.iloc[0])


def test_lean_columns_equal_the_lists(sentences, tmp_path):
    lists = tk.tokenize_units(sentences, cache=tmp_path)
    lean = tk.tokenize_units(sentences, cache=tmp_path, lists=False)
    assert [w.split(" ") if w else [] for w in lean.words] == lists.words.tolist()
    assert [t.split(" ") if t else [] for t in lean.tokens] == lists.tokens.tolist()
    assert lean.n_tokens.tolist() == lists.n_tokens.tolist()
    # The Arrow path filters words exactly as Tokenizer.filter does, for any settings.
    for tokenizer in (tk.Tokenizer(remove_stopwords=False), tk.Tokenizer(lowercase=False, extra_stopwords=["nước"])):
        got = tk.tokenize_units(sentences, tokenizer=tokenizer, cache=False)
        assert got.tokens.tolist() == [tokenizer.filter(w) for w in lists.words]


def test_two_processes_give_the_same_words(sentences, tmp_path):
    texts = sentences.text.tolist()
    assert tk.segment_words(texts, cache=False, n_jobs=2, chunk_size=10) == tk.segment_words(texts, cache=False)
    # Through the cache and with tokens (made in the workers), lean and list forms.
    one = tk.tokenize_units(sentences, cache=False)
    two = tk.tokenize_units(sentences, cache=tmp_path, n_jobs=2, chunk_size=7, shard_size=20)
    assert two.words.tolist() == one.words.tolist() and two.tokens.tolist() == one.tokens.tolist()
    again = tk.tokenize_units(sentences, cache=tmp_path, lists=False)
    assert [t.split(" ") if t else [] for t in again.tokens] == one.tokens.tolist()


def test_workers_read_their_rows_from_a_file(sentences, monkeypatch):
    # A worker gets a file name and a row range, not a pickled list of texts.
    import pyarrow as pa

    from toolkit import batch, executor

    texts = pa.array(sentences.text.tolist()[:12], pa.large_string())
    calls = []

    class Recording(executor.ProcessPoolExecutor):
        def map(self, fn, items):
            items = list(items)
            calls.extend((fn.keywords["path"], bounds) for bounds in items)
            return super().map(fn, items)
    monkeypatch.setattr(executor, "ProcessPoolExecutor", Recording)
    with batch._chunk_results(texts, [np.arange(0, 5), np.arange(5, 12)], executor.Executor(2), False, True) as results:
        got = list(results)
    assert [bounds for _, bounds in calls] == [(0, 5), (5, 12)]
    assert all(isinstance(path, str) and path.endswith(".arrow") for path, _ in calls)
    words = [w for chunk_words, _ in got for w in chunk_words.to_pylist()]
    assert words == [" ".join(tk.word_segment(t)) for t in texts.to_pylist()]


def test_missing_text_is_reported_by_position():
    import pandas as pd

    for dtype in ("str", object):
        units = pd.DataFrame({"text": pd.Series(["Hợp tác.", None], dtype=dtype)})
        with pytest.raises(tk.ToolkitError, match="item 1"):
            tk.tokenize_units(units, cache=False)


def test_tokenizer_subclass_rules_are_used(sentences):
    class KeepNumbers(tk.Tokenizer):
        def filter(self, words):
            return [w.lower() for w in words if w[0].isdigit()]

    units = tk.tokenize_units(sentences.head(30), tokenizer=KeepNumbers(), cache=False)
    assert units.tokens.tolist() == [[w.lower() for w in ws if w[0].isdigit()] for ws in units.words]
    assert any(units.tokens)


def test_words_do_not_depend_on_the_chunk_a_text_is_segmented_in(real_texts):
    # process_archive segments its units in chunks of 2,000 texts, the default is 200: the same words.
    import pandas as pd

    from toolkit.batch import tokenize_units

    units = pd.DataFrame({"text": real_texts})
    small = tokenize_units(units, cache=False, lists=False, chunk_size=200)
    large = tokenize_units(units, cache=False, lists=False, chunk_size=2000)
    one = tokenize_units(units.iloc[:300], cache=False, lists=False, chunk_size=1)
    assert small.words.tolist() == large.words.tolist() and small.tokens.tolist() == large.tokens.tolist()
    assert one.words.tolist() == small.words.tolist()[:300]
    assert small.n_tokens.sum() > 20_000


def test_very_long_words_survive(tmp_path):
    long_word = "Hợp" + "a" * 20000
    root = write_corpus(tmp_path, {"a.txt": f"Tiêu đề\nMột từ {long_word} rất dài.\n"}, HEADER + ROW)
    units = tk.tokenize_units(tk.segment(tk.load_corpus(root)), cache=False)
    assert long_word in units.words.iloc[1]

