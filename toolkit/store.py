"""The content-keyed store: keys of contents, atomic Parquet files read back checked, groups of files.

What the toolkit keeps on disk between runs is written and read here, one way:
the word cache's shards (:mod:`toolkit.wordcache`), an archive's stored units
(:mod:`toolkit.shard`) and a saved :class:`toolkit.DFM`.

- **Keys.** A content key is a BLAKE2b digest of ``KEY_SIZE`` = 16 bytes
  (128 bits) of a string's UTF-8 bytes, of bytes, or of a file's bytes
  (:func:`content_key`, :func:`file_key`, :func:`string_keys` for an Arrow
  array of strings); an optional ``person`` (up to 16 bytes) keeps keys of one
  kind of content apart from another's. :func:`key_hash` is the same digest
  fed piece by piece, and :func:`add_fields` feeds it a list of values (or
  feeds another hash). Keys depend on the content only: not on the process,
  the machine or Python's hash seed, so any later run finds what an earlier
  one stored.
- **Parquet files.** :func:`write_parquet` writes a table with lz4
  compression, Parquet page checksums and its schema metadata (strings),
  under a temporary name in the same folder, renamed when whole
  (:func:`toolkit.atomic.atomic_write`): a killed run leaves the old file or
  none, never half of one; :func:`remove_orphans` deletes the temporary files
  of runs that were killed.
- **Checked reads.** :func:`read_parquet` and :func:`read_rows` verify the
  page checksums of what they read; :func:`read_checked` runs such a read and
  treats a file that cannot be read as absent: it removes it, so that its
  contents are computed and written again.
- **Groups of files.** An object saved as several files side by side
  (``<base>.npz``, ``<base>.terms.txt``, ...) is named by :func:`file_group`
  and written by :func:`write_files`, each file atomically.
"""

from __future__ import annotations

import hashlib
import os
import time
from pathlib import Path

import numpy as np

from .atomic import atomic_write

__all__ = ["KEY_SIZE", "key_hash", "content_key", "file_key", "add_fields", "string_keys", "table_digest",
           "write_parquet", "parquet_metadata", "count_rows", "read_parquet", "read_rows", "read_checked",
           "remove_orphans", "file_group", "write_files"]

KEY_SIZE = 16
"""Bytes of every content key: a 128-bit BLAKE2b digest."""

_STALE_TMP_SECONDS = 24 * 3600


def key_hash(person: bytes = b""):
    """A new BLAKE2b hash of ``KEY_SIZE`` bytes, to be fed a content piece by piece (``update``).

    Examples
    --------
    >>> h = key_hash()
    >>> h.update("Hợp tác".encode("utf-8"))
    >>> h.digest() == content_key("Hợp tác")
    True
    """
    return hashlib.blake2b(digest_size=KEY_SIZE, person=person)


def content_key(content: str | bytes | memoryview, person: bytes = b"") -> bytes:
    """The ``KEY_SIZE``-byte BLAKE2b digest of ``content`` (a string is hashed as its UTF-8 bytes).

    Examples
    --------
    >>> len(content_key("biên giới")), content_key("biên giới") == content_key("biên giới".encode("utf-8"))
    (16, True)
    """
    if isinstance(content, str):
        content = content.encode("utf-8")
    return hashlib.blake2b(content, digest_size=KEY_SIZE, person=person).digest()


def file_key(path: str | os.PathLike) -> bytes:
    """The content key of a file's bytes."""
    with open(path, "rb") as handle:
        return content_key(handle.read())


def add_fields(h, fields):
    """Feed each field (as ``str(field)``, UTF-8) followed by a NUL byte into the hash ``h``; return ``h``.

    The NUL ends each field, so ``["ab", "c"]`` and ``["a", "bc"]`` give different digests.
    ``h`` is any :mod:`hashlib` hash, usually :func:`key_hash`.

    Examples
    --------
    >>> add_fields(key_hash(), ["ab", "c"]).digest() == add_fields(key_hash(), ["a", "bc"]).digest()
    False
    """
    for field in fields:
        h.update(str(field).encode("utf-8"))
        h.update(b"\0")
    return h


