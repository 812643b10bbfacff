"""Draw the cleaning audit: a stratified probability sample of lines removed by the cleaning rules.

Run from the repository root, after the cleaning rules are frozen (their commit is recorded)::

    python data/validation/cleaning/draw.py \
        --corpus dantri=PATH/TO/UNC --corpus baomoi=PATH/TO/BAOMOI --corpus study=data \
        --sheet PATH/OUTSIDE/REPO/sheet.csv

Each ``--corpus label=folder`` is a corpus folder (``corpus.csv`` + ``raw/``). The outlet of a document
is its manifest's ``outlet`` value (the label when empty). Only documents of the audit half are
eligible: those whose ``sha256(doc_id)`` is odd; the even half was the only text used to tune the
rules. Eligible lines are the records of :data:`toolkit.clean.REASONS` (lines or prefixes removed
by a cleaning rule), not what normalisation deletes (markup, control characters).

Design: strata are outlet x rule. Each stratum gets ``--min-per-stratum`` lines (or all of them)
and the rest of ``--n`` is allocated in proportion to stratum size; within a stratum a simple random
sample without replacement is drawn with ``numpy.random.default_rng(SEED)``, strata in sorted order.
A line's inclusion probability is drawn / size of its stratum.

Writes:

- the coding sheet (``--sheet``, outside the repository: the corpora's text may not be shipped):
  ``line_id, outlet, context_before, line, context_after, code, note`` in random order, no rule;
- ``sample.csv`` beside this script, without text: ``line_id, corpus, doc_id, line_number, rule,
  outlet, stratum, stratum_size, drawn, inclusion_prob, line_sha256``;
- ``strata.csv`` beside this script: population and sample size of every stratum (ineligible
  corpora and outlets included, with zero drawn).
"""
from __future__ import annotations

import argparse
import hashlib
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parent
SEED = 20261205   # the date of the draw; fixed before drawing
CONTEXT_CHARS = 300   # context cells are cut to this many characters next to the line


def audit_half(doc_id: str) -> bool:
    """True for the documents kept for the audit (``sha256(doc_id)`` odd); the even half tunes."""
    return int(hashlib.sha256(str(doc_id).encode("utf-8")).hexdigest(), 16) % 2 == 1


def _pieces(root: Path, file: str) -> list[tuple[int, str]]:
    """The lines of a file as cleaning saw them: ``(raw line number, normalised text)``, blank ones left out.

    Normalisation can split a raw line (a ``<br>``, a run of spaces that separates paragraphs in an
    export): the neighbours of a removed line are then parts of the same raw line.
    """
    from toolkit.clean import drop_hidden_blocks
    from toolkit.normalize import normalize_audited

    text = (root / "raw" / file).read_bytes().decode("utf-8-sig", errors="replace")
    raw, _ = drop_hidden_blocks(text.replace("\r\n", "\n").replace("\r", "\n").split("\n"))
    return [(number, piece.strip()) for number, line in enumerate(raw, start=1)
            for piece in normalize_audited(line).text.split("\n") if piece.strip()]


def _cut(text: str, keep_end: bool) -> str:
    if len(text) <= CONTEXT_CHARS:
        return text
    return "…" + text[-CONTEXT_CHARS:] if keep_end else text[:CONTEXT_CHARS] + "…"


def _context(pieces: list[tuple[int, str]], number: int, removed: str) -> tuple[str, str]:
    """The text before and after a removed line or prefix, as a reader of the scraped page saw it.

    For a prefix (a dateline) the text after is the rest of its own line.
    """
    for i, (n, piece) in enumerate(pieces):
        if n != number:
            continue
        if piece == removed.strip():
            before = pieces[i - 1][1] if i > 0 else ""
            after = pieces[i + 1][1] if i + 1 < len(pieces) else ""
            return _cut(before, True), _cut(after, False)
        if piece.startswith(removed.strip()) and removed.strip():
            before = pieces[i - 1][1] if i > 0 else ""
            return _cut(before, True), _cut(piece[len(removed.strip()):].strip(), False)
    return "", ""


def population(corpora: dict[str, Path]) -> pd.DataFrame:
    """Every line removed by a cleaning rule in the audit half of each corpus, with its outlet and context."""
    import toolkit as tk
    from toolkit.clean import REASONS

    frames = []
    for label, root in corpora.items():
        corpus = tk.load_corpus(root)
        docs = corpus.documents.set_index("doc_id")
        removed = corpus.removed[corpus.removed["reason"].isin(REASONS)]
        removed = removed[removed["doc_id"].map(audit_half)].copy()
        outlets = docs["outlet"].fillna("").astype(str).str.strip()
        removed["outlet"] = removed["doc_id"].map(outlets).replace("", label)
        removed["corpus"] = label
        cache = {doc_id: _pieces(root, docs.loc[doc_id, "file"]) for doc_id in removed["doc_id"].unique()}
        context = [_context(cache[d], n, t) for d, n, t in zip(removed["doc_id"], removed["line"], removed["text"])]
        removed["context_before"] = [b for b, _ in context]
        removed["context_after"] = [a for _, a in context]
        frames.append(removed)
        print(f"{label}: {len(corpus.documents)} documents, {int(corpus.documents.doc_id.map(audit_half).sum())} "
              f"in the audit half, {len(removed)} removed lines there", file=sys.stderr)
    out = pd.concat(frames, ignore_index=True).rename(columns={"reason": "rule", "line": "line_number"})
    return out


