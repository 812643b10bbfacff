"""Draw round 3 of the real-text validation set: a fresh test set for the shipped default.

Usage::

    python draw_round3.py SOURCES OUT

SOURCES and OUT as for ``draw.py``. Writes ``sample_round3.csv`` and ``strata_round3.csv`` beside this
script (no text) and the coding sheet ``sheet_test3.csv`` with its scoring file ``units_test3.csv``
into OUT.

Why a third round (see README.md, "Round 3"): after round 2's test half was scored once, the default
was refitted on all 1,730 coded sentences of rounds 1 and 2 (``final_fit.py``). That refitted model,
and any model fitted later on those sentences, has no untouched real text to be scored on. Round 3
draws one, coded by new independent coders and scored once, after the models to be compared are
frozen, by someone who did not fit them.

Design (fixed before the draw, at the commit that adds this script):

1. Population: as in round 2 (body sentences, not near-duplicates, of the same two sources), minus
   every article with a sentence in ``sample.csv`` (round 1) or ``sample_round2.csv`` (round 2).
2. Article type: ``draw.article_type`` (unchanged).
3. Label: as in round 2 (``security_cue``, else ``theme`` when the default measurement of the commit
   that adds this script marks any theme, else ``none``).
4. Strata: source x article type x label; stratified simple random sampling of sentences without
   replacement, sizes in ``ALLOCATION`` (about the size of round 2's test half); inclusion
   probability n_h / N_h.
5. One half: every sampled sentence is in ``test3``; nothing of round 3 is ever used for fitting
   before it is scored.
"""
from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd

from draw import HERE, draw, write
from draw_round2 import population

SEED = 20261206

# sentences drawn per stratum: (source, article type, label) -> n
ALLOCATION = {
    ("baomoi", "provincial_fa", "security_cue"): 60, ("baomoi", "provincial_fa", "theme"): 45,
    ("baomoi", "provincial_fa", "none"): 25,
    ("baomoi", "national_fa", "security_cue"): 50, ("baomoi", "national_fa", "theme"): 45,
    ("baomoi", "national_fa", "none"): 25,
    ("baomoi", "domestic", "security_cue"): 50, ("baomoi", "domestic", "theme"): 35,
    ("baomoi", "domestic", "none"): 55,
    ("unc", "any", "security_cue"): 10, ("unc", "any", "theme"): 10, ("unc", "any", "none"): 20,
}
HALVES = ("test3", "test3")


def main(sources: Path, out: Path) -> None:
    exclude = set(pd.read_csv(HERE / "sample.csv", usecols=["doc_id"]).doc_id)
    exclude |= set(pd.read_csv(HERE / "sample_round2.csv", usecols=["doc_id"]).doc_id)
    pop = pd.concat([population(sources / "baomoi", "baomoi", exclude),
                     population(sources / "unc", "unc", exclude)], ignore_index=True)
    sample, strata = draw(pop, ALLOCATION, SEED, HALVES, prefix="t")
    write(sample, strata, out, HALVES[:1], "_round3")


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(Path(sys.argv[1]), Path(sys.argv[2]))