def _string_buffers(strings):
    """UTF-8 bytes and int64 offsets of an Arrow string array."""
    import pyarrow as pa

    strings = strings.cast(pa.large_string()) if strings.type != pa.large_string() else strings
    n = len(strings)
    offsets = np.frombuffer(strings.buffers()[1], dtype=np.int64)[strings.offset:strings.offset + n + 1]
    data = strings.buffers()[2]
    return (memoryview(data) if data is not None else memoryview(b"")), offsets


def string_keys(strings, person: bytes = b""):
    """The content key of each string of an Arrow string array, as an Arrow ``binary(KEY_SIZE)`` array.

    Hashes the array's UTF-8 buffer slice by slice, without a Python string per value; a null
    is keyed as the empty string.

    Examples
    --------
    >>> import pyarrow as pa
    >>> string_keys(pa.array(["Hợp tác", ""]), b"text").to_pylist() == [content_key("Hợp tác", b"text"), content_key("", b"text")]
    True
    """
    import pyarrow as pa

    digest = hashlib.blake2b
    data, offsets = _string_buffers(strings)
    bounds = offsets.tolist()
    joined = b"".join([digest(data[a:b], digest_size=KEY_SIZE, person=person).digest()
                       for a, b in zip(bounds, bounds[1:])])
    return pa.FixedSizeBinaryArray.from_buffers(pa.binary(KEY_SIZE), len(strings), [None, pa.py_buffer(joined)])


def table_digest(table) -> str:
    """A BLAKE2b digest (hex, ``KEY_SIZE`` bytes) of an Arrow table's contents, column by column.

    A fixed-size binary column adds its values' bytes; a string column adds its name, its
    offsets counted from 0 (little-endian int32) and its characters. Chunking and the
    array's offset in its buffers do not matter. Any other column type is a ``TypeError``, a
    missing value in a string column a ``ValueError``.
    """
    import pyarrow as pa

    h = key_hash()
    for name in table.column_names:
        col = table.column(name).combine_chunks()
        if pa.types.is_fixed_size_binary(col.type):
            width, o = col.type.byte_width, col.offset
            h.update(memoryview(col.buffers()[1])[o * width:(o + len(col)) * width] if len(col) else b"")
            continue
        if not pa.types.is_string(col.type):
            raise TypeError(f"column {name} is {col.type}: a digest covers binary and string columns")
        if col.null_count:
            raise ValueError(f"column {name} has missing values")
        offsets = np.frombuffer(col.buffers()[1], dtype=np.int32)[col.offset:col.offset + len(col) + 1]
        h.update(name.encode() + (offsets - offsets[0]).astype("<i4").tobytes() if len(offsets) else b"")
        if len(offsets) and col.buffers()[2] is not None:
            h.update(memoryview(col.buffers()[2])[offsets[0]:offsets[-1]])
    return h.hexdigest()


def write_parquet(path: str | os.PathLike, table, metadata: dict | None = None,
                  row_group_size: int | None = None) -> None:
    """Write ``table`` to ``path`` atomically: lz4, page checksums, ``metadata`` as its schema metadata.

    ``metadata`` (keys and values made strings) replaces the table's own schema metadata;
    ``None`` keeps it. ``row_group_size`` rows per row group (pyarrow's default when None).
    The folder is created if needed.
    """
    import pyarrow.parquet as pq

    if metadata is not None:
        table = table.replace_schema_metadata({str(k): str(v) for k, v in metadata.items()})
    atomic_write(path, lambda tmp: pq.write_table(table, tmp, compression="lz4", write_page_checksum=True,
                                                  row_group_size=row_group_size))


def parquet_metadata(path: str | os.PathLike) -> dict[str, str]:
    """The schema metadata of a Parquet file, decoded (an empty dict when it has none)."""
    import pyarrow.parquet as pq

    return {k.decode(): v.decode() for k, v in (pq.read_schema(path).metadata or {}).items()}


def count_rows(path: str | os.PathLike) -> int:
    """The number of rows of a Parquet file, from its footer."""
    import pyarrow.parquet as pq

    return pq.ParquetFile(path).metadata.num_rows