def allocate(sizes: pd.Series, n: int, minimum: int) -> pd.Series:
    """``minimum`` per stratum (or all of it), the rest in proportion to what is left of each stratum.

    The proportional part is rounded by largest remainders (Hamilton); a stratum never gets more
    lines than it has, and what a full stratum cannot take is shared again among the others.
    """
    take = np.minimum(sizes, minimum).astype(int)
    left = n - int(take.sum())
    while left > 0 and (sizes - take).sum() > 0:
        room = sizes - take
        share = room / room.sum() * left
        add = np.minimum(np.floor(share).astype(int), room)
        rest = left - int(add.sum())
        fraction = (share - np.floor(share)).where(room > add, -1.0)
        for key in fraction.sort_values(ascending=False, kind="stable").index[:rest]:
            if room[key] > add[key]:
                add[key] += 1
        take = take + add
        left = n - int(take.sum())
    return take


def draw(pop: pd.DataFrame, n: int, minimum: int, seed: int = SEED) -> pd.DataFrame:
    pop = pop.sort_values(["corpus", "doc_id", "line_number", "rule"], kind="stable").reset_index(drop=True)
    pop["stratum"] = pop["outlet"] + "/" + pop["rule"]
    sizes = pop["stratum"].value_counts().sort_index()
    take = allocate(sizes, n, minimum)
    rng = np.random.default_rng(seed)
    picked = []
    for stratum in sizes.index:
        part = pop[pop["stratum"] == stratum]
        rows = part.iloc[np.sort(rng.choice(len(part), size=int(take[stratum]), replace=False))].copy()
        rows["stratum_size"] = len(part)
        rows["drawn"] = int(take[stratum])
        rows["inclusion_prob"] = take[stratum] / len(part)
        picked.append(rows)
    sample = pd.concat(picked, ignore_index=True)
    sample = sample.iloc[rng.permutation(len(sample))].reset_index(drop=True)   # the sheet shows no order of rule
    sample["line_id"] = [f"L{i:04d}" for i in range(1, len(sample) + 1)]
    sample["line_sha256"] = [hashlib.sha256(t.encode("utf-8")).hexdigest() for t in sample["text"]]
    return sample


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--corpus", action="append", required=True, help="label=folder; repeat")
    parser.add_argument("--sheet", required=True, help="coding sheet to write, outside the repository")
    parser.add_argument("--n", type=int, default=360)
    parser.add_argument("--min-per-stratum", type=int, default=15)
    args = parser.parse_args(argv)
    corpora = {}
    for spec in args.corpus:
        label, _, folder = spec.partition("=")
        if not folder:
            parser.error(f"--corpus takes label=folder, got {spec!r}")
        corpora[label] = Path(folder)
    sheet_path = Path(args.sheet).resolve()
    if HERE.parents[2] in sheet_path.parents:
        parser.error("the coding sheet holds the corpora's text: write it outside the repository")
    commit = subprocess.run(["git", "rev-parse", "HEAD"], capture_output=True, text=True, cwd=HERE).stdout.strip()
    pop = population(corpora)
    sample = draw(pop, args.n, args.min_per_stratum)
    sheet = sample.rename(columns={"text": "line"})[["line_id", "outlet", "context_before", "line", "context_after"]]
    sheet = sheet.assign(code="", note="")
    sheet_path.parent.mkdir(parents=True, exist_ok=True)
    from toolkit.spreadsheet import write_csv

    write_csv(sheet, sheet_path)
    record = sample[["line_id", "corpus", "doc_id", "line_number", "rule", "outlet", "stratum", "stratum_size",
                     "drawn", "inclusion_prob", "line_sha256"]].sort_values("line_id")
    record.to_csv(HERE / "sample.csv", index=False, float_format="%.6f")
    strata = (pop.assign(stratum=pop["outlet"] + "/" + pop["rule"]).groupby(["corpus", "outlet", "rule"])
              .size().rename("population").reset_index())
    drawn = record.groupby(["corpus", "outlet", "rule"]).size().rename("drawn")
    strata = strata.join(drawn, on=["corpus", "outlet", "rule"]).fillna({"drawn": 0})
    strata["drawn"] = strata["drawn"].astype(int)
    strata.to_csv(HERE / "strata.csv", index=False)
    blind = int(((sample["context_before"] == "") & (sample["context_after"] == "")).sum())
    if blind:
        print(f"warning: {blind} drawn lines have no context on either side", file=sys.stderr)
    print(f"rules at commit {commit}; seed {SEED}; {len(pop)} eligible lines; {len(sample)} drawn from "
          f"{sample['outlet'].nunique()} outlets; sheet: {sheet_path}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
