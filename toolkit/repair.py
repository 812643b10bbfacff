"""Repairs of letters: UTF-8 read as a single-byte code page, and the Icelandic eth for the Vietnamese d.

Two documented repairs that :mod:`toolkit.normalize` applies to every text and records
(``corpus.repairs``, kinds :data:`REPAIR_KINDS`): UTF-8 that was read as Windows-1252, Latin-1 or
Windows-1258 ("Ä‘á»‘i ngoáº¡i" -> "đối ngoại"), repaired token by token only where encoding the
result back gives exactly the garbled text, with a description of garbled text that cannot be
repaired exactly; and a word-initial Icelandic eth "Ð"/"ð" (U+00D0/U+00F0, left by legacy converters)
turned into "Đ"/"đ" (U+0110/U+0111) in a Vietnamese syllable (:mod:`toolkit.tones` says which words
are). Each repair appends ``(kind, before, after)`` to the list it is given, or records nothing when
given None.
"""

from __future__ import annotations

import re
import unicodedata

from .tones import _TONE_SET, _is_vietnamese_syllable

__all__ = ["REPAIR_KINDS"]


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
"""Kinds of repair :func:`toolkit.normalize_audited` reports (``corpus.repairs.kind``):
``double_encoded_utf8`` for UTF-8 read as Windows-1252, Latin-1 or Windows-1258 and
``eth_as_d`` for "Ð"/"ð" turned into "Đ"/"đ"."""


def _encode_back(text: str, codec: str) -> str:
    chars = _READINGS[codec][0]
    return "".join(chars[b] for b in text.encode("utf-8"))


def _repair_mojibake_line(line: str, repairs: list | None) -> str:
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
        if repairs is not None:
            repairs.append(("double_encoded_utf8", before, after))
    out.append(line[pos:])
    return "".join(out)


def _repair_mojibake(text: str, repairs: list | None) -> str:
    if not _MOJIBAKE_HINT_RE.search(text):
        return text
    return "\n".join(_repair_mojibake_line(line, repairs) for line in text.split("\n"))


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


def _repair_eth(text: str, repairs: list | None) -> str:
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
            if repairs is not None:
                repairs.append(("eth_as_d", word, candidate))
            return candidate

        lines[i] = _ETH_WORD_RE.sub(fix, line)
    return "\n".join(lines)
