"""The content-keyed store (toolkit/store.py): stable keys, whole-or-absent Parquet files, damaged files treated as absent."""

import hashlib
import os
import subprocess
import sys
import time

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from conftest import DATA, shard_digest
from toolkit import store

ARTICLE = sorted((DATA / "raw").iterdir())[0]      # a study article, as collected


def test_content_keys_are_128_bit_blake2b_of_the_utf8_bytes():
    # Fixed values from b2sum -l 128 (GNU coreutils), not from Python: keys never change between versions,
    # or every stored word cache and archive units folder would be read as empty.
    assert store.KEY_SIZE == 16
    assert store.content_key("Hợp tác biên giới").hex() == "745e8a5c9c2c5fb1c2b0d8be91c42ad1"
    assert store.content_key("Hợp tác biên giới".encode("utf-8")) == store.content_key("Hợp tác biên giới")
    assert store.file_key(ARTICLE).hex() == "a9c2a5d28cf77d7fc9190793e2df1eaa"
    # A person keeps one kind of key apart from another: the same text gives another key.
    assert store.content_key("Hợp tác biên giới", b"text") != store.content_key("Hợp tác biên giới", b"normalised")
    assert store.key_hash(b"text").digest_size == 16


def test_string_keys_equal_hashlib_on_each_text_whatever_the_arrow_layout(sentences):
    texts = sentences.text.tolist()[:40] + ["", "Hợp tác"]
    expected = [hashlib.blake2b(t.encode("utf-8"), digest_size=16, person=b"text").digest() for t in texts]
    keys = store.string_keys(pa.array(texts, pa.string()), b"text")
    assert keys.type == pa.binary(16) and keys.to_pylist() == expected
    assert store.string_keys(pa.array(texts, pa.large_string()), b"text").to_pylist() == expected
    # A slice of a larger array (non-zero offset into the buffers) keys only its own texts.
    assert store.string_keys(pa.array(texts, pa.large_string()).slice(5, 7), b"text").to_pylist() == expected[5:12]
    assert len(store.string_keys(pa.array([], pa.string()))) == 0


def test_fields_end_with_a_nul_byte():
    fields = ["parquet-1", "0.1.0", "tỉnh", 2017]
    h = hashlib.sha256()
    for field in fields:
        h.update(str(field).encode("utf-8") + b"\0")
    assert store.add_fields(hashlib.sha256(), fields).hexdigest() == h.hexdigest()
    assert store.add_fields(store.key_hash(), ["ab", "c"]).digest() != store.add_fields(store.key_hash(), ["a", "bc"]).digest()


def test_table_digest_covers_key_bytes_then_each_string_column(sentences):
    texts = sentences.text.tolist()[:30]
    words = [t.replace(" ", "_") for t in texts]
    keys = [hashlib.blake2b(t.encode("utf-8"), digest_size=16).digest() for t in texts]
    table = pa.table({"key": pa.array(keys, pa.binary(16)), "words": words, "tokens": [w.lower() for w in words]})
    # The same bytes fed to hashlib by hand: the keys, then per column its name, offsets from 0 and characters.
    expected = shard_digest(keys, {"words": words, "tokens": [w.lower() for w in words]})
    assert store.table_digest(table) == expected
    # Chunks and slices do not change it; a changed character does.
    assert store.table_digest(pa.concat_tables([table.slice(0, 10), table.slice(10)])) == expected
    assert store.table_digest(table.slice(3, 9)) == store.table_digest(pa.Table.from_pylist(table.slice(3, 9).to_pylist(),
                                                                                              schema=table.schema))
    changed = table.set_column(1, "words", pa.array([words[0] + "."] + words[1:]))
    assert store.table_digest(changed) != expected
    with pytest.raises(ValueError, match="words has missing values"):
        store.table_digest(table.set_column(1, "words", pa.array([None] + words[1:], pa.string())))
    with pytest.raises(TypeError, match="n is int64"):
        store.table_digest(pa.table({"n": [1, 2]}))


