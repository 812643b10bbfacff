"""What a group's text is made of: TF-IDF and class-based TF-IDF (BERTopic's) of a grouped document-term matrix.

An analysis stage on :func:`toolkit.dfm` counts, below :mod:`toolkit.keywords`
(which tests what distinguishes a group, and reads a DFM's row labels from
here) and :mod:`toolkit.concordance` (which shares the check of a count
argument). Neither weight is a test of distinctiveness.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .errors import ToolkitError
from .features import DFM

__all__ = ["top_tfidf", "class_tfidf"]


def _group_label(dfm: DFM) -> pd.Series:
    return dfm.rows.astype(str).agg(" / ".join, axis=1)


def _check_n(n, name: str = "n") -> None:
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1:
        raise ToolkitError(f"{name} must be a positive integer, got {n!r}")


def _top(frame: pd.DataFrame, score: str, n: int, group: str = "group") -> pd.DataFrame:
    _check_n(n)
    frame = frame.sort_values([group, score, "term"], ascending=[True, False, True], kind="stable")
    frame = frame.groupby(group, sort=False).head(n).copy()
    frame["rank"] = frame.groupby(group, sort=False).cumcount() + 1
    return frame.reset_index(drop=True)


def top_tfidf(dfm: DFM, n: int = 10) -> pd.DataFrame:
    """Top TF-IDF terms per row of a DFM (smooth idf, l2-normalised rows, as scikit-learn).

    ``tfidf = count * (ln((1 + n_rows) / (1 + rows_with_term)) + 1)``, rows
    l2-normalised. The idf counts rows, so on a DFM grouped into a few rows
    (three years) it barely discounts a term found in every row and the top
    terms are mostly the frequent ones: TF-IDF describes what a row is made
    of, it does not test what distinguishes it (see :func:`keyness`,
    :func:`log_odds`).

    Returns ``group``, ``rank``, ``term``, ``count``, ``tfidf``.
    """
    from sklearn.feature_extraction.text import TfidfTransformer

    weights = TfidfTransformer().fit_transform(dfm.matrix).tocoo()
    counts = dfm.matrix.tocsr()
    labels = _group_label(dfm)
    frame = pd.DataFrame({
        "group": labels.iloc[weights.row].to_numpy(), "term": dfm.terms[weights.col],
        "count": np.asarray(counts[weights.row, weights.col]).ravel(), "tfidf": weights.data,
    })
    return _top(frame, "tfidf", n)[["group", "rank", "term", "count", "tfidf"]]


def class_tfidf(dfm: DFM, n: int = 10) -> pd.DataFrame:
    """Class-based TF-IDF as BERTopic's ``ClassTfidfTransformer`` computes it (default options).

    Each row of the DFM is a class (all its documents joined)::

        ctfidf_{t,c} = tf_{t,c} * log(1 + A / f_t)

    ``tf_{t,c}`` is the term's count in class *c* divided by the class's
    token count (l1-normalised row), ``f_t`` the term's count over all classes
    and ``A`` the average number of tokens per class, truncated to an integer
    as BERTopic does (``int(X.sum(axis=1).mean())``). The weight is high for a
    term frequent in its class and rare in the whole corpus; unlike TF-IDF it
    does not count in how many classes a term occurs, so with few classes it
    is the better of the two for what is typical of a class, and neither is a
    test of distinctiveness (use :func:`keyness` or :func:`log_odds`).

    Returns
    -------
    pandas.DataFrame
        ``group``, ``rank``, ``term``, ``count``, ``ctfidf``.
    """
    if dfm.shape[0] > 50:
        raise ToolkitError(f"class_tfidf expects a DFM grouped into a few classes (at most 50 rows), got {dfm.shape[0]}")
    X = dfm.matrix.toarray().astype(float)
    class_sizes = X.sum(axis=1, keepdims=True)
    tf = X / np.maximum(class_sizes, 1)
    average = int(class_sizes.mean())
    idf = np.log(average / np.maximum(X.sum(axis=0), 1) + 1)
    score = tf * idf
    labels = _group_label(dfm)
    r, c = np.nonzero(X)
    frame = pd.DataFrame({"group": labels.iloc[r].to_numpy(), "term": dfm.terms[c], "count": X[r, c].astype(int),
                          "ctfidf": score[r, c]})
    return _top(frame, "ctfidf", n)[["group", "rank", "term", "count", "ctfidf"]]
