"""Design-based estimation: shares and regressions that stay right when the measurement errs.

Every automated measurement errs; a dictionary or a classifier that is wrong more often in one year
than in another biases a comparison of years. The remedy used here is to hand-code a probability
sample of units and combine it with the automated labels of all units (design-based supervised
learning, Egami, Hinck, Stewart and Wei 2023, "Using imperfect surrogates for downstream inference",
NeurIPS; the same estimator as prediction-powered inference with its tuning parameter at 1,
Angelopoulos et al. 2023, "Prediction-powered inference", *Science* 382).

For every unit ``i`` of the population with automated label ``f_i``, coded indicator ``R_i`` and,
when coded, inclusion probability ``pi_i`` and the coders' label ``y_i``, the pseudo-outcome is::

    y~_i = f_i + R_i / pi_i * (y_i - f_i)

Its mean is unbiased for the share of units with the theme whatever the errors of ``f`` (the
sampling probabilities are known), and a regression of ``y~`` on covariates is unbiased for the
linear-probability coefficients. Variances are cluster-robust by article: the article, not the
sentence, is the independent unit when the corpus is taken as one draw of what a press publishes,
and the sampling indicators of the coded units enter through the same sums. Intervals use t
quantiles with (articles - 1) degrees of freedom and are cut to [0, 1].

The workflow::

    sheet = tk.validation_sample(units, 400, strata="year", seed=1)   # blind to the measurement
    tk.write_sheets(sheet, "coding/", coders=["A", "B"])              # one CSV and XLSX per coder
    coded = tk.read_codes("coding/A.csv", sheet)                      # ... after coding and adjudication
    tk.design_based_shares(units, coded, by="year")
"""
from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd

from .errors import ToolkitError
from .pipeline import select_units
from .spreadsheet import restore, spreadsheet_safe, write_csv

__all__ = ["validation_sample", "write_sheets", "read_codes", "design_based_shares", "design_based_regression",
           "pseudo_outcomes", "coding_sample", "coding_progress", "adjudication_sheet", "consensus", "accuracy"]

SHEET_COLUMNS = ["unit_id", "doc_id", "title", "context_before", "text", "context_after"]


def _select(units: pd.DataFrame) -> pd.DataFrame:
    """The units the toolkit measures (:func:`toolkit.select_units`, as :func:`toolkit.theme_shares` selects):
    body units that are not near-duplicates; a frame without a ``kind`` column is taken as all body."""
    return select_units(units, ("body",) if "kind" in units.columns else None, True)


def _labels(units: pd.DataFrame, lexicon, labels) -> pd.DataFrame:
    """Automated 0/1 labels per unit, indexed like ``units``."""
    from .themes import _lexicon, label_themes

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


def _check_coded(coded: pd.DataFrame, themes) -> None:
    missing = [c for c in ["unit_id", "inclusion_prob", *themes] if c not in coded.columns]
    if missing:
        raise ToolkitError(f"coded units lack column(s) {', '.join(missing)}")
    p = pd.to_numeric(coded["inclusion_prob"], errors="coerce")
    if not ((p > 0) & (p <= 1)).all():
        raise ToolkitError("inclusion_prob must be in (0, 1] for every coded unit")
    if coded["unit_id"].duplicated().any():
        raise ToolkitError("a unit is coded twice: pass one (adjudicated) code per unit")


def pseudo_outcomes(units: pd.DataFrame, coded: pd.DataFrame, *, lexicon=None, labels=None,
                    themes=None) -> pd.DataFrame:
    """Per unit: the automated label and the design-based pseudo-outcome of each theme.

    Returns the selected units' ``unit_id`` and ``doc_id`` (and every other unit column), ``coded``
    (bool), and per theme ``<theme>_auto`` (0/1) and ``<theme>`` (the pseudo-outcome
    ``f + R / pi * (y - f)``).
    """
    from .themes import _lexicon

    chosen = _select(units)
    if themes is None:
        themes = list(labels.columns.drop("unit_id", errors="ignore")) if isinstance(labels, pd.DataFrame) \
            else list(_lexicon(lexicon).themes)
    _check_coded(coded, themes)
    auto = _labels(chosen, lexicon, labels)[themes]
    if auto.isna().any(axis=None):
        raise ToolkitError("labels are missing for some units")
    out = chosen.drop(columns=[t for t in themes if t in chosen.columns]).copy()
    codes = coded.set_index("unit_id")
    outside = codes.index.difference(pd.Index(out["unit_id"]))
    if len(outside):
        raise ToolkitError(f"{len(outside)} coded unit(s) are not among the measured units "
                           f"(e.g. {outside[0]!r}): code units of the corpus's body, not duplicates")
    is_coded = out["unit_id"].isin(codes.index).to_numpy()
    out["coded"] = is_coded
    weight = np.zeros(len(out))
    weight[is_coded] = 1.0 / codes.loc[out["unit_id"][is_coded], "inclusion_prob"].to_numpy(float)
    for theme in themes:
        f = auto[theme].to_numpy(float)
        y = np.zeros(len(out))
        y[is_coded] = codes.loc[out["unit_id"][is_coded], theme].to_numpy(float)
        out[f"{theme}_auto"] = f
        out[theme] = f + np.where(is_coded, weight * (y - f), 0.0)
    return out


