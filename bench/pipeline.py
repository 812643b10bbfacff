"""The whole pipeline on a synthetic corpus of N articles: time per stage and peak memory.

Articles are made of sentences sampled (seeded) from the study corpus and the
UD Vietnamese-VTB train and dev splits, each spliced from two sampled
sentences so that most are distinct: a title, then 4-8 paragraphs of 2-5
sentences, about 20 sentences and 500 words each, with random years
(2010-2024) and provinces. Stages: load and clean, segment into sentences
with near-duplicate links, tokenise (two processes, cache in a temporary
folder, lean string columns unless ``--lists``), document-term matrices, keywords (log-odds by year), NMF topics,
and theme shares with a 1,000-replicate bootstrap.

Usage::

    python bench/pipeline.py N [--jobs 2] [--keep DIR]
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
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))

PROVINCES = ["Hà Giang", "Lạng Sơn", "Lào Cai", "Cao Bằng", "Điện Biên", "Lai Châu", "Quảng Ninh"]


def sentence_pool() -> list[str]:
    import toolkit as tk
    from segmentation import read_conllu

    corpus = tk.load_corpus(ROOT / "data")
    units = tk.segment(corpus)
    pool = units.loc[units.kind == "body", "text"].tolist()
    for split in ("train", "dev"):
        pool += [" ".join(words) for words in read_conllu(ROOT / "data" / "benchmarks" / "ud-vi-vtb" / f"vi_vtb-ud-{split}.conllu")]
    return pool


def make_corpus(folder: Path, n_articles: int, seed: int = 0, pool: list | None = None, start: int = 0) -> None:
    """Write a corpus folder of ``n_articles`` articles numbered from ``start`` (``pool``: split sentences)."""
    rng = random.Random(seed)
    pool = pool if pool is not None else [s.split() for s in sentence_pool()]

    def sentence() -> str:
        # The first part of one sampled sentence and the rest of another: realistic
        # syllables and word sequences, yet most sentences are distinct, as in a real
        # archive (plain resampling would repeat each pool sentence hundreds of times).
        a, b = rng.choice(pool), rng.choice(pool)
        return " ".join(a[: rng.randint(1, len(a))] + b[rng.randint(0, len(b) - 1):])

    raw = folder / "raw"
    raw.mkdir(parents=True, exist_ok=True)
    rows = ["doc_id,file,year,province"]
    for i in range(start, start + n_articles):
        title = sentence().rstrip(" .")
        paragraphs = [" ".join(sentence() for _ in range(rng.randint(2, 5))) for _ in range(rng.randint(4, 8))]
        (raw / f"{i:06d}.txt").write_text(title + "\n" + "\n".join(paragraphs) + "\nÝ kiến bạn đọc\n", encoding="utf-8")
        rows.append(f"a{i:06d},{i:06d}.txt,{rng.randint(2010, 2024)},{rng.choice(PROVINCES)}")
    (folder / "corpus.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")


def run(folder: Path, jobs: int, cache: Path, lists: bool = False) -> dict[str, float]:
    import warnings

    import toolkit as tk
    from toolkit.intervals import SingleArticleWarning

    warnings.simplefilter("ignore", SingleArticleWarning)
    times = {}
    start = time.perf_counter()

    memory = {}

    def lap(name):
        nonlocal start
        now = time.perf_counter()
        times[name] = now - start
        memory[name] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        start = now

    corpus = tk.load_corpus(folder)
    lap("load + clean")
    units = tk.segment(corpus, unit="sentence")
    lap("segment + near-duplicates")
    units = tk.tokenize_units(units, n_jobs=jobs, cache=cache, progress=False, lists=lists)
    lap("tokenise")
    body = units[(units.kind == "body") & units.duplicate_of.isna()].reset_index(drop=True)
    by_year = tk.dfm(body, by="year")
    per_unit = tk.dfm(body, min_docs=5)
    lap("document-term matrices")
    tk.log_odds(by_year)
    lap("keywords (log-odds)")
    tk.fit_topics(per_unit, n_topics=3, method="nmf", max_iter=200)
    lap("topics (NMF)")
    tk.theme_shares(units, by="year")
    lap("themes + bootstrap")
    times["units"] = len(units)
    times["memory"] = memory
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("n", type=int, help="number of articles")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--keep", type=Path, default=None, help="keep the generated corpus in this folder")
    parser.add_argument("--lists", action="store_true", help="words and tokens as Python lists (default: lean strings)")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="vn-bench-"))
    folder = args.keep or work / "corpus"
    try:
        if not (folder / "corpus.csv").exists():
            make_corpus(folder, args.n)
        times = run(folder, args.jobs, work / "cache", lists=args.lists)
        memory = times.pop("memory")
        total = sum(v for k, v in times.items() if k != "units")
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        one, five, _ = os.getloadavg()
        print(f"{args.n} articles, {int(times['units'])} sentences, {os.cpu_count()} cores, {args.jobs} worker processes, "
              f"{'list' if args.lists else 'lean'} columns; load {one:.2f} (1 min) {five:.2f} (5 min) at the end")
        for name, seconds in times.items():
            if name != "units":
                print(f"  {name:28s} {seconds:8.2f} s   peak so far {memory[name]:6.0f} MB")
        print(f"  {'total':28s} {total:8.2f} s")
        print(f"  peak memory: main process {peak:.0f} MB, largest worker {children:.0f} MB")
        print(f"RESULT total_seconds={total:.3f} peak_mb={max(peak, children):.0f}")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
