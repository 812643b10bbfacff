"""Topics on a real corpus with known categories: the default k and how well topics recover the categories.

The corpus (toolkit format: ``corpus.csv`` with a category column, and
``raw/``) is processed as the report does (body sentences, near-duplicates
dropped, analysis tokens). For each level of fitting, as the topics template
calls them:

- ``article``: one row per article (``tk.dfm(body, by="doc_id", min_docs=2, max_terms=...)``);
- ``sentence``: one row per body sentence (``tk.dfm(body, min_docs=2, max_terms=...)``);

with at most ``--max-terms`` terms (default ``tk.topics.MAX_TERMS``, as the
template; 0 for every term in two rows),

the script runs ``tk.topic_selection`` with its defaults (k over
``tk.default_ks``, stability when articles or folds of articles are left
out, NPMI, both against word-shuffled documents), takes ``tk.choose_k``, and
prints the table, the chosen k, whether it beats the null, and the
normalised mutual information (scikit-learn, arithmetic mean) between each
article's dominant topic (``tk.article_topics``) and its category, for the
chosen k and for every k tried. Targets (issue 19): default k in 6-20 and
NMI at least 0.40.

Usage::

    python bench/topics_real.py CORPUS_FOLDER [--category category] [--levels article,sentence] [--method nmf]
        [--max-terms N] [--n-jobs N]
"""

from __future__ import annotations

import argparse
import functools
import time
import warnings

import pandas as pd

print = functools.partial(print, flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus")
    parser.add_argument("--category", default="category")
    parser.add_argument("--levels", default="article,sentence")
    parser.add_argument("--method", default="nmf")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--max-terms", type=int, default=None, help="default tk.topics.MAX_TERMS; 0 for all")
    parser.add_argument("--n-jobs", type=int, default=-1, help="worker processes of topic_selection (-1: every core)")
    args = parser.parse_args()

    from sklearn.metrics import normalized_mutual_info_score

    import toolkit as tk

    start = time.perf_counter()
    corpus = tk.load_corpus(args.corpus)
    categories = corpus.documents.set_index("doc_id")[args.category]
    units = tk.tokenize_units(tk.segment(corpus, unit="sentence"), progress=False)
    body = units[(units.kind == "body") & units.duplicate_of.isna()].reset_index(drop=True)
    print(f"{len(corpus.documents)} articles, {categories.nunique()} categories, {len(body)} body sentences; "
          f"processed in {time.perf_counter() - start:.0f} s")
    for level in args.levels.split(","):
        max_terms = tk.topics.MAX_TERMS if args.max_terms is None else (args.max_terms or None)
        counts = tk.dfm(body, by="doc_id" if level == "article" else None, min_docs=2, max_terms=max_terms)
        rows = counts.rows if level == "article" else body
        start = time.perf_counter()
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            selection = tk.topic_selection(counts, rows, method=args.method, seed=args.seed, n_jobs=args.n_jobs)
        seconds = time.perf_counter() - start
        chosen = tk.choose_k(selection)
        beats = tk.beats_null(selection)
        table = tk.selection_table(selection)
        for k in table.index:
            model = tk.fit_topics(counts, int(k), method=args.method, seed=args.seed)
            dominant = tk.article_topics(model, rows).set_index("doc_id").dominant.dropna()
            table.loc[k, "NMI"] = normalized_mutual_info_score(categories.loc[dominant.index], dominant)
        table["beats null"] = beats
        print(f"\n{level}: {counts.shape[0]} rows x {counts.shape[1]} terms; selection {seconds:.0f} s "
              f"({len(table)} values of k); warnings: {'; '.join(str(w.message) for w in caught) or 'none'}; "
              f"fits on shuffled words stopped at max_iter: {selection.attrs['null_fits_stopped']}")
        with pd.option_context("display.width", 200, "display.max_columns", 20, "display.precision", 3):
            print(table)
        print(f"{level}: chosen k = {chosen} ({'beats' if beats[chosen] else 'does NOT beat'} the null; "
              f"{int(beats.sum())} of {len(beats)} k do); NMI with {args.category} at k = {chosen}: "
              f"{table.loc[chosen, 'NMI']:.3f}")


if __name__ == "__main__":
    main()
