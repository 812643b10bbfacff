"""Word segmentation: pyvi's CRF model with the toolkit's fixes.

:func:`word_segment` returns every word of a text in order, syllables joined
by ``_``: pyvi's CRF model decides the word boundaries, and the toolkit fixes
its known failures:

1. **Syllables.** pyvi's syllable splitter treats any run of capitals before a
   full stop as an abbreviation, so the acronym swallows the sentence's stop
   ("UBND." is one token), and it splits dates ("17/3/2008" becomes five
   tokens). Here only the abbreviations of
   :data:`toolkit.normalize.ABBREVIATIONS` keep their stop, and dates
   (d/m/yyyy, m/yyyy) are one token, as in the UD Vietnamese treebank.
2. **Tone placement.** pyvi's lexicon features (bi- and tri-grams of
   ``words.txt``) are spelled with the other tone placement (thoả thuận);
   normalised text (thỏa thuận) would miss them. The lookup holds both
   spellings.
3. **Domain dictionary.** Multi-word expressions of
   ``resources/domain_words.txt`` (place names, cửa khẩu, biên mậu...) are
   forced as whole words.
4. **Over-merged compounds.** A word of three or more syllables that is
   neither in pyvi's lexicon nor in the domain dictionary, and that splits
   into known words with at most one single syllable left over, is split
   (hoạt_động_kinh_tế -> hoạt_động kinh_tế, mở_cửa_khẩu -> mở cửa_khẩu).

Speed: pyvi's model is evaluated by :class:`toolkit.crf.BatchTagger`, which
computes the features of a whole batch of texts at once and decodes with
NumPy; the labels are exactly those of pyvi's python-crfsuite tagger
(:func:`pyvi_labels`, the reference, is kept for tests). Figures in
``bench/README.md``.

This module changes when the segmentation model or its fixes change;
analysis tokens and stopwords are in :mod:`toolkit.tokens`, many texts
(cache, processes, Dask) in :mod:`toolkit.batch`.
"""

from __future__ import annotations

import re
import string
import unicodedata
from functools import lru_cache
from importlib import resources

from .crf import encode
from .errors import ToolkitError
from .normalize import ABBREVIATIONS, normalize_text

__all__ = ["word_segment", "word_segment_many", "syllabify", "syllable_spans", "domain_words", "pyvi_labels"]

_PUNCT = set(string.punctuation)
_ABBREV_RE = "|".join(re.escape(a) + r"\." for a in sorted(ABBREVIATIONS, key=lambda a: (-len(a), a)))
_SYLLABLE_RE = re.compile(
    "(" + "|".join([
        r"(?<!\w)(?:" + _ABBREV_RE + r")",
        r"\d{1,2}/\d{1,2}/\d{2,4}(?![\d/])",          # dates 17/3/2008
        r"\d{1,2}/\d{4}(?![\d/])",                    # month/year 10/2011
        r"==>", r"->", r"\.\.\.", r">>",
        r"\w+://[^\s]+",
        r"[a-zA-Z0-9_.+-]+@(?:[a-zA-Z0-9-]+\.)+[a-zA-Z0-9-]+",
        r"\d+(?:[.,_]\d+)+",
        r"[^\w\s]",
        r"\w+",
    ]) + ")"
)


def _read_resource(name: str) -> str:
    return resources.files("toolkit").joinpath("resources", name).read_text(encoding="utf-8")


def _entries(text: str) -> list[str]:
    out = []
    for line in text.splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            out.append(line)
    return out


@lru_cache(maxsize=1)
def domain_words() -> frozenset[str]:
    """The domain dictionary: lower-cased entries, syllables joined by spaces."""
    return frozenset(" ".join(normalize_text(e).lower().split()) for e in _entries(_read_resource("domain_words.txt")))




