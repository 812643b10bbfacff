"""Choosing and comparing topic models: k by stability and coherence against word-shuffled documents.

Sits above :mod:`toolkit.topics` (which fits the models). For each k,
:func:`topic_selection` compares the model on all rows with models refitted
with folds of articles left out (and, on request, on bootstrap resamples of
rows); topics are matched one-to-one by the Hungarian algorithm
(``scipy.optimize.linear_sum_assignment``) on the cosine similarity of their
term distributions. Coherence is NPMI of each topic's top terms, counted on
the corpus's own rows (:func:`topic_coherence`). Both are measured again on
word-shuffled documents (:func:`shuffle_words`), and :func:`choose_k` takes,
among the k that beat that null (:func:`beats_null`), the one whose
stability most exceeds the null's.
Seed-to-seed variation (:func:`topic_stability`) is reported but is not a
substitute for resampling; :func:`compare_topics` and :func:`seed_effect`
say what moved between two models.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import scipy.sparse as sp
from scipy.optimize import linear_sum_assignment
from threadpoolctl import threadpool_limits

from .errors import ToolkitError
from .features import DFM
from .topics import TopicConvergenceWarning, TopicModel, _align, _assignments, _normalised, fit_topics, topic_terms

__all__ = [
    "default_ks", "shuffle_words", "beats_null", "topic_stability", "topic_selection", "choose_k", "selection_table",
    "topic_coherence", "match_topics", "compare_topics", "seed_effect",
]

MAX_UNITS = 2000      # units used to fit each model in topic_selection; more are subsampled
MAX_RESAMPLES = 10    # cap on bootstrap resamples and on left-out articles (or folds of articles) per k
NULL_MAX_ITER = 200   # NMF iterations of a fit on word-shuffled documents in topic_selection (see there)


def match_topics(reference: np.ndarray, other: np.ndarray) -> np.ndarray:
    """Cosine similarity of each reference topic to its match in ``other`` (Hungarian algorithm).

    ``reference`` and ``other`` are topics x terms over the same terms.
    Returns one similarity per reference topic, in reference order.
    """
    S = np.nan_to_num(_normalised(reference) @ _normalised(other).T)   # a degenerate (NaN) topic matches nothing
    rows, cols = linear_sum_assignment(-S)
    out = np.zeros(reference.shape[0])
    out[rows] = S[rows, cols]
    return out


def compare_topics(a: TopicModel, b: TopicModel, n: int = 5) -> pd.DataFrame:
    """Match the topics of two models on the same terms and say what moved.

    Returns ``topic_a``, ``topic_b`` (its Hungarian match), ``cosine``,
    ``top_a``, ``top_b`` (the ``n`` top terms of each), ``shared`` (how many
    of the top terms they share); one row per topic of ``a``.
    """
    if not np.array_equal(a.terms, b.terms):
        raise ToolkitError("the two models were fitted on different vocabularies")
    S = _normalised(a.components) @ _normalised(b.components).T
    rows, cols = linear_sum_assignment(-S)
    top_a = topic_terms(a, n).groupby("topic", sort=False).term.agg(list)
    top_b = topic_terms(b, n).groupby("topic", sort=False).term.agg(list)
    out = []
    for i, j in zip(rows, cols):
        ta, tb = top_a[a.labels[i]], top_b[b.labels[j]]
        out.append({"topic_a": a.labels[i], "topic_b": b.labels[j], "cosine": S[i, j], "top_a": ", ".join(ta),
                    "top_b": ", ".join(tb), "shared": len(set(ta) & set(tb))})
    return pd.DataFrame(out)


def topic_stability(dfm: DFM, n_topics: int = 3, method: str = "nmf", seeds=range(10),
                    reference_seed: int | None = None) -> pd.DataFrame:
    """Similarity of topics across random starts on the same data, after one-to-one matching.

    This measures the optimiser, not the data: use :func:`topic_selection`
    for stability under resampling of units and articles.

    Returns
    -------
    pandas.DataFrame
        ``topic`` (of the reference model), ``mean_similarity``,
        ``min_similarity``, ``seeds`` (models compared).
    """
    seeds = list(seeds)
    if len(seeds) < 2:
        raise ToolkitError("topic_stability needs at least two seeds")
    reference_seed = seeds[0] if reference_seed is None else reference_seed
    init = "random" if method == "nmf" else None
    ref = fit_topics(dfm, n_topics, method, seed=reference_seed, init=init)
    sims = np.array([match_topics(ref.components, fit_topics(dfm, n_topics, method, seed=s, init=init).components)
                     for s in seeds if s != reference_seed])
    return pd.DataFrame({"topic": ref.labels, "mean_similarity": sims.mean(axis=0),
                         "min_similarity": sims.min(axis=0), "seeds": len(sims)})


def topic_coherence(model: TopicModel, dfm: DFM, n: int = 10) -> pd.DataFrame:
    """NPMI coherence of each topic's top ``n`` terms, counted on the units of ``dfm``.

    For every pair of top terms, with P the proportion of units containing a
    term (or both)::

        NPMI(i, j) = ln(P(i, j) / (P(i) P(j))) / -ln P(i, j)

    and -1 when the two never share a unit (Bouma 2009; Röder et al. 2015's
    C_NPMI with the unit as the window). A topic's coherence is the mean over
    pairs: near 1 when its terms occur together, near 0 when independently.
    Cost: one sparse product over the top terms, linear in the units.

    Returns
    -------
    pandas.DataFrame
        ``topic``, ``npmi``, ``pairs``.
    """
    B = _align(dfm, model.terms)
    B.data[:] = 1
    B = B.tocsc()
    N = B.shape[0]
    rows = []
    for k, label in enumerate(model.labels):
        top = topic_terms(model, n).query("topic == @label").term
        cols = np.array([np.flatnonzero(model.terms == t)[0] for t in top])
        sub = B[:, cols]
        co = (sub.T @ sub).toarray() / N
        p = np.diag(co)
        values = []
        for i in range(len(cols)):
            for j in range(i + 1, len(cols)):
                pij = co[i, j]
                if pij == 0:
                    values.append(-1.0)
                elif pij == 1:
                    values.append(1.0)
                else:
                    values.append(np.log(pij / (p[i] * p[j])) / -np.log(pij))
        rows.append({"topic": label, "npmi": float(np.mean(values)) if values else np.nan, "pairs": len(values)})
    return pd.DataFrame(rows)


def default_ks(n_articles: int, n_rows: int | None = None) -> range:
    """The numbers of topics :func:`topic_selection` tries by default: 2 to about the square root of the articles.

    The upper end is ``round(sqrt(n_articles))`` clipped to 6..20: 2..6 for a
    handful of articles (the study's five), 2..14 for 200, 2..20 from 400
    articles on. A corpus of thousands of articles in ten sections needs k
    near 10 to show them; five articles cannot support more than a few
    topics. Above 10 the range goes in steps of 2, which halves the cost
    where each fit is dearest. With ``n_rows`` (rows of the matrix the
    models are fitted on) the upper end is also at most half of them.

    Examples
    --------
    >>> list(default_ks(5)), list(default_ks(200)), list(default_ks(35_000))
    ([2, 3, 4, 5, 6], [2, 4, 6, 8, 10, 12, 14], [2, 4, 6, 8, 10, 12, 14, 16, 18, 20])
    """
    upper = int(np.clip(round(np.sqrt(max(int(n_articles), 1))), 6, 20))
    if n_rows is not None:
        upper = max(2, min(upper, int(n_rows) // 2))
    return range(2, upper + 1, 2 if upper > 10 else 1)


def shuffle_words(matrix, seed: int = 0) -> sp.csr_matrix:
    """Word-shuffled documents: every token moved to a random document, lengths and term totals kept.

    The null baseline of :func:`topic_selection`: the same number of
    documents, of the same lengths, over the same vocabulary with the same
    term frequencies, but no co-occurrence structure, so any "topic" found
    in it is noise. Accepts a :class:`~toolkit.features.DFM` or a sparse
    count matrix.
    """
    X = (matrix.matrix if isinstance(matrix, DFM) else matrix).tocsr()
    counts = np.rint(X.data).astype(np.int64)
    rows = np.repeat(np.repeat(np.arange(X.shape[0]), np.diff(X.indptr)), counts)
    cols = np.repeat(X.indices, counts)
    cols = np.random.default_rng(seed).permutation(cols)
    out = sp.csr_matrix((np.ones(len(cols), dtype=np.int64), (rows, cols)), shape=X.shape)
    out.sum_duplicates()
    return out


LEAVE_OUT = "leave articles out"


def _fit_quiet(dfm, k, method, seed, fit_args, stopped):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", TopicConvergenceWarning)
        model = fit_topics(dfm, k, method, seed=seed, **fit_args)
    stopped.append(not model.converged)
    return model


def _stability(X, terms, ref, k, method, seed, fit_args, mats, stopped):
    sims = [match_topics(ref.components, _fit_quiet(DFM(M, terms, pd.DataFrame(index=range(M.shape[0]))), k, method,
                                                    seed, fit_args, stopped).components)
            for M in mats if min(M.shape) >= k and M.nnz]
    return np.concatenate(sims) if sims else np.array([])


def _summary(k, measure, values, n, null=None):
    row = {"k": k, "measure": measure, "mean": values.mean() if len(values) else np.nan,
           "p10": np.quantile(values, 0.1) if len(values) else np.nan,
           "min": values.min() if len(values) else np.nan, "n": n}
    row["null"] = null.mean() if null is not None and len(null) else np.nan
    return row


def topic_selection(dfm: DFM, units: pd.DataFrame | None = None, ks=None, method: str = "nmf", seed: int = 0,
                    n_boot: int = 0, cluster: str = "doc_id", top_n: int = 10, max_units: int = MAX_UNITS,
                    max_resamples: int = MAX_RESAMPLES, null: bool = True, n_jobs: int = 1,
                    **fit_args) -> pd.DataFrame:
    """Stability under resampling of articles and NPMI coherence for each k, against word-shuffled documents.

    For each k the model fitted on all rows (the reference) is compared with
    models refitted (i) without each article in turn (leave one article
    out; with more than ``max_resamples`` articles, the articles are split
    at random into ``max_resamples`` folds and each fold is left out in
    turn, a grouped jackknife, since one article in thousands moves
    nothing) and (ii) on ``n_boot`` bootstrap resamples of rows. Each
    refit's topics are matched to the reference's by the Hungarian
    algorithm on cosine similarity. Coherence is the mean NPMI
    (:func:`topic_coherence`) of the reference topics' ``top_n`` terms.

    **Null baseline** (``null=True``): the leave-articles-out stability and
    the NPMI are measured the same way on word-shuffled documents
    (:func:`shuffle_words`: same lengths and term totals, no co-occurrence),
    in the ``null`` column. Any matrix gives "topics"; a k whose topics are
    no more stable or coherent than those of shuffled words has found
    nothing. :func:`choose_k` uses these two comparisons. Topics of noise
    hardly converge, so NMF fits on shuffled words run at most
    ``NULL_MAX_ITER`` (200) iterations; those that stop there are counted in
    ``attrs["null_fits_stopped"]``, not warned about. A fit stopped early
    stays nearer its deterministic start, as does its refit, so the null's
    stability is if anything overstated and a k that beats it has beaten a
    harder baseline; on 2,000 real news articles a null fit with 10 topics
    took 5 s with 200 iterations and 35 s with 2,000, where fits on the data
    converge in about 3 s. Fits on the data that stop early give one
    :class:`TopicConvergenceWarning`.

    Rows may be units (sentences, paragraphs: ``tk.dfm(units, min_docs=2)``
    with ``units``) or articles (``tk.dfm(units, by="doc_id")``, for which
    ``units`` may be omitted: the DFM's own ``doc_id`` column is used).

    Cost is capped: models are fitted on at most ``max_units`` rows (a
    seeded random subsample, the same for every k), ``n_boot`` is capped at
    ``max_resamples``; each k costs ``2 + 2 * max_resamples`` fits (22 by
    default; plus ``n_boot``). On 200 real news articles (4,514 terms),
    seven values of k took about 2 minutes on two loaded cores.

    Parameters
    ----------
    dfm : DFM
        Counts, one row per unit or per article.
    units : DataFrame, optional
        Rows aligned with ``dfm`` with the ``cluster`` (article) column.
    ks : iterable of int, optional
        Default :func:`default_ks` of the number of articles.
    method : {"nmf", "lda"}, default "nmf"
    n_boot : int, default 0
        Bootstrap resamples of rows (at most ``max_resamples``), reported
        but not used by :func:`choose_k`: rows of one article are not
        independent draws, so the bootstrap of rows says less about the
        corpus than leaving articles out.
    max_resamples : int, default 10
        Articles left out one at a time up to this many articles; above it,
        this many folds of articles.
    null : bool, default True
        Measure the word-shuffled baseline.
    n_jobs : int, default 1
        Worker processes, each taking whole values of k (the largest first,
        since they cost most); ``-1`` for one per core. The table is the same
        whatever ``n_jobs``: each k's fits depend only on the seed. On 200
        real news articles (k = 2, 4, 6, 8, two cores busy with other work)
        two processes took 52 s against 68 s for one.
    fit_args
        Passed to :func:`fit_topics` (e.g. ``max_iter``).

    Returns
    -------
    pandas.DataFrame
        Tidy, one row per k and measure: ``k``, ``measure``
        (``"leave articles out"``, ``"bootstrap units"``, ``"NPMI"``),
        ``mean`` (mean matched cosine over topics and refits, or mean NPMI
        over topics), ``p10`` (10th percentile), ``min``, ``n`` (refits, or
        topics for NPMI), ``null`` (the same mean on word-shuffled
        documents; empty for the bootstrap).
    """
    if method not in ("nmf", "lda"):
        raise ToolkitError(f"topic_selection compares unseeded models: method must be 'nmf' or 'lda', got {method!r}")
    if units is None:
        units = dfm.rows
    if len(units) != dfm.shape[0]:
        raise ToolkitError(f"the DFM has {dfm.shape[0]} rows but {len(units)} units were given")
    if cluster not in units.columns:
        raise ToolkitError(f"units have no {cluster!r} column")
    if n_boot < 0 or max_units < 2 or max_resamples < 1:
        raise ToolkitError("n_boot must be >= 0, max_resamples positive and max_units at least 2")
    rng = np.random.default_rng(seed)
    rows_all = np.arange(dfm.shape[0])
    if len(rows_all) > max_units:
        rows_all = np.sort(rng.choice(rows_all, max_units, replace=False))
    X = dfm.matrix.tocsr()[rows_all]
    articles = units[cluster].to_numpy()[rows_all]
    ids = np.array(sorted(set(articles), key=str), dtype=object)
    ks = default_ks(units[cluster].nunique(), X.shape[0]) if ks is None else ks
    ks = sorted(set(int(k) for k in ks))
    if not ks or ks[0] < 2:
        raise ToolkitError(f"ks must be numbers of topics >= 2, got {ks!r}")
    if len(ids) > max_resamples:
        fold_of = dict(zip(rng.permutation(ids), np.arange(len(ids)) % max_resamples))
        folds = np.array([fold_of[a] for a in articles])
    else:
        index = {a: i for i, a in enumerate(ids)}
        folds = np.array([index[a] for a in articles], dtype=int)
    fold_ids = np.unique(folds) if len(ids) > 1 else np.array([])
    boots = [rng.integers(0, len(rows_all), len(rows_all)) for _ in range(min(n_boot, max_resamples))]
    shuffled = shuffle_words(X, seed) if null else None
    null_args = dict(fit_args)
    if method == "nmf":
        null_args["max_iter"] = min(fit_args.get("max_iter") or NULL_MAX_ITER, NULL_MAX_ITER)
    too_big = [k for k in ks if k > min(X.shape)]
    if too_big:
        raise ToolkitError(f"k = {too_big[0]} exceeds the {X.shape} matrix")
    shared = dict(X=X, shuffled=shuffled, terms=dfm.terms, folds=folds, fold_ids=fold_ids, boots=boots, method=method,
                  seed=seed, fit_args=fit_args, null_args=null_args, top_n=top_n)
    from .parallel import map_partitions

    # The dearest k first, so that no worker is left with a large k at the end.
    parts = map_partitions(_selection_rows, sorted(ks, reverse=True), partition_size=1, n_jobs=n_jobs, **shared)
    parts = sorted(parts, key=lambda part: part[0][0]["k"])
    out = [row for rows, _, _ in parts for row in rows]
    stopped = [flag for _, flags, _ in parts for flag in flags]
    null_stopped = [flag for _, _, flags in parts for flag in flags]
    if any(stopped):
        warnings.warn(f"{sum(stopped)} of {len(stopped)} {method.upper()} fits stopped at max_iter before converging; "
                      "pass a larger max_iter", TopicConvergenceWarning, stacklevel=2)
    table = pd.DataFrame(out)
    table.attrs["null_fits_stopped"] = f"{sum(null_stopped)} of {len(null_stopped)}"
    return table


# One BLAS thread per fit: these matrices are small, and multithreaded BLAS beside other processes
# oversubscribes the cores (a null fit with 20 topics on 2,000 real articles took 62 CPU-seconds with
# the default threads under load, 3.8 with one).
@threadpool_limits.wrap(limits=1)
def _selection_rows(ks, X, shuffled, terms, folds, fold_ids, boots, method, seed, fit_args, null_args, top_n):
    """The rows of :func:`topic_selection` for one k (``ks`` holds one value), with the stopped-fit flags.

    Returns ``(rows, stopped, null_stopped)``; runs in a worker process when ``n_jobs`` > 1.
    """
    (k,) = ks
    stopped, null_stopped, out = [], [], []
    sub = DFM(X, terms, pd.DataFrame(index=range(X.shape[0])))
    ref = _fit_quiet(sub, k, method, seed, fit_args, stopped)
    loao = _stability(X, terms, ref, k, method, seed, fit_args, [X[folds != f] for f in fold_ids], stopped)
    npmi = topic_coherence(ref, sub, n=top_n).npmi.to_numpy()
    loao_null = npmi_null = None
    if shuffled is not None:
        null_dfm = DFM(shuffled, terms, pd.DataFrame(index=range(X.shape[0])))
        null_ref = _fit_quiet(null_dfm, k, method, seed, null_args, null_stopped)
        loao_null = _stability(shuffled, terms, null_ref, k, method, seed, null_args,
                               [shuffled[folds != f] for f in fold_ids], null_stopped)
        npmi_null = topic_coherence(null_ref, null_dfm, n=top_n).npmi.to_numpy()
    out.append(_summary(k, LEAVE_OUT, loao, len(loao) // k, loao_null))
    if boots:
        sims = _stability(X, terms, ref, k, method, seed, fit_args, [X[b] for b in boots], stopped)
        out.append(_summary(k, "bootstrap units", sims, len(sims) // k))
    out.append(_summary(k, "NPMI", npmi, len(npmi), npmi_null))
    return out, stopped, null_stopped


def beats_null(selection: pd.DataFrame, margin: float = 0.05) -> pd.Series:
    """For each k of a :func:`topic_selection` table: are its topics both more stable and more coherent than noise?

    True when the leave-articles-out stability exceeds that of word-shuffled
    documents by at least ``margin`` (matched cosine), and the NPMI exceeds
    theirs by at least ``margin`` and is positive: top words that co-occur
    less often than independent words would are not a coherent topic,
    however much worse the shuffled documents do (on real news sentences,
    two topics had NPMI -0.08, shuffled sentences -0.24).
    """
    wide = selection_table(selection)
    if "null" not in selection.columns or selection["null"].isna().all():
        raise ToolkitError("the selection has no null baseline; run topic_selection(..., null=True)")
    return ((wide[LEAVE_OUT] - wide[LEAVE_OUT + " null"] >= margin)
            & (wide["NPMI"] - wide["NPMI null"] >= margin) & (wide["NPMI"] > 0)).rename("beats_null")


def selection_table(selection: pd.DataFrame) -> pd.DataFrame:
    """A :func:`topic_selection` table one row per k: each measure's mean, and beside it the null's.

    Columns ``leave articles out`` and ``NPMI`` (and ``bootstrap units`` when
    measured), each with a ``... null`` column (word-shuffled documents)
    when the selection has a null baseline; index ``k``. The topics template
    quotes the chosen k's row from it.
    """
    if not {"k", "measure", "mean"} <= set(selection.columns):
        raise ToolkitError("selection must be a table from toolkit.topic_selection")
    wide = selection.pivot(index="k", columns="measure", values="mean")
    if "null" in selection.columns:
        nulls = selection.pivot(index="k", columns="measure", values="null")
        for m in nulls.columns:
            wide[f"{m} null"] = nulls[m]
    if LEAVE_OUT not in wide or "NPMI" not in wide:
        raise ToolkitError(f"selection needs {LEAVE_OUT!r} and 'NPMI' rows (toolkit.topic_selection)")
    return wide


RULES = ("stable", "coherent", "excess")


def choose_k(selection: pd.DataFrame, margin: float = 0.05, tolerance: float = 0.01, rule: str = "excess") -> int:
    """The number of topics a :func:`topic_selection` table supports, judged against word-shuffled documents.

    Only k that beat the null compete (:func:`beats_null`: stability when
    articles are left out, and NPMI, each at least ``margin`` above the same
    measure on word-shuffled documents, NPMI positive). Among them:

    - ``rule="stable"``: the k whose topics are most stable when articles
      are left out; the smallest k within ``tolerance`` of that best.
    - ``rule="coherent"``: the k whose topics are most coherent (highest
      mean NPMI); the smallest k within ``tolerance`` of that best.
    - ``rule="excess"`` (the default): the k whose stability exceeds that
      of word-shuffled documents by the most (stability minus the null's, a
      gap as in Tibshirani, Walther and Hastie 2001, "Estimating the number
      of clusters in a data set via the gap statistic", *JRSS B* 63(2)); the
      smallest k within ``tolerance`` of that best. Few topics are found
      again easily in noise too (two topics of shuffled words: stability
      0.90-0.98 on real news), so raw stability favours small k and the
      excess corrects for it. Tested, with the rule and criterion written
      down before the test sample was drawn, on 2,650 real VNTC articles in
      ten sections: k = 8-10 for five seeds (NMI with the sections 0.54),
      where the most stable k was 2 every time (NMI 0.24). On crisp
      synthetic topics it can take one to three too many.

    Among the k that beat the null, NMF stability often sits at 0.9-1.0 for
    every k (the fits start from a deterministic NNDSVD), so the most stable
    k is decided by thousandths, and on real news NPMI is nearly as flat.
    ``bench/README.md`` ("A rule for k") records the tests of each rule on
    real news corpora with known sections, fixed before they were run, and
    which rule is the default. When no k beats the null, every rule returns
    the k with the largest sum of the two excesses over the null all the
    same: check :func:`beats_null` and say that the topics are not
    distinguishable from noise.

    Examples
    --------
    >>> table = pd.DataFrame({"k": [2, 2, 3, 3], "measure": ["leave articles out", "NPMI"] * 2,
    ...                       "mean": [0.95, 0.10, 0.90, 0.20], "null": [0.80, 0.0, 0.60, 0.0]})
    >>> choose_k(table, rule="stable"), choose_k(table, rule="coherent"), choose_k(table, rule="excess")
    (2, 3, 3)
    """
    if rule not in RULES:
        raise ToolkitError(f"rule must be one of {', '.join(map(repr, RULES))}, got {rule!r}")
    wide = selection_table(selection)
    if f"{LEAVE_OUT} null" not in wide or wide[f"{LEAVE_OUT} null"].isna().all():
        raise ToolkitError("the selection has no null baseline; run topic_selection(..., null=True)")
    ok = beats_null(selection, margin)
    stability_excess = wide[LEAVE_OUT] - wide[f"{LEAVE_OUT} null"]
    if ok.any():
        score = {"stable": wide[LEAVE_OUT], "coherent": wide["NPMI"], "excess": stability_excess}[rule][ok]
        return int(score[score >= score.max() - tolerance].index.min())
    excess = (stability_excess + (wide["NPMI"] - wide["NPMI null"])).dropna()
    return int(excess.index[np.argmax(excess.to_numpy())]) if len(excess) else int(wide.index[0])


def seed_effect(unseeded: TopicModel, seeded: TopicModel) -> pd.DataFrame:
    """Where the seed tokens' occurrences go with and without seeds.

    For each seed token of one theme only (a token seeding several themes,
    such as "cửa_khẩu", has no single topic to go to), the share of its
    occurrences the seeded model assigns to its seeded topic (``in_topic``)
    and the share the unseeded LDA assigns to the topic matched to that
    seeded topic by :func:`compare_topics` (``in_topic_unseeded``). Both
    models must be LDA fitted on the same DFM.

    Returns
    -------
    pandas.DataFrame
        ``topic``, ``token``, ``count``, ``in_topic``, ``in_topic_unseeded``,
        ``matched`` (the unseeded topic), sorted by topic then token.
    """
    if seeded.method != "seeded_lda" or unseeded.method != "lda":
        raise ToolkitError("seed_effect compares an 'lda' model with a 'seeded_lda' model fitted on the same DFM")
    moved = compare_topics(unseeded, seeded)
    match = dict(zip(moved.topic_b, moved.topic_a))
    seeds = seeded.seeds
    single = seeds[seeds.groupby("token").theme.transform("nunique") == 1].drop_duplicates("token")
    before = _assignments(unseeded.estimator, single.token)
    rows = []
    for token, topic, share in zip(single.token, single.topic, single.in_topic):
        total = before.loc[token].sum()
        rows.append({"topic": topic, "token": token, "count": int(total), "in_topic": share,
                     "in_topic_unseeded": before.loc[token, unseeded.labels.index(match[topic])] / max(total, 1),
                     "matched": match[topic]})
    return pd.DataFrame(rows).sort_values(["topic", "token"]).reset_index(drop=True)
