"""Agreement between coders: Krippendorff's alpha, Cohen's kappa and the table of disagreements.

Two coders code the same units for the same themes (0/1 per theme). For each
theme :func:`agreement` reports percent agreement, Cohen's kappa and
Krippendorff's alpha for nominal data (computed with the ``krippendorff``
package) with a bootstrap interval that resamples units. :func:`disagreements`
lists every unit and theme where the coders differ, the material an
adjudication works from. :func:`join_codings` aligns a second coder's file
with the project's units by normalised text.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .errors import ToolkitError
from .normalize import normalize_text

__all__ = ["krippendorff_alpha", "agreement", "disagreements", "join_codings"]


def krippendorff_alpha(codes: np.ndarray) -> float:
    """Krippendorff's alpha (nominal) for a coders x units array; NaN marks a missing code.

    Examples
    --------
    Five units, one disagreement: observed disagreement 2/10, expected
    2 * 5 * 5 / (10 * 9), so alpha = 1 - 0.2 / 0.5556 = 0.64.

    >>> round(krippendorff_alpha(np.array([[1, 1, 0, 0, 1], [1, 0, 0, 0, 1]])), 4)
    0.64
    """
    import krippendorff

    codes = np.asarray(codes, dtype=float)
    values = np.unique(codes[~np.isnan(codes)])
    if len(values) < 2:
        return float("nan")  # no variation: alpha is undefined
    return float(krippendorff.alpha(reliability_data=codes, level_of_measurement="nominal", value_domain=values))


def _check(a: pd.DataFrame, b: pd.DataFrame, themes, key: str) -> None:
    for name, frame in (("coder A", a), ("coder B", b)):
        missing = [c for c in (key, *themes) if c not in frame.columns]
        if missing:
            raise ToolkitError(f"{name}'s coding lacks column(s) {', '.join(missing)}")
        if frame[key].duplicated().any():
            raise ToolkitError(f"{name}'s coding repeats {key} {frame[key][frame[key].duplicated()].iloc[0]!r}")


def agreement(a: pd.DataFrame, b: pd.DataFrame, themes, key: str = "unit_id", n_boot: int = 2000,
              ci: float = 0.95, seed: int = 0) -> pd.DataFrame:
    """Per theme: units, positives per coder, percent agreement, Cohen's kappa, Krippendorff's alpha with CI.

    Units are matched on ``key``; units coded by one coder only are left out
    (their number is in ``units``). The alpha interval is a percentile
    bootstrap over units (``n_boot`` replicates, ``seed``).

    Returns
    -------
    pandas.DataFrame
        ``theme``, ``units``, ``positives_a``, ``positives_b``,
        ``disagreements``, ``agreement``, ``kappa``, ``alpha``,
        ``alpha_low``, ``alpha_high``.
    """
    from sklearn.metrics import cohen_kappa_score

    themes = list(themes)
    _check(a, b, themes, key)
    both = a[[key, *themes]].merge(b[[key, *themes]], on=key, suffixes=("_a", "_b"))
    if both.empty:
        raise ToolkitError(f"the two codings share no {key}")
    rng = np.random.default_rng(seed)
    picks = rng.integers(0, len(both), size=(n_boot, len(both)))
    rows = []
    for theme in themes:
        x = both[f"{theme}_a"].astype(int).to_numpy()
        y = both[f"{theme}_b"].astype(int).to_numpy()
        alpha = krippendorff_alpha(np.vstack([x, y]))
        boot = np.array([krippendorff_alpha(np.vstack([x[p], y[p]])) for p in picks])
        boot = boot[~np.isnan(boot)]
        q = (1 - ci) / 2
        kappa = cohen_kappa_score(x, y) if len(set(x) | set(y)) > 1 else float("nan")
        rows.append({"theme": theme, "units": len(both), "positives_a": int(x.sum()), "positives_b": int(y.sum()),
                     "disagreements": int((x != y).sum()), "agreement": float((x == y).mean()), "kappa": kappa,
                     "alpha": alpha, "alpha_low": np.quantile(boot, q) if len(boot) else np.nan,
                     "alpha_high": np.quantile(boot, 1 - q) if len(boot) else np.nan})
    return pd.DataFrame(rows)


def disagreements(a: pd.DataFrame, b: pd.DataFrame, themes, key: str = "unit_id", text: str = "text") -> pd.DataFrame:
    """Every unit and theme where coder A and coder B differ: ``key``, ``theme``, ``coder_a``, ``coder_b``, ``text``."""
    themes = list(themes)
    _check(a, b, themes, key)
    columns = [key, text] if text in a.columns else [key]
    both = a[columns + themes].merge(b[[key, *themes]], on=key, suffixes=("_a", "_b"))
    rows = []
    for theme in themes:
        differ = both[both[f"{theme}_a"].astype(int) != both[f"{theme}_b"].astype(int)]
        for r in differ.itertuples(index=False):
            row = r._asdict()
            rows.append({key: row[key], "theme": theme, "coder_a": int(row[f"{theme}_a"]),
                         "coder_b": int(row[f"{theme}_b"]), **({text: row[text]} if text in row else {})})
    return pd.DataFrame(rows, columns=[key, "theme", "coder_a", "coder_b"] + ([text] if text in columns else []))


def _key(text: str) -> str:
    return " ".join(normalize_text(text).split()).strip()


def join_codings(units: pd.DataFrame, coded: pd.DataFrame, themes=None, text: str = "text",
                 documents: pd.DataFrame | None = None, prefixes=("BHG -", "LSO-", "LSO -")) -> pd.DataFrame:
    """Attach ``unit_id`` to a coding made on raw text, matching sentences by normalised text.

    A coder who worked on the raw files sees datelines ("BHG -", "LSO-") that
    cleaning moves into metadata; they are stripped before matching. A coded
    sentence that is only part of a unit (a coder who split at semicolons
    where the toolkit does not) is matched to the unit that contains it, in
    the same document when ``documents`` (with ``file`` and ``doc_id``) maps
    the coding's ``file`` column to documents. Rows that match no unit (site
    furniture removed by cleaning) get ``unit_id`` NA.

    With ``themes``, the result has one row per matched unit: a theme is 1
    when any coded part of the unit carries it (``parts`` counts them).

    Returns
    -------
    pandas.DataFrame
        ``coded`` with a ``unit_id`` column, or with ``themes`` one row per
        unit: ``unit_id``, the themes and ``parts``.
    """
    if text not in coded.columns or "text" not in units.columns or "unit_id" not in units.columns:
        raise ToolkitError("join_codings needs units with unit_id and text, and a coding with a text column")
    keys = [_key(t) for t in units["text"]]
    exact: dict[str, list] = {}
    for uid, k in zip(units["unit_id"], keys):
        exact.setdefault(k, []).append(uid)
    doc_of = dict(zip(documents["file"], documents["doc_id"])) if documents is not None and "file" in coded.columns else {}
    unit_docs = units["doc_id"].tolist() if "doc_id" in units.columns else [None] * len(units)
    ids = []
    for i, raw in enumerate(coded[text]):
        k = _key(raw)
        for prefix in prefixes:
            if k not in exact and k.startswith(prefix):
                k = k[len(prefix):].strip()
        queue = exact.get(k)
        if queue:
            ids.append(queue.pop(0))
            continue
        doc = doc_of.get(coded["file"].iloc[i]) if doc_of else None
        inside = [uid for uid, key, d in zip(units["unit_id"], keys, unit_docs)
                  if k and k in key and (doc is None or d == doc)]
        ids.append(inside[0] if inside else pd.NA)
    out = coded.assign(unit_id=ids)
    if themes is None:
        return out
    themes = list(themes)
    matched = out.dropna(subset=["unit_id"])
    grouped = matched.groupby("unit_id", sort=False)
    result = grouped[themes].max().astype(int)
    result["parts"] = grouped.size()
    return result.reset_index()
