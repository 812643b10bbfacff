"""Tune the theme measurement on the tuning half only, compare the candidates, and fit the shipped model.

Usage::

    python tune.py UNITS_TUNE_CSV

UNITS_TUNE_CSV is the ``units_tune.csv`` that ``draw.py`` writes (the tuning half with its text). The
codes are ``codes/tune_consensus.csv``. The test half is never read here.

Candidates, all judged by 5-fold cross-validation over articles of the tuning half (no article in
both the fitting and the scoring folds):

* ``lexicon v2``, ``lexicon v3``: the dictionary rule (score >= 1), nothing fitted;
* ``classifier``: logistic regression on syllable unigrams and bigrams only;
* ``lexicon features``: logistic regression on lexicon v3's hits and cues only;
* ``combined``: logistic regression on both.

The fitted candidates also learn from the written examples (``../challenge/challenge.csv``) and the
study corpus's consensus coding (``../sentences_consensus.csv``), always in the fitting folds only,
never scored. For each fitted candidate the penalty C and the per-theme probability threshold are
chosen by the cross-validated F1. The winner is the candidate with the highest mean F1 whose
false-alarm rate on domestic sentences, weighted by the inverse inclusion probabilities (an estimate
for all domestic news sentences, not for the oversampled marked ones), is at most 3%; it is refitted on the whole tuning half (plus the
extra examples) and saved as the shipped model. Results: ``tuning_cv.csv``.
"""
from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.model_selection import GroupKFold

import toolkit as tk
from toolkit.classify import DEFAULT_MODEL, ThemeClassifier, unit_context
from toolkit.design import precision_recall_f1

HERE = Path(__file__).resolve().parent
THEMES = list(tk.THEMES)
CS = (0.3, 1.0, 3.0)
GRID = np.round(np.arange(0.2, 0.81, 0.05), 2)


def extra_examples() -> pd.DataFrame:
    challenge = pd.read_csv(HERE.parent / "challenge" / "challenge.csv", keep_default_na=False)
    study = pd.read_csv(HERE.parent / "sentences_consensus.csv", keep_default_na=False)
    frames = [challenge[["text"] + THEMES], study[["text"] + THEMES]]
    return pd.concat(frames, ignore_index=True).astype({t: int for t in THEMES})


def f1(truth: np.ndarray, pred: np.ndarray) -> float:
    return precision_recall_f1(truth, pred)[2]


def scores(truth: pd.DataFrame, pred: pd.DataFrame, domestic: np.ndarray, weights: np.ndarray) -> dict:
    """F1 per theme on the sampled sentences; false alarms on domestic sentences, in the sample and
    weighted by 1 / inclusion probability (the population rate: unmarked domestic sentences were
    drawn with probability 0.0002, marked ones 400 times as often)."""
    out = {t: f1(truth[t].to_numpy(bool), pred[t].to_numpy(bool)) for t in THEMES}
    alarms = pred.to_numpy(bool)[domestic].any(axis=1)
    out["false_alarms"] = alarms.mean()
    out["false_alarms_weighted"] = np.average(alarms, weights=weights[domestic])
    return out


def contexts(units: pd.DataFrame, extra: pd.DataFrame) -> tuple[list, list]:
    """Each sampled sentence's (title, before, after) from its sheet; the extra examples have none."""
    return unit_context(units[["text", "title", "context_before", "context_after"]]), [("", "", "")] * len(extra)


def cross_validated(units: pd.DataFrame, codes: pd.DataFrame, extra: pd.DataFrame, features: str, C: float,
                    sides: bool = False, context: bool = False):
    """Out-of-fold probabilities for every tuning sentence."""
    proba = pd.DataFrame(0.0, index=units.index, columns=THEMES)
    own, none = contexts(units, extra) if context else (None, None)
    for fit_idx, score_idx in GroupKFold(n_splits=5).split(units, groups=units.doc_id):
        texts = pd.concat([units.text.iloc[fit_idx], extra.text], ignore_index=True)
        y = pd.concat([codes[THEMES].iloc[fit_idx], extra[THEMES]], ignore_index=True)
        fit_context = [own[i] for i in fit_idx] + none if context else None
        model = ThemeClassifier(lexicon="v3", features=features, C=C, sides=sides, context=context)
        model.fit(texts, y, context=fit_context)
        score_context = [own[i] for i in score_idx] if context else None
        proba.iloc[score_idx] = model.predict_proba(units.text.iloc[score_idx], score_context).to_numpy()
    return proba


