"""Partitions in processes or on a Dask LocalCluster (toolkit/parallel.py): the same results as the local run.

Every stage that takes ``scheduler=`` reaches the cluster through :class:`toolkit.executor.Executor`
(segmenting, tokenising, counting, the archive pipeline); :func:`toolkit.parallel.map_partitions` maps any
per-row function. Each is compared with its local run on the study corpus.
"""

import pytest

import toolkit as tk
from toolkit.features import dfm


@pytest.fixture(scope="module")
def client():
    from dask.distributed import Client, LocalCluster

    cluster = LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None)
    client = Client(cluster)
    yield client
    client.close()
    cluster.close()


def test_segment_words_on_a_cluster_equals_local(client, sentences):
    texts = sentences.text.tolist()
    assert tk.segment_words(texts, cache=False, scheduler=client, chunk_size=10) == tk.segment_words(texts, cache=False)


def test_tokenize_and_count_on_a_cluster_equal_local(client, sentences):
    local = tk.tokenize_units(sentences, cache=False)
    remote = tk.tokenize_units(sentences, cache=False, scheduler=client)
    assert remote.tokens.tolist() == local.tokens.tolist()
    for kwargs in ({}, {"min_docs": 2}, {"by": "year"}):
        a, b = dfm(local, **kwargs), dfm(remote, scheduler=client, **kwargs)
        assert a.terms.tolist() == b.terms.tolist()
        assert (a.matrix != b.matrix).nnz == 0
        assert a.rows.equals(b.rows)


def test_scheduler_address_is_accepted(client, sentences):
    address = client.scheduler.address
    texts = sentences.text.tolist()[:5]
    assert tk.segment_words(texts, cache=False, scheduler=address) == tk.segment_words(texts, cache=False)


def test_theme_scores_mapped_over_partitions_on_a_cluster_equal_local(client, sentences):
    # score_themes scores each text on its own, so mapping it over partitions gives the same frame.
    from toolkit.parallel import map_partitions

    texts = sentences.text
    local = tk.score_themes(texts)
    assert local.to_numpy().sum() > 0                        # the corpus does hit the lexicon
    for kwargs in ({"scheduler": client}, {"n_jobs": 2}, {}):
        mapped = map_partitions(tk.score_themes, texts, partition_size=7, **kwargs)
        assert mapped.index.equals(local.index)
        assert mapped.equals(local)


def test_keyword_arguments_scattered_to_the_cluster_reach_the_function_as_values(client, sentences):
    # A lexicon placed on the workers once and passed by reference: Dask hands each task the Lexicon itself.
    from toolkit.parallel import map_partitions

    texts = sentences.text
    lexicon = tk.load_lexicon()
    local = tk.score_themes(texts, lexicon=lexicon)
    [on_cluster] = client.scatter([lexicon], broadcast=True)
    mapped = map_partitions(tk.score_themes, texts, partition_size=7, scheduler=client, lexicon=on_cluster)
    assert mapped.equals(local)


def test_map_partitions_keeps_order_and_rejects_bad_sizes(client):
    from toolkit.parallel import map_partitions

    assert map_partitions(sorted, [3, 1, 2, 9, 8], partition_size=2) == [1, 3, 2, 9, 8]
    assert map_partitions(sorted, [3, 1, 2, 9, 8], partition_size=2, scheduler=client) == [1, 3, 2, 9, 8]
    with pytest.raises(tk.ToolkitError, match="partition_size"):
        map_partitions(sorted, [1], partition_size=0)


def test_the_whole_archive_pipeline_on_a_cluster_equals_local(client, tmp_path):
    # Load, clean, segment, tokenise (shared cache), counts by group, theme counts, sample: every stage on workers.
    import pandas as pd

    local = tk.process_archive("data", shard_size=2, cache=False, progress=False)
    remote = tk.process_archive("data", shard_size=2, cache=tmp_path, progress=False, scheduler=client)
    pd.testing.assert_frame_equal(remote.articles, local.articles)
    pd.testing.assert_frame_equal(remote.sample, local.sample)
    assert remote.counts.terms.tolist() == local.counts.terms.tolist()
    assert (remote.counts.matrix != local.counts.matrix).nnz == 0
    pd.testing.assert_frame_equal(remote.theme_shares(), local.theme_shares())
    pd.testing.assert_frame_equal(remote.keyness(2023), local.keyness(2023))
    assert any(tmp_path.glob("words-*/shard-*.parquet"))       # the workers wrote the shared cache
