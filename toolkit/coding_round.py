"""The coding round on disk: a sample drawn once, the coders' progress, adjudication and consensus.

Between the validation sample (:mod:`toolkit.sampling`) and the estimates (:mod:`toolkit.design`):
:func:`coding_sample` draws the sample once and keeps it with one blank sheet per coder in a folder,
so that running a report again never draws anew; :func:`coding_progress` says how far each coder
is; :func:`check_coding_folder` checks every sheet before a report reads them;
:func:`adjudication_sheet` lists the units the two coders coded differently for a third person to
decide, and :func:`consensus` joins the decisions to the agreed codes: the ``coded`` frame of
:func:`toolkit.design_based_shares` and :func:`toolkit.accuracy`.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from .errors import ToolkitError
from .sampling import _read_sheet, validation_sample, write_sheets
from .spreadsheet import spreadsheet_safe, write_csv

__all__ = ["coding_sample", "coding_progress", "adjudication_sheet", "consensus"]

SAMPLE_FILE = "sample.csv"
ADJUDICATION_FILE = "adjudication.csv"


def coding_sample(units: pd.DataFrame, folder: str | Path, n: int, *, strata: str | list[str] | None = None,
                  seed: int = 0, lexicon=None, labels: pd.DataFrame | None = None, coders=("A", "B"),
                  themes=None) -> pd.DataFrame:
    """The coding round's sample, drawn once and kept in ``folder``.

    The first call draws :func:`validation_sample`, writes it with its design to ``folder/sample.csv``
    (text included: the folder belongs to the project, not to a coder) and one blank sheet per coder
    (:func:`write_sheets`). Later calls read ``sample.csv`` back, so that running a report again never
    draws a new sample or overwrites a coder's sheet; they refuse a sample whose units the corpus no
    longer has (delete ``sample.csv`` to draw anew).
    """
    folder = Path(folder)
    path = folder / SAMPLE_FILE
    if path.is_file():
        from .spreadsheet import restore_frame

        sheet = restore_frame(pd.read_csv(path, encoding="utf-8", keep_default_na=False, dtype={"unit_id": str}))
        lost = sorted(set(sheet["unit_id"]) - set(units["unit_id"].astype(str)))
        if lost:
            raise ToolkitError(f"{path}: {len(lost)} sampled unit(s) are not in the corpus any more "
                               f"(e.g. {lost[0]!r}); the corpus or its segmentation changed since the "
                               f"sample was drawn: delete {path.name} to draw a new one")
        sheet["unit_id"] = sheet["unit_id"].astype(units["unit_id"].dtype)
        return sheet
    sheet = validation_sample(units, n, strata=strata, seed=seed, lexicon=lexicon, labels=labels)
    folder.mkdir(parents=True, exist_ok=True)
    write_csv(sheet, path, encoding="utf-8")
    existing = [c for c in coders if (folder / f"{c}.csv").exists() or (folder / f"{c}.xlsx").exists()]
    if existing:
        raise ToolkitError(f"{folder}: coding sheet(s) of {', '.join(existing)} exist without a {SAMPLE_FILE}; "
                           "move them away before drawing a new sample")
    write_sheets(sheet, folder, coders=coders, themes=themes)
    return sheet


def _coded_rows(path: Path, themes) -> tuple[pd.DataFrame | None, int]:
    if not path.is_file():
        return None, 0
    frame, _ = _read_sheet(path, themes)
    if not set(themes) <= set(frame.columns):
        return frame, 0
    values = frame[list(themes)].apply(pd.to_numeric, errors="coerce")
    return frame, int(values.isin([0, 1]).all(axis=1).sum())


def coding_progress(folder: str | Path, sheet: pd.DataFrame, coders=("A", "B"), themes=None) -> pd.DataFrame:
    """How far each coder is: ``coder``, ``file`` (the CSV or XLSX with more coded units), ``coded``,
    ``units`` and ``complete``. A unit counts as coded when every theme holds 0 or 1."""
    from .lexicon import STUDY_THEMES

    themes = list(themes or STUDY_THEMES)
    rows = []
    for coder in coders:
        best = (None, 0)
        for suffix in (".csv", ".xlsx"):
            path = Path(folder) / f"{coder}{suffix}"
            _, done = _coded_rows(path, themes)
            if path.is_file() and (best[0] is None or done > best[1]):
                best = (path, done)
        rows.append({"coder": coder, "file": best[0].name if best[0] else "", "coded": best[1],
                     "units": len(sheet), "complete": best[1] == len(sheet)})
    return pd.DataFrame(rows)


def check_coding_folder(folder: str | Path, themes, shown: str | None = None) -> None:
    """Check every sheet of a coding folder before a report reads it; raise once with every problem.

    Each coder's sheet and the adjudication (CSV or XLSX) must be readable, keep its
    ``sample_id`` column with ids of ``sample.csv``, and hold only empty cells, 0 or 1 in the
    theme columns. ``shown`` is how to name the folder in messages (default: ``folder``).
    """
    from .tables import read_table

    folder = Path(folder)
    shown = str(folder) if shown is None else shown
    themes = list(themes)
    known = None
    if (folder / SAMPLE_FILE).is_file():
        sample, _ = read_table(folder / SAMPLE_FILE, ["sample_id"], "coding sample", f"{shown}/{SAMPLE_FILE}")
        known = set(sample.sample_id)
    problems = []
    for path in sorted(folder.iterdir()):
        if path.name == SAMPLE_FILE or path.name.startswith((".", "~$")) or path.suffix.lower() not in (".csv", ".xlsx"):
            continue
        label = f"{shown}/{path.name}"
        try:
            frame, lines = _read_sheet(path, themes, label)
        except ToolkitError as err:
            problems.append(str(err))
            continue
        missing = [t for t in themes if t not in frame.columns]
        if missing:
            near = [f"{c!r} for {t!r}" for t in missing for c in frame.columns if str(c).casefold() == t.casefold()]
            problems.append(f"{label}: missing theme column(s) {', '.join(missing)} of the lexicon"
                            + (f"; read {', '.join(near)} (names are lower case)" if near else
                               f"; the sheet has {', '.join(map(str, frame.columns))}"))
        if known is not None:
            unknown = [f"{s} (line {line})" for line, s in zip(lines, frame.sample_id) if s not in known]
            if unknown:
                problems.append(f"{label}: sample_id(s) not in {SAMPLE_FILE}: {', '.join(unknown[:5])}"
                                + (f" and {len(unknown) - 5} more" if len(unknown) > 5 else ""))
    if problems:
        raise ToolkitError("\n".join(problems))


def adjudication_sheet(a: pd.DataFrame, b: pd.DataFrame, sheet: pd.DataFrame, folder: str | Path, themes=None,
                       names=("A", "B")) -> pd.DataFrame:
    """The units the two coders coded differently, for a third person to decide.

    One row per unit with any disagreement: the text and its context, each coder's codes
    (``<theme>_<name>``), and a column per theme that is filled where the coders agree and left empty
    where they differ, plus ``note`` for the reason of each decision. Written to
    ``folder/adjudication.csv`` (CSV and XLSX) unless it exists, so that decisions are never
    overwritten; returns the sheet.
    """
    from .lexicon import STUDY_THEMES

    themes = list(themes or STUDY_THEMES)
    both = a[["sample_id", *themes]].merge(b[["sample_id", *themes]], on="sample_id", suffixes=("_a", "_b"))
    differ = np.zeros(len(both), bool)
    for theme in themes:
        differ |= both[f"{theme}_a"].to_numpy() != both[f"{theme}_b"].to_numpy()
    part = both[differ]
    out = sheet.set_index("sample_id").loc[part["sample_id"], ["title", "context_before", "text", "context_after"]]
    out = out.reset_index()
    for theme in themes:
        x, y = part[f"{theme}_a"].to_numpy(), part[f"{theme}_b"].to_numpy()
        out[f"{theme}_{names[0]}"] = x
        out[f"{theme}_{names[1]}"] = y
        out[theme] = np.where(x == y, x.astype(object), "")
    out["note"] = ""
    path = Path(folder) / ADJUDICATION_FILE
    if not path.exists() and len(out):
        write_csv(out, path, encoding="utf-8")
        spreadsheet_safe(out).to_excel(path.with_suffix(".xlsx"), index=False, sheet_name="adjudication")
    return out


def consensus(a: pd.DataFrame, b: pd.DataFrame, folder: str | Path | None = None, themes=None) -> pd.DataFrame:
    """The adjudicated codes: where the coders agree, their code; where they differ, the decision in
    ``folder/adjudication.csv`` (or .xlsx, whichever has more decisions). Only the themes the coders
    coded differently are read from the decisions; an agreed theme keeps the coders' code.

    ``a`` and ``b`` are :func:`read_codes` frames of the same sheet. Raises when a disagreement has no
    decision yet, naming how many are left. Returns a frame like ``a``: the ``coded`` argument of
    :func:`design_based_shares`.
    """
    from .lexicon import STUDY_THEMES

    themes = list(themes or STUDY_THEMES)
    merged = a.merge(b[["sample_id", *themes]], on="sample_id", suffixes=("", "_b"))
    differ = np.zeros(len(merged), bool)
    for theme in themes:
        differ |= merged[theme].to_numpy() != merged[f"{theme}_b"].to_numpy()
    out = merged.drop(columns=[f"{t}_b" for t in themes])
    if not differ.any():
        return out
    decisions = None
    if folder is not None:
        found = [_coded_rows(Path(folder) / f"adjudication{s}", themes) for s in (".csv", ".xlsx")]
        found = [f for f in found if f[0] is not None]
        if found:
            decisions = max(found, key=lambda f: f[1])[0]
    needed = set(merged.sample_id[differ])
    if decisions is None:
        raise ToolkitError(f"{len(needed)} unit(s) coded differently by the two coders wait for adjudication "
                           f"({ADJUDICATION_FILE} in {folder})")
    decisions = decisions.set_index("sample_id")
    values = decisions.reindex(merged["sample_id"].astype(str))[themes].apply(pd.to_numeric, errors="coerce")
    out = out.reset_index(drop=True)
    left = set()
    for theme in themes:
        split = merged[theme].to_numpy() != merged[f"{theme}_b"].to_numpy()
        decided = values[theme].to_numpy()
        missing = split & ~np.isin(decided, [0, 1])
        left |= set(merged["sample_id"][missing])
        out.loc[split, theme] = np.where(missing[split], -1, decided[split]).astype(int)
    if left:
        raise ToolkitError(f"{ADJUDICATION_FILE}: {len(left)} of {len(needed)} disagreement(s) have no decision yet "
                           f"(e.g. {sorted(left)[0]}); fill each open theme with 0 or 1")
    return out.astype({t: int for t in themes})
