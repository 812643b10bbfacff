"""Supervised theme measurement: logistic regression on lexicon features and syllable n-grams.

A dictionary (:mod:`toolkit.themes`) always errs on real text: an ambiguous word ("thị trường", "cột
mốc", "văn hóa") fires outside foreign affairs, and a context cue cannot see whether the sentence has
a Vietnamese side. :class:`ThemeClassifier` learns, from hand-coded sentences, how much each lexicon
signal and each word sequence counts, one calibrated logistic regression per theme:

* **lexicon features**: per theme, the lexicon score (capped at 3), the number of hits without a
  context cue, with a cue, and of kind ``formula``; per context of the lexicon, whether one of its cues
  occurs (``foreign``, ``border``, ``vietnam``...);
* **n-gram features**: lower-cased syllable unigrams and bigrams (present or not) seen in at least
  ``min_df`` training sentences. Syllables need no word segmentation, so labelling is fast on archives;
* **side features** (``sides=True``): whether a Vietnamese side and a foreign actor take part, and
  whether the sentence speaks of the economy, security or culture, crossed with each other and with
  the lexicon's hits (:func:`side_features`);
* **context features** (``context=True``): the same sides and the lexicon's themes found in the
  article's title and the sentences just before and after, and the sentence's fields crossed with the
  sides of its context (:func:`context_features`). A coder reads "Hai bên nhất trí mở rộng thương mại"
  with its article: the context says who "hai bên" are. :func:`unit_context` gives each unit its
  context from the units frame.

``features="lexicon"``, ``"ngrams"`` or ``"both"`` choose the feature set, so the three measurements a
validation compares (lexicon features only, words only, their combination) are one class. A model is
saved as JSON (coefficients, vocabulary, thresholds and the lexicon version it was trained with), never
as a pickle; :func:`load_classifier` reads it back and :func:`toolkit.label_themes` uses the shipped
model with ``method="classifier"``.

Examples
--------
>>> import pandas as pd
>>> texts = ["Tỉnh thu hút 12 dự án FDI.", "Giá rau tăng mạnh.", "Hai bên tuần tra chung biên giới.",
...          "Học sinh nghỉ Tết.", "Kim ngạch xuất khẩu sang Lào tăng.", "Trời mưa to."]
>>> y = pd.DataFrame({"economic_diplomacy": [1, 0, 0, 0, 1, 0], "border_security": [0, 0, 1, 0, 0, 0]})
>>> model = ThemeClassifier(min_df=1).fit(texts, y)
>>> model.predict(["Thu hút dự án FDI vào tỉnh."]).economic_diplomacy.tolist()
[True]
"""

from __future__ import annotations

import functools
import json
import os
import re
from pathlib import Path

import numpy as np
import pandas as pd
import scipy.sparse as sp

from .errors import ToolkitError
from .lexicon import LEXICON_DIR, Lexicon, load_lexicon
from .match import find_terms, syllables

__all__ = ["ThemeClassifier", "load_classifier", "DEFAULT_MODEL", "CONTEXT_MODEL", "lexicon_features",
           "side_features", "context_features", "unit_context", "syllable_ngrams"]

#: The shipped model for the study's three themes that reads sentences alone (trained on the real-text
#: validation set, see data/validation/real/README.md).
DEFAULT_MODEL = LEXICON_DIR.parent / "models" / "themes_classifier.json"
#: The shipped model that also reads each sentence's context (title, sentence before and after); used
#: by :func:`toolkit.label_themes` when it is given units with their articles.
CONTEXT_MODEL = LEXICON_DIR.parent / "models" / "themes_classifier_context.json"
FEATURE_SETS = ("lexicon", "ngrams", "both")


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


