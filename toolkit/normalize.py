"""Unicode and orthographic normalisation of Vietnamese text.

Every piece of text the toolkit compares (article text, stopwords, lexicon
entries) goes through :func:`normalize_text`, so that both sides of a match are
spelled the same way:

* Unicode NFC (decomposed input, e.g. from Windows-1258 files, is composed);
* the modern tone placement, applied by rule to every syllable: in an open
  syllable whose nucleus is ``oa``, ``oe`` or ``uy`` the tone sits on the first
  vowel (``hoà -> hòa``, ``thuỷ -> thủy``, ``hoè -> hòe``), see
  :func:`toolkit.tones.place_tone`;
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

This module deletes (markup, entities, invisible and control characters) and runs the passes; the
tone rule is in :mod:`toolkit.tones` and the repairs of letters in :mod:`toolkit.repair`, both below
it. Every later stage (:mod:`toolkit.corpus` at load, lexicons, stopwords, matching) calls it.
"""

from __future__ import annotations

import html
import re
import unicodedata
from dataclasses import dataclass, field

from .repair import _garbled_problem, _repair_eth, _repair_mojibake
from .tones import _check_str, normalize_tones

__all__ = [
    "normalize_text", "normalize_audited", "Audit", "strip_html", "removed_fragments", "ABBREVIATIONS",
]


# Abbreviations written with a full stop that belongs to the word: the stop
# ends neither the word (tokenisation) nor the sentence (segmentation).
# All-capital acronyms such as UBND are *not* abbreviations: "UBND." is the
# acronym followed by a sentence-final full stop.
ABBREVIATIONS = frozenset(
    "TP Tp tp TS Ts ThS Ths PGS GS BS KS Mr Mrs Ms Dr St v.v".split()
)


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
    text = _repair_mojibake(text, audit.repairs if audit is not None else None)
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
    text = _repair_eth(text, audit.repairs if audit is not None else None)
    text = normalize_tones(text)
    text = _SPACES_BEFORE_NEWLINE_RE.sub("\n", text)
    return text
