"""Distinctive terms, keyness, KWIC and collocations, as tidy tables.

Naming follows quanteda: ``keyness`` (textstat_keyness), ``kwic``,
``collocations`` (textstat_collocations); ``log_odds`` is the weighted
log-odds ratio with an informative Dirichlet prior of Monroe, Colaresi &
Quinn (2008), as in R's tidylo.

Every p-value and every "distinctive" flag comes from an article-level test
(:func:`article_test`): words cluster in articles, so token-level tests (G2,
chi2, the log-odds z) treat thousands of tokens from a few articles as
independent and find differences between random halves of a corpus
(Lijffijt et al. 2016). The token-level statistics stay as effect sizes.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import scipy.sparse as sp
from scipy import stats as sstats

from .errors import ToolkitError
from .features import DFM
from .match import find_terms, index_terms, syllables, term_key

__all__ = ["top_tfidf", "class_tfidf", "keyness", "log_odds", "article_test", "kwic", "kwic_sample", "collocations", "display_forms",
           "add_display", "EffectSizesOnlyWarning", "MIN_ARTICLES"]

MIN_ARTICLES = 5  # per group, for the article-level test; below it p is NaN


class EffectSizesOnlyWarning(UserWarning):
    """No article-level test could be made (too few articles, or no per-article counts): effect sizes only."""


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


def _target_mask(dfm: DFM, target) -> np.ndarray:
    labels = _group_label(dfm)
    mask = (labels == str(target)).to_numpy()
    if not mask.any():
        raise ToolkitError(f"target {target!r} is not a row of the DFM; rows are {', '.join(labels)}")
    return mask


MEASURES = ("chi2", "lr", "fisher", "pmi")
CORRECTIONS = ("default", "yates", "williams", "none")
ADJUSTMENTS = {"bh": "fdr_bh", "holm": "holm", "none": None}
UNITS = ("article", "token")
_EPSILON = 1e-9  # quanteda.textstats adds this inside every logarithm (src/keyness.cpp)


def _yates_delta(a, b, c, d):
    """quanteda.textstats' rule: 0.5 when an expected count is below 5 and |ad - bc| >= N/2, else 0."""
    n = a + b + c + d
    small = np.minimum.reduce([(a + b) * (a + c), (a + b) * (b + d), (a + c) * (c + d), (c + d) * (b + d)]) / n < 5
    return np.where(small & (np.abs(a * d - b * c) >= n / 2), 0.5, 0.0)


def _williams_q(a, b, c, d):
    """Williams' q; 1 (no correction) when any cell is empty, as quanteda.textstats does."""
    n = a + b + c + d
    with np.errstate(divide="ignore", invalid="ignore"):
        q = 1 + (n / (a + b) + n / (c + d) - 1) * (n / (a + c) + n / (b + d) - 1) / (6 * n)
    return np.where(a * b * c * d == 0, 1.0, q)


def _chi2(a, b, c, d, correction):
    n = a + b + c + d
    delta = _yates_delta(a, b, c, d) if correction in ("default", "yates") else 0.0
    stat = n * (np.abs(a * d - b * c) - n * delta) ** 2 / ((a + b) * (c + d) * (a + c) * (b + d))
    if correction == "williams":
        stat = stat / _williams_q(a, b, c, d)
    return stat


def _g2(a, b, c, d, correction):
    n = a + b + c + d
    if correction in ("default", "yates"):
        # Move each cell `delta` toward independence (margins unchanged).
        delta = _yates_delta(a, b, c, d) * np.where(a * d - b * c > 0, 1.0, -1.0)
        a, b, c, d = a - delta, b + delta, c + delta, d - delta
    cells = ((a, a + b, a + c), (b, a + b, b + d), (c, a + c, c + d), (d, b + d, c + d))
    with np.errstate(divide="ignore", invalid="ignore"):
        stat = 2 * sum(np.where(o > 0, o * np.log(o / (r * k / n) + _EPSILON), 0.0) for o, r, k in cells)
    if correction == "williams":
        stat = stat / _williams_q(a, b, c, d)
    return stat


