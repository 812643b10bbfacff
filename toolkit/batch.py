"""Many texts at once: the columnar word cache, worker processes and Dask.

:func:`segment_words` and :func:`tokenize_units` run :func:`toolkit.word_segment`
over many texts. Results are kept in a content-keyed cache of Parquet shards
(pyarrow), so a second run of a corpus reads words instead of computing them:

- **Keys.** Each text is keyed by a 128-bit BLAKE2b hash of its content; the
  folder ``words-<signature>`` is named by the toolkit version and a hash of
  the domain dictionary and syllable rules, so another version or
  configuration never reads these entries. The signature does not depend on
  Python's hash seed (every new process finds the same folder).
- **Shards.** Each shard holds ``key`` (16 bytes) and ``words`` (the words
  joined by single spaces; words never contain spaces) for up to
  ``shard_size`` texts, and is written atomically as soon as its texts are
  done, so a run killed at any point resumes from the shards it finished.
  Parquet page checksums and a BLAKE2b digest of both columns in the file's
  metadata detect a corrupt or foreign shard, which is deleted with a warning
  and its texts recomputed.
- **Lookups** are Arrow operations (``pyarrow.compute.index_in`` over keys);
  only shards holding a requested key have their words read. With
  ``lists=False``, :func:`tokenize_units` returns words and tokens as Arrow
  strings (space-joined) and never builds a Python list per unit.
- **Housekeeping.** A cache folder that is a file, cannot be created or is not
  writable falls back to no cache with a warning, before any work is done;
  temporary files left by killed runs are removed; many small shards are
  merged into one.

This module changes when the way many texts are processed changes; the
segmentation itself is in :mod:`toolkit.wordseg`, the tokens in
:mod:`toolkit.tokenize`.
"""

from __future__ import annotations

import hashlib
import os
import sys
import time
import warnings
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from .atomic import atomic_write
from .errors import ToolkitError
from .normalize import normalize_text
from .parallel import dask_client
from .wordseg import _SYLLABLE_RE, _batch_tagger, _read_resource, word_segment_many

__all__ = ["segment_words", "tokenize_units", "default_cache_dir", "cache_signature"]

_FORMAT = "parquet-1"
_MAX_SHARDS = 64          # merge the shards of a folder when there are more
_STALE_TMP_SECONDS = 24 * 3600


def default_cache_dir() -> Path:
    """``$TOOLKIT_CACHE_DIR``, else ``$XDG_CACHE_HOME/vn-discourse-toolkit``, else ``~/.cache/...``."""
    env = os.environ.get("TOOLKIT_CACHE_DIR")
    if env:
        return Path(env)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "vn-discourse-toolkit"


@lru_cache(maxsize=1)
def cache_signature() -> str:
    """Toolkit version and a hash of everything else the cached words depend on.

    Deterministic: the same in every process whatever ``PYTHONHASHSEED`` is
    (the syllable pattern is built from sorted, not hashed, collections).

    Examples
    --------
    >>> cache_signature().startswith(__import__("toolkit").__version__ + "-")
    True
    """
    from . import __version__

    h = hashlib.sha256()
    for part in (_FORMAT, __version__, _read_resource("domain_words.txt"), _SYLLABLE_RE.pattern):
        h.update(part.encode("utf-8"))
        h.update(b"\0")
    return f"{__version__}-{h.hexdigest()[:12]}"


# ------------------------------------------------------------------ keys

def _keys(texts: list[str], namespace: bytes) -> "pa.FixedSizeBinaryArray":
    import pyarrow as pa

    digest = hashlib.blake2b
    joined = b"".join(
        digest(namespace + t.encode("utf-8", "surrogatepass"), digest_size=16).digest() for t in texts
    )
    return pa.FixedSizeBinaryArray.from_buffers(pa.binary(16), len(texts), [None, pa.py_buffer(joined)])


# ------------------------------------------------------------------ the shard store

def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError):
        return True
    return True


