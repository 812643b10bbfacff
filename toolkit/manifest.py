"""The corpus manifest: reading and validating ``corpus.csv``.

The manifest lists a corpus's articles, one row each: ``doc_id``, ``file`` (a path inside ``raw/``),
``year`` and any other columns. :func:`read_manifest` reads it as spreadsheets save it and refuses,
with the line and the fix, what cannot be read without guessing. Used by :mod:`toolkit.corpus`.
"""

from __future__ import annotations

import codecs
import csv
import datetime as _dt
import io
import os
import unicodedata
from pathlib import Path

import pandas as pd

from .errors import ManifestError, ToolkitError
from .normalize import normalize_text
from .tones import normalize_tones
from .tables import csv_rows

__all__ = ['read_manifest', 'REQUIRED_COLUMNS', 'OPTIONAL_COLUMNS', 'MIN_YEAR', 'DELIMITERS']

REQUIRED_COLUMNS = ("doc_id", "file", "year")


OPTIONAL_COLUMNS = ("province", "outlet", "title", "encoding")


MIN_YEAR = 1900


# Delimiters a manifest may use: Excel writes ";" where the decimal mark is a comma (Vietnamese locale).
DELIMITERS = {",": "commas", ";": "semicolons", "\t": "tabs", "|": "vertical bars"}


def _row_label(manifest_path: Path, line: int) -> str:
    return f"{manifest_path}, line {line}"


def _line_of(data: bytes, offset: int) -> int:
    """1-based line of a byte offset, whatever the line ends (LF, CRLF or CR alone)."""
    head = data[:offset]
    return head.count(b"\n") + head.count(b"\r") - head.count(b"\r\n") + 1


def _check_years(min_year, max_year) -> int:
    for name, value in (("min_year", min_year), ("max_year", max_year)):
        if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
            raise ToolkitError(f"{name} must be a whole number such as 2017, got {value!r}")
    max_year = max_year if max_year is not None else _dt.date.today().year + 1
    if min_year > max_year:
        raise ToolkitError(f"min_year {min_year} is after max_year {max_year}; swap them")
    return max_year


def _header_columns(header: str, delimiter: str) -> list[str]:
    return [c.strip() for c in next(csv.reader([header], delimiter=delimiter), [])]


def _detect_delimiter(path: Path, header: str) -> str:
    """The delimiter under which the header names every required column, or a ManifestError saying what was seen."""
    for delimiter in DELIMITERS:
        if all(c in _header_columns(header, delimiter) for c in REQUIRED_COLUMNS):
            return delimiter
    seen = max(DELIMITERS, key=lambda d: (header.count(d), d == ","))
    columns = _header_columns(header, seen)
    missing = [c for c in REQUIRED_COLUMNS if c not in columns]
    near = [f"{c!r} for {m!r}" for m in missing for c in columns if c.casefold() == m.casefold()]
    hint = f" Column names are lower case: read {', '.join(near)}." if near else ""
    raise ManifestError(
        f"{path}: missing required column(s) {', '.join(missing)}; the header line reads {header[:120]!r}, "
        f"{len(columns)} column(s) separated by {DELIMITERS[seen]}: {', '.join(map(repr, columns[:8]))}. "
        f"The header must include {', '.join(REQUIRED_COLUMNS)} (separated by commas, semicolons or tabs).{hint}"
    )