def test_parquet_files_keep_their_metadata_and_are_lz4_with_page_checksums(sentences, tmp_path):
    table = pa.table({"text": sentences.text.tolist()[:90]})
    path = tmp_path / "units" / "units-abc.parquet"             # the folder does not exist yet
    store.write_parquet(path, table, {"n_units": 90, "n_articles": 3}, row_group_size=30)
    assert store.parquet_metadata(path) == {"n_units": "90", "n_articles": "3"}
    assert store.count_rows(path) == 90
    back = store.read_parquet(path)
    assert back.column("text").to_pylist() == table.column("text").to_pylist()
    parquet = pq.ParquetFile(path)
    assert parquet.metadata.num_row_groups == 3
    assert parquet.metadata.row_group(0).column(0).compression == "LZ4"
    # The page checksums are written and checked: one flipped bit in a page, which an unchecked read
    # turns silently into other text, is caught.
    raw = bytearray(path.read_bytes())
    raw[parquet.metadata.row_group(0).column(0).dictionary_page_offset + 200] ^= 0x01
    path.write_bytes(bytes(raw))
    assert pq.read_table(path).column("text").to_pylist() != table.column("text").to_pylist()
    with pytest.raises(OSError, match="CRC checksum"):
        store.read_parquet(path)
    # Without metadata the table's own is kept.
    store.write_parquet(tmp_path / "plain.parquet", table.replace_schema_metadata({"signature": "x"}))
    assert store.parquet_metadata(tmp_path / "plain.parquet") == {"signature": "x"}


def test_a_failed_write_keeps_the_old_file_and_leaves_no_temporary_file(sentences, tmp_path, monkeypatch):
    path = tmp_path / "shard.parquet"
    old = pa.table({"text": sentences.text.tolist()[:5]})
    store.write_parquet(path, old)
    before = path.read_bytes()

    def half_then_fail(table, where, **kwargs):
        with open(where, "wb") as handle:
            handle.write(b"PAR1 half a file")
        raise KeyboardInterrupt

    monkeypatch.setattr(pq, "write_table", half_then_fail)
    with pytest.raises(KeyboardInterrupt):
        store.write_parquet(path, pa.table({"text": sentences.text.tolist()[5:10]}))
    with pytest.raises(KeyboardInterrupt):
        store.write_parquet(tmp_path / "new.parquet", old)
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["shard.parquet"]