def _fisher(a, b, c, d):
    """Conditional MLE odds ratio (R's fisher.test estimate) and two-sided exact p, once per distinct table."""
    from scipy.stats.contingency import odds_ratio

    tables = np.stack([a, b, c, d], axis=1).astype(np.int64)
    unique, inverse = np.unique(tables, axis=0, return_inverse=True)
    ors, ps = np.empty(len(unique)), np.empty(len(unique))
    for i, (a_, b_, c_, d_) in enumerate(unique):
        table = [[int(a_), int(b_)], [int(c_), int(d_)]]
        ps[i] = sstats.fisher_exact(table, alternative="two-sided").pvalue
        ors[i] = odds_ratio(table, kind="conditional").statistic
    inverse = np.asarray(inverse).ravel()
    return ors[inverse], ps[inverse]



# ------------------------------------------------------------------ article-level test

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


def keyness(dfm: DFM, target, measure: str = "lr", correction: str = "default", min_count: int = 1,
            adjust: str = "bh", unit: str = "article") -> pd.DataFrame:
    """Keyness of each term in the target row(s) against all other rows: a token-level effect size and an article-level test.

    **The test** (``unit="article"``, the default): ``p`` is the article-level
    Wilcoxon rank-sum test of :func:`article_test` (Mann-Whitney U on each
    article's relative frequency of the term, target articles against the
    others; Lijffijt et al. 2016, *Digital Scholarship in the Humanities*
    31(2)), ``p_adj`` its adjustment over the terms tested. It needs the
    per-article counts a grouped DFM keeps (``toolkit.dfm(units, by="year")``)
    and at least :data:`MIN_ARTICLES` articles on each side; otherwise ``p``
    and ``p_adj`` are NaN and an :class:`EffectSizesOnlyWarning` says why.
    Columns ``auc`` (probability that a target article uses the term more,
    ties half), ``articles_target`` and ``articles_reference`` are added.

    **Why not the token-level p**: G2, chi2 and Fisher's test treat every
    token as an independent draw, but words cluster in articles (a story
    about loans says "loan" ten times). On random halves of 200 real news
    articles, where there is no difference to find, token-level G2 flags
    200-259 terms at BH-adjusted p < 0.05 and the article-level test none
    (five seeds; ``bench/keyness_null.py``, ``bench/README.md``). ``unit="token"``
    gives the token-level p-values as before, for comparison with quanteda;
    read them as descriptive.

    **The statistic** (``measure``) is computed on the summed counts in both
    cases, as quanteda.textstats computes it: a descriptive effect size
    that ranks the terms, not the basis of ``p`` when ``unit="article"``
    (except that its sign is the direction). For each term the 2x2 table is::

                      target   reference
        term            a          b
        other terms     c          d        N = a + b + c + d

    and the statistics are those of ``quanteda.textstats::textstat_keyness``
    (its C++ code, ``src/keyness.cpp``, version 0.97.3):

    - ``"chi2"``: Pearson's chi2 = N (|ad - bc| - N delta)^2 / (row and column margins).
    - ``"lr"``: the likelihood ratio G2 = 2 sum O ln(O / E + 1e-9) (the 1e-9 is
      quanteda's; empty cells contribute 0).
    - ``"fisher"`` (quanteda's ``"exact"``; both names accepted): Fisher's
      exact test (``scipy.stats.fisher_exact``, two-sided, as R's
      ``fisher.test``); the statistic is the conditional maximum-likelihood
      odds ratio that ``fisher.test`` reports
      (``scipy.stats.contingency.odds_ratio(kind="conditional")``), above 1
      when the term is over-represented in the target.
    - ``"pmi"``: ln(a / E_a + 1e-9), natural log. quanteda also reports
      ``1 - pchisq(|pmi|, 1)`` as its p, which treats PMI as a chi-square
      statistic and has no meaning; with ``unit="token"`` ``p`` and ``p_adj``
      are NaN for PMI (with ``unit="article"`` they are the article test's).

    chi2 and G2 are signed: positive when ``a`` exceeds its expected count
    (uncorrected), negative otherwise.

    Corrections (``correction=``), as quanteda's code applies them:

    - ``"default"`` and ``"yates"`` (the same in quanteda's code): Yates'
      continuity correction of 0.5, applied **only** to tables where an
      expected count is below 5 and |ad - bc| >= N/2, otherwise none. For
      chi2 it is subtracted from |ad - bc| / N; for G2 each cell moves 0.5
      toward independence (a and d down, b and c up when ad > bc) before G2
      is computed.
    - ``"williams"``: G2 (or chi2) divided by Williams' q =
      1 + (N/(a+b) + N/(c+d) - 1)(N/(a+c) + N/(b+d) - 1) / (6N), never when a
      cell is empty (q = 1 there), and only on request.
    - ``"none"``: no correction.
    - Fisher's test and PMI take no correction; a value other than
      ``"default"`` or ``"none"`` raises :class:`ToolkitError` (quanteda warns).

    Where quanteda's documentation and code differ: its help page says the
    default is Yates for chi2 and **Williams for lr**; its code applies the
    conditional Yates rule above to both chi2 and lr by default, and Williams
    only when asked. This function follows the code, so its values are those
    quanteda's users get. One deliberate departure: for ``measure="chi2",
    correction="williams"`` quanteda's code multiplies chi2 by q (the
    division sits in the denominator of its formula); here chi2 is divided by
    q, the direction of the correction.

    Parameters
    ----------
    dfm : DFM
        Grouped counts, e.g. ``toolkit.dfm(units, by="year")``.
    target : value of the grouping column, e.g. ``2023``
        Compared with all other rows together.
    measure : {"lr", "chi2", "fisher", "pmi"}, default "lr"
    correction : {"default", "yates", "williams", "none"}, default "default"
    min_count : int, default 1
        Terms with fewer occurrences overall (target + reference) are not
        tested and not in the family for the adjustment. Filtering on the
        total count does not depend on which side the term falls, so the
        adjusted p-values remain valid.
    adjust : {"bh", "holm", "none"}, default "bh"
        Multiplicity adjustment of ``p`` over the family of all terms tested
        for this target (``statsmodels.stats.multitest.multipletests``):
        Benjamini-Hochberg false discovery rate, or Holm's family-wise error
        rate. ``"none"`` copies ``p``.
    unit : {"article", "token"}, default "article"
        What ``p`` treats as independent: articles (the test above) or
        tokens (chi-square with 1 df of the statistic, or Fisher's exact;
        descriptive, see above).

    Returns
    -------
    pandas.DataFrame
        ``term``, ``target`` (count), ``reference`` (count), the statistic
        (``G2``, ``chi2``, ``odds_ratio`` or ``pmi``), ``p``, ``p_adj``, and
        ``log_ratio`` (log2 of the relative frequencies, +0.5 smoothing),
        then, with ``unit="article"``, ``auc``, ``articles_target`` and
        ``articles_reference``; sorted by the statistic (descending) then
        term, as quanteda sorts.

    Examples
    --------
    >>> import numpy as np, pandas as pd, scipy.sparse as sp
    >>> from toolkit.features import DFM
    >>> counts = DFM(sp.csr_matrix(np.array([[2, 98], [0, 300]])), np.array(["x", "y"], dtype=object),
    ...              pd.DataFrame({"year": [2012, 2023]}))
    >>> row = keyness(counts, 2012, unit="token").iloc[0]   # 2 of 100 tokens against 0 of 300
    >>> row.term, round(float(row.G2), 3), round(float(row.p), 3)   # Yates applies: E_a = 0.5 < 5
    ('x', 2.211, 0.137)
    >>> round(float(keyness(counts, 2012, correction="none", unit="token").G2[0]), 3)
    5.575
    """
    if measure == "exact":
        measure = "fisher"
    if measure not in MEASURES:
        raise ToolkitError(f"measure must be one of {', '.join(MEASURES)} (or 'exact'); got {measure!r}")
    if correction not in CORRECTIONS:
        raise ToolkitError(f"correction must be one of {', '.join(CORRECTIONS)}; got {correction!r}")
    if measure in ("fisher", "pmi") and correction not in ("default", "none"):
        raise ToolkitError(f"measure={measure!r} takes no correction; use correction='default' or 'none', "
                           f"got {correction!r}")
    if adjust not in ADJUSTMENTS:
        raise ToolkitError(f"adjust must be one of {', '.join(ADJUSTMENTS)}; got {adjust!r}")
    if isinstance(min_count, bool) or not isinstance(min_count, (int, np.integer)) or min_count < 1:
        raise ToolkitError(f"min_count must be a positive integer, got {min_count!r}")
    if unit not in UNITS:
        raise ToolkitError(f"unit must be one of {', '.join(UNITS)}; got {unit!r}")
    mask = _target_mask(dfm, target)
    if mask.all():
        raise ToolkitError(f"target {target!r} covers every row of the DFM; keyness needs a reference")
    a_all = np.asarray(dfm.matrix[mask].sum(axis=0)).ravel().astype(float)
    b_all = np.asarray(dfm.matrix[~mask].sum(axis=0)).ravel().astype(float)
    keep = (a_all + b_all) >= min_count
    a, b, terms = a_all[keep], b_all[keep], dfm.terms[keep]
    # The other cells come from all terms, filtered or not: the filter selects tests, not the corpus.
    c, d = a_all.sum() - a, b_all.sum() - b
    n = a + b + c + d
    sign = np.where(a > (a + b) * (a + c) / n, 1.0, -1.0)
    if measure == "chi2":
        name, stat = "chi2", sign * _chi2(a, b, c, d, correction)
        p = sstats.chi2.sf(np.abs(stat), df=1)
    elif measure == "lr":
        name, stat = "G2", sign * _g2(a, b, c, d, correction)
        p = sstats.chi2.sf(np.abs(stat), df=1)
    elif measure == "fisher":
        name = "odds_ratio"
        stat, p = _fisher(a, b, c, d) if len(a) else (np.array([]), np.array([]))
    else:
        name, stat = "pmi", np.log(a / ((a + b) * (a + c) / n) + _EPSILON)
        p = np.full(len(a), np.nan)
    extra = {}
    if unit == "article":
        tested = article_test(dfm, target, columns=np.flatnonzero(keep))
        if tested is None:
            _no_test_warning(dfm, None if dfm.docs is None else _small_groups(dfm, [target]), "keyness")
            p = np.full(len(a), np.nan)
            extra = {"auc": np.full(len(a), np.nan), "articles_target": _articles(dfm, target, True),
                     "articles_reference": _articles(dfm, target, False)}
        else:
            p = tested.p.to_numpy()
            extra = {c: tested[c].to_numpy() for c in ("auc", "articles_target", "articles_reference")}
    p_adj = _adjust(p, adjust)
    log_ratio = np.log2(((a + 0.5) / (a_all.sum() + 0.5)) / ((b + 0.5) / (b_all.sum() + 0.5)))
    out = pd.DataFrame({"term": terms, "target": a.astype(int), "reference": b.astype(int),
                        name: stat, "p": p, "p_adj": p_adj, "log_ratio": log_ratio, **extra})
    return out.sort_values([name, "term"], ascending=[False, True], kind="stable").reset_index(drop=True)


