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

__all__ = ["top_tfidf", "class_tfidf", "keyness", "log_odds", "kwic", "collocations"]


def _group_label(dfm: DFM) -> pd.Series:
    return dfm.rows.astype(str).agg(" / ".join, axis=1)


def _top(frame: pd.DataFrame, score: str, n: int, group: str = "group") -> pd.DataFrame:
    frame = frame.sort_values([group, score, "term"], ascending=[True, False, True], kind="stable")
    frame = frame.groupby(group, sort=False).head(n).copy()
    frame["rank"] = frame.groupby(group, sort=False).cumcount() + 1
    return frame.reset_index(drop=True)


def top_tfidf(dfm: DFM, n: int = 10) -> pd.DataFrame:
    """Top TF-IDF terms per row of a grouped DFM (smooth idf, l2-normalised rows, as scikit-learn).

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
    """Class-based TF-IDF (BERTopic's c-TF-IDF): ``tf_tc * log(1 + A / f_t)``.

    ``tf_tc`` is the term's frequency in class *c* divided by the class's
    token count, ``f_t`` the term's frequency over all classes, and ``A`` the
    average number of tokens per class. Returns ``group``, ``rank``, ``term``,
    ``count``, ``ctfidf``.
    """
    X = dfm.matrix.toarray() if dfm.shape[0] <= 50 else None
    if X is None:
        raise ToolkitError("class_tfidf expects a DFM grouped into a few classes (at most 50 rows)")
    class_sizes = X.sum(axis=1, keepdims=True)
    tf = X / np.maximum(class_sizes, 1)
    idf = np.log(1 + class_sizes.mean() / np.maximum(X.sum(axis=0), 1))
    score = tf * idf
    labels = _group_label(dfm)
    r, c = np.nonzero(X)
    frame = pd.DataFrame({"group": labels.iloc[r].to_numpy(), "term": dfm.terms[c], "count": X[r, c], "ctfidf": score[r, c]})
    return _top(frame, "ctfidf", n)[["group", "rank", "term", "count", "ctfidf"]]


def _target_mask(dfm: DFM, target) -> np.ndarray:
    labels = _group_label(dfm)
    mask = (labels == str(target)).to_numpy()
    if not mask.any():
        raise ToolkitError(f"target {target!r} is not a row of the DFM; rows are {', '.join(labels)}")
    return mask


def keyness(dfm: DFM, target, measure: str = "lr", correction: str = "none", min_count: int = 1) -> pd.DataFrame:
    """Keyness of each term in the target row(s) against all other rows (quanteda's textstat_keyness).

    For each term the 2x2 table is (term, other terms) x (target, reference).

    Parameters
    ----------
    target : value of the grouping column, e.g. ``2023``
    measure : {"lr", "chi2"}
        Likelihood-ratio G2 = 2 * sum O ln(O/E), or Pearson chi2; both signed
        positive when the term is over-represented in the target.
    correction : {"none", "yates", "williams"}
        Yates' continuity correction (chi2) or Williams' correction (G2).
    min_count : int
        Drop terms with fewer occurrences overall.

    Returns
    -------
    pandas.DataFrame
        ``term``, ``target`` (count), ``reference`` (count), the statistic
        (``G2`` or ``chi2``), ``p`` (chi-square with 1 df) and ``log_ratio``
        (log2 of the relative frequencies, +0.5 smoothing), sorted by the
        statistic, descending.
    """
    if measure not in ("lr", "chi2"):
        raise ToolkitError(f"measure must be 'lr' or 'chi2', got {measure!r}")
    if correction not in ("none", "yates", "williams"):
        raise ToolkitError(f"correction must be none, yates or williams, got {correction!r}")
    mask = _target_mask(dfm, target)
    a = np.asarray(dfm.matrix[mask].sum(axis=0)).ravel().astype(float)
    b = np.asarray(dfm.matrix[~mask].sum(axis=0)).ravel().astype(float)
    keep = (a + b) >= min_count
    a, b, terms = a[keep], b[keep], dfm.terms[keep]
    c, d = a.sum() - a, b.sum() - b
    n = a + b + c + d
    observed = np.stack([a, b, c, d])
    expected = np.stack([(a + b) * (a + c), (a + b) * (b + d), (c + d) * (a + c), (c + d) * (b + d)]) / n
    if measure == "chi2":
        diff = np.abs(observed - expected)
        if correction == "yates":
            diff = np.maximum(diff - 0.5, 0)
        stat = (diff ** 2 / expected).sum(axis=0)
        name = "chi2"
    else:
        with np.errstate(divide="ignore", invalid="ignore"):
            terms_ = np.where(observed > 0, observed * np.log(observed / expected), 0.0)
        stat = 2 * terms_.sum(axis=0)
        if correction == "williams":
            q = 1 + (n / (a + b) + n / (c + d) - 1) * (n / (a + c) + n / (b + d) - 1) / (6 * n)
            stat = stat / q
        name = "G2"
    sign = np.where(a > expected[0], 1.0, -1.0)
    p = sstats.chi2.sf(stat, df=1)
    log_ratio = np.log2(((a + 0.5) / (a.sum() + 0.5)) / ((b + 0.5) / (b.sum() + 0.5)))
    out = pd.DataFrame({"term": terms, "target": a.astype(int), "reference": b.astype(int),
                        name: sign * stat, "p": p, "log_ratio": log_ratio})
    return out.sort_values([name, "term"], ascending=[False, True]).reset_index(drop=True)


def log_odds(dfm: DFM, prior: str | float = "corpus", alpha0: float | None = None) -> pd.DataFrame:
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

    Returns
    -------
    pandas.DataFrame
        ``group``, ``term``, ``count``, ``log_odds`` (delta), ``z``, sorted by
        group then ``z`` descending.
    """
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
    keys = {term_key(p): p for p in patterns}
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
