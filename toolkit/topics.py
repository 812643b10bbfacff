"""Topic models chosen and tested: NMF, LDA and seeded LDA; k by resampling stability and coherence.

Models (:func:`fit_topics`) are fitted on sentence or paragraph units (a
unit-level DFM, ``toolkit.dfm(units, min_docs=2)``):

- ``"nmf"``: scikit-learn NMF on TF-IDF rows, NNDSVDA initialisation
  (deterministic), or random initialisation when ``init="random"``.
- ``"lda"``: latent Dirichlet allocation by collapsed Gibbs sampling
  (tomotopy), one worker and a fixed seed, so a run is reproducible.
- ``"seeded_lda"``: the same sampler with word priors, as keyATM and guided
  LDA seed topics: each seed token has prior ``seed_weight`` in its topic and
  the model's ``eta`` elsewhere, so the seeded topics start from and are
  pulled toward their seed words while the data decide the rest. Seeds come
  from a theme lexicon (:func:`seed_terms`); lexicon terms that are not one
  token of the vocabulary are listed in a :class:`SeedTermsWarning`.

Choosing and testing k (:func:`topic_selection`): for each k, the model on
all units is compared with models refitted on bootstrap resamples of units and
with one article left out; topics are matched one-to-one by the Hungarian
algorithm (``scipy.optimize.linear_sum_assignment``) on the cosine similarity
of their term distributions. Coherence is NPMI of each topic's top terms,
counted on the corpus's own units. Seed-to-seed variation is reported by
:func:`topic_stability` but is not a substitute for resampling.

Topic shares by group (:func:`topic_shares`) carry article-level intervals
(whole articles resampled within each group, as for theme shares) and the
share of units with no tokens; :func:`article_topics` gives each article's
shares and dominant topic.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import scipy.sparse as sp
from scipy.optimize import linear_sum_assignment
from threadpoolctl import threadpool_limits

from .errors import ToolkitError
from .features import DFM

__all__ = [
    "TopicModel", "SeedTermsWarning", "TopicConvergenceWarning", "fit_topics", "default_ks", "shuffle_words",
    "beats_null", "article_topics", "seed_terms", "topic_terms", "topic_shares", "topic_stability",
    "topic_selection", "choose_k", "topic_coherence", "match_topics", "compare_topics", "seed_effect",
]

METHODS = ("nmf", "lda", "seeded_lda")
MAX_UNITS = 2000      # units used to fit each model in topic_selection; more are subsampled
MAX_RESAMPLES = 10    # cap on bootstrap resamples and on left-out articles (or folds of articles) per k
NULL_MAX_ITER = 200   # NMF iterations of a fit on word-shuffled documents in topic_selection (see there)
NMF_MAX_ITER = 2000   # NMF iterations by default (scikit-learn's 200, or 500, stop early at 10-20 topics)
LDA_SWEEPS = 500      # Gibbs sweeps by default
MAX_TERMS = 2000
"""Terms the topics template keeps (``tk.dfm(..., max_terms=MAX_TERMS)``): the 2,000 in the most units.

