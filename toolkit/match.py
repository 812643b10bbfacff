"""Matching multi-word Vietnamese terms in text, independent of word boundaries.

Terms (dictionary entries, KWIC patterns) are matched as sequences of
syllables, lower-cased, on normalised text. A match starts and ends at
syllable boundaries, never crosses punctuation, and does not depend on how
pyvi grouped the syllables into words: "cửa khẩu" matches in "mở_cửa_khẩu"
as well as in "cửa_khẩu".
"""

from __future__ import annotations

from dataclasses import dataclass

from .errors import ToolkitError
from .normalize import normalize_text
from .wordseg import syllabify, syllable_spans

__all__ = ["Syllables", "syllables", "term_key", "find_terms", "index_terms"]

@dataclass(frozen=True)
class Syllables:
    """A text's syllables (lower-cased) with their character spans in ``text``."""

    text: str
    lower: tuple[str, ...]
    spans: tuple[tuple[int, int], ...]


def syllables(text: str) -> Syllables:
    """Normalise ``text`` and split it into syllables with character offsets.

    Underscores of word-segmented text count as spaces, so offsets refer to
    ``Syllables.text`` (the normalised input, underscores kept).
    """
    text = normalize_text(text)
    found = syllable_spans(text.replace("_", " "))
    return Syllables(text, tuple(s.lower() for s, _, _ in found), tuple((a, b) for _, a, b in found))


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
    if not by_first:
        return []
    out = []
    lower = sylls.lower
    for i, syl in enumerate(lower):
        for key in by_first.get(syl, ()):
            if lower[i:i + len(key)] == key:
                out.append((i, i + len(key), key))
    return out