def _cluster_mean(values: np.ndarray, clusters: np.ndarray) -> tuple[float, float, int]:
    """Mean of ``values`` and its cluster-robust standard error (CR1), with the number of clusters."""
    n = len(values)
    mean = float(values.mean())
    codes, index = np.unique(clusters, return_inverse=True)
    g = len(codes)
    sums = np.bincount(index, weights=values - mean, minlength=g)
    var = (sums ** 2).sum() / n ** 2 * (g / (g - 1)) if g > 1 else float("nan")
    return mean, math.sqrt(var), g


def design_based_shares(units: pd.DataFrame, coded: pd.DataFrame, *, by: str | None = None, lexicon=None,
                        labels: pd.DataFrame | None = None, cluster: str = "doc_id", ci: float = 0.95) -> pd.DataFrame:
    """Theme shares corrected by a hand-coded probability sample (DSL / PPI with lambda = 1).

    Parameters
    ----------
    units : pandas.DataFrame
        Segmented units; body units that are not near-duplicates are measured, as in
        :func:`toolkit.theme_shares`.
    coded : pandas.DataFrame
        ``unit_id``, ``inclusion_prob`` and one 0/1 column per theme for the coded units
        (:func:`read_codes`; adjudicated codes, one row per unit).
    by : str, optional
        Unit column to group by (e.g. ``"year"``); each group's share uses its own units and codes.
    lexicon, labels
        The automated measurement: labels of a lexicon (default the study's) or a frame of 0/1
        columns indexed like ``units`` (or with ``unit_id``).
    cluster : str
        Column of the independent unit for the variance (the article).
    ci : float
        Interval level.

    Returns
    -------
    pandas.DataFrame
        One row per theme (and group): ``estimate``, ``se``, ``ci_low``, ``ci_high`` (t quantiles with
        articles - 1 degrees of freedom, cut to [0, 1]), ``automated`` (the uncorrected share),
        ``n_units``, ``n_articles`` and ``n_coded``.

    Notes
    -----
    The estimate is unbiased whatever the errors of the measurement because the inclusion
    probabilities are known; a group with few coded units gets a wide interval, and a group with
    none gets the automated share with no interval (``n_coded`` 0).
    """
    from scipy import stats

    if not 0 < ci < 1:
        raise ToolkitError(f"ci must be between 0 and 1, got {ci!r}")
    frame = pseudo_outcomes(units, coded, lexicon=lexicon, labels=labels)
    themes = [c[:-5] for c in frame.columns if c.endswith("_auto")]
    for column in [cluster] + ([by] if by else []):
        if column not in frame.columns:
            raise ToolkitError(f"units lack column {column!r}")
    groups = frame.groupby(by, sort=True, observed=True) if by else [(None, frame)]
    rows = []
    for key, part in groups:
        clusters = part[cluster].to_numpy()
        for theme in themes:
            n_coded = int(part["coded"].sum())
            automated = float(part[f"{theme}_auto"].mean())
            if n_coded == 0:
                est, se, g = automated, float("nan"), part[cluster].nunique()
            else:
                est, se, g = _cluster_mean(part[theme].to_numpy(float), clusters)
            t = stats.t.ppf(0.5 + ci / 2, g - 1) if g > 1 else float("nan")
            low, high = (max(0.0, est - t * se), min(1.0, est + t * se)) if se == se else (float("nan"),) * 2
            row = {"theme": theme, "estimate": est, "se": se, "ci_low": low, "ci_high": high,
                   "automated": automated, "n_units": len(part), "n_articles": g, "n_coded": n_coded}
            if by:
                row = {by: key, **row}
            rows.append(row)
    return pd.DataFrame(rows)