On 2,649 real Dân trí articles (10 categories) topic selection over k = 2-20
took 105 s with 2,000 terms and 410 s with all 18,540 that occur in two
articles (two worker processes, load about 4); it chose k = 8 (dominant
topic / category NMI 0.57) against k = 6 (NMI 0.44) with all terms.
"""


class SeedTermsWarning(UserWarning):
    """Seed terms that are not tokens of the vocabulary and cannot guide a topic."""


class TopicConvergenceWarning(UserWarning):
    """A topic model stopped at its iteration limit before converging (said once per call)."""


@dataclass(frozen=True)
class TopicModel:
    """A fitted topic model.

    ``components`` (topics x terms, each row a distribution over ``terms``),
    ``unit_topics`` (units x topics; rows sum to 1, or are all 0 for a unit
    with no tokens), ``labels``; ``seeds`` (seeded LDA) lists the seed tokens
    per topic. :meth:`transform` gives the topic shares of new units.
    """

    method: str
    components: np.ndarray
    unit_topics: np.ndarray
    terms: np.ndarray
    labels: tuple[str, ...]
    seed: int
    seeds: pd.DataFrame | None = None
    estimator: object = field(default=None, repr=False, compare=False)
    converged: bool = True

    def transform(self, dfm: DFM, iterations: int = 200) -> np.ndarray:
        """Topic shares (units x topics) of the rows of another DFM; terms unknown to the model are ignored.

        NMF projects the TF-IDF rows on the fitted components; LDA infers each
        document's topic distribution by Gibbs sampling with the fitted topics
        held fixed (``iterations`` sweeps, one worker). Rows with no known
        term get zeros.
        """
        X = _align(dfm, self.terms)
        if self.method == "nmf":
            tfidf, nmf = self.estimator
            return _rows_to_shares(nmf.transform(tfidf.transform(X)))
        model = self.estimator
        docs, rows = [], []
        for i, words in enumerate(_documents(X, self.terms)):
            if words:
                docs.append(model.make_doc(words))
                rows.append(i)
        out = np.zeros((X.shape[0], len(self.labels)))
        if docs:
            dists, _ = model.infer(docs, iterations=iterations, workers=1, together=False)
            out[rows] = np.asarray(dists)
        return out


def _align(dfm: DFM, terms: np.ndarray) -> sp.csr_matrix:
    """The DFM's counts with columns in the order of ``terms`` (zeros for terms it lacks)."""
    index = {t: j for j, t in enumerate(terms)}
    cols = np.array([index.get(t, -1) for t in dfm.terms])
    keep = np.flatnonzero(cols >= 0)
    X = dfm.matrix.tocsc()[:, keep].tocoo()
    return sp.csr_matrix((X.data, (X.row, cols[keep][X.col])), shape=(dfm.shape[0], len(terms)))


def _documents(X: sp.csr_matrix, terms: np.ndarray) -> list[list[str]]:
    """Each row as a list of tokens, terms in column order repeated by count (deterministic)."""
    X = X.tocsr()
    return [list(np.repeat(terms[X.indices[a:b]], X.data[a:b].astype(int)))
            for a, b in zip(X.indptr[:-1], X.indptr[1:])]


def _rows_to_shares(W: np.ndarray) -> np.ndarray:
    totals = W.sum(axis=1, keepdims=True)
    return np.divide(W, totals, out=np.zeros_like(W, dtype=float), where=totals > 0)


