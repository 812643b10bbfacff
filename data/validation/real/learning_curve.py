"""How much would more coded sentences help? A learning curve of the shipped context model.

Usage::

    python learning_curve.py UNITS_TUNE_CSV UNITS_TEST_CSV UNITS_FIT2_CSV UNITS_TEST2_CSV UNITS_TEST3_CSV

Every test set of rounds 1-3 has been scored once and is now fitting data, so all 2,132 coded real
sentences enter here. Five folds over articles (``GroupKFold``); in each, the model of the shipped
default (``themes_classifier_context.json``: its features, penalty and thresholds, unchanged) is
fitted on a seeded share of the fitting folds' articles (25%, 50%, 75%, 100%; two seeds below 100%)
plus the written examples and the study's sentences, and scores the held-out fold. Out-of-fold F1 per
theme is pooled over the five folds. The gain per doubling of the fitting sentences (a straight line
in log2 of their number, :func:`summarise`) says how many real sentences the 0.80 target would need if
the curve went on as it does. Output: ``learning_curve.csv`` (one row per fraction and seed) and
printed extrapolations. Takes about 5-10 minutes on 2 cores.

The thresholds were chosen on all sentences, so every point is a little optimistic, the same way at
every size: the curve's shape, not its level, is what this measures.
"""
from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.model_selection import GroupKFold

from toolkit.classify import CONTEXT_MODEL, ThemeClassifier, load_classifier
from tune import HERE, THEMES, contexts, extra_examples, f1
from tune_round2 import load

HALVES = ("tune", "test", "fit2", "test2", "test3")
FRACTIONS = (0.25, 0.5, 0.75, 1.0)
SEEDS = (0, 1)


def _out_of_fold(units, codes, extra, shipped, fraction: float, seed: int) -> tuple[pd.DataFrame, float]:
    """Out-of-fold predictions at one training size, and the mean number of real fitting sentences."""
    own, none = contexts(units, extra)
    pred = pd.DataFrame(False, index=units.index, columns=THEMES)
    sizes = []
    for fold, (fit_idx, score_idx) in enumerate(GroupKFold(n_splits=5).split(units, groups=units.doc_id)):
        docs = np.unique(units.doc_id.iloc[fit_idx])
        rng = np.random.default_rng([seed, fold])
        kept = set(rng.choice(docs, size=max(1, round(fraction * len(docs))), replace=False))
        fit_idx = fit_idx[units.doc_id.iloc[fit_idx].isin(kept).to_numpy()]
        sizes.append(len(fit_idx))
        texts = pd.concat([units.text.iloc[fit_idx], extra.text], ignore_index=True)
        y = pd.concat([codes[THEMES].iloc[fit_idx], extra[THEMES]], ignore_index=True)
        model = ThemeClassifier(lexicon="v3", features=shipped.features, C=shipped.C, min_df=shipped.min_df,
                                class_weight=shipped.class_weight, thresholds=shipped.thresholds,
                                sides=shipped.sides, context=shipped.context)
        model.fit(texts, y, context=[own[i] for i in fit_idx] + none)
        proba = model.predict_proba(units.text.iloc[score_idx], [own[i] for i in score_idx])
        pred.iloc[score_idx] = np.column_stack([proba[t].to_numpy() >= shipped.thresholds[t] for t in THEMES])
    return pred, float(np.mean(sizes))


def summarise(table: pd.DataFrame) -> pd.DataFrame:
    """Per theme: F1 at the largest size, the gain per doubling of the fitting sentences (least squares
    of the mean F1 at each size on log2 of the size), and the sentences the 0.80 target would need if
    that gain went on (it usually shrinks: a lower bound on the data needed)."""
    mean = table.groupby("fraction")[[*THEMES, "fitting_sentences"]].mean()
    n = mean.pop("fitting_sentences").to_numpy(float)
    rows = []
    for theme in THEMES:
        slope, _ = np.polyfit(np.log2(n), mean[theme].to_numpy(), 1)
        last = float(mean[theme].iloc[-1])
        doublings = (0.80 - last) / slope if slope > 0 and last < 0.80 else (0.0 if last >= 0.80 else np.inf)
        rows.append({"theme": theme, "f1_at_largest": round(last, 4), "gain_per_doubling": round(slope, 4),
                     "sentences_for_0.80": round(n.max() * 2 ** doublings) if np.isfinite(doublings) else np.inf})
    return pd.DataFrame(rows)


def main(paths: list[Path]) -> None:
    units, codes = load(paths, HALVES)
    extra = extra_examples()
    shipped = load_classifier(CONTEXT_MODEL)
    rows = []
    for fraction in FRACTIONS:
        for seed in (SEEDS if fraction < 1 else SEEDS[:1]):
            pred, size = _out_of_fold(units, codes, extra, shipped, fraction, seed)
            row = {"fraction": fraction, "seed": seed, "fitting_sentences": round(size),
                   **{t: round(f1(codes[t].to_numpy(bool), pred[t].to_numpy(bool)), 4) for t in THEMES}}
            rows.append(row)
            print(row, flush=True)
    table = pd.DataFrame(rows)
    table.to_csv(HERE / "learning_curve.csv", index=False)
    print(summarise(table).to_string(index=False))


if __name__ == "__main__":
    if len(sys.argv) != 6:
        sys.exit(__doc__)
    main([Path(p) for p in sys.argv[1:]])