def _usable_folder(cache) -> Path | None:
    """The cache folder, checked before any work; None (with a warning) when it cannot be used."""
    root = default_cache_dir() if cache is True else Path(cache)
    folder = root / f"words-{cache_signature()}"
    try:
        if root.exists() and not root.is_dir():
            raise NotADirectoryError(f"{root} is a file, not a folder")
        folder.mkdir(parents=True, exist_ok=True)
        probe = folder / f".probe.{os.getpid()}.tmp"
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as err:
        warnings.warn(
            f"word segmentation cache folder {root} cannot be used ({err}); running without a cache. "
            "Pass cache=<a writable folder>, set TOOLKIT_CACHE_DIR, or cache=False to silence this",
            stacklevel=4,
        )
        return None
    _remove_orphans(folder)
    return folder


def _remove_orphans(folder: Path) -> None:
    """Delete temporary files of runs that were killed (their process is gone, or they are a day old)."""
    now = time.time()
    for tmp in folder.glob(".*.tmp"):
        try:
            pid = int(tmp.name.rsplit(".", 2)[-2])
        except ValueError:
            pid = -1
        try:
            if pid < 0 or not _pid_alive(pid) or now - tmp.stat().st_mtime > _STALE_TMP_SECONDS:
                tmp.unlink()
        except FileNotFoundError:
            pass


def _digest(table) -> str:
    """BLAKE2b of a shard's key bytes and words (offsets and characters)."""
    h = hashlib.blake2b(digest_size=16)
    key = table.column("key").combine_chunks()
    words = table.column("words").combine_chunks()
    o = key.offset
    h.update(memoryview(key.buffers()[1])[o * 16:(o + len(key)) * 16])
    offsets = np.frombuffer(words.buffers()[1], dtype=np.int32)[words.offset:words.offset + len(words) + 1]
    h.update((offsets - offsets[0]).astype("<i4").tobytes() if len(offsets) else b"")
    if len(offsets):
        h.update(memoryview(words.buffers()[2])[offsets[0]:offsets[-1]] if words.buffers()[2] else b"")
    return h.hexdigest()


class _Store:
    """The Parquet shards of one cache folder."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.signature = cache_signature()

    def shards(self) -> list[Path]:
        return sorted(self.folder.glob("shard-*.parquet"))

    def _reject(self, path: Path, why: str) -> None:
        warnings.warn(f"word segmentation cache shard {path.name} is unusable ({why}); rebuilding its entries",
                      stacklevel=5)
        try:
            path.unlink()
        except FileNotFoundError:
            pass

    def _check_metadata(self, path: Path):
        import pyarrow.parquet as pq

        meta = pq.read_schema(path).metadata or {}
        if meta.get(b"signature", b"").decode() != self.signature:
            raise ValueError("made by another toolkit version or configuration")
        return meta

    def lookup(self, keys) -> "pa.StringArray":
        """Words (space-joined) for each key; null where the cache has none."""
        import pyarrow as pa
        import pyarrow.compute as pc
        import pyarrow.parquet as pq

        result = pa.nulls(len(keys), pa.string())
        missing = np.ones(len(keys), dtype=bool)
        for path in self.shards():
            if not missing.any():
                break
            try:
                meta = self._check_metadata(path)
                shard_keys = pq.read_table(path, columns=["key"]).column("key").combine_chunks()
                found_at = pc.index_in(keys, value_set=shard_keys)
                pos = pc.fill_null(found_at, -1).to_numpy(zero_copy_only=False)
                hit = (pos >= 0) & missing
                if not hit.any():
                    continue
                table = pq.read_table(path, page_checksum_verification=True)
                if meta.get(b"digest", b"").decode() != _digest(table):
                    raise ValueError("its checksum does not match its contents")
            except FileNotFoundError:
                continue      # merged away by another process meanwhile
            except (OSError, ValueError, KeyError, pa.ArrowException) as err:
                self._reject(path, str(err) or type(err).__name__)
                continue
            idx = np.flatnonzero(hit)
            found = table.column("words").combine_chunks().take(pa.array(pos[idx].astype(np.int64)))
            result = _scatter(result, idx, found)
            missing[idx] = False
        return result

    def write(self, keys, words: list[str]) -> None:
        """Write one shard atomically (its name is the digest of its contents)."""
        import pyarrow as pa
        import pyarrow.parquet as pq

        table = pa.table({"key": keys, "words": pa.array(words, pa.string())})
        self._write(table)

    def _write(self, table) -> None:
        import pyarrow.parquet as pq

        digest = _digest(table)
        table = table.replace_schema_metadata({"signature": self.signature, "digest": digest})
        path = self.folder / f"shard-{digest}.parquet"
        atomic_write(path, lambda tmp: pq.write_table(table, tmp, compression="zstd", write_page_checksum=True))

    def compact(self) -> None:
        """Merge all shards into one when there are many (reads are per shard)."""
        import pyarrow as pa
        import pyarrow.parquet as pq

        shards = self.shards()
        if len(shards) <= _MAX_SHARDS:
            return
        tables, used = [], []
        for path in shards:
            try:
                meta = self._check_metadata(path)
                table = pq.read_table(path, page_checksum_verification=True)
                if meta.get(b"digest", b"").decode() != _digest(table):
                    raise ValueError("its checksum does not match its contents")
            except FileNotFoundError:
                continue
            except (OSError, ValueError, KeyError, pa.ArrowException) as err:
                self._reject(path, str(err) or type(err).__name__)
                continue
            tables.append(table.replace_schema_metadata(None))
            used.append(path)
        if len(used) < 2:
            return
        merged = pa.concat_tables(tables).combine_chunks()
        self._write(merged)
        for path in used:
            try:
                path.unlink()
            except FileNotFoundError:
                pass


def _scatter(result, idx: np.ndarray, values):
    """``result`` with ``values`` put at positions ``idx`` (Arrow arrays, no Python strings)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    n = len(result)
    # Positions into concat([result, values]): idx takes from values, the rest keep result.
    source = np.arange(n, dtype=np.int64)
    source[idx] = n + np.arange(len(idx), dtype=np.int64)
    return pa.concat_arrays([result, values.cast(pa.string())]).take(pa.array(source))