def _normalised(H: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(H, axis=1, keepdims=True)
    return H / np.maximum(norms, 1e-12)


def seed_terms(dfm: DFM, lexicon=None, warn: bool = True, stacklevel: int = 2) -> pd.DataFrame:
    """Map a theme lexicon's terms to vocabulary tokens, for seeded LDA.

    A term seeds its theme when it holds wherever it occurs and is one token of the DFM's vocabulary:
    its syllables joined by ``_`` ("biên mậu" -> ``biên_mậu``), or the single token that word
    segmentation makes of the whole term, stopwords kept. Kept out, with the reason in ``reason``:

    * ``needs a context cue``: an entry with a context rule ("cửa khẩu" counts only beside a cue of
      trade or of security); a seed is unconditional, so it would pull every sentence with the word;
    * ``several tokens``: the term segments into several words ("khách quốc tế" -> khách + quốc_tế,
      "đối ngoại nhân dân" -> đối_ngoại + nhân_dân); its parts alone are general words (quốc_tế,
      nhân_dân) that would pull a topic toward all foreign-affairs text. Stopwords are not dropped
      here, so "nhà đầu tư" or "cho vay" never collapse into ``đầu_tư`` or ``vay``;
    * ``not in the vocabulary``: too rare for ``min_docs``, or absent from the corpus.

    A term of several themes seeds each of them.

    Parameters
    ----------
    dfm : DFM
        The DFM the model will be fitted on.
    lexicon : Lexicon, optional
        Default: the toolkit's theme lexicon.
    warn : bool, default True
        Issue a :class:`SeedTermsWarning` listing the terms kept out per theme.

    Returns
    -------
    pandas.DataFrame
        ``theme``, ``term``, ``token`` (empty when the term does not seed), ``in_vocabulary`` (it
        seeds), ``count`` (occurrences of the token in the DFM), ``reason`` (why it does not seed,
        empty when it does); sorted by theme then term.
    """
    from .measure import _lexicon
    from .tokens import tokenize

    lex = _lexicon(lexicon)
    totals = np.asarray(dfm.matrix.sum(axis=0)).ravel()
    index = {t: j for j, t in enumerate(dfm.terms)}
    conditional = {(t, term) for t, term, context in zip(lex.entries.theme, lex.entries.term,
                                                         lex.entries["context"].fillna(""))
                   if str(context).strip()}
    rows = []
    for theme, term in sorted(set(zip(lex.entries.theme, lex.entries.term))):
        token = "_".join(term.lower().split())
        reason = ""
        if (theme, term) in conditional:
            reason = "needs a context cue"
        elif token not in index:
            parts = tokenize(term, remove_stopwords=False)
            if len(parts) == 1:
                token = parts[0]
            if len(parts) > 1:
                reason = "several tokens"
            elif token not in index:
                reason = "not in the vocabulary"
        seeds = not reason
        rows.append({"theme": theme, "term": term, "token": token if seeds else "", "in_vocabulary": seeds,
                     "count": int(totals[index[token]]) if token in index else 0, "reason": reason})
    table = pd.DataFrame(rows, columns=["theme", "term", "token", "in_vocabulary", "count", "reason"])
    missing = table[~table.in_vocabulary]
    if warn and len(missing):
        listing = "; ".join(f"{theme} ({len(part)} of {(table.theme == theme).sum()}): "
                            + ", ".join(f"{r.term} ({r.reason})" for r in part.itertuples())
                            for theme, part in missing.groupby("theme"))
        warnings.warn(f"lexicon terms that do not seed: {listing}", SeedTermsWarning, stacklevel=stacklevel)
    return table


def fit_topics(dfm: DFM, n_topics: int = 3, method: str = "nmf", seed: int = 0, lexicon=None,
               seeds: pd.DataFrame | None = None, seed_weight: float = 1.0, alpha: float = 0.1, eta: float = 0.01,
               max_iter: int | None = None, init: str | None = None) -> TopicModel:
    """Fit NMF, LDA or seeded LDA to a unit-level DFM.

    Parameters
    ----------
    dfm : DFM
        Unit-level counts (:func:`toolkit.features.dfm` with ``by=None``).
    n_topics : int, default 3
    method : {"nmf", "lda", "seeded_lda"}
    seed : int, default 0
        ``random_state`` (NMF with random initialisation) or tomotopy's seed.
        LDA is trained with one worker, so the same seed gives the same model.
    lexicon : Lexicon, optional
        Seeded LDA: the lexicon whose themes seed the first topics (default
        the toolkit's); its terms are mapped by :func:`seed_terms`.
    seeds : DataFrame, optional
        Seeded LDA: a table with ``theme`` and ``token`` columns instead of a
        lexicon (rows with an empty token are ignored).
    seed_weight : float, default 1.0
        Prior of a seed token in its topic (``eta`` in the others): with the
        default ``eta = 0.01`` a seed word starts 100 times likelier in its
        topic.
    alpha, eta : float
        LDA's document-topic and topic-word Dirichlet priors (symmetric).
    max_iter : int, optional
        NMF iterations (default 2,000, with scikit-learn's tolerance 1e-4:
        at 500, fits of 10 to 20 topics on real news stopped early), or
        Gibbs sweeps over the corpus for LDA (default 500; a Gibbs sampler
        has no convergence test, its chain is simply run that long). A fit
        that stops at the limit sets ``converged=False`` and issues one
        :class:`TopicConvergenceWarning` instead of scikit-learn's.
    init : str, optional
        NMF initialisation; default ``"nndsvda"``.

    Returns
    -------
    TopicModel
        Topics labelled ``topic_1``...; seeded topics ``seed:<theme>``, one per
        lexicon theme with at least one seed token, followed by unseeded
        ``topic_<k>``. For seeded LDA, ``seeds`` lists ``theme``, ``term``,
        ``token``, ``topic`` and ``in_topic``: the share of the token's
        occurrences assigned to its seeded topic in the final sample.

    Notes
    -----
    Word priors move the seed tokens, not whole topics: rare seed tokens
    (two or three occurrences) join their topic without changing its top
    terms, and a topic seeded by a single word can still settle in another
    mode of the posterior. Several seed tokens per topic, present in the
    vocabulary, are what make a seeded topic follow its theme; check
    ``seeds.in_topic`` and compare with the unseeded model
    (:func:`compare_topics`).

    Examples
    --------
    >>> import numpy as np, pandas as pd, scipy.sparse as sp
    >>> from toolkit.features import DFM
    >>> X = sp.csr_matrix(np.array([[3, 2, 0, 0], [2, 3, 0, 0], [0, 0, 3, 2], [0, 1, 2, 3]]))
    >>> counts = DFM(X, np.array(["a", "b", "c", "d"], dtype=object), pd.DataFrame(index=range(4)))
    >>> model = fit_topics(counts, n_topics=2, method="lda", seed=1)
    >>> model.unit_topics.shape, np.allclose(model.unit_topics.sum(axis=1), 1)
    ((4, 2), True)
    """
    if method == "seeded_nmf":
        raise ToolkitError("method 'seeded_nmf' was removed: NMF converged to the unseeded solution, so its seeds "
                           "did nothing; use method='seeded_lda' (LDA with word priors)")
    if method not in METHODS:
        raise ToolkitError(f"method must be one of {', '.join(METHODS)}; got {method!r}")
    if isinstance(n_topics, bool) or not isinstance(n_topics, (int, np.integer)) or not 1 <= n_topics <= min(dfm.shape):
        raise ToolkitError(f"n_topics must be between 1 and {min(dfm.shape)} for a {dfm.shape} matrix, got {n_topics!r}")
    for name, value in (("seed_weight", seed_weight), ("alpha", alpha), ("eta", eta)):
        if not np.isfinite(value) or value <= 0:
            raise ToolkitError(f"{name} must be a positive number, got {value!r}")
    if max_iter is None:
        max_iter = NMF_MAX_ITER if method == "nmf" else LDA_SWEEPS
    if max_iter < 1:
        raise ToolkitError(f"max_iter must be positive, got {max_iter!r}")
    if dfm.matrix.nnz == 0:
        raise ToolkitError("the DFM has no counts; lower min_docs or check the units' tokens")
    labels = [f"topic_{k + 1}" for k in range(n_topics)]
    if method == "nmf":
        return _fit_nmf(dfm, n_topics, seed, init, max_iter, labels)
    seed_table = _seed_table(dfm, seeds, lexicon, n_topics, labels) if method == "seeded_lda" else None
    model, shares = _fit_lda(dfm, n_topics, seed, alpha, eta, max_iter, seed_table, seed_weight, labels)
    if seed_table is not None:
        # What the seeds did: the share of each seed token's occurrences the sampler put in its topic.
        counts = _assignments(model, seed_table.token)
        topic_of = {label: k for k, label in enumerate(labels)}
        seed_table = seed_table.assign(in_topic=[
            counts.loc[t, topic_of[topic]] / max(counts.loc[t].sum(), 1) for t, topic in zip(seed_table.token, seed_table.topic)])
    return TopicModel(method, _lda_components(model, dfm.terms), shares, dfm.terms, tuple(labels), seed, seed_table,
                      model)


def _fit_nmf(dfm: DFM, n_topics: int, seed: int, init, max_iter: int, labels: list) -> TopicModel:
    """NMF on the tf-idf of the counts; one :class:`TopicConvergenceWarning` when it stops at ``max_iter``."""
    from sklearn.decomposition import NMF
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.feature_extraction.text import TfidfTransformer

    tfidf = TfidfTransformer().fit(dfm.matrix)
    nmf = NMF(n_components=n_topics, init=init or "nndsvda", max_iter=max_iter, random_state=seed)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)   # replaced by one warning of ours, below
        warnings.simplefilter("ignore", RuntimeWarning)       # NaN of a degenerate component, zeroed below
        W = nmf.fit_transform(tfidf.transform(dfm.matrix))
    converged = nmf.n_iter_ < max_iter
    if not converged:
        warnings.warn(f"NMF with {n_topics} topics stopped at max_iter={max_iter} before converging; pass a larger "
                      "max_iter", TopicConvergenceWarning, stacklevel=3)
    # On a few rows of rank below k, NNDSVDA can leave NaN in a component: that topic is empty.
    H, W = np.nan_to_num(nmf.components_), np.nan_to_num(W)
    H = H / np.maximum(H.sum(axis=1, keepdims=True), 1e-12)
    return TopicModel("nmf", H, _rows_to_shares(W), dfm.terms, tuple(labels), seed, None, (tfidf, nmf), converged)


