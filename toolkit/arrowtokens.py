"""Words to tokens for many texts at once, as Arrow strings: work per distinct word, not per unit.

Between :mod:`toolkit.tokens` (whose :class:`~toolkit.tokens.Tokenizer` decides
what a word's token is) and :mod:`toolkit.batch`, which segments many texts
and calls these on the space-joined words it gets from the segmenter or the
cache of :mod:`toolkit.wordcache`. A corpus's chunks share most of their words
(a Zipfian vocabulary), so each distinct word is tokenised once and
remembered per tokenizer setting; lists of words and tokens are rebuilt with
Arrow, and Python lists are made only when asked for.
"""

from __future__ import annotations

import numpy as np

from .store import _string_buffers

__all__: list[str] = []


def _count_tokens(tokens) -> np.ndarray:
    """Tokens per space-joined string: spaces + 1 in a non-empty string (tokens hold no spaces)."""
    data, offsets = _string_buffers(tokens)
    spaces = np.flatnonzero(np.frombuffer(data, dtype=np.uint8) == 32)
    before = np.searchsorted(spaces, offsets)
    return (before[1:] - before[:-1] + (offsets[1:] > offsets[:-1])).astype(np.int64)


def _default_tokens(words):
    """Tokens of the default :class:`~toolkit.tokens.Tokenizer`, space-joined, for space-joined words."""
    import pyarrow.compute as pc

    from .tokens import Tokenizer

    return pc.binary_join(_arrow_tokens(words, Tokenizer())[1], " ")


def _to_lists(words) -> list[list[str]]:
    # Millions of new lists trigger the cyclic garbage collector over and over, which then walks every
    # list made so far (half the time of this loop); none of them can be in a cycle.
    import gc

    enabled = gc.isenabled()
    gc.disable()
    try:
        return [w.split(" ") if w else [] for w in words.to_pylist()]
    finally:
        if enabled:
            gc.enable()


_TOKEN_MEMO: dict[tuple, dict] = {}
_TOKEN_MEMO_LIMIT = 1_000_000


def _tokens_of(vocab: list[str], tokenizer) -> list:
    """``tokenizer._token`` of each distinct word ("" gives None), remembered per tokenizer setting across
    batches: a corpus's chunks share most of their words (a Zipfian vocabulary)."""
    key = (tokenizer.remove_stopwords, tokenizer.lowercase, tokenizer.extra_stopwords)
    memo = _TOKEN_MEMO.get(key)
    if memo is None or len(memo) > _TOKEN_MEMO_LIMIT:
        memo = _TOKEN_MEMO[key] = {"": None}
    missing = [w for w in vocab if w not in memo]
    for word in missing:
        memo[word] = tokenizer._token(word)
    return [memo[w] for w in vocab]


def _arrow_tokens(words, tokenizer):
    """Words (space-joined Arrow strings) to lists of words and of tokens, with work per distinct word."""
    import pyarrow as pa
    import pyarrow.compute as pc

    lists = pc.split_pattern(words.fill_null(""), " ")
    flat = lists.flatten()
    row = pc.list_parent_indices(lists).to_numpy()
    encoded = flat.dictionary_encode()
    vocab = encoded.dictionary.to_pylist()
    codes = encoded.indices.to_numpy()
    token_of = _tokens_of(vocab, tokenizer)
    keep_word = np.array([bool(w) for w in vocab], dtype=bool)[codes] if len(vocab) else np.zeros(0, bool)
    token_arr = pa.array(token_of, pa.string())
    keep_token = ~np.asarray(token_arr.is_null().to_numpy(zero_copy_only=False), dtype=bool)[codes] \
        if len(vocab) else np.zeros(0, bool)

    def regroup(values, keep):
        counts = np.bincount(row[keep], minlength=len(words))
        offsets = np.zeros(len(words) + 1, dtype=np.int32)
        np.cumsum(counts, out=offsets[1:])
        return pa.ListArray.from_arrays(pa.array(offsets), values.filter(pa.array(keep)))

    word_lists = regroup(flat, keep_word)
    token_lists = regroup(token_arr.take(pa.array(codes)), keep_token)
    return word_lists, token_lists
