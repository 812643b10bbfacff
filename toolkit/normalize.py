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
* HTML tags removed (and the content of ``script``, ``style`` and ``head``
  elements with them), also when the markup is entity-escaped
  (``&lt;script&gt;...&lt;/script&gt;``); HTML character references decoded as
  HTML5 decodes them in text, except inside URLs, where only references ending
  in ``;`` are decoded (``?a=1&para=2`` stays as written, as in an ``href``);
* two documented repairs of letters: UTF-8 that was read as Windows-1252,
  Latin-1 or Windows-1258 ("Ä‘á»‘i ngoáº¡i" -> "đối ngoại"), repaired token by
  token only where
  encoding the result back gives exactly the garbled text, and the Icelandic
  eth "Ð"/"ð" (U+00D0/U+00F0, left by legacy converters) at the start of a
  Vietnamese syllable turned into "Đ"/"đ" (U+0110/U+0111).

The steps are repeated until the text no longer changes, so that
``normalize_text`` is idempotent even for doubly escaped entities
(``&amp;lt;``) or tags split by invisible characters.

:func:`normalize_audited` does the same and returns, with the text, what was
deleted and what was repaired; :func:`toolkit.load_corpus` records both
(``corpus.removed`` and ``corpus.repairs``), so no letter changes silently.
"""

from __future__ import annotations

import html
import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache

from .errors import ToolkitError

__all__ = [
    "normalize_text", "normalize_audited", "Audit", "normalize_tones", "place_tone", "strip_html",
    "removed_fragments", "ABBREVIATIONS", "REPAIR_KINDS",
]

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
# C0 and C1 control characters other than tab and line feed (CR is handled as a line end).
_CONTROL_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")

# Markup, written with real angle brackets or entity-escaped at any depth
# (&lt; &amp;lt; &#60; &#x3C;, with or without the semicolon, as HTML5 decodes
# them in text): escaped markup decodes to markup, so it is deleted the same way.
_LT = r"(?:&(?:amp;|AMP;)*(?:lt;?|LT;?|#0*60;?|#[xX]0*3[cC];?))"
_GT = r"(?:&(?:amp;|AMP;)*(?:gt;?|GT;?|#0*62;?|#[xX]0*3[eE];?))"
# Elements whose content is never article text (toolkit.clean.drop_hidden_blocks removes those that span lines).
_HIDDEN = (
    r"<\s*(?P<hidden>(?i:script|style|head))\b[^>]*>.*?<\s*/\s*(?i:(?P=hidden))\s*>"
    rf"|{_LT}\s*(?P<ehidden>(?i:script|style|head))\b(?:(?!{_GT})[^<>])*{_GT}.*?{_LT}\s*/\s*(?i:(?P=ehidden))\s*{_GT}"
)
HIDDEN_ELEMENT_RE = re.compile(_HIDDEN, re.DOTALL)
# Where such an element may open: a quick test before the search above.
HIDDEN_OPENING_RE = re.compile(rf"(?:<|{_LT})\s*(?i:script|style|head)\b")
_MARKUP_RE = re.compile(
    _HIDDEN
    + r"|<!--.*?-->"
    rf"|{_LT}!--.*?--{_GT}"
    r"|<\s*/?\s*[a-zA-Z][^<>]*>"
    rf"|{_LT}\s*/?\s*[a-zA-Z](?:(?!{_LT}|{_GT})[^<>])*{_GT}",
    re.DOTALL,
)
# Block-level closing tags and <br> end a paragraph.
_BLOCK_TAG_RE = re.compile(rf"(?:<|{_LT})\s*(?i:br|/p|/div|/li|/h[1-6]|/tr)\b")
# What html.unescape replaces (its own pattern): the HTML5 rules for text.
_CHARREF_RE = re.compile(r"&(#[0-9]+;?|#[xX][0-9a-fA-F]+;?|[^\t\n\f <&#;]{1,32};?)")
# URLs, where a reference without ";" is part of the query string ("&para=1"),
# as HTML5 reads it in an attribute value.
_URL_RE = re.compile(
    r"(?:\b[a-zA-Z][a-zA-Z0-9+.-]*://|\bwww\.)[^\s<>\"]+|[\w.-]+\.[a-zA-Z]{2,5}\?[^\s<>\"]+"
)

# -- repair of UTF-8 read as Windows-1252, Latin-1 or Windows-1258 ---------------
# Each single-byte reading as Windows and browsers apply it: bytes a code page
# leaves undefined become the C1 control of the same number. Windows-1258 is
# what Notepad on a Vietnamese Windows uses for "ANSI".
_READING_NAMES = ("cp1252", "latin-1", "cp1258")


def _reading(codec: str) -> tuple[list[str], dict[str, int], re.Pattern]:
    chars = []
    for b in range(256):
        try:
            chars.append(bytes([b]).decode(codec))
        except UnicodeDecodeError:
            chars.append(chr(b))

    def span(lo: int, hi: int) -> str:
        return "[" + "".join(re.escape(chars[b]) for b in range(lo, hi + 1)) + "]"

    cont = span(0x80, 0xBF)
    # A UTF-8 lead byte and its continuation bytes, as this code page shows them.
    sequence = re.compile(f"{span(0xC2, 0xDF)}{cont}|{span(0xE0, 0xEF)}{cont}{{2}}|{span(0xF0, 0xF4)}{cont}{{3}}")
    return chars, {ch: b for b, ch in enumerate(chars)}, sequence


_READINGS = {name: _reading(name) for name in _READING_NAMES}
_MOJIBAKE_RE = re.compile("|".join(f"(?:{r[2].pattern})" for r in _READINGS.values()))
# A quick test first (one lead byte and one continuation byte in any reading), as
# the alternation above is slow to try at every position of ordinary text.
_MOJIBAKE_HINT_RE = re.compile(
    "[" + "".join(re.escape(r[0][b]) for r in _READINGS.values() for b in range(0xC2, 0xF5)) + "]"
    "[" + "".join(re.escape(r[0][b]) for r in _READINGS.values() for b in range(0x80, 0xC0)) + "]"
)
# What Vietnamese text in UTF-8 decodes to: Latin-1 letters and symbols, the
# Vietnamese letters outside Latin-1, combining tone and vowel marks (NFD text),
# general punctuation (curly quotes, dashes, zero-width spaces), the dong sign.
_PLAUSIBLE = frozenset(
    [chr(c) for c in range(0xA0, 0x100)] + list("ĂăĐđĨĩŨũƠơƯư\u0300\u0301\u0303\u0309\u0323₫€™")
    + list("\u0302\u0306\u031b\ufeff") + [chr(c) for c in range(0x1EA0, 0x1EFA)]
    + [chr(c) for c in range(0x2000, 0x2070)]
)
# What is left of a Vietnamese letter or a curly quote whose third byte was lost
# ("á»?" for "ờ"): the first two characters of its three-byte garbled form.
_GARBLED_LEFT_RE = re.compile("[\u00e1\u00e2][\u00ba\u00bb\u20ac](?=\\S)")
# A two-byte letter whose second byte was lost, or whose no-break space became a space.
_GARBLED_TWO_RE = re.compile("[\u00c3\u00c4\u00c5\u00c6\u0102](?:[ ?\ufffd]|$)")
_TOKEN_RE = re.compile("[^ \t\n]+")

# Vietnamese letters outside Latin-1: context for the eth repair.
_VIET_RE = re.compile("[\u1ea0-\u1ef9\u0102\u0103\u0110\u0111\u01a0\u01a1\u01af\u01b0]")
# A word that starts with the Icelandic eth (a Vietnamese word never has it).
_ETH_WORD_RE = re.compile(r"(?<![^\W\d_])[\u00d0\u00f0][^\W\d_]*")

REPAIR_KINDS = ("double_encoded_utf8", "eth_as_d")
"""Kinds of repair :func:`normalize_audited` reports (``corpus.repairs.kind``):
``double_encoded_utf8`` for UTF-8 read as Windows-1252, Latin-1 or Windows-1258 and
``eth_as_d`` for "Ð"/"ð" turned into "Đ"/"đ"."""

_REMOVED_ORDER = {"html_markup": 0, "control_character": 1, "invisible_character": 2}


@dataclass
class Audit:
    """What :func:`normalize_audited` did to a text.

    Attributes
    ----------
    text : str
        The normalised text, equal to ``normalize_text`` of the input.
    removed : list of (reason, fragment)
        Every deletion: ``html_markup`` (tags, comments, ``script``/``style``/
        ``head`` blocks, escaped or not, as written), ``control_character``,
        ``invisible_character`` (also when written as an entity such as
        ``&shy;``).
    repairs : list of (kind, before, after)
        Every repaired token: ``double_encoded_utf8`` ("Ä‘á»‘i" -> "đối"),
        ``eth_as_d`` ("Ðối" -> "Đối").
    problem : str or None
        Set when a line holds garbled text that cannot be repaired exactly
        (UTF-8 read as Windows-1252 with bytes lost on the way).
    """

    text: str = ""
    removed: list = field(default_factory=list)
    repairs: list = field(default_factory=list)
    problem: str | None = None


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


def _encode_back(text: str, codec: str) -> str:
    chars = _READINGS[codec][0]
    return "".join(chars[b] for b in text.encode("utf-8"))


def _repair_mojibake_line(line: str, audit: Audit | None) -> str:
    # The reading that explains the most sequences, the first on a tie.
    codec, found = None, []
    for name, (_, to_byte, sequence) in _READINGS.items():
        hits = []
        for m in sequence.finditer(line):
            try:
                char = bytes(to_byte[ch] for ch in m.group(0)).decode("utf-8")
            except UnicodeDecodeError:
                continue
            if char in _PLAUSIBLE:
                hits.append((m.start(), m.end(), char))
        if len(hits) > len(found):
            codec, found = name, hits
    # One two-byte sequence alone may be real text ("Ã”" in capitals before a quote); two, or
    # one three-byte sequence (no Vietnamese word has "á»" or "â€"), is garbled text.
    if not found or (len(found) < 2 and found[0][1] - found[0][0] < 3):
        return line
    out, pos = [], 0
    for token in _TOKEN_RE.finditer(line):
        inside = [f for f in found if token.start() <= f[0] and f[1] <= token.end()]
        if not inside:
            continue
        before = token.group(0)
        after, cursor = [], token.start()
        for start, end, char in inside:
            after.append(line[cursor:start])
            after.append(char)
            cursor = end
        after.append(line[cursor:token.end()])
        after = "".join(after)
        if _encode_back(after, codec) != before:
            continue   # not an exact round trip (a stray character, or readings mixed): left as written
        out.append(line[pos:token.start()])
        out.append(after)
        pos = token.end()
        if audit is not None:
            audit.repairs.append(("double_encoded_utf8", before, after))
    out.append(line[pos:])
    return "".join(out)


def _repair_mojibake(text: str, audit: Audit | None) -> str:
    if not _MOJIBAKE_HINT_RE.search(text):
        return text
    return "\n".join(_repair_mojibake_line(line, audit) for line in text.split("\n"))


def _garbled_problem(text: str, repaired: bool) -> str | None:
    """Describe garbled text left in ``text`` after the exact repair, or None.

    Left over are the first two characters of a three-byte letter whose last
    byte was lost ("á»?" for "ờ"), a two-byte letter whose second byte was lost
    or turned into a space ("Ã " for "à"), and sequences that could not be
    repaired because two code-page readings are mixed. One such
    remnant counts only next to other garbled text.
    """
    if not repaired and not _GARBLED_LEFT_RE.search(text):
        return None
    for line in text.split("\n"):
        strong = _GARBLED_LEFT_RE.findall(line)
        weak = _GARBLED_TWO_RE.findall(line) + [m.group(0) for m in _MOJIBAKE_RE.finditer(line)]
        if (strong or weak) and (repaired or len(strong) + len(weak) >= 2 and strong):
            sample = (strong + weak)[0]
            start = max(0, line.find(sample) - 10)
            return (
                "garbled text: UTF-8 that was read as Windows-1252, Latin-1 or Windows-1258 and cannot be repaired exactly "
                f"(bytes were lost on the way, or both readings are mixed), e.g. {line[start:start + 30]!r}"
            )
    return None


def _is_vietnamese_syllable(word: str) -> bool:
    decomposed = unicodedata.normalize("NFD", word)
    if sum(ch in _TONE_SET for ch in decomposed) > 1:
        return False
    base = unicodedata.normalize("NFC", "".join(ch for ch in decomposed if ch not in _TONE_SET)).lower()
    return _split_syllable(base) is not None


def _repair_eth(text: str, audit: Audit | None) -> str:
    """Turn a word-initial Icelandic eth into the Vietnamese d with stroke, in Vietnamese context."""
    if "\u00d0" not in text and "\u00f0" not in text:
        return text
    lines = text.split("\n")
    for i, line in enumerate(lines):
        if "\u00d0" not in line and "\u00f0" not in line:
            continue

        def fix(m: re.Match, line=line) -> str:
            word = m.group(0)
            candidate = ("\u0110" if word[0] == "\u00d0" else "\u0111") + word[1:]
            marked = any(ch in _TONE_SET or ch in "\u0302\u0306\u031b" for ch in unicodedata.normalize("NFD", candidate))
            context = marked or bool(_VIET_RE.search(line.replace("\u00d0", "").replace("\u00f0", "")))
            if not (context and _is_vietnamese_syllable(candidate)):
                return word
            if audit is not None:
                audit.repairs.append(("eth_as_d", word, candidate))
            return candidate

        lines[i] = _ETH_WORD_RE.sub(fix, line)
    return "\n".join(lines)


def _unescape(text: str, audit: Audit | None) -> str:
    """Decode character references as HTML5 does in text; inside URLs only those ending in ';'."""
    if "&" not in text:
        return text
    urls = [m.span() for m in _URL_RE.finditer(text)]

    def decode(m: re.Match) -> str:
        ref = m.group(0)
        if not ref.endswith(";") and any(a <= m.start() < b for a, b in urls):
            return ref   # "&para=2" in a query string: part of the URL
        char = html.unescape(ref)
        if not char:
            # HTML5 turns references to most control characters (&#7;) into nothing.
            if audit is not None:
                audit.removed.append(("control_character", ref))
            return ""
        if _INVISIBLE_RE.fullmatch(char):
            if audit is not None:
                audit.removed.append(("invisible_character", ref))
            return ""
        if _CONTROL_RE.fullmatch(char):
            if audit is not None:
                audit.removed.append(("control_character", ref))
            return ""
        return char

    return _CHARREF_RE.sub(decode, text)


def _strip_markup(text: str, audit: Audit | None) -> str:
    if "<" not in text and "&" not in text:
        return text

    def drop(m: re.Match) -> str:
        if audit is not None:
            audit.removed.append(("html_markup", m.group(0)))
        return "\n" if _BLOCK_TAG_RE.match(m.group(0)) else ""

    return _MARKUP_RE.sub(drop, text)


def strip_html(text: str) -> str:
    r"""Drop HTML tags (also entity-escaped ones) and decode character references.

    Block-level closing tags and ``<br>`` become line breaks so that paragraphs
    saved as HTML stay paragraphs. References are decoded as HTML5 decodes them
    in text, except that inside a URL a reference without its ``;`` stays as
    written (``https://a.vn/?id=1&para=2``).

    Examples
    --------
    >>> strip_html("<p>Tin &amp; ảnh</p>&lt;script&gt;x()&lt;/script&gt; https://a.vn/?a=1&para=2")
    'Tin & ảnh\n https://a.vn/?a=1&para=2'
    """
    _check_str(text)
    return _unescape(_strip_markup(text, None), None)


def removed_fragments(line: str) -> list[tuple[str, str]]:
    r"""What :func:`normalize_text` deletes from one line, as ``(reason, text)`` pairs.

    Reasons: ``html_markup`` (tags, comments and ``script``/``style``/``head``
    blocks, entity-escaped or not), ``control_character`` and
    ``invisible_character`` (zero-width characters, soft hyphens, byte-order
    marks, also written as entities). Composition, tone placement and space
    changes rewrite characters rather than delete them and are not listed;
    repairs of letters are listed by :func:`normalize_audited`.

    Examples
    --------
    >>> removed_fragments("Hợp tác<b>\x07 &lt;script&gt;x()&lt;/script&gt;")
    [('html_markup', '<b>'), ('html_markup', '&lt;script&gt;x()&lt;/script&gt;'), ('control_character', '\x07')]
    """
    return normalize_audited(line).removed


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
        trailing spaces on lines; UTF-8 read as Windows-1252 and the eth
        "Ð" for "Đ" repaired (see :func:`normalize_audited` for a record).

    Raises
    ------
    ToolkitError
        When ``text`` is not a str.

    Examples
    --------
    >>> normalize_text("Ho\\u00e0 b\\u00ecnh&nbsp;v\\u00e0 thu\\u1ef7 l\\u1ee3i\\r\\n")
    'Hòa bình và thủy lợi\\n'
    >>> normalize_text("Ðối ngoại nhân dân")
    'Đối ngoại nhân dân'
    """
    _check_str(text)
    if text in _KNOWN_NORMAL[0]:
        return text
    for _ in range(_MAX_PASSES):
        new = _normalize_once(text, None)
        if new == text:
            _remember_normal(text)
            break
        text = new
    return text


# Texts a pass of normalisation left unchanged (so normalize_text returns them as they are): the
# pipeline normalises a unit's text for word segmentation and again to match the lexicon, and its
# texts are already normal. Short texts only, a bounded number, replaced (not cleared in place)
# when full, for the same reason as _TONES_CHECKED.
_KNOWN_NORMAL: list[set] = [set()]
_KNOWN_NORMAL_LIMIT = 60_000
_KNOWN_NORMAL_LENGTH = 2_000


def _remember_normal(text: str) -> None:
    if len(text) <= _KNOWN_NORMAL_LENGTH:
        known = _KNOWN_NORMAL[0]
        if len(known) >= _KNOWN_NORMAL_LIMIT:
            known = _KNOWN_NORMAL[0] = set()
        known.add(text)


def normalize_audited(text: str) -> Audit:
    """Normalise like :func:`normalize_text` and report every deletion and repair.

    Parameters
    ----------
    text : str
        Raw text, usually one line of a file.

    Returns
    -------
    Audit
        ``text`` (equal to ``normalize_text(text)``), ``removed`` (reason,
        fragment as written), ``repairs`` (kind, before, after) and
        ``problem`` (garbled text that could not be repaired, or None).

    Examples
    --------
    >>> a = normalize_audited("Ä‘á»‘i ngoáº¡i &lt;b&gt;Ðà Nẵng")
    >>> a.text, a.removed, a.repairs
    ('đối ngoại Đà Nẵng', [('html_markup', '&lt;b&gt;')], [('double_encoded_utf8', 'Ä‘á»‘i', 'đối'), ('double_encoded_utf8', 'ngoáº¡i', 'ngoại'), ('eth_as_d', 'Ðà', 'Đà')])
    """
    _check_str(text)
    audit = Audit()
    for number in range(_MAX_PASSES):
        new = _normalize_once(text, audit, first=number == 0)
        if new == text:
            break
        text = new
    audit.text = text
    audit.removed.sort(key=lambda r: _REMOVED_ORDER[r[0]])
    return audit


_SPACES_BEFORE_NEWLINE_RE = re.compile(r" +\n")
_MAX_PASSES = 20  # each pass that changes the text shortens or recomposes it; real text needs one or two


def _normalize_once(text: str, audit: Audit | None, first: bool = False) -> str:
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    # Before anything deletes characters: a garbled letter may hold a soft hyphen,
    # a C1 control or a no-break space ("áº\xad" is "ậ", "Ã\xa0" is "à").
    repairs_before = len(audit.repairs) if audit is not None else 0
    text = _repair_mojibake(text, audit)
    if audit is not None and first:
        audit.problem = _garbled_problem(text, repaired=len(audit.repairs) > repairs_before)
    if audit is not None:
        audit.removed += [("invisible_character", m.group(0)) for m in _INVISIBLE_RE.finditer(text)]
    text = _INVISIBLE_RE.sub("", text)
    text = _strip_markup(text, audit)
    text = _unescape(text, audit)
    if audit is not None:
        audit.removed += [("invisible_character", m.group(0)) for m in _INVISIBLE_RE.finditer(text)]
        audit.removed += [("control_character", m.group(0)) for m in _CONTROL_RE.finditer(text)]
    text = _INVISIBLE_RE.sub("", text)
    text = _CONTROL_RE.sub("", text)
    text = _SPACES_RE.sub(" ", text)
    text = unicodedata.normalize("NFC", text)
    text = _repair_eth(text, audit)
    text = normalize_tones(text)
    text = _SPACES_BEFORE_NEWLINE_RE.sub("\n", text)
    return text