def _seed_table(dfm: DFM, seeds, lexicon, n_topics: int, labels: list) -> pd.DataFrame:
    """The seed tokens of seeded LDA with their topic (``seed:<theme>``); names the first topics in ``labels``."""
    seed_table = seeds if seeds is not None else seed_terms(dfm, lexicon, stacklevel=4)
    if not {"theme", "token"} <= set(seed_table.columns):
        raise ToolkitError("seeds must have 'theme' and 'token' columns (see toolkit.topics.seed_terms)")
    seed_table = seed_table[seed_table.token.astype(str) != ""]
    themes = list(dict.fromkeys(seed_table.theme))
    if not themes:
        raise ToolkitError("no seed term is a token of the vocabulary; seeded LDA would be plain LDA")
    if len(themes) > n_topics:
        raise ToolkitError(f"{len(themes)} seeded themes need n_topics >= {len(themes)}, got {n_topics}")
    labels[: len(themes)] = [f"seed:{t}" for t in themes]
    return seed_table.assign(topic=[f"seed:{t}" for t in seed_table.theme]).reset_index(drop=True)


def _fit_lda(dfm, n_topics, seed, alpha, eta, max_iter, seed_table, seed_weight, labels):
    with warnings.catch_warnings():
        # tomotopy 0.14's extension types trigger a DeprecationWarning on import under Python 3.12.
        warnings.simplefilter("ignore", DeprecationWarning)
        import tomotopy as tp

    model = tp.LDAModel(k=n_topics, alpha=alpha, eta=eta, seed=int(seed), min_cf=0, rm_top=0)
    rows = []
    for i, words in enumerate(_documents(dfm.matrix, dfm.terms)):
        if words:
            model.add_doc(words)
            rows.append(i)
    if seed_table is not None:
        topic_of = {label: k for k, label in enumerate(labels)}
        for token, part in seed_table.groupby("token", sort=True):
            prior = [eta] * n_topics
            for topic in part.topic:
                prior[topic_of[topic]] = seed_weight
            model.set_word_prior(token, prior)
    model.train(max_iter, workers=1)
    shares = np.zeros((dfm.shape[0], n_topics))
    shares[rows] = np.array([doc.get_topic_dist() for doc in model.docs])
    return model, shares


