"""Round 3's test set read with the pipeline's context instead of the sheet's.

Usage::

    python context_gap.py SOURCES UNITS_TEST3_CSV

SOURCES is the folder with the ``baomoi`` and ``unc`` corpus folders that ``draw_round3.py`` read.
The coders saw each sentence with its neighbours in the article, titles and captions included
(``draw.population``); :func:`toolkit.label_themes` on a corpus's units gives the context model the
neighbours among the units it measures (body sentences that are not near-duplicates). This scores
the model that was frozen before round 3's draw (``models/round3/context_default.json``, fitted on
rounds 1-2 only, so round 3 is out of sample for it) both ways against the adjudicated codes, with the
article bootstrap of ``evaluate.py``, and the paired difference. Output: ``context_gap.csv``.
Reads whole corpora: about 5 minutes on 2 cores.
"""
from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pandas as pd

import toolkit as tk
from toolkit.classify import load_classifier, unit_context
from toolkit.design import article_draws, precision_recall_f1

HERE = Path(__file__).resolve().parent
THEMES = list(tk.THEMES)
MODEL = HERE / "models" / "round3" / "context_default.json"
SEED, B = 7, 2000


def pipeline_context(folder: Path, unit_ids: set) -> pd.DataFrame:
    """``(unit_id, title, before, after)`` as ``tk.label_themes`` builds them for a corpus's measured units."""
    corpus = tk.load_corpus(folder)
    units = tk.segment(corpus, unit="sentence")
    units = units[(units.kind == "body") & units.duplicate_of.isna()]
    units = units.assign(title=units.doc_id.map(corpus.documents.set_index("doc_id").title).fillna(""))
    context = unit_context(units[["doc_id", "paragraph", "sentence", "text", "title"]])
    frame = pd.DataFrame(context, columns=["title", "context_before", "context_after"], index=units.unit_id)
    return frame[frame.index.isin(unit_ids)]


def main(sources: Path, units_path: Path) -> None:
    units = pd.read_csv(units_path, keep_default_na=False).set_index("sample_id").sort_index()
    codes = pd.read_csv(HERE / "codes" / "test3_consensus.csv", keep_default_na=False).set_index("sample_id")
    codes = codes.loc[units.index]
    wanted = set(units.unit_id)
    ctx = pd.concat([pipeline_context(sources / name, wanted) for name in ("baomoi", "unc")])
    ctx = ctx[~ctx.index.duplicated()]
    piped = units.drop(columns=["title", "context_before", "context_after"]).join(ctx, on="unit_id")
    missing = int(piped.context_before.isna().sum())
    piped = piped.fillna({"title": "", "context_before": "", "context_after": ""})
    model = load_classifier(MODEL)
    preds = {way: model.predict(frame.text, unit_context(frame[["text", "title", "context_before", "context_after"]]))
             for way, frame in (("sheet", units), ("pipeline", piped))}
    changed = pd.Series({t: int((preds["sheet"][t].to_numpy() != preds["pipeline"][t].to_numpy()).sum()) for t in THEMES})
    draws = article_draws(units.doc_id.to_numpy(), B, np.random.default_rng(SEED))
    rows = []
    for t in THEMES:
        truth = codes[t].to_numpy(bool)
        f1 = {way: precision_recall_f1(truth, preds[way][t].to_numpy(bool))[2] for way in preds}
        diffs = np.array([precision_recall_f1(truth[d], preds["pipeline"][t].to_numpy(bool)[d])[2]
                          - precision_recall_f1(truth[d], preds["sheet"][t].to_numpy(bool)[d])[2] for d in draws])
        lo, hi = np.nanquantile(diffs, [0.025, 0.975])
        rows.append({"theme": t, "f1_sheet_context": round(f1["sheet"], 4), "f1_pipeline_context": round(f1["pipeline"], 4),
                     "difference": round(f1["pipeline"] - f1["sheet"], 4), "ci_low": round(lo, 4), "ci_high": round(hi, 4),
                     "labels_changed": changed[t], "sentences": len(units), "not_measured_by_pipeline": missing})
    table = pd.DataFrame(rows)
    table.to_csv(HERE / "context_gap.csv", index=False)
    print(table.to_string(index=False))


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(Path(sys.argv[1]), Path(sys.argv[2]))
