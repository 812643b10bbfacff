"""Many texts at once: word segmentation and tokens over the word cache, worker processes and Dask.

:func:`segment_words` and :func:`tokenize_units` run :func:`toolkit.word_segment`
over many texts, the tokenize stage of the pipeline for a whole units frame.
Results are kept in the content-keyed cache of Parquet shards of
:mod:`toolkit.wordcache` (pyarrow), so a second run of a corpus reads words
instead of computing them; the texts it does not hold are segmented here, in
chunks, in this process, in worker processes (each reading its rows from a
memory-mapped Arrow file) or on a Dask cluster, and written to the cache as
each shard's texts are done. With ``lists=False``, :func:`tokenize_units`
returns words and tokens as Arrow strings (space-joined) and never builds a
Python list per unit.

This module changes when the way many texts are processed changes; the
segmentation itself is in :mod:`toolkit.wordseg`, the tokens in
:mod:`toolkit.tokens`, the cache in :mod:`toolkit.wordcache`.
"""

from __future__ import annotations

import os
from contextlib import closing, contextmanager
from functools import partial

import numpy as np
import pandas as pd

from .arrowtokens import _arrow_tokens, _count_tokens, _default_tokens, _to_lists
from .errors import ToolkitError
from .normalize import normalize_text
from .executor import Executor, progress_bar
from .store import string_keys as _keys
from .wordcache import _scatter, _Store, _usable_folder
from .wordseg import _batch_tagger, word_segment_many

__all__ = ["segment_words", "tokenize_units"]


def _arrow_texts(texts):
    """The texts (a list, or a pandas Series kept in Arrow) as an Arrow string array.

    A ToolkitError names a text that is not valid Unicode.
    """
    import pyarrow as pa

    if isinstance(texts, pd.Series):
        values = texts.array
        if hasattr(values, "__arrow_array__") and isinstance(values.dtype, (pd.StringDtype, pd.ArrowDtype)):
            arr = pa.array(values)
            arr = arr.combine_chunks() if isinstance(arr, pa.ChunkedArray) else arr
            if pa.types.is_string(arr.type) or pa.types.is_large_string(arr.type):
                if arr.null_count:
                    bad = int(np.flatnonzero(arr.is_null().to_numpy(zero_copy_only=False))[0])
                    raise ToolkitError(f"tokenize_units: item {bad} is missing (NA), not str")
                return arr.cast(pa.large_string())
        texts = texts.tolist()
        _check_texts(texts, "tokenize_units")
    try:
        return pa.array(texts, pa.large_string())
    except (UnicodeEncodeError, pa.ArrowException):
        from .wordseg import _check_text

        for i, text in enumerate(texts):
            _check_text(text, f" (item {i})")
        raise


def _segment_chunk(texts: list[str], normalize: bool = False, tokens: bool = True):
    """Words (and default tokens) of some texts, space-joined, as Arrow string arrays.

    Joining and tokens are made here, in the worker, so that the main process
    only writes shards and gathers (a main process doing them for every chunk
    was the serial part that kept two processes near 1.1-1.5x one).
    """
    import pyarrow as pa

    if normalize:
        texts = [normalize_text(t) for t in texts]
    words = pa.array([" ".join(w) for w in word_segment_many(texts)], pa.string())
    return words, (_default_tokens(words) if tokens else None)


_SHARED: dict[str, object] = {}


def _segment_rows(bounds: tuple[int, int], path: str, normalize: bool, tokens: bool):
    """:func:`_segment_chunk` on rows ``start:stop`` (``bounds``) of the texts in an Arrow file (a worker's own shard).

    The file is memory-mapped once per worker process; only two integers and
    the file name travel to the worker, and two Arrow arrays come back.
    """
    import pyarrow as pa

    start, stop = bounds
    table = _SHARED.get(path)
    if table is None:
        _SHARED.clear()
        table = _SHARED[path] = pa.ipc.open_file(pa.memory_map(path)).read_all().column(0)
    return _segment_chunk(table.slice(start, stop - start).to_pylist(), normalize, tokens)


