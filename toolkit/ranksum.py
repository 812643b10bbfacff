"""The article-level test of word frequencies: a Wilcoxon rank-sum test of each term over articles.

The test behind every p-value and "distinctive" flag of :mod:`toolkit.keywords`
(keyness, log-odds), which sits above it; it reads the per-article counts a
grouped :class:`~toolkit.features.DFM` keeps. Words cluster in articles, so
token-level tests (G2, chi2, the log-odds z) treat thousands of tokens from a
few articles as independent and find differences between random halves of a
corpus (Lijffijt et al. 2016); articles are the sampled units here. Below
:data:`MIN_ARTICLES` articles on a side no test is made and an
:class:`EffectSizesOnlyWarning` says why.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import scipy.sparse as sp
from scipy import stats as sstats

from .features import DFM

__all__ = ["article_test", "EffectSizesOnlyWarning", "MIN_ARTICLES"]

MIN_ARTICLES = 5  # per group, for the article-level test; below it p is NaN


class EffectSizesOnlyWarning(UserWarning):
    """No article-level test could be made (too few articles, or no per-article counts): effect sizes only."""


class _Ranks:
    """Mid-ranks of each term's relative frequency over articles, computed once for any split of the articles.

    Only the non-zero cells are sorted: an article without the term ranks in
    the tie of zeros, whose mid-rank is (zeros + 1) / 2. Built and tested a
    block of terms at a time (at most ``BLOCK`` non-zero cells each), so that
    temporaries stay small however many articles there are; what is kept is
    8 bytes a non-zero cell (its rank and its article), in term order: mid-ranks
    are multiples of 0.5, exact in 32 bits below 2**23 articles.
    """

    BLOCK = 500_000

    def __init__(self, counts, totals: np.ndarray):
        """``counts`` (articles x terms) divided by each article's ``totals``, a block of terms at a time
        (no relative-frequency copy of the whole matrix)."""
        counts = counts.tocsr()
        per_term = np.bincount(counts.indices[counts.data != 0], minlength=counts.shape[1])
        n, m = counts.shape
        self.n, self.m = n, m
        self.indptr = np.zeros(m + 1, dtype=np.int64)          # each term's cells in rank and row
        np.cumsum(per_term, out=self.indptr[1:])
        self.rank = np.empty(self.indptr[-1], dtype=np.float32 if n < 2 ** 23 else np.float64)
        self.row = np.empty(self.indptr[-1], dtype=np.int32)
        self.zeros = (n - per_term).astype(float)
        self.ties = self.zeros ** 3 - self.zeros
        ends = np.searchsorted(self.indptr[1:], np.arange(self.BLOCK, self.indptr[-1] + self.BLOCK, self.BLOCK),
                               side="right")
        stops = np.unique(np.r_[np.clip(ends, 1, m), m]) if m else np.array([], dtype=int)
        self.blocks = list(zip(np.r_[0, stops[:-1]], stops))
        for start, stop in self.blocks:
            block = counts[:, start:stop].tocsc()
            block = sp.csc_matrix((block.data / totals[block.indices], block.indices, block.indptr), shape=block.shape)
            block.eliminate_zeros()
            self._add_block(block, start)

    def _add_block(self, rel: sp.csc_matrix, first: int) -> None:
        """Ranks of one block of terms (columns ``first`` on)."""
        col = np.repeat(np.arange(rel.shape[1], dtype=np.int32), np.diff(rel.indptr))
        order = np.lexsort((rel.data, col))
        value, col, row = rel.data[order], col[order], rel.indices[order]
        new = np.ones(len(value), dtype=bool)
        new[1:] = (col[1:] != col[:-1]) | (value[1:] != value[:-1])
        run = np.cumsum(new) - 1
        position = np.arange(len(value)) - rel.indptr[col]          # 0-based place among the column's non-zeros
        length = np.bincount(run).astype(float)
        mid = position[new] + (length + 1) / 2                       # mid-rank of each run of ties
        lo, hi = self.indptr[first], self.indptr[first + rel.shape[1]]
        self.rank[lo:hi] = self.zeros[first + col] + mid[run]
        self.row[lo:hi] = row
        self.ties[first:first + rel.shape[1]] += np.bincount(col[new], weights=length ** 3 - length,
                                                              minlength=rel.shape[1])

    def test(self, target: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Two-sided p (normal approximation, tie and continuity corrected, as scipy's asymptotic
        ``mannwhitneyu``) and the probability that a target article has the higher frequency (ties half)."""
        n, n1 = self.n, int(target.sum())
        n2 = n - n1
        r1, present = np.zeros(self.m), np.zeros(self.m)
        for start, stop in self.blocks:
            lo, hi = self.indptr[start], self.indptr[stop]
            inside = target[self.row[lo:hi]]
            col = np.repeat(np.arange(stop - start), np.diff(self.indptr[start:stop + 1]))[inside]
            r1[start:stop] = np.bincount(col, weights=self.rank[lo:hi][inside], minlength=stop - start)
            present[start:stop] = np.bincount(col, minlength=stop - start)
        r1 += (n1 - present) * (self.zeros + 1) / 2
        u1 = r1 - n1 * (n1 + 1) / 2
        mu = n1 * n2 / 2
        sigma = np.sqrt(n1 * n2 / 12 * ((n + 1) - self.ties / (n * (n - 1))))
        with np.errstate(divide="ignore", invalid="ignore"):
            z = (np.abs(u1 - mu) - 0.5) / sigma
        p = np.where(sigma > 0, np.clip(2 * sstats.norm.sf(z), 0, 1), 1.0)
        return p, u1 / (n1 * n2)


