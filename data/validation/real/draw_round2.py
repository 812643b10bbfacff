"""Draw round 2 of the real-text validation set: more sentences to fit on, and a fresh test half.

Usage::

    python draw_round2.py SOURCES OUT

SOURCES and OUT as for ``draw.py``. Writes ``sample_round2.csv`` and ``strata_round2.csv`` beside this
script (no text) and the coding sheets ``sheet_fit2.csv`` / ``sheet_test2.csv`` with the scoring files
``units_fit2.csv`` / ``units_test2.csv`` into OUT.

Why a second round (see README.md, "Round 2"): the round-1 test half was scored once and the default
missed the F1 target for economic diplomacy and border security; border security had 27 positives in
the tuning half to learn from. Scoring a refitted model on the same test half again would make that
half a tuning set. Round 2 therefore draws, from articles that round 1 did not touch,

* a fitting set ``fit2``, to add to the sentences a new model learns from, and
* a fresh test half ``test2``, coded by new independent coders and scored once, by someone who did not
  fit the model, after the model is frozen.

Design (fixed before the draw):

1. Population: as in round 1 (body sentences, not near-duplicates, of the same two sources), minus
   every article with a sentence in round 1's ``sample.csv``.
2. Article type: ``draw.article_type`` (unchanged).
3. Label, in this order: ``security_cue`` when the sentence contains one of ``SECURITY_CUES`` (broad
   words of border, order and crime, chosen to reach the border-security sentences that round 1 had
   too few of, and the crime and security sentences that must stay 0); else ``theme`` when the frozen
   default measurement (``tk.label_themes`` at the frozen commit) marks any theme; else ``none``.
4. Strata: source x article type x label; stratified simple random sampling of sentences without
   replacement, sizes in ``ALLOCATION``; inclusion probability n_h / N_h.
5. Halves: the sampled articles of each source x type are shuffled and dealt alternately to ``fit2``
   and ``test2``, so that no article has sentences in both.
"""
from __future__ import annotations

import re
import sys
from pathlib import Path

import numpy as np
import pandas as pd

from draw import HERE, article_type, draw, write  # noqa: F401  (article_type documents the shared rule)
from draw import population as round1_population

SEED = 20261205

SECURITY_CUES = [
    "biên giới", "biên phòng", "cửa khẩu", "buôn lậu", "hàng lậu", "vận chuyển trái phép", "ma túy",
    "xuất cảnh", "nhập cảnh", "vượt biên", "cột mốc", "mốc giới", "chủ quyền", "biển đảo", "lãnh hải",
    "tuần tra", "quốc phòng", "an ninh", "hải quan", "gian lận thương mại", "mua bán người",
    "tàu cá", "vùng biển", "xâm phạm", "xuyên quốc gia", "trục xuất", "người nước ngoài",
]
SECURITY_RE = re.compile(r"(?<!\w)(" + "|".join(re.escape(c) for c in SECURITY_CUES) + r")(?!\w)", re.IGNORECASE)

# sentences drawn per stratum: (source, article type, label) -> n
ALLOCATION = {
    ("baomoi", "provincial_fa", "security_cue"): 120, ("baomoi", "provincial_fa", "theme"): 80,
    ("baomoi", "provincial_fa", "none"): 50,
    ("baomoi", "national_fa", "security_cue"): 100, ("baomoi", "national_fa", "theme"): 80,
    ("baomoi", "national_fa", "none"): 50,
    ("baomoi", "domestic", "security_cue"): 100, ("baomoi", "domestic", "theme"): 70,
    ("baomoi", "domestic", "none"): 100,
    ("unc", "any", "security_cue"): 20, ("unc", "any", "theme"): 20, ("unc", "any", "none"): 40,
}
HALVES = ("fit2", "test2")


def population(folder: Path, source: str, exclude: set[str]) -> pd.DataFrame:
    body = round1_population(folder, source, lexicon=None)
    body = body[~body.doc_id.isin(exclude)].copy()
    theme = (body.label == "theme").to_numpy()   # lexicon=None: the frozen default measurement
    cue = body.text.map(lambda t: bool(SECURITY_RE.search(t))).to_numpy()
    body["label"] = np.select([cue, theme], ["security_cue", "theme"], "none")
    return body


def main(sources: Path, out: Path) -> None:
    exclude = set(pd.read_csv(HERE / "sample.csv", usecols=["doc_id"]).doc_id)
    pop = pd.concat([population(sources / "baomoi", "baomoi", exclude),
                     population(sources / "unc", "unc", exclude)], ignore_index=True)
    sample, strata = draw(pop, ALLOCATION, SEED, HALVES, prefix="s")
    write(sample, strata, out, HALVES, "_round2")


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(Path(sys.argv[1]), Path(sys.argv[2]))
