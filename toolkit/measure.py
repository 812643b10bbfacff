"""Dictionary matching of texts: lexicon hits and scores, traceable to every hit.

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

``score_themes`` gives each text, per theme, the sum of the weights of its hits; ``explain`` lists the
hits of one text with the syllables around them. This module measures texts one at a time, below the
theme classifier (:mod:`toolkit.classify`, whose lexicon features are these hits) and the decision
rule (:mod:`toolkit.labels`); :mod:`toolkit.themes` measures corpora of units with them.
"""

from __future__ import annotations

import functools
import numpy as np
import pandas as pd

from .errors import ToolkitError
from .lexicon import Lexicon, load_lexicon
from .match import find_terms, syllables
from .normalize import normalize_text

__all__ = ["themes_of", "match_themes", "score_themes", "explain"]

# The default lexicon and the shipped classifiers (toolkit.labels loads those), each loaded once.
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


@functools.lru_cache(maxsize=200_000)
def _syllable_count(word: str) -> int:
    """Syllables of one segmented word (words recur: counted once per process)."""
    from .wordseg import syllabify

    return len(syllabify(normalize_text(word).replace("_", " ")))


def _word_starts(sylls, words: list[str]) -> np.ndarray | None:
    """Syllable positions where a word of ``words`` starts (plus the end), or None if they do not align."""
    sizes = [_syllable_count(w) for w in words]
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
    matches = find_terms(sylls, keys["terms"], keys["terms_index"])
    if not matches:
        return []           # a term's first syllable but no whole term: nothing to segment, block or qualify
    starts = _word_starts(sylls, segmenter(sylls.text)) if segmenter is not None else None
    blocked = _blocked_spans(sylls, keys)
    present: dict[str, str] = {}
    for start, end, key in find_terms(sylls, keys["cues"], keys["cues_index"]):
        if _is_blocked(start, end, key, blocked):
            continue
        for name in keys["cues"][key]:
            present.setdefault(name, " ".join(key))
    candidates = []
    for start, end, key in matches:
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
