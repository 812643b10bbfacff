"""Dictionary measurement of the three discourse themes, traceable to every hit.

The lexicon (``data/lexicons/themes_v1.csv``) lists, per theme, terms (one or
more syllables), a weight, an optional *context* and a note on why the term
signals the theme. Terms match on syllables whatever pyvi's word boundaries
(:mod:`toolkit.match`).

Ambiguous terms carry a context: the term counts only when the same unit also
contains a cue of that context (``data/lexicons/contexts_v1.csv``):

* ``foreign``: "đầu tư", "du lịch", "thương mại", "lao động"... count for
  economic diplomacy only with a foreign or international side in the unit
  (nước ngoài, quốc tế, a partner country, ODA...); otherwise they are
  domestic policy.
* ``trade`` / ``security``: "cửa khẩu" counts for economic diplomacy with a
  trade cue and for border security with a security cue (both, or neither).
* ``security``: "biên giới" counts for border security only with a security
  cue; "tỉnh miền núi biên giới" describes a place.

Within a theme, overlapping matches keep the longest term (``đầu tư nước
ngoài`` is one hit, not also ``đầu tư``).

Decision rule
-------------
``score_themes`` gives each unit, per theme, the sum of the weights of its
hits. ``label_themes`` marks a theme present when its score is at least
``threshold`` (default 1.0: one full-weight hit). A unit can carry several
themes or none.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from .errors import ToolkitError
from .match import find_terms, index_terms, syllables, term_key
from .normalize import normalize_text
from .stats import bootstrap_shares, permutation_test

__all__ = [
    "THEMES", "Lexicon", "load_lexicon", "match_themes", "score_themes", "label_themes", "explain",
    "theme_shares", "theme_tests", "term_hits", "unmatched_terms", "leave_one_term_out", "validate",
    "theme_kwic", "DEFAULT_LEXICON",
]

THEMES = ("economic_diplomacy", "border_security", "people_to_people")
DEFAULT_LEXICON = Path(__file__).resolve().parents[1] / "data" / "lexicons" / "themes_v1.csv"


@dataclass(frozen=True)
class Lexicon:
    """A theme lexicon: ``entries`` (theme, term, weight, context, note) and context cues."""

    entries: pd.DataFrame
    contexts: dict[str, tuple[str, ...]]
    version: str = ""
    _keys: dict = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self):
        keys = {}
        for row in self.entries.itertuples(index=False):
            keys.setdefault(term_key(row.term), []).append(row)
        cue_keys = {}
        for name, terms in self.contexts.items():
            for term in terms:
                cue_keys.setdefault(term_key(term), set()).add(name)
        self._keys.update({"terms": keys, "cues": cue_keys,
                           "terms_index": index_terms(keys), "cues_index": index_terms(cue_keys)})

    def without(self, theme: str, term: str) -> "Lexicon":
        """A copy without one entry (leave-one-term-out)."""
        keep = ~((self.entries.theme == theme) & (self.entries.term == term))
        return Lexicon(self.entries[keep].reset_index(drop=True), self.contexts, self.version)


def load_lexicon(path: str | os.PathLike | None = None, contexts: str | os.PathLike | None = None) -> Lexicon:
    """Read and validate a theme lexicon and its context cues.

    Parameters
    ----------
    path : path-like, optional
        CSV with columns theme, term, weight, context, note; default
        ``data/lexicons/themes_v1.csv`` of this repository.
    contexts : path-like, optional
        CSV with columns context, term; default: ``contexts_<version>.csv``
        beside ``path`` (``themes_v1.csv`` -> ``contexts_v1.csv``).

    Raises
    ------
    ToolkitError
        Unknown theme, empty term, non-positive weight, a context without
        cues, a duplicate entry; messages name the file and line.
    """
    path = Path(path) if path is not None else DEFAULT_LEXICON
    if not path.is_file():
        raise ToolkitError(f"{path}: lexicon not found; pass load_lexicon(path) with a CSV of theme,term,weight,context,note")
    version = path.stem.split("_", 1)[1] if "_" in path.stem else ""
    contexts = Path(contexts) if contexts is not None else path.with_name(f"contexts_{version}.csv" if version else "contexts.csv")
    entries = pd.read_csv(path, dtype=str, keep_default_na=False)
    required = ["theme", "term", "weight", "context", "note"]
    missing = [c for c in required if c not in entries.columns]
    if missing:
        raise ToolkitError(f"{path}: missing column(s) {', '.join(missing)}")
    cues = pd.read_csv(contexts, dtype=str, keep_default_na=False) if contexts.is_file() else pd.DataFrame(columns=["context", "term"])
    context_map = {name: tuple(normalize_text(t).strip().lower() for t in group.term) for name, group in cues.groupby("context")}
    for i, row in entries.iterrows():
        where = f"{path}, line {i + 2}"
        if row.theme not in THEMES:
            raise ToolkitError(f"{where}: unknown theme {row.theme!r}; use one of {', '.join(THEMES)}")
        if not row.term.strip():
            raise ToolkitError(f"{where}: empty term")
        try:
            weight = float(row.weight)
        except ValueError:
            raise ToolkitError(f"{where}: weight {row.weight!r} is not a number") from None
        if weight <= 0:
            raise ToolkitError(f"{where}: weight must be positive, got {weight}")
        if row.context and row.context not in context_map:
            raise ToolkitError(f"{where}: context {row.context!r} has no cues in {contexts}")
    entries = entries.assign(
        term=[normalize_text(t).strip().lower() for t in entries.term],
        weight=entries.weight.astype(float),
    )
    duplicated = entries.duplicated(["theme", "term", "context"], keep=False)
    if duplicated.any():
        first = entries[duplicated].iloc[0]
        raise ToolkitError(f"{path}: duplicate entry {first.theme} / {first.term} / {first.context or '(no context)'}")
    return Lexicon(entries[required].reset_index(drop=True), context_map, version)


_DEFAULT: dict = {}


def _lexicon(lexicon: Lexicon | None) -> Lexicon:
    if lexicon is not None:
        return lexicon
    if "lexicon" not in _DEFAULT:
        _DEFAULT["lexicon"] = load_lexicon()
    return _DEFAULT["lexicon"]


def _as_texts(texts) -> tuple[list[str], pd.Index]:
    if isinstance(texts, str):
        raise ToolkitError("expected a list or Series of texts, got a single str; wrap it in a list")
    if isinstance(texts, pd.Series):
        index = texts.index
        values = texts.tolist()
    else:
        values = list(texts)
        index = pd.RangeIndex(len(values))
    for i, value in enumerate(values):
        if not isinstance(value, str):
            raise ToolkitError(f"text {i} is {type(value).__name__}, not str")
    return values, index


def _word_starts(sylls, words: list[str]) -> np.ndarray | None:
    """Syllable positions where a word of ``words`` starts (plus the end), or None if they do not align."""
    from .tokenize import syllabify

    sizes = [len(syllabify(normalize_text(w).replace("_", " "))) for w in words]
    if sum(sizes) != len(sylls.lower):
        return None
    starts = np.zeros(len(sylls.lower) + 1, dtype=bool)
    starts[np.cumsum([0] + sizes)] = True
    return starts


def _hits_one(text: str, lex: Lexicon, segmenter=None) -> list[dict]:
    sylls = syllables(text)
    keys = lex._keys
    starts = _word_starts(sylls, segmenter(sylls.text)) if segmenter is not None else None
    present: dict[str, str] = {}
    for start, end, key in find_terms(sylls, keys["cues"], keys["cues_index"]):
        for name in keys["cues"][key]:
            present.setdefault(name, " ".join(key))
    candidates = []
    for start, end, key in find_terms(sylls, keys["terms"], keys["terms_index"]):
        if starts is not None and not (starts[start] and starts[end]):
            continue  # the term would cut through a word of the segmenter
        for row in keys["terms"][key]:
            if row.context and row.context not in present:
                continue
            candidates.append((row.theme, start, end, row))
    hits = []
    for theme in THEMES:
        # Longest first, then leftmost: overlapping matches within a theme count once.
        mine = sorted((c for c in candidates if c[0] == theme), key=lambda c: (-(c[2] - c[1]), c[1]))
        taken = np.zeros(len(sylls.lower), dtype=bool)
        for _, start, end, row in mine:
            if taken[start:end].any():
                continue
            taken[start:end] = True
            a, b = sylls.spans[start][0], sylls.spans[end - 1][1]
            hits.append({
                "theme": theme, "term": row.term, "matched": sylls.text[a:b], "start": a, "end": b,
                "weight": row.weight, "context": row.context, "cue": present.get(row.context, "") if row.context else "",
            })
    hits.sort(key=lambda h: (THEMES.index(h["theme"]), h["start"]))
    return hits


def match_themes(texts, lexicon: Lexicon | None = None, segmenter=None) -> pd.DataFrame:
    """Every lexicon hit in every text.

    ``segmenter`` (optional, a function text -> list of words such as
    :func:`toolkit.word_segment`) makes hits count only where a term starts
    and ends on that segmenter's word boundaries: the word-level reading used
    in robustness checks. By default terms match on syllables.

    Returns
    -------
    pandas.DataFrame
        One row per hit: ``text`` (the input's index label), ``theme``,
        ``term``, ``matched`` (surface form), ``start``/``end`` (character
        offsets in the normalised text), ``weight``, ``context`` and the
        ``cue`` that satisfied it.
    """
    values, index = _as_texts(texts)
    lex = _lexicon(lexicon)
    rows = [{"text": label, **hit} for label, value in zip(index, values) for hit in _hits_one(value, lex, segmenter)]
    return pd.DataFrame(rows, columns=["text", "theme", "term", "matched", "start", "end", "weight", "context", "cue"])


def score_themes(texts, lexicon: Lexicon | None = None, segmenter=None) -> pd.DataFrame:
    """Weighted hit counts per theme; one float column per theme.

    Examples
    --------
    >>> score_themes(["Tuần tra chung bảo đảm an ninh trật tự trên tuyến biên giới.",
    ...               "Tỉnh thu hút đầu tư nước ngoài qua cửa khẩu."]).to_dict("records")
    [{'economic_diplomacy': 0.0, 'border_security': 4.0, 'people_to_people': 0.0}, {'economic_diplomacy': 2.0, 'border_security': 0.0, 'people_to_people': 0.0}]
    """
    values, index = _as_texts(texts)
    hits = match_themes(pd.Series(values, index=range(len(values))), lexicon, segmenter)
    scores = hits.pivot_table(index="text", columns="theme", values="weight", aggfunc="sum")
    scores = scores.reindex(index=range(len(values)), columns=list(THEMES)).fillna(0.0).astype(float)
    scores.index = index
    scores.columns.name = None
    return scores


def label_themes(texts, lexicon: Lexicon | None = None, threshold: float = 1.0, segmenter=None) -> pd.DataFrame:
    """The toolkit's decision rule: a theme is present when its score >= ``threshold``."""
    if threshold <= 0:
        raise ToolkitError(f"threshold must be positive, got {threshold!r}")
    return score_themes(texts, lexicon, segmenter) >= threshold


def explain(text: str, lexicon: Lexicon | None = None, window: int = 40) -> pd.DataFrame:
    """The terms that fired in one text, where, and what each contributes.

    Returns
    -------
    pandas.DataFrame
        ``theme``, ``term``, ``matched``, ``start``, ``end``,
        ``contribution`` (the weight), ``context``, ``cue``, and ``left`` /
        ``right`` context of ``window`` characters.
    """
    if not isinstance(text, str):
        raise ToolkitError(f"explain expects a str, got {type(text).__name__}")
    normalised = normalize_text(text)
    hits = pd.DataFrame(_hits_one(normalised, _lexicon(lexicon)),
                        columns=["theme", "term", "matched", "start", "end", "weight", "context", "cue"])
    hits = hits.rename(columns={"weight": "contribution"})
    hits["left"] = [normalised[max(0, s - window):s] for s in hits.start]
    hits["right"] = [normalised[e:e + window] for e in hits.end]
    return hits


def _select(units: pd.DataFrame, kinds, drop_duplicates: bool) -> pd.DataFrame:
    if "text" not in units.columns:
        raise ToolkitError("units need a text column (from toolkit.segment)")
    out = units
    if kinds is not None:
        out = out[out["kind"].isin(list(kinds))]
    if drop_duplicates and "duplicate_of" in out.columns:
        out = out[out["duplicate_of"].isna()]
    if out.empty:
        raise ToolkitError("no units left after selecting kinds and dropping near-duplicates")
    return out


def _labelled(units, lexicon, kinds, drop_duplicates, threshold=1.0, segmenter=None) -> pd.DataFrame:
    chosen = _select(units, kinds, drop_duplicates)
    labels = label_themes(chosen["text"], lexicon, threshold, segmenter)
    return pd.concat([chosen.drop(columns=[c for c in THEMES if c in chosen.columns]), labels], axis=1)


def theme_shares(
    units: pd.DataFrame,
    by: str = "year",
    lexicon: Lexicon | None = None,
    kinds=("body",),
    drop_duplicates: bool = True,
    n_boot: int = 2000,
    ci: float = 0.95,
    seed: int = 0,
    segmenter=None,
) -> pd.DataFrame:
    """Share of units carrying each theme per group, with bootstrap CIs.

    Parameters
    ----------
    units : pandas.DataFrame
        From :func:`toolkit.segment` (sentence or paragraph units).
    by : str, default "year"
        Any unit column (year, doc_id, province).
    kinds : iterable of str or None, default ("body",)
        Unit kinds measured; titles and captions are left out by default.
    drop_duplicates : bool, default True
        Leave out near-duplicate units so repeated passages count once.
    n_boot, ci, seed :
        Within-article bootstrap (:func:`toolkit.stats.bootstrap_shares`).
    segmenter : callable, optional
        Count only hits on this segmenter's word boundaries (see :func:`match_themes`).

    Returns
    -------
    pandas.DataFrame
        ``by``, ``theme``, ``share``, ``ci_low``, ``ci_high``, ``units``,
        ``articles``, ``note``.
    """
    frame = _labelled(units, lexicon, kinds, drop_duplicates, segmenter=segmenter)
    out = bootstrap_shares(frame, list(THEMES), by=by, n_boot=n_boot, ci=ci, seed=seed)
    return out.rename(columns={"measure": "theme"})


def theme_tests(
    units: pd.DataFrame,
    by: str = "year",
    lexicon: Lexicon | None = None,
    kinds=("body",),
    drop_duplicates: bool = True,
    level: str = "unit",
    n_permutations: int = 9999,
    seed: int = 0,
) -> pd.DataFrame:
    """Permutation tests of differences in theme shares between groups (see :func:`toolkit.stats.permutation_test`)."""
    frame = _labelled(units, lexicon, kinds, drop_duplicates)
    out = permutation_test(frame, list(THEMES), by=by, level=level, n_permutations=n_permutations, seed=seed)
    return out.rename(columns={"measure": "theme"})


def term_hits(units: pd.DataFrame, by: str = "year", lexicon: Lexicon | None = None, kinds=("body",),
              drop_duplicates: bool = True) -> pd.DataFrame:
    """Hits and weighted contribution per lexicon entry and group, every entry listed (zeros included)."""
    lex = _lexicon(lexicon)
    chosen = _select(units, kinds, drop_duplicates)
    hits = match_themes(chosen["text"], lex)
    hits[by] = chosen.loc[hits["text"], by].to_numpy() if len(hits) else []
    counts = hits.groupby(["theme", "term", "context", by]).agg(hits=("term", "size"), contribution=("weight", "sum")).reset_index()
    groups = sorted(chosen[by].unique())
    grid = lex.entries[["theme", "term", "context"]].merge(pd.DataFrame({by: groups}), how="cross")
    out = grid.merge(counts, on=["theme", "term", "context", by], how="left").fillna({"hits": 0, "contribution": 0.0})
    out["hits"] = out["hits"].astype(int)
    return out.sort_values(["theme", "term", "context", by]).reset_index(drop=True)


def unmatched_terms(units: pd.DataFrame, lexicon: Lexicon | None = None, kinds=None,
                    drop_duplicates: bool = False) -> pd.DataFrame:
    """Lexicon entries that never match in the given units (all kinds, duplicates kept, by default)."""
    lex = _lexicon(lexicon)
    hits = term_hits(units.assign(_all="all"), by="_all", lexicon=lex, kinds=kinds, drop_duplicates=drop_duplicates)
    never = hits[hits.hits == 0][["theme", "term", "context"]]
    return never.merge(lex.entries, on=["theme", "term", "context"]).reset_index(drop=True)


def leave_one_term_out(units: pd.DataFrame, by: str = "year", lexicon: Lexicon | None = None,
                       kinds=("body",), drop_duplicates: bool = True) -> pd.DataFrame:
    """How much each entry moves the group comparison when dropped from the lexicon.

    Returns
    -------
    pandas.DataFrame
        One row per entry that matches at least once and group: ``theme``,
        ``term``, ``context``, ``by``, ``share`` (all terms), ``share_without``,
        ``change``, and ``order_changes`` (True when dropping the entry changes
        the ranking of groups on that theme).
    """
    lex = _lexicon(lexicon)
    chosen = _select(units, kinds, drop_duplicates)
    full = _labelled(chosen, lex, None, False).groupby(by)[list(THEMES)].mean()
    used = term_hits(chosen, by=by, lexicon=lex, kinds=None, drop_duplicates=False)
    used = used.groupby(["theme", "term", "context"])["hits"].sum().reset_index()
    rows = []
    for entry in used[used.hits > 0].itertuples(index=False):
        reduced = lex.entries[~((lex.entries.theme == entry.theme) & (lex.entries.term == entry.term)
                                & (lex.entries.context == entry.context))]
        without = _labelled(chosen, Lexicon(reduced.reset_index(drop=True), lex.contexts, lex.version), None, False)
        shares = without.groupby(by)[entry.theme].mean()
        changed = list(full[entry.theme].sort_values(kind="stable").index) != list(shares.sort_values(kind="stable").index)
        for group in full.index:
            rows.append({"theme": entry.theme, "term": entry.term, "context": entry.context, by: group,
                         "share": full.loc[group, entry.theme], "share_without": shares[group],
                         "change": shares[group] - full.loc[group, entry.theme], "order_changes": changed})
    return pd.DataFrame(rows)


def validate(coded: pd.DataFrame, texts: pd.Series | None = None, lexicon: Lexicon | None = None,
             threshold: float = 1.0) -> pd.DataFrame:
    """Precision, recall and F1 of :func:`label_themes` against hand-coded units.

    Parameters
    ----------
    coded : pandas.DataFrame
        A ``text`` column and one 0/1 column per theme (the hand coding).
    texts : pandas.Series, optional
        Texts to label instead of ``coded.text`` (same index).

    Returns
    -------
    pandas.DataFrame
        One row per theme: ``n``, ``coded`` (positives by hand),
        ``labelled`` (positives by the lexicon), ``tp``, ``fp``, ``fn``,
        ``precision``, ``recall``, ``f1``.
    """
    missing = [c for c in ("text", *THEMES) if c not in coded.columns]
    if missing:
        raise ToolkitError(f"coded units lack column(s) {', '.join(missing)}")
    labels = label_themes(coded["text"] if texts is None else texts, lexicon, threshold)
    rows = []
    for theme in THEMES:
        truth = coded[theme].astype(int).astype(bool).to_numpy()
        pred = labels[theme].to_numpy()
        tp, fp, fn = int((truth & pred).sum()), int((~truth & pred).sum()), int((truth & ~pred).sum())
        precision = tp / (tp + fp) if tp + fp else float("nan")
        recall = tp / (tp + fn) if tp + fn else float("nan")
        f1 = 2 * precision * recall / (precision + recall) if tp else 0.0
        rows.append({"theme": theme, "n": len(truth), "coded": int(truth.sum()), "labelled": int(pred.sum()),
                     "tp": tp, "fp": fp, "fn": fn, "precision": precision, "recall": recall, "f1": f1})
    return pd.DataFrame(rows)


def theme_kwic(units: pd.DataFrame, lexicon: Lexicon | None = None, window: int = 40, kinds=None,
               drop_duplicates: bool = False) -> pd.DataFrame:
    """A KWIC line for every lexicon hit: where each number comes from.

    Returns
    -------
    pandas.DataFrame
        ``unit_id``, ``doc_id``, ``year``, ``theme``, ``term``, ``cue``,
        ``left``, ``matched``, ``right`` (``window`` characters each side).
    """
    chosen = _select(units, kinds, drop_duplicates)
    hits = match_themes(chosen["text"], lexicon)
    texts = {i: normalize_text(t) for i, t in chosen["text"].items()}
    hits["left"] = [texts[i][max(0, s - window):s] for i, s in zip(hits.text, hits.start)]
    hits["right"] = [texts[i][e:e + window] for i, e in zip(hits.text, hits.end)]
    meta = chosen.loc[hits.text, [c for c in ("unit_id", "doc_id", "year") if c in chosen.columns]].reset_index(drop=True)
    return pd.concat([meta, hits[["theme", "term", "cue", "left", "matched", "right"]].reset_index(drop=True)], axis=1)