def read_parquet(path: str | os.PathLike, columns: list[str] | None = None):
    """A Parquet file's table (or its ``columns``), page checksums verified, on one thread."""
    import pyarrow.parquet as pq

    return pq.ParquetFile(path, page_checksum_verification=True).read(columns=columns, use_threads=False)


def read_rows(path: str | os.PathLike, rows: np.ndarray):
    """Only the row groups of a Parquet file that hold ``rows`` (positions): ``(table, local positions)``.

    The file's row groups must all have the size of the first but the last (as
    :func:`write_parquet` with ``row_group_size`` writes them); ``table.take(local)`` gives the rows
    asked for, in their order. Page checksums are verified.
    """
    import pyarrow.parquet as pq

    rows = np.asarray(rows, dtype=np.int64)
    parquet = pq.ParquetFile(path, page_checksum_verification=True)
    size = parquet.metadata.row_group(0).num_rows
    groups = np.unique(rows // size)
    table = parquet.read_row_groups(groups.tolist(), use_threads=False)
    return table, np.searchsorted(groups, rows // size) * size + rows % size


def read_checked(path: str | os.PathLike, read, on_bad=None):
    """``read(path)``, or None when the file is absent or cannot be read; a file that cannot be read is removed.

    Unreadable means ``read`` raised ``OSError``, ``ValueError``, ``KeyError``, ``IndexError`` or an Arrow
    error (a damaged or foreign file, a failed check); ``on_bad(path, reason)`` is called first
    (to warn, or forget what was remembered of the file). The contents are then computed again.
    A lack of memory or of permission says nothing about the file: those errors are raised, and
    the file is kept.
    """
    import pyarrow as pa

    try:
        return read(path)
    except FileNotFoundError:
        return None
    except (MemoryError, PermissionError):      # pyarrow's ArrowMemoryError is a MemoryError too
        raise
    except (OSError, ValueError, KeyError, IndexError, pa.ArrowException) as err:
        if on_bad is not None:
            on_bad(Path(path), str(err) or type(err).__name__)
        Path(path).unlink(missing_ok=True)
        return None


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError):
        return True
    return True


def remove_orphans(folder: str | os.PathLike, stale_seconds: float = _STALE_TMP_SECONDS) -> None:
    """Delete the temporary files of killed writes in ``folder`` (their process is gone, or they are a day old).

    Temporary files are ``.<name>.<host>-<pid>.tmp``, as :func:`toolkit.atomic.atomic_write` names
    them (``.<name>.<pid>.tmp`` before the host was added, taken as this machine's). A write in
    progress on this machine (its process alive) is left alone; one written from another machine
    sharing the folder, whose processes cannot be seen from here, is removed only when a day old.
    """
    from .atomic import HOST

    now = time.time()
    for tmp in Path(folder).glob(".*.tmp"):
        host, _, pid = tmp.name.rsplit(".", 2)[-2].rpartition("-")
        pid = int(pid) if pid.isdigit() else -1
        try:
            if now - tmp.stat().st_mtime > stale_seconds:
                tmp.unlink()
            elif host in ("", HOST) and (pid < 0 or not _pid_alive(pid)):
                tmp.unlink()
        except FileNotFoundError:
            pass


def file_group(base: str | os.PathLike, suffixes) -> list[Path]:
    """The files of one object saved side by side: ``<base><suffix>`` for each suffix.

    Examples
    --------
    >>> [p.name for p in file_group("counts/by_year", [".npz", ".terms.txt"])]
    ['by_year.npz', 'by_year.terms.txt']
    """
    base = Path(base)
    return [base.with_name(base.name + suffix) for suffix in suffixes]


def write_files(contents: dict) -> list:
    """Write each ``{path: bytes}`` atomically, in order, creating folders; return the paths.

    Each file is whole or absent; a write that fails leaves the files written before it.
    """
    for target, data in contents.items():
        atomic_write(target, lambda tmp, data=data: Path(tmp).write_bytes(data))
    return list(contents)
