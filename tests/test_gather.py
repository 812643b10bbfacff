"""Gathering the shards of an archive run: worker processes and shard sizes do not change the results."""

import pandas as pd

import toolkit as tk
from conftest import same_dfm


def test_processes_and_shard_sizes_agree():
    one = tk.process_archive("data", shard_size=2, cache=False, progress=False)
    two = tk.process_archive("data", shard_size=2, cache=False, progress=False, n_jobs=2)
    pd.testing.assert_frame_equal(one.articles, two.articles)
    pd.testing.assert_frame_equal(one.sample, two.sample)
    same_dfm(one.counts, two.counts)
    # 97 sentences of every kind; only ls2012's repeated lead is seen: hg2017c's repeats of hg2017a are in another shard.
    assert (one.shards, one.units, one.duplicates) == (3, 97, 1)
