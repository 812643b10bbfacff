"""Analysis tokens: stopwords and the :class:`Tokenizer`.

:func:`tokenize` turns text into analysis tokens: normalised, segmented
(:func:`toolkit.wordseg.word_segment`), lower-cased, without punctuation,
numbers or stopwords. Stopwords are the public list in
``resources/stopwords/`` with the domain changes of
``resources/stopwords_domain.txt``.

This module changes when what counts as an analysis token changes. The
segmentation model and its fixes live in :mod:`toolkit.wordseg`; many texts
at once (the Parquet cache, worker processes, Dask) in :mod:`toolkit.batch`,
which builds on this module (words -> tokens -> batches: no module imports
one above it). The module is not called ``tokenize``: that name is the
standard library's, which a script run from ``toolkit/`` would shadow.
"""

from __future__ import annotations

import re
from functools import lru_cache

from .errors import ToolkitError
from .normalize import normalize_text
from .wordseg import _entries, _read_resource, word_segment

__all__ = ["tokenize", "Tokenizer", "stopwords"]


@lru_cache(maxsize=1)
def stopwords() -> frozenset[str]:
    """The stopword set used by :func:`tokenize` (lower case, ``_``-joined).

    The public list (1,942 entries) normalised like the text, minus the
    removals and plus the additions of ``resources/stopwords_domain.txt``.
    """
    base = {
        "_".join(normalize_text(e).lower().split())
        for e in _read_resource("stopwords/vietnamese-stopwords.txt").splitlines() if e.strip()
    }
    for entry in _entries(_read_resource("stopwords_domain.txt")):
        sign, word = entry[0], normalize_text(entry[1:].strip()).lower()
        if sign == "+":
            base.add(word)
        elif sign == "-":
            base.discard(word)
        else:
            raise ToolkitError(f"stopwords_domain.txt: line {entry!r} must start with + or -")
    return frozenset(base)


_HAS_LETTER = re.compile(r"[^\W\d_]")


class Tokenizer:
    """Callable turning text into analysis tokens; usable as a scikit-learn analyzer.

    Parameters
    ----------
    remove_stopwords : bool, default True
        Drop the words of :func:`stopwords`.
    lowercase : bool, default True
    extra_stopwords : iterable of str, optional
        More words to drop (``_``-joined, normalised like the text).

    Examples
    --------
    >>> from sklearn.feature_extraction.text import CountVectorizer
    >>> vec = CountVectorizer(analyzer=Tokenizer())
    >>> vec.fit(["Hợp tác kinh tế qua cửa khẩu."]).get_feature_names_out().tolist()
    ['cửa_khẩu', 'hợp_tác', 'kinh_tế']
    """

    def __init__(self, remove_stopwords: bool = True, lowercase: bool = True, extra_stopwords=()):
        self.remove_stopwords = remove_stopwords
        self.lowercase = lowercase
        self.extra_stopwords = tuple(extra_stopwords)

    def _stopset(self) -> frozenset[str]:
        extra = {normalize_text(w).lower() for w in self.extra_stopwords}
        return (stopwords() | extra) if self.remove_stopwords else frozenset(extra)

    def filter(self, words: list[str]) -> list[str]:
        """Analysis tokens from already segmented words."""
        stop = self._stopset()
        out = []
        for word in words:
            if not _HAS_LETTER.search(word):
                continue  # punctuation and numbers (26.7.2016, 102,6)
            low = word.lower()
            if low in stop:
                continue
            out.append(low if self.lowercase else word)
        return out

    def _token(self, word: str, stop: frozenset[str] | None = None) -> str | None:
        """The analysis token of one word, or None when :meth:`filter` drops it (same rule)."""
        if stop is None:
            stop = self._stopset_cached()
        if not _HAS_LETTER.search(word):
            return None
        low = word.lower()
        if low in stop:
            return None
        return low if self.lowercase else word

    def _stopset_cached(self) -> frozenset[str]:
        key = (self.remove_stopwords, self.extra_stopwords)
        if getattr(self, "_stop_key", None) != key:
            self._stop_key, self._stop = key, self._stopset()
        return self._stop

    def __call__(self, text: str) -> list[str]:
        return self.filter(word_segment(normalize_text(text)))

    def __repr__(self) -> str:
        return (f"Tokenizer(remove_stopwords={self.remove_stopwords}, lowercase={self.lowercase}, "
                f"extra_stopwords={self.extra_stopwords!r})")


def tokenize(text: str, remove_stopwords: bool = True) -> list[str]:
    """Analysis tokens of ``text``: normalised, segmented, lower-cased, filtered.

    Punctuation, numbers and (by default) stopwords are dropped.

    Examples
    --------
    >>> tokenize("Tỉnh ta đẩy mạnh hợp tác với các nước, thu hút 9 dự án ODA.")
    ['đẩy_mạnh', 'hợp_tác', 'nước', 'thu_hút', 'dự_án', 'oda']
    """
    return Tokenizer(remove_stopwords=remove_stopwords)(text)