def _article_counts(dfm: DFM):
    """Per-article counts with tokens, their group labels and token totals; ``None`` when the DFM has none."""
    if dfm.docs is None or dfm.doc_rows is None:
        return None
    totals = np.asarray(dfm.docs.sum(axis=1)).ravel().astype(float)
    keep = totals > 0
    columns = dfm.doc_rows.loc[keep, list(dfm.rows.columns)].astype(str)
    # One grouping column (the usual case) needs no row-wise join, which takes seconds on 35,000 articles.
    labels = columns.iloc[:, 0].to_numpy() if columns.shape[1] == 1 else columns.agg(" / ".join, axis=1).to_numpy()
    # Counts of hundreds of thousands of articles are the largest matrix here: copied only when rows go.
    return (dfm.docs if keep.all() else dfm.docs[keep]), labels, totals[keep]


def _no_test_warning(dfm: DFM, small: dict, what: str) -> None:
    if small is None:
        warnings.warn(f"{what}: this document-term matrix has no per-article counts (it was built by hand, "
                      "ungrouped, or from units without doc_id), and tokens of one article are not independent, "
                      "so no p-value is given; build it with toolkit.dfm(units, by=...) for the article-level test",
                      EffectSizesOnlyWarning, stacklevel=3)
    elif small:
        columns = " / ".join(map(str, dfm.rows.columns))
        listed = "; ".join(f"{g}: {n1} against {n2}" for g, (n1, n2) in small.items())
        warnings.warn(f"{what}: articles per side, by {columns}: {listed}. With fewer than {MIN_ARTICLES} articles "
                      f"on a side, a difference between groups cannot be told from a difference between articles "
                      f"(words cluster in articles), so p and p_adj are NaN and only effect sizes are shown",
                      EffectSizesOnlyWarning, stacklevel=3)


def article_test(dfm: DFM, target, columns=None) -> pd.DataFrame | None:
    """Article-level Wilcoxon rank-sum test of each term between the target group's articles and the others'.

    For each term, the relative frequency of the term in each article (its
    count over the article's tokens in the DFM) is compared between the
    articles of the target group and those of all other groups with the
    Wilcoxon rank-sum (Mann-Whitney U) test, two-sided, normal approximation
    with tie and continuity corrections: the p-values equal
    ``scipy.stats.mannwhitneyu(method="asymptotic")`` term by term, computed
    for all terms at once over the sparse article x term matrix. Articles,
    not tokens, are the sampled units, as Lijffijt, Nevalainen, Säily,
    Papageorgiou, Puolamäki & Mannila (2016), "Significance testing of word
    frequencies in corpora", *Digital Scholarship in the Humanities* 31(2),
    recommend; their bootstrap over articles gives similar results, and the
    rank-sum was chosen because it is calibrated on random splits of real
    news articles (``bench/keyness_null.py``, ``bench/README.md``) and takes
    seconds on tens of thousands of articles, where a permutation test or a
    quasi-Poisson GLM per term takes minutes to hours.

    Returns ``None`` when the test cannot be made: the DFM has no
    per-article counts, or a side has fewer than :data:`MIN_ARTICLES`
    articles. Otherwise a frame indexed like ``dfm.terms`` (or
    ``dfm.terms[columns]``) with ``p``, ``auc`` (probability that a target
    article has the higher relative frequency, ties counted half) and the
    number of articles on each side.
    """
    counts = _article_counts(dfm)
    if counts is None:
        return None
    docs, labels, totals = counts
    target_docs = labels == str(target)
    n1, n2 = int(target_docs.sum()), int((~target_docs).sum())
    if min(n1, n2) < MIN_ARTICLES:
        return None
    if columns is not None:
        docs = docs[:, columns]
    ranks = _Ranks(docs, totals)
    p, auc = ranks.test(target_docs)
    return pd.DataFrame({"p": p, "auc": auc, "articles_target": n1, "articles_reference": n2})


def _articles(labels, target, inside: bool):
    """Articles with tokens in (or outside) the target group, from their ``labels``; NaN without them (None)."""
    if labels is None:
        return np.nan
    return int(((labels == str(target)) == inside).sum())


def _small_groups(labels, targets) -> dict:
    """Targets whose comparison has fewer than MIN_ARTICLES articles on a side, with the smaller count.

    ``labels``: the group label of each article with tokens (:func:`_article_counts`).
    """
    small = {}
    for target in targets:
        n1 = int((labels == str(target)).sum())
        if min(n1, len(labels) - n1) < MIN_ARTICLES:
            small[str(target)] = (n1, len(labels) - n1)
    return small