# ------------------------------------------------------------------ running the segmenter

def _segment_chunk(texts: list[str], normalize: bool = False) -> list[list[str]]:
    if normalize:
        texts = [normalize_text(t) for t in texts]
    return word_segment_many(texts)


@contextmanager
def _chunk_results(chunks: list[list[str]], n_jobs: int, scheduler, normalize: bool = False):
    """The words of each chunk, in order: here, in worker processes, or on a Dask cluster."""
    if scheduler is not None:
        with dask_client(scheduler) as client:
            yield client.gather(client.map(_segment_chunk, chunks, normalize=normalize, pure=False))
    elif n_jobs == 1 or len(chunks) == 1:
        yield (_segment_chunk(c, normalize) for c in chunks)
    else:
        _batch_tagger()  # load the model before forking, so that workers inherit it
        with ProcessPoolExecutor(max_workers=n_jobs) as pool:
            yield pool.map(_segment_chunk, chunks, [normalize] * len(chunks))


def _quiet() -> bool:
    return os.environ.get("TOOLKIT_PROGRESS", "1") == "0" or os.environ.get("CI", "").lower() in ("1", "true", "yes")


def _progress(total: int, show: bool | None, desc: str):
    """A progress bar on stderr: stage, texts done, rate and time left; quiet in CI or with TOOLKIT_PROGRESS=0."""
    from tqdm import tqdm

    if show is None:
        show = total >= 500 and not _quiet()
    return tqdm(total=total, disable=not show, desc=desc, file=sys.stderr, leave=False, unit=" texts",
                mininterval=1.0, bar_format="{desc}: {n_fmt}/{total_fmt} texts, {rate_fmt}, {elapsed} elapsed, "
                                            "{remaining} left{postfix}")


def _check_args(texts: list, n_jobs: int, name: str) -> None:
    bad = next((i for i, t in enumerate(texts) if not isinstance(t, str)), None)
    if bad is not None:
        raise ToolkitError(f"{name}: item {bad} is {type(texts[bad]).__name__}, not str")
    if not isinstance(n_jobs, int) or n_jobs < 1:
        raise ToolkitError(f"n_jobs must be a whole number of at least 1, got {n_jobs!r}")


