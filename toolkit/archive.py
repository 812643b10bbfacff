"""A corpus larger than memory: the pipeline a shard of articles at a time, here or on a Dask cluster.

:func:`process_archive` reads the manifest once (every check of
:func:`toolkit.load_corpus` on the manifest and the folder is made before any
work), splits its rows into shards of ``shard_size`` articles in manifest
order, and gives each shard to a worker, which reads the shard's article
files itself and runs the pipeline on them::

    load_rows -> segment (near-duplicates) -> tokenize_units (Parquet cache)
        -> document-term counts by group -> theme labels per unit
        -> per-article theme counts, a seeded sample of units for topics

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

import hashlib
import os
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import scipy.sparse as sp

from .errors import ToolkitError
from .features import DFM
from .pipeline import Settings

__all__ = ["Archive", "process_archive"]

_TOP = 2 ** 64 - 1
STAGES = ("load + clean", "segment + near-duplicates", "tokenise", "counts", "theme labels")


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
        from .stats import cluster_shares

        out = cluster_shares(self.articles, list(self.themes), by=self.by, ci=ci, size="units")
        return out.rename(columns={"measure": "theme"})

    def theme_bootstrap(self, n_boot: int = 2000, ci: float = 0.95, seed: int = 0) -> pd.DataFrame:
        """Theme shares per group with a percentile interval from resampling articles (:func:`toolkit.stats.article_bootstrap`)."""
        from .stats import article_bootstrap

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


# ------------------------------------------------------------------ one shard (runs in a worker)

def _priority(unit_ids) -> np.ndarray:
    """A 64-bit hash of each unit id: the sample keeps the smallest, whatever the shard order."""
    return np.array([int.from_bytes(hashlib.blake2b(u.encode("utf-8"), digest_size=8).digest(), "big")
                     for u in unit_ids], dtype=np.uint64)


def _process_shard(root: str, rows: pd.DataFrame, settings: Settings, run: dict) -> dict:
    """The pipeline on one shard's rows; only compact results are returned.

    ``settings`` says what is selected and measured; ``run`` where the files and caches are
    (``raw_dir``, ``cache``, ``units_dir``) and how many units to sample (``sample``, ``ceiling``).
    """
    from .corpus import load_rows
    from .features import dfm
    from .segment import segment
    from .groups import add_periods, with_groups
    from .measure import _forget_hits
    from .batch import tokenize_units

    seconds = dict.fromkeys(STAGES, 0.0)
    cpu = dict.fromkeys(STAGES, 0.0)
    clock, cpu_clock = time.perf_counter(), time.process_time()

    def lap(stage):
        nonlocal clock, cpu_clock
        now, cpu_now = time.perf_counter(), time.process_time()
        seconds[stage] += now - clock
        cpu[stage] += cpu_now - cpu_clock
        clock, cpu_clock = now, cpu_now

    by, themes = settings.by, settings.lexicon.themes
    stored = _stored_units(root, rows, settings, run) if run.get("units_dir") else None
    if stored is not None and stored[1] is not None:
        measured, n_units, n_duplicates, n_articles = stored[1]
        lap("load + clean")
    else:
        corpus = add_periods(load_rows(root, rows, run["raw_dir"]), settings.periods)
        n_articles = len(corpus.documents)
        lap("load + clean")
        units = with_groups(segment(corpus, unit=settings.unit), corpus.documents, by)
        del corpus
        n_units, n_duplicates = len(units), int(units.duplicate_of.notna().sum())
        lap("segment + near-duplicates")
        measured = settings.select(units, allow_empty=True).reset_index(drop=True)
        del units
        # Chunks of 2,000 texts: the work done per distinct syllable and word of a chunk is shared by
        # more texts than in the default 200 (the words of a text do not depend on its chunk).
        measured = tokenize_units(measured, cache=run["cache"], progress=False, lists=False, chunk_size=2000)
        if stored is not None:
            _store_units(stored[0], measured, n_units, n_duplicates, n_articles)
        lap("tokenise")
    counts = dfm(measured, by=by) if measured.n_tokens.sum() else None    # a shard may have no tokens at all
    priority = _priority(measured.unit_id)
    below = np.flatnonzero(priority <= np.uint64(run.get("ceiling", _TOP)))
    keep = below[np.argsort(priority[below], kind="stable")[:run["sample"]]]
    sample = measured.iloc[keep][["unit_id", "doc_id", by, "tokens"]].assign(priority=priority[keep])
    sample["tokens"] = sample["tokens"].astype(str)
    lap("counts")
    labels = (settings.label(measured).astype(np.int64) if len(measured)
              else pd.DataFrame(0, index=measured.index, columns=list(themes)))
    _forget_hits(settings.lexicon)
    frame = pd.concat([measured[["doc_id", by]], labels.set_index(measured.index)], axis=1)
    articles = frame.groupby(["doc_id", by], sort=True).agg(**{"units": ("doc_id", "size")},
                                                            **{t: (t, "sum") for t in themes}).reset_index()
    lap("theme labels")
    return {"counts": counts, "articles": articles, "sample": sample.reset_index(drop=True),
            "units": n_units, "duplicates": n_duplicates, "articles_read": n_articles, "seconds": seconds,
            "cpu": cpu}


def _shard_key(root: str, rows: pd.DataFrame, settings: Settings, raw_dir: str) -> str:
    """A digest of what a shard's units depend on: its rows, its files' bytes and the toolkit's signature."""
    from .batch import cache_signature

    h = hashlib.blake2b(digest_size=16)
    for part in (cache_signature(), settings.unit, repr(settings.kinds), repr(settings.drop_duplicates),
                 settings.by, repr(settings.periods), rows.to_csv(index=False)):
        h.update(str(part).encode("utf-8"))
        h.update(b"\0")
    for rel in rows["path"]:
        with open(os.path.join(root, raw_dir, rel), "rb") as handle:
            h.update(hashlib.blake2b(handle.read(), digest_size=16).digest())
    return h.hexdigest()


