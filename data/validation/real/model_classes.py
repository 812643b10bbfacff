"""Do other model classes do better? Cross-validated F1 of TF-IDF logistic regressions on all coded sentences.

Usage::

    python model_classes.py UNITS_TUNE_CSV UNITS_TEST_CSV UNITS_FIT2_CSV UNITS_TEST2_CSV UNITS_TEST3_CSV

Asked after round 3, when the shipped model (lexicon features, syllable n-grams, sides and context in
one logistic regression) missed F1 0.80 for two themes on its test set, and its learning curve
(``learning_curve.py``) was nearly flat. Every round's sentences are fitting data here (all were scored
once). Same folds as ``learning_curve.py`` (five, over articles; the written examples and the study's
sentences in every fitting fold). Candidates: TF-IDF of word 1-3-grams or character 2-5-grams of the
sentence, with or without a second TF-IDF block for its title and neighbours (weight 0.5), one
class-weighted logistic regression per theme; each theme's threshold is the best of a grid on the
out-of-fold probabilities (so every figure is a little optimistic, the same way for each).
Output: ``model_classes.csv``. About 5 minutes on 2 cores.
"""
from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import sparse as sp
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GroupKFold

from tune import HERE, THEMES, extra_examples, f1
from tune_round2 import load

HALVES = ("tune", "test", "fit2", "test2", "test3")
GRID = np.round(np.arange(0.1, 0.91, 0.05), 2)
CANDIDATES = (("word 1-3", False, 3.0), ("word 1-3", True, 3.0), ("char 2-5", False, 3.0), ("char 2-5", True, 3.0),
              ("word 1-3", True, 10.0))


def _features(fit_text, score_text, analyzer: str, fit_context=None, score_context=None):
    char = analyzer.startswith("char")
    vec = TfidfVectorizer(analyzer="char_wb" if char else "word", ngram_range=(2, 5) if char else (1, 3), min_df=2,
                          sublinear_tf=True)
    blocks = [(vec.fit_transform(fit_text), vec.transform(score_text))]
    if fit_context is not None:
        ctx = TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True)
        blocks.append((0.5 * ctx.fit_transform(fit_context), 0.5 * ctx.transform(score_context)))
    return sp.hstack([a for a, _ in blocks]).tocsr(), sp.hstack([b for _, b in blocks]).tocsr()


def main(paths: list[Path]) -> None:
    units, codes = load(paths, HALVES)
    extra = extra_examples()
    context = (units.title + " " + units.context_before + " " + units.context_after).tolist()
    rows = []
    for analyzer, use_context, C in CANDIDATES:
        proba = pd.DataFrame(0.0, index=units.index, columns=THEMES)
        for fit_idx, score_idx in GroupKFold(n_splits=5).split(units, groups=units.doc_id):
            fit_text = pd.concat([units.text.iloc[fit_idx], extra.text]).tolist()
            fit_ctx = [context[i] for i in fit_idx] + [""] * len(extra) if use_context else None
            score_ctx = [context[i] for i in score_idx] if use_context else None
            A, B = _features(fit_text, units.text.iloc[score_idx].tolist(), analyzer, fit_ctx, score_ctx)
            y = pd.concat([codes[THEMES].iloc[fit_idx], extra[THEMES]])
            for j, theme in enumerate(THEMES):
                model = LogisticRegression(C=C, class_weight="balanced", max_iter=2000).fit(A, y[theme].to_numpy())
                proba.iloc[score_idx, j] = model.predict_proba(B)[:, 1]
        best = {t: max(f1(codes[t].to_numpy(bool), proba[t].to_numpy() >= g) for g in GRID) for t in THEMES}
        rows.append({"features": analyzer, "context": use_context, "C": C, **{t: round(v, 4) for t, v in best.items()}})
        print(rows[-1], flush=True)
    pd.DataFrame(rows).to_csv(HERE / "model_classes.csv", index=False)


if __name__ == "__main__":
    if len(sys.argv) != 6:
        sys.exit(__doc__)
    main([Path(p) for p in sys.argv[1:]])
