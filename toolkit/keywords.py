"""Distinctive terms: keyness and weighted log-odds of groups, as tidy tables.

An analysis stage on grouped document-term counts (:func:`toolkit.dfm`),
above :mod:`toolkit.ranksum` (the article-level test behind every p-value
here) and :mod:`toolkit.tfidf` (what a group is made of); the words in their
text (KWIC, collocations, display forms) are in :mod:`toolkit.concordance`.

Naming follows quanteda: ``keyness`` (textstat_keyness); ``log_odds`` is the
weighted log-odds ratio with an informative Dirichlet prior of Monroe,
Colaresi & Quinn (2008), as in R's tidylo.

Every p-value and every "distinctive" flag comes from an article-level test
(:func:`toolkit.article_test`): words cluster in articles, so token-level tests (G2,
chi2, the log-odds z) treat thousands of tokens from a few articles as
independent and find differences between random halves of a corpus
(Lijffijt et al. 2016). The token-level statistics stay as effect sizes.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats as sstats

from .errors import ToolkitError
from .features import DFM
from .ranksum import _article_counts, _articles, _no_test_warning, _Ranks, _small_groups, article_test
from .ranksum import MIN_ARTICLES, EffectSizesOnlyWarning  # noqa: F401  named in the docstrings and log_odds' example
from .tfidf import _group_label

__all__ = ["keyness", "log_odds"]


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
            counts = _article_counts(dfm)
            labels = None if counts is None else counts[1]
            _no_test_warning(dfm, None if labels is None else _small_groups(labels, [target]), "keyness")
            p = np.full(len(a), np.nan)
            extra = {"auc": np.full(len(a), np.nan), "articles_target": _articles(labels, target, True),
                     "articles_reference": _articles(labels, target, False)}
        else:
            p = tested.p.to_numpy()
            extra = {c: tested[c].to_numpy() for c in ("auc", "articles_target", "articles_reference")}
    p_adj = _adjust(p, adjust)
    log_ratio = np.log2(((a + 0.5) / (a_all.sum() + 0.5)) / ((b + 0.5) / (b_all.sum() + 0.5)))
    out = pd.DataFrame({"term": terms, "target": a.astype(int), "reference": b.astype(int),
                        name: stat, "p": p, "p_adj": p_adj, "log_ratio": log_ratio, **extra})
    return out.sort_values([name, "term"], ascending=[False, True], kind="stable").reset_index(drop=True)


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
    small = None if counts is None else _small_groups(counts[1], labels)
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
