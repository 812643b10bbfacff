"""Unicode and orthographic normalisation of Vietnamese text.

Every piece of text the toolkit compares (article text, stopwords, lexicon
entries) goes through :func:`normalize_text`, so that both sides of a match are
spelled the same way:

* Unicode NFC (decomposed input, e.g. from Windows-1258 files, is composed);
* the modern tone placement, applied by rule to every syllable: in an open
  syllable whose nucleus is ``oa``, ``oe`` or ``uy`` the tone sits on the first
  vowel (``hoà -> hòa``, ``thuỷ -> thủy``, ``hoè -> hòe``), see
  :func:`place_tone`;
* byte-order marks, zero-width characters and control characters removed,
  non-breaking and other exotic spaces turned into plain spaces, CRLF and CR
  turned into LF;
* HTML character references decoded, HTML tags removed (and the content of
  ``script``, ``style`` and ``head`` elements with them).

The steps are repeated until the text no longer changes, so that
``normalize_text`` is idempotent even for doubly escaped entities
(``&amp;lt;``) or tags split by invisible characters.
"""

from __future__ import annotations

import html
import re
import unicodedata
from functools import lru_cache

__all__ = ["normalize_text", "normalize_tones", "place_tone", "strip_html", "removed_fragments", "ABBREVIATIONS"]

# Abbreviations written with a full stop that belongs to the word: the stop
# ends neither the word (tokenisation) nor the sentence (segmentation).
# All-capital acronyms such as UBND are *not* abbreviations: "UBND." is the
# acronym followed by a sentence-final full stop.
ABBREVIATIONS = frozenset(
    "TP Tp tp TS Ts ThS Ths PGS GS BS KS Mr Mrs Ms Dr St v.v".split()
)

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

# Characters that render as nothing and only get in the way of matching.
_INVISIBLE_RE = re.compile("[\u00ad\u200b\u200c\u200d\u2060\ufeff\u180e]")
# Every Unicode space separator other than the plain space, plus tabs.
_SPACES_RE = re.compile("[\t\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]")
_TAG_RE = re.compile(r"<\s*/?\s*[a-zA-Z][^<>]*>|<!--.*?-->", re.DOTALL)
# Elements whose content is never article text.
_HIDDEN_RE = re.compile(r"<\s*(script|style|head)\b[^>]*>.*?<\s*/\s*\1\s*>", re.IGNORECASE | re.DOTALL)
# C0 and C1 control characters other than tab and line feed (CR is handled as a line end).
_CONTROL_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_BLOCK_TAG_RE = re.compile(r"<\s*(br|/p|/div|/li|/h[1-6]|/tr)\b[^<>]*>", re.IGNORECASE)


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


@lru_cache(maxsize=1 << 16)
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


def normalize_tones(text: str) -> str:
    """Apply :func:`place_tone` to every word of an NFC ``text``."""
    # ASCII words carry no tone mark; the rest repeat, so place_tone is cached.
    return _WORD_RE.sub(lambda m: m.group(0) if m.group(0).isascii() else place_tone(m.group(0)), text)


def strip_html(text: str) -> str:
    """Decode HTML character references and drop tags.

    Block-level closing tags and ``<br>`` become line breaks so that paragraphs
    saved as HTML stay paragraphs.
    """
    if "<" in text:
        text = _HIDDEN_RE.sub("", text)
        text = _BLOCK_TAG_RE.sub("\n", text)
        text = _TAG_RE.sub("", text)
    if "&" in text:
        text = html.unescape(text)
    return text


def removed_fragments(line: str) -> list[tuple[str, str]]:
    """What :func:`normalize_text` deletes from one line, as ``(reason, text)`` pairs.

    Reasons: ``html_markup`` (tags, comments and ``script``/``style``/``head``
    blocks), ``control_character`` and ``invisible_character`` (zero-width
    characters, soft hyphens, byte-order marks). Composition, tone placement
    and space changes rewrite characters rather than delete them and are not
    listed.
    """
    out = []
    visible = _INVISIBLE_RE.sub("", line)
    if "<" in visible:
        out += [("html_markup", m.group(0)) for m in _HIDDEN_RE.finditer(visible)]
        out += [("html_markup", m.group(0)) for m in _TAG_RE.finditer(_HIDDEN_RE.sub("", visible))]
    out += [("control_character", m.group(0)) for m in _CONTROL_RE.finditer(line)]
    out += [("invisible_character", m.group(0)) for m in _INVISIBLE_RE.finditer(line)]
    return out


def normalize_text(text: str) -> str:
    """Normalise Vietnamese text for analysis; idempotent.

    Parameters
    ----------
    text : str
        Raw text, possibly decomposed, with HTML remnants, CRLF line ends or
        old tone placement.

    Returns
    -------
    str
        NFC text with modern tone placement, LF line ends, plain spaces,
        no zero-width or BOM characters, no HTML tags or entities, and no
        trailing spaces on lines.

    Examples
    --------
    >>> normalize_text("Ho\\u00e0 b\\u00ecnh&nbsp;v\\u00e0 thu\\u1ef7 l\\u1ee3i\\r\\n")
    'Hòa bình và thủy lợi\\n'
    """
    for _ in range(_MAX_PASSES):
        new = _normalize_once(text)
        if new == text:
            break
        text = new
    return text


_MAX_PASSES = 20  # each pass that changes the text shortens or recomposes it; real text needs one or two


def _normalize_once(text: str) -> str:
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _INVISIBLE_RE.sub("", text)
    text = strip_html(text)
    text = _INVISIBLE_RE.sub("", text)
    text = _CONTROL_RE.sub("", text)
    text = _SPACES_RE.sub(" ", text)
    text = unicodedata.normalize("NFC", text)
    text = normalize_tones(text)
    text = re.sub(r" +\n", "\n", text)
    return text
