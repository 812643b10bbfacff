"""A corpus larger than memory: the pipeline a shard of articles at a time, here or on a Dask cluster.

:func:`process_archive` reads the manifest once (every check of
:func:`toolkit.load_corpus` on the manifest and the folder is made before any
work), splits its rows into shards of ``shard_size`` articles in manifest
order, and gives each shard to a worker, which reads the shard's article
files itself and runs the pipeline on them::

    load_rows -> segment (near-duplicates) -> tokenize_units (Parquet cache)
        -> document-term counts by group -> theme labels per unit
        -> per-article theme counts, a seeded sample of units for topics

The same stages as in memory, over shards: this module holds the run and
what it keeps (:class:`Archive`); a worker's shard is :mod:`toolkit.shard`,
the main process that sends shards and folds their results is
:mod:`toolkit.gather`.

Only compact results come back and are kept: the group-by-term counts and
each article's term counts (sparse matrices; the article-level keyness test
needs the second), one row per article (its units and its units carrying each
theme), a bottom-k sample of units (the ``sample`` units whose hashed
``unit_id`` is smallest, so the same units whatever the order in which
shards finish) and counters. Peak memory is set by the shard, not by the
corpus; the results are those of the whole corpus in memory except that
near-duplicates are linked within a shard (shards follow the manifest's
order, so keep repeats' sources together, e.g. sort the manifest by date).

From these, :class:`Archive` gives theme shares with the article-level
intervals of :func:`toolkit.theme_shares`, article-level permutation tests,
keyness by group and a topic model on the sample: the numbers equal those of
the in-memory functions on the same units (tested).

Where it runs:

- ``n_jobs=1``: in this process; ``n_jobs=k``: in ``k`` worker processes,
  each reading and processing whole shards (only a shard's manifest rows
  and the settings, lexicon included, are sent to a worker).
- ``scheduler=``: on a ``dask.distributed`` cluster (a ``Client`` or a
  scheduler address such as ``"tcp://10.0.0.5:8786"``). Over the network
  go, per shard, the shard's manifest rows and the settings (a few hundred
  bytes an article) to a worker and, back, the shard's counts (a sparse
  group x term matrix: a few MB at most), its per-article rows and its
  sampled units. The article files are read by the workers, so the corpus
  folder must be at the same path on every worker (a shared or mounted
  file system), as must the cache folder (or pass ``cache=False``).

Example
-------
>>> import toolkit as tk
>>> archive = tk.process_archive("data", shard_size=5, cache=False, progress=False)
>>> archive.articles.shape[0], archive.shards
(5, 1)
>>> archive.theme_shares().equals(tk.theme_shares(tk.segment(tk.load_corpus("data"))))
True

In shards of two articles, hg2017c's seven sentences repeating hg2017a (in
another shard) are no longer recognised as repeats:

>>> small = tk.process_archive("data", shard_size=2, cache=False, progress=False)
>>> small.articles.set_index("doc_id").units.sub(archive.articles.set_index("doc_id").units).to_dict()
{'hg2017a': 0, 'hg2017b': 0, 'hg2017c': 7, 'hg2023': 0, 'ls2012': 0}
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field

import pandas as pd

from .errors import ToolkitError
from .features import DFM
from .gather import _gather
from .executor import Executor, progress_bar
from .pipeline import Settings

__all__ = ["Archive", "process_archive"]


@dataclass
class Archive:
    """What :func:`process_archive` keeps of a corpus.

    Attributes
    ----------
    articles : pandas.DataFrame
        One row per article, sorted by ``doc_id``: ``doc_id``, the grouping
        column, ``units`` (units measured: body, repeats dropped by default)
        and one column per theme counting its units that carry the theme.
    counts : DFM
        Token counts of the measured units summed by group, with each
        article's counts (``counts.docs``) for the article-level test of
        keyness (a sparse article x term matrix: about the size of the
        corpus's distinct words per article).
    sample : pandas.DataFrame
        ``unit_id``, ``doc_id``, the group and ``tokens`` (space-joined) of a
        seeded sample of measured units, for topics.
    by : str
    themes : tuple of str
    lexicon : Lexicon
    shards : int
    units : int
        Units (sentences or paragraphs) of every kind, repeats included.
    duplicates : int
        Units linked as near-duplicates (within a shard).
    seconds : dict
        Seconds per stage summed over shards (worker time), and ``wall``.
    cpu_seconds : dict
        CPU seconds per stage summed over shards (less disturbed by other
        work on a shared machine than ``seconds``).
    """

    articles: pd.DataFrame
    counts: DFM
    sample: pd.DataFrame
    by: str
    themes: tuple
    lexicon: object
    shards: int
    units: int
    duplicates: int
    seconds: dict = field(default_factory=dict)
    cpu_seconds: dict = field(default_factory=dict)

    def theme_shares(self, ci: float = 0.95) -> pd.DataFrame:
        """Theme shares per group with the intervals of :func:`toolkit.theme_shares` (same columns)."""
        from .intervals import cluster_shares

        out = cluster_shares(self.articles, list(self.themes), by=self.by, ci=ci, size="units")
        return out.rename(columns={"measure": "theme"})

    def theme_bootstrap(self, n_boot: int = 2000, ci: float = 0.95, seed: int = 0) -> pd.DataFrame:
        """Theme shares per group with a percentile interval from resampling articles (:func:`toolkit.intervals.article_bootstrap`)."""
        from .intervals import article_bootstrap

        out = article_bootstrap(self.articles, list(self.themes), by=self.by, n_boot=n_boot, ci=ci, seed=seed,
                                size="units")
        return out.rename(columns={"measure": "theme"})

    def theme_tests(self, n_permutations: int = 9999, seed: int = 0, adjust: str = "holm") -> pd.DataFrame:
        """Article-level permutation tests between groups, as :func:`toolkit.theme_tests` (``level="article"``)."""
        from .stats import pairwise_tests

        out = pairwise_tests(self.articles, list(self.themes), by=self.by, level="article",
                             n_permutations=n_permutations, seed=seed, adjust=adjust, size="units")
        return out.rename(columns={"measure": "theme"})

    def keyness(self, target, **kwargs) -> pd.DataFrame:
        """:func:`toolkit.keyness` of one group against the others: the article-level test on each article's counts."""
        from .keywords import keyness

        return keyness(self.counts, target, **kwargs)


def process_archive(
    root: str | os.PathLike = "data",
    by: str = "year",
    lexicon=None,
    shard_size: int = 1000,
    n_jobs: int = 1,
    scheduler=None,
    cache: bool | str | os.PathLike = True,
    sample: int = 20_000,
    unit: str = "sentence",
    kinds=("body",),
    drop_duplicates: bool = True,
    periods: str | None = None,
    progress: bool | None = None,
    manifest: str = "corpus.csv",
    raw_dir: str = "raw",
    units_dir: str | os.PathLike | None = None,
) -> Archive:
    """Run the pipeline over a corpus a shard of articles at a time, keeping compact results.

    Parameters
    ----------
    root : path-like, default "data"
        Corpus folder (manifest + raw files), as for :func:`toolkit.load_corpus`.
    by : str, default "year"
        Grouping column: any manifest column, or ``"period"`` with ``periods``.
    lexicon : Lexicon, path or version, optional
        Theme lexicon (default: the toolkit's).
    shard_size : int, default 1000
        Articles per shard: peak memory grows with it, not with the corpus.
    n_jobs : int, default 1
        Worker processes, each processing whole shards.
    scheduler : dask.distributed.Client or str, optional
        Run the shards on a Dask cluster (see the module's notes on what is
        sent and which folders the workers must see).
    cache : bool or path, default True
        Word segmentation cache (see :func:`toolkit.segment_words`); shared
        by all workers; a second run reads the words instead of computing them.
    sample : int, default 20000
        Units kept for topic models (bottom-k of a hash of ``unit_id``).
    unit : {"sentence", "paragraph"}
    kinds : iterable of str, default ("body",)
        Unit kinds measured (counts, themes, sample).
    drop_duplicates : bool, default True
        Leave out units repeating an earlier unit of their shard.
    periods : str, optional
        Periods of years, as ``"2005-2012,2013-2020"``: adds ``period``.
    progress : bool, optional
        A progress line on stderr (articles done, rate, time left); by
        default shown for more than one shard unless ``CI=true`` or
        ``TOOLKIT_PROGRESS=0``.
    manifest, raw_dir : str
        As for :func:`toolkit.load_corpus`.
    units_dir : path, optional
        Keep each shard's measured units (ids, group, text, words, tokens)
        as a Parquet file named by a digest of the shard's manifest rows, its
        files' bytes, the settings that shape units and the toolkit's
        signature; a later run with the same shard reads them instead of
        loading, cleaning, segmenting and tokenising again. A file that cannot
        be read is computed again.

    Returns
    -------
    Archive
    """
    from .measure import _lexicon

    def check(name, value, low):
        if not isinstance(value, int) or isinstance(value, bool) or value < low:
            raise ToolkitError(f"{name} must be a whole number of at least {low}, got {value!r}")

    check("shard_size", shard_size, 1)
    executor = Executor(n_jobs, scheduler)      # n_jobs is checked here, between the two, as before
    check("sample", sample, 0)
    lex = _lexicon(lexicon)
    rows = _checked_rows(root, manifest, raw_dir, by, periods)
    if cache is True:
        from .wordcache import default_cache_dir

        cache = str(default_cache_dir())
    settings = Settings(unit=unit, kinds=kinds, drop_duplicates=drop_duplicates, by=by, periods=periods, lexicon=lex)
    run = {"raw_dir": raw_dir, "cache": str(cache) if cache else False, "sample": sample,
           "units_dir": str(units_dir) if units_dir is not None else None}
    tasks = [(str(root), rows.iloc[i:i + shard_size].reset_index(drop=True), settings, run)
             for i in range(0, len(rows), shard_size)]
    start = time.perf_counter()
    with progress_bar(len(rows), progress, "archive", unit="articles", shown_from=2, leave=True) as bar:
        gathered = _gather(tasks, executor, sample, by, bar)
    gathered["seconds"]["wall"] = time.perf_counter() - start
    # Each article is in one shard (manifest_rows refuses a doc_id twice): the rows only need ordering.
    table = pd.concat(gathered["articles"], ignore_index=True).sort_values("doc_id", kind="stable").reset_index(drop=True)
    return Archive(articles=table, counts=gathered["counts"].dfm(), sample=gathered["kept"].drop(columns="priority"),
                   by=by, themes=tuple(lex.themes), lexicon=lex, shards=len(tasks), units=gathered["units"],
                   duplicates=gathered["duplicates"], seconds=gathered["seconds"], cpu_seconds=gathered["cpu"])


def _checked_rows(root, manifest: str, raw_dir: str, by: str, periods) -> pd.DataFrame:
    """The manifest's rows, with the grouping and the periods checked before any work."""
    from .corpus import manifest_rows
    from .groups import parse_periods, period_labels

    rows = manifest_rows(root, manifest, raw_dir)
    if periods is not None:
        parse_periods(periods)
        if by == "period":
            period_labels(rows, periods)          # every article in a period, checked before any work
    elif by not in rows.columns or by in ("file", "path", "encoding"):
        allowed = [c for c in rows.columns if c not in ("file", "path", "encoding")]
        raise ToolkitError(f"by={by!r} is not a manifest column; choose among {', '.join(allowed)}"
                           + ("" if by != "period" else " (or pass periods=... to group by period)"))
    return rows
