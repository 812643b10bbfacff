"""Topic models fitted: NMF, LDA and seeded LDA, their terms and the shares of new units.

Models (:func:`fit_topics`) are fitted on a DFM of units (sentences,
paragraphs: ``toolkit.dfm(units, min_docs=2)``) or of articles
(``toolkit.dfm(units, by="doc_id", min_docs=2)``):

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

Choosing k and comparing models: :mod:`toolkit.topic_choice`; topic shares
by group and per article: :mod:`toolkit.topic_groups`.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import scipy.sparse as sp

from .errors import ToolkitError
from .features import DFM

__all__ = ["TopicModel", "SeedTermsWarning", "TopicConvergenceWarning", "fit_topics", "seed_terms", "topic_terms"]

METHODS = ("nmf", "lda", "seeded_lda")
NMF_MAX_ITER = 2000   # NMF iterations by default (scikit-learn's 200, or 500, stop early at 10-20 topics)
LDA_SWEEPS = 500      # Gibbs sweeps by default
MAX_TERMS = 2000
"""Terms the topics template keeps (``tk.dfm(..., max_terms=MAX_TERMS)``): the 2,000 in the most units.

The cost of a topic model grows with its vocabulary, and the rarest terms do
not make topics. On 2,649 real Dân trí articles topic selection over k = 2-20
took 105 s with 2,000 terms and 410 s with all 18,540 that occur in two
articles (two worker processes, load about 4). Which k is chosen is not
settled by the vocabulary: see ``bench/README.md``, "Topics against known
categories".
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


