"""Score the cleaning audit: coder agreement and the share of content among removed lines.

Usage, from the repository root, once two coders have each filled the ``code`` column of a copy of the
coding sheet with ``furniture`` or ``content``::

    python data/validation/cleaning/score.py CODER_A.csv CODER_B.csv [--consensus ADJUDICATED.csv] [--out FILE.csv]

The sample record ``sample.csv`` beside this script gives each line's rule, stratum (outlet x rule),
stratum size and inclusion probability; the coders' files are matched to it on ``line_id``.

Reported:

- Krippendorff's alpha (nominal) between the two coders, with the ``krippendorff`` package, and the
  percent agreement;
- for each coder, for the consensus when given, and for "either" (content when either coder says
  so: the cautious reading while disagreements are not adjudicated), the design-weighted share of
  content among all removed lines of the audit half, overall and per rule. The estimator is the
  stratified one, sum over strata of N_h / N times the stratum's sample share; its variance is
  the stratified variance with the finite-population correction. The interval is Clopper-Pearson on
  the effective sample size n_eff = p(1 - p) / var (Korn and Graubard 1998, "Confidence intervals
  for proportions with small expected number of positive counts estimated from survey data",
  Survey Methodology 24), with n_eff the number of coded lines when the variance is zero, and at
  most that number. ``content_lines`` is the estimated number of removed lines that are content.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import stats

HERE = Path(__file__).resolve().parent
CODES = {"furniture": 0, "content": 1}


class CodingError(ValueError):
    pass


def read_coding(path: str | Path, sample: pd.DataFrame) -> pd.Series:
    """A coder's codes (1 = content, 0 = furniture) indexed by line_id; every sampled line must be coded."""
    from toolkit.spreadsheet import restore_frame

    frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    frame = restore_frame(frame)
    for column in ("line_id", "code"):
        if column not in frame.columns:
            raise CodingError(f"{path}: no {column!r} column; columns: {', '.join(frame.columns)}")
    problems, codes, seen = [], {}, set()
    for row, (line_id, code) in enumerate(zip(frame["line_id"], frame["code"]), start=2):   # row 1 is the header
        value = code.strip().lower()
        if line_id in seen:
            problems.append(f"{path}, line {row}: {line_id} is coded twice")
        elif value not in CODES:
            problems.append(f"{path}, line {row}: {line_id} has code {code!r}; write furniture or content")
        else:
            codes[line_id] = CODES[value]
        seen.add(line_id)
    missing = sorted(set(sample["line_id"]) - seen)
    if missing:
        problems.append(f"{path}: {len(missing)} sampled lines are not coded, e.g. {', '.join(missing[:5])}")
    extra = sorted(seen - set(sample["line_id"]))
    if extra:
        problems.append(f"{path}: {len(extra)} line_ids are not in the sample, e.g. {', '.join(extra[:5])}")
    if problems:
        raise CodingError("\n".join(problems))
    return pd.Series(codes, name="content").reindex(sample["line_id"])


def alpha(a: pd.Series, b: pd.Series) -> float:
    """Krippendorff's alpha (nominal) of two coders' 0/1 codes of the same lines."""
    import krippendorff

    data = np.vstack([a.to_numpy(float), b.to_numpy(float)])
    if len(np.unique(data)) < 2:
        return float("nan")   # no variation at all: alpha is undefined
    return float(krippendorff.alpha(reliability_data=data, level_of_measurement="nominal", value_domain=[0.0, 1.0]))


def weighted_share(sample: pd.DataFrame, y: pd.Series, ci: float = 0.95) -> dict:
    """Stratified estimate of the share of content lines, with a Korn-Graubard Clopper-Pearson interval."""
    frame = sample.assign(y=y.to_numpy(float))
    total = frame.groupby("stratum")["stratum_size"].first().sum()
    share, var = 0.0, 0.0
    for _, part in frame.groupby("stratum"):
        size, n = part["stratum_size"].iloc[0], len(part)
        p = part["y"].mean()
        weight = size / total
        share += weight * p
        if n > 1:
            var += weight ** 2 * (1 - n / size) * part["y"].var(ddof=1) / n
    n = len(frame)
    n_eff = min(n, share * (1 - share) / var) if var > 0 else n
    x = share * n_eff
    alpha_ = 1 - ci
    low = 0.0 if x <= 0 else stats.beta.ppf(alpha_ / 2, x, n_eff - x + 1)
    high = 1.0 if x >= n_eff else stats.beta.ppf(1 - alpha_ / 2, x + 1, n_eff - x)
    return {"coded": n, "removed_lines": int(total), "share_content": share, "ci_low": float(low),
            "ci_high": float(high), "n_eff": n_eff, "content_lines": share * total}


def score(sample: pd.DataFrame, codings: dict[str, pd.Series]) -> pd.DataFrame:
    rows = []
    for reading, y in codings.items():
        rows.append({"reading": reading, "rule": "all", **weighted_share(sample, y)})
        for rule, part in sample.groupby("rule"):
            rows.append({"reading": reading, "rule": rule, **weighted_share(part, y.loc[part.index])})
    return pd.DataFrame(rows)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("coder_a")
    parser.add_argument("coder_b")
    parser.add_argument("--consensus", help="the adjudicated codes, same columns")
    parser.add_argument("--sample", default=str(HERE / "sample.csv"))
    parser.add_argument("--out", help="write the table of estimates to this CSV")
    args = parser.parse_args(argv)
    sample = pd.read_csv(args.sample, dtype={"line_id": str})
    try:
        a = read_coding(args.coder_a, sample)
        b = read_coding(args.coder_b, sample)
        consensus = read_coding(args.consensus, sample) if args.consensus else None
    except CodingError as error:
        print(error, file=sys.stderr)
        return 2
    sample = sample.set_index("line_id", drop=False)
    agree = float((a == b).mean())
    print(f"{len(sample)} lines coded by both coders; agreement {agree:.1%}; "
          f"Krippendorff's alpha (nominal) {alpha(a, b):.3f}")
    codings = {"coder A": a, "coder B": b, "either coder": ((a + b) > 0).astype(int)}
    if consensus is not None:
        codings["consensus"] = consensus
    table = score(sample, codings)
    with pd.option_context("display.width", 160, "display.float_format", "{:.4f}".format):
        print(table.to_string(index=False))
    if args.out:
        table.to_csv(args.out, index=False, float_format="%.6f")
    return 0


if __name__ == "__main__":
    sys.exit(main())
