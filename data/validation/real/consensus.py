"""The two codings: agreement, the adjudication sheet, and the consensus.

Usage::

    python consensus.py agree HALF CODER1_CSV CODER2_CSV SHEET_CSV OUT_DIR
        copy the coders' codes (no text) to codes/coder_{1,2}_HALF.csv, add their agreement to
        agreement.csv, and write OUT_DIR/adjudicate_HALF.csv: every sentence on which they differ,
        with its text and both codes (it carries the text, so it stays outside the repository)
    python consensus.py merge HALF
        codes/consensus: the agreed codes plus the decisions of codes/adjudication_HALF.csv

Agreement is Krippendorff's alpha per theme (nominal, two coders; ``toolkit.krippendorff_alpha``) with
a 95% bootstrap interval over sentences, Cohen's kappa and percent agreement, for the domain as well.
"""
from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd

import toolkit as tk

HERE = Path(__file__).resolve().parent
CODES = HERE / "codes"
THEMES = list(tk.THEMES)
COLUMNS = ["sample_id", *THEMES, "domain", "note"]


def read_coding(path: Path, sheet: pd.DataFrame) -> pd.DataFrame:
    codes = pd.read_csv(path, keep_default_na=False, dtype=str)
    missing = [c for c in COLUMNS if c not in codes.columns]
    if missing:
        sys.exit(f"{path}: missing column(s) {', '.join(missing)}")
    codes = codes[COLUMNS].copy()
    bad = ~codes[THEMES].isin(["0", "1"]).all(axis=1) | ~codes.domain.isin(["foreign_affairs", "domestic"])
    if bad.any():
        sys.exit(f"{path}: line(s) {', '.join(str(i + 2) for i in codes.index[bad][:10])} hold a value other than 0/1 "
                 "or foreign_affairs/domestic")
    if codes.sample_id.duplicated().any() or set(codes.sample_id) != set(sheet.sample_id):
        sys.exit(f"{path}: sample_ids differ from the sheet's (each must appear once)")
    return codes.astype({t: int for t in THEMES}).sort_values("sample_id").reset_index(drop=True)


def agree(half: str, first: Path, second: Path, sheet_path: Path, out: Path) -> None:
    sheet = pd.read_csv(sheet_path, keep_default_na=False)
    a, b = read_coding(first, sheet), read_coding(second, sheet)
    CODES.mkdir(exist_ok=True)
    a.to_csv(CODES / f"coder_1_{half}.csv", index=False)
    b.to_csv(CODES / f"coder_2_{half}.csv", index=False)
    dom_a = a.assign(foreign_affairs=(a.domain == "foreign_affairs").astype(int))
    dom_b = b.assign(foreign_affairs=(b.domain == "foreign_affairs").astype(int))
    table = tk.agreement(dom_a, dom_b, THEMES + ["foreign_affairs"], key="sample_id", seed=0)
    table.insert(0, "half", half)
    path = HERE / "agreement.csv"
    old = pd.read_csv(path) if path.is_file() else pd.DataFrame()
    if len(old):
        old = old[old.half != half]
    pd.concat([old, table], ignore_index=True).round(4).to_csv(path, index=False)
    print(table.round(3).to_string(index=False))
    both = a.merge(b, on="sample_id", suffixes=("_1", "_2"))
    differ = pd.Series(False, index=both.index)
    for column in THEMES + ["domain"]:
        differ |= both[f"{column}_1"] != both[f"{column}_2"]
    rows = both[differ].merge(sheet, on="sample_id")
    keep = ["sample_id", "title", "context_before", "text", "context_after"]
    for column in THEMES + ["domain", "note"]:
        keep += [f"{column}_1", f"{column}_2"]
    out.mkdir(parents=True, exist_ok=True)
    rows[keep].to_csv(out / f"adjudicate_{half}.csv", index=False)
    print(f"{len(rows)} of {len(both)} sentences to adjudicate -> {out / f'adjudicate_{half}.csv'}")


def merge(half: str) -> None:
    a = pd.read_csv(CODES / f"coder_1_{half}.csv", keep_default_na=False)
    b = pd.read_csv(CODES / f"coder_2_{half}.csv", keep_default_na=False)
    decided = pd.read_csv(CODES / f"adjudication_{half}.csv", keep_default_na=False).set_index("sample_id")
    out = a[["sample_id", *THEMES, "domain"]].copy().set_index("sample_id")
    other = b.set_index("sample_id").loc[out.index]
    differ = (out[THEMES + ["domain"]] != other[THEMES + ["domain"]]).any(axis=1)
    undecided = sorted(set(out.index[differ]) - set(decided.index))
    if undecided:
        sys.exit(f"adjudication_{half}.csv lacks {len(undecided)} disagreement(s), e.g. {', '.join(undecided[:5])}")
    for sample_id, row in decided.iterrows():
        for column in THEMES + ["domain"]:
            out.loc[sample_id, column] = row[column]
    out = out.astype({t: int for t in THEMES})
    out["source"] = "agreed"
    out.loc[decided.index, "source"] = "adjudicated"
    out.reset_index().to_csv(CODES / f"{half}_consensus.csv", index=False)
    print(out[THEMES].sum().to_string(), "\n", out.domain.value_counts().to_string())


if __name__ == "__main__":
    if len(sys.argv) >= 2 and sys.argv[1] == "agree" and len(sys.argv) == 7:
        agree(sys.argv[2], *map(Path, sys.argv[3:]))
    elif len(sys.argv) == 3 and sys.argv[1] == "merge":
        merge(sys.argv[2])
    else:
        sys.exit(__doc__)