# Names of foreign states, blocs and organisations that news reports as actors. With no Vietnamese side
# in the sentence, they mark news about other countries, which the codebook codes domestic.
FOREIGN_ACTORS = (
    "Mỹ", "Hoa Kỳ", "Nga", "Trung Quốc", "Bắc Kinh", "Nhật Bản", "Hàn Quốc", "Triều Tiên", "Ấn Độ", "Pháp",
    "Anh", "Đức", "Úc", "Australia", "Canada", "Lào", "Campuchia", "Thái Lan", "Singapore", "Indonesia",
    "Malaysia", "Philippines", "Myanmar", "Ukraine", "Israel", "Iran", "Syria", "Iraq", "Thổ Nhĩ Kỳ",
    "Hà Lan", "Italy", "Tây Ban Nha", "Đài Loan", "Hồng Kông", "Washington", "Moskva", "Tokyo", "Seoul",
    "Bình Nhưỡng", "Nhà Trắng", "Lầu Năm Góc", "NATO", "EU", "Liên hợp quốc", "LHQ", "IS",
)
# A Vietnamese side: the country, its people, its state bodies and its localities.
VIETNAMESE_SIDE = (
    "Việt Nam", "nước ta", "phía Việt Nam", "phía ta", "Chính phủ", "Thủ tướng", "Quốc hội", "Bộ", "tỉnh",
    "huyện", "xã", "thành phố", "Hà Nội", "TP.HCM", "Biên phòng", "biên phòng", "UBND", "Đảng", "Việt",
)
# Fields of a relation, whatever the partner: what a foreign side may be doing with a Vietnamese one.
FIELDS = {
    "economy": ("thương mại", "đầu tư", "nhà đầu tư", "xuất khẩu", "nhập khẩu", "xuất nhập khẩu", "thị trường",
                "doanh nghiệp", "kinh tế", "kinh doanh", "du lịch", "du khách", "lao động", "hợp đồng", "USD",
                "vốn", "dự án", "hàng hóa", "nhà thầu", "tập đoàn", "công ty", "tiêu thụ", "nông sản", "FDI",
                "ODA", "viện trợ", "vay", "hiệp định", "FTA", "TPP", "APEC", "WTO", "thuế", "sản xuất"),
    "security": ("an ninh", "quốc phòng", "quân sự", "quân đội", "biên phòng", "biên giới", "cửa khẩu",
                 "buôn lậu", "nhập lậu", "hải quan", "ma túy", "tội phạm", "truy nã", "vũ khí", "chủ quyền",
                 "tuần tra", "cảnh sát biển", "xuất cảnh", "nhập cảnh", "trái phép", "bất hợp pháp",
                 "gian lận", "trục xuất"),
    "culture": ("văn hóa", "giao lưu", "hữu nghị", "nhân dân", "phi chính phủ", "tình nguyện", "học bổng",
                "nghệ thuật", "lễ hội", "kết nghĩa", "đoàn kết", "nhân đạo", "từ thiện"),
}
SIDE_FEATURES = ("side:vietnam", "side:foreign", "side:foreign_only", *(f"field:{f}" for f in FIELDS))


@functools.lru_cache(maxsize=1)
def _side_patterns() -> tuple[re.Pattern, re.Pattern, list[re.Pattern]]:
    def pattern(names, flags=0):
        ordered = sorted(names, key=len, reverse=True)
        return re.compile(r"(?<!\w)(?:" + "|".join(re.escape(n) for n in ordered) + r")(?!\w)", flags)

    return (pattern(VIETNAMESE_SIDE), pattern(FOREIGN_ACTORS),
            [pattern(words, re.IGNORECASE) for words in FIELDS.values()])


def _names_pattern(names) -> re.Pattern:
    r"""A case-sensitive pattern matching where ``(?<!\w)(?:names)(?!\w)`` does, found faster.

    The look-behind moves after each name's first character (``(?<!\w.)`` there tests the character
    before the name), so every alternative starts with a literal and the regex engine scans for the
    names' first characters instead of trying every alternative at every position.
    """
    groups: dict[str, list[str]] = {}
    for name in sorted(names, key=len, reverse=True):
        groups.setdefault(name[0], []).append(name[1:])
    alternatives = [re.escape(first) + r"(?<!\w.)(?:" + "|".join(re.escape(rest) for rest in rests) + ")"
                    for first, rests in groups.items()]
    return re.compile("(?:" + "|".join(alternatives) + r")(?!\w)")


