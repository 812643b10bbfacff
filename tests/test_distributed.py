"""Tokenise and count on a Dask LocalCluster: the same results as the local run."""

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
