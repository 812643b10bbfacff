"""Tone placement of Vietnamese syllables: the modern rule, applied word by word.

Old and modern spellings put the tone mark on different vowels of the same syllable (``hoà`` and
``hòa``, ``thuỷ`` and ``thủy``); text compares only when one rule is applied everywhere. This module
splits a syllable into initial, nucleus and final (:func:`place_tone`; letters that do not form a
Vietnamese syllable, such as foreign words and acronyms, are left alone) and moves the tone of every
word of a text (:func:`normalize_tones`), remembering the tokens it has checked so that text already
in modern placement costs little. It is the lowest layer of :mod:`toolkit.normalize`, which applies
it after Unicode composition, and of the eth repair in :mod:`toolkit.repair`, which asks whether a
word is a Vietnamese syllable.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from .errors import ToolkitError

__all__ = ["place_tone", "normalize_tones"]


# Combining tone marks (NFD): grave, acute, hook above, tilde, dot below.
TONE_MARKS = "\u0300\u0301\u0309\u0303\u0323"
_TONE_SET = frozenset(TONE_MARKS)

# Initial consonants, longest first so that "ngh" wins over "ng" and "n".
_INITIALS = (
    "ngh", "ng", "gh", "gi", "kh", "nh", "ph", "th", "tr", "ch", "qu",
    "b", "c", "d", "đ", "g", "h", "k", "l", "m", "n", "p", "q", "r", "s", "t", "v", "x",
)
_FINALS = ("ng", "nh", "ch", "c", "m", "n", "p", "t")
_MODIFIED = frozenset("ăâêôơư")
# Vowel clusters of Vietnamese syllables (toneless), with and without a final
# consonant; letters outside these shapes (néon, Boeun) are foreign words.
_OPEN_NUCLEI = frozenset(
    "a e ê i o ô ơ u ư y ai ao au ay âu ây eo êu ia iu oa oe oi ôi ơi ua uê ui uơ ưa ưi ưu uy"
    " iêu oai oao oay oeo uây uôi ươi ươu uya uyu yêu".split()
)
_CLOSED_NUCLEI = frozenset("a ă â e ê i o ô ơ u ư y iê yê oa oă oe oo uâ uê uô ươ uy uyê".split())

# A run of letters that may be a syllable; used to find candidates in text.
_WORD_RE = re.compile(r"[^\W\d_]+")


def _check_str(text, name: str = "text") -> None:
    if not isinstance(text, str):
        hint = "; decode bytes first, e.g. data.decode('utf-8')" if isinstance(text, (bytes, bytearray)) else ""
        raise ToolkitError(f"{name} must be a str, got {type(text).__name__}{hint}")


def _split_syllable(base: str) -> tuple[str, str, str] | None:
    """Split a lower-case, toneless syllable into (initial, nucleus, final).

    Returns ``None`` when the letters do not form a Vietnamese syllable, so
    foreign words and acronyms are left alone.
    """
    for initial in _INITIALS + ("",):
        if not base.startswith(initial):
            continue
        rest = base[len(initial):]
        # "gi" and "qu" act as initials only when a vowel follows them.
        if not rest:
            continue
        for final in _FINALS + ("",):
            if final and not rest.endswith(final):
                continue
            nucleus = rest[: len(rest) - len(final)]
            if nucleus in (_CLOSED_NUCLEI if final else _OPEN_NUCLEI):
                return initial, nucleus, final
    return None


def _tone_index(nucleus: str, final: str) -> int:
    """Index in ``nucleus`` of the vowel that carries the tone (modern rule)."""
    modified = [i for i, ch in enumerate(nucleus) if ch in _MODIFIED]
    if modified:
        # ươ carries the tone on ơ, every other cluster has one modified vowel.
        return modified[-1]
    if final:
        return len(nucleus) - 1
    if len(nucleus) == 3:
        return 1
    return 0


def place_tone(syllable: str) -> str:
    """Return ``syllable`` with its tone mark on the vowel the modern rule names.

    The rule: a vowel with a modifier (ă â ê ô ơ ư) carries the tone (ơ in
    ươ); otherwise the last vowel when a final consonant follows, the middle
    one of three vowels, and the first of two in an open syllable. Hence
    ``hoà -> hòa``, ``thuỷ -> thủy``, ``hoè -> hòe``, ``khoẻ -> khỏe`` while
    ``hoàng``, ``quý``, ``người`` and ``ngoài`` are unchanged.

    Parameters
    ----------
    syllable : str
        One run of letters; anything that is not a Vietnamese syllable with a
        tone mark is returned unchanged.

    Examples
    --------
    >>> place_tone("Hoà"), place_tone("thuỷ"), place_tone("quý")
    ('Hòa', 'thủy', 'quý')
    """
    _check_str(syllable, "syllable")
    return _place_tone(syllable)


@lru_cache(maxsize=1 << 16)
def _place_tone(syllable: str) -> str:
    decomposed = unicodedata.normalize("NFD", syllable)
    tones = [ch for ch in decomposed if ch in _TONE_SET]
    if len(tones) != 1:
        return syllable
    base_nfc = unicodedata.normalize("NFC", "".join(ch for ch in decomposed if ch not in _TONE_SET))
    parts = _split_syllable(base_nfc.lower())
    if parts is None:
        return syllable
    initial, nucleus, final = parts
    pos = len(initial) + _tone_index(nucleus, final)
    # NFC base letters map one-to-one onto positions of the lower-cased base.
    out = base_nfc[: pos + 1] + tones[0] + base_nfc[pos + 1 :]
    return unicodedata.normalize("NFC", out)


# Whitespace-separated tokens already checked by normalize_tones, and those among them holding a word
# whose tone moves (old -> modern placement). A word (a run of letters) never spans whitespace, so a
# text changes exactly when one of its tokens holds such a word. Replaced by fresh objects, never
# cleared in place, when they grow large: a call in another thread keeps the pair it started with.
_TONES_CHECKED: tuple[set, set] = (set(), set())
_TONES_LIMIT = 1_000_000


def normalize_tones(text: str) -> str:
    """Apply :func:`place_tone` to every word of an NFC ``text``."""
    global _TONES_CHECKED
    _check_str(text)
    # Most text is already in modern placement: split it at whitespace (no regex), and look for
    # words only in tokens never seen before (a Python call per word of every text was the largest
    # cost of normalising already normal text).
    checked, moving = _TONES_CHECKED
    tokens = set(text.split())
    new = tokens - checked
    if new:
        if len(checked) > _TONES_LIMIT:
            checked, moving = _TONES_CHECKED = (set(), set())
            new = tokens
        for token in new:
            if not token.isascii() and any(_place_tone(w) != w for w in _WORD_RE.findall(token)):
                moving.add(token)          # ASCII words carry no tone mark
        checked |= new
    if moving.isdisjoint(tokens):
        return text
    return _WORD_RE.sub(lambda m: m.group(0) if m.group(0).isascii() else _place_tone(m.group(0)), text)


def _is_vietnamese_syllable(word: str) -> bool:
    decomposed = unicodedata.normalize("NFD", word)
    if sum(ch in _TONE_SET for ch in decomposed) > 1:
        return False
    base = unicodedata.normalize("NFC", "".join(ch for ch in decomposed if ch not in _TONE_SET)).lower()
    return _split_syllable(base) is not None