def _assignments(model, tokens) -> pd.DataFrame:
    """How the sampler's last state assigns each token's occurrences to topics (tokens x topics counts)."""
    vocab = {w: j for j, w in enumerate(model.used_vocabs)}
    ids = {vocab[t]: t for t in tokens if t in vocab}
    table = pd.DataFrame(0, index=sorted(set(tokens)), columns=range(model.k))
    for doc in model.docs:
        for w, z in zip(doc.words, doc.topics):
            if w in ids:
                table.loc[ids[w], z] += 1
    return table


def _lda_components(model, terms: np.ndarray) -> np.ndarray:
    vocab = {w: j for j, w in enumerate(model.used_vocabs)}
    cols = np.array([vocab.get(t, -1) for t in terms])
    H = np.zeros((model.k, len(terms)))
    dists = np.array([model.get_topic_word_dist(k) for k in range(model.k)])
    H[:, cols >= 0] = dists[:, cols[cols >= 0]]
    return H / np.maximum(H.sum(axis=1, keepdims=True), 1e-12)


def topic_terms(model: TopicModel, n: int = 10) -> pd.DataFrame:
    """Top terms per topic: ``topic``, ``rank``, ``term``, ``weight`` (share of the topic's total weight)."""
    rows = []
    for k, label in enumerate(model.labels):
        weights = model.components[k] / max(model.components[k].sum(), 1e-12)
        order = np.lexsort((model.terms, -weights))[:n]
        rows += [{"topic": label, "rank": r + 1, "term": model.terms[j], "weight": weights[j]} for r, j in enumerate(order)]
    return pd.DataFrame(rows)


