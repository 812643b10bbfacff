"""The whole pipeline streamed over shards of articles (``tk.process_archive``): peak memory set by the shard.

The synthetic corpus of ``bench/pipeline.py`` (one folder, one manifest) goes
through :func:`toolkit.process_archive`: each shard of ``--shard`` articles is
read, cleaned, segmented with near-duplicate links (within the shard),
tokenised (shared Parquet cache), counted by year and labelled by theme, in
``--jobs`` worker processes (or on a Dask cluster with ``--scheduler``). Then,
on what is kept: log-odds keywords by year on the summed counts, NMF topics on
the 20,000-unit sample, theme shares with Korn-Graubard intervals and with an
article bootstrap (2,000 replicates), and article-level permutation tests
between consecutive years (Holm).

Prints seconds per stage (worker stages as wall time shares of the parallel
run, and their summed worker time), peak memory of the main process and of
the largest worker, and a progress line on stderr (hidden when ``CI=true`` or
``TOOLKIT_PROGRESS=0``).

Usage::

    python bench/stream.py N [--shard 2000] [--jobs 2] [--keep DIR] [--scheduler ADDRESS]
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from pipeline import make_corpus, sentence_pool  # noqa: E402


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def write_corpus(folder: Path, n: int, block: int = 2000) -> None:
    """One corpus folder of n articles, written in blocks (seeded per block, so sizes share their first articles)."""
    if (folder / "corpus.csv").exists():
        return
    pool = [s.split() for s in sentence_pool()]
    header = None
    rows = []
    for k, start in enumerate(range(0, n, block)):
        part = folder / f"part-{k}"
        make_corpus(part, min(block, n - start), seed=k, pool=pool, start=start)
        lines = (part / "corpus.csv").read_text(encoding="utf-8").splitlines()
        header, rows = lines[0], rows + lines[1:]
        (folder / "raw").mkdir(parents=True, exist_ok=True)
        for f in (part / "raw").iterdir():
            f.rename(folder / "raw" / f.name)
        shutil.rmtree(part)
    (folder / "corpus.csv").write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")


def run(folder: Path, shard: int, jobs: int, cache: Path, scheduler=None) -> dict:
    import toolkit as tk

    warnings.simplefilter("ignore")
    times = {}
    t = time.perf_counter()
    archive = tk.process_archive(folder, by="year", shard_size=shard, n_jobs=jobs, scheduler=scheduler,
                                 cache=cache, sample=20_000)
    times["shards (load, clean, segment, tokenise, count, label)"] = time.perf_counter() - t
    peaks = {"shards (load, clean, segment, tokenise, count, label)": peak_mb()}
    t = time.perf_counter()
    tk.log_odds(archive.counts)
    times["keywords (log-odds by year)"] = time.perf_counter() - t
    peaks["keywords (log-odds by year)"] = peak_mb()
    t = time.perf_counter()
    tk.fit_topics(tk.dfm(archive.sample, min_docs=5), n_topics=3, method="nmf", max_iter=200)
    times["topics (NMF, 20,000-unit sample)"] = time.perf_counter() - t
    peaks["topics (NMF, 20,000-unit sample)"] = peak_mb()
    t = time.perf_counter()
    shares = archive.theme_shares()
    boot = archive.theme_bootstrap(n_boot=2000)
    assert shares.share.notna().all() and (boot.ci_low <= boot.share).all()
    times["theme shares (Korn-Graubard + article bootstrap)"] = time.perf_counter() - t
    peaks["theme shares (Korn-Graubard + article bootstrap)"] = peak_mb()
    t = time.perf_counter()
    years = sorted(archive.articles.year.unique())
    pairs = archive.articles[archive.articles.year.isin(years[:2])]
    tk.stats.permutation_test(pairs, list(archive.themes), level="article", size="units", n_permutations=999)
    times["article-level test (first two years)"] = time.perf_counter() - t
    peaks["article-level test (first two years)"] = peak_mb()
    return {"times": times, "peaks": peaks, "archive": archive}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("n", type=int, help="number of articles")
    parser.add_argument("--shard", type=int, default=1000, help="articles per shard")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--keep", type=Path, default=None, help="keep the generated corpus in this folder")
    parser.add_argument("--scheduler", default=None, help="a Dask scheduler address instead of local processes")
    parser.add_argument("--measure", type=Path, default=None, help=argparse.SUPPRESS)   # internal: corpus written
    args = parser.parse_args()
    if args.measure is None:
        # Write the corpus here, then measure in a fresh process: its peak memory is the pipeline's own
        # (the generator holds the whole sentence pool, about 1 GB).
        work = Path(tempfile.mkdtemp(prefix="vn-stream-"))
        folder = args.keep or work / "corpus"
        try:
            t = time.perf_counter()
            write_corpus(folder, args.n)
            print(f"corpus of {args.n} articles written in {time.perf_counter() - t:.1f} s (not counted)", flush=True)
            command = [sys.executable, __file__, str(args.n), "--shard", str(args.shard), "--jobs", str(args.jobs),
                       "--measure", str(folder)] + (["--scheduler", args.scheduler] if args.scheduler else [])
            sys.exit(subprocess.run(command).returncode)
        finally:
            shutil.rmtree(work, ignore_errors=True)
    work = Path(tempfile.mkdtemp(prefix="vn-stream-"))
    folder = args.measure
    try:
        before = peak_mb()
        result = run(folder, args.shard, args.jobs, work / "cache", args.scheduler)
        times, archive = result["times"], result["archive"]
        total = sum(times.values())
        one, five, _ = os.getloadavg()
        print(f"{args.n} articles in {archive.shards} shards of {args.shard}, {archive.units} sentences "
              f"({archive.duplicates} near-duplicates), {os.cpu_count()} cores, {args.jobs} worker processes; "
              f"load {one:.2f} (1 min) {five:.2f} (5 min) at the end; peak {before:.0f} MB before the pipeline "
              f"(imports)")
        for name, seconds in times.items():
            print(f"  {name:52s} {seconds:8.2f} s   (main process peak so far {result['peaks'][name]:.0f} MB)")
        print(f"  {'total':52s} {total:8.2f} s")
        print("  worker time by stage, summed over shards:",
              ", ".join(f"{k} {v:.1f} s" for k, v in archive.seconds.items() if k != "wall"))
        print("  worker CPU time by stage, summed over shards:",
              ", ".join(f"{k} {v:.1f} s" for k, v in archive.cpu_seconds.items()),
              f"(total {sum(archive.cpu_seconds.values()):.1f} s)")
        children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        print(f"  peak memory: main process {peak_mb():.0f} MB, largest worker {children:.0f} MB")
        print(f"RESULT total_seconds={total:.3f} peak_mb={max(peak_mb(), children):.0f} "
              f"cpu_seconds={sum(archive.cpu_seconds.values()):.3f}")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
