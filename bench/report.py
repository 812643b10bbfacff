"""Time the report on a synthetic archive: each template notebook, at a given number of articles.

    python bench/report.py --sizes 2000 10000

Writes a synthetic corpus (bench/pipeline.py's generator: UD-VTB and study sentences recombined,
years 2010-2024, six provinces) to a temporary folder, runs ``toolkit.report.run_report`` on it
with the package's templates, and prints seconds per notebook, the total and the machine's load.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("TOOLKIT_PROGRESS", "0")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[2000], help="corpus sizes in articles")
    parser.add_argument("--jobs", type=int, default=1, help="notebooks run at once")
    args = parser.parse_args()
    from pipeline import make_corpus, sentence_pool
    from toolkit.report import run_report

    pool = [s.split() for s in sentence_pool()]
    for size in args.sizes:
        with tempfile.TemporaryDirectory() as tmp:
            corpus, out = Path(tmp) / f"synthetic{size}", Path(tmp) / "out"
            make_corpus(corpus, size, seed=0, pool=pool)
            os.environ["TOOLKIT_CACHE_DIR"] = str(Path(tmp) / "cache")
            start = time.perf_counter()
            report = run_report(str(corpus), out=str(out), jobs=args.jobs, log=lambda *a, **k: None)
            total = time.perf_counter() - start
            load = os.getloadavg()[0]
            print(f"{size} articles: report {total:.0f} s in all (load {load:.2f})")
            for run in report.runs:
                status = "ok" if run.ok else f"FAILED: {run.error}"
                print(f"  {run.notebook:<22} {run.seconds:7.1f} s  {status}")


if __name__ == "__main__":
    main()
