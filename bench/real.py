"""Benchmarks on real news archives kept outside the repository (their text is never committed).

Two measurements, each printing its figures with the machine's load average:

``archive``: ``tk.process_archive`` over a real corpus folder with 1 and 2 worker processes, each
run in a fresh Python process with an empty word cache (real text repeats few sentences, so a
warm cache would flatter the figures): wall time, CPU seconds (main process plus workers, user +
system), peak resident memory of the main process and of the largest worker, articles per second,
CPU seconds per stage; ``--n N`` measures a seeded draw of N articles instead of the whole corpus.

``report``: the generic report (``toolkit.report.run_report``, the package's templates) on a seeded
draw of N articles of a real corpus, copied to a temporary corpus folder, grouped by any manifest
column; seconds per notebook. ``--out`` keeps the executed notebooks and figures (outside the
repository when the corpus may not be shipped) to look at them.

Usage::

    python bench/real.py archive CORPUS [--jobs 1 2] [--shard 1000] [--n N --seed 0]
    python bench/real.py report CORPUS [--n 2500] [--by category] [--seed 0] [--random-groups K] [--out DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

os.environ.setdefault("TOOLKIT_PROGRESS", "0")


def _load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"{one:.2f} / {five:.2f} / {fifteen:.2f}"


def _measure_archive(corpus: Path, jobs: int, shard: int) -> dict:
    """One run in this process (called in a fresh process by :func:`archive`)."""
    import toolkit as tk

    warnings.simplefilter("ignore")
    def cpu() -> float:
        me, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
        return me.ru_utime + me.ru_stime + children.ru_utime + children.ru_stime

    with tempfile.TemporaryDirectory(prefix="vn-real-cache-") as cache:
        load_before = _load()
        cpu_before = cpu()   # imports excluded
        start = time.perf_counter()
        result = tk.process_archive(corpus, by="year", shard_size=shard, n_jobs=jobs, cache=Path(cache), sample=20_000)
        wall = time.perf_counter() - start
        load_after = _load()
    me, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return {"jobs": jobs, "articles": len(result.articles), "units": result.units, "shards": result.shards,
            "wall": wall, "cpu": cpu() - cpu_before,
            "cpu_stages": sum(result.cpu_seconds.values()), "stages": result.cpu_seconds,
            "peak_main_mb": me.ru_maxrss / 1024, "peak_worker_mb": children.ru_maxrss / 1024,
            "load_before": load_before, "load_after": load_after}


def archive(args) -> None:
    if args.n:
        # A seeded draw of n articles (manifest rows and files) copied to a temporary corpus folder.
        with tempfile.TemporaryDirectory(prefix="vn-real-archive-") as tmp:
            n = _draw(args.corpus, Path(tmp) / "corpus", args.n, args.seed)
            print(f"seeded draw of {n} articles of {args.corpus.name} (seed {args.seed})")
            _archive_runs(Path(tmp) / "corpus", args)
    else:
        _archive_runs(args.corpus, args)


def _archive_runs(corpus: Path, args) -> None:
    rows = []
    for jobs in args.jobs:
        command = [sys.executable, __file__, "_archive_once", str(corpus), "--jobs", str(jobs),
                   "--shard", str(args.shard)]
        done = subprocess.run(command, capture_output=True, text=True, check=True)
        row = json.loads(done.stdout.strip().splitlines()[-1])
        rows.append(row)
        worker = f"largest worker {row['peak_worker_mb']:.0f} MB" if jobs > 1 else "no worker process"
        print(f"{jobs} worker(s): {row['articles']} articles, {row['units']} units in {row['shards']} shards; "
              f"wall {row['wall']:.1f} s, CPU {row['cpu']:.1f} s (stages {row['cpu_stages']:.1f} s), "
              f"{row['articles'] / row['wall']:.0f} articles/s, peak main {row['peak_main_mb']:.0f} MB, {worker}; "
              f"load (1/5/15 min) before {row['load_before']}, after {row['load_after']}", flush=True)
        print("  CPU seconds per stage (workers): "
              + ", ".join(f"{stage} {seconds:.1f}" for stage, seconds in row["stages"].items()), flush=True)
    if len(rows) > 1:
        few, many = sorted((rows[0], rows[-1]), key=lambda row: row["jobs"])
        print(f"speed-up, {many['jobs']} workers over {few['jobs']}: {few['wall'] / many['wall']:.2f}x wall; "
              f"{few['cpu'] / many['wall']:.2f}x against the {few['jobs']}-worker run's CPU seconds "
              "(what it would take on a core of its own)")


def _archive_once(args) -> None:
    print(json.dumps(_measure_archive(args.corpus, args.jobs[0], args.shard)))


def _draw(corpus: Path, target: Path, n: int, seed: int, random_groups: int = 0) -> int:
    """Copy a seeded draw of n articles (manifest rows and files) into a new corpus folder.

    ``random_groups`` > 0 adds a column ``random_group`` (g1, g2, ...) assigned at random with the
    seed: a stand-in grouping for a corpus without a category column, so that the report's
    comparisons between groups run (and cost what they cost); it is not a finding about the corpus.
    """
    import numpy as np
    import pandas as pd

    manifest = pd.read_csv(corpus / "corpus.csv", dtype=str, keep_default_na=False)
    drawn = manifest.sample(n=min(n, len(manifest)), random_state=seed).sort_values("doc_id")
    if random_groups:
        drawn["random_group"] = [f"g{k + 1}" for k in np.random.default_rng(seed).integers(0, random_groups, len(drawn))]
    (target / "raw").mkdir(parents=True)
    for name in drawn.file:
        (target / "raw" / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(corpus / "raw" / name, target / "raw" / name)
    drawn.to_csv(target / "corpus.csv", index=False)
    return len(drawn)


def report(args) -> None:
    from toolkit.report import run_report

    with tempfile.TemporaryDirectory(prefix="vn-real-report-") as tmp:
        folder = Path(tmp) / "corpus"
        n = _draw(args.corpus, folder, args.n, args.seed, args.random_groups)
        os.environ["TOOLKIT_CACHE_DIR"] = str(Path(tmp) / "cache")
        import pandas as pd

        groups = pd.read_csv(folder / "corpus.csv", dtype=str)[args.by].nunique()
        load_before = _load()
        start = time.perf_counter()
        out = args.out or Path(tmp) / "out"
        result = run_report(str(folder), out=str(out), by=args.by, seed=args.seed, log=lambda *a, **k: None)
        total = time.perf_counter() - start
        print(f"{n} articles of {args.corpus.name}, {groups} groups of {args.by}: report {total:.1f} s in all; "
              f"load (1/5/15 min) before {load_before}, after {_load()}")
        for run in result.runs:
            status = "ok" if run.ok else f"FAILED: {run.error}"
            print(f"  {run.notebook:<22} {run.seconds:7.1f} s  {status}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("what", choices=["archive", "report", "_archive_once"])
    parser.add_argument("corpus", type=Path, help="a corpus folder: corpus.csv and raw/")
    parser.add_argument("--jobs", type=int, nargs="+", default=[1, 2], help="worker processes to compare (archive)")
    parser.add_argument("--shard", type=int, default=1000, help="articles per shard (archive)")
    parser.add_argument("--n", type=int, default=None,
                        help="articles drawn (seeded) for the report (default 2500) or the archive (default: all)")
    parser.add_argument("--by", default="year", help="manifest column the report groups by")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, default=None,
                        help="keep the report (notebooks, figures) in this folder instead of a temporary one (report)")
    parser.add_argument("--random-groups", type=int, default=0, metavar="K",
                        help="add a column random_group of K seeded random groups (group with --by random_group)")
    args = parser.parse_args()
    if args.n is None:
        args.n = 2500 if args.what == "report" else 0
    {"archive": archive, "report": report, "_archive_once": _archive_once}[args.what](args)


if __name__ == "__main__":
    main()
