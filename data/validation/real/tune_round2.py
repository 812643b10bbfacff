"""Round 2: refit the theme measurement on every real sentence coded so far, except the fresh test half.

Usage::

    python tune_round2.py UNITS_TUNE_CSV UNITS_TEST_CSV UNITS_FIT2_CSV

The three files are the ``units_*.csv`` that ``draw.py`` (``tune``, ``test``) and ``draw_round2.py``
(``fit2``) write. Codes: ``codes/tune_consensus.csv``, ``codes/test_consensus.csv`` (round 1's test
half, scored once with the round-1 model and then retired to fitting) and ``codes/fit2_consensus.csv``.
Round 2's test half (``test2``) is never read here.

The candidates are round 1's fitted ones (``tune.py``) and ``combined with sides`` (the combined
features plus :func:`toolkit.sides.side_features`: who takes part and in which field, crossed;
added after reading the cross-validated errors on these fitting sentences, which were mostly a field
without a Vietnamese partner or a partner named by a country or firm the lexicon does not list),
judged the same way: 5-fold cross-validation
over articles of all real sentences (no article in both the fitting and the scoring folds), the
written examples and the study's sentences added to every fitting fold and never scored, C and the
per-theme thresholds chosen by the cross-validated F1, and the winner the candidate with the highest
mean F1 whose design-weighted false-alarm rate on domestic sentences is at most 3%. Weights: each
sentence's 1 / inclusion probability within its own draw (the rounds are separate samples of
different articles, so the weighted false-alarm rate is a rate over two populations of sentences
pooled; read it as a guide for the choice, not an estimate). Results: ``tuning_cv_round2.csv``.
"""
from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd

from toolkit.classify import DEFAULT_MODEL, ThemeClassifier
from tune import CANDIDATES as ROUND1
from tune import HERE, THEMES, compare, extra_examples

HALVES = ("tune", "test", "fit2")


CANDIDATES = (*ROUND1, ("combined with sides", "both", True))


def load(paths: list[Path], halves=HALVES) -> tuple[pd.DataFrame, pd.DataFrame]:
    units, codes = [], []
    for half, path in zip(halves, paths):
        part = pd.read_csv(path, keep_default_na=False).set_index("sample_id").sort_index()
        coded = pd.read_csv(HERE / "codes" / f"{half}_consensus.csv", keep_default_na=False).set_index("sample_id")
        units.append(part.assign(half=half))
        codes.append(coded.loc[part.index])
    return pd.concat(units), pd.concat(codes)


def compare_and_record(paths: list[Path], halves, candidates, name: str):
    """Load the fitting sentences, compare the candidates, write ``name`` and print the table."""
    units, codes = load(paths, halves)
    extra = extra_examples()
    print(units.groupby("half").size().to_dict(), codes[THEMES].sum().to_dict())
    table, best, winner = compare(units, codes, extra, candidates)
    table.round(4).to_csv(HERE / name, index=False)
    print(table.round(3).to_string(index=False))
    print(f"winner: {winner['method']} (C={winner['C']})")
    return units, codes, extra, best, winner


def main(paths: list[Path]) -> None:
    units, codes, extra, best, winner = compare_and_record(paths, HALVES, CANDIDATES, "tuning_cv_round2.csv")
    texts = pd.concat([units.text, extra.text], ignore_index=True)
    y = pd.concat([codes[THEMES], extra[THEMES]], ignore_index=True)
    models = HERE / "models" / "round2"
    models.mkdir(exist_ok=True)
    for name, (_, C, thresholds, features, sides, _context) in best.items():
        model = ThemeClassifier(lexicon="v3", features=features, C=C, thresholds=thresholds, sides=sides).fit(texts, y)
        target = DEFAULT_MODEL if name == winner["method"] else models / f"{name.replace(' ', '_')}.json"
        model.save(target)
        print("saved", name, "->", target.relative_to(HERE.parents[2]))


if __name__ == "__main__":
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    main([Path(p) for p in sys.argv[1:]])
