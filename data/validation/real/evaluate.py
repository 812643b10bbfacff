"""Score every candidate measurement once on the test half (run by someone who did not tune it).

Usage::

    python evaluate.py UNITS_TEST_CSV test models models/round2/round1_default.json                 # round 1
    python evaluate.py UNITS_TEST2_CSV test2 models/round2 models/round2/default_scored_on_test2.json  # round 2
    python evaluate.py UNITS_TEST3_CSV test3 models/round3 models/round3/context_default.json          # round 3

UNITS_TEST_CSV is the ``units_test.csv`` that ``draw.py`` writes (``units_test2.csv`` of
``draw_round2.py`` for round 2). Gold codes: ``codes/HALF_consensus.csv`` (the adjudicated consensus of
the two coders; HALF defaults to ``test``). The candidates are the lexicons v2 and v3, the fitted
models in MODELS (default ``models/``) and the default, DEFAULT (the shipped model unless given: name
the model that was scored, since the shipped one is refitted afterwards). Writes ``results_HALF.csv``:

* per method and theme: precision, recall and F1 on the sampled sentences, each with a 95% percentile
  interval from 2,000 bootstrap resamples of articles (sentences of one article move together);
* per method: the false-alarm rate, the share of sentences coded ``domestic`` that get any theme, with
  an exact (Clopper-Pearson) 95% interval; and the same rate weighted by 1 / inclusion probability
  (the rate among all domestic news sentences of the sources, which the sample's oversampling of
  marked sentences would otherwise exaggerate), with an article-bootstrap interval;
* ``weighted_f1``: F1 with each sentence weighted by 1 / its inclusion probability, an estimate for the
  population of news sentences the sample was drawn from (dominated by the few sentences of
  low-probability strata: read it beside the sample F1, not instead of it).
"""
from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pandas as pd
from scipy.stats import beta

import toolkit as tk
from toolkit.classify import DEFAULT_MODEL, load_classifier, unit_context
from toolkit.design import article_draws, precision_recall_f1

HERE = Path(__file__).resolve().parent
THEMES = list(tk.THEMES)
SEED = 7
B = 2000


def predictions(units: pd.DataFrame, models: Path, default: Path = DEFAULT_MODEL) -> dict[str, pd.DataFrame]:
    """Each candidate's labels of the sheet's sentences; a model that reads context gets each sentence's
    title and neighbours as its coders saw them on the sheet."""
    texts = units.text
    context = unit_context(units[["text", "title", "context_before", "context_after"]])
    out = {f"lexicon {v}": tk.label_themes(texts, lexicon=v, method="lexicon") for v in ("v2", "v3")}
    for path in [p for p in sorted(models.glob("*.json")) if p.resolve() != default.resolve()] + [default]:
        model = load_classifier(path)
        extras = "".join(f" + {name}" for name in ("sides", "context") if getattr(model, name, False))
        name = path.stem.replace("_", " ") if path != default else f"default ({model.features}{extras})"
        out[name] = model.predict(texts, context)
    return out


def evaluate(units: pd.DataFrame, codes: pd.DataFrame, models: Path = HERE / "models",
             default: Path = DEFAULT_MODEL) -> pd.DataFrame:
    draws = article_draws(units.doc_id.to_numpy(), B, np.random.default_rng(SEED))
    domestic = (codes.domain == "domestic").to_numpy()
    weights = 1.0 / units.inclusion_prob.to_numpy()
    rows = []
    for method, pred in predictions(units, models, default).items():
        for theme in THEMES:
            truth = codes[theme].to_numpy(bool)
            guess = pred[theme].to_numpy(bool)
            p, r, f = precision_recall_f1(truth, guess)
            boot = np.array([precision_recall_f1(truth[d], guess[d]) for d in draws])
            lo, hi = np.nanpercentile(boot, [2.5, 97.5], axis=0)
            rows.append({"method": method, "theme": theme, "positives": int(truth.sum()), "predicted": int(guess.sum()),
                         "precision": p, "precision_low": lo[0], "precision_high": hi[0],
                         "recall": r, "recall_low": lo[1], "recall_high": hi[1],
                         "f1": f, "f1_low": lo[2], "f1_high": hi[2],
                         "weighted_f1": precision_recall_f1(truth, guess, weights)[2]})
        alarms = pred.to_numpy(bool)[domestic].any(axis=1)
        k, n = int(alarms.sum()), int(domestic.sum())
        rows.append({"method": method, "theme": "false_alarms (domestic, any theme)", "positives": n,
                     "predicted": k, "f1": k / n,
                     "f1_low": beta.ppf(0.025, k, n - k + 1) if k else 0.0,
                     "f1_high": beta.ppf(0.975, k + 1, n - k) if k < n else 1.0})
        # the population rate: each domestic sentence weighted by 1 / its inclusion probability,
        # with a percentile interval from the same article bootstrap
        flag = np.where(domestic, pred.to_numpy(bool).any(axis=1), False).astype(float)
        wd = weights * domestic

        def rate(idx):
            return (wd[idx] * flag[idx]).sum() / wd[idx].sum() if wd[idx].sum() else np.nan

        boot = np.array([rate(d) for d in draws])
        lo, hi = np.nanpercentile(boot, [2.5, 97.5])
        rows.append({"method": method, "theme": "false_alarms_weighted (domestic, any theme)", "positives": n,
                     "predicted": k, "f1": rate(np.arange(len(flag))), "f1_low": lo, "f1_high": hi})
    return pd.DataFrame(rows)


def main(units_path: Path, half: str = "test", models: Path = HERE / "models", default: Path = DEFAULT_MODEL) -> None:
    units = pd.read_csv(units_path, keep_default_na=False).set_index("sample_id").sort_index()
    codes = pd.read_csv(HERE / "codes" / f"{half}_consensus.csv", keep_default_na=False).set_index("sample_id")
    codes = codes.loc[units.index]
    table = evaluate(units, codes, models, default)
    table.round(4).to_csv(HERE / f"results_{half}.csv", index=False)
    with pd.option_context("display.width", 200):
        print(table[["method", "theme", "positives", "predicted", "precision", "recall", "f1", "f1_low", "f1_high",
                     "weighted_f1"]].round(3).to_string(index=False))


if __name__ == "__main__":
    if len(sys.argv) not in (2, 3, 4, 5):
        sys.exit(__doc__)
    main(Path(sys.argv[1]), *sys.argv[2:3], *[HERE / m for m in sys.argv[3:5]])