def _articles(dfm: DFM, target, inside: bool):
    """Articles with tokens in (or outside) the target group; NaN without per-article counts."""
    counts = _article_counts(dfm)
    if counts is None:
        return np.nan
    return int(((counts[1] == str(target)) == inside).sum())


def _small_groups(dfm: DFM, targets) -> dict:
    """Targets whose comparison has fewer than MIN_ARTICLES articles on a side, with the smaller count."""
    labels = _article_counts(dfm)[1]
    small = {}
    for target in targets:
        n1 = int((labels == str(target)).sum())
        if min(n1, len(labels) - n1) < MIN_ARTICLES:
            small[str(target)] = (n1, len(labels) - n1)
    return small


def _adjust(p: np.ndarray, adjust: str) -> np.ndarray:
    method = ADJUSTMENTS[adjust]
    if method is None or not len(p) or np.isnan(p).all():
        return p.copy()
    from statsmodels.stats.multitest import multipletests

    return multipletests(p, method=method)[1]


def log_odds(dfm: DFM, prior: str | float = "corpus", alpha0: float | None = None, alpha: float = 0.05,
             adjust: str = "bh", z_threshold=None) -> pd.DataFrame:
    """Weighted log-odds ratios with an informative Dirichlet prior (Monroe et al. 2008), flagged by an article-level test.

    Each row (group) *i* is compared with all other rows together::

        delta_w = log((y_wi + a_w) / (n_i + a0 - y_wi - a_w))
                - log((y_wj + a_w) / (n_j + a0 - y_wj - a_w))
        var_w   = 1 / (y_wi + a_w) + 1 / (y_wj + a_w)
        z_w     = delta_w / sqrt(var_w)

    ``log_odds`` and ``z`` are effect sizes for ranking terms: the variance
    counts tokens as independent draws, so |z| >= 1.96 is reached by
    hundreds of terms between random halves of a news corpus. ``distinctive``
    therefore comes from the article-level test of :func:`article_test`
    (group *i*'s articles against the others', Wilcoxon rank-sum on
    per-article relative frequencies; Lijffijt et al. 2016): ``p`` and
    ``p_adj`` are those of :func:`keyness` for the group, adjusted over all
    terms of the matrix, and ``distinctive`` is ``p_adj < alpha``. Where a
    group or the rest has fewer than :data:`MIN_ARTICLES` articles, or the
    DFM has no per-article counts, its ``p`` and ``p_adj`` are NaN,
    ``distinctive`` is False and one :class:`EffectSizesOnlyWarning` says why.

    Parameters
    ----------
    prior : "corpus" or float
        ``"corpus"``: ``a_w`` proportional to the term's corpus frequency
        (informative prior); a float: the same ``a_w`` for every term.
    alpha0 : float, optional
        Total prior mass for the corpus prior; default the corpus token count
        (as tidylo), so ``a_w`` equals the corpus count of *w*.
    alpha : float, default 0.05
        ``distinctive`` marks ``p_adj < alpha``.
    adjust : {"bh", "holm", "none"}, default "bh"
        Adjustment of the article-level ``p`` over the terms, per group.
    z_threshold
        No longer used: a z threshold treats tokens as independent. Passing
        it raises :class:`ToolkitError`.

    Returns
    -------
    pandas.DataFrame
        ``group``, ``term``, ``count``, ``log_odds`` (delta), ``z``, ``p``,
        ``p_adj``, ``distinctive`` (bool), sorted by group then ``z``
        descending.

    Examples
    --------
    >>> import numpy as np, pandas as pd, scipy.sparse as sp
    >>> from toolkit.features import DFM
    >>> counts = DFM(sp.csr_matrix(np.array([[3, 1], [1, 3]])), np.array(["x", "y"], dtype=object),
    ...              pd.DataFrame({"year": ["A", "B"]}))
    >>> import warnings; warnings.simplefilter("ignore", EffectSizesOnlyWarning)   # no per-article counts here
    >>> row = log_odds(counts).iloc[0]
    >>> row.group, row.term, round(float(row.z), 3), bool(row.distinctive)
    ('A', 'x', 1.149, False)
    """
    if z_threshold is not None:
        raise ToolkitError("z_threshold is no longer used: distinctive comes from the article-level test "
                           "(p_adj < alpha), since a z threshold treats tokens as independent; pass alpha=")
    if isinstance(alpha, bool) or not isinstance(alpha, (int, float, np.floating)) or not 0 < alpha < 1:
        raise ToolkitError(f"alpha must be a number between 0 and 1, got {alpha!r}")
    if adjust not in ADJUSTMENTS:
        raise ToolkitError(f"adjust must be one of {', '.join(ADJUSTMENTS)}; got {adjust!r}")
    X = dfm.matrix.toarray().astype(float)
    if X.shape[0] < 2:
        raise ToolkitError("log_odds needs at least two groups")
    totals = X.sum(axis=0)
    if prior == "corpus":
        mass = totals.sum() if alpha0 is None else float(alpha0)
        a_w = totals / totals.sum() * mass
    else:
        a_w = np.full(X.shape[1], float(prior))
        if a_w[0] <= 0:
            raise ToolkitError(f"prior must be positive, got {prior!r}")
    a0 = a_w.sum()
    labels = _group_label(dfm)
    counts = _article_counts(dfm)
    small = None if counts is None else _small_groups(dfm, labels)
    ranks = None
    if counts is not None and len(small) < len(labels):
        docs, _, doc_totals = counts
        ranks = _Ranks(docs, doc_totals)
    rows = []
    for i in range(X.shape[0]):
        y_i = X[i]
        y_j = totals - y_i
        n_i, n_j = y_i.sum(), y_j.sum()
        delta = np.log((y_i + a_w) / (n_i + a0 - y_i - a_w)) - np.log((y_j + a_w) / (n_j + a0 - y_j - a_w))
        z = delta / np.sqrt(1 / (y_i + a_w) + 1 / (y_j + a_w))
        if ranks is None or labels.iloc[i] in small:
            p = np.full(X.shape[1], np.nan)
        else:
            p = ranks.test(counts[1] == labels.iloc[i])[0]
        p_adj = _adjust(p, adjust)
        present = y_i > 0
        rows.append(pd.DataFrame({"group": labels.iloc[i], "term": dfm.terms[present], "count": y_i[present].astype(int),
                                  "log_odds": delta[present], "z": z[present], "p": p[present],
                                  "p_adj": p_adj[present]}))
    if small is None or small:
        _no_test_warning(dfm, small, "log_odds")
    out = pd.concat(rows, ignore_index=True)
    out["distinctive"] = (out.p_adj < alpha).to_numpy(bool)
    return out.sort_values(["group", "z", "term"], ascending=[True, False, True]).reset_index(drop=True)


