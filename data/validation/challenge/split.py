"""Split the coded challenge set into a tuning half and a test half (deterministic).

The assignment is stratified by ``source x domain x theme pattern`` (the pattern
is the three 0/1 codes, e.g. ``101``), so that both halves hold similar numbers
of domestic sentences and of positives for each theme.

Procedure
---------
1. Group the rows of ``challenge.csv`` into strata ``(source, domain, pattern)``
   and visit the strata in sorted order.
2. Within a stratum, order the item ids, shuffle them with one
   ``numpy.random.Generator`` seeded with ``SEED`` and assign them alternately
   to ``tune`` and ``test``.
3. The half that starts (and so receives the odd item of an odd-sized stratum)
   is the one holding fewer items of the same theme pattern so far, then fewer
   items overall; a full tie goes to ``tune``. Each theme pattern is therefore
   split to within one item, and the halves' positives per theme differ by at
   most the number of patterns that contain the theme.

The script rewrites the ``split`` column of ``challenge.csv`` in place (rows in
item-id order) and prints the counts per half. Run from the repository root::

    python data/validation/challenge/split.py

The split is part of the frozen file: ``tests/study/test_challenge_set.py``
re-runs :func:`assign` and checks that it reproduces the ``split`` column.
"""

from __future__ import annotations

import csv
from collections import Counter, defaultdict
from pathlib import Path

import numpy as np

SEED = 905
THEMES = ("economic_diplomacy", "border_security", "people_to_people")
COLUMNS = (
    "item_id", "source", "source_id", "domain", "province", "text",
    *THEMES, "split", "note",
)
HALVES = ("tune", "test")
PATH = Path(__file__).resolve().parent / "challenge.csv"


def pattern(row: dict) -> str:
    """The three theme codes as a string, e.g. ``'101'``."""
    return "".join(str(row[t]) for t in THEMES)


def assign(rows: list[dict], seed: int = SEED) -> dict[str, str]:
    """Map each item id to ``'tune'`` or ``'test'``.

    Parameters
    ----------
    rows : list of dict
        Rows with ``item_id``, ``source``, ``domain`` and the three theme codes.
    seed : int
        Seed of the generator that shuffles each stratum.

    Returns
    -------
    dict
        ``{item_id: half}``.

    Examples
    --------
    >>> rows = [{"item_id": f"x{i}", "source": "written", "domain": "domestic",
    ...          "economic_diplomacy": 0, "border_security": 0, "people_to_people": 0}
    ...         for i in range(4)]
    >>> sorted(Counter(assign(rows).values()).items())
    [('test', 2), ('tune', 2)]
    """
    rng = np.random.default_rng(seed)
    strata: dict[tuple, list[str]] = defaultdict(list)
    for row in rows:
        strata[(row["source"], row["domain"], pattern(row))].append(row["item_id"])
    by_pattern: dict[str, Counter] = defaultdict(Counter)
    total: Counter = Counter()
    out: dict[str, str] = {}
    for key in sorted(strata):
        ids = sorted(strata[key])
        order = [ids[int(i)] for i in rng.permutation(len(ids))]
        counts = by_pattern[key[2]]
        first = min(HALVES, key=lambda h: (counts[h], total[h], HALVES.index(h)))
        second = HALVES[1 - HALVES.index(first)]
        for k, item in enumerate(order):
            half = first if k % 2 == 0 else second
            out[item] = half
            counts[half] += 1
            total[half] += 1
    return out


def read(path: Path = PATH) -> list[dict]:
    """Rows of ``challenge.csv`` with the theme codes as ints."""
    with open(path, encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    for row in rows:
        for t in THEMES:
            row[t] = int(row[t])
    return rows


def write(rows: list[dict], path: Path = PATH) -> None:
    """Write rows in item-id order with the fixed column order."""
    rows = sorted(rows, key=lambda r: r["item_id"])
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def main() -> None:
    rows = read()
    halves = assign(rows)
    for row in rows:
        row["split"] = halves[row["item_id"]]
    write(rows)
    for half in HALVES:
        part = [r for r in rows if r["split"] == half]
        themes = ", ".join(f"{t}={sum(r[t] for r in part)}" for t in THEMES)
        domestic = sum(r["domain"] == "domestic" for r in part)
        print(f"{half}: {len(part)} sentences, {domestic} domestic, {themes}")


if __name__ == "__main__":
    main()
