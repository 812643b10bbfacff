"""The features the theme classifier reads: syllable n-grams, lexicon features and context features.

:class:`toolkit.classify.ThemeClassifier` describes each text by

* **n-gram features** (:func:`syllable_ngrams`): lower-cased syllable unigrams and bigrams, which need
  no word segmentation; the matrix of a batch of texts is built at once over its distinct syllables;
* **lexicon features** (:func:`lexicon_features`): per theme, the lexicon score (capped at 3), the
  number of hits without a context cue, with a cue, and of kind ``formula``; per context of the
  lexicon, whether one of its cues occurs;
* **context features** (:func:`context_features`): the sides (:mod:`toolkit.sides`) and the
  lexicon's themes found in a text's title and neighbouring sentences.

Each distinct string of a batch is split into syllables and matched against the lexicon once and
shared by every feature. This module sits between :mod:`toolkit.match` and :mod:`toolkit.sides` below
and :mod:`toolkit.classify` above; the lexicon's hits come from :mod:`toolkit.measure`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import scipy.sparse as sp

from .lexicon import Lexicon
from .match import find_terms, syllables
from .sides import side_features

__all__ = ["syllable_ngrams", "lexicon_features", "context_features"]


def syllable_ngrams(text: str, n: int = 2) -> list[str]:
    """Lower-cased word-syllable unigrams and bigrams (bigrams never cross punctuation).

    Examples
    --------
    >>> syllable_ngrams("Cột mốc, biên giới")
    ['cột', 'cột mốc', 'mốc', 'biên', 'biên giới', 'giới']
    """
    return _ngrams_of(syllables(text), n)


def _ngrams_of(sylls, n: int = 2) -> list[str]:
    """:func:`syllable_ngrams` of a text's :func:`toolkit.match.syllables`."""
    out: list[str] = []
    run: list[str] = []

    def flush():
        for i, s in enumerate(run):
            out.append(s)
            if n >= 2 and i + 1 < len(run):
                out.append(f"{s} {run[i + 1]}")

    for i, syl in enumerate(sylls.lower):
        word = any(ch.isalnum() for ch in syl)
        # punctuation or a gap with punctuation between two syllables ends a run
        gap = sylls.text[sylls.spans[i - 1][1]:sylls.spans[i][0]] if i else ""
        if not word or any(not ch.isspace() for ch in gap):
            flush()
            run = []
        if word:
            run.append(syl)
    flush()
    return out


class _NgramIndex:
    """A vocabulary of syllable n-grams as lookup tables for :func:`_ngram_matrix`.

    Unigrams map a syllable to its column; each bigram "a b" becomes an int64 code over the ids
    of the syllables that occur in bigrams, sorted, with its column alongside. (Syllables never
    contain spaces, so an entry with one space is a bigram; :func:`syllable_ngrams` makes no longer ones.)
    """

    def __init__(self, index: dict[str, int]):
        self.size = len(index)
        self.uni = {g: c for g, c in index.items() if " " not in g}
        pairs = [(g.split(" "), c) for g, c in index.items() if g.count(" ") == 1]
        self.ids: dict[str, int] = {}
        for (a, b), _ in pairs:
            self.ids.setdefault(a, len(self.ids))
            self.ids.setdefault(b, len(self.ids))
        self.width = len(self.ids) + 1
        codes = np.array([self.ids[a] * self.width + self.ids[b] for (a, b), _ in pairs], dtype=np.int64)
        order = np.argsort(codes, kind="stable")
        self.codes = codes[order]
        self.cols = np.array([c for _, c in pairs], dtype=np.int64)[order]


_WORD_SYLLABLE: dict[str, bool] = {}


def _is_word(syl: str) -> bool:
    word = _WORD_SYLLABLE.get(syl)
    if word is None:
        if len(_WORD_SYLLABLE) > 500_000:
            _WORD_SYLLABLE.clear()
        word = _WORD_SYLLABLE[syl] = any(ch.isalnum() for ch in syl)
    return word


