"""Topics by group and by article: shares with article-level intervals, each article's dominant topic.

Sits above :mod:`toolkit.topics` (which fits the models). Topic shares by
group (:func:`topic_shares`) carry article-level intervals (whole articles
resampled within each group, as for theme shares) and the share of units
with no tokens; :func:`article_topics` gives each article's shares and
dominant topic.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

from .errors import ToolkitError
from .topics import TopicModel

__all__ = ["topic_shares", "article_topics"]


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