def kwic(units: pd.DataFrame, pattern: str | list[str], window: int = 5, text: str = "text",
         match: str = "word") -> pd.DataFrame:
    """Keywords in context: every occurrence of a (multi-syllable) pattern in the units.

    Matching is case-insensitive on syllables. With ``match="word"`` (the
    default) an occurrence must also start and end on word boundaries of
    the segmented text, so "trường" (school) finds the word "trường" but
    not the first syllable of "trường hợp" (case), and "cửa khẩu" finds
    the word ``cửa_khẩu``. Boundaries come from the units' ``words`` column
    (:func:`toolkit.tokenize_units`) when it lines up with the text, else
    from :func:`toolkit.word_segment`. ``match="syllable"`` matches the
    syllables wherever they are, across word boundaries (all uses of a
    syllable, or a phrase that segmentation split differently).

    Parameters
    ----------
    pattern : str or list of str
        Term(s), e.g. ``"cửa khẩu"``.
    window : int, default 5
        Syllables of context on each side.
    match : {"word", "syllable"}, default "word"

    Returns
    -------
    pandas.DataFrame
        ``unit_id``, ``doc_id``, ``year`` (when present), ``pattern``,
        ``pre``, ``keyword``, ``post``, ``start``/``end`` (character
        offsets); every occurrence, in the units' order. For a few lines
        spread over articles and groups, see :func:`kwic_sample`.

    Examples
    --------
    >>> units = pd.DataFrame({"unit_id": ["a"], "text": ["Trường hợp này xảy ra ở trường."]})
    >>> kwic(units, "trường").keyword.tolist(), kwic(units, "trường", match="syllable").keyword.tolist()
    (['trường'], ['Trường', 'trường'])
    """
    from .measure import _word_starts
    from .wordseg import word_segment

    patterns = [pattern] if isinstance(pattern, str) else list(pattern)
    if not patterns or not all(isinstance(p, str) for p in patterns):
        raise ToolkitError(f"pattern must be a string or a non-empty list of strings, got {pattern!r}")
    if isinstance(window, bool) or not isinstance(window, (int, np.integer)) or window < 0:
        raise ToolkitError(f"window must be a non-negative integer, got {window!r}")
    if text not in units.columns:
        raise ToolkitError(f"units have no {text!r} column; pass text= the column holding the text")
    if match not in ("word", "syllable"):
        raise ToolkitError(f"match must be 'word' or 'syllable', got {match!r}")
    keys = {}
    for p in patterns:
        # Normalisation removes HTML tags, controls and invisible characters, so
        # a pattern such as "<script>" has nothing left to match.
        try:
            keys[term_key(p)] = p
        except ValueError:
            raise ToolkitError(f"pattern {p!r} has no syllables to match after normalisation (HTML tags, "
                               "punctuation and invisible characters are removed); give a word or phrase") from None
    index = index_terms(keys)
    meta_cols = [c for c in ("unit_id", "doc_id", "year") if c in units.columns]
    words = units["words"] if match == "word" and "words" in units.columns else [None] * len(units)
    rows = []
    for meta, value, seq in zip(units[meta_cols].itertuples(index=False), units[text], words):
        sylls = syllables(value)
        found = find_terms(sylls, keys, index)
        if found and match == "word":
            starts = _word_starts(sylls, list(seq)) if seq is not None else None
            if starts is None:   # no words column, or words of another text: segment this one
                starts = _word_starts(sylls, word_segment(sylls.text))
            if starts is not None:
                found = [(a, b, key) for a, b, key in found if starts[a] and starts[b]]
        for start, end, key in found:
            a, b = sylls.spans[start][0], sylls.spans[end - 1][1]
            left = sylls.spans[max(0, start - window)][0] if start else a
            right = sylls.spans[min(len(sylls.spans), end + window) - 1][1]
            rows.append({**meta._asdict(), "pattern": keys[key], "pre": sylls.text[left:a].strip(),
                         "keyword": sylls.text[a:b], "post": sylls.text[b:right].strip(), "start": a, "end": b})
    return pd.DataFrame(rows, columns=[*meta_cols, "pattern", "pre", "keyword", "post", "start", "end"])