CANDIDATES = (("classifier", "ngrams", False), ("lexicon features", "lexicon", False), ("combined", "both", False))


def compare(units: pd.DataFrame, codes: pd.DataFrame, extra: pd.DataFrame, candidates=CANDIDATES):
    """The cross-validated table of every candidate and C, and each fitted candidate's best setting.

    A candidate is ``(name, features, sides)`` or ``(name, features, sides, context)``.
    Returns ``(table, best, winner)``: ``best`` maps a candidate's name to ``(mean F1, C, thresholds,
    features, sides, context)``; ``winner`` is the table row of the candidate chosen (highest mean F1 with
    weighted false alarms at most 3%).
    """
    domestic = (codes.domain == "domestic").to_numpy()
    weights = 1.0 / units.inclusion_prob.to_numpy(float)
    rows = []
    for version in ("v2", "v3"):
        pred = tk.label_themes(units.text, lexicon=version, method="lexicon")
        rows.append({"method": f"lexicon {version}", "C": np.nan, **scores(codes, pred, domestic, weights)})
    best = {}
    for name, features, sides, *rest in candidates:
        context = bool(rest and rest[0])
        for C in CS:
            proba = cross_validated(units, codes, extra, features, C, sides, context)
            thresholds = {}
            for t in THEMES:
                f1s = [f1(codes[t].to_numpy(bool), proba[t].to_numpy() >= g) for g in GRID]
                thresholds[t] = float(GRID[int(np.nanargmax(f1s))])
            pred = pd.DataFrame({t: proba[t] >= thresholds[t] for t in THEMES})
            row = {"method": name, "C": C, **scores(codes, pred, domestic, weights),
                   **{f"threshold_{t}": thresholds[t] for t in THEMES}}
            rows.append(row)
            key = np.nanmean([row[t] for t in THEMES])
            if name not in best or key > best[name][0]:
                best[name] = (key, C, thresholds, features, sides, context)
    table = pd.DataFrame(rows)
    table["mean_f1"] = table[THEMES].mean(axis=1)
    eligible = table[table.false_alarms_weighted <= 0.03].sort_values("mean_f1", ascending=False)
    winner = eligible.iloc[0] if len(eligible) else table.sort_values("mean_f1", ascending=False).iloc[0]
    return table, best, winner


def main(units_path: Path) -> None:
    units = pd.read_csv(units_path, keep_default_na=False).set_index("sample_id").sort_index()
    codes = pd.read_csv(HERE / "codes" / "tune_consensus.csv", keep_default_na=False).set_index("sample_id")
    codes = codes.loc[units.index]
    extra = extra_examples()
    table, best, winner = compare(units, codes, extra)
    table.round(4).to_csv(HERE / "tuning_cv.csv", index=False)
    print(table.round(3).to_string(index=False))
    print(f"winner: {winner['method']} (C={winner['C']})")
    for name, (_, C, thresholds, features, sides, _context) in best.items():
        texts = pd.concat([units.text, extra.text], ignore_index=True)
        y = pd.concat([codes[THEMES], extra[THEMES]], ignore_index=True)
        model = ThemeClassifier(lexicon="v3", features=features, C=C, thresholds=thresholds, sides=sides).fit(texts, y)
        target = DEFAULT_MODEL if name == winner["method"] else HERE / "models" / f"{name.replace(' ', '_')}.json"
        model.save(target)
        print("saved", name, "->", target.relative_to(HERE.parents[2]))


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(Path(sys.argv[1]))
