"""Distinctive terms, keyness, KWIC and collocations, as tidy tables.

Naming follows quanteda: ``keyness`` (textstat_keyness), ``kwic``,
``collocations`` (textstat_collocations); ``log_odds`` is the weighted
log-odds ratio with an informative Dirichlet prior of Monroe, Colaresi &
Quinn (2008), as in R's tidylo.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats as sstats

from .errors import ToolkitError
from .features import DFM
from .match import find_terms, index_terms, syllables, term_key

__all__ = ["top_tfidf", "class_tfidf", "keyness", "log_odds", "kwic", "collocations", "display_forms", "add_display"]


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
            adjust: str = "bh") -> pd.DataFrame:
    """Keyness of each term in the target row(s) against all other rows, as quanteda.textstats computes it.

    For each term the 2x2 table is::

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
      statistic and has no meaning; here ``p`` and ``p_adj`` are NaN for PMI.

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

    Returns
    -------
    pandas.DataFrame
        ``term``, ``target`` (count), ``reference`` (count), the statistic
        (``G2``, ``chi2``, ``odds_ratio`` or ``pmi``), ``p`` (chi-square with 1
        df, or Fisher's exact), ``p_adj``, and ``log_ratio`` (log2 of the
        relative frequencies, +0.5 smoothing), sorted by the statistic
        (descending) then term, as quanteda sorts.

    Examples
    --------
    >>> import numpy as np, pandas as pd, scipy.sparse as sp
    >>> from toolkit.features import DFM
    >>> counts = DFM(sp.csr_matrix(np.array([[2, 98], [0, 300]])), np.array(["x", "y"], dtype=object),
    ...              pd.DataFrame({"year": [2012, 2023]}))
    >>> row = keyness(counts, 2012).iloc[0]   # 2 of 100 tokens against 0 of 300
    >>> row.term, round(float(row.G2), 3), round(float(row.p), 3)   # Yates applies: E_a = 0.5 < 5
    ('x', 2.211, 0.137)
    >>> round(float(keyness(counts, 2012, correction="none").G2[0]), 3)
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
    p_adj = _adjust(p, adjust)
    log_ratio = np.log2(((a + 0.5) / (a_all.sum() + 0.5)) / ((b + 0.5) / (b_all.sum() + 0.5)))
    out = pd.DataFrame({"term": terms, "target": a.astype(int), "reference": b.astype(int),
                        name: stat, "p": p, "p_adj": p_adj, "log_ratio": log_ratio})
    return out.sort_values([name, "term"], ascending=[False, True], kind="stable").reset_index(drop=True)


def _adjust(p: np.ndarray, adjust: str) -> np.ndarray:
    method = ADJUSTMENTS[adjust]
    if method is None or not len(p) or np.isnan(p).all():
        return p.copy()
    from statsmodels.stats.multitest import multipletests

    return multipletests(p, method=method)[1]