def _segment_arrow(texts: list[str], cache, n_jobs: int, progress, chunk_size: int, scheduler,
                   normalize: bool, shard_size: int):
    """Space-joined words of each text as an Arrow string array (the cache's own form)."""
    import pyarrow as pa

    folder = _usable_folder(cache) if cache else None
    store = _Store(folder) if folder is not None else None
    keys = _keys(texts, b"n\0" if normalize else b"w\0")
    words = store.lookup(keys) if store is not None else pa.nulls(len(texts), pa.string())
    missing = np.flatnonzero(words.is_null().to_numpy(zero_copy_only=False))
    if not len(missing):
        return words
    # Distinct missing texts in key order (deterministic chunks, each text computed once).
    missing_keys = keys.take(pa.array(missing))
    key_bytes = np.frombuffer(missing_keys.buffers()[1], dtype="S16")[missing_keys.offset:][:len(missing)]
    uniq, first, inverse = np.unique(key_bytes, return_index=True, return_inverse=True)
    todo = missing[first]
    computed: list[str] = []
    chunk_size = max(1, min(chunk_size, shard_size))
    chunks = [todo[i:i + chunk_size] for i in range(0, len(todo), chunk_size)]
    pending_keys, pending_words = [], []

    def flush():
        if store is not None and pending_words:
            store.write(pa.concat_arrays(pending_keys), [w for part in pending_words for w in part])
        pending_keys.clear()
        pending_words.clear()

    with _progress(len(todo), progress, "word segmentation") as bar:
        with _chunk_results([[texts[i] for i in c] for c in chunks], n_jobs, scheduler, normalize) as results:
            for chunk, result in zip(chunks, results):
                joined = [" ".join(w) for w in result]
                computed.extend(joined)
                pending_keys.append(keys.take(pa.array(chunk)))
                pending_words.append(joined)
                if sum(len(p) for p in pending_words) >= shard_size:
                    flush()
                bar.update(len(chunk))
        flush()
    if store is not None:
        store.compact()
    new = pa.array(computed, pa.string()).take(pa.array(inverse.astype(np.int64)))
    return _scatter(words, missing, new)


def _to_lists(words) -> list[list[str]]:
    return [w.split(" ") if w else [] for w in words.to_pylist()]


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
    _check_args(texts, n_jobs, "segment_words")
    return _to_lists(_segment_arrow(texts, cache, n_jobs, progress, chunk_size, scheduler, False, shard_size))


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
    token_of = [tokenizer._token(w) if w else None for w in vocab]
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

    from .tokenize import Tokenizer

    if column not in units.columns:
        raise ToolkitError(f"tokenize_units: no column {column!r}; columns are {', '.join(map(str, units.columns))}")
    tokenizer = tokenizer or Tokenizer()
    texts = units[column].tolist()
    allowed = {"cache", "n_jobs", "progress", "chunk_size", "scheduler", "shard_size"}
    unknown = sorted(set(kwargs) - allowed)
    if unknown:
        raise ToolkitError(f"tokenize_units: unknown argument(s) {', '.join(unknown)}; "
                           f"accepted: {', '.join(sorted(allowed))}")
    options = {"cache": True, "n_jobs": 1, "progress": None, "chunk_size": 200, "scheduler": None,
               "shard_size": 20_000, **kwargs}
    _check_args(texts, options["n_jobs"], "tokenize_units")
    # Keyed by the raw text: a cached corpus is not even normalised again.
    words = _segment_arrow(texts, options["cache"], options["n_jobs"], options["progress"], options["chunk_size"],
                           options["scheduler"], True, options["shard_size"])
    out = units.copy()
    if type(tokenizer).filter is not Tokenizer.filter or type(tokenizer)._token is not Tokenizer._token:
        word_lists = _to_lists(words)      # a subclass with its own rules: call it per unit
        out["words"] = word_lists
        out["tokens"] = [tokenizer.filter(w) for w in word_lists]
        out["n_tokens"] = [len(t) for t in out["tokens"]]
        return out
    word_lists, token_lists = _arrow_tokens(words, tokenizer)
    n_tokens = pc.list_value_length(token_lists).to_numpy(zero_copy_only=False).astype(np.int64)
    if lists:
        out["words"] = word_lists.to_pylist()
        out["tokens"] = token_lists.to_pylist()
    else:
        out["words"] = pd.Series(pd.arrays.ArrowExtensionArray(pc.binary_join(word_lists, " ")), index=out.index)
        out["tokens"] = pd.Series(pd.arrays.ArrowExtensionArray(pc.binary_join(token_lists, " ")), index=out.index)
    out["n_tokens"] = n_tokens
    return out
