"""The word cache: content keys the same in every process, shards rebuilt when bad, resumed after a kill, merged, looked up."""

import hashlib
import os
import signal
import subprocess
import sys
import time

import pytest

import toolkit as tk
from conftest import ROOT, shard_digest

B = sys.modules["toolkit.batch"]
W = sys.modules["toolkit.wordcache"]


def _shards(folder):
    return sorted(folder.glob("words-*/shard-*.parquet"))


def test_cache_makes_the_second_run_free_and_rebuilds_bad_shards(tmp_path, monkeypatch, sentences):
    import pyarrow.parquet as pq

    texts = sentences.text.tolist()[:20]
    first = tk.segment_words(texts, cache=tmp_path)
    assert first == [tk.word_segment(t) for t in texts]
    shards = _shards(tmp_path)
    assert len(shards) == 1
    assert shards[0].parent.name == f"words-{W.cache_signature()}"
    # Second run: served from the cache without segmenting anything.
    monkeypatch.setattr(B, "word_segment_many", lambda texts: pytest.fail("segmented a cached text"))
    assert tk.segment_words(texts, cache=tmp_path) == first
    monkeypatch.undo()
    # A truncated shard is detected, reported and rebuilt.
    good = shards[0].read_bytes()
    shards[0].write_bytes(good[: len(good) // 2])
    with pytest.warns(UserWarning, match="unusable"):
        assert tk.segment_words(texts, cache=tmp_path) == first
    assert len(_shards(tmp_path)) == 1 and _shards(tmp_path)[0].read_bytes() == good
    # A shard from another version is not trusted, even with well-formed contents.
    table = pq.read_table(shards[0])
    pq.write_table(table.replace_schema_metadata({**table.schema.metadata, b"signature": b"0.0.0-000000000000"}),
                   shards[0])
    with pytest.warns(UserWarning, match="another toolkit version"):
        assert tk.segment_words(texts, cache=tmp_path) == first
    # Words changed inside a shard that keeps its metadata: the checksum catches it.
    table = pq.read_table(shards[0])
    tampered = table.set_column(1, "words", __import__("pyarrow").array(["x"] * len(table)))
    pq.write_table(tampered.replace_schema_metadata(table.schema.metadata), shards[0])
    with pytest.warns(UserWarning, match="checksum"):
        assert tk.segment_words(texts, cache=tmp_path) == first


def test_a_shard_written_in_the_cache_format_by_hand_is_read_without_segmenting(tmp_path, sentences, monkeypatch):
    # The format on disk, written here with pyarrow and hashlib alone: a cache folder an earlier release
    # wrote must still be read, so keys, digest, file name and metadata must come out byte for byte.
    import pyarrow as pa
    import pyarrow.parquet as pq

    texts = sentences.text.tolist()[:12]
    words = [" ".join(tk.word_segment(t)) for t in texts]
    tokens = [" ".join(tk.tokenize(t)) for t in texts]
    keys = [hashlib.blake2b(t.encode("utf-8"), digest_size=16, person=b"text").digest() for t in texts]
    digest = shard_digest(keys, {"words": words, "tokens": tokens})
    folder = tmp_path / f"words-{W.cache_signature()}"
    folder.mkdir()
    table = pa.table({"key": pa.array(keys, pa.binary(16)), "words": words, "tokens": tokens})
    pq.write_table(table.replace_schema_metadata({"signature": W.cache_signature(), "digest": digest}),
                   folder / f"shard-{digest}.parquet", compression="lz4", write_page_checksum=True)
    monkeypatch.setattr(B, "word_segment_many", lambda texts: pytest.fail("segmented a cached text"))
    assert tk.segment_words(texts, cache=tmp_path) == [w.split(" ") for w in words]
    assert [p.name for p in folder.iterdir()] == [f"shard-{digest}.parquet"]      # nothing rejected or rewritten


def test_cache_signature_is_a_sha256_of_what_the_words_depend_on():
    # The folder's name must not change while the words would not: computed here from the resource files.
    from toolkit.wordseg import _SYLLABLE_RE

    resources = ROOT / "toolkit" / "resources"
    h = hashlib.sha256()
    for part in ("parquet-1", tk.__version__, (resources / "domain_words.txt").read_text(encoding="utf-8"),
                 _SYLLABLE_RE.pattern, (resources / "stopwords" / "vietnamese-stopwords.txt").read_text(encoding="utf-8"),
                 (resources / "stopwords_domain.txt").read_text(encoding="utf-8")):
        h.update(part.encode("utf-8") + b"\0")
    assert W.cache_signature() == f"{tk.__version__}-{h.hexdigest()[:12]}"


def test_cache_key_is_the_same_in_every_process(tmp_path, sentences):
    # The signature once depended on the order of a set (Python's hash seed), so every new process
    # wrote a new cache and never read one. Two processes with different seeds must share it.
    code = (
        "import sys, toolkit as tk, toolkit.batch as B, toolkit.wordcache as W\n"
        "texts = [l for l in open(sys.argv[1], encoding='utf-8').read().split('\\n') if l]\n"
        "calls = []\n"
        "real = B.word_segment_many\n"
        "B.word_segment_many = lambda t: calls.append(len(t)) or real(t)\n"
        "tk.segment_words(texts, cache=sys.argv[2])\n"
        "print(W.cache_signature(), sum(calls))\n"
    )
    listing = tmp_path / "texts.txt"
    listing.write_text("\n".join(sentences.text.tolist()[:15]), encoding="utf-8")
    outputs = []
    for seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": seed, "PYTHONPATH": str(ROOT)}
        done = subprocess.run([sys.executable, "-c", code, str(listing), str(tmp_path / "cache")],
                              capture_output=True, text=True, env=env, check=True)
        outputs.append(done.stdout.split())
    (sig1, segmented1), (sig2, segmented2) = outputs
    assert sig1 == sig2
    distinct = len(set(sentences.text.tolist()[:15]))
    assert int(segmented1) == distinct and int(segmented2) == 0      # the second process only reads
    assert [p.parent.name for p in _shards(tmp_path / "cache")] == [f"words-{sig1}"]


def test_orphaned_temporary_files_are_removed(tmp_path, sentences):
    folder = tmp_path / f"words-{W.cache_signature()}"
    folder.mkdir()
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True,
                          text=True).stdout.strip()
    orphan = folder / f".shard-abc.parquet.{dead}.tmp"
    orphan.write_bytes(b"half a shard")
    live = folder / f".shard-def.parquet.{os.getpid()}.tmp"     # a write in progress in a live process
    live.write_bytes(b"in progress")
    tk.segment_words(sentences.text.tolist()[:3], cache=tmp_path)
    assert not orphan.exists() and live.exists()


def test_unusable_cache_folder_falls_back_to_no_cache(tmp_path, sentences):
    texts = sentences.text.tolist()[:3]
    expected = [tk.word_segment(t) for t in texts]
    a_file = tmp_path / "cache"
    a_file.write_text("not a folder")
    with pytest.warns(UserWarning, match="is a file.*without a cache"):
        assert tk.segment_words(texts, cache=a_file) == expected
    assert a_file.read_text() == "not a folder"
    # A folder that cannot be created (even by root).
    with pytest.warns(UserWarning, match="cannot be used"):
        assert tk.segment_words(texts, cache="/proc/no-such-cache") == expected


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root may write into read-only folders")
def test_read_only_cache_folder_falls_back_to_no_cache(tmp_path, sentences):
    texts = sentences.text.tolist()[:3]
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o555)
    try:
        with pytest.warns(UserWarning, match="without a cache"):
            assert tk.segment_words(texts, cache=folder) == [tk.word_segment(t) for t in texts]
    finally:
        folder.chmod(0o755)


