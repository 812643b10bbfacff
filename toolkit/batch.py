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
  merged a group at a time.

This module changes when the way many texts are processed changes; the
segmentation itself is in :mod:`toolkit.wordseg`, the tokens in
:mod:`toolkit.tokens`.
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
_MAX_SHARDS = 16          # merge small shards when a folder has more than this many
_SMALL_SHARD = 5_000      # rows: shards below this are merged
_MERGED_ROWS = 20_000     # rows of a merged shard
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
    for part in (_FORMAT, __version__, _read_resource("domain_words.txt"), _SYLLABLE_RE.pattern,
                 _read_resource("stopwords/vietnamese-stopwords.txt"), _read_resource("stopwords_domain.txt")):
        h.update(part.encode("utf-8"))
        h.update(b"\0")
    return f"{__version__}-{h.hexdigest()[:12]}"


# ------------------------------------------------------------------ keys

def _string_buffers(strings):
    """UTF-8 bytes and int64 offsets of an Arrow string array."""
    import pyarrow as pa

    strings = strings.cast(pa.large_string()) if strings.type != pa.large_string() else strings
    n = len(strings)
    offsets = np.frombuffer(strings.buffers()[1], dtype=np.int64)[strings.offset:strings.offset + n + 1]
    data = strings.buffers()[2]
    return (memoryview(data) if data is not None else memoryview(b"")), offsets


def _keys(texts, namespace: bytes) -> "pa.FixedSizeBinaryArray":
    """128-bit BLAKE2b of each text's UTF-8 bytes (an Arrow string array), as 16-byte binary values."""
    import pyarrow as pa

    digest = hashlib.blake2b
    data, offsets = _string_buffers(texts)
    bounds = offsets.tolist()
    joined = b"".join([digest(data[a:b], digest_size=16, person=namespace).digest()
                       for a, b in zip(bounds, bounds[1:])])
    return pa.FixedSizeBinaryArray.from_buffers(pa.binary(16), len(texts), [None, pa.py_buffer(joined)])


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
        _check_args(texts, 1, "tokenize_units")
    try:
        return pa.array(texts, pa.large_string())
    except (UnicodeEncodeError, pa.ArrowException):
        from .wordseg import _check_text

        for i, text in enumerate(texts):
            _check_text(text, f" (item {i})")
        raise


def _count_tokens(tokens) -> np.ndarray:
    """Tokens per space-joined string: spaces + 1 in a non-empty string (tokens hold no spaces)."""
    data, offsets = _string_buffers(tokens)
    spaces = np.flatnonzero(np.frombuffer(data, dtype=np.uint8) == 32)
    before = np.searchsorted(spaces, offsets)
    return (before[1:] - before[:-1] + (offsets[1:] > offsets[:-1])).astype(np.int64)


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


_COLUMNS = ("key", "words", "tokens")