def _ngram_matrix(sylls: list, index: dict[str, int], table: "_NgramIndex | None" = None) -> sp.csr_matrix:
    """Presence (1.0) of each vocabulary n-gram of :func:`syllable_ngrams` in each text, one row per text.

    The same matrix as looking up every text's :func:`syllable_ngrams` in ``index``, computed for the
    whole batch at once: work per distinct syllable, and array operations per position. A bigram is
    two adjacent word syllables; only the rare text holding ``_`` (word-segmented text, where an
    underscore between syllables ends a run) takes the per-text path for its bigrams.
    """
    from .crf import encode

    table = table or _NgramIndex(index)
    n_rows, n_cols = len(sylls), table.size
    lower = [s.lower for s in sylls]
    types, codes = encode(lower)
    if not n_cols or not len(codes):
        return sp.csr_matrix((n_rows, n_cols))
    names = list(types)
    word = np.fromiter(map(_is_word, names), dtype=bool, count=len(names))[codes]
    uni = np.fromiter((table.uni.get(t, -1) for t in names), dtype=np.int64, count=len(names))[codes]
    sid = np.fromiter((table.ids.get(t, -1) for t in names), dtype=np.int64, count=len(names))[codes]
    lengths = np.fromiter(map(len, lower), dtype=np.int64, count=n_rows)
    row = np.repeat(np.arange(n_rows, dtype=np.int64), lengths)
    underscore = np.fromiter(("_" in s.text for s in sylls), dtype=bool, count=n_rows)
    keep = word & (uni >= 0)
    rows, cols = [row[keep]], [uni[keep]]
    pair = (word[1:] & word[:-1] & (sid[1:] >= 0) & (sid[:-1] >= 0) & (row[1:] == row[:-1])
            & ~underscore[row[1:]])
    left = np.flatnonzero(pair)
    if len(left) and len(table.codes):
        code = sid[left] * table.width + sid[left + 1]
        pos = np.minimum(np.searchsorted(table.codes, code), len(table.codes) - 1)
        found = table.codes[pos] == code
        rows.append(row[left[found]])
        cols.append(table.cols[pos[found]])
    for r in np.flatnonzero(underscore):
        grams = [index[g] for g in _ngrams_of(sylls[r]) if " " in g and g in index]
        rows.append(np.full(len(grams), r, dtype=np.int64))
        cols.append(np.array(grams, dtype=np.int64))
    cells = np.sort(np.concatenate(rows) * n_cols + np.concatenate(cols))
    cells = cells[np.concatenate(([True], cells[1:] != cells[:-1]))] if len(cells) else cells
    return sp.csr_matrix((np.ones(len(cells)), (cells // n_cols, cells % n_cols)), shape=(n_rows, n_cols))


def _feature_names(lex: Lexicon) -> list[str]:
    names = []
    for theme in lex.themes:
        names += [f"{theme}:score", f"{theme}:plain", f"{theme}:cued", f"{theme}:formula"]
    names += [f"cue:{name}" for name in sorted(lex.contexts)]
    return names


def lexicon_features(texts, lexicon: Lexicon | str | None = None) -> pd.DataFrame:
    """The lexicon features of each text (see the module docstring), one column per feature."""
    from .measure import _lexicon

    lex = _lexicon(lexicon)
    values = list(texts)
    return pd.DataFrame(_lexicon_array(values, [syllables(t) for t in values], lex), columns=_feature_names(lex))


def _lexicon_array(values: list[str], sylls: list, lex: Lexicon) -> np.ndarray:
    """:func:`lexicon_features` as an array, from the texts and their :func:`toolkit.match.syllables`."""
    from .measure import _hits_one

    names = _feature_names(lex)
    col = {name: i for i, name in enumerate(names)}
    contexts = sorted(lex.contexts)
    cues, cue_index = lex._keys["cues"], lex._keys["cues_index"]
    out = np.zeros((len(values), len(names)))
    for r, (text, syl) in enumerate(zip(values, sylls)):
        for hit in _hits_one(text, lex, sylls=syl):
            theme = hit["theme"]
            out[r, col[f"{theme}:score"]] += hit["weight"]
            kind = "formula" if hit["kind"] == "formula" else ("cued" if hit["context"] else "plain")
            out[r, col[f"{theme}:{kind}"]] += 1
        if contexts:
            found = {name for _, _, key in find_terms(syl, cues, cue_index) for name in cues[key]}
            for name in found:
                out[r, col[f"cue:{name}"]] = 1.0
    return np.minimum(out, 3.0)


def _signals(strings: list[str], lex: Lexicon, sides: bool = True) -> tuple[dict, list, np.ndarray, np.ndarray | None]:
    """Each distinct string's syllables, lexicon features (array, columns of :func:`lexicon_features`)
    and (with ``sides``) side features, computed once: ``(position, syllables, lexical, sides)``."""
    unique = list(dict.fromkeys(strings))
    sylls = [syllables(t) for t in unique]
    return ({s: i for i, s in enumerate(unique)}, sylls, _lexicon_array(unique, sylls, lex),
            side_features(unique) if sides else None)


def _themes_present(lexical: np.ndarray, lex: Lexicon) -> np.ndarray:
    """1.0 where the lexicon scores the theme above 0, one column per theme (rows of :func:`_lexicon_array`)."""
    col = {name: i for i, name in enumerate(_feature_names(lex))}
    return np.column_stack([(lexical[:, col[f"{t}:score"]] > 0).astype(float) for t in lex.themes])


def context_features(texts, context, lexicon: Lexicon | str | None = None) -> np.ndarray:
    """What each text's context says: one row per text.

    ``context`` holds one tuple of strings per text (for example the article's title and the sentences
    before and after, :func:`unit_context`). Columns: a Vietnamese side and a foreign actor
    (:func:`side_features`) found in any part of the context, a foreign actor without a Vietnamese side
    there; per theme of the lexicon, whether any part has a hit of it; and the text's own fields
    (economy, security, culture) crossed with a foreign actor, a Vietnamese side, and both, in its
    context.

    >>> context_features(["Hai bên nhất trí mở rộng thương mại."],
    ...                  [("Việt Nam và Lào ký hiệp định", "", "")], "v3")[0, :3].tolist()
    [1.0, 1.0, 0.0]
    """
    from .measure import _lexicon

    lex = _lexicon(lexicon)
    texts = list(texts)
    position, _, lexical, sides = _signals([*texts, *(p for c in context for p in c if p)], lex)
    return _context_block(texts, context, position, lexical, sides, lex)


def _context_block(texts, context, position, lexical, sides, lex) -> np.ndarray:
    signal = np.hstack([sides[:, :2], _themes_present(lexical, lex)])
    found = np.zeros((len(texts), signal.shape[1]))
    for r, parts in enumerate(context):
        rows = [position[p] for p in parts if p]
        if rows:
            found[r] = signal[rows].max(axis=0)
    vn, foreign = found[:, [0]], found[:, [1]]
    own = sides[[position[t] for t in texts]]
    fields = own[:, 3:]
    crossed = np.hstack([fields * foreign, fields * vn, fields * (vn * foreign)])
    return np.hstack([vn, foreign, foreign * (1 - vn), found[:, 2:], crossed])
