"""Reading the small CSV tables researchers write by hand: lexicons, context cues, blockers, coding sheets.

These files are edited in spreadsheets, so they arrive as spreadsheets save them:
with a byte-order mark, with semicolons (Excel in locales where the comma is the
decimal mark), with trailing empty cells, in the Windows code page or as UTF-16
("Unicode Text"). :func:`read_table` accepts what can be read without guessing
and refuses the rest with a message that names the file as the user gave it, the
line, and the fix, as :func:`toolkit.manifest.read_manifest` does for manifests.
"""

from __future__ import annotations

import codecs
import csv
import io
import os
from pathlib import Path

import pandas as pd

from .errors import ToolkitError

__all__ = ["read_table", "csv_rows", "DELIMITERS"]

DELIMITERS = {",": "commas", ";": "semicolons", "\t": "tabs"}
_NAMES = {**DELIMITERS, "|": "vertical bars"}      # the corpus manifest also accepts "|"


def _line_of(data: bytes, offset: int) -> int:
    head = data[:offset]
    return head.count(b"\n") + head.count(b"\r") - head.count(b"\r\n") + 1


def _columns(header: str, delimiter: str) -> list[str]:
    return [c.strip() for c in next(csv.reader([header], delimiter=delimiter), [])]


def csv_rows(text: str, delimiter: str, error) -> tuple[list[str], list[list[str]], list[int]]:
    r"""The header, the rows and the 1-based file line on which each row starts, of a CSV text.

    Blank rows are skipped; empty cells beyond the header's width (as spreadsheets write them) are
    dropped and short rows padded with ``""``; cells are returned as written. ``error(line, message)``
    makes the exception raised for a column named twice, a row with more values than the header, or
    text that is not CSV, so that each reader (:func:`read_table`, the corpus manifest) names the file
    its own way.

    >>> csv_rows("a;b\r\n\r\n1;2;\r\n3\r\n", ";", ValueError)
    (['a', 'b'], [['1', '2'], ['3', '']], [3, 4])
    """
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header, rows, lines = None, [], []
    try:
        while True:
            start = reader.line_num + 1
            try:
                row = next(reader)
            except StopIteration:
                break
            if not any(cell.strip() for cell in row):
                continue
            if header is None:
                header = [c.strip() for c in row]
                repeated = sorted({c for c in header if c and header.count(c) > 1})
                if repeated:
                    raise error(start, f"column(s) {', '.join(map(repr, repeated))} appear twice in the header")
                continue
            while len(row) > len(header) and not row[-1].strip():
                row = row[:-1]   # trailing empty cells, as spreadsheets write them
            if len(row) > len(header):
                raise error(start, f"{len(row)} values but the header has {len(header)} columns; a value that "
                                   f"contains {_NAMES.get(delimiter, repr(delimiter))} must be quoted (\"...\")")
            rows.append(row + [""] * (len(header) - len(row)))
            lines.append(start)
    except csv.Error as err:
        raise error(reader.line_num, f"cannot be read as CSV ({err})") from None
    return header or [], rows, lines


def read_table(path: str | os.PathLike, required: list[str] | tuple[str, ...], what: str,
               shown: str | None = None) -> tuple[pd.DataFrame, list[int]]:
    """A hand-written CSV table as strings, with the file line on which each row starts.

    Parameters
    ----------
    path : path-like
        The file.
    required : list of str
        Columns the header must name; the delimiter (comma, semicolon or tab)
        is the one under which it names them all.
    what : str
        What the file is, for messages ("lexicon", "coding sheet").
    shown : str, optional
        How to name the file in messages (default: ``path`` as given).

    Returns
    -------
    (pandas.DataFrame, list of int)
        Every cell a stripped str (empty cells ``""``), blank rows skipped;
        the 1-based line of each row.

    Raises
    ------
    ToolkitError
        UTF-16 or non-UTF-8 files, an empty file, missing columns, a column
        named twice, a row with more values than the header.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "t.csv"
    >>> _ = p.write_bytes("\\ufefftheme;term\\r\\nhealth;bệnh viện;\\r\\n".encode("utf-8"))
    >>> frame, lines = read_table(p, ["theme", "term"], "lexicon")
    >>> frame.values.tolist(), lines
    ([['health', 'bệnh viện']], [2])
    """
    path = Path(path)
    shown = str(path) if shown is None else shown
    try:
        data = path.read_bytes()
    except OSError as err:
        raise ToolkitError(f"{shown}: cannot read the {what} ({err.strerror or err})") from None
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise ToolkitError(f"{shown}: the {what} is saved as UTF-16 (Excel's 'Unicode Text'); "
                           "save it as 'CSV UTF-8 (Comma delimited)'")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise ToolkitError(f"{shown}, line {_line_of(data, err.start)}: the {what} is not valid UTF-8 (byte "
                           f"{err.start}); Excel's plain 'CSV' saves in the Windows code page: save it as "
                           "'CSV UTF-8 (Comma delimited)'") from None
    if not text.strip():
        raise ToolkitError(f"{shown}: the {what} is empty; write a header line {','.join(required)} and one row per line")
    header_line = next(line for line in io.StringIO(text, newline=None) if line.strip()).rstrip("\n")
    delimiter = next((d for d in DELIMITERS if all(c in _columns(header_line, d) for c in required)), None)
    if delimiter is None:
        seen = max(DELIMITERS, key=lambda d: (header_line.count(d), d == ","))
        found = _columns(header_line, seen)
        missing = [c for c in required if c not in found]
        near = [f"{c!r} for {m!r}" for m in missing for c in found if c.casefold() == m.casefold()]
        hint = f" Column names are lower case: read {', '.join(near)}." if near else ""
        raise ToolkitError(f"{shown}: missing column(s) {', '.join(missing)} in the {what}; the header line reads "
                           f"{header_line[:120]!r} ({len(found)} column(s) separated by {DELIMITERS[seen]}). "
                           f"The header must name {', '.join(required)}.{hint}")
    header, rows, lines = csv_rows(
        text, delimiter, lambda line, message: ToolkitError(f"{shown}, line {line}: {message} (in the {what})"))
    rows = [[c.strip() for c in row] for row in rows]
    keep = [i for i, name in enumerate(header) if name]
    for i in set(range(len(header))) - set(keep):
        filled = [lines[r] for r, row in enumerate(rows) if row[i]]
        if filled:
            raise ToolkitError(f"{shown}, line {filled[0]}: column {i + 1} has values but no name in the header "
                               f"of the {what}; name it or delete it")
    # The string dtype pandas.read_csv(dtype=str) gives, so that readers downstream see the same frames.
    frame = pd.DataFrame([[row[i] for i in keep] for row in rows], columns=[header[i] for i in keep]).astype(str)
    return frame, lines