def _digest(table) -> str:
    """BLAKE2b of a shard's key bytes and its words and tokens (offsets and characters)."""
    h = hashlib.blake2b(digest_size=16)
    key = table.column("key").combine_chunks()
    o = key.offset
    h.update(memoryview(key.buffers()[1])[o * 16:(o + len(key)) * 16] if len(key) else b"")
    for name in _COLUMNS[1:]:
        col = table.column(name).combine_chunks()
        if col.null_count:
            raise ValueError(f"column {name} has missing values")
        offsets = np.frombuffer(col.buffers()[1], dtype=np.int32)[col.offset:col.offset + len(col) + 1]
        h.update(name.encode() + (offsets - offsets[0]).astype("<i4").tobytes() if len(offsets) else b"")
        if len(offsets) and col.buffers()[2] is not None:
            h.update(memoryview(col.buffers()[2])[offsets[0]:offsets[-1]])
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

    def _prefixes(self, path: Path):
        """A shard's keys' first 8 bytes, sorted, and the row of each: read once per process (shards never
        change: their name is the digest of their contents); None if the shard is unreadable."""
        import pyarrow as pa
        import pyarrow.parquet as pq

        memo = _KEY_PREFIXES.get(str(path))
        if memo is None:
            try:
                self._check_metadata(path)
                shard_keys = pq.ParquetFile(path, page_checksum_verification=True).read(
                    columns=["key"], use_threads=False).column("key").combine_chunks()
            except FileNotFoundError:
                return None
            except (OSError, ValueError, KeyError, pa.ArrowException) as err:
                self._reject(path, str(err) or type(err).__name__)
                return None
            if sum(len(m[0]) for m in _KEY_PREFIXES.values()) > 30_000_000:     # about 360 MB: start again
                _KEY_PREFIXES.clear()
            prefixes = _prefix(shard_keys)
            order = np.argsort(prefixes, kind="stable")
            memo = _KEY_PREFIXES[str(path)] = (prefixes[order], order.astype(np.int32))
        return memo

    def lookup(self, keys):
        """Words and default tokens (space-joined Arrow strings) for each key; null where the cache has none.

        Work per lookup is set by the keys found, not by the size of the cache: a shard is touched
        only when a wanted key's first 8 bytes are among its keys' (a sorted array per shard, kept
        for the process's life), and then only the row groups (1,000 rows) holding those keys are
        read, with their page checksums; the digest of the whole shard is checked the first time a
        process reads from it. (Reading every shard's keys, and whole shards for a few repeated
        sentences, made a long streamed run quadratic in its number of shards.)
        """
        import pyarrow as pa
        import pyarrow.parquet as pq

        words = tokens = pa.nulls(len(keys), pa.string())
        missing = np.ones(len(keys), dtype=bool)
        wanted = _prefix(keys)
        wanted_pairs = _pairs(keys)
        for path in self.shards():
            if not missing.any():
                break
            memo = self._prefixes(path)
            if memo is None or not len(memo[0]):
                continue
            prefixes, rows = memo
            open_idx = np.flatnonzero(missing)
            open_prefixes = wanted[open_idx]
            pos = np.minimum(np.searchsorted(prefixes, open_prefixes), len(prefixes) - 1)
            match = prefixes[pos] == open_prefixes
            if not match.any():
                continue
            idx, row = open_idx[match], rows[pos[match]].astype(np.int64)
            try:
                if str(path) not in _VERIFIED:
                    part, local = self._read(path), row          # the whole shard, digest checked once
                    _VERIFIED.add(str(path))
                else:
                    self._check_metadata(path)
                    parquet = pq.ParquetFile(path, page_checksum_verification=True)
                    size = parquet.metadata.row_group(0).num_rows
                    groups = np.unique(row // size)
                    part = parquet.read_row_groups(groups.tolist(), use_threads=False)
                    local = np.searchsorted(groups, row // size) * size + row % size
                if part.column_names != list(_COLUMNS):
                    raise ValueError(f"unexpected columns {part.column_names}")
                take = pa.array(local)
                found = (_pairs(part.column("key").combine_chunks().take(take)) == wanted_pairs[idx]).all(axis=1)
            except FileNotFoundError:
                continue      # merged away by another process meanwhile
            except (OSError, ValueError, KeyError, IndexError, pa.ArrowException) as err:
                _VERIFIED.discard(str(path))
                _KEY_PREFIXES.pop(str(path), None)
                self._reject(path, str(err) or type(err).__name__)
                continue
            if not found.any():
                continue
            idx, take = idx[found], pa.array(local[found])
            words = _scatter(words, idx, part.column("words").combine_chunks().take(take))
            tokens = _scatter(tokens, idx, part.column("tokens").combine_chunks().take(take))
            missing[idx] = False
        return words, tokens

    def _read(self, path: Path):
        """A shard's table, after checking its signature, page checksums and digest (ValueError if bad)."""
        import pyarrow.parquet as pq

        meta = self._check_metadata(path)
        table = pq.ParquetFile(path, page_checksum_verification=True).read(use_threads=False)
        if table.column_names != list(_COLUMNS):
            raise ValueError(f"unexpected columns {table.column_names}")
        if meta.get(b"digest", b"").decode() != _digest(table):
            raise ValueError("its checksum does not match its contents")
        return table

    def write(self, keys, words, tokens) -> None:
        """Write one shard atomically (its name is the digest of its contents)."""
        import pyarrow as pa

        self._write(pa.table({"key": keys, "words": words, "tokens": tokens}))

    def _write(self, table) -> None:
        import pyarrow.parquet as pq

        digest = _digest(table)
        table = table.replace_schema_metadata({"signature": self.signature, "digest": digest})
        path = self.folder / f"shard-{digest}.parquet"
        atomic_write(path, lambda tmp: pq.write_table(table, tmp, compression="lz4", write_page_checksum=True,
                                                      row_group_size=_ROW_GROUP))

    def compact(self) -> None:
        """Merge small shards (fewer than ``_SMALL_SHARD`` rows) into shards of up to ``_MERGED_ROWS`` rows.

        Only small shards are read, a group at a time, so merging needs memory for one merged shard,
        never for the whole cache.
        """
        import pyarrow as pa
        import pyarrow.parquet as pq

        small = []
        for path in self.shards():
            try:
                if pq.ParquetFile(path).metadata.num_rows < _SMALL_SHARD:
                    small.append(path)
            except FileNotFoundError:
                continue
            except (OSError, pa.ArrowException) as err:
                self._reject(path, str(err) or type(err).__name__)
        if len(small) <= _MAX_SHARDS:
            return
        tables, used, rows = [], [], 0
        for k, path in enumerate(small):
            try:
                table = self._read(path)
            except FileNotFoundError:
                continue
            except (OSError, ValueError, KeyError, pa.ArrowException) as err:
                self._reject(path, str(err) or type(err).__name__)
                continue
            tables.append(table.replace_schema_metadata(None))
            used.append(path)
            rows += len(table)
            if rows >= _MERGED_ROWS or k == len(small) - 1:
                if len(used) > 1:
                    self._write(pa.concat_tables(tables).combine_chunks())
                    for done in used:
                        try:
                            done.unlink()
                        except FileNotFoundError:
                            pass
                tables, used, rows = [], [], 0


_KEY_PREFIXES: dict[str, tuple] = {}   # shard path -> (sorted uint64 key prefixes, their rows), this process
_VERIFIED: set[str] = set()             # shards whose digest this process has checked
_ROW_GROUP = 1_000                      # rows per Parquet row group: the unit a lookup reads


def _pairs(keys) -> np.ndarray:
    """Each 16-byte key as two uint64 (n x 2), without a Python object per key."""
    raw = np.frombuffer(keys.buffers()[1], dtype=np.uint64)
    return raw[2 * keys.offset:2 * (keys.offset + len(keys))].reshape(-1, 2)


def _prefix(keys) -> np.ndarray:
    """The first 8 bytes of each 16-byte key as uint64 (keys are hashes: uniformly spread)."""
    return _pairs(keys)[:, 0].copy()


def _scatter(result, idx: np.ndarray, values):
    """``result`` with ``values`` put at positions ``idx`` (Arrow arrays, no Python strings)."""
    import pyarrow as pa

    n = len(result)
    # Positions into concat([result, values]): idx takes from values, the rest keep result.
    source = np.arange(n, dtype=np.int64)
    source[idx] = n + np.arange(len(idx), dtype=np.int64)
    return pa.concat_arrays([result, values.cast(pa.string())]).take(pa.array(source))


# ------------------------------------------------------------------ running the segmenter

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


def _segment_rows(path: str, start: int, stop: int, normalize: bool, tokens: bool):
    """:func:`_segment_chunk` on rows ``start:stop`` of the texts in an Arrow file (a worker's own shard).

    The file is memory-mapped once per worker process; only two integers and
    the file name travel to the worker, and two Arrow arrays come back.
    """
    import pyarrow as pa

    table = _SHARED.get(path)
    if table is None:
        _SHARED.clear()
        table = _SHARED[path] = pa.ipc.open_file(pa.memory_map(path)).read_all().column(0)
    return _segment_chunk(table.slice(start, stop - start).to_pylist(), normalize, tokens)


@contextmanager
def _chunk_results(texts, chunks: list[np.ndarray], n_jobs: int, scheduler, normalize: bool, tokens: bool):
    """``(words, tokens)`` of each chunk of rows of ``texts`` (an Arrow array), in order.

    Here, in worker processes (each reads its rows from a temporary Arrow
    file), or on a Dask cluster (each task carries its texts).
    """
    import tempfile

    import pyarrow as pa

    def rows(c):
        return texts.take(pa.array(c)).to_pylist()

    if scheduler is not None:
        with dask_client(scheduler) as client:
            yield client.gather(client.map(_segment_chunk, [rows(c) for c in chunks], normalize=normalize,
                                           tokens=tokens, pure=False))
    elif n_jobs == 1 or len(chunks) == 1:
        yield (_segment_chunk(rows(c), normalize, tokens) for c in chunks)
    else:
        _batch_tagger()  # load the model before forking, so that workers inherit it
        todo = texts.take(pa.array(np.concatenate(chunks)))     # the chunks' texts, contiguous
        bounds = np.cumsum([0] + [len(c) for c in chunks]).tolist()
        with tempfile.TemporaryDirectory(prefix="vn-segment-") as folder:
            path = os.path.join(folder, "texts.arrow")
            with pa.OSFile(path, "wb") as sink, pa.ipc.new_file(sink, pa.schema([("text", todo.type)])) as out:
                out.write_table(pa.table({"text": todo}))
            with ProcessPoolExecutor(max_workers=n_jobs) as pool:
                yield pool.map(_segment_rows, [path] * len(chunks), bounds[:-1], bounds[1:],
                               [normalize] * len(chunks), [tokens] * len(chunks))


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


def _segment_arrow(texts, cache, n_jobs: int, progress, chunk_size: int, scheduler,
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
    new_words, new_tokens = _segment_missing(arrow_texts, missing[first], keys, store, n_jobs, progress, chunk_size,
                                             scheduler, normalize, shard_size, with_tokens)
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


def _segment_missing(arrow_texts, todo, keys, store, n_jobs: int, progress, chunk_size: int, scheduler,
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

    with _progress(len(todo), progress, "word segmentation") as bar:
        with _chunk_results(arrow_texts, chunks, n_jobs, scheduler, normalize, with_tokens) as results:
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
    return _to_lists(_segment_arrow(texts, cache, n_jobs, progress, chunk_size, scheduler, False, shard_size,
                                    want_tokens=False)[0])


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
    _check_args([], options["n_jobs"], "tokenize_units")
    # Keyed by the raw text: a cached corpus is not even normalised again.
    words, tokens = _segment_arrow(texts, options["cache"], options["n_jobs"], options["progress"],
                                   options["chunk_size"], options["scheduler"], True, options["shard_size"])
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
