"""Refit the shipped models on every real sentence coded, with the settings frozen before the test.

Usage::

    python final_fit.py UNITS_TUNE_CSV UNITS_TEST_CSV UNITS_FIT2_CSV UNITS_TEST2_CSV UNITS_TEST3_CSV

After round 3's test set was scored once (``results_test3.csv``, the models in ``models/round3/``),
both shipped models, the sentence model (``themes_classifier.json``) and the context model
(``themes_classifier_context.json``), are refitted on all 2,132 real sentences of rounds 1-3 (and the
written examples and the study's sentences) with the features, penalty and thresholds of the scored
models unchanged. Round 2 did the same with its four files (1,730 sentences, the sentence model only):

After round 2's test half was scored once (``results_test2.csv``, the model in
``models/round2/default_scored_on_test2.json``), its sentences no longer test anything and are better
used to fit: the shipped model is refitted on all 1,730 real sentences (and the written examples and
the study's sentences), with the features, penalty and thresholds of the scored model unchanged. The
test figures describe this procedure with 1,308 fitting sentences; the shipped model has a third more.
"""
from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd

from toolkit.classify import CONTEXT_MODEL, DEFAULT_MODEL, ThemeClassifier, load_classifier
from tune import HERE, THEMES, contexts, extra_examples

HALVES = ("tune", "test", "fit2", "test2", "test3")
SCORED = {DEFAULT_MODEL: HERE / "models" / "round3" / "sentence_default.json",
          CONTEXT_MODEL: HERE / "models" / "round3" / "context_default.json"}


def main(paths: list[Path]) -> None:
    units = pd.concat([pd.read_csv(path, keep_default_na=False).set_index("sample_id").sort_index()
                       for path in paths])
    coded = pd.concat([pd.read_csv(HERE / "codes" / f"{half}_consensus.csv", keep_default_na=False).set_index("sample_id")
                       for half in HALVES[:len(paths)]])
    extra = extra_examples()
    texts = pd.concat([units.text, extra.text], ignore_index=True)
    y = pd.concat([coded.loc[units.index, THEMES], extra[THEMES]], ignore_index=True)
    own, none = contexts(units, extra)
    targets = SCORED if len(paths) == len(HALVES) else {DEFAULT_MODEL: HERE / "models" / "round2" / "default_scored_on_test2.json"}
    for target, path in targets.items():
        scored = load_classifier(path)
        model = ThemeClassifier(lexicon="v3", features=scored.features, C=scored.C, min_df=scored.min_df,
                                class_weight=scored.class_weight, thresholds=scored.thresholds,
                                sides=scored.sides, context=scored.context)
        model.fit(texts, y, context=own + none if scored.context else None)
        model.save(target)
        print(f"refitted on {len(texts)} sentences ({len(units)} real) -> {target.name}")


if __name__ == "__main__":
    if len(sys.argv) not in (5, 6):
        sys.exit(__doc__)
    main([Path(p) for p in sys.argv[1:]])