@lru_cache(maxsize=1)
def _pyvi():
    """pyvi's tokenizer class and its lexicon in both tone placements.

    Returns the class and a dict: 2 and 3 map to the bi- and tri-grams,
    ``"known"`` to every multi-syllable word known to pyvi or the domain
    dictionary, ``"first"`` to the domain entries by first syllable, longest first.
    """
    from pyvi.ViTokenizer import ViTokenizer

    lexicon = {}
    for size, grams in ((2, ViTokenizer.bi_grams), (3, ViTokenizer.tri_grams)):
        normalised = {normalize_text(g) for g in grams}
        lexicon[size] = frozenset(grams) | frozenset(normalised)
    lexicon["known"] = lexicon[2] | lexicon[3] | domain_words()
    first: dict[str, list[tuple[str, ...]]] = {}
    for entry in domain_words():
        first.setdefault(entry.split()[0], []).append(tuple(entry.split()))
    lexicon["first"] = {k: sorted(v, key=lambda e: (-len(e), e)) for k, v in first.items()}
    return ViTokenizer, lexicon


def syllabify(text: str) -> list[str]:
    """Split text into syllables and symbols; every non-space character is kept.

    Examples
    --------
    >>> syllabify("UBND tỉnh họp ngày 17/3/2008 tại TP. Hà Giang, UBND.")
    ['UBND', 'tỉnh', 'họp', 'ngày', '17/3/2008', 'tại', 'TP.', 'Hà', 'Giang', ',', 'UBND', '.']
    """
    return _SYLLABLE_RE.findall(text)


def syllable_spans(text: str) -> list[tuple[str, int, int]]:
    """:func:`syllabify` with the character span of each syllable."""
    return [(m.group(0), m.start(), m.end()) for m in _SYLLABLE_RE.finditer(text)]


def _features(sylls: list[str], bigrams, trigrams) -> list[list[str]]:
    """pyvi's CRF features, as attribute strings, computed once per syllable."""
    n = len(sylls)
    lower = [s.lower() for s in sylls]
    title = [s.istitle() for s in sylls]
    upper = [s.isupper() for s in sylls]
    bi = [f"{lower[i]} {lower[i + 1]}" in bigrams for i in range(n - 1)]
    tri = [f"{lower[i]} {lower[i + 1]} {lower[i + 2]}" in trigrams for i in range(n - 2)]
    out = []
    for i in range(n):
        f = ["bias", "word.lower():" + lower[i]]
        if upper[i]:
            f.append("word.isupper()")
        if title[i]:
            f.append("word.istitle()")
        if sylls[i].isdigit():
            f.append("word.isdigit()")
        if i > 0:
            f.append("-1:word.lower():" + lower[i - 1])
            if title[i - 1]:
                f.append("-1:word.istitle()")
            if upper[i - 1]:
                f.append("-1:word.isupper()")
            if bi[i - 1]:
                f.append("-1:word.bi_gram()")
            if i > 1 and tri[i - 2]:
                f.append("-2:word.tri_gram()")
        if i < n - 1:
            f.append("+1:word.lower():" + lower[i + 1])
            if title[i + 1]:
                f.append("+1:word.istitle()")
            if upper[i + 1]:
                f.append("+1:word.isupper()")
            if bi[i]:
                f.append("+1:word.bi_gram()")
            if i < n - 2 and tri[i]:
                f.append("+2:word.tri_gram()")
        out.append(f)
    return out


def _can_join(prev: str, cur: str) -> bool:
    # pyvi's own rule for turning an I_W label into a joined syllable.
    return not (
        cur in _PUNCT or prev in _PUNCT or cur[0].isdigit() or prev[0].isdigit()
        or (cur[0].istitle() and not prev[0].istitle())
    )


_SURROGATE_RE = re.compile("[\ud800-\udfff]")


def pyvi_labels(sylls: list[str], lexicon: str = "both") -> list[str]:
    """B_W/I_W labels of pyvi's CRF model for a list of syllables, tagged by python-crfsuite.

    The reference implementation: :func:`word_segment` computes the same
    labels in batches with :class:`toolkit.crf.BatchTagger`.

    ``lexicon="pyvi"`` reproduces pyvi's own features exactly; ``"both"``
    (the toolkit's default) also finds lexicon entries written with the other
    tone placement.
    """
    if not sylls:
        return []
    tokenizer, lex = _pyvi()
    if lexicon == "pyvi":
        bigrams, trigrams = tokenizer.bi_grams, tokenizer.tri_grams
    else:
        bigrams, trigrams = lex[2], lex[3]
    return tokenizer.model.tagger_.tag(_features(sylls, bigrams, trigrams))