@functools.lru_cache(maxsize=1)
def _case_fold():
    r"""The case folding of ``re.IGNORECASE``: a ``str.translate`` table and a pattern finding the
    characters for which ``str.lower`` does not give it; None when this Python does not expose it.

    Under ``re.IGNORECASE`` a cased pattern character matches a text character when their simple lower
    cases are equal or form one of the regex engine's extra case classes (``ſ`` and ``s``...). Mapping
    each character to the smallest member of its class makes that an equality, so a case-sensitive
    search of folded names in folded text finds what the case-insensitive search finds, as long as
    folding keeps every character's ``\w``-ness. For most characters ``str.lower`` (fast) is that
    folding; the pattern finds the others (final-sigma and multi-character lower cases, the extra
    classes, three characters whose folding is not a word character as they are, and characters
    beyond the Basic Multilingual Plane), which send a text to the case-insensitive pattern.
    """
    try:
        import _sre
        from re._casefix import _EXTRA_CASES
        lower = _sre.unicode_tolower
    except (ImportError, AttributeError):
        return None
    word = re.compile(r"\w")
    table, special = {}, [0x03A3]          # capital sigma: str.lower gives final or medial sigma by context
    for code in range(0x10000):
        low = lower(code)
        folded = min((low, *_EXTRA_CASES.get(low, ())))
        if folded != code:
            table[code] = folded
            if bool(word.match(chr(code))) != bool(word.match(chr(folded))):
                special.append(code)
        if chr(code).lower() != chr(folded):
            special.append(code)
    escaped = "".join(re.escape(chr(c)) for c in sorted(set(special)))
    return table, re.compile(f"[{escaped}\U00010000-\U0010ffff]")


@functools.lru_cache(maxsize=1)
def _fast_side_patterns():
    """:func:`_side_patterns` as :func:`_names_pattern`; the fields' names folded for folded text."""
    fold = _case_fold()
    fields = None
    if fold is not None:
        fields = [_names_pattern([name.translate(fold[0]) for name in words]) for words in FIELDS.values()]
    return _names_pattern(VIETNAMESE_SIDE), _names_pattern(FOREIGN_ACTORS), fields


def side_features(texts) -> np.ndarray:
    """Who takes part in each text and in which field, one row per text, columns ``SIDE_FEATURES``.

    ``side:vietnam``: a Vietnamese side is named (``VIETNAMESE_SIDE``, case-sensitive); ``side:foreign``:
    a foreign state, bloc or organisation (``FOREIGN_ACTORS``); ``side:foreign_only``: the second without
    the first, news about other countries; ``field:*``: a word of the economy, security or culture
    (``FIELDS``, any case).

    >>> side_features(["Hàn Quốc là nhà đầu tư lớn nhất tại Việt Nam.", "Quân đội Mỹ tập trận."]).tolist()
    [[1.0, 1.0, 0.0, 1.0, 0.0, 0.0], [0.0, 1.0, 1.0, 0.0, 1.0, 0.0]]
    """
    _, _, field_res = _side_patterns()           # the definition (any case), for texts folding cannot serve
    vn_re, foreign_re, folded_res = _fast_side_patterns()
    fold = _case_fold()
    rows = []
    for text in texts:
        vn, foreign = bool(vn_re.search(text)), bool(foreign_re.search(text))
        if folded_res is not None and not fold[1].search(text):
            folded = text.lower()                # here equal to text.translate(fold[0])
            fields = (bool(f.search(folded)) for f in folded_res)
        else:
            fields = (bool(f.search(text)) for f in field_res)
        rows.append((vn, foreign, foreign and not vn, *fields))
    return np.asarray(rows, dtype=float).reshape(len(rows), len(SIDE_FEATURES))


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


