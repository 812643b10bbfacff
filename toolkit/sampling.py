"""The validation sample and its coding sheets: what the coders see, and their codes read back.

The first step of measurement validation (:mod:`toolkit.design` has the workflow): a stratified
probability sample of the units the toolkit measures, each with its inclusion probability
(:func:`validation_sample`); one blank, spreadsheet-safe sheet per coder showing only the text and
its context (:func:`write_sheets`); and a coder's sheet read back, checked and joined to the design
(:func:`read_codes`). It sits below :mod:`toolkit.coding_round`, which keeps a round's sample and
sheets on disk and reads them with the sheet reader here, and below :mod:`toolkit.design`, which
turns the codes into design-based estimates over the same selection of measured units and their
automated labels.
"""
from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd

from .errors import ToolkitError
from .pipeline import select_units
from .spreadsheet import restore, spreadsheet_safe, write_csv

__all__ = ["validation_sample", "write_sheets", "read_codes"]

SHEET_COLUMNS = ["unit_id", "doc_id", "title", "context_before", "text", "context_after"]


def _select(units: pd.DataFrame) -> pd.DataFrame:
    """The units the toolkit measures (:func:`toolkit.select_units`, as :func:`toolkit.theme_shares` selects):
    body units that are not near-duplicates; a frame without a ``kind`` column is taken as all body."""
    return select_units(units, ("body",) if "kind" in units.columns else None, True)


def _labels(units: pd.DataFrame, lexicon, labels) -> pd.DataFrame:
    """Automated 0/1 labels per unit, indexed like ``units``."""
    from .labels import label_themes
    from .measure import _lexicon

    if labels is not None:
        if isinstance(labels, pd.DataFrame):
            if not labels.index.equals(units.index):
                if "unit_id" in labels.columns:
                    labels = labels.set_index("unit_id").reindex(units["unit_id"].to_numpy())
                    labels.index = units.index
                else:
                    raise ToolkitError("labels must have the units' index or a unit_id column")
            return labels.astype(float)
        raise ToolkitError(f"labels must be a DataFrame of 0/1 columns, got {type(labels).__name__}")
    lex = _lexicon(lexicon)
    present = [t for t in lex.themes if t in units.columns]
    if len(present) == len(lex.themes):
        return units[list(lex.themes)].astype(float)
    return label_themes(units, lex).astype(float)


