"""Side features: who takes part in a text (a Vietnamese side, a foreign actor) and in which field.

A relation is a field *and* a partner. :func:`side_features` finds, with fixed lists of names and
words, whether a Vietnamese side and a foreign state, bloc or organisation are named, and whether the
text speaks of the economy, security or culture; the theme classifier (:mod:`toolkit.classify`,
through :mod:`toolkit.theme_features`) crosses them with each other and with the lexicon's hits. The
lists are searched with regular expressions built for speed (case folding done once, look-behinds
after the first character), tested equal to their plain case-insensitive definition. This module
needs only the text: nothing of the lexicon.
"""

from __future__ import annotations

import functools
import re

import numpy as np

__all__ = ["side_features"]


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