def unit_context(units: pd.DataFrame) -> list[tuple[str, str, str]]:
    """Each unit's context ``(title, sentence before, sentence after)``, in the frame's row order.

    With columns ``context_before`` / ``context_after`` (a coding sheet), they are used as given.
    Otherwise the units are put in article order (``doc_id``, then ``paragraph`` and ``sentence`` when
    present, else their order in the frame) and the neighbours are the units of the same article in
    the frame: pass the units that were measured (body sentences), as :func:`toolkit.label_themes`
    does. The title is the ``title`` column when there is one.

    >>> frame = pd.DataFrame({"doc_id": ["a", "a", "b"], "text": ["Một.", "Hai.", "Ba."], "title": ["T", "T", "U"]})
    >>> unit_context(frame)
    [('T', '', 'Hai.'), ('T', 'Một.', ''), ('U', '', '')]
    """
    if "text" not in units.columns:
        raise ToolkitError("units need a text column")
    n = len(units)
    text = units["text"].astype(str).to_numpy()
    if {"context_before", "context_after"} <= set(units.columns):
        before = units["context_before"].fillna("").astype(str).to_numpy()
        after = units["context_after"].fillna("").astype(str).to_numpy()
    elif "doc_id" in units.columns:
        keys = [c for c in ("doc_id", "paragraph", "sentence") if c in units.columns]
        frame = pd.DataFrame({k: units[k].to_numpy() for k in keys}).assign(_row=np.arange(n), _text=text)
        frame = frame.sort_values([*keys, "_row"], kind="stable")
        doc = frame["doc_id"].to_numpy()
        ordered = frame["_text"].to_numpy()
        same_prev = np.r_[False, doc[1:] == doc[:-1]]
        same_next = np.r_[doc[:-1] == doc[1:], False]
        prev = np.where(same_prev, np.r_[[""], ordered[:-1]], "")
        nxt = np.where(same_next, np.r_[ordered[1:], [""]], "")
        before, after = np.empty(n, dtype=object), np.empty(n, dtype=object)
        before[frame["_row"].to_numpy()] = prev
        after[frame["_row"].to_numpy()] = nxt
    else:
        raise ToolkitError("a unit's context needs doc_id (units of articles) or context_before / context_after columns")
    title = units["title"].fillna("").astype(str).to_numpy() if "title" in units.columns else np.full(n, "")
    return [(str(t), str(b), str(a)) for t, b, a in zip(title, before, after)]


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.clip(z, -40, 40)))