def topic_shares(model: TopicModel, units: pd.DataFrame, by: str = "year", cluster: str = "doc_id",
                 n_boot: int = 2000, ci: float = 0.95, seed: int = 0) -> pd.DataFrame:
    """Mean topic share per group with an article-level interval, as theme shares have.

    The share of a topic in a group is the mean of its unit-topic shares over
    the group's units that have tokens (each such unit's shares sum to 1, so a
    group's shares sum to 1). Units with no tokens after stopwords carry no
    topic information; their proportion is reported in ``empty_units``.
    The interval resamples whole articles within the group
    (:func:`toolkit.intervals.article_bootstrap`, percentile, ``n_boot``
    replicates, the same pooled ratio as the share): articles, not
    sentences, are the sampled units, as for theme shares
    (:func:`toolkit.theme_shares`). A group of one article has no
    between-article variation; its interval resamples that article's units
    (:func:`toolkit.intervals.bootstrap_shares`) and describes that article only,
    which ``note`` says. The model may be fitted on units (sentences,
    paragraphs) or on articles (one row each).

    Parameters
    ----------
    units : DataFrame
        The rows the model was fitted on, in the same order, with ``by`` and
        ``cluster`` columns (for an article-level model, e.g. the rows of
        ``tk.dfm(units, by=["doc_id", "year"])``).
    by : str, default "year"
        Any grouping column (year, province, outlet, month...).

    Returns
    -------
    pandas.DataFrame
        ``by``, ``topic``, ``share``, ``ci_low``, ``ci_high``, ``units`` (with
        tokens), ``articles``, ``empty_units`` (proportion of the group's units
        without tokens), ``interval``, ``note``; sorted by group then topic.
    """
    from .intervals import article_bootstrap, bootstrap_shares

    if len(units) != model.unit_topics.shape[0]:
        raise ToolkitError(f"the model has {model.unit_topics.shape[0]} units but {len(units)} were given")
    missing = [c for c in (by, cluster) if c not in units.columns]
    if missing:
        raise ToolkitError(f"units have no column(s) {', '.join(missing)}")
    frame = pd.DataFrame(model.unit_topics, columns=model.labels)
    frame[by] = units[by].to_numpy()
    frame[cluster] = units[cluster].to_numpy()
    has_tokens = model.unit_topics.sum(axis=1) > 0
    empty = pd.Series(~has_tokens).groupby(frame[by].to_numpy()).mean()
    if not has_tokens.any():
        raise ToolkitError("no unit has tokens in the model's vocabulary")
    kept = frame[has_tokens]
    out = article_bootstrap(kept, list(model.labels), by=by, cluster=cluster, n_boot=n_boot, ci=ci, seed=seed)
    single = out.articles == 1
    if single.any():
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)
            within = bootstrap_shares(kept[kept[by].isin(out.loc[single, by])], list(model.labels), by=by,
                                      cluster=cluster, n_boot=n_boot, ci=ci, seed=seed).set_index([by, "measure"])
        keys = list(zip(out.loc[single, by], out.loc[single, "measure"]))
        out.loc[single, "ci_low"] = within.loc[keys, "ci_low"].to_numpy()
        out.loc[single, "ci_high"] = within.loc[keys, "ci_high"].to_numpy()
        out.loc[single, "interval"] = f"bootstrap of the article's units, {n_boot} replicates"
        out.loc[single, "note"] = "one article: within-article interval only"
    out = out.rename(columns={"measure": "topic"})
    out["empty_units"] = out[by].map(empty).astype(float)
    cols = [by, "topic", "share", "ci_low", "ci_high", "units", "articles", "empty_units", "interval", "note"]
    return out[cols].sort_values([by, "topic"]).reset_index(drop=True)


def article_topics(model: TopicModel, units: pd.DataFrame, cluster: str = "doc_id") -> pd.DataFrame:
    """Each article's topic shares and dominant topic.

    For a model fitted on units, an article's shares are the mean over its
    units with tokens; for a model fitted on articles, its row. Articles
    without any token get zeros and no dominant topic.

    Returns
    -------
    pandas.DataFrame
        ``cluster``, one column per topic, ``dominant`` (the topic with the
        largest share), ``units``; one row per article, sorted by ``cluster``.
    """
    if len(units) != model.unit_topics.shape[0]:
        raise ToolkitError(f"the model has {model.unit_topics.shape[0]} units but {len(units)} were given")
    if cluster not in units.columns:
        raise ToolkitError(f"units have no {cluster!r} column")
    frame = pd.DataFrame(model.unit_topics, columns=list(model.labels))
    frame[cluster] = units[cluster].to_numpy()
    has = model.unit_topics.sum(axis=1) > 0
    shares = frame[has].groupby(cluster).mean().reindex(sorted(frame[cluster].unique(), key=str)).fillna(0.0)
    values = shares.to_numpy()
    dominant = np.where(values.sum(axis=1) > 0, np.array(model.labels, dtype=object)[values.argmax(axis=1)], None)
    out = shares.reset_index().rename(columns={"index": cluster})
    out["dominant"] = dominant
    out["units"] = out[cluster].map(frame.groupby(cluster).size()).to_numpy()
    return out


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