def design_based_regression(units: pd.DataFrame, coded: pd.DataFrame, theme: str, formula: str, *, lexicon=None,
                            labels: pd.DataFrame | None = None, cluster: str = "doc_id", ci: float = 0.95) -> pd.DataFrame:
    """Linear-probability regression of a theme's presence on unit covariates, corrected by the coded sample.

    The pseudo-outcome of :func:`pseudo_outcomes` is regressed on the right-hand side of ``formula``
    (a patsy formula such as ``"C(year) + C(outlet)"``) by OLS with cluster-robust standard errors
    by ``cluster`` (statsmodels). The coefficients are unbiased for those of the regression on the
    true codes, whatever the errors of the measurement.

    Returns
    -------
    pandas.DataFrame
        ``term``, ``coef``, ``se``, ``ci_low``, ``ci_high``, ``p``, and ``coef_automated`` (the same
        regression on the automated labels, for comparison).
    """
    import statsmodels.formula.api as smf

    frame = pseudo_outcomes(units, coded, lexicon=lexicon, labels=labels)
    if f"{theme}_auto" not in frame.columns:
        raise ToolkitError(f"unknown theme {theme!r}")
    rhs = formula.split("~", 1)[-1].strip()
    data = frame.rename(columns={theme: "_y", f"{theme}_auto": "_f"})
    groups = pd.factorize(data[cluster])[0]
    fit = smf.ols(f"_y ~ {rhs}", data=data).fit(cov_type="cluster", cov_kwds={"groups": groups})
    naive = smf.ols(f"_f ~ {rhs}", data=data).fit()
    bounds = fit.conf_int(alpha=1 - ci)
    return pd.DataFrame({"term": fit.params.index, "coef": fit.params.to_numpy(), "se": fit.bse.to_numpy(),
                         "ci_low": bounds[0].to_numpy(), "ci_high": bounds[1].to_numpy(),
                         "p": fit.pvalues.to_numpy(), "coef_automated": naive.params.to_numpy()})


# --- The coding round: a sample kept on disk, the coders' files, adjudication, consensus, accuracy ---

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


def precision_recall_f1(truth: np.ndarray, pred: np.ndarray, weights: np.ndarray | None = None) -> tuple[float, float, float]:
    """Precision, recall and F1 of bool arrays, each unit weighted (default 1); NaN for an empty denominator.

    >>> precision_recall_f1(np.array([1, 1, 0, 0], bool), np.array([1, 0, 1, 0], bool))
    (np.float64(0.5), np.float64(0.5), np.float64(0.5))
    """
    w = np.ones(len(truth)) if weights is None else weights
    tp, pp, tt = (w * (truth & pred)).sum(), (w * pred).sum(), (w * truth).sum()
    return (tp / pp if pp else np.nan, tp / tt if tt else np.nan, 2 * tp / (pp + tt) if pp + tt else np.nan)


def article_draws(docs, n_boot: int, rng: np.random.Generator) -> list[np.ndarray]:
    """Row indices of ``n_boot`` resamples of whole articles (the rows of a drawn article move together)."""
    ids, index = np.unique(np.asarray(docs), return_inverse=True)
    members = [np.flatnonzero(index == i) for i in range(len(ids))]
    return [np.concatenate([members[i] for i in rng.integers(0, len(ids), len(ids))]) for _ in range(n_boot)]


def accuracy(coded: pd.DataFrame, units: pd.DataFrame, *, lexicon=None, labels: pd.DataFrame | None = None,
             cluster: str = "doc_id", ci: float = 0.95, n_boot: int = 2000, seed: int = 0) -> pd.DataFrame:
    """How well the automated measurement matches the coded sample, per theme.

    Precision, recall and F1 on the coded units, each with a percentile interval from ``n_boot``
    resamples of articles (the units of one article move together); and the same three weighted by
    1 / inclusion probability (``*_weighted``), which estimate them for all units when the sample
    over-represents some strata. ``coded`` is the adjudicated :func:`consensus` (or one coder's
    :func:`read_codes`).
    """
    from .themes import _lexicon, confusion

    chosen = _select(units)
    if labels is None:
        themes = list(_lexicon(lexicon).themes)
    else:
        themes = [c for c in labels.columns if c != "unit_id"]
    _check_coded(coded, themes)
    auto = _labels(chosen, lexicon, labels)[themes]
    auto.index = chosen["unit_id"].to_numpy()
    outside = pd.Index(coded["unit_id"]).difference(auto.index)
    if len(outside):
        raise ToolkitError(f"{len(outside)} coded unit(s) are not among the measured units (e.g. {outside[0]!r})")
    pred = auto.loc[coded["unit_id"]].reset_index(drop=True).astype(int)
    truth = coded[themes].reset_index(drop=True).astype(int)
    weights = 1.0 / coded["inclusion_prob"].to_numpy(float)
    docs = coded[cluster].to_numpy() if cluster in coded.columns else \
        chosen.set_index("unit_id").loc[coded["unit_id"], cluster].to_numpy()
    table = confusion(truth, pred, themes)
    draws = article_draws(docs, n_boot, np.random.default_rng(seed))
    q = (1 - ci) / 2
    prf = precision_recall_f1
    for i, theme in enumerate(themes):
        t, p = truth[theme].to_numpy(bool), pred[theme].to_numpy(bool)
        boot = np.array([prf(t[d], p[d]) for d in draws])
        with np.errstate(all="ignore"):
            low, high = np.nanquantile(boot, q, axis=0), np.nanquantile(boot, 1 - q, axis=0)
        for j, measure in enumerate(("precision", "recall", "f1")):
            table.loc[i, f"{measure}_low"], table.loc[i, f"{measure}_high"] = low[j], high[j]
        for j, value in enumerate(prf(t, p, weights)):
            table.loc[i, ("precision", "recall", "f1")[j] + "_weighted"] = value
    table.insert(1, "articles", len(np.unique(docs)))
    return table