@contextmanager
def _chunk_results(texts, chunks: list[np.ndarray], executor: Executor, normalize: bool, tokens: bool):
    """``(words, tokens)`` of each chunk of rows of ``texts`` (an Arrow array), in order.

    Here, in worker processes (each reads its rows from a temporary Arrow
    file), or on a Dask cluster (each task carries its texts).
    """
    import tempfile

    import pyarrow as pa

    def rows(c):
        return texts.take(pa.array(c)).to_pylist()

    if executor.backend(len(chunks)) != "processes":
        segment = partial(_segment_chunk, normalize=normalize, tokens=tokens)
        with closing(executor.map(segment, map(rows, chunks))) as results:
            yield results
        return
    todo = texts.take(pa.array(np.concatenate(chunks)))     # the chunks' texts, contiguous
    bounds = np.cumsum([0] + [len(c) for c in chunks]).tolist()
    with tempfile.TemporaryDirectory(prefix="vn-segment-") as folder:
        path = os.path.join(folder, "texts.arrow")
        with pa.OSFile(path, "wb") as sink, pa.ipc.new_file(sink, pa.schema([("text", todo.type)])) as out:
            out.write_table(pa.table({"text": todo}))
        # The model is loaded before the workers start, so that they inherit it.
        segment = partial(_segment_rows, path=path, normalize=normalize, tokens=tokens)
        with closing(executor.map(segment, zip(bounds[:-1], bounds[1:]), preload=_batch_tagger)) as results:
            yield results


def _check_texts(texts: list, name: str) -> None:
    bad = next((i for i, t in enumerate(texts) if not isinstance(t, str)), None)
    if bad is not None:
        raise ToolkitError(f"{name}: item {bad} is {type(texts[bad]).__name__}, not str")


def _segment_arrow(texts, cache, executor: Executor, progress, chunk_size: int,
                   normalize: bool, shard_size: int, want_tokens: bool = True):
    """Space-joined words of each text as an Arrow string array (the cache's own form)."""
    import pyarrow as pa

    folder = _usable_folder(cache) if cache else None
    store = _Store(folder) if folder is not None else None
    arrow_texts = _arrow_texts(texts)
    keys, words, tokens, missing, first, inverse = _missing_texts(arrow_texts, store, normalize)
    if not len(missing):
        return words, tokens
    # Tokens only when they are kept (a shard) or asked for.
    with_tokens = store is not None or want_tokens
    new_words, new_tokens = _segment_missing(arrow_texts, missing[first], keys, store, executor, progress, chunk_size,
                                             normalize, shard_size, with_tokens)
    back = pa.array(inverse.astype(np.int64))
    if len(missing) == len(arrow_texts):          # nothing came from the cache: no scattering needed
        words = pa.concat_arrays(new_words).take(back)
        if with_tokens:
            tokens = pa.concat_arrays(new_tokens).take(back)
        return words, tokens
    words = _scatter(words, missing, pa.concat_arrays(new_words).take(back))
    if with_tokens:
        tokens = _scatter(tokens, missing, pa.concat_arrays(new_tokens).take(back))
    return words, tokens