def _selection_rows(ks, X, shuffled, terms, folds, fold_ids, boots, method, seed, fit_args, null_args, top_n):
    """The rows of :func:`topic_selection` for one k (``ks`` holds one value), with the stopped-fit flags.

    Returns ``(rows, stopped, null_stopped)``; runs in a worker process when ``n_jobs`` > 1.
    """
    (k,) = ks
    # One BLAS thread per fit: these matrices are small, and multithreaded BLAS beside other processes
    # oversubscribes the cores (a null fit with 20 topics on 2,000 real articles took 62 CPU-seconds with
    # the default threads under load, 3.8 with one).
    with threadpool_limits(limits=1):
        return _selection_fits(k, X, shuffled, terms, folds, fold_ids, boots, method, seed, fit_args, null_args, top_n)


def _selection_fits(k, X, shuffled, terms, folds, fold_ids, boots, method, seed, fit_args, null_args, top_n):
    """The fits and measures of :func:`_selection_rows` for one k."""
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
    wide = _wide(selection)
    if "null" not in selection.columns or selection["null"].isna().all():
        raise ToolkitError("the selection has no null baseline; run topic_selection(..., null=True)")
    return ((wide[LEAVE_OUT] - wide[LEAVE_OUT + " null"] >= margin)
            & (wide["NPMI"] - wide["NPMI null"] >= margin) & (wide["NPMI"] > 0)).rename("beats_null")


def _wide(selection: pd.DataFrame) -> pd.DataFrame:
    if not {"k", "measure", "mean"} <= set(selection.columns):
        raise ToolkitError("selection must be a table from toolkit.topics.topic_selection")
    wide = selection.pivot(index="k", columns="measure", values="mean")
    if "null" in selection.columns:
        nulls = selection.pivot(index="k", columns="measure", values="null")
        for m in nulls.columns:
            wide[f"{m} null"] = nulls[m]
    if LEAVE_OUT not in wide or "NPMI" not in wide:
        raise ToolkitError(f"selection needs {LEAVE_OUT!r} and 'NPMI' rows (toolkit.topics.topic_selection)")
    return wide


def choose_k(selection: pd.DataFrame, margin: float = 0.05, tolerance: float = 0.01) -> int:
    """The number of topics a :func:`topic_selection` table supports, judged against word-shuffled documents.

    Rule: among the k that beat the null (:func:`beats_null`: stability when
    articles are left out, and NPMI, each at least ``margin`` above the same
    measure on word-shuffled documents), the k whose topics are most stable
    when articles are left out; the smallest k within ``tolerance`` of that
    best. Raw stability alone favours the smallest k (two topics are found
    again easily, in shuffled words too), which is why only k that beat the
    null compete. When no k beats the null, the k with the largest sum of
    the two excesses over the null is returned all the same: check
    :func:`beats_null` and say that the topics are not distinguishable from
    noise.

    Examples
    --------
    >>> table = pd.DataFrame({"k": [2, 2, 3, 3], "measure": ["leave articles out", "NPMI"] * 2,
    ...                       "mean": [0.95, 0.10, 0.90, 0.20], "null": [0.93, 0.0, 0.60, 0.0]})
    >>> choose_k(table)
    3
    """
    wide = _wide(selection)
    if f"{LEAVE_OUT} null" not in wide or wide[f"{LEAVE_OUT} null"].isna().all():
        raise ToolkitError("the selection has no null baseline; run topic_selection(..., null=True)")
    ok = beats_null(selection, margin)
    if ok.any():
        stability = wide.loc[ok, LEAVE_OUT]
        return int(stability[stability >= stability.max() - tolerance].index.min())
    excess = ((wide[LEAVE_OUT] - wide[f"{LEAVE_OUT} null"]) + (wide["NPMI"] - wide["NPMI null"])).dropna()
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