class ThemeClassifier:
    """One logistic regression per theme on lexicon and n-gram features.

    Parameters
    ----------
    lexicon : Lexicon, path or version, optional
        The lexicon whose hits are features (default: the toolkit's default lexicon).
    features : {"both", "lexicon", "ngrams"}, default "both"
    C : float, default 1.0
        Inverse L2 penalty of scikit-learn's ``LogisticRegression``.
    min_df : int, default 2
        An n-gram is a feature when it occurs in at least this many training texts.
    class_weight : "balanced" or None, default "balanced"
    thresholds : dict or float, default 0.5
        Probability from which a theme is present, per theme or for all.
    sides : bool, default False
        With lexicon features, add who takes part and in which field (:func:`side_features`), each side
        crossed with each theme's lexicon hits, and each field crossed with the sides: a relation is a
        field *and* a partner, which a linear model on words alone cannot express, and a security word in
        news about other countries can count for less than on Vietnam's border.
    context : bool, default False
        With lexicon features, add what the text's context says (:func:`context_features`). Such a model
        needs ``context=`` (one ``(title, before, after)`` tuple per text) in ``fit`` and ``predict``.
    """

    def __init__(self, lexicon=None, features: str = "both", C: float = 1.0, min_df: int = 2,
                 class_weight: str | None = "balanced", thresholds=0.5, sides: bool = False, context: bool = False):
        if features not in FEATURE_SETS:
            raise ToolkitError(f"features must be one of {', '.join(FEATURE_SETS)}, got {features!r}")
        if not C > 0:
            raise ToolkitError(f"C must be positive, got {C!r}")
        if not (isinstance(min_df, int) and min_df >= 1):
            raise ToolkitError(f"min_df must be a positive int, got {min_df!r}")
        self.lexicon = lexicon
        self.features = features
        self.C = C
        self.min_df = min_df
        self.class_weight = class_weight
        self.thresholds = thresholds
        self.sides = bool(sides)
        self.context = bool(context)
        if self.context and features == "ngrams":
            raise ToolkitError("context features come with lexicon features; use features='both' or 'lexicon'")

    # -- features -----------------------------------------------------------------------------
    def _lex(self) -> Lexicon:
        from .measure import _lexicon

        return _lexicon(self.lexicon)

    def _context_of(self, texts: list[str], context) -> list | None:
        if not self.context:
            return None
        if context is None:
            raise ToolkitError("this classifier reads each text's context: pass context= (see toolkit.classify.unit_context)")
        context = [tuple(str(p) for p in parts) for parts in context]
        if len(context) != len(texts):
            raise ToolkitError(f"{len(texts)} texts but {len(context)} contexts")
        return context

    def _matrix(self, texts: list[str], context=None) -> sp.csr_matrix:
        # Each distinct text and context part is split into syllables and matched once, shared by every feature.
        lex = self._lex() if self.features in ("lexicon", "both") else None
        parts = [p for c in context for p in c if p] if context is not None else []
        if lex is not None:
            need_sides = self.sides or context is not None
            position, usylls, lexical_all, side_all = _signals([*texts, *parts], lex, need_sides)
            own = [position[t] for t in texts]
            sylls = [usylls[i] for i in own]
        else:
            sylls = [syllables(t) for t in texts]
        blocks = []
        if lex is not None:
            lexical = lexical_all[own]
            blocks.append(sp.csr_matrix(lexical))
            if context is not None:
                blocks.append(sp.csr_matrix(_context_block(texts, context, position, lexical_all, side_all, lex)))
            if self.sides:
                side = side_all[own]
                present = _themes_present(lexical, lex)
                crossed = np.column_stack([present[:, i] * side[:, j] for i in range(present.shape[1])
                                           for j in range(side.shape[1])])
                vn, foreign = side[:, 0], side[:, 1]
                fields = side[:, 3:]
                partner = np.column_stack([fields * foreign[:, None], fields * (foreign * vn)[:, None],
                                           fields * vn[:, None]])
                blocks.append(sp.csr_matrix(np.hstack([side, crossed, partner])))
        if self.features in ("ngrams", "both"):
            table = getattr(self, "_ngram_table", None)
            if table is None or table[0] is not self.vocabulary_:
                table = self._ngram_table = (self.vocabulary_, _NgramIndex(self.vocabulary_))
            blocks.append(_ngram_matrix(sylls, self.vocabulary_, table[1]))
        return sp.hstack(blocks, format="csr")

    # -- fitting ------------------------------------------------------------------------------
    def fit(self, texts, y: pd.DataFrame, sample_weight=None, context=None) -> "ThemeClassifier":
        """Fit one model per column of ``y`` (0/1 codes, one column per theme); ``context`` as in
        :meth:`predict_proba`."""
        from sklearn.linear_model import LogisticRegression

        from .measure import _as_texts

        values, _ = _as_texts(texts)
        if len(values) != len(y):
            raise ToolkitError(f"{len(values)} texts but {len(y)} rows of codes")
        self.themes_ = tuple(y.columns)
        if self.features in ("ngrams", "both"):
            counts: dict[str, int] = {}
            for text in values:
                for gram in set(syllable_ngrams(text)):
                    counts[gram] = counts.get(gram, 0) + 1
            kept = sorted(g for g, c in counts.items() if c >= self.min_df)
            self.vocabulary_ = {g: i for i, g in enumerate(kept)}
        else:
            self.vocabulary_ = {}
        X = self._matrix(values, self._context_of(values, context))
        self.coef_, self.intercept_ = {}, {}
        for theme in self.themes_:
            target = np.asarray(y[theme], dtype=int)
            if target.min() == target.max():
                raise ToolkitError(f"theme {theme!r} has only {'positive' if target[0] else 'negative'} codes; "
                                   "a classifier needs both")
            model = LogisticRegression(C=self.C, class_weight=self.class_weight, max_iter=5000)
            model.fit(X, target, sample_weight=sample_weight)
            self.coef_[theme] = model.coef_[0]
            self.intercept_[theme] = float(model.intercept_[0])
        self.lexicon_version_ = self._lex().version
        return self

    def _threshold(self, theme: str) -> float:
        return float(self.thresholds.get(theme, 0.5) if isinstance(self.thresholds, dict) else self.thresholds)

    def predict_proba(self, texts, context=None) -> pd.DataFrame:
        """Probability of each theme, one float column per theme.

        ``context``: with a model fitted with ``context=True``, one ``(title, before, after)`` tuple of
        strings per text (:func:`unit_context`); ignored otherwise.
        """
        from .measure import _as_texts

        if not hasattr(self, "coef_"):
            raise ToolkitError("the classifier is not fitted; call fit() or load_classifier()")
        values, index = _as_texts(texts)
        X = (self._matrix(values, self._context_of(values, context)) if values else sp.csr_matrix((0, len(next(iter(self.coef_.values()))))))
        out = {t: _sigmoid(X @ self.coef_[t] + self.intercept_[t]) for t in self.themes_}
        return pd.DataFrame(out, index=index, columns=list(self.themes_))

    def predict(self, texts, context=None) -> pd.DataFrame:
        """Bool labels: probability at least the theme's threshold."""
        proba = self.predict_proba(texts, context)
        return pd.DataFrame({t: proba[t] >= self._threshold(t) for t in self.themes_}, index=proba.index)

    # -- persistence --------------------------------------------------------------------------
    def save(self, path) -> Path:
        """Write the fitted model as JSON."""
        path = Path(path)
        data = {
            "format": "vn-discourse theme classifier 1", "features": self.features, "C": self.C,
            "min_df": self.min_df, "class_weight": self.class_weight, "sides": self.sides,
            "context": self.context,
            "thresholds": {t: self._threshold(t) for t in self.themes_}, "themes": list(self.themes_),
            "lexicon_version": self.lexicon_version_, "vocabulary": sorted(self.vocabulary_, key=self.vocabulary_.get),
            "coef": {t: [round(float(v), 6) for v in self.coef_[t]] for t in self.themes_},
            "intercept": {t: round(self.intercept_[t], 6) for t in self.themes_},
        }
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(data, ensure_ascii=False, indent=0) + "\n", encoding="utf-8")
        return path