@pytest.mark.parametrize("damage", ["truncated", "flipped bit", "not parquet"])
def test_a_damaged_file_reads_as_absent_and_is_removed(sentences, tmp_path, damage):
    path = tmp_path / "units-abc.parquet"
    store.write_parquet(path, pa.table({"text": sentences.text.tolist()}))
    raw = bytearray(path.read_bytes())
    if damage == "truncated":
        raw = raw[: len(raw) // 2]
    elif damage == "flipped bit":
        raw[pq.ParquetFile(path).metadata.row_group(0).column(0).dictionary_page_offset + 200] ^= 0x01
    else:
        raw = bytearray("Hợp tác biên giới".encode("utf-8"))
    path.write_bytes(bytes(raw))
    told = []
    assert store.read_checked(path, store.read_parquet, lambda p, why: told.append((p.name, why))) is None
    assert not path.exists()
    assert [name for name, _ in told] == ["units-abc.parquet"] and told[0][1]


def test_a_missing_file_reads_as_absent_and_a_failed_check_removes_the_file(sentences, tmp_path):
    told = []
    assert store.read_checked(tmp_path / "none.parquet", store.read_parquet, lambda *a: told.append(a)) is None
    assert told == []
    path = tmp_path / "shard.parquet"
    store.write_parquet(path, pa.table({"text": sentences.text.tolist()[:3]}), {"signature": "0.0.0-old"})

    def check(p):
        if store.parquet_metadata(p)["signature"] != "0.1.0-new":
            raise ValueError("made by another toolkit version or configuration")
        return store.read_parquet(p)

    assert store.read_checked(path, check) is None and not path.exists()
    store.write_parquet(path, pa.table({"text": sentences.text.tolist()[:3]}), {"signature": "0.1.0-new"})
    assert store.read_checked(path, check).column("text").to_pylist() == sentences.text.tolist()[:3]


def test_read_rows_reads_only_the_row_groups_holding_the_rows(sentences, tmp_path, monkeypatch):
    texts = sentences.text.tolist()[:10]
    path = tmp_path / "shard.parquet"
    store.write_parquet(path, pa.table({"text": texts}), row_group_size=4)      # groups of 4, 4, 2 rows
    groups = []
    real = pq.ParquetFile.read_row_groups
    monkeypatch.setattr(pq.ParquetFile, "read_row_groups", lambda self, g, **kw: groups.append(list(g)) or real(self, g, **kw))
    part, local = store.read_rows(path, np.array([9, 1, 8]))
    assert groups == [[0, 2]] and len(part) == 6
    assert part.column("text").take(pa.array(local)).to_pylist() == [texts[9], texts[1], texts[8]]


def test_temporary_files_of_killed_writes_are_removed(tmp_path):
    from toolkit.atomic import HOST

    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True,
                          text=True).stdout.strip()
    orphan = tmp_path / f".shard-abc.parquet.{HOST}-{dead}.tmp"
    old_style = tmp_path / f".shard-old.parquet.{dead}.tmp"            # named before the host was added
    live = tmp_path / f".shard-def.parquet.{HOST}-{os.getpid()}.tmp"    # a write in progress
    stale = tmp_path / f".shard-ghi.parquet.{HOST}-{os.getpid()}.tmp"   # this process, but two days old
    unnamed = tmp_path / ".shard-jkl.parquet.tmp"                       # no process id: nobody's
    # Another machine sharing the folder: its process ids mean nothing here, so only age removes its files.
    elsewhere = tmp_path / f".shard-mno.parquet.0badf00d-{dead}.tmp"
    elsewhere_stale = tmp_path / f".shard-pqr.parquet.0badf00d-{dead}.tmp"
    kept = tmp_path / "shard-abc.parquet"
    for path in (orphan, old_style, live, stale, unnamed, elsewhere, elsewhere_stale, kept):
        path.write_bytes(b"PAR1")
    for path in (stale, elsewhere_stale):
        os.utime(path, (time.time() - 2 * 24 * 3600,) * 2)
    store.remove_orphans(tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([live.name, elsewhere.name, kept.name])


def test_a_group_of_files_is_written_file_by_file_each_whole(tmp_path):
    files = store.file_group(tmp_path / "dfm" / "by_year", [".npz", ".terms.txt"])
    assert [p.relative_to(tmp_path).as_posix() for p in files] == ["dfm/by_year.npz", "dfm/by_year.terms.txt"]
    article = ARTICLE.read_bytes()
    assert store.write_files({files[0]: article, files[1]: "hợp_tác\nbiên_giới\n".encode("utf-8")}) == files
    assert files[0].read_bytes() == article and files[1].read_text(encoding="utf-8") == "hợp_tác\nbiên_giới\n"
    # A file that cannot be written (a folder stands at its name) stops the group: those before it stay whole.
    blocked = store.file_group(tmp_path / "dfm" / "by_province", [".npz", ".terms.txt"])
    blocked[1].mkdir()
    with pytest.raises(OSError):
        store.write_files({blocked[0]: article, blocked[1]: b"x"})
    assert blocked[0].read_bytes() == article
    assert not list((tmp_path / "dfm").glob(".*.tmp"))


@pytest.mark.parametrize("error", [MemoryError("no memory"), PermissionError(13, "Permission denied"),
                                   pa.ArrowMemoryError("malloc failed")])
def test_a_lack_of_memory_or_permission_is_raised_and_the_file_kept(sentences, tmp_path, error):
    # Neither says the file is damaged: deleting it would throw away good contents (a worker near its memory
    # limit, another user's shard in a shared cache folder).
    path = tmp_path / "units-abc.parquet"
    store.write_parquet(path, pa.table({"text": sentences.text.tolist()[:3]}))

    def read(p):
        raise error

    with pytest.raises(type(error)):
        store.read_checked(path, read, lambda *a: pytest.fail("a good file was reported as bad"))
    assert store.read_parquet(path).column("text").to_pylist() == sentences.text.tolist()[:3]
