"""Corpus summary tables: what was loaded, removed, segmented and tokenised."""

from __future__ import annotations

import pandas as pd

from .corpus import Corpus

__all__ = ["summarize"]


def summarize(corpus: Corpus, units: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """Summary tables of a corpus after segmentation and tokenisation.

    Parameters
    ----------
    corpus : Corpus
    units : pandas.DataFrame
        Sentence or paragraph units with a ``tokens`` column
        (:func:`toolkit.tokenize_units`).

    Returns
    -------
    dict of str to pandas.DataFrame
        ``by_year``: documents, units, duplicate units, words and tokens per
        year (duplicates excluded from words and tokens); ``removed``: removed
        lines by reason; ``duplicates``: one row per near-duplicate pair.
    """
    docs = corpus.documents.groupby("year").agg(documents=("doc_id", "size"), provinces=("province", lambda s: ", ".join(sorted(set(s)))))
    kept = units[units["duplicate_of"].isna()]
    by_year = docs.join(
        units.groupby("year").agg(units=("unit_id", "size"), duplicate_units=("duplicate_of", "count"))
    ).join(
        kept.groupby("year").agg(
            words=("words", lambda s: sum(len(w) for w in s)),
            tokens=("n_tokens", "sum"),
        )
    )
    by_year = by_year.reset_index()
    total = {"year": "all", "documents": by_year["documents"].sum(), "provinces": ", ".join(sorted(set(corpus.documents["province"]))),
             "units": by_year["units"].sum(), "duplicate_units": by_year["duplicate_units"].sum(),
             "words": by_year["words"].sum(), "tokens": by_year["tokens"].sum()}
    by_year = pd.concat([by_year.astype({"year": "object"}), pd.DataFrame([total])], ignore_index=True)
    removed = (
        corpus.removed.groupby("reason").agg(lines=("line", "size"), documents=("doc_id", "nunique"))
        .reset_index().sort_values(["lines", "reason"], ascending=[False, True]).reset_index(drop=True)
    )
    dup = units[units["duplicate_of"].notna()]
    duplicates = dup[["unit_id", "duplicate_of"]].reset_index(drop=True)
    return {"by_year": by_year, "removed": removed, "duplicates": duplicates}
