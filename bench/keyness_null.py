"""Keyness between random halves of a corpus: how many terms each test calls different where nothing differs.

The corpus (toolkit format: ``corpus.csv`` and ``raw/``) is processed once
(body sentences, near-duplicates dropped, as the notebooks measure), keeping
each article's term counts. For each seed the articles are split at random
into two halves of equal size, and the script prints, for half A against
half B, the number of terms with Benjamini-Hochberg adjusted p < 0.05 under

- the article-level default, ``tk.keyness(dfm, "A")`` (Wilcoxon rank-sum on
  per-article relative frequencies), and
- the token-level test, ``tk.keyness(dfm, "A", unit="token")`` (G2 with
  quanteda's default correction),

with the number of terms ``tk.log_odds`` marks ``distinctive`` (article
test) against the number with |z| >= 1.96 (the former token-level rule), and
the seconds each keyness call takes. A calibrated test finds about nothing:
the halves differ only by chance. With ``--plant`` it also adds a made-up
word (count 1-3, seeded) to 10% of half A's articles with tokens and prints
its rank and adjusted p: a test that finds nothing must still find that.

Instead of a corpus folder, ``--counts FOLDER`` reads per-article term counts
as ``data/real_counts/build.py`` writes them (``counts.parquet``,
``articles.csv``; the shipped ``data/real_counts/unc``), through
``toolkit.DFM.from_counts``: the same halves as ``tests/test_keywords.py``
(articles in ``doc_id`` order, a seeded permutation).

Usage::

    python bench/keyness_null.py CORPUS_FOLDER [--seeds 5] [--jobs 2] [--plant]
    python bench/keyness_null.py --counts data/real_counts/unc --seeds 3 --plant
"""

from __future__ import annotations

import argparse
import time
import warnings

import numpy as np
import pandas as pd


def article_counts(folder, jobs: int):
    """Each article's term counts (the ``docs`` of the grouped counts) and its doc_id."""
    import toolkit as tk

    archive = tk.process_archive(folder, n_jobs=jobs, cache=False, progress=False)
    counts = archive.counts
    return counts.docs, counts.terms, counts.doc_rows.doc_id.to_numpy(), archive


def shipped_counts(folder):
    """Each article's term counts, read from ``counts.parquet`` and ``articles.csv``, in doc_id order."""
    from pathlib import Path

    from toolkit.features import DFM

    folder = Path(folder)
    articles = pd.read_csv(folder / "articles.csv")
    grouped = DFM.from_counts(pd.read_parquet(folder / "counts.parquet"), articles.assign(corpus="all"), by="corpus")
    return grouped.docs, grouped.terms, grouped.doc_rows.doc_id.to_numpy()


PLANTED = "từ_cài_thử"   # a made-up word


def plant(split, seed: int):
    """The halves with :data:`PLANTED` added (count 1-3) to a seeded 10% of half A's articles with tokens, and
    the number of articles given it."""
    import scipy.sparse as sp

    from toolkit.features import DFM, group_dfm

    rows = split.doc_rows.reset_index(drop=True)
    rng = np.random.default_rng(seed)
    eligible = np.flatnonzero((rows.half == "A").to_numpy() & (np.asarray(split.docs.sum(axis=1)).ravel() > 0))
    chosen = rng.choice(eligible, size=round(0.1 * len(eligible)), replace=False)
    column = sp.csr_matrix((rng.integers(1, 4, size=len(chosen)), (chosen, np.zeros(len(chosen), dtype=int))),
                           shape=(len(rows), 1))
    docs = sp.hstack([split.docs, column]).tocsr()
    planted = DFM(docs, np.append(split.terms, PLANTED).astype(object), rows[["doc_id"]])
    return group_dfm(planted, rows, "half"), len(chosen)


def halves(docs, terms, doc_ids, seed: int):
    """A DFM of two random halves (A, B) of the articles, keeping each article's counts."""
    from toolkit.features import DFM, group_dfm

    rng = np.random.default_rng(seed)
    half = np.where(rng.permutation(len(doc_ids)) < len(doc_ids) // 2, "A", "B")
    rows = pd.DataFrame({"doc_id": doc_ids, "half": half})
    return group_dfm(DFM(docs, terms, rows), rows, "half")


def main(argv=None) -> None:
    import toolkit as tk

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", nargs="?", help="corpus folder (corpus.csv and raw/)")
    parser.add_argument("--counts", help="a folder of per-article counts (counts.parquet, articles.csv) instead")
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--plant", action="store_true", help="also find a word planted in 10%% of half A's articles")
    args = parser.parse_args(argv)
    if (args.corpus is None) == (args.counts is None):
        parser.error("give a corpus folder or --counts FOLDER (one of them)")
    clock = time.perf_counter()
    if args.counts:
        docs, terms, doc_ids = shipped_counts(args.counts)
        source, done = args.counts, "read"
    else:
        docs, terms, doc_ids, _ = article_counts(args.corpus, args.jobs)
        source, done = args.corpus, "processed"
    with_tokens = int((np.asarray(docs.sum(axis=1)).ravel() > 0).sum())
    print(f"{source}: {len(doc_ids):,} articles ({with_tokens:,} with tokens), {len(terms):,} terms, "
          f"{int(docs.sum()):,} tokens; {done} in {time.perf_counter() - clock:.1f} s")
    rows = []
    for seed in range(args.seeds):
        split = halves(docs, terms, doc_ids, seed)
        clock = time.perf_counter()
        article = tk.keyness(split, "A")
        article_s = time.perf_counter() - clock
        clock = time.perf_counter()
        token = tk.keyness(split, "A", unit="token")
        token_s = time.perf_counter() - clock
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", tk.EffectSizesOnlyWarning)
            odds = tk.log_odds(split)
        odds = odds[odds.group == "A"]
        rows.append({"seed": seed, "terms tested": len(article),
                     "article p_adj < .05": int((article.p_adj < 0.05).sum()),
                     "article p < .05 (share)": round(float((article.p < 0.05).mean()), 3),
                     "token G2 p_adj < .05": int((token.p_adj < 0.05).sum()),
                     "log-odds distinctive": int(odds.distinctive.sum()),
                     "log-odds |z| >= 1.96": int((odds.z.abs() >= 1.96).sum()),
                     "article s": round(article_s, 2), "token s": round(token_s, 2)})
        if args.plant:
            grouped, n_planted = plant(split, seed)
            planted = tk.keyness(grouped, "A").sort_values("p", kind="stable").reset_index(drop=True)
            hit = planted[planted.term == PLANTED].iloc[0]
            rows[-1].update({"planted: articles": n_planted, "planted: rank by p": int(hit.name) + 1,
                             "planted: p_adj": float(f"{hit.p_adj:.2g}"),
                             "others p_adj < .05": int((planted.drop(index=hit.name).p_adj < 0.05).sum())})
    table = pd.DataFrame(rows)
    with pd.option_context("display.width", 200, "display.max_columns", 20):
        print(table.to_string(index=False))


if __name__ == "__main__":
    main()
