"""The word cache: words and default tokens of texts, kept in content-keyed Parquet shards.

The store behind :func:`toolkit.segment_words` and :func:`toolkit.tokenize_units`
(:mod:`toolkit.batch`, which sits above it and runs the segmenter on the texts
the cache does not hold), so that a second run of a corpus reads words instead
of computing them; :func:`toolkit.process_archive` shares it between workers.
It reads the segmenter's resources from :mod:`toolkit.wordseg` only to sign
its folder; keys, digests, Parquet writes and checked reads are
:mod:`toolkit.store`'s.

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
- **Lookups** are Arrow operations over keys; only shards holding a
  requested key have their words read, and then only the row groups holding
  it.
- **Housekeeping.** A cache folder that is a file, cannot be created or is not
  writable falls back to no cache with a warning, before any work is done;
  temporary files left by killed runs are removed; many small shards are
  merged a group at a time.
"""

from __future__ import annotations

import hashlib
import os
import warnings
from functools import lru_cache
from pathlib import Path

import numpy as np

from .store import (add_fields, count_rows, parquet_metadata, read_checked, read_parquet, read_rows,
                    remove_orphans, table_digest, write_parquet)
from .wordseg import _SYLLABLE_RE, _read_resource

__all__ = ["default_cache_dir", "cache_signature"]

_FORMAT = "parquet-1"
_MAX_SHARDS = 16          # merge small shards when a folder has more than this many
_SMALL_SHARD = 5_000      # rows: shards below this are merged
_MERGED_ROWS = 20_000     # rows of a merged shard


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

    h = add_fields(hashlib.sha256(), (_FORMAT, __version__, _read_resource("domain_words.txt"), _SYLLABLE_RE.pattern,
                                      _read_resource("stopwords/vietnamese-stopwords.txt"),
                                      _read_resource("stopwords_domain.txt")))
    return f"{__version__}-{h.hexdigest()[:12]}"


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
    remove_orphans(folder)
    return folder


_COLUMNS = ("key", "words", "tokens")


class _Store:
    """The Parquet shards of one cache folder."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.signature = cache_signature()

    def shards(self) -> list[Path]:
        return sorted(self.folder.glob("shard-*.parquet"))

    def _reject(self, path: Path, why: str) -> None:
        """Forget what this process read of an unusable shard and warn (:func:`read_checked` deletes it)."""
        _VERIFIED.discard(str(path))
        _KEY_PREFIXES.pop(str(path), None)
        warnings.warn(f"word segmentation cache shard {path.name} is unusable ({why}); rebuilding its entries",
                      stacklevel=6)

    def _check_metadata(self, path: Path) -> dict[str, str]:
        meta = parquet_metadata(path)
        if meta.get("signature", "") != self.signature:
            raise ValueError("made by another toolkit version or configuration")
        return meta

    def _keys(self, path: Path):
        """A shard's keys, after checking its signature and the key column's page checksums."""
        self._check_metadata(path)
        return read_parquet(path, columns=["key"]).column("key").combine_chunks()

    def _prefixes(self, path: Path):
        """A shard's keys' first 8 bytes, sorted, and the row of each: read once per process (shards never
        change: their name is the digest of their contents); None if the shard is unreadable."""
        memo = _KEY_PREFIXES.get(str(path))
        if memo is None:
            shard_keys = read_checked(path, self._keys, self._reject)
            if shard_keys is None:
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
            # None when merged away by another process meanwhile, or unusable (then deleted).
            got = read_checked(path, lambda p: self._rows(p, row, wanted_pairs[idx]), self._reject)
            if got is None or not got[2].any():
                continue
            part, local, found = got
            idx, take = idx[found], pa.array(local[found])
            words = _scatter(words, idx, part.column("words").combine_chunks().take(take))
            tokens = _scatter(tokens, idx, part.column("tokens").combine_chunks().take(take))
            missing[idx] = False
        return words, tokens

    def _rows(self, path: Path, row: np.ndarray, wanted: np.ndarray):
        """``(part, local, found)``: a shard's table holding rows ``row`` (at ``local`` in it), and where
        their keys are the ``wanted`` ones (n x 2 uint64). The whole shard, its digest checked, the first
        time this process reads it; then only the row groups holding those rows."""
        import pyarrow as pa

        if str(path) not in _VERIFIED:
            part, local = self._read(path), row
            _VERIFIED.add(str(path))
        else:
            self._check_metadata(path)
            part, local = read_rows(path, row)
        if part.column_names != list(_COLUMNS):
            raise ValueError(f"unexpected columns {part.column_names}")
        found = (_pairs(part.column("key").combine_chunks().take(pa.array(local))) == wanted).all(axis=1)
        return part, local, found

    def _read(self, path: Path):
        """A shard's table, after checking its signature, page checksums and digest (ValueError if bad)."""
        meta = self._check_metadata(path)
        table = read_parquet(path)
        if table.column_names != list(_COLUMNS):
            raise ValueError(f"unexpected columns {table.column_names}")
        if meta.get("digest", "") != table_digest(table):
            raise ValueError("its checksum does not match its contents")
        return table

    def write(self, keys, words, tokens) -> None:
        """Write one shard atomically (its name is the digest of its contents)."""
        import pyarrow as pa

        self._write(pa.table({"key": keys, "words": words, "tokens": tokens}))

    def _write(self, table) -> None:
        digest = table_digest(table)
        write_parquet(self.folder / f"shard-{digest}.parquet", table,
                      {"signature": self.signature, "digest": digest}, row_group_size=_ROW_GROUP)

    def compact(self) -> None:
        """Merge small shards (fewer than ``_SMALL_SHARD`` rows) into shards of up to ``_MERGED_ROWS`` rows.

        Only small shards are read, a group at a time, so merging needs memory for one merged shard,
        never for the whole cache.
        """
        import pyarrow as pa

        small = []
        for path in self.shards():
            n = read_checked(path, count_rows, self._reject)
            if n is not None and n < _SMALL_SHARD:
                small.append(path)
        if len(small) <= _MAX_SHARDS:
            return
        tables, used, rows = [], [], 0
        for k, path in enumerate(small):
            table = read_checked(path, self._read, self._reject)
            if table is None:
                continue
            tables.append(table.replace_schema_metadata(None))
            used.append(path)
            rows += len(table)
            if rows >= _MERGED_ROWS or k == len(small) - 1:
                if len(used) > 1:
                    self._write(pa.concat_tables(tables).combine_chunks())
                    for done in used:
                        done.unlink(missing_ok=True)
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