def _manifest_text(path: Path) -> str:
    """The manifest's text: UTF-8 with or without a byte-order mark, or a ManifestError saying how to save it."""
    data = path.read_bytes()
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise ManifestError(
            f"{path}: saved as UTF-16 (Excel's 'Unicode Text'); save it as 'CSV UTF-8 (Comma delimited)'"
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise ManifestError(
            f"{path}: not valid UTF-8 at byte {err.start} (line {_line_of(data, err.start)}); Excel's plain 'CSV' "
            "saves in the Windows code page: save it as 'CSV UTF-8 (Comma delimited)'"
        ) from None


def _check_ids(path: Path, manifest: pd.DataFrame, lines: list[int]) -> None:
    """Every doc_id and file present and unique; doc_ids distinct also across normalisation, tone placement
    and case."""
    for column in ("doc_id", "file"):
        values = manifest[column].tolist()
        for index, value in enumerate(values):
            if value == "":
                raise ManifestError(f"{_row_label(path, lines[index])}: empty {column}; every row needs one")
        seen: dict[str, int] = {}
        for index, value in enumerate(values):
            if value in seen:
                repeated = [str(lines[i]) for i, v in enumerate(values) if v == value]
                raise ManifestError(
                    f"{path}: duplicate {column} {value!r} on lines {', '.join(repeated)}; each must be unique"
                )
            seen[value] = index
        if column == "doc_id":
            keys: dict[str, int] = {}
            for index, value in enumerate(values):
                other = keys.setdefault(_name_key(value), index)
                if other != index:
                    raise ManifestError(
                        f"{path}: doc_id {values[other]!r} (line {lines[other]}) and {value!r} (line {lines[index]}) "
                        f"differ only in Unicode normalisation or tone placement ({_describe(values[other])} and "
                        f"{_describe(value)}); they look the same in every table: make them distinct"
                    )
            # Ids become file names (per-article exports, coders' sheets): ids that differ only in case collide on
            # the case-insensitive file systems of Windows and macOS.
            folded: dict[str, int] = {}
            for index, value in enumerate(values):
                other = folded.setdefault(_name_key(value).casefold(), index)
                if other != index:
                    how = ("upper/lower case" if values[other].casefold() == value.casefold()
                           else "upper/lower case and Unicode normalisation or tone placement")
                    raise ManifestError(
                        f"{path}: doc_id {values[other]!r} (line {lines[other]}) and {value!r} (line {lines[index]}) "
                        f"differ only in {how}; files named after them collide on case-insensitive file systems "
                        "(Windows, macOS): make them differ in more than case"
                    )


def _years(path: Path, values, lines: list[int], min_year: int, max_year: int) -> list[int]:
    """The year column as ints within the plausible range, or a ManifestError naming the line."""
    years = []
    for index, value in enumerate(values):
        try:
            year = int(value)
        except ValueError:
            raise ManifestError(
                f"{_row_label(path, lines[index])}: year {value!r} is not a number; write the year as four digits, "
                "e.g. 2017"
            ) from None
        if not min_year <= year <= max_year:
            raise ManifestError(
                f"{_row_label(path, lines[index])}: year {year} is outside the plausible range {min_year}-{max_year}"
            )
        years.append(year)
    return years


def _read_manifest(path: Path, min_year: int, max_year: int | None) -> tuple[pd.DataFrame, list[int]]:
    """The validated manifest and the file line on which each row starts."""
    max_year = _check_years(min_year, max_year)
    if not path.is_file():
        raise ManifestError(f"{path}: manifest not found; a corpus folder needs a corpus.csv listing its files")
    text = _manifest_text(path)
    if not text.strip():
        raise ManifestError(
            f"{path}: the manifest is empty; write a header line doc_id,file,year (other columns may follow) "
            "and one row per article file, e.g. a1,a1.txt,2017"
        )
    # The first non-empty line, read with universal newlines, without splitting the whole manifest.
    header_line = next(line for line in io.StringIO(text, newline=None) if line.strip()).rstrip("\n")
    delimiter = _detect_delimiter(path, header_line)
    header, rows, lines = csv_rows(text, delimiter,
                                   lambda line, message: ManifestError(f"{_row_label(path, line)}: {message}"))
    if not rows:
        raise ManifestError(
            f"{path}: has a header but no rows; add one row per article file under the header, e.g. a1,a1.txt,2017"
        )
    unnamed = [i for i, name in enumerate(header) if not name]
    for i in unnamed:
        filled = [lines[r] for r, row in enumerate(rows) if row[i].strip()]
        if filled:
            raise ManifestError(
                f"{path}: column {i + 1} has values (line {filled[0]}) but no name in the header; name it or delete it"
            )
    if unnamed:   # empty columns a spreadsheet left at the edge of the table
        keep = [i for i in range(len(header)) if header[i]]
        header = [header[i] for i in keep]
        rows = [[row[i] for i in keep] for row in rows]
    manifest = pd.DataFrame(rows, columns=header, dtype=object)
    for column in manifest.columns:
        if column in ("doc_id", "file"):
            # Identifiers: kept exactly as written (only surrounding spaces dropped), never normalised as text.
            manifest[column] = manifest[column].map(str.strip)
        else:
            manifest[column] = manifest[column].map(lambda v: normalize_text(v).strip())
    _check_ids(path, manifest, lines)
    manifest["year"] = _years(path, manifest["year"], lines, min_year, max_year)
    # Only the encoding is filled in: the manifest keeps the columns it has (province, outlet and title are
    # added to Corpus.documents, not here, so that nothing offers a column the manifest does not have).
    if "encoding" not in manifest.columns:
        manifest["encoding"] = ""
    manifest["encoding"] = manifest["encoding"].replace("", "utf-8")
    return manifest, lines


def read_manifest(path: str | os.PathLike, min_year: int = MIN_YEAR, max_year: int | None = None) -> pd.DataFrame:
    """Read and validate a corpus manifest.

    The delimiter is found from the header: commas, semicolons (Excel on a
    machine whose decimal mark is a comma, e.g. Vietnamese), tabs or vertical
    bars. A UTF-8 byte-order mark and CRLF or CR line ends are accepted.
    ``doc_id`` and ``file`` are identifiers: they are kept exactly as written
    (only surrounding spaces are dropped); every other value is normalised
    like text (:func:`toolkit.normalize.normalize_text`).

    Parameters
    ----------
    path : path-like
        The CSV manifest.
    min_year, max_year : int
        Plausible range of ``year``; ``max_year`` defaults to next year.

    Returns
    -------
    pandas.DataFrame
        The manifest with ``year`` as int and ``encoding`` filled with
        ``utf-8`` where empty.

    Raises
    ------
    ManifestError
        When the file is missing, empty, has a header but no rows, is not
        UTF-8, a required column is missing (the message quotes the header as
        read), a row has more values than the header, a ``doc_id`` or ``file``
        is empty or repeats, two ids differ only in Unicode normalisation or
        tone placement, or a ``year`` is not a whole number in range. The
        message names the manifest line and value.
    ToolkitError
        When ``path`` is not a path or the year bounds are not whole numbers.

    Examples
    --------
    >>> read_manifest("data/corpus.csv")[["doc_id", "year"]].head(2).values.tolist()
    [['ls2012', 2012], ['hg2017a', 2017]]
    """
    return _read_manifest(_as_path(path, "path"), min_year, max_year)[0]


def _as_path(value, name: str) -> Path:
    if not isinstance(value, (str, os.PathLike)) or isinstance(value, bytes):
        raise ToolkitError(f"{name} must be a folder or file path (str or pathlib.Path), got {type(value).__name__}")
    return Path(value)


def _name_key(name: str) -> str:
    """A name as compared with names on disk: NFC (so NFD and NFC agree) with the modern tone placement."""
    return normalize_tones(unicodedata.normalize("NFC", name))


def _describe(name: str) -> str:
    """How a name is spelled, so that names that look alike can be told apart."""
    forms = []
    if name.isascii():
        return "ASCII"
    nfc = unicodedata.normalize("NFC", name)
    forms.append("NFC" if name == nfc else "NFD" if name == unicodedata.normalize("NFD", name) else "mixed NFC/NFD")
    forms.append("old tone placement" if normalize_tones(nfc) != nfc else "modern tone placement")
    return f"{', '.join(forms)}: {ascii(name)}"