def kwic_sample(lines: pd.DataFrame, n: int = 20, by: str | None = None, cluster: str = "doc_id",
                per_article: int = 2, seed: int = 0) -> pd.DataFrame:
    """At most ``n`` KWIC lines spread over articles and groups, saying how many were left out.

    Every article's first line (drawn at random, seeded) comes before any
    article's second, the groups of ``by`` taking turns, and no article
    gives more than ``per_article`` lines until every article has given
    that many; so one long article or one large group cannot fill the
    sample. The sample keeps the input's order.

    Returns
    -------
    pandas.DataFrame
        The chosen rows of ``lines``; ``attrs["total"]`` (lines given) and
        ``attrs["left_out"]`` (lines not shown), which
        :func:`toolkit.display.kwic_html` prints under the table.

    Examples
    --------
    >>> lines = pd.DataFrame({"doc_id": ["a"] * 8 + ["b", "c"], "keyword": ["x"] * 10})
    >>> sample = kwic_sample(lines, n=4, per_article=1)
    >>> sorted(sample.doc_id), sample.attrs["left_out"]
    (['a', 'a', 'b', 'c'], 6)
    """
    _check_n(n, "n")
    _check_n(per_article, "per_article")
    if cluster not in lines.columns:
        raise ToolkitError(f"KWIC lines have no {cluster!r} column to spread the sample over")
    if by is not None and by not in lines.columns:
        raise ToolkitError(f"KWIC lines have no {by!r} column; kwic keeps unit_id, doc_id and year")
    shuffled = lines.sample(frac=1, random_state=seed)
    rank = shuffled.groupby(cluster, sort=False).cumcount()       # the line's place in its article (random order)
    group = shuffled[by] if by is not None else pd.Series(0, index=shuffled.index)
    # First every article's first line, groups taking turns; then second lines; ... in rounds of per_article.
    turn = shuffled.groupby([rank, group], sort=False).cumcount()
    order = pd.DataFrame({"round": rank // per_article, "rank": rank, "turn": turn, "pos": np.arange(len(shuffled))},
                         index=shuffled.index)
    chosen = order.sort_values(["round", "rank", "turn", "pos"]).index[:n]
    out = lines.loc[lines.index.isin(chosen)].copy()
    out.attrs.update(total=len(lines), left_out=len(lines) - len(out))
    return out


def collocations(units: pd.DataFrame, min_count: int = 2, words: str = "words", stopwords=None) -> pd.DataFrame:
    """Adjacent word pairs that occur together more than chance: PMI and G2.

    Both are effect sizes for ranking pairs; ``p`` (chi-square of G2)
    treats tokens as independent and is descriptive, not a test.

    Pairs are counted within units over the segmented ``words`` (lower-cased,
    punctuation and numbers breaking adjacency), skipping pairs with a
    stopword; pairs that pyvi left as two words but that behave as one
    expression point to multi-word entries the dictionary misses.

    Returns
    -------
    pandas.DataFrame
        ``collocation`` ("w1 w2"), ``count``, ``count_w1``, ``count_w2``,
        ``pmi`` (log2), ``G2`` (2x2 likelihood ratio) and ``p``, sorted by G2.
    """
    from .tokens import stopwords as default_stopwords

    _check_n(min_count, "min_count")
    if words not in units.columns:
        raise ToolkitError(f"units have no {words!r} column; run toolkit.tokenize_units first")
    stop = default_stopwords() if stopwords is None else frozenset(stopwords)
    unigrams: dict[str, int] = {}
    bigrams: dict[tuple[str, str], int] = {}
    for seq in units[words]:
        clean = [w.lower() if any(ch.isalpha() for ch in w) else None for w in seq]
        for w in clean:
            if w is not None:
                unigrams[w] = unigrams.get(w, 0) + 1
        for w1, w2 in zip(clean, clean[1:]):
            if w1 is None or w2 is None:
                continue
            if w1 in stop or w2 in stop:
                continue
            bigrams[(w1, w2)] = bigrams.get((w1, w2), 0) + 1
    pairs = [(k, v) for k, v in bigrams.items() if v >= min_count]
    if not pairs:
        return pd.DataFrame(columns=["collocation", "count", "count_w1", "count_w2", "pmi", "G2", "p"])
    n = float(sum(unigrams.values()))
    o11 = np.array([v for _, v in pairs], dtype=float)
    c1 = np.array([unigrams[k[0]] for k, _ in pairs], dtype=float)
    c2 = np.array([unigrams[k[1]] for k, _ in pairs], dtype=float)
    pmi = np.log2(o11 * n / (c1 * c2))
    o12, o21 = np.maximum(c1 - o11, 0), np.maximum(c2 - o11, 0)
    o22 = np.maximum(n - o11 - o12 - o21, 0)
    observed = np.stack([o11, o12, o21, o22])
    expected = np.stack([c1 * c2, c1 * (n - c2), (n - c1) * c2, (n - c1) * (n - c2)]) / n
    with np.errstate(divide="ignore", invalid="ignore"):
        g2 = 2 * np.where(observed > 0, observed * np.log(observed / expected), 0.0).sum(axis=0)
    out = pd.DataFrame({"collocation": [f"{a} {b}" for (a, b), _ in pairs], "count": o11.astype(int),
                        "count_w1": c1.astype(int), "count_w2": c2.astype(int), "pmi": pmi, "G2": g2,
                        "p": sstats.chi2.sf(g2, df=1)})
    return out.sort_values(["G2", "collocation"], ascending=[False, True]).reset_index(drop=True)


def display_forms(units: pd.DataFrame, words: str = "words") -> dict[str, str]:
    """The written form each analysis token most often has in the text, for tables and figures.

    Tokens are lower-cased (``lạng_sơn``, ``asean``); a reader expects
    ``Lạng Sơn`` and ``ASEAN``. For every word of ``units[words]`` (the
    segmented text, case kept) the lower-cased, ``_``-joined form is the
    token; its display is the spelling it has most often, underscores shown
    as spaces. Ties go to the lower-case spelling if it is among them, else to
    the first in code-point order, so the result does not depend on row order.

    Parameters
    ----------
    units : DataFrame
        Units with a ``words`` column (:func:`toolkit.tokenize_units`).
    words : str, default "words"

    Returns
    -------
    dict
        token -> display form.

    Examples
    --------
    >>> import pandas as pd
    >>> units = pd.DataFrame({"words": [["Lạng_Sơn", "và", "ASEAN"], ["lạng_sơn", "Lạng_Sơn"]]})
    >>> forms = display_forms(units)
    >>> forms["lạng_sơn"], forms["asean"]
    ('Lạng Sơn', 'ASEAN')
    """
    from collections import Counter

    from .normalize import normalize_text

    if words not in units.columns:
        raise ToolkitError(f"units have no {words!r} column; run toolkit.tokenize_units first")
    counts: Counter = Counter()
    for seq in units[words]:
        counts.update(seq)
    best: dict[str, tuple] = {}
    for form, n in counts.items():
        form = normalize_text(form)
        token = form.lower()
        rank = (-n, form != token, form)
        if token not in best or rank < best[token]:
            best[token] = rank
    return {token: rank[2].replace("_", " ") for token, rank in sorted(best.items())}


def add_display(frame: pd.DataFrame, forms: dict[str, str], column: str = "term") -> pd.DataFrame:
    """A copy of ``frame`` with a ``display`` column: the display form of ``frame[column]``.

    Tokens without a recorded form are shown with underscores as spaces.

    Examples
    --------
    >>> import pandas as pd
    >>> add_display(pd.DataFrame({"term": ["asean", "hợp_tác"]}), {"asean": "ASEAN"}).display.tolist()
    ['ASEAN', 'hợp tác']
    """
    if column not in frame.columns:
        raise ToolkitError(f"frame has no {column!r} column")
    out = frame.copy()
    out["display"] = [forms.get(t, str(t).replace("_", " ")) for t in out[column]]
    return out
