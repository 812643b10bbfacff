"""Dictionary measurement of discourse themes, traceable to every hit.

A lexicon (:mod:`toolkit.lexicon`) lists, per theme, terms (one or more
syllables), a weight, an optional *context*, a *kind* and a note on why the
term signals the theme. Terms match on syllables whatever pyvi's word
boundaries (:mod:`toolkit.match`). The themes are the lexicon's own: the
study's default lexicon measures economic diplomacy, border security and
people-to-people relations; any other file measures its own themes, and every
function here takes ``lexicon=``.

Ambiguous terms carry a context: the term counts only when the same unit also
contains a cue of that context (for the study's lexicon v2: "đầu tư" or "du
lịch" count for economic diplomacy only with a named foreign partner or an
international side; "an ninh trật tự" counts for border security only with a
border or foreign side). Blockers keep terms and cues from matching inside
names ("Lào" in "Lào Cai", "Hữu nghị" in "Bệnh viện Hữu nghị").

Within a theme, overlapping matches keep the longest term (``đầu tư nước
ngoài`` is one hit, not also ``đầu tư``), so a formula such as "quốc phòng -
an ninh" is one hit of kind ``formula``, never also two terms.

Decision rule
-------------
``score_themes`` gives each unit, per theme, the sum of the weights of its
hits. ``label_themes`` marks a theme present when its score is at least
``threshold`` (default 1.0: one full-weight hit). A unit can carry several
themes or none.

Inference on shares lives in :mod:`toolkit.stats`; agreement between coders
in :mod:`toolkit.agreement`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .errors import ToolkitError
from .lexicon import DEFAULT_LEXICON, STUDY_THEMES, Lexicon, load_lexicon
from .match import find_terms, syllables
from .normalize import normalize_text
from .pipeline import select_units
from .intervals import cluster_shares
from .stats import corrected_shares, pairwise_tests

__all__ = [
    "THEMES", "Lexicon", "load_lexicon", "match_themes", "score_themes", "label_themes", "explain",
    "theme_shares", "theme_tests", "term_hits", "unmatched_terms", "leave_one_term_out", "validate",
    "theme_kwic", "DEFAULT_LEXICON", "themes_of", "METHODS", "confusion", "corrected_theme_shares", "false_alarms", "term_validation",
]

#: The study's themes (the default lexicon's); other lexicons define their own.
THEMES = STUDY_THEMES

_DEFAULT: dict = {}


def _lexicon(lexicon: Lexicon | str | None) -> Lexicon:
    if isinstance(lexicon, Lexicon):
        return lexicon
    if lexicon is not None:
        return load_lexicon(lexicon)
    if "lexicon" not in _DEFAULT:
        _DEFAULT["lexicon"] = load_lexicon()
    return _DEFAULT["lexicon"]


def themes_of(lexicon: Lexicon | str | None = None) -> tuple[str, ...]:
    """The themes a lexicon measures (the default lexicon's when None)."""
    return _lexicon(lexicon).themes


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
    from .wordseg import syllabify

    sizes = [len(syllabify(normalize_text(w).replace("_", " "))) for w in words]
    if sum(sizes) != len(sylls.lower):
        return None
    starts = np.zeros(len(sylls.lower) + 1, dtype=bool)
    starts[np.cumsum([0] + sizes)] = True
    return starts


def _blocked_spans(sylls, keys) -> list[tuple[int, int, tuple | None]]:
    spans = []
    if keys["blockers"]:
        for start, end, key in find_terms(sylls, keys["blockers"], keys["blockers_index"]):
            spans.extend((start, end, target) for target in keys["blockers"][key])
    return spans


def _is_blocked(start: int, end: int, key: tuple, spans) -> bool:
    return any(a <= start and end <= b and (target is None or target == key) for a, b, target in spans)


_CACHE_LIMIT = 500_000


def _hits_one(text: str, lex: Lexicon, segmenter=None, sylls=None) -> list[dict]:
    # A report measures the same units many times (shares, tests, term hits, KWIC, robustness
    # variants): the hits of a text under one lexicon are computed once per process.
    # ``sylls``: the text's syllables(text) when the caller has them already.
    if segmenter is not None:
        return _find_hits(text, lex, segmenter, sylls)
    cache = lex._keys.setdefault("hits_cache", {})
    found = cache.get(text)
    if found is None:
        if len(cache) >= _CACHE_LIMIT:
            cache.clear()
        found = cache[text] = _find_hits(text, lex, None, sylls)
    return found


def _forget_hits(*lexicons) -> None:
    """Drop the hits remembered for these lexicons, the default one and the shipped classifier's.

    :func:`toolkit.process_archive` measures each unit once: remembered hits would only fill memory
    (up to ``_CACHE_LIMIT`` texts, about 250 MB of real sentences).
    """
    classifiers = [_DEFAULT.get(key) for key in ("classifier", "context classifier")]
    for lex in (*lexicons, _DEFAULT.get("lexicon"), *(getattr(c, "lexicon", None) for c in classifiers)):
        if isinstance(lex, Lexicon):
            lex._keys.pop("hits_cache", None)


def _find_hits(text: str, lex: Lexicon, segmenter=None, sylls=None) -> list[dict]:
    if sylls is None:
        sylls = syllables(text)
    keys = lex._keys
    if keys["terms_index"].keys().isdisjoint(sylls.lower):
        return []           # no term starts anywhere in the text (most texts): no hit
    starts = _word_starts(sylls, segmenter(sylls.text)) if segmenter is not None else None
    blocked = _blocked_spans(sylls, keys)
    present: dict[str, str] = {}
    for start, end, key in find_terms(sylls, keys["cues"], keys["cues_index"]):
        if _is_blocked(start, end, key, blocked):
            continue
        for name in keys["cues"][key]:
            present.setdefault(name, " ".join(key))
    candidates = []
    for start, end, key in find_terms(sylls, keys["terms"], keys["terms_index"]):
        if starts is not None and not (starts[start] and starts[end]):
            continue  # the term would cut through a word of the segmenter
        if _is_blocked(start, end, key, blocked):
            continue
        for row in keys["terms"][key]:
            if row.context and not all(part in present for part in row.context.split("+")):
                continue  # a context "a+b" needs a cue of each part
            candidates.append((row.theme, start, end, row))
    if not candidates:
        return []
    hits = []
    for theme in lex.themes:
        # Longest first, then leftmost: overlapping matches within a theme count once.
        mine = sorted((c for c in candidates if c[0] == theme), key=lambda c: (-(c[2] - c[1]), c[1]))
        taken = np.zeros(len(sylls.lower), dtype=bool)
        for _, start, end, row in mine:
            if taken[start:end].any():
                continue
            taken[start:end] = True
            a, b = sylls.spans[start][0], sylls.spans[end - 1][1]
            hits.append({
                "theme": theme, "term": row.term, "kind": row.kind, "matched": sylls.text[a:b], "start": a, "end": b,
                "syllable_start": start, "syllable_end": end, "weight": row.weight, "context": row.context,
                "cue": " + ".join(present[part] for part in row.context.split("+")) if row.context else "",
            })
    order = {t: i for i, t in enumerate(lex.themes)}
    hits.sort(key=lambda h: (order[h["theme"]], h["start"]))
    return hits


_HIT_COLUMNS = ["text", "theme", "term", "kind", "matched", "start", "end", "weight", "context", "cue"]


def match_themes(texts, lexicon: Lexicon | str | None = None, segmenter=None) -> pd.DataFrame:
    """Every lexicon hit in every text.

    ``segmenter`` (optional, a function text -> list of words such as
    :func:`toolkit.word_segment`) makes hits count only where a term starts
    and ends on that segmenter's word boundaries: the word-level reading used
    in robustness checks. By default terms match on syllables.

    Returns
    -------
    pandas.DataFrame
        One row per hit: ``text`` (the input's index label), ``theme``,
        ``term``, ``kind`` (term or formula), ``matched`` (surface form),
        ``start``/``end`` (character offsets in the normalised text),
        ``weight``, ``context`` and the ``cue`` that satisfied it.
    """
    values, index = _as_texts(texts)
    lex = _lexicon(lexicon)
    rows = [{"text": label, **hit} for label, value in zip(index, values) for hit in _hits_one(value, lex, segmenter)]
    return pd.DataFrame(rows, columns=_HIT_COLUMNS + ["syllable_start", "syllable_end"])[_HIT_COLUMNS]


def score_themes(texts, lexicon: Lexicon | str | None = None, segmenter=None) -> pd.DataFrame:
    """Weighted hit counts per theme; one float column per theme of the lexicon.

    Examples
    --------
    >>> score_themes(["Tuần tra chung bảo vệ cột mốc trên tuyến biên giới.",
    ...               "Tỉnh thu hút đầu tư trực tiếp nước ngoài."]).to_dict("records")
    [{'economic_diplomacy': 0.0, 'border_security': 3.0, 'people_to_people': 0.0}, {'economic_diplomacy': 1.0, 'border_security': 0.0, 'people_to_people': 0.0}]
    """
    values, index = _as_texts(texts)
    lex = _lexicon(lexicon)
    hits = match_themes(pd.Series(values, index=range(len(values))), lex, segmenter)
    scores = hits.pivot_table(index="text", columns="theme", values="weight", aggfunc="sum")
    scores = scores.reindex(index=range(len(values)), columns=list(lex.themes)).fillna(0.0).astype(float)
    scores.index = index
    scores.columns.name = None
    return scores


METHODS = ("auto", "lexicon", "classifier")


def _is_default_lexicon(lex: Lexicon) -> bool:
    default = _lexicon(None)
    return lex is default or (lex.version == default.version and lex.entries.equals(default.entries)
                              and lex.contexts == default.contexts and lex.blockers.equals(default.blockers))


def _shipped_model() -> bool:
    from .classify import DEFAULT_MODEL

    return DEFAULT_MODEL.is_file()


def _classifier(model, context: bool = False):
    """The classifier to use: ``model``, or the shipped one (the context model when ``context`` and it
    is shipped)."""
    from .classify import CONTEXT_MODEL, ThemeClassifier, load_classifier

    if isinstance(model, ThemeClassifier):
        return model
    if model is None:
        key = "context classifier" if context and CONTEXT_MODEL.is_file() else "classifier"
        if key not in _DEFAULT:
            _DEFAULT[key] = load_classifier(CONTEXT_MODEL if key == "context classifier" else None)
        return _DEFAULT[key]
    return load_classifier(model)


def _texts_and_context(texts):
    """``texts`` as given, or a units frame's ``text`` and each unit's context (None when the frame has
    neither ``doc_id`` nor context columns)."""
    if not isinstance(texts, pd.DataFrame):
        return texts, None
    from .classify import unit_context

    if "text" not in texts.columns:
        raise ToolkitError("a frame of units needs a text column")
    usable = "doc_id" in texts.columns or {"context_before", "context_after"} <= set(texts.columns)
    return texts["text"], (unit_context(texts) if usable else None)


def label_themes(texts, lexicon: Lexicon | str | None = None, threshold: float = 1.0, segmenter=None,
                 method: str = "auto", model=None) -> pd.DataFrame:
    """The toolkit's decision rule: one bool column per theme.

    Parameters
    ----------
    texts : list or Series of str, or DataFrame of units
        A frame of units (``text``, with ``doc_id`` or ``context_before`` / ``context_after``, and
        optionally ``title``, ``paragraph``, ``sentence``) lets the classifier read each sentence's
        context: the title and the neighbouring units of the same article in the frame
        (:func:`toolkit.classify.unit_context`). Pass the units measured, as ``theme_shares`` does.
    lexicon : Lexicon, path or version, optional
    threshold : float, default 1.0
        ``method="lexicon"``: a theme is present when its score (:func:`score_themes`) is at least this.
    segmenter : callable, optional
        ``method="lexicon"``: count only hits on this segmenter's word boundaries.
    method : {"auto", "lexicon", "classifier"}, default "auto"
        ``"lexicon"``: the dictionary rule above. ``"classifier"``: a :class:`toolkit.classify.ThemeClassifier`
        (``model``, default the shipped model of the study's themes, trained on the tuning half of the
        real-text validation set: logistic regression on the lexicon's hits and syllable n-grams).
        ``"auto"``: the shipped classifier for the default lexicon when the package ships one (the
        combination validated on real text; given units with their articles, the shipped model that
        also reads context), the dictionary rule for any other lexicon, when ``threshold`` or
        ``segmenter`` is given, or when no model is shipped.
    model : ThemeClassifier or path, optional
        The classifier for ``method="classifier"``.

    Examples
    --------
    >>> label_themes(["Kim ngạch xuất khẩu qua cửa khẩu tăng 20%.", "Giá rau tăng mạnh."]).to_dict("list")
    {'economic_diplomacy': [True, False], 'border_security': [False, False], 'people_to_people': [False, False]}
    """
    if not threshold > 0:
        raise ToolkitError(f"threshold must be positive, got {threshold!r}")
    if method not in METHODS:
        raise ToolkitError(f"method must be one of {', '.join(METHODS)}, got {method!r}")
    lex = _lexicon(lexicon)
    texts, context = _texts_and_context(texts)
    if method == "auto":
        plain = threshold == 1.0 and segmenter is None
        shipped = plain and _is_default_lexicon(lex) and _shipped_model()
        method = "classifier" if (model is not None or shipped) else "lexicon"
    if method == "lexicon":
        return score_themes(texts, lex, segmenter) >= threshold
    clf = _classifier(model, context is not None)
    if set(clf.themes_) != set(lex.themes):
        raise ToolkitError(f"the classifier measures {', '.join(clf.themes_)}, the lexicon "
                           f"{', '.join(lex.themes)}; use method='lexicon' or a model trained on these themes")
    return clf.predict(texts, context)[list(lex.themes)]


def _windows(sylls, start: int, end: int, window: int) -> tuple[str, str]:
    """``window`` syllables (punctuation included) left and right of a hit, cut at syllable boundaries."""
    left_from = sylls.spans[max(0, start - window)][0] if start > 0 else sylls.spans[start][0]
    right_to = sylls.spans[min(len(sylls.spans), end + window) - 1][1] if end < len(sylls.spans) else sylls.spans[end - 1][1]
    a, b = sylls.spans[start][0], sylls.spans[end - 1][1]
    return sylls.text[left_from:a].strip(), sylls.text[b:right_to].strip()


def explain(text: str, lexicon: Lexicon | str | None = None, window: int = 8) -> pd.DataFrame:
    """The terms that fired in one text, where, and what each contributes.

    Returns
    -------
    pandas.DataFrame
        ``theme``, ``term``, ``kind``, ``matched``, ``start``, ``end``,
        ``contribution`` (the weight), ``context``, ``cue``, and ``pre`` /
        ``post``: ``window`` syllables each side.
    """
    if not isinstance(text, str):
        raise ToolkitError(f"explain expects a str, got {type(text).__name__}")
    lex = _lexicon(lexicon)
    sylls = syllables(text)
    found = _hits_one(sylls.text, lex)
    rows = []
    for hit in found:
        pre, post = _windows(sylls, hit["syllable_start"], hit["syllable_end"], window)
        rows.append({**{k: v for k, v in hit.items() if not k.startswith("syllable_")}, "pre": pre, "post": post})
    out = pd.DataFrame(rows, columns=["theme", "term", "kind", "matched", "start", "end", "weight", "context", "cue", "pre", "post"])
    return out.rename(columns={"weight": "contribution"})


def _labelled(units, lexicon, kinds, drop_duplicates, threshold=1.0, segmenter=None, method="auto") -> pd.DataFrame:
    lex = _lexicon(lexicon)
    chosen = select_units(units, kinds, drop_duplicates)
    labels = label_themes(chosen, lex, threshold, segmenter, method=method)
    return pd.concat([chosen.drop(columns=[c for c in lex.themes if c in chosen.columns]), labels], axis=1)


def _check_by(units: pd.DataFrame, by: str) -> None:
    if by not in units.columns:
        raise ToolkitError(f"cannot group by {by!r}: units have no such column; available: {', '.join(map(str, units.columns))}")


def theme_shares(
    units: pd.DataFrame,
    by: str = "year",
    lexicon: Lexicon | str | None = None,
    kinds=("body",),
    drop_duplicates: bool = True,
    ci: float = 0.95,
    segmenter=None,
    cluster: str = "doc_id",
    method: str = "auto",
) -> pd.DataFrame:
    """Share of units carrying each theme per group, with intervals right for the design.

    These are shares of the automated labels: when the measurement errs, so do they. For shares
    that stay right whatever its errors, code a probability sample and use
    :func:`toolkit.design_based_shares`.

    Parameters
    ----------
    units : pandas.DataFrame
        From :func:`toolkit.segment` (sentence or paragraph units).
    by : str, default "year"
        Any unit column (year, doc_id, province, or a derived period).
    lexicon : Lexicon, path or version, optional
    kinds : iterable of str or None, default ("body",)
        Unit kinds measured; titles and captions are left out by default.
    drop_duplicates : bool, default True
        Leave out near-duplicate units so repeated passages count once.
    ci : float, default 0.95
    segmenter : callable, optional
        Count only hits on this segmenter's word boundaries (see :func:`match_themes`).
    method : {"auto", "lexicon", "classifier"}, default "auto"
        Passed to :func:`label_themes`.

    Returns
    -------
    pandas.DataFrame
        ``by``, ``theme``, ``share``, ``ci_low``, ``ci_high``, ``units``,
        ``articles``, ``positives``, ``interval`` and ``note``: see
        :func:`toolkit.stats.cluster_shares` (exact Clopper-Pearson within a
        single article, an article-level ratio interval otherwise).
    """
    _check_by(units, by)
    lex = _lexicon(lexicon)
    frame = _labelled(units, lex, kinds, drop_duplicates, segmenter=segmenter, method=method)
    out = cluster_shares(frame, list(lex.themes), by=by, cluster=cluster, ci=ci)
    return out.rename(columns={"measure": "theme"})


def theme_tests(
    units: pd.DataFrame,
    by: str = "year",
    lexicon: Lexicon | str | None = None,
    kinds=("body",),
    drop_duplicates: bool = True,
    level: str = "article",
    n_permutations: int = 9999,
    seed: int = 0,
    adjust: str = "holm",
) -> pd.DataFrame:
    """Permutation tests of differences in theme shares between each pair of groups.

    ``level="article"`` (default) shuffles whole articles, the design's unit;
    ``level="unit"`` shuffles units and is descriptive only (units of one
    article are not independent). ``p_adjusted`` corrects the family of every
    test returned (``adjust``: "holm" or "fdr_bh"). See
    :func:`toolkit.stats.permutation_test`.
    """
    _check_by(units, by)
    lex = _lexicon(lexicon)
    frame = _labelled(units, lex, kinds, drop_duplicates)
    out = pairwise_tests(frame, list(lex.themes), by=by, level=level, n_permutations=n_permutations, seed=seed,
                         adjust=adjust)
    return out.rename(columns={"measure": "theme"})


def term_hits(units: pd.DataFrame, by: str = "year", lexicon: Lexicon | str | None = None, kinds=("body",),
              drop_duplicates: bool = True) -> pd.DataFrame:
    """Hits per lexicon entry and group, every entry listed (zeros included).

    Returns
    -------
    pandas.DataFrame
        ``theme``, ``term``, ``context``, ``kind``, ``by``, ``hits``,
        ``contribution`` (summed weight), ``units`` (units measured in the
        group) and ``per_100_units`` (hits per 100 units, comparable across
        groups of unequal size).
    """
    _check_by(units, by)
    lex = _lexicon(lexicon)
    chosen = select_units(units, kinds, drop_duplicates)
    hits = match_themes(chosen["text"], lex)
    hits[by] = chosen.loc[hits["text"], by].to_numpy() if len(hits) else []
    counts = hits.groupby(["theme", "term", "context", by]).agg(hits=("term", "size"), contribution=("weight", "sum")).reset_index()
    sizes = chosen.groupby(by).size().rename("units").reset_index()
    grid = lex.entries[["theme", "term", "context", "kind"]].merge(sizes, how="cross")
    out = grid.merge(counts, on=["theme", "term", "context", by], how="left").fillna({"hits": 0, "contribution": 0.0})
    out["hits"] = out["hits"].astype(int)
    out["per_100_units"] = 100 * out["hits"] / out["units"]
    columns = ["theme", "term", "context", "kind", by, "hits", "contribution", "units", "per_100_units"]
    return out[columns].sort_values(["theme", "term", "context", by]).reset_index(drop=True)


def unmatched_terms(units: pd.DataFrame, lexicon: Lexicon | str | None = None, kinds=None,
                    drop_duplicates: bool = False) -> pd.DataFrame:
    """Lexicon entries that never match in the given units (all kinds, duplicates kept, by default)."""
    lex = _lexicon(lexicon)
    hits = term_hits(units.assign(_all="all"), by="_all", lexicon=lex, kinds=kinds, drop_duplicates=drop_duplicates)
    never = hits[hits.hits == 0][["theme", "term", "context"]]
    return never.merge(lex.entries, on=["theme", "term", "context"]).reset_index(drop=True)


def leave_one_term_out(units: pd.DataFrame, by: str = "year", lexicon: Lexicon | str | None = None,
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
    _check_by(units, by)
    lex = _lexicon(lexicon)
    chosen = select_units(units, kinds, drop_duplicates)
    # the dictionary rule on both sides: the question is what one entry of the lexicon does
    full = _labelled(chosen, lex, None, False, method="lexicon").groupby(by)[list(lex.themes)].mean()
    used = term_hits(chosen, by=by, lexicon=lex, kinds=None, drop_duplicates=False)
    used = used.groupby(["theme", "term", "context"])["hits"].sum().reset_index()
    rows = []
    for entry in used[used.hits > 0].itertuples(index=False):
        without = _labelled(chosen, lex.without(entry.theme, entry.term, entry.context), None, False, method="lexicon")
        shares = without.groupby(by)[entry.theme].mean()
        changed = list(full[entry.theme].sort_values(kind="stable").index) != list(shares.sort_values(kind="stable").index)
        for group in full.index:
            rows.append({"theme": entry.theme, "term": entry.term, "context": entry.context, by: group,
                         "share": full.loc[group, entry.theme], "share_without": shares[group],
                         "change": shares[group] - full.loc[group, entry.theme], "order_changes": changed})
    return pd.DataFrame(rows, columns=["theme", "term", "context", by, "share", "share_without", "change", "order_changes"])


def confusion(truth: pd.DataFrame, predicted: pd.DataFrame, themes) -> pd.DataFrame:
    """Per theme: n, coded, labelled, tp, fp, fn, tn, precision, recall, f1, specificity.

    ``truth`` and ``predicted`` hold one 0/1 (or bool) column per theme, rows aligned.
    Precision or recall with an empty denominator is NaN; F1 is 0 when
    there are no true positives but some coded or labelled positives.
    """
    rows = []
    for theme in themes:
        t = truth[theme].astype(int).astype(bool).to_numpy()
        p = predicted[theme].astype(int).astype(bool).to_numpy()
        tp, fp, fn, tn = int((t & p).sum()), int((~t & p).sum()), int((t & ~p).sum()), int((~t & ~p).sum())
        precision = tp / (tp + fp) if tp + fp else float("nan")
        recall = tp / (tp + fn) if tp + fn else float("nan")
        f1 = 2 * tp / (2 * tp + fp + fn) if tp + fp + fn else float("nan")
        specificity = tn / (tn + fp) if tn + fp else float("nan")
        rows.append({"theme": theme, "n": len(t), "coded": int(t.sum()), "labelled": int(p.sum()), "tp": tp,
                     "fp": fp, "fn": fn, "tn": tn, "precision": precision, "recall": recall, "f1": f1,
                     "specificity": specificity})
    return pd.DataFrame(rows)


def validate(coded: pd.DataFrame, texts: pd.Series | None = None, lexicon: Lexicon | str | None = None,
             threshold: float = 1.0, ci: float | None = None, n_boot: int = 2000, seed: int = 0,
             method: str = "auto") -> pd.DataFrame:
    """Precision, recall, F1 and specificity of :func:`label_themes` against hand-coded units.

    ``method`` is passed to :func:`label_themes` ("lexicon" scores the dictionary rule of any lexicon).

    Parameters
    ----------
    coded : pandas.DataFrame
        A ``text`` column and one 0/1 column per theme of the lexicon (the hand coding).
    texts : pandas.Series, optional
        Texts to label instead of ``coded.text`` (same index).
    ci : float, optional
        Add intervals: exact (Clopper-Pearson) for precision, recall and
        specificity, a percentile bootstrap over units for F1.

    Returns
    -------
    pandas.DataFrame
        One row per theme: ``n``, ``coded`` (positives by hand),
        ``labelled`` (positives by the lexicon), ``tp``, ``fp``, ``fn``, ``tn``,
        ``precision``, ``recall``, ``f1``, ``specificity`` (and with ``ci``:
        ``<measure>_low`` / ``<measure>_high``).
    """
    lex = _lexicon(lexicon)
    missing = [c for c in ("text", *lex.themes) if c not in coded.columns]
    if missing:
        raise ToolkitError(f"coded units lack column(s) {', '.join(missing)}; the lexicon measures "
                           f"{', '.join(lex.themes)}")
    labels = label_themes(coded["text"] if texts is None else texts, lex, threshold, method=method).reset_index(drop=True)
    truth = coded.reset_index(drop=True)
    out = confusion(truth, labels, lex.themes)
    if ci is None:
        return out
    from .intervals import clopper_pearson

    for measure, k, n in (("precision", out.tp, out.tp + out.fp), ("recall", out.tp, out.tp + out.fn),
                          ("specificity", out.tn, out.tn + out.fp)):
        low, high = clopper_pearson(k.to_numpy(), n.to_numpy(), ci)
        out[f"{measure}_low"] = np.where(n > 0, low, np.nan)
        out[f"{measure}_high"] = np.where(n > 0, high, np.nan)
    rng = np.random.default_rng(seed)
    picks = rng.integers(0, len(truth), size=(n_boot, len(truth)))
    q = (1 - ci) / 2
    for i, theme in enumerate(lex.themes):
        t = truth[theme].astype(int).astype(bool).to_numpy()[picks]
        p = labels[theme].to_numpy()[picks]
        tp, wrong = (t & p).sum(axis=1), (t ^ p).sum(axis=1)
        with np.errstate(invalid="ignore", divide="ignore"):
            f1 = 2 * tp / (2 * tp + wrong)
        f1 = f1[np.isfinite(f1)]
        out.loc[i, "f1_low"] = np.quantile(f1, q) if len(f1) else np.nan
        out.loc[i, "f1_high"] = np.quantile(f1, 1 - q) if len(f1) else np.nan
    return out


def term_validation(coded: pd.DataFrame, lexicon: Lexicon | str | None = None) -> pd.DataFrame:
    """Which entries earn their place: each entry's hits in hand-coded texts and how many were right.

    Parameters
    ----------
    coded : pandas.DataFrame
        ``text`` and one 0/1 column per theme (e.g. the challenge set).

    Returns
    -------
    pandas.DataFrame
        One row per entry that matches at least once: ``theme``, ``term``,
        ``context``, ``kind``, ``hits`` (texts it fires in), ``correct``
        (of those, texts coded with its theme) and ``precision``; sorted by
        theme and falling number of wrong hits.
    """
    lex = _lexicon(lexicon)
    texts = coded.reset_index(drop=True)
    hits = match_themes(texts["text"], lex).drop_duplicates(["text", "theme", "term", "context"])
    if hits.empty:
        return pd.DataFrame(columns=["theme", "term", "context", "kind", "hits", "correct", "precision"])
    hits["correct"] = [bool(texts.at[i, t]) for i, t in zip(hits.text, hits.theme)]
    out = hits.groupby(["theme", "term", "context", "kind"], sort=False).agg(
        hits=("text", "size"), correct=("correct", "sum")).reset_index()
    out["precision"] = out.correct / out.hits
    order = {t: i for i, t in enumerate(lex.themes)}
    out = out.assign(_t=out.theme.map(order), _wrong=out.hits - out.correct)
    return out.sort_values(["_t", "_wrong", "hits"], ascending=[True, False, False]).drop(columns=["_t", "_wrong"]).reset_index(drop=True)


def false_alarms(texts, lexicon: Lexicon | str | None = None, threshold: float = 1.0, ci: float = 0.95,
                 method: str = "auto") -> pd.DataFrame:
    """How often the measurement gives a theme to texts that carry none (e.g. domestic news).

    ``method`` is passed to :func:`label_themes`.

    Returns
    -------
    pandas.DataFrame
        One row per theme and a row ``any theme``: ``n`` texts, ``flagged``,
        ``rate`` and its exact (Clopper-Pearson) interval ``rate_low`` /
        ``rate_high``.
    """
    from .intervals import clopper_pearson

    lex = _lexicon(lexicon)
    labels = label_themes(texts, lex, threshold, method=method)
    flagged = {theme: int(labels[theme].sum()) for theme in lex.themes}
    flagged["any theme"] = int(labels.any(axis=1).sum())
    n = len(labels)
    rows = []
    for name, k in flagged.items():
        low, high = clopper_pearson(k, n, ci)
        rows.append({"theme": name, "n": n, "flagged": k, "rate": k / n if n else np.nan,
                     "rate_low": float(low), "rate_high": float(high)})
    return pd.DataFrame(rows)


def corrected_theme_shares(units: pd.DataFrame, validation: pd.DataFrame, by: str = "year",
                           lexicon: Lexicon | str | None = None, validation_by: str | None = None,
                           kinds=("body",), drop_duplicates: bool = True, n_boot: int = 2000, ci: float = 0.95,
                           seed: int = 0) -> pd.DataFrame:
    """Theme shares corrected for the lexicon's measured misclassification (Rogan-Gladen).

    Parameters
    ----------
    validation : pandas.DataFrame
        Hand-coded units: ``text`` and one 0/1 column per theme; the lexicon's
        sensitivity and specificity are measured on them.
    validation_by : str, optional
        A column of ``validation`` matching the groups of ``by`` (e.g. year)
        to measure sensitivity and specificity per group; pooled otherwise.

    Returns
    -------
    pandas.DataFrame
        See :func:`toolkit.stats.corrected_shares`.
    """
    _check_by(units, by)
    lex = _lexicon(lexicon)
    frame = _labelled(units, lex, kinds, drop_duplicates)
    labels = label_themes(validation["text"], lex)
    truth = validation[list(lex.themes)].astype(int).astype(bool)
    pairs = pd.concat([truth.add_suffix("__true").reset_index(drop=True), labels.add_suffix("__pred").reset_index(drop=True)], axis=1)
    if validation_by is not None:
        pairs[by] = validation[validation_by].to_numpy()
    out = corrected_shares(frame, pairs, list(lex.themes), by=by, per_group=validation_by is not None,
                           n_boot=n_boot, ci=ci, seed=seed)
    return out.rename(columns={"measure": "theme"})


def theme_kwic(units: pd.DataFrame, lexicon: Lexicon | str | None = None, window: int = 8, kinds=None,
               drop_duplicates: bool = False) -> pd.DataFrame:
    """A KWIC line for every lexicon hit: where each number comes from.

    Columns follow :func:`toolkit.kwic`: ``pre``, ``keyword``, ``post``
    hold ``window`` syllables each side, cut at syllable boundaries.

    Returns
    -------
    pandas.DataFrame
        ``unit_id``, ``doc_id``, ``year`` (those present), ``theme``,
        ``term``, ``kind``, ``cue``, ``pre``, ``keyword``, ``post``.
    """
    lex = _lexicon(lexicon)
    chosen = select_units(units, kinds, drop_duplicates)
    rows = []
    meta_columns = [c for c in ("unit_id", "doc_id", "year") if c in chosen.columns]
    for label, text in chosen["text"].items():
        sylls = syllables(text)
        for hit in _hits_one(sylls.text, lex):
            pre, post = _windows(sylls, hit["syllable_start"], hit["syllable_end"], window)
            meta = {c: chosen.at[label, c] for c in meta_columns}
            rows.append({**meta, "theme": hit["theme"], "term": hit["term"], "kind": hit["kind"], "cue": hit["cue"],
                         "pre": pre, "keyword": hit["matched"], "post": post})
    return pd.DataFrame(rows, columns=meta_columns + ["theme", "term", "kind", "cue", "pre", "keyword", "post"])