def validation_sample(units: pd.DataFrame, n: int, *, strata: str | list[str] | None = None, seed: int = 0,
                      lexicon=None, labels: pd.DataFrame | None = None, min_per_stratum: int = 2,
                      marked_share: float = 0.5) -> pd.DataFrame:
    """A stratified simple random sample of units to hand-code, with each unit's inclusion probability.

    Parameters
    ----------
    units : pandas.DataFrame
        Segmented units (``tk.segment``): body units that are not near-duplicates are eligible.
    n : int
        Units to draw in total.
    strata : str or list of str, optional
        Unit columns whose combinations are the strata (e.g. ``"year"``). With ``lexicon`` or ``labels``
        the automated label (any theme or none) is crossed with them, so that rare positives are
        sampled often enough; the sheet never shows it.
    seed : int
        Seed of the draw: the same units, strata and seed give the same sample.
    lexicon, labels
        Measurement to stratify on (optional). Without either, the label plays no part.
    min_per_stratum : int
        Each stratum gets at least this many units (or all of its units); the rest is allocated in
        proportion to stratum size.
    marked_share : float, default 0.5
        With ``lexicon`` or ``labels``: the share of ``n`` drawn from the units the measurement marks
        (any theme), in proportion to size among their strata, the rest from the unmarked ones. Marked
        units are usually a few percent of a corpus; drawn in proportion they would give a handful of
        positives to judge precision on. Capped by the marked units there are.

    Returns
    -------
    pandas.DataFrame
        The coding sheet in random order: ``sample_id``, ``unit_id``, ``doc_id``, ``title``,
        ``context_before``, ``text``, ``context_after``, ``stratum``, ``inclusion_prob``, and the
        strata columns. It carries no score or label.
    """
    if not isinstance(n, (int, np.integer)) or n < 1:
        raise ToolkitError(f"n must be a positive integer, got {n!r}")
    for column in ("unit_id", "doc_id", "text"):
        if column not in units.columns:
            raise ToolkitError(f"units lack column {column!r}: pass the frame tk.segment returns")
    strata = [strata] if isinstance(strata, str) else list(strata or [])
    missing = [c for c in strata if c not in units.columns]
    if missing:
        raise ToolkitError(f"strata column(s) {', '.join(map(repr, missing))} not in the units; "
                           f"columns: {', '.join(map(str, units.columns))}")
    ordered = units.sort_values([c for c in ("doc_id", "paragraph", "sentence") if c in units.columns], kind="stable")
    pool = _select(ordered).copy()
    if n > len(pool):
        raise ToolkitError(f"n = {n} exceeds the {len(pool)} eligible units")
    keys = [pool[c].astype(str) for c in strata]
    if lexicon is not None or labels is not None:
        auto = _labels(pool, lexicon, labels)
        keys.append(pd.Series(np.where(auto.to_numpy().any(axis=1), "theme", "none"), index=pool.index))
    pool["stratum"] = ["/".join(parts) for parts in zip(*keys)] if keys else "all"
    sizes = pool["stratum"].value_counts().sort_index()
    if lexicon is not None or labels is not None:
        if not 0 <= marked_share <= 1:
            raise ToolkitError(f"marked_share must be between 0 and 1, got {marked_share!r}")
        marked = sizes[[str(s).split("/")[-1] == "theme" for s in sizes.index]]
        rest = sizes.drop(marked.index)
        n_marked = min(int(round(n * marked_share)), int(marked.sum()))
        n_marked = max(n_marked, min(n - int(rest.sum()), int(marked.sum())))   # all the rest is too little
        parts = [(marked, n_marked), (rest, n - n_marked)]
        alloc = {}
        for part, size in parts:
            if len(part):
                alloc.update(_allocate(part, size, min(min_per_stratum, size // max(len(part), 1))))
    else:
        alloc = _allocate(sizes, n, min_per_stratum)
    rng = np.random.default_rng(seed)
    picked = []
    for stratum, size in sizes.items():
        take = alloc[stratum]
        part = pool[pool["stratum"] == stratum]
        rows = part.iloc[np.sort(rng.choice(size, size=take, replace=False))].copy()
        rows["inclusion_prob"] = take / size
        picked.append(rows)
    sample = pd.concat(picked)
    # context: the units before and after in the same article (titles and captions included)
    prev = ordered.groupby("doc_id", sort=False)["text"].shift(1)
    nxt = ordered.groupby("doc_id", sort=False)["text"].shift(-1)
    sample["context_before"] = prev.reindex(sample.index).fillna("").to_numpy()
    sample["context_after"] = nxt.reindex(sample.index).fillna("").to_numpy()
    if "title" not in sample.columns:
        sample["title"] = ""
    sample = sample.iloc[rng.permutation(len(sample))].reset_index(drop=True)
    sample.insert(0, "sample_id", [f"s{i + 1:05d}" for i in range(len(sample))])
    keep = ["sample_id"] + SHEET_COLUMNS + ["stratum", "inclusion_prob"] + [c for c in strata if c not in SHEET_COLUMNS]
    return sample[keep]


def _allocate(sizes: pd.Series, n: int, floor: int) -> dict:
    """Proportional allocation with a floor, summing to ``n`` (largest remainders)."""
    base = {s: min(floor, int(size)) for s, size in sizes.items()}
    left = n - sum(base.values())
    if left < 0:
        raise ToolkitError(f"n = {n} is smaller than {len(sizes)} strata x {floor} units each; "
                           "use fewer strata or a larger n")
    room = {s: int(sizes[s]) - base[s] for s in base}
    total_room = sum(room.values())
    want = {s: left * room[s] / total_room if total_room else 0.0 for s in base}
    extra = {s: min(room[s], int(math.floor(want[s]))) for s in base}
    rest = left - sum(extra.values())
    for s in sorted(base, key=lambda s: (-(want[s] - math.floor(want[s])), str(s))):
        if rest <= 0:
            break
        if extra[s] < room[s]:
            extra[s] += 1
            rest -= 1
    return {s: base[s] + extra[s] for s in base}


def write_sheets(sheet: pd.DataFrame, folder: str | Path, coders=("A", "B"), themes=None,
                 xlsx: bool = True, safe: bool | None = None) -> list[Path]:
    """One blank coding sheet per coder, as CSV (and XLSX), with only what a coder may see.

    Each sheet has ``sample_id``, the title, the context and the text, and an empty column per theme
    plus ``note``. Design columns (stratum, inclusion probability) stay in ``sheet``: keep it for
    :func:`read_codes`. Returns the files written.

    The sheets are opened in a spreadsheet, so they are spreadsheet-safe
    (:func:`toolkit.spreadsheet.spreadsheet_safe`): a title or text beginning with ``=``, ``+``,
    ``-``, ``@``, a tab or a carriage return is written with a leading ``'`` and shows as text
    instead of running as a formula. ``safe=False`` writes the cells as they are; None (the default)
    follows ``toolkit.spreadsheet.SAFE``.
    """
    from .lexicon import STUDY_THEMES

    themes = list(themes or STUDY_THEMES)
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    blank = sheet[["sample_id", "title", "context_before", "text", "context_after"]].copy()
    for theme in themes:
        blank[theme] = ""
    blank["note"] = ""
    written = []
    for coder in coders:
        path = folder / f"{coder}.csv"
        write_csv(blank, path, safe, encoding="utf-8")
        written.append(path)
        if xlsx:
            try:
                spreadsheet_safe(blank, safe).to_excel(folder / f"{coder}.xlsx", index=False, sheet_name="coding")
            except ImportError as exc:  # pragma: no cover - openpyxl is a dependency
                raise ToolkitError("writing XLSX sheets needs openpyxl (pip install openpyxl)") from exc
            written.append(folder / f"{coder}.xlsx")
    return written


def _read_sheet(path: Path, themes, shown: str | None = None) -> tuple[pd.DataFrame, list[int]]:
    """A coding sheet (CSV or XLSX) as strings with each row's line, its theme cells checked.

    CSV is read as spreadsheets save it (:func:`toolkit.tables.read_table`: byte-order mark,
    semicolons, the Windows code page refused with the fix). A theme cell must be empty (not coded
    yet), 0 or 1; anything else is an error naming the file, line and sample_id. A sample_id
    listed twice is an error too.
    """
    from .spreadsheet import restore_frame
    from .tables import read_table

    shown = str(path) if shown is None else shown
    if path.suffix.lower() == ".xlsx":
        try:
            frame = pd.read_excel(path, dtype=str).fillna("")
        except Exception as err:   # zip or XML damage: openpyxl raises many kinds
            raise ToolkitError(f"{shown}: cannot read the coding sheet ({type(err).__name__}: {err}); "
                               "save it again from the spreadsheet as .xlsx or as CSV UTF-8") from None
        frame = frame.map(lambda v: v.strip() if isinstance(v, str) else v)
        frame.columns = [str(c).strip() for c in frame.columns]
        lines = [i + 2 for i in range(len(frame))]
        if "sample_id" not in frame.columns:
            raise ToolkitError(f"{shown}: missing column sample_id in the coding sheet; found "
                               f"{', '.join(map(str, frame.columns)) or 'none'}")
    else:
        frame, lines = read_table(path, ["sample_id"], "coding sheet", shown)
    frame = restore_frame(frame)
    frame.columns = [restore(c) for c in frame.columns]   # a theme named "=x" is written as "'=x"
    problems = []
    first: dict[str, int] = {}
    for line, sample_id in zip(lines, frame["sample_id"]):
        if not sample_id:
            problems.append(f"{shown}, line {line}: empty sample_id; keep the sheet's sample_id column as it was written")
        elif sample_id in first:
            problems.append(f"{shown}, line {line}: sample_id {sample_id} is listed twice (also line {first[sample_id]}); "
                            "keep one row per unit")
        else:
            first[sample_id] = line
    for theme in themes:
        if theme not in frame.columns:
            continue
        for line, sample_id, value in zip(lines, frame["sample_id"], frame[theme]):
            try:
                ok = value == "" or float(value) in (0.0, 1.0)
            except ValueError:
                ok = False
            if not ok:
                problems.append(f"{shown}, line {line} (sample_id {sample_id}): {theme} is {value!r}; code 0 or 1 "
                                "(leave the cell empty while the unit is not coded)")
    if problems:
        more = f"\n... and {len(problems) - 10} more" if len(problems) > 10 else ""
        head = "" if len(problems) == 1 else f"{len(problems)} problems in the coding sheet:\n"
        raise ToolkitError(head + "\n".join(problems[:10]) + more)
    return frame, lines


def read_codes(path: str | Path, sheet: pd.DataFrame, themes=None) -> pd.DataFrame:
    """A coder's (or the adjudicated) codes joined to the design of ``sheet``.

    Returns ``sample_id``, ``unit_id``, ``doc_id``, ``stratum``, ``inclusion_prob`` and one 0/1 column
    per theme: the ``coded`` frame of :func:`design_based_shares`. Every sampled unit must be coded
    0 or 1 for every theme; errors name the file and line.
    """
    from .lexicon import STUDY_THEMES

    themes = list(themes or STUDY_THEMES)
    path = Path(path)
    codes, lines = _read_sheet(path, themes)
    missing = [c for c in ["sample_id", *themes] if c not in codes.columns]
    if missing:
        raise ToolkitError(f"{path}: missing column(s) {', '.join(missing)}")
    known = set(sheet.sample_id.astype(str))
    unknown = [(line, s) for line, s in zip(lines, codes.sample_id) if s not in known]
    if unknown:
        raise ToolkitError(f"{path}: sample_id(s) not in the sheet: "
                           f"{', '.join(f'{s} (line {line})' for line, s in unknown[:5])}")
    codes = codes.assign(sample_id=codes.sample_id.map(dict(zip(sheet.sample_id.astype(str), sheet.sample_id))))
    merged = sheet[["sample_id", "unit_id", "doc_id", "stratum", "inclusion_prob"]].merge(
        codes[["sample_id", *themes]], on="sample_id", how="left")
    for theme in themes:
        values = pd.to_numeric(merged[theme], errors="coerce")
        bad = merged.sample_id[~values.isin([0, 1])]
        if len(bad):
            raise ToolkitError(f"{path}: {theme} must be 0 or 1 for every unit; not so for "
                               f"{len(bad)} unit(s) (not coded yet or missing), e.g. {', '.join(map(str, bad.head(5)))}")
        merged[theme] = values.astype(int)
    return merged
