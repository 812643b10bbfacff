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
the halves differ only by chance.

Usage::

    python bench/keyness_null.py CORPUS_FOLDER [--seeds 5] [--jobs 2]
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
    parser.add_argument("corpus")
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args(argv)
    clock = time.perf_counter()
    docs, terms, doc_ids, archive = article_counts(args.corpus, args.jobs)
    print(f"{args.corpus}: {len(doc_ids):,} articles with tokens, {len(terms):,} terms, "
          f"{int(docs.sum()):,} tokens; processed in {time.perf_counter() - clock:.1f} s")
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
    table = pd.DataFrame(rows)
    with pd.option_context("display.width", 200, "display.max_columns", 20):
        print(table.to_string(index=False))


if __name__ == "__main__":
    main()