def test_killed_run_resumes_from_finished_shards(tmp_path, sentences):
    # A run in another process is killed (SIGKILL) once it has written some shards; the next run
    # computes only the texts of the shards it never finished, and gives the same words.
    texts = [f"{t} {i}" for i in range(40) for t in sentences.text.tolist()[:50]]      # 2,000 distinct texts
    listing = tmp_path / "texts.txt"
    listing.write_text("\n".join(texts), encoding="utf-8")
    code = (
        "import sys, toolkit as tk\n"
        "texts = open(sys.argv[1], encoding='utf-8').read().split('\\n')\n"
        "tk.segment_words(texts, cache=sys.argv[2], chunk_size=50, shard_size=100, progress=False)\n"
    )
    cache = tmp_path / "cache"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen([sys.executable, "-c", code, str(listing), str(cache)], env=env)
    deadline = time.monotonic() + 120
    while len(_shards(cache)) < 3 and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    finished = len(_shards(cache))
    assert 3 <= finished < 20, "the run was killed too late to test resuming"
    calls = []
    real = B.word_segment_many

    def counting(batch):
        calls.append(len(batch))
        return real(batch)

    B.word_segment_many = counting
    try:
        resumed = tk.segment_words(texts, cache=cache, chunk_size=50, shard_size=100)
    finally:
        B.word_segment_many = real
    assert sum(calls) <= len(texts) - 100 * finished
    assert resumed == tk.segment_words(texts, cache=False)
    assert not list(cache.glob("words-*/.*.tmp"))     # the killed run's temporary file is gone
    monkey = tk.segment_words(texts, cache=cache)     # and a third run reads everything
    assert monkey == resumed