def _missing_texts(arrow_texts, store, normalize: bool):
    """What :func:`_segment_arrow` must still compute: ``(keys, words, tokens, missing, first, inverse)``.

    ``words`` and ``tokens`` hold what the cache ``store`` has (nulls elsewhere; all nulls and ``keys``
    None without a store); ``missing`` are the positions of texts without words, ``first`` the
    position in ``missing`` of each distinct missing text and ``inverse`` the distinct text of each
    missing position (``first`` and ``inverse`` are None when nothing is missing).
    """
    import pyarrow as pa

    if store is not None:
        keys = _keys(arrow_texts, b"normalised" if normalize else b"text")
        words, tokens = store.lookup(keys)
        missing = np.flatnonzero(words.is_null().to_numpy(zero_copy_only=False))
        if not len(missing):
            return keys, words, tokens, missing, None, None
        # Distinct missing texts in key order (deterministic chunks, each text computed once).
        missing_keys = keys.take(pa.array(missing))
        key_bytes = np.frombuffer(missing_keys.buffers()[1], dtype="S16")[missing_keys.offset:][:len(missing)]
        _, first, inverse = np.unique(key_bytes, return_index=True, return_inverse=True)
    else:
        # No cache: no keys to hash; distinct texts by Arrow's dictionary encoding, in order of first use.
        keys = None
        words = tokens = pa.nulls(len(arrow_texts), pa.string())
        missing = np.arange(len(arrow_texts))
        if not len(missing):
            return keys, words, tokens, missing, None, None
        codes = arrow_texts.dictionary_encode().indices.to_numpy(zero_copy_only=False)
        _, first, inverse = np.unique(codes, return_index=True, return_inverse=True)
    return keys, words, tokens, missing, first, inverse


def _segment_missing(arrow_texts, todo, keys, store, executor: Executor, progress, chunk_size: int,
                     normalize: bool, shard_size: int, with_tokens: bool):
    """Words and tokens of the texts at positions ``todo``, in chunks: ``(word arrays, token arrays)`` per chunk.

    With a cache ``store``, each new result is written to it under its key, about ``shard_size``
    texts at a time, and the store is compacted at the end.
    """
    import pyarrow as pa

    new_words, new_tokens = [], []
    chunk_size = max(1, min(chunk_size, shard_size))
    chunks = [todo[i:i + chunk_size] for i in range(0, len(todo), chunk_size)]
    pending: list[tuple] = []

    def flush():
        if store is not None and pending:
            store.write(*(pa.concat_arrays(list(column)) for column in zip(*pending)))
        pending.clear()

    with progress_bar(len(todo), progress, "word segmentation") as bar:
        with _chunk_results(arrow_texts, chunks, executor, normalize, with_tokens) as results:
            for chunk, (chunk_words, chunk_tokens) in zip(chunks, results):
                new_words.append(chunk_words)
                new_tokens.append(chunk_tokens)
                if store is not None:
                    pending.append((keys.take(pa.array(chunk)), chunk_words, chunk_tokens))
                    if sum(len(p[0]) for p in pending) >= shard_size:
                        flush()
                bar.update(len(chunk))
        flush()
    if store is not None:
        store.compact()
    return new_words, new_tokens


def segment_words(
    texts,
    cache: bool | str | os.PathLike = True,
    n_jobs: int = 1,
    progress: bool | None = None,
    chunk_size: int = 200,
    scheduler=None,
    shard_size: int = 20_000,
) -> list[list[str]]:
    """:func:`word_segment` over many texts, with a cache and optional processes.

    Parameters
    ----------
    texts : iterable of str
        Normalised texts (e.g. ``units["text"]``).
    cache : bool or path, default True
        ``True`` uses :func:`default_cache_dir`; a path names the folder;
        ``False`` disables caching. Entries are keyed by the text's hash and
        the shards' folder by the toolkit version and configuration; a shard
        that is corrupt or from another version is rebuilt with a warning; a
        folder that cannot be written falls back to no cache with a warning.
    n_jobs : int, default 1
        Worker processes for uncached texts.
    progress : bool, optional
        Show a progress bar (stderr); by default only for 500 or more texts,
        and never when ``CI=true`` or ``TOOLKIT_PROGRESS=0``.
    chunk_size : int, default 200
        Texts per task sent to a worker.
    scheduler : dask.distributed.Client or str, optional
        Run the uncached texts on a Dask cluster instead (a client, or the
        scheduler's address such as ``"tcp://10.0.0.5:8786"``); needs
        ``pip install -e .[dask]``. Results are identical to a local run.
    shard_size : int, default 20000
        Texts per cache shard: a killed run loses at most this many.

    Returns
    -------
    list of list of str
        The words of each text, in input order.

    Examples
    --------
    >>> segment_words(["Hợp tác kinh tế.", ""], cache=False)
    [['Hợp_tác', 'kinh_tế', '.'], []]
    """
    texts = list(texts)
    _check_texts(texts, "segment_words")
    executor = Executor(n_jobs, scheduler)
    return _to_lists(_segment_arrow(texts, cache, executor, progress, chunk_size, False, shard_size,
                                    want_tokens=False)[0])


