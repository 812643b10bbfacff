"""Topic models (scikit-learn NMF and LDA) with lexicon seeding and stability.

Small-corpus defaults: topics are fitted on sentence or paragraph units (not
five articles), NMF on TF-IDF rows with NNDSVDA initialisation (deterministic),
LDA on counts with batch variational Bayes; three topics, one per theme.

Seeded NMF starts each of the first topics from one theme's lexicon terms
(``init="custom"``), so topic *k* begins as theme *k* and the data decide how
far it moves; remaining topics start small and random.

Stability: the same model fitted with different seeds (random
initialisation) gives topics that are matched one-to-one by the Hungarian
algorithm on the cosine similarity of their term weights; the mean matched
similarity is reported per topic, never hidden.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.optimize import linear_sum_assignment
from sklearn.decomposition import NMF, LatentDirichletAllocation
from sklearn.feature_extraction.text import TfidfTransformer

from .errors import ToolkitError
from .features import DFM

__all__ = ["TopicModel", "fit_topics", "topic_terms", "topic_shares", "topic_stability"]

METHODS = ("nmf", "lda", "seeded_nmf")


@dataclass(frozen=True)
class TopicModel:
    """A fitted topic model: ``components`` (topics x terms), ``unit_topics`` (units x topics, rows sum to 1)."""

    method: str
    components: np.ndarray
    unit_topics: np.ndarray
    terms: np.ndarray
    labels: tuple[str, ...]
    seed: int
    seed_similarity: tuple[float, ...] | None = None


def _seed_matrix(dfm: DFM, n_topics: int, lexicon, rng) -> np.ndarray:
    from .themes import THEMES, _lexicon

    lex = _lexicon(lexicon)
    H = rng.uniform(0, 0.01, size=(n_topics, len(dfm.terms)))
    index = {t: i for i, t in enumerate(dfm.terms)}
    for k, theme in enumerate(THEMES[:n_topics]):
        for term in lex.entries.loc[lex.entries.theme == theme, "term"]:
            j = index.get(term.replace(" ", "_"))
            if j is not None:
                H[k, j] = 1.0
    return H


def fit_topics(dfm: DFM, n_topics: int = 3, method: str = "nmf", seed: int = 0, lexicon=None,
               max_iter: int = 500, init: str | None = None) -> TopicModel:
    """Fit NMF, LDA or lexicon-seeded NMF to a unit-level DFM.

    Parameters
    ----------
    dfm : DFM
        Unit-level counts (:func:`toolkit.features.dfm` with ``by=None``).
    n_topics : int, default 3
    method : {"nmf", "lda", "seeded_nmf"}
    seed : int, default 0
        ``random_state``; with NNDSVDA initialisation NMF does not depend on it.
    lexicon : Lexicon, optional
        For ``seeded_nmf``; the default theme lexicon otherwise.
    init : str, optional
        NMF initialisation; default ``"nndsvda"`` (``"random"`` is used by
        :func:`topic_stability`).

    Returns
    -------
    TopicModel
        Topics are labelled ``topic_1``...; seeded topics ``seed:<theme>``,
        with ``seed_similarity`` giving the cosine similarity between each
        fitted topic and its seed: a low value means the data pulled the topic
        away from the theme and the label no longer describes it.
    """
    if method not in METHODS:
        raise ToolkitError(f"method must be one of {', '.join(METHODS)}; got {method!r}")
    if not 1 <= n_topics <= min(dfm.shape):
        raise ToolkitError(f"n_topics must be between 1 and {min(dfm.shape)} for a {dfm.shape} matrix, got {n_topics}")
    X = dfm.matrix.astype(float)
    labels = [f"topic_{k + 1}" for k in range(n_topics)]
    if method == "lda":
        model = LatentDirichletAllocation(n_components=n_topics, learning_method="batch", max_iter=max_iter // 5,
                                          random_state=seed)
        W = model.fit_transform(X)
        H = model.components_
    else:
        Xt = TfidfTransformer().fit_transform(X)
        if method == "seeded_nmf":
            from .themes import THEMES

            rng = np.random.default_rng(seed)
            H0 = _seed_matrix(dfm, n_topics, lexicon, rng)
            W0 = np.maximum(np.asarray(Xt @ H0.T), 1e-6)
            model = NMF(n_components=n_topics, init="custom", max_iter=max_iter, random_state=seed)
            W = model.fit_transform(Xt, W=W0, H=H0)
            labels[: min(n_topics, 3)] = [f"seed:{t}" for t in THEMES[:n_topics]]
            # How much of its seed each fitted topic kept (cosine of term weights).
            kept = np.sum(_normalised(model.components_) * _normalised(H0), axis=1)
        else:
            model = NMF(n_components=n_topics, init=init or "nndsvda", max_iter=max_iter, random_state=seed)
            W = model.fit_transform(Xt)
        H = model.components_
    totals = W.sum(axis=1, keepdims=True)
    shares = np.divide(W, totals, out=np.zeros_like(W), where=totals > 0)
    return TopicModel(method, H, shares, dfm.terms, tuple(labels), seed,
                      tuple(float(x) for x in kept) if method == "seeded_nmf" else None)


def topic_terms(model: TopicModel, n: int = 10) -> pd.DataFrame:
    """Top terms per topic: ``topic``, ``rank``, ``term``, ``weight`` (share of the topic's total weight)."""
    rows = []
    for k, label in enumerate(model.labels):
        weights = model.components[k] / max(model.components[k].sum(), 1e-12)
        order = np.lexsort((model.terms, -weights))[:n]
        rows += [{"topic": label, "rank": r + 1, "term": model.terms[j], "weight": weights[j]} for r, j in enumerate(order)]
    return pd.DataFrame(rows)


def topic_shares(model: TopicModel, units: pd.DataFrame, by: str = "year") -> pd.DataFrame:
    """Mean unit-topic share per group: ``by``, ``topic``, ``share``, ``units``.

    Units with no topic weight (no tokens) count as zero for every topic.
    """
    if len(units) != model.unit_topics.shape[0]:
        raise ToolkitError(f"the model has {model.unit_topics.shape[0]} units but {len(units)} were given")
    frame = pd.DataFrame(model.unit_topics, columns=model.labels)
    frame[by] = units[by].to_numpy()
    means = frame.groupby(by)[list(model.labels)].mean().reset_index().melt(id_vars=by, var_name="topic", value_name="share")
    sizes = frame.groupby(by).size().rename("units").reset_index()
    return means.merge(sizes, on=by).sort_values([by, "topic"]).reset_index(drop=True)


def _normalised(H: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(H, axis=1, keepdims=True)
    return H / np.maximum(norms, 1e-12)


def topic_stability(dfm: DFM, n_topics: int = 3, method: str = "nmf", seeds=range(10),
                    reference_seed: int | None = None) -> pd.DataFrame:
    """Similarity of topics across seeds, after one-to-one matching.

    Each seed's model (NMF with random initialisation, or LDA) is matched to
    the reference model (the first seed) with the Hungarian algorithm on the
    cosine similarity of topic-term weights.

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
    R = _normalised(ref.components)
    sims = []
    for seed in seeds:
        if seed == reference_seed:
            continue
        other = fit_topics(dfm, n_topics, method, seed=seed, init=init)
        S = R @ _normalised(other.components).T
        rows, cols = linear_sum_assignment(-S)
        matched = np.zeros(n_topics)
        matched[rows] = S[rows, cols]
        sims.append(matched)
    sims = np.array(sims)
    return pd.DataFrame({"topic": ref.labels, "mean_similarity": sims.mean(axis=0),
                         "min_similarity": sims.min(axis=0), "seeds": len(sims)})
