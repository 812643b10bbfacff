"""The theme measurement checked against hand coding: confusion tables, intervals, false alarms.

:func:`validate` gives the precision, recall, F1 and specificity of :func:`toolkit.label_themes`
(:mod:`toolkit.labels`) on hand-coded texts, with exact or bootstrap intervals;
:func:`term_validation` says which lexicon entries earn their place; :func:`false_alarms` counts
themes given to texts that carry none (ordinary domestic news). These read texts with their codes;
shares that stay right whatever the measurement's errors come from a probability sample of the
corpus (:mod:`toolkit.design`), whose accuracy uses :func:`confusion` from here.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .errors import ToolkitError
from .lexicon import Lexicon
from .labels import label_themes
from .measure import _lexicon, match_themes

__all__ = ["confusion", "validate", "term_validation", "false_alarms"]


def confusion(truth: pd.DataFrame, predicted: pd.DataFrame, themes) -> pd.DataFrame:
    """Per theme: n, coded, labelled, tp, fp, fn, tn, precision, recall, f1, specificity.

    ``truth`` and ``predicted`` hold one 0/1 (or bool) column per theme, rows aligned.
    Precision or recall with an empty denominator is NaN; F1 is 0 when
    there are no true positives but some coded or labelled positives.
    """
    rows = []
    for theme in themes:
        t = truth[theme].astype(int).astype(bool).to_numpy()
        p = predicted[theme].astype(int).astype(bool).to_numpy()
        tp, fp, fn, tn = int((t & p).sum()), int((~t & p).sum()), int((t & ~p).sum()), int((~t & ~p).sum())
        precision = tp / (tp + fp) if tp + fp else float("nan")
        recall = tp / (tp + fn) if tp + fn else float("nan")
        f1 = 2 * tp / (2 * tp + fp + fn) if tp + fp + fn else float("nan")
        specificity = tn / (tn + fp) if tn + fp else float("nan")
        rows.append({"theme": theme, "n": len(t), "coded": int(t.sum()), "labelled": int(p.sum()), "tp": tp,
                     "fp": fp, "fn": fn, "tn": tn, "precision": precision, "recall": recall, "f1": f1,
                     "specificity": specificity})
    return pd.DataFrame(rows)


def validate(coded: pd.DataFrame, texts: pd.Series | None = None, lexicon: Lexicon | str | None = None,
             threshold: float = 1.0, ci: float | None = None, n_boot: int = 2000, seed: int = 0,
             method: str = "auto") -> pd.DataFrame:
    """Precision, recall, F1 and specificity of :func:`label_themes` against hand-coded units.

    ``method`` is passed to :func:`label_themes` ("lexicon" scores the dictionary rule of any lexicon).

    Parameters
    ----------
    coded : pandas.DataFrame
        A ``text`` column and one 0/1 column per theme of the lexicon (the hand coding).
    texts : pandas.Series, optional
        Texts to label instead of ``coded.text`` (same index).
    ci : float, optional
        Add intervals: exact (Clopper-Pearson) for precision, recall and
        specificity, a percentile bootstrap over units for F1.

    Returns
    -------
    pandas.DataFrame
        One row per theme: ``n``, ``coded`` (positives by hand),
        ``labelled`` (positives by the lexicon), ``tp``, ``fp``, ``fn``, ``tn``,
        ``precision``, ``recall``, ``f1``, ``specificity`` (and with ``ci``:
        ``<measure>_low`` / ``<measure>_high``).
    """
    lex = _lexicon(lexicon)
    missing = [c for c in ("text", *lex.themes) if c not in coded.columns]
    if missing:
        raise ToolkitError(f"coded units lack column(s) {', '.join(missing)}; the lexicon measures "
                           f"{', '.join(lex.themes)}")
    labels = label_themes(coded["text"] if texts is None else texts, lex, threshold, method=method).reset_index(drop=True)
    truth = coded.reset_index(drop=True)
    out = confusion(truth, labels, lex.themes)
    if ci is None:
        return out
    from .intervals import clopper_pearson

    for measure, k, n in (("precision", out.tp, out.tp + out.fp), ("recall", out.tp, out.tp + out.fn),
                          ("specificity", out.tn, out.tn + out.fp)):
        low, high = clopper_pearson(k.to_numpy(), n.to_numpy(), ci)
        out[f"{measure}_low"] = np.where(n > 0, low, np.nan)
        out[f"{measure}_high"] = np.where(n > 0, high, np.nan)
    rng = np.random.default_rng(seed)
    picks = rng.integers(0, len(truth), size=(n_boot, len(truth)))
    q = (1 - ci) / 2
    for i, theme in enumerate(lex.themes):
        t = truth[theme].astype(int).astype(bool).to_numpy()[picks]
        p = labels[theme].to_numpy()[picks]
        tp, wrong = (t & p).sum(axis=1), (t ^ p).sum(axis=1)
        with np.errstate(invalid="ignore", divide="ignore"):
            f1 = 2 * tp / (2 * tp + wrong)
        f1 = f1[np.isfinite(f1)]
        out.loc[i, "f1_low"] = np.quantile(f1, q) if len(f1) else np.nan
        out.loc[i, "f1_high"] = np.quantile(f1, 1 - q) if len(f1) else np.nan
    return out


def term_validation(coded: pd.DataFrame, lexicon: Lexicon | str | None = None) -> pd.DataFrame:
    """Which entries earn their place: each entry's hits in hand-coded texts and how many were right.

    Parameters
    ----------
    coded : pandas.DataFrame
        ``text`` and one 0/1 column per theme (e.g. the challenge set).

    Returns
    -------
    pandas.DataFrame
        One row per entry that matches at least once: ``theme``, ``term``,
        ``context``, ``kind``, ``hits`` (texts it fires in), ``correct``
        (of those, texts coded with its theme) and ``precision``; sorted by
        theme and falling number of wrong hits.
    """
    lex = _lexicon(lexicon)
    texts = coded.reset_index(drop=True)
    hits = match_themes(texts["text"], lex).drop_duplicates(["text", "theme", "term", "context"])
    if hits.empty:
        return pd.DataFrame(columns=["theme", "term", "context", "kind", "hits", "correct", "precision"])
    hits["correct"] = [bool(texts.at[i, t]) for i, t in zip(hits.text, hits.theme)]
    out = hits.groupby(["theme", "term", "context", "kind"], sort=False).agg(
        hits=("text", "size"), correct=("correct", "sum")).reset_index()
    out["precision"] = out.correct / out.hits
    order = {t: i for i, t in enumerate(lex.themes)}
    out = out.assign(_t=out.theme.map(order), _wrong=out.hits - out.correct)
    return out.sort_values(["_t", "_wrong", "hits"], ascending=[True, False, False]).drop(columns=["_t", "_wrong"]).reset_index(drop=True)


def false_alarms(texts, lexicon: Lexicon | str | None = None, threshold: float = 1.0, ci: float = 0.95,
                 method: str = "auto") -> pd.DataFrame:
    """How often the measurement gives a theme to texts that carry none (e.g. domestic news).

    ``method`` is passed to :func:`label_themes`.

    Returns
    -------
    pandas.DataFrame
        One row per theme and a row ``any theme``: ``n`` texts, ``flagged``,
        ``rate`` and its exact (Clopper-Pearson) interval ``rate_low`` /
        ``rate_high``.
    """
    from .intervals import clopper_pearson

    lex = _lexicon(lexicon)
    labels = label_themes(texts, lex, threshold, method=method)
    flagged = {theme: int(labels[theme].sum()) for theme in lex.themes}
    flagged["any theme"] = int(labels.any(axis=1).sum())
    n = len(labels)
    rows = []
    for name, k in flagged.items():
        low, high = clopper_pearson(k, n, ci)
        rows.append({"theme": name, "n": n, "flagged": k, "rate": k / n if n else np.nan,
                     "rate_low": float(low), "rate_high": float(high)})
    return pd.DataFrame(rows)