def _stored_units(root: str, rows: pd.DataFrame, settings: Settings, run: dict):
    """``(path, None)`` when the shard's units are not stored yet, else ``(path, (units, counters...))``."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    path = os.path.join(run["units_dir"], f"units-{_shard_key(root, rows, settings, run['raw_dir'])}.parquet")
    if not os.path.exists(path):
        return path, None
    try:
        table = pq.read_table(path, use_threads=False)
        meta = {k.decode(): int(v) for k, v in (table.schema.metadata or {}).items() if k.startswith(b"n_")}
        units = table.replace_schema_metadata(None).to_pandas()
        for column in ("words", "tokens"):          # lean Arrow strings, as tokenize_units(lists=False) gives
            units[column] = pd.Series(pd.arrays.ArrowExtensionArray(table.column(column)), index=units.index)
        return path, (units, meta["n_units"], meta["n_duplicates"], meta["n_articles"])
    except (OSError, KeyError, ValueError, pa.ArrowException):
        os.remove(path)                  # unreadable: computed again and rewritten
        return path, None


def _store_units(path: str, units: pd.DataFrame, n_units: int, n_duplicates: int, n_articles: int) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    from .atomic import atomic_write

    table = pa.Table.from_pandas(units, preserve_index=False)
    table = table.replace_schema_metadata({"n_units": str(n_units), "n_duplicates": str(n_duplicates),
                                           "n_articles": str(n_articles)})
    atomic_write(path, lambda tmp: pq.write_table(table, tmp, compression="lz4", write_page_checksum=True))


# ------------------------------------------------------------------ gathering

class _Counts:
    """Sum of group-by-term matrices over a growing vocabulary and set of groups, with each article's counts.

    An article is in one shard, so its per-article row (kept for the
    article-level tests of keyness) arrives once and is stacked, not summed.
    """

    def __init__(self, by: str):
        self.by = by
        self.vocab: dict[str, int] = {}
        self.groups: dict = {}
        self.matrix = sp.csr_matrix((0, 0), dtype=np.int64)
        self.docs: list = []
        self.doc_rows: list = []

    def add(self, part: DFM | None) -> None:
        if part is None:
            return
        cols = np.fromiter((self.vocab.setdefault(t, len(self.vocab)) for t in part.terms), dtype=np.int64,
                           count=len(part.terms))
        rows = np.fromiter((self.groups.setdefault(g, len(self.groups)) for g in part.rows[self.by]),
                           dtype=np.int64, count=len(part.rows))
        coo = part.matrix.tocoo()
        shape = (len(self.groups), len(self.vocab))
        old = self.matrix
        old.resize(shape)
        self.matrix = (old + sp.csr_matrix((coo.data, (rows[coo.row], cols[coo.col])), shape=shape)).tocsr()
        if part.docs is not None:
            docs = part.docs.tocsr()
            # Compact until dfm(): row pointers, columns in the vocabulary's codes so far (32-bit) and
            # counts (32-bit: an article's count of one term); 8 bytes a nonzero instead of COO's 24.
            self.docs.append((docs.indptr.astype(np.int64), cols[docs.indices].astype(np.int32),
                              docs.data.astype(np.int32)))
            self.doc_rows.append(part.doc_rows)

    def dfm(self) -> DFM:
        groups = sorted(self.groups)
        terms = np.array(sorted(self.vocab), dtype=object)
        row_order = [self.groups[g] for g in groups]
        col_order = [self.vocab[t] for t in terms]
        matrix = self.matrix[row_order][:, col_order].astype(np.int64).tocsr()
        docs = doc_rows = None
        if self.docs and len(self.docs) == len(self.doc_rows):
            doc_rows = pd.concat(self.doc_rows, ignore_index=True)
            # The order of toolkit.dfm on the whole corpus: by doc_id, then group.
            order = doc_rows.sort_values(list(doc_rows.columns), kind="stable").index.to_numpy()
            docs = self._stacked_docs(order, col_order, len(terms))
            doc_rows = doc_rows.iloc[order].reset_index(drop=True)
        return DFM(matrix, terms, pd.DataFrame({self.by: groups}), docs, doc_rows)

    def _stacked_docs(self, order: np.ndarray, col_order: list, n_terms: int) -> sp.csr_matrix:
        """The articles' rows in ``order`` and columns in the final vocabulary's order, written straight
        into one CSR matrix, each shard's part dropped once copied (no COO, no second copy to reorder:
        at 200,000 articles the stacked counts are the largest thing the main process holds)."""
        position = np.empty(len(self.vocab), dtype=np.int32)
        position[col_order] = np.arange(len(col_order), dtype=np.int32)
        lengths = np.concatenate([np.diff(indptr) for indptr, _, _ in self.docs])
        destination = np.empty(len(order), dtype=np.int64)      # each stacked row's place in the result
        destination[order] = np.arange(len(order))
        indptr = np.zeros(len(order) + 1, dtype=np.int64)
        np.cumsum(lengths[order], out=indptr[1:])
        indices = np.empty(indptr[-1], dtype=np.int32)
        data = np.empty(indptr[-1], dtype=np.int32)       # an article's count of one term
        offset = 0
        while self.docs:
            part_indptr, part_cols, part_data = self.docs.pop(0)
            n = len(part_indptr) - 1
            starts = indptr[destination[offset:offset + n]]
            target = np.repeat(starts - part_indptr[:-1], np.diff(part_indptr)) + np.arange(len(part_data))
            indices[target] = position[part_cols]
            data[target] = part_data
            offset += n
        docs = sp.csr_matrix((data, indices, indptr), shape=(len(order), n_terms))
        docs.sort_indices()
        return docs


def _results(tasks: list, n_jobs: int, scheduler, ceiling):
    """Each shard's result as it finishes (gathering does not depend on the order).

    At most two shards per worker are in flight, so finished results never pile up in the
    client; ``ceiling()`` is read as each shard is sent: the sample's current largest kept
    priority, above which a worker need not return units (they could never enter the sample).
    """
    from collections import deque

    def send(submit, task):
        root, rows, settings, run = task
        return submit(_process_shard, root, rows, settings, {**run, "ceiling": ceiling()})

    window = 2 * max(n_jobs, 1)
    if scheduler is not None:
        from dask.distributed import as_completed

        from .parallel import dask_client

        with dask_client(scheduler) as client:
            def submit(*args):
                return client.submit(*args, pure=False)

            window = 2 * max(len(client.scheduler_info().get("workers", {})), 1)
            todo = deque(tasks)
            running = as_completed([send(submit, todo.popleft()) for _ in range(min(window, len(todo)))])
            for future in running:
                result = future.result()
                future.release()
                if todo:
                    running.add(send(submit, todo.popleft()))
                yield result
    elif n_jobs == 1 or len(tasks) == 1:
        for task in tasks:
            root, rows, settings, run = task
            yield _process_shard(root, rows, settings, {**run, "ceiling": ceiling()})
    else:
        _load_models(tasks[0][2])        # once, before the workers fork: they inherit them
        with ProcessPoolExecutor(max_workers=n_jobs) as pool:
            todo = deque(tasks)
            running = deque(send(pool.submit, todo.popleft()) for _ in range(min(window, len(todo))))
            while running:
                result = running.popleft().result()
                if todo:
                    running.append(send(pool.submit, todo.popleft()))
                yield result


def _load_models(settings: Settings) -> None:
    """Load pyvi's model and, when the shards will use it, the shipped theme classifier with its tables
    (the model that reads context: shards label units of articles)."""
    from .labels import _classifier, _is_default_lexicon, _shipped_model
    from .wordseg import _batch_tagger

    _batch_tagger()
    if _is_default_lexicon(settings.lexicon) and _shipped_model():
        _classifier(None, context=True).predict_proba([""], [("", "", "")])


def _progress(total: int, show: bool | None):
    from tqdm import tqdm

    from .batch import _quiet

    if show is None:
        show = total > 1 and not _quiet()
    return tqdm(total=total, disable=not show, desc="archive", file=sys.stderr, unit=" articles", mininterval=1.0,
                bar_format="{desc}: {n_fmt}/{total_fmt} articles, {rate_fmt}, {elapsed} elapsed, {remaining} left")


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

    for name, value, low in (("shard_size", shard_size, 1), ("n_jobs", n_jobs, 1), ("sample", sample, 0)):
        if not isinstance(value, int) or isinstance(value, bool) or value < low:
            raise ToolkitError(f"{name} must be a whole number of at least {low}, got {value!r}")
    lex = _lexicon(lexicon)
    rows = _checked_rows(root, manifest, raw_dir, by, periods)
    if cache is True:
        from .batch import default_cache_dir

        cache = str(default_cache_dir())
    settings = Settings(unit=unit, kinds=kinds, drop_duplicates=drop_duplicates, by=by, periods=periods, lexicon=lex)
    run = {"raw_dir": raw_dir, "cache": str(cache) if cache else False, "sample": sample,
           "units_dir": str(units_dir) if units_dir is not None else None}
    tasks = [(str(root), rows.iloc[i:i + shard_size].reset_index(drop=True), settings, run)
             for i in range(0, len(rows), shard_size)]
    start = time.perf_counter()
    with _progress(len(rows), progress) as bar:
        gathered = _gather(tasks, n_jobs, scheduler, sample, by, bar)
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


def _gather(tasks: list, n_jobs: int, scheduler, sample: int, by: str, bar) -> dict:
    """Every shard's result folded in as it arrives: counts, article rows, the bottom-k sample, tallies
    and seconds per stage (the order of arrival does not change the outcome)."""
    out = {"counts": _Counts(by), "articles": [], "kept": None, "units": 0, "duplicates": 0,
           "seconds": dict.fromkeys(STAGES, 0.0), "cpu": dict.fromkeys(STAGES, 0.0)}

    def ceiling() -> int:
        # Once the sample is full, units above its largest priority can never enter it.
        kept = out["kept"]
        if not sample or kept is None or len(kept) < sample:
            return _TOP
        return int(kept.priority.iloc[-1])

    for done, result in enumerate(_results(tasks, n_jobs, scheduler, ceiling), start=1):
        out["counts"].add(result["counts"])
        out["articles"].append(result["articles"])
        kept = out["kept"]
        out["kept"] = _smallest([result["sample"]] if kept is None else [kept, result["sample"]], sample)
        out["units"] += result["units"]
        out["duplicates"] += result["duplicates"]
        for stage, value in result["seconds"].items():
            out["seconds"][stage] += value
            out["cpu"][stage] += result["cpu"][stage]
        bar.set_description_str(f"archive, shard {done}/{len(tasks)}", refresh=False)
        bar.update(result["articles_read"])
    return out


def _smallest(samples: list, k: int) -> pd.DataFrame:
    frame = pd.concat(samples, ignore_index=True)
    return frame.sort_values(["priority", "unit_id"], kind="stable").head(k).reset_index(drop=True)