def _words_from(sylls: list[str], starts: list[bool]) -> list[str]:
    bounds = [i for i, start in enumerate(starts) if start or not i]
    if len(bounds) == len(sylls):
        return list(sylls)
    bounds.append(len(sylls))
    return ["_".join(sylls[a:b]) if b - a > 1 else sylls[a] for a, b in zip(bounds, bounds[1:])]


_JOIN_FLAGS: dict[str, tuple[bool, bool, bool]] = {}


def _join_flags(s: str) -> tuple[bool, bool, bool]:
    """Per distinct syllable: for pyvi's joining rule (is punctuation or starts with a digit; starts
    with a title-case letter), and whether it can begin a domain dictionary entry."""
    flags = _JOIN_FLAGS.get(s)
    if flags is None:
        if len(_JOIN_FLAGS) > 500_000:
            _JOIN_FLAGS.clear()
        flags = _JOIN_FLAGS[s] = (s in _PUNCT or s[0].isdigit(), s[0].istitle(), s.lower() in _pyvi()[1]["first"])
    return flags


def _force_dictionary(lower: list[str], starts: list[bool], forced: list[bool], first) -> None:
    """Force domain entries as whole words, longest first; ``first`` maps a first syllable to its entries."""
    i, n = 0, len(lower)
    while i < n:
        for entry in first.get(lower[i], ()):
            size = len(entry)
            if tuple(lower[i:i + size]) == entry:
                starts[i] = forced[i] = True
                for k in range(i + 1, i + size):
                    starts[k] = False
                    forced[k] = True
                if i + size < n:
                    starts[i + size] = True
                i += size
                break
        else:
            i += 1


def _split_overmerged(lower: list[str], starts: list[bool], forced: list[bool], known) -> None:
    n = len(lower)
    bounds = [i for i in range(n) if starts[i]] + [n]
    for a, b in zip(bounds, bounds[1:]):
        size = b - a
        if size < 3 or forced[a] or " ".join(lower[a:b]) in known:
            continue
        # Fewest pieces, all known words except at most one single syllable.
        best: dict[int, tuple[int, int, list[int]]] = {0: (0, 0, [])}
        for i in range(size):
            if i not in best:
                continue
            pieces, singles, cuts = best[i]
            for j in range(i + 1, min(size, i + 3) + 1):
                piece = " ".join(lower[a + i:a + j])
                single = j - i == 1
                if not single and piece not in known:
                    continue
                cand = (pieces + 1, singles + single, cuts + [i])
                if cand[1] <= 1 and (j not in best or cand[:2] < best[j][:2]):
                    best[j] = cand
        if size in best and best[size][0] > 1:
            for cut in best[size][2]:
                starts[a + cut] = True


@lru_cache(maxsize=1)
def _batch_tagger():
    from .crf import BatchTagger

    tokenizer, _ = _pyvi()
    return BatchTagger(tokenizer.model.tagger_)


def _check_text(text, where: str = "") -> None:
    if not isinstance(text, str):
        raise ToolkitError(f"word_segment expects a str{where}, got {type(text).__name__}")
    bad = _SURROGATE_RE.search(text)
    if bad:
        raise ToolkitError(
            f"text{where} contains a lone surrogate code point (U+{ord(bad.group()):04X}) at character "
            f"{bad.start()}; it is not valid Unicode text: decode the source strictly or replace it"
        )


def word_segment_many(texts, fixes: bool = True) -> list[list[str]]:
    """:func:`word_segment` for a batch of texts, tagged together (much faster than one by one)."""
    texts = list(texts)
    for i, text in enumerate(texts):
        _check_text(text, f" (item {i})" if len(texts) > 1 else "")
    tokenizer, lex = _pyvi()
    texts = [unicodedata.normalize("NFC", t) for t in texts]
    if fixes:
        sequences = [syllabify(t) for t in texts]
        bigrams, trigrams = lex[2], lex[3]
    else:
        sequences = [tokenizer.sylabelize(t)[1] for t in texts]
        bigrams, trigrams = tokenizer.bi_grams, tokenizer.tri_grams
    tagger = _batch_tagger()
    encoded = encode(sequences)          # syllable types and codes, shared by the tagger and the joining rule
    inside = tagger.decode(tagger.scores(sequences, bigrams, trigrams, encoded))
    return _words_many(sequences, inside, fixes, lex, encoded)


