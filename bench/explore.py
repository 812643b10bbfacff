"""Size and opening time of the standalone explorer (toolkit.explore) on a real corpus.

    python bench/explore.py CORPUS --by category
    python bench/explore.py CORPUS --by id-decile      # a corpus with no grouping column: deciles of the numeric doc id

Runs load, segment and tokenise (through the word cache), builds the explorer's data and HTML,
and prints: seconds per step, the file's size (all, of which plotly.js and the embedded data), and
the time from navigation to the page being ready (its script has run and the Terms view is drawn)
in headless Chromium, over ``--loads`` fresh pages; the same for a page holding plotly.js alone, for
comparison (the same embedded bundle, plotly.js's cartesian one); then the time from a search and a click to the KWIC lines. The machine's load average is
printed with the times: the machine is shared, and the times move with it.

``id-decile`` groups articles by deciles of the number in their doc id: on sites that number
articles as they publish them (baomoi's ids), this is a rough publication order.
The HTML is written to ``bench/out/`` (not committed).
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("TOOLKIT_PROGRESS", "0")

OUT = Path(__file__).resolve().parent / "out"


def id_deciles(doc_ids):
    number = doc_ids.str.extract(r"(\d+)", expand=False).astype(float)
    rank = number.rank(method="dense")
    return np.ceil(10 * rank / rank.max()).astype(int).map(lambda k: f"d{k:02d}")


def open_times(path: Path, loads: int, search: str | None):
    from playwright.sync_api import sync_playwright

    chromium = os.environ.get("CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    times, clicks = [], []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
        warm = browser.new_page()
        warm.goto("about:blank")
        warm.close()
        for _ in range(loads):
            page = browser.new_page(viewport={"width": 1400, "height": 900})
            page.route("**/*", lambda r: r.continue_() if r.request.url.startswith(("file:", "about:")) else r.abort())
            start = time.perf_counter()
            page.goto(path.as_uri())
            page.wait_for_function("window.explorerReady === true", timeout=120_000)
            times.append(time.perf_counter() - start)
            if search:
                page.fill("#term-search", search)
                page.locator("#term-matches button, #term-matches span").first.wait_for(state="attached")
                start = time.perf_counter()
                page.locator("#term-matches button").first.click()
                page.locator("#kwic-lines tr").first.wait_for(state="attached")
                clicks.append(time.perf_counter() - start)
            page.close()
        browser.close()
    return times, clicks


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("corpus")
    parser.add_argument("--by", required=True, help="grouping column, or id-decile")
    parser.add_argument("--loads", type=int, default=5, help="page loads timed (default 5)")
    parser.add_argument("--search", default=None,
                        help="a kept term to search and click after each load (default: the first group's top term)")
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args()

    import toolkit as tk
    from toolkit.explore_data import explorer_data
    from toolkit.explore_page import explorer_html, plotly_bundle
    from toolkit.groups import with_groups

    OUT.mkdir(exist_ok=True)
    name = Path(args.corpus).resolve().name
    t0 = time.perf_counter()
    corpus = tk.load_corpus(args.corpus)
    units = tk.tokenize_units(tk.segment(corpus, unit="sentence"), n_jobs=args.jobs)
    by = args.by
    if by == "id-decile":
        units = units.assign(id_decile=id_deciles(units.doc_id))
        by = "id_decile"
    else:
        units = with_groups(units, corpus.documents, by)
    t1 = time.perf_counter()
    data = explorer_data(units, by=by, documents=corpus.documents, name=name)
    t2 = time.perf_counter()
    page = explorer_html(data)
    path = OUT / f"explorer_{name}.html"
    path.write_text(page, encoding="utf-8")
    t3 = time.perf_counter()
    size = path.stat().st_size
    plotly_size = len(plotly_bundle().encode("utf-8"))
    blob = re.search(r'id="explorer-data">(.*?)</script>', page, re.S).group(1)
    print(f"{name}: {len(corpus.documents):,} articles, {len(units):,} sentence units, {len(data['meta']['groups'])} "
          f"groups of {by}")
    print(f"  load + segment + tokenise {t1 - t0:.1f} s; explorer data {t2 - t1:.1f} s; HTML {t3 - t2:.1f} s "
          f"(load {os.getloadavg()[0]:.2f})")
    print(f"  file {size / 1e6:.2f} MB: plotly.js {plotly_size / 1e6:.2f} MB, data {len(blob.encode()) / 1e6:.2f} MB, "
          f"figures and page {(size - plotly_size - len(blob.encode())) / 1e6:.2f} MB; "
          f"{len(data['terms']['terms']):,} terms, {sum(map(len, data['terms']['kwic'])):,} KWIC lines, "
          f"{len(data['themes']['units']):,} theme units, {len(data['articles']['text'])} whole articles")
    base = OUT / "plotly_only.html"
    base.write_text(f"<!DOCTYPE html><html><head><meta charset='utf-8'><script>{plotly_bundle()}</script></head>"
                    "<body><script>window.explorerReady = true;</script></body></html>", encoding="utf-8")
    baseline, _ = open_times(base, args.loads, None)
    load_before = os.getloadavg()[0]
    search = args.search or data["terms"]["labels"][data["terms"]["groups"][data["meta"]["groups"][0]]["t"][0]]
    if search not in data["terms"]["labels"]:
        raise SystemExit(f"'{search}' is not a kept term of the explorer; search one of its terms")
    times, clicks = open_times(path, args.loads, search)
    print(f"  ready in headless Chromium: median {statistics.median(times):.2f} s, range {min(times):.2f}-"
          f"{max(times):.2f} s over {len(times)} loads (plotly.js alone: median {statistics.median(baseline):.2f} s; "
          f"load {load_before:.2f} -> {os.getloadavg()[0]:.2f})")
    if clicks:
        print(f"  search '{search}' + click to KWIC lines: median {statistics.median(clicks) * 1000:.0f} ms")


if __name__ == "__main__":
    main()
