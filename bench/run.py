"""Performance figures of the toolkit, measured in one run on this machine.

Prints, with the core count:

1. ``word_segment`` against raw pyvi on the UD-VTB dev split, one process;
2. ``segment_words`` with one and two worker processes on growing inputs,
   against raw pyvi, and the break-even size for two processes;
3. the second run of a corpus against the first (content-keyed cache);
4. the whole pipeline on 10,000 synthetic articles (time, peak memory), and
   with ``--scale`` on 100,000 too, with the measured growth exponent.

Usage::

    python bench/run.py [--scale]
"""

from __future__ import annotations

import argparse
import math
import os
import platform
import random
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from segmentation import UD, read_conllu  # noqa: E402


def timed(fn, *args, **kwargs):
    start = time.perf_counter()
    result = fn(*args, **kwargs)
    return time.perf_counter() - start, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", action="store_true", help="also run the pipeline on 100,000 articles")
    args = parser.parse_args()
    import toolkit as tk
    from pyvi import ViTokenizer

    print(f"{os.cpu_count()} cores, Python {platform.python_version()}, toolkit {tk.__version__}")
    dev = [" ".join(g) for g in read_conllu(UD / "vi_vtb-ud-dev.conllu")]
    words = sum(len(s.split()) for s in dev)
    tk.word_segment("khởi động")          # load pyvi's model and the batch tagger outside the timings
    tk.word_segment_many(["khởi động"])
    ViTokenizer.tokenize("khởi động")

    # 1. One process, UD dev.
    t_pyvi, _ = timed(lambda: [ViTokenizer.tokenize(s) for s in dev])
    t_one, _ = timed(lambda: [tk.word_segment(s) for s in dev])
    t_batch, _ = timed(tk.word_segment_many, dev)
    print("\n1. Word segmentation, UD-VTB dev (1,123 sentences, 31,927 syllables), one process")
    print(f"   raw pyvi ViTokenizer.tokenize      {t_pyvi:6.3f} s")
    print(f"   word_segment, one text at a time   {t_one:6.3f} s   {t_pyvi / t_one:4.1f}x pyvi  (python-crfsuite tagger)")
    print(f"   word_segment_many, one batch       {t_batch:6.3f} s   {t_pyvi / t_batch:4.1f}x pyvi  (NumPy batch tagger)")

    # 2. Two processes on growing inputs (UD train + dev sentences, shuffled, repeated with a suffix
    #    so that every text is distinct and nothing is served from a cache).
    pool = dev + [" ".join(g) for g in read_conllu(UD / "vi_vtb-ud-train.conllu")]
    rng = random.Random(0)
    print("\n2. segment_words without cache: one vs two worker processes")
    print(f"   {'sentences':>9s} {'pyvi s':>8s} {'1 proc s':>9s} {'2 proc s':>9s} {'1p/pyvi':>8s} {'2p/pyvi':>8s}")
    faster = {}
    for size in (250, 1000, 4000, 16000, 64000):
        texts = [f"{rng.choice(pool)} {i}" for i in range(size)]
        t_p, _ = timed(lambda: [ViTokenizer.tokenize(s) for s in texts])
        t1, r1 = timed(tk.segment_words, texts, cache=False, n_jobs=1, progress=False, chunk_size=2000)
        t2, r2 = timed(tk.segment_words, texts, cache=False, n_jobs=2, progress=False, chunk_size=2000)
        assert r1 == r2, "two processes must give the same words"
        faster[size] = t2 < t1
        print(f"   {size:9d} {t_p:8.2f} {t1:9.2f} {t2:9.2f} {t_p / t1:7.1f}x {t_p / t2:7.1f}x")
    sizes = sorted(faster)
    pays = next((s for k, s in enumerate(sizes) if all(faster[t] for t in sizes[k:])), None)
    print(f"   two processes are faster at every measured size from {pays} sentences on (the break-even)")

    # 3. Cache: first and second run of the same corpus.
    texts = [f"{rng.choice(pool)} {i}" for i in range(16000)]
    with tempfile.TemporaryDirectory() as cache:
        t_first, _ = timed(tk.segment_words, texts, cache=cache, progress=False)
        t_second, _ = timed(tk.segment_words, texts, cache=cache, progress=False)
    print("\n3. Cache, 16,000 distinct sentences")
    print(f"   first run {t_first:6.2f} s, second run {t_second:6.3f} s: {t_first / t_second:5.0f}x faster")

    # 4. The whole pipeline, each size in a fresh process (peak memory is per process).
    print("\n4. Whole pipeline on synthetic articles (bench/pipeline.py, two worker processes)")
    sizes = (10_000, 100_000) if args.scale else (10_000,)
    totals = {}
    for n in sizes:
        done = subprocess.run([sys.executable, str(HERE / "pipeline.py"), str(n)], capture_output=True, text=True)
        print("   " + done.stdout.strip().replace("\n", "\n   "))
        match = re.search(r"RESULT total_seconds=([\d.]+)", done.stdout)
        if match is None:
            print(done.stderr[-2000:])
            continue
        totals[n] = float(match.group(1))
    if len(totals) == 2:
        exponent = math.log(totals[100_000] / totals[10_000]) / math.log(10)
        print(f"   growth exponent from 10,000 to 100,000 articles: {exponent:.2f} (1.00 = linear)")


if __name__ == "__main__":
    main()
