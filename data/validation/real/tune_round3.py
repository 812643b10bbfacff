"""Round 3: choose the default among models fitted on every real sentence of rounds 1 and 2.

Usage::

    python tune_round3.py UNITS_TUNE_CSV UNITS_TEST_CSV UNITS_FIT2_CSV UNITS_TEST2_CSV

The four files are the ``units_*.csv`` that ``draw.py`` and ``draw_round2.py`` write. Codes: the four
``codes/*_consensus.csv``. Both earlier test halves were scored once and are now fitting data; round 3's
test set (``draw_round3.py``) is never read here.

Candidates, judged as in ``tune_round2.py`` (5-fold cross-validation over articles of all 1,730 real
sentences, the written examples and the study's sentences in every fitting fold and never scored, C
and per-theme thresholds by the cross-validated F1, the winner the highest mean F1 with a
design-weighted false-alarm rate on domestic sentences of at most 3%):

* ``combined with sides``: the features of the shipped default (``final_fit.py``);
* ``combined with sides and context``: the same plus :func:`toolkit.theme_features.context_features`, what
  the title and the sentences before and after say (the context every coder saw on the sheet). Added
  after reading cross-validated errors on these fitting sentences: many misses were sentences whose
  partner ("hai bên", "dự án", "khoản vay") is named only in the title or the sentence before.

The winner is fitted on all 1,730 sentences (plus the extra examples). A context winner is saved as
``toolkit/models/themes_classifier_context.json`` (used when ``tk.label_themes`` is given units of
articles) and the sentence model stays as refitted by ``final_fit.py`` (used for sentences alone);
a sentence-only winner replaces ``themes_classifier.json``. Results: ``tuning_cv_round3.csv``.
"""
from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd

from toolkit.classify import CONTEXT_MODEL, DEFAULT_MODEL, ThemeClassifier
from tune import HERE, THEMES, contexts
from tune_round2 import compare_and_record

HALVES = ("tune", "test", "fit2", "test2")
CANDIDATES = (("combined with sides", "both", True, False), ("combined with sides and context", "both", True, True))


def main(paths: list[Path]) -> None:
    units, codes, extra, best, winner = compare_and_record(paths, HALVES, CANDIDATES, "tuning_cv_round3.csv")
    _, C, thresholds, features, sides, context = best[winner["method"]]
    own, none = contexts(units, extra)
    texts = pd.concat([units.text, extra.text], ignore_index=True)
    y = pd.concat([codes[THEMES], extra[THEMES]], ignore_index=True)
    model = ThemeClassifier(lexicon="v3", features=features, C=C, thresholds=thresholds, sides=sides, context=context)
    model.fit(texts, y, context=own + none if context else None)
    target = CONTEXT_MODEL if context else DEFAULT_MODEL
    model.save(target)
    print("saved", winner["method"], "->", target.relative_to(HERE.parents[2]))


if __name__ == "__main__":
    if len(sys.argv) != 5:
        sys.exit(__doc__)
    main([Path(p) for p in sys.argv[1:]])