def load_classifier(path: str | os.PathLike | None = None, lexicon=None) -> ThemeClassifier:
    """Read a classifier saved by :meth:`ThemeClassifier.save` (default: the shipped model).

    ``lexicon`` defaults to the shipped lexicon version the model was trained with.
    """
    path = Path(path) if path is not None else DEFAULT_MODEL
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ToolkitError(f"{path}: no such classifier file") from None
    except json.JSONDecodeError as err:
        raise ToolkitError(f"{path}: not a classifier file ({err})") from None
    if data.get("format") != "vn-discourse theme classifier 1":
        raise ToolkitError(f"{path}: not a classifier file of this toolkit")
    model = ThemeClassifier(lexicon=lexicon if lexicon is not None else load_lexicon(data["lexicon_version"]),
                            features=data["features"], C=data["C"], min_df=data["min_df"],
                            class_weight=data["class_weight"], thresholds=data["thresholds"],
                            sides=data.get("sides", False), context=data.get("context", False))
    model.themes_ = tuple(data["themes"])
    model.vocabulary_ = {g: i for i, g in enumerate(data["vocabulary"])}
    model.coef_ = {t: np.asarray(v, dtype=float) for t, v in data["coef"].items()}
    model.intercept_ = {t: float(v) for t, v in data["intercept"].items()}
    model.lexicon_version_ = data["lexicon_version"]
    return model
