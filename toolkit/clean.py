"""Removal of site furniture from scraped article text, with an audit.

Web articles arrive with the page around them: comment-box labels, page
timestamps, bylines, source lines, navigation ("Top") and lists of
related-article headlines. :func:`clean_lines` removes them by general rules
about the *shape* and *position* of a line, never by file name or line number,
and returns one audit record per removed line (or removed part of a line) so
that nothing leaves the text without a trace.

Rules, in the order they are tried
----------------------------------
``comment_box``
    A line that is only a comment-box label: "Ý kiến bạn đọc", "Ý kiến ()",
    "Bình luận", "Gửi bình luận".
``navigation``
    A line that is only a navigation or sharing label: "Top", "Về đầu trang",
    "In bài", "Chia sẻ", "Xem thêm", "Tin liên quan"... A label that announces
    related articles ("Tin liên quan", "Bài liên quan", "Tin khác") also makes
    the headline-shaped lines after it ``related_headlines``.
``timestamp``
    A line that is only a date and clock time ("2025-01-17 20:15:20",
    "17/01/2025 20:15", "Thứ sáu, 17/01/2025 - 20:15"). Kept as metadata.
``source``
    A credit line such as "Nguồn bài viết : ON Trực Tuyến" or "Theo: VNA".
    Kept as metadata.
``byline``
    A credit such as "Bài, ảnh: LÊ HẢI" anywhere; and, in the tail of the
    article (only furniture after it), a bare name of two to five words in
    capitals or title case ("MAI VĂN HOA", "Lê Hải"). Kept as metadata.
``related_headlines``
    The headline-shaped lines (3 to 25 words, capitalised, no sentence
    punctuation at the end) after a related-articles label; and, without a
    label, two or more consecutive headline-shaped lines that touch only
    furniture: between the title and the text with furniture before them
    (the page timestamp), or after the text with only a source line,
    navigation or a comment box after them. A run inside the text is kept:
    on real pages such runs are photo captions, list items ("5. Phở Mặn"),
    subheadings, line-ups and table cells far more often than links (on
    Dân trí, the earlier rule that removed every such run removed content
    in about 13 of 15 lines). A run that holds a numbered or bulleted list
    item is never links.
``dateline``
    Not a line but a prefix: an agency or paper code of 2 to 6 capitals and a
    dash at the start of a paragraph ("BHG - ", "LSO-"), followed by the first word of a sentence.
    Only the three kept lines after the first are looked at: never the title ("MU – Mourinho muốn Kane"),
    nor a stock index ("VN-Index", "HNX-Index"), a product ("AV-Test") or a code followed by a
    two-word name ("SLNA – Quảng Nam ..." opens a match report). The code leaves the text and becomes
    metadata.

Blank lines are dropped without a record: they hold no characters.

Before all of this, on the raw lines of a file and before normalisation,
:func:`drop_hidden_blocks` removes ``script``, ``style`` and ``head``
elements that span several lines (a saved page's scripts), whole: tags,
code and the lines between them, escaped (``&lt;script&gt;``) or not.
Normalisation, which works a line at a time, removes only elements that open
and close on one line, and would otherwise keep the code lines between the
tags as text. Each line of such a block is recorded with the reason
``html_markup``, as normalisation records the markup it deletes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .errors import ToolkitError
from .normalize import HIDDEN_ELEMENT_RE, HIDDEN_OPENING_RE

__all__ = ["CleanResult", "clean_lines", "drop_hidden_blocks", "REASONS"]

REASONS = (
    "comment_box",
    "navigation",
    "timestamp",
    "source",
    "byline",
    "related_headlines",
    "dateline",
)

_COMMENT_RE = re.compile(
    r"^(ý kiến( bạn đọc)?|bình luận|gửi bình luận|viết bình luận|bạn đọc bình luận|gửi ý kiến)"
    r"\s*(\(\s*\d*\s*\))?\s*:?$",
    re.IGNORECASE,
)
_RELATED_LABEL_RE = re.compile(
    r"^(tin liên quan|bài liên quan|tin khác|các tin khác|tin cùng chuyên mục|bài viết liên quan"
    r"|đọc thêm|xem thêm|tin mới|tin đọc nhiều)\s*:?$",
    re.IGNORECASE,
)
_NAVIGATION_RE = re.compile(
    r"^(top|về đầu trang|lên đầu trang|trở về|quay lại|in bài( viết)?|bản in|chia sẻ|gửi email"
    r"|share|print|tweet|facebook|zalo|email|trang chủ|<<|>>|\^)\s*:?$",
    re.IGNORECASE,
)
_TIMESTAMP_RE = re.compile(
    r"^((thứ \w+|chủ nhật)\s*,?\s*)?"
    r"(\d{4}-\d{1,2}-\d{1,2}|\d{1,2}/\d{1,2}/\d{4})"
    r"\s*[,|-]?\s*(\d{1,2}:\d{2}(:\d{2})?)?\s*(\(?gmt\s*[+-]\s*\d+\)?)?$"
    r"|^\d{1,2}:\d{2}(:\d{2})?\s*[,|-]?\s*\d{1,2}/\d{1,2}/\d{4}$",
    re.IGNORECASE,
)
_SOURCE_RE = re.compile(
    r"^\(?(nguồn( bài viết)?|theo|source)\s*:\s*(?P<value>[^.!?]{1,80}?)\)?\.?$", re.IGNORECASE
)
_CREDIT_RE = re.compile(
    r"^(bài( và| và ảnh|, ảnh| ảnh)?|ảnh|tin|tin, ảnh|tin và ảnh|nhóm pv|pv|phóng viên|tác giả|"
    r"thực hiện|bài và ảnh)\s*:\s*(?P<value>[^.!?:]{2,60})$",
    re.IGNORECASE,
)
# A bare name: 2-5 words, each capitalised, letters only.
_NAME_RE = re.compile(r"^(?:[^\W\d_][^\W\d_]*\.?)(?: [^\W\d_]+\.?){1,4}$")
# The code, a dash and the first word of a sentence: "BHG - Xác định", "LSO-Trong", "TTXVN - Chiều 26-6".
# Not a two-letter code glued to a word ("VN-Index", "AV-Test"), nor an index ("HNX-Index"), nor a
# code followed by a two-word name: "SLNA – Quảng Nam ..." is a match, "MU – Mourinho" a headline.
_DATELINE_RE = re.compile(
    r"^(?P<code>[A-ZĐ]{3,6}(?=[-–—])|[A-ZĐ]{2,6}(?=\s))\s*[-–—]\s*"
    r"(?!Index\b)(?=[A-ZĐ][^\W\d_A-ZĐ]*(?:\s+[^\W_A-ZĐ]|\s+\d|[,.:]|$))"
)
_SENTENCE_END = tuple(".!?;,:|…\"”)")
# A numbered or bulleted list item: "5. Phở Mặn", "2) Giá dự kiến", "- Hotline", "• Hà Nội".
_LIST_ITEM_RE = re.compile(r"^(\d{1,3}[.)/]\s|[a-zđ][.)]\s|[-–—•+*·]\s?)")
# Furniture that may follow a list of related links at the end of a page (a byline may follow captions).
_TAIL_FURNITURE = ("source", "navigation", "comment_box", "timestamp", "related_headlines")


def _is_name(line: str) -> bool:
    if len(line) > 40 or not _NAME_RE.match(line):  # length first: lines can be megabytes long
        return False
    words = line.replace(".", "").split()
    return all(w[0].isupper() for w in words)


def _is_headline(line: str) -> bool:
    if len(line) > 300:  # 25 words never take more; avoids splitting huge lines
        return False
    words = line.split()
    return (
        3 <= len(words) <= 25
        and (line[0].isupper() or line[0].isdigit())
        and not line.endswith(_SENTENCE_END)
    )


@dataclass
class CleanResult:
    """What :func:`clean_lines` keeps, removes and learns about a document."""

    lines: list[tuple[int, str]] = field(default_factory=list)
    removed: list[dict] = field(default_factory=list)
    metadata: dict = field(default_factory=dict)


def _line_reason(line: str) -> str | None:
    if len(line) > 300:  # furniture is short; long lines are text
        return None
    if _COMMENT_RE.match(line):
        return "comment_box"
    if _NAVIGATION_RE.match(line) or _RELATED_LABEL_RE.match(line):
        return "navigation"
    if _TIMESTAMP_RE.match(line):
        return "timestamp"
    if _SOURCE_RE.match(line):
        return "source"
    if _CREDIT_RE.match(line):
        return "byline"
    return None


def clean_lines(lines: list[str]) -> CleanResult:
    """Remove site furniture from the lines of one normalised article.

    Parameters
    ----------
    lines : list of str
        The article's lines after :func:`toolkit.normalize.normalize_text`,
        one paragraph per line.

    Returns
    -------
    CleanResult
        ``lines``: kept ``(line_number, text)`` pairs, 1-based line numbers of
        the raw file; ``removed``: one dict per removed line or prefix with
        ``line``, ``text`` and ``reason``; ``metadata``: ``dateline``,
        ``byline``, ``source`` and ``timestamp`` where found.

    Raises
    ------
    ToolkitError
        When ``lines`` is a single string or holds something other than str.

    Examples
    --------
    >>> r = clean_lines(["Tiêu đề bài báo", "BHG - Nội dung chính.", "Ý kiến bạn đọc"])
    >>> [t for _, t in r.lines], [(d["line"], d["reason"]) for d in r.removed]
    (['Tiêu đề bài báo', 'Nội dung chính.'], [(2, 'dateline'), (3, 'comment_box')])
    """
    if isinstance(lines, (str, bytes)) or not hasattr(lines, "__iter__"):
        raise ToolkitError(
            f"lines must be a list of str (one per paragraph), got {type(lines).__name__}; "
            "split a text first: text.split('\\n')"
        )
    lines = list(lines)
    wrong = [i for i, line in enumerate(lines) if not isinstance(line, str)]
    if wrong:
        raise ToolkitError(
            f"lines must all be str; item {wrong[0]} is {type(lines[wrong[0]]).__name__} ({lines[wrong[0]]!r:.40})"
        )
    result = CleanResult()
    candidates: list[tuple[int, str]] = []
    reasons: dict[int, str] = {}
    after_related_label = False
    for number, raw in enumerate(lines, start=1):
        line = raw.strip()
        if not line:
            continue
        reason = _line_reason(line)
        if reason == "navigation" and _RELATED_LABEL_RE.match(line):
            after_related_label = True
        elif reason is None and after_related_label and _is_headline(line):
            reason = "related_headlines"
        elif reason is None:
            after_related_label = False
        candidates.append((number, line))
        if reason:
            reasons[number] = reason

    # Bare names in the tail: walk back over furniture from the last line.
    for number, line in reversed(candidates):
        if number in reasons:
            continue
        if _is_name(line):
            reasons[number] = "byline"
            continue
        break

    # Runs of two or more headline-shaped lines outside the title, fenced off from the text by furniture.
    _fenced_runs(candidates, reasons)

    body_seen = 0
    first = candidates[0][0] if candidates else None
    for number, line in candidates:
        reason = reasons.get(number)
        if reason:
            result.removed.append({"line": number, "text": line, "reason": reason})
            _remember(result.metadata, reason, line)
            continue
        if body_seen < 3 and number != first:   # a title has no dateline ("MU – Mourinho muốn Kane")
            match = _DATELINE_RE.match(line)
            if match:
                result.removed.append({"line": number, "text": match.group(0), "reason": "dateline"})
                result.metadata.setdefault("dateline", match.group("code"))
                line = line[match.end():]
            body_seen += 1
        result.lines.append((number, line))
    return result


def _fenced_runs(candidates: list[tuple[int, str]], reasons: dict[int, str]) -> None:
    """Mark unlabelled lists of links: runs of headline-shaped lines that touch only furniture.

    A run of short unpunctuated lines inside an article is far more often text than links: photo
    captions one after another, list items ("5. Phở Mặn"), a subheading and its first item, a
    line-up or a table cell per line. On Dân trí pages such runs were content about 13 times in 15.
    A list of related links stands apart from the text: it sits between the title and the first line
    of text after some furniture (the page timestamp), or after the last line of text with only
    page furniture after it (a source line, navigation, a comment box), never a byline, which
    follows photo galleries too. Runs holding a list item are never links.
    """
    if not candidates:
        return
    first = candidates[0][0]
    lines = [(n, line) for n, line in candidates if n != first]
    is_furniture = [n in reasons for n, _ in lines]
    i = 0
    while i < len(lines):
        number, line = lines[i]
        if is_furniture[i] or not _is_headline(line):
            i += 1
            continue
        j = i
        while j < len(lines) and not is_furniture[j] and _is_headline(lines[j][1]):
            j += 1
        run = lines[i:j]
        if len(run) >= 2 and not any(_LIST_ITEM_RE.match(text) for _, text in run):
            before, after = is_furniture[:i], lines[j:]
            head = bool(before) and all(before)
            tail = bool(after) and all(reasons.get(n) in _TAIL_FURNITURE for n, _ in after)
            if head or tail:
                reasons.update({n: "related_headlines" for n, _ in run})
        i = j


def _remember(metadata: dict, reason: str, line: str) -> None:
    if reason == "timestamp":
        metadata.setdefault("timestamp", line)
    elif reason == "source":
        metadata.setdefault("source", _SOURCE_RE.match(line).group("value").strip())
    elif reason == "byline":
        credit = _CREDIT_RE.match(line)
        metadata.setdefault("byline", credit.group("value").strip() if credit else line)


def drop_hidden_blocks(lines: list[str]) -> tuple[list[str], list[dict]]:
    """Remove ``script``, ``style`` and ``head`` elements that span lines, whole, keeping line numbers.

    Parameters
    ----------
    lines : list of str
        The raw lines of one file (decoded, before normalisation).

    Returns
    -------
    (list of str, list of dict)
        The lines, as many as given, with each multi-line element deleted
        (its lines left empty, the text before its opening tag and after its
        closing tag kept on their lines), and one record per non-blank line
        of each element: ``line`` (1-based), ``text`` (the deleted part, as
        written) and ``reason`` ``html_markup``. Elements that open and close
        on one line are left to normalisation, which records them the same way.

    Examples
    --------
    >>> kept, removed = drop_hidden_blocks(["Hợp tác <script>", "var x = 1;", "</script> biên giới"])
    >>> kept
    ['Hợp tác ', '', ' biên giới']
    >>> [(r["line"], r["text"]) for r in removed]
    [(1, '<script>'), (2, 'var x = 1;'), (3, '</script>')]
    """
    lines = list(lines)
    if len(lines) < 2 or not any(HIDDEN_OPENING_RE.search(line) for line in lines):
        return lines, []
    text = "\n".join(lines)
    kept, removed, position, line = [], [], 0, 1
    for match in HIDDEN_ELEMENT_RE.finditer(text):
        block = match.group(0)
        if "\n" not in block:
            continue   # on one line: normalisation removes it with its record
        start = match.start()
        line += text.count("\n", position, start)
        kept.append(text[position:start])
        for offset, fragment in enumerate(block.split("\n")):
            if fragment.strip():
                removed.append({"line": line + offset, "text": fragment, "reason": "html_markup"})
        kept.append("\n" * block.count("\n"))
        line += block.count("\n")
        position = match.end()
    if not removed:
        return lines, []
    kept.append(text[position:])
    return "".join(kept).split("\n"), removed
