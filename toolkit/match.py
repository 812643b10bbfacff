"""Matching multi-word Vietnamese terms in text, independent of word boundaries.

Terms (dictionary entries, KWIC patterns) are matched as sequences of
syllables, lower-cased, on normalised text. A match starts and ends at
syllable boundaries, never crosses punctuation, and does not depend on how
pyvi grouped the syllables into words: "cửa khẩu" matches in "mở_cửa_khẩu"
as well as in "cửa_khẩu".
"""

from __future__ import annotations

from .errors import ToolkitError
from .normalize import normalize_text
from .wordseg import _SYLLABLE_RE, syllabify

__all__ = ["Syllables", "syllables", "term_key", "find_terms", "index_terms"]

class Syllables:
    """A text's syllables (lower-cased) with their character spans in ``text``.

    ``spans`` are found when first asked for: matching needs only ``lower``,
    and most texts have no match to locate.
    """

    __slots__ = ("text", "lower", "_spans")

    def __init__(self, text: str, lower: tuple[str, ...], spans: tuple[tuple[int, int], ...] | None = None):
        self.text = text
        self.lower = lower
        self._spans = spans

    @property
    def spans(self) -> tuple[tuple[int, int], ...]:
        if self._spans is None:
            self._spans = tuple(m.span() for m in _SYLLABLE_RE.finditer(self.text.replace("_", " ")))
        return self._spans

    def __eq__(self, other) -> bool:
        return isinstance(other, Syllables) and (self.text, self.lower) == (other.text, other.lower)

    def __hash__(self) -> int:
        return hash((self.text, self.lower))

    def __repr__(self) -> str:
        return f"Syllables(text={self.text!r}, lower={self.lower!r}, spans={self.spans!r})"


def syllables(text: str) -> Syllables:
    """Normalise ``text`` and split it into syllables with character offsets.

    Underscores of word-segmented text count as spaces, so offsets refer to
    ``Syllables.text`` (the normalised input, underscores kept).
    """
    text = normalize_text(text)
    return Syllables(text, tuple(map(str.lower, _SYLLABLE_RE.findall(text.replace("_", " ")))))


def term_key(term: str) -> tuple[str, ...]:
    """The lower-cased syllable sequence a term matches (``_`` and spaces alike)."""
    key = tuple(s.lower() for s in syllabify(normalize_text(term).replace("_", " ")))
    if not key:
        raise ToolkitError(f"term {term!r} has no syllables to match; give a word or phrase")
    return key


def index_terms(keys) -> dict[str, list[tuple[str, ...]]]:
    """Group term keys by their first syllable, for :func:`find_terms` on many texts."""
    by_first: dict[str, list[tuple[str, ...]]] = {}
    for key in keys:
        by_first.setdefault(key[0], []).append(key)
    return by_first


def find_terms(sylls: Syllables, keys, index: dict | None = None) -> list[tuple[int, int, tuple[str, ...]]]:
    """All occurrences of any key: ``(first_syllable, end_syllable, key)``, overlapping allowed.

    ``keys`` holds syllable tuples (a dict's keys will do); pass ``index``
    from :func:`index_terms` when matching the same keys in many texts.
    """
    by_first = index if index is not None else index_terms(keys)
    lower = sylls.lower
    if not by_first or by_first.keys().isdisjoint(lower):     # most texts: no key starts here at all
        return []
    get = by_first.get
    return [(i, i + len(key), key) for i, syl in enumerate(lower) for key in get(syl, ())
            if lower[i:i + len(key)] == key]