def log_odds(dfm: DFM, prior: str | float = "corpus", alpha0: float | None = None,
             z_threshold: float = 1.96) -> pd.DataFrame:
    """Weighted log-odds ratios with an informative Dirichlet prior (Monroe et al. 2008).

    Each row (group) *i* is compared with all other rows together::

        delta_w = log((y_wi + a_w) / (n_i + a0 - y_wi - a_w))
                - log((y_wj + a_w) / (n_j + a0 - y_wj - a_w))
        var_w   = 1 / (y_wi + a_w) + 1 / (y_wj + a_w)
        z_w     = delta_w / sqrt(var_w)

    Parameters
    ----------
    prior : "corpus" or float
        ``"corpus"``: ``a_w`` proportional to the term's corpus frequency
        (informative prior); a float: the same ``a_w`` for every term.
    alpha0 : float, optional
        Total prior mass for the corpus prior; default the corpus token count
        (as tidylo), so ``a_w`` equals the corpus count of *w*.
    z_threshold : float, default 1.96
        ``distinctive`` marks terms with ``|z| >= z_threshold``. The threshold
        is per term (about 5% two-sided under a normal approximation), not
        corrected for the number of terms; most terms of a small corpus do not
        reach it, and a figure should show the line.

    Returns
    -------
    pandas.DataFrame
        ``group``, ``term``, ``count``, ``log_odds`` (delta), ``z``,
        ``distinctive`` (bool), sorted by group then ``z`` descending.

    Examples
    --------
    >>> import numpy as np, pandas as pd, scipy.sparse as sp
    >>> from toolkit.features import DFM
    >>> counts = DFM(sp.csr_matrix(np.array([[3, 1], [1, 3]])), np.array(["x", "y"], dtype=object),
    ...              pd.DataFrame({"year": ["A", "B"]}))
    >>> row = log_odds(counts).iloc[0]
    >>> row.group, row.term, round(float(row.z), 3), bool(row.distinctive)
    ('A', 'x', 1.149, False)
    """
    if not np.isfinite(z_threshold) or z_threshold <= 0:
        raise ToolkitError(f"z_threshold must be a positive number, got {z_threshold!r}")
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
    rows = []
    for i in range(X.shape[0]):
        y_i = X[i]
        y_j = totals - y_i
        n_i, n_j = y_i.sum(), y_j.sum()
        delta = np.log((y_i + a_w) / (n_i + a0 - y_i - a_w)) - np.log((y_j + a_w) / (n_j + a0 - y_j - a_w))
        z = delta / np.sqrt(1 / (y_i + a_w) + 1 / (y_j + a_w))
        present = y_i > 0
        rows.append(pd.DataFrame({"group": labels.iloc[i], "term": dfm.terms[present], "count": y_i[present].astype(int),
                                  "log_odds": delta[present], "z": z[present]}))
    out = pd.concat(rows, ignore_index=True)
    out["distinctive"] = out.z.abs() >= z_threshold
    return out.sort_values(["group", "z", "term"], ascending=[True, False, True]).reset_index(drop=True)


def kwic(units: pd.DataFrame, pattern: str | list[str], window: int = 5, text: str = "text") -> pd.DataFrame:
    """Keywords in context: every occurrence of a (multi-syllable) pattern in the units.

    Matching is on syllables, case-insensitive, whatever the word boundaries.

    Parameters
    ----------
    pattern : str or list of str
        Term(s), e.g. ``"cửa khẩu"``.
    window : int, default 5
        Syllables of context on each side.

    Returns
    -------
    pandas.DataFrame
        ``unit_id``, ``doc_id``, ``year`` (when present), ``pattern``,
        ``pre``, ``keyword``, ``post``, ``start``/``end`` (character offsets).
    """
    patterns = [pattern] if isinstance(pattern, str) else list(pattern)
    if not patterns or not all(isinstance(p, str) for p in patterns):
        raise ToolkitError(f"pattern must be a string or a non-empty list of strings, got {pattern!r}")
    if isinstance(window, bool) or not isinstance(window, (int, np.integer)) or window < 0:
        raise ToolkitError(f"window must be a non-negative integer, got {window!r}")
    if text not in units.columns:
        raise ToolkitError(f"units have no {text!r} column; pass text= the column holding the text")
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
    rows = []
    for meta, value in zip(units[meta_cols].itertuples(index=False), units[text]):
        sylls = syllables(value)
        for start, end, key in find_terms(sylls, keys, index):
            a, b = sylls.spans[start][0], sylls.spans[end - 1][1]
            left = sylls.spans[max(0, start - window)][0] if start else a
            right = sylls.spans[min(len(sylls.spans), end + window) - 1][1]
            rows.append({**meta._asdict(), "pattern": keys[key], "pre": sylls.text[left:a].strip(),
                         "keyword": sylls.text[a:b], "post": sylls.text[b:right].strip(), "start": a, "end": b})
    return pd.DataFrame(rows, columns=[*meta_cols, "pattern", "pre", "keyword", "post", "start", "end"])


def collocations(units: pd.DataFrame, min_count: int = 2, words: str = "words", stopwords=None) -> pd.DataFrame:
    """Adjacent word pairs that occur together more than chance: PMI and G2.

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
    from .tokenize import stopwords as default_stopwords

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
