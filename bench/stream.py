"""The pipeline streamed over shards of articles: peak memory set by the shard, not the corpus.

The synthetic corpus of ``bench/pipeline.py`` is written as folders of
``--shard`` articles (each a corpus with its own manifest). Each shard goes
through load and clean, sentences with near-duplicate links (within the
shard), tokenising (two processes, one shared Parquet cache, lean string
columns), the document-term matrix by year and the theme labels; only
compact results are kept between shards: the by-year counts (a sparse matrix
over a growing vocabulary), the per-year counts of units carrying each theme,
and a reservoir sample of 20,000 body units' tokens for the topic model. At
the end: log-odds keywords by year on the summed matrix, NMF on the sample,
and theme shares per year.

Differences from ``bench/pipeline.py``, stated so the figures are read
correctly: near-duplicates are linked within a shard only; topics are fitted
on a seeded sample of 20,000 units; theme shares are point estimates (the
intervals of ``tk.theme_shares`` need every unit's article at once).

Prints time per stage, peak memory (main process and largest worker) and a
progress line per shard on stderr (stage, shard, rate, time left; hidden when
``CI=true`` or ``TOOLKIT_PROGRESS=0``).

Usage::

    python bench/stream.py N [--shard 2000] [--jobs 2] [--keep DIR]
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import shutil
import sys
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import scipy.sparse as sp

sys.path.insert(0, str(Path(__file__).resolve().parent))

from pipeline import make_corpus, sentence_pool  # noqa: E402

SAMPLE = 20_000


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def quiet() -> bool:
    return os.environ.get("TOOLKIT_PROGRESS", "1") == "0" or os.environ.get("CI", "").lower() in ("1", "true", "yes")


def write_shards(folder: Path, n: int, shard: int) -> list[Path]:
    pool = [s.split() for s in sentence_pool()]
    folders = []
    for k, start in enumerate(range(0, n, shard)):
        target = folder / f"shard-{k:04d}"
        if not (target / "corpus.csv").exists():
            make_corpus(target, min(shard, n - start), seed=k, pool=pool, start=start)
        folders.append(target)
    return folders


class YearCounts:
    """Sum of by-year document-term matrices over a growing vocabulary."""

    def __init__(self):
        self.vocab: dict[str, int] = {}
        self.years: dict[int, int] = {}
        self.matrix = sp.csr_matrix((0, 0), dtype=np.int64)

    def add(self, dfm) -> None:
        cols = np.fromiter((self.vocab.setdefault(t, len(self.vocab)) for t in dfm.terms), dtype=np.int64,
                           count=len(dfm.terms))
        rows = np.fromiter((self.years.setdefault(int(y), len(self.years)) for y in dfm.rows["year"]),
                           dtype=np.int64, count=len(dfm.rows))
        coo = dfm.matrix.tocoo()
        shape = (len(self.years), len(self.vocab))
        new = sp.csr_matrix((coo.data, (rows[coo.row], cols[coo.col])), shape=shape)
        old = self.matrix
        old.resize(shape)
        self.matrix = (old + new).tocsr()

    def dfm(self):
        from toolkit.features import DFM

        order = sorted(self.years, key=self.years.get)
        terms = np.array(sorted(self.vocab, key=self.vocab.get), dtype=object)
        by_year = np.argsort(order)
        rows = pd.DataFrame({"year": np.array(order)[by_year]})
        term_order = np.argsort(terms)
        return DFM(self.matrix[by_year][:, term_order].tocsr(), terms[term_order], rows)


def run(shards: list[Path], jobs: int, cache: Path) -> dict:
    import toolkit as tk
    from toolkit.features import DFM

    warnings.simplefilter("ignore")
    times = dict.fromkeys(["load + clean", "segment + near-duplicates", "tokenise", "document-term matrices",
                           "theme labels", "keywords (log-odds)", "topics (NMF, sample)", "theme shares"], 0.0)
    counts = YearCounts()
    themes = None
    sample: list[str] = []
    sample_years: list[int] = []
    seen = 0
    rng = random.Random(0)
    n_units = 0
    begin = time.perf_counter()
    for k, folder in enumerate(shards):
        t = time.perf_counter()
        corpus = tk.load_corpus(folder)
        times["load + clean"] += time.perf_counter() - t
        t = time.perf_counter()
        units = tk.segment(corpus, unit="sentence")
        del corpus
        times["segment + near-duplicates"] += time.perf_counter() - t
        t = time.perf_counter()
        units = tk.tokenize_units(units, n_jobs=jobs, cache=cache, progress=False, lists=False)
        times["tokenise"] += time.perf_counter() - t
        n_units += len(units)
        t = time.perf_counter()
        body = units[(units.kind == "body") & units.duplicate_of.isna()].reset_index(drop=True)
        del units
        counts.add(tk.dfm(body, by="year"))
        for tokens, year in zip(body.tokens.tolist(), body.year.tolist()):   # reservoir sample for topics
            seen += 1
            if len(sample) < SAMPLE:
                sample.append(tokens)
                sample_years.append(year)
            else:
                j = rng.randrange(seen)
                if j < SAMPLE:
                    sample[j], sample_years[j] = tokens, year
        times["document-term matrices"] += time.perf_counter() - t
        t = time.perf_counter()
        labels = tk.label_themes(body.text).astype(np.int64)
        labels["year"] = body.year.to_numpy()
        part = labels.groupby("year").agg(["sum", "count"])
        themes = part if themes is None else themes.add(part, fill_value=0)
        times["theme labels"] += time.perf_counter() - t
        del body, labels
        if not quiet():
            done = k + 1
            elapsed = time.perf_counter() - begin
            rate = done / elapsed
            print(f"stream: shard {done}/{len(shards)}, {rate * 60:.1f} shards/min, {elapsed:.0f} s elapsed, "
                  f"about {(len(shards) - done) / rate:.0f} s left, peak {peak_mb():.0f} MB", file=sys.stderr)
    t = time.perf_counter()
    tk.log_odds(counts.dfm())
    times["keywords (log-odds)"] = time.perf_counter() - t
    t = time.perf_counter()
    frame = pd.DataFrame({"tokens": pd.Series(sample, dtype="string[pyarrow]"), "year": sample_years})
    tk.fit_topics(tk.dfm(frame, min_docs=5), n_topics=3, method="nmf", max_iter=200)
    times["topics (NMF, sample)"] = time.perf_counter() - t
    t = time.perf_counter()
    sums = themes.xs("sum", axis=1, level=1)
    totals = themes.xs("count", axis=1, level=1)
    shares = sums / totals
    assert shares.notna().all().all()
    times["theme shares"] = time.perf_counter() - t
    return {"times": times, "units": n_units}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("n", type=int, help="number of articles")
    parser.add_argument("--shard", type=int, default=2000, help="articles per shard")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--keep", type=Path, default=None, help="keep the generated shards in this folder")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="vn-stream-"))
    folder = args.keep or work / "corpus"
    try:
        t = time.perf_counter()
        shards = write_shards(folder, args.n, args.shard)
        made = time.perf_counter() - t
        before = peak_mb()
        result = run(shards, args.jobs, work / "cache")
        times = result["times"]
        total = sum(times.values())
        one, five, _ = os.getloadavg()
        print(f"{args.n} articles in {len(shards)} shards of {args.shard}, {result['units']} sentences, "
              f"{os.cpu_count()} cores, {args.jobs} worker processes; load {one:.2f} (1 min) {five:.2f} (5 min) "
              f"at the end; corpus written in {made:.1f} s (not counted; peak {before:.0f} MB by then)")
        for name, seconds in times.items():
            print(f"  {name:28s} {seconds:8.2f} s")
        children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        print(f"  {'total':28s} {total:8.2f} s")
        print(f"  peak memory: main process {peak_mb():.0f} MB, largest worker {children:.0f} MB")
        print(f"RESULT total_seconds={total:.3f} peak_mb={max(peak_mb(), children):.0f}")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
