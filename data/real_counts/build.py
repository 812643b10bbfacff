"""Per-article term counts of a corpus folder, as the toolkit counts them: no text, no word order.

Runs the toolkit's normal pipeline on a corpus folder (``corpus.csv`` and ``raw/``), as the
keywords notebook does::

    corpus = tk.load_corpus(FOLDER)                                   # load, decode, normalise, clean
    units = tk.tokenize_units(tk.segment(corpus, unit="sentence"))    # sentences; pyvi words; tokens
    body = units[(units.kind == "body") & units.duplicate_of.isna()]  # body text, repeats counted once
    counts = tk.dfm(body, by="doc_id")                                # the tokens tk.dfm counts

and writes to OUT:

- ``counts.parquet``: one row per article and term it contains, columns ``doc_id``, ``term``,
  ``count``, sorted by ``doc_id`` then ``term`` (so nothing of the order of words in the text is
  kept); terms in fewer than ``--min-docs`` articles are left out.
- ``articles.csv``: one row per article of the manifest, sorted by ``doc_id``: ``doc_id``, ``category``,
  ``year`` and ``n_tokens`` (its body tokens before any term was left out; 0 for an article
  without body text).

``toolkit.DFM.from_counts(counts, articles, by=...)`` turns the two files into the grouped DFM that
``toolkit.keyness`` and ``toolkit.log_odds`` take. Usage::

    python data/real_counts/build.py CORPUS_FOLDER OUT [--min-docs 1]
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq


def article_counts(folder, min_docs: int = 1) -> tuple[pd.DataFrame, pd.DataFrame]:
    """``(counts, articles)`` of the corpus folder: the long per-article term counts and one row per article."""
    import toolkit as tk

    corpus = tk.load_corpus(folder)
    units = tk.tokenize_units(tk.segment(corpus, unit="sentence"), cache=False, progress=False)
    body = units[(units.kind == "body") & units.duplicate_of.isna()]
    by_article = tk.dfm(body, by="doc_id")
    matrix = by_article.matrix.tocsr()
    doc_ids = by_article.rows.doc_id.astype(str).to_numpy()
    n_tokens = pd.Series(np.asarray(matrix.sum(axis=1)).ravel(), index=doc_ids)
    if min_docs > 1:
        keep = np.flatnonzero(np.asarray((matrix > 0).sum(axis=0)).ravel() >= min_docs)
        matrix, terms = matrix[:, keep], by_article.terms[keep]
    else:
        terms = by_article.terms
    coo = matrix.tocoo()
    counts = pd.DataFrame({"doc_id": doc_ids[coo.row], "term": terms[coo.col].astype(str),
                           "count": coo.data.astype(np.int32)})
    counts = counts[counts["count"] > 0].sort_values(["doc_id", "term"], kind="stable").reset_index(drop=True)
    documents = corpus.documents
    articles = pd.DataFrame({"doc_id": documents.doc_id.astype(str).to_numpy(),
                             "category": documents["category"].to_numpy(),
                             "year": documents["year"].to_numpy()})
    articles["n_tokens"] = articles.doc_id.map(n_tokens).fillna(0).astype(int)
    return counts, articles.sort_values("doc_id").reset_index(drop=True)


def write(counts: pd.DataFrame, articles: pd.DataFrame, out) -> list[Path]:
    """Write ``counts.parquet`` (dictionary-encoded, zstd) and ``articles.csv`` into ``out``."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    table = pa.table({"doc_id": pa.array(counts.doc_id, pa.string()),
                      "term": pa.array(counts.term, pa.string()),
                      "count": pa.array(counts["count"], pa.int32())})
    parquet = out / "counts.parquet"
    pq.write_table(table, parquet, compression="zstd", compression_level=19, use_dictionary=True,
                   row_group_size=len(counts) or 1)
    csv = out / "articles.csv"
    articles.to_csv(csv, index=False, lineterminator="\n")
    return [parquet, csv]


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", help="corpus folder: corpus.csv (with a category column) and raw/")
    parser.add_argument("out", help="folder for counts.parquet and articles.csv")
    parser.add_argument("--min-docs", type=int, default=1,
                        help="leave out terms found in fewer articles than this (default 1: keep all)")
    args = parser.parse_args(argv)
    counts, articles = article_counts(args.corpus, args.min_docs)
    files = write(counts, articles, args.out)
    print(f"{len(articles):,} articles ({int((articles.n_tokens > 0).sum()):,} with body tokens), "
          f"{counts.term.nunique():,} terms, {len(counts):,} article-term rows, {int(counts['count'].sum()):,} tokens")
    for path in files:
        print(f"{path}: {path.stat().st_size / 1e6:.2f} MB")


if __name__ == "__main__":
    main()