def tokenize_units(
    units: pd.DataFrame,
    tokenizer=None,
    column: str = "text",
    lists: bool = True,
    **kwargs,
) -> pd.DataFrame:
    """Add ``words`` (all words) and ``tokens`` (analysis tokens) to a units frame.

    Parameters
    ----------
    units : pandas.DataFrame
        From :func:`toolkit.segment`.
    tokenizer : Tokenizer, optional
        Filtering of words into tokens; default ``Tokenizer()``.
    column : str, default "text"
    lists : bool, default True
        ``True``: ``words`` and ``tokens`` are columns of Python lists.
        ``False``: they are Arrow-backed strings with the words (tokens)
        joined by single spaces, built without a Python object per unit
        (much faster and smaller on large corpora; ``str.split()`` gives the
        lists back).
    **kwargs
        Passed to :func:`segment_words` (``cache``, ``n_jobs``, ``progress``,
        ``scheduler``, ``chunk_size``, ``shard_size``).

    Returns
    -------
    pandas.DataFrame
        A copy of ``units`` with columns ``words`` and ``tokens`` and the
        int column ``n_tokens``.

    Examples
    --------
    >>> import pandas as pd
    >>> tokenize_units(pd.DataFrame({"text": ["Hợp tác kinh tế."]}), cache=False).tokens[0]
    ['hợp_tác', 'kinh_tế']
    """
    import pyarrow.compute as pc

    from .tokens import Tokenizer

    if column not in units.columns:
        raise ToolkitError(f"tokenize_units: no column {column!r}; columns are {', '.join(map(str, units.columns))}")
    tokenizer = tokenizer or Tokenizer()
    texts = units[column]
    allowed = {"cache", "n_jobs", "progress", "chunk_size", "scheduler", "shard_size"}
    unknown = sorted(set(kwargs) - allowed)
    if unknown:
        raise ToolkitError(f"tokenize_units: unknown argument(s) {', '.join(unknown)}; "
                           f"accepted: {', '.join(sorted(allowed))}")
    options = {"cache": True, "n_jobs": 1, "progress": None, "chunk_size": 200, "scheduler": None,
               "shard_size": 20_000, **kwargs}
    executor = Executor(options["n_jobs"], options["scheduler"])
    # Keyed by the raw text: a cached corpus is not even normalised again.
    words, tokens = _segment_arrow(texts, options["cache"], executor, options["progress"], options["chunk_size"],
                                   True, options["shard_size"])
    out = units.copy()
    if type(tokenizer) is not Tokenizer:
        word_lists = _to_lists(words)      # a subclass may have its own rules: call it per unit
        out["words"] = word_lists
        out["tokens"] = [tokenizer.filter(w) for w in word_lists]
        out["n_tokens"] = [len(t) for t in out["tokens"]]
        return out
    if tokenizer.remove_stopwords is not True or tokenizer.lowercase is not True or tokenizer.extra_stopwords:
        tokens = pc.binary_join(_arrow_tokens(words, tokenizer)[1], " ")   # not the cached default
    n_tokens = _count_tokens(tokens)
    if lists:
        out["words"] = _to_lists(words)
        out["tokens"] = _to_lists(tokens)
    else:
        out["words"] = pd.Series(pd.arrays.ArrowExtensionArray(words), index=out.index)
        out["tokens"] = pd.Series(pd.arrays.ArrowExtensionArray(tokens), index=out.index)
    out["n_tokens"] = n_tokens
    return out
