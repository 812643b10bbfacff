"""Refit the shipped default on every real sentence coded, with the settings frozen before the test.

Usage::

    python final_fit.py UNITS_TUNE_CSV UNITS_TEST_CSV UNITS_FIT2_CSV UNITS_TEST2_CSV

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

from toolkit.classify import DEFAULT_MODEL, ThemeClassifier, load_classifier
from tune import HERE, THEMES, extra_examples

HALVES = ("tune", "test", "fit2", "test2")


def main(paths: list[Path]) -> None:
    scored = load_classifier(HERE / "models" / "round2" / "default_scored_on_test2.json")
    texts, codes = [], []
    for half, path in zip(HALVES, paths):
        units = pd.read_csv(path, keep_default_na=False).set_index("sample_id").sort_index()
        coded = pd.read_csv(HERE / "codes" / f"{half}_consensus.csv", keep_default_na=False).set_index("sample_id")
        texts.append(units.text)
        codes.append(coded.loc[units.index, THEMES])
    extra = extra_examples()
    texts = pd.concat([*texts, extra.text], ignore_index=True)
    y = pd.concat([*codes, extra[THEMES]], ignore_index=True)
    model = ThemeClassifier(lexicon="v3", features=scored.features, C=scored.C, min_df=scored.min_df,
                            class_weight=scored.class_weight, thresholds=scored.thresholds,
                            sides=scored.sides).fit(texts, y)
    model.save(DEFAULT_MODEL)
    print(f"refitted on {len(texts)} sentences ({sum(len(c) for c in codes)} real) -> {DEFAULT_MODEL.name}")


if __name__ == "__main__":
    if len(sys.argv) != 5:
        sys.exit(__doc__)
    main([Path(p) for p in sys.argv[1:]])