def test_many_small_shards_are_merged_in_bounded_groups_and_still_read(tmp_path, sentences, monkeypatch):
    import pyarrow.parquet as pq

    monkeypatch.setattr(W, "_MAX_SHARDS", 4)
    monkeypatch.setattr(W, "_MERGED_ROWS", 9)
    texts = sentences.text.tolist()[:30]
    big = tk.segment_words(sentences.text.tolist()[30:60], cache=tmp_path)     # one shard of 30 rows
    monkeypatch.setattr(W, "_SMALL_SHARD", 10)                                 # ... that is not small
    first = tk.segment_words(texts, cache=tmp_path, chunk_size=3, shard_size=3)  # ten shards of 3 rows
    rows = sorted(pq.ParquetFile(p).metadata.num_rows for p in _shards(tmp_path))
    # The large shard is untouched; the small ones (3 rows, one of 2: 29 distinct texts) are merged into
    # groups that stop growing at 9 rows, so none exceeds 9 + 3 - 1 = 11 rows; at most one is left over.
    assert rows[-1] == len(set(sentences.text.tolist()[30:60]))
    merged = rows[:-1]
    assert sum(merged) == len(set(texts)) and len(merged) <= 4
    assert all(r <= 11 for r in merged) and sum(r < 9 for r in merged) <= 1
    monkeypatch.setattr(B, "word_segment_many", lambda texts: pytest.fail("segmented a cached text"))
    assert tk.segment_words(texts, cache=tmp_path) == first
    assert tk.segment_words(sentences.text.tolist()[30:60], cache=tmp_path) == big


def test_interrupted_shard_write_keeps_the_old_shards(tmp_path, monkeypatch):
    import pyarrow.parquet as pq

    tk.segment_words(["Hợp tác biên giới."], cache=tmp_path)
    before = {p.name: p.read_bytes() for p in _shards(tmp_path)}

    def broken_write(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(pq, "write_table", broken_write)
    with pytest.raises(KeyboardInterrupt):
        tk.segment_words(["Một câu mới về an ninh."], cache=tmp_path)
    monkeypatch.undo()
    assert {p.name: p.read_bytes() for p in _shards(tmp_path)} == before
    assert [p.name for p in (tmp_path / f"words-{W.cache_signature()}").iterdir()] == list(before)


def test_cache_shards_are_parquet_not_pickle(tmp_path):
    tk.segment_words(["Hợp tác."], cache=tmp_path)
    raw = _shards(tmp_path)[0].read_bytes()
    assert raw[:4] == b"PAR1" and raw[-4:] == b"PAR1"


def test_a_lookup_reads_only_shards_holding_a_wanted_key(sentences, tmp_path, monkeypatch):
    import pyarrow as pa

    from toolkit import wordcache
    from toolkit.store import string_keys

    texts = sentences.text.tolist()
    tk.segment_words(texts[:40], cache=tmp_path, shard_size=10, progress=False)        # four shards
    keys = string_keys(pa.array(texts[:3], pa.large_string()), b"text")
    assert wordcache._prefix(keys).tolist() == [int.from_bytes(k[:8], "little") for k in keys.to_pylist()]
    reads = []
    real = wordcache._Store._read
    monkeypatch.setattr(wordcache._Store, "_read", lambda self, path: reads.append(path.name) or real(self, path))
    assert tk.segment_words(texts[50:60], cache=tmp_path, progress=False, shard_size=1000) == \
        tk.segment_words(texts[50:60], cache=False)
    assert reads == []                          # none of the four shards holds these texts
    assert tk.segment_words(texts[:3], cache=tmp_path, progress=False) == tk.segment_words(texts[:3], cache=False)
    import pyarrow.parquet as pq

    holding = sorted(p.name for p in tmp_path.glob("words-*/shard-*.parquet")
                     if set(pq.read_table(p, columns=["key"]).column("key").to_pylist()) & set(keys.to_pylist()))
    assert 1 <= len(holding) <= 3 and sorted(reads) == holding    # exactly the shards holding the three texts


def test_a_verified_shard_is_read_by_row_groups(sentences, tmp_path, monkeypatch):
    import pyarrow.parquet as pq

    texts = [f"{t} {i}" for i, t in enumerate(sentences.text.tolist() * 30)][:2500]
    tk.segment_words(texts, cache=tmp_path, shard_size=5000, chunk_size=5000, progress=False)   # one shard
    (shard,) = tmp_path.glob("words-*/shard-*.parquet")
    assert pq.ParquetFile(shard).metadata.num_row_groups == 3                  # 1,000 + 1,000 + 500 rows
    wanted = [texts[5], texts[2400]]
    groups = []
    real = pq.ParquetFile.read_row_groups
    monkeypatch.setattr(pq.ParquetFile, "read_row_groups",
                        lambda self, g, **kw: groups.append(list(g)) or real(self, g, **kw))
    expected = tk.segment_words(wanted, cache=False)
    assert tk.segment_words(wanted, cache=tmp_path, progress=False) == expected    # first read: whole shard, digest
    assert tk.segment_words(wanted, cache=tmp_path, progress=False) == expected    # then only its row groups
    assert len(groups) == 1 and 1 <= len(groups[0]) <= 2