def _words_many(sequences: list[list[str]], inside: list, fixes: bool, lex: dict, encoded=None) -> list[list[str]]:
    """:func:`_words` for a batch: pyvi's joining rule in NumPy; the fixes only where they can apply."""
    import numpy as np

    types, codes = encoded if encoded is not None else encode(sequences)
    n = len(codes)
    if n == 0:
        return [[] for _ in sequences]
    flags = [_join_flags(s) for s in types]          # per distinct syllable, spread by code
    stop = np.fromiter((f[0] for f in flags), dtype=bool, count=len(flags))[codes]
    title = np.fromiter((f[1] for f in flags), dtype=bool, count=len(flags))[codes]
    lengths = np.fromiter((len(seq) for seq in sequences), dtype=np.int64, count=len(sequences))
    ends = np.cumsum(lengths)
    begins = ends - lengths
    starts = ~np.concatenate(inside).astype(bool)
    starts[1:] |= stop[1:] | stop[:-1] | (title[1:] & ~title[:-1])
    starts[begins[lengths > 0]] = True
    needs_fix = np.zeros(len(sequences), dtype=bool)
    if fixes:
        # The dictionary can apply where a syllable begins an entry; splitting, to words of 3+ syllables.
        first = np.fromiter((f[2] for f in flags), dtype=bool, count=len(flags))[codes]
        positions = np.flatnonzero(starts)
        long_word = positions[np.diff(np.append(positions, n)) >= 3]
        seq_of = np.repeat(np.arange(len(sequences)), lengths)
        needs_fix[seq_of[first]] = True
        needs_fix[seq_of[long_word]] = True
    start_list = starts.tolist()
    out = []
    for k, sylls in enumerate(sequences):
        a, b = int(begins[k]), int(ends[k])
        st = start_list[a:b]
        if needs_fix[k]:
            lower = [s.lower() for s in sylls]
            forced = [False] * len(sylls)
            _force_dictionary(lower, st, forced, lex["first"])
            _split_overmerged(lower, st, forced, lex["known"])
        out.append(_words_from(sylls, st))
    return out


def _words(sylls: list[str], inside, fixes: bool, lex: dict) -> list[str]:
    """Words from syllables and their I_W flags: pyvi's joining rule, then the toolkit's fixes."""
    # pyvi's rule (_can_join), with the properties of each distinct syllable remembered.
    flags = [_join_flags(s) for s in sylls]
    starts = [True] * len(sylls)
    for i in range(1, len(sylls)):
        if inside[i]:
            (p_stop, p_title, _), (c_stop, c_title, _) = flags[i - 1], flags[i]
            starts[i] = p_stop or c_stop or (c_title and not p_title)
    if fixes and sylls:
        lower = [s.lower() for s in sylls]
        forced = [False] * len(sylls)
        _force_dictionary(lower, starts, forced, lex["first"])
        _split_overmerged(lower, starts, forced, lex["known"])
    return _words_from(sylls, starts)


def word_segment(text: str, fixes: bool = True) -> list[str]:
    """Segment Vietnamese text into words, syllables joined by ``_``.

    Every word of the text is returned in order, punctuation included, and the
    concatenation of the words without ``_`` equals the text without spaces
    (after NFC). The text is not otherwise normalised; :func:`tokenize` is.

    Parameters
    ----------
    text : str
    fixes : bool, default True
        Apply the toolkit's fixes (module docstring). ``False`` gives pyvi's
        model on pyvi's own syllables and features, i.e. ``ViTokenizer``.

    Examples
    --------
    >>> word_segment("Hoạt động kinh tế qua cửa khẩu Thanh Thủy tăng.")
    ['Hoạt_động', 'kinh_tế', 'qua', 'cửa_khẩu', 'Thanh_Thủy', 'tăng', '.']
    """
    _check_text(text)
    text = unicodedata.normalize("NFC", text)
    tokenizer, lex = _pyvi()
    sylls = syllabify(text) if fixes else tokenizer.sylabelize(text)[1]
    # One text: the tagger's pure-Python path is quicker than setting up NumPy arrays.
    bigrams, trigrams = (lex[2], lex[3]) if fixes else (tokenizer.bi_grams, tokenizer.tri_grams)
    return _words(sylls, _batch_tagger().inside_one(sylls, bigrams, trigrams), fixes, lex)
