"""Loading a corpus: manifest, validation, decoding, normalisation and cleaning.

A corpus is a folder with a manifest ``corpus.csv`` and the article files in
``raw/``::

    data/
      corpus.csv     doc_id,file,year[,province,outlet,title,encoding,...]
      raw/*.txt      one article per file, one paragraph per line

Required manifest columns are ``doc_id``, ``file`` (a path inside ``raw/``) and
``year``. ``encoding`` (default ``utf-8``) names the codec of a legacy file,
e.g. ``cp1258`` for Windows-1258. Every other column is carried into
``Corpus.documents`` unchanged.
"""

from __future__ import annotations

import codecs
import csv
import datetime as _dt
import hashlib
import io
import os
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from .clean import clean_lines, drop_hidden_blocks
from .errors import CorpusError, ManifestError, ToolkitError
from .normalize import normalize_audited, normalize_text, normalize_tones
from .tables import csv_rows

__all__ = ["Corpus", "load_corpus", "load_rows", "manifest_rows", "read_manifest", "REQUIRED_COLUMNS"]

REQUIRED_COLUMNS = ("doc_id", "file", "year")
OPTIONAL_COLUMNS = ("province", "outlet", "title", "encoding")
# Optional columns that Corpus.documents always has, empty when the manifest lacks them.
_FILLED_COLUMNS = ("province", "outlet", "title")
MIN_YEAR = 1900
DOCUMENT_COLUMNS = [
    "doc_id", "year", "province", "outlet", "title", "text", "file", "sha256",
    "n_lines", "n_removed", "n_chars", "dateline", "byline", "source", "timestamp", "line_numbers",
]
REMOVED_COLUMNS = ["doc_id", "line", "text", "reason"]
REPAIR_COLUMNS = ["doc_id", "line", "kind", "before", "after"]
# Delimiters a manifest may use: Excel writes ";" where the decimal mark is a comma (Vietnamese locale).
DELIMITERS = {",": "commas", ";": "semicolons", "\t": "tabs", "|": "vertical bars"}


@dataclass(frozen=True)
class Corpus:
    """A loaded, validated and cleaned corpus.

    Attributes
    ----------
    documents : pandas.DataFrame
        One row per article, sorted by ``year`` then ``doc_id``: ``doc_id``,
        ``year``, ``province``, ``outlet``, ``title`` (empty when the manifest
        has no such column), ``text`` (normalised and
        cleaned, one paragraph per line), ``file``, ``sha256`` of the raw
        bytes, ``n_lines`` (non-blank raw lines), ``n_removed``, ``n_chars``,
        the ``dateline``, ``byline``, ``source`` and ``timestamp`` found by
        cleaning, ``line_numbers`` (tuple: the raw line number of each line
        of ``text``), then any other manifest column.
    removed : pandas.DataFrame
        One row per removed line, line prefix or deleted fragment:
        ``doc_id``, ``line`` (1-based, in the raw file), ``text``, ``reason``:
        the cleaning reasons of :mod:`toolkit.clean`, or ``html_markup``,
        ``control_character``, ``invisible_character`` for what normalisation
        deleted (:func:`toolkit.normalize.normalize_audited`), with the
        fragment as written in the raw line (an escaped
        ``&lt;script&gt;...&lt;/script&gt;`` is listed as such).
    root : str
        The folder the corpus was read from, as given.
    repairs : pandas.DataFrame
        One row per repaired token: ``doc_id``, ``line`` (1-based, in the raw
        file), ``kind``, ``before``, ``after``. Kinds:
        ``double_encoded_utf8`` (UTF-8 that was read as Windows-1252,
        Latin-1 or Windows-1258, "Ä‘á»‘i" -> "đối", repaired only where encoding the result
        back gives the garbled text exactly) and ``eth_as_d`` (the Icelandic
        "Ð"/"ð" at the start of a Vietnamese syllable, "Ðối" -> "Đối").
        Repairs change letters, so they are listed apart from deletions.
    columns : tuple of str
        The manifest's columns as its header names them (and a derived
        ``period``); see :attr:`manifest_columns`.
    """

    documents: pd.DataFrame
    removed: pd.DataFrame
    root: str
    repairs: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=REPAIR_COLUMNS))
    columns: tuple = ()

    @property
    def manifest_columns(self) -> list[str]:
        """The manifest's columns that describe documents: ``year``, then the others as the manifest orders them.

        Only columns the manifest has (``province`` only when it has one), any
        the researcher added (``category``...) and a derived ``period``
        (:func:`toolkit.summary.add_periods`); never ``doc_id``, ``file`` or
        ``encoding``. These are the columns :func:`toolkit.segment` copies
        into every unit, so any of them can be the grouping.

        Examples
        --------
        >>> load_corpus("data").manifest_columns
        ['year', 'province', 'outlet', 'title', 'period_evidence']
        """
        skip = {"doc_id", "file", "path", "encoding", "year"}
        if self.columns:
            names = [c for c in self.columns if c not in skip]
        else:   # a Corpus built by hand: what its documents hold beyond the loader's own columns
            docs = self.documents
            names = [c for c in docs.columns if (c not in skip and c not in DOCUMENT_COLUMNS)
                     or (c in _FILLED_COLUMNS and docs[c].astype("string").fillna("").str.strip().ne("").any())]
        return ["year", *[c for c in names if c in self.documents.columns]]

    def __repr__(self) -> str:
        years = ", ".join(f"{y}: {n}" for y, n in self.documents["year"].value_counts().sort_index().items())
        repaired = f"; {len(self.repairs)} repairs" if len(self.repairs) else ""
        return f"Corpus({len(self.documents)} documents; {years}; {len(self.removed)} removed lines{repaired})"


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


# -- file names: identifiers matched under Unicode normalisation and tone placement ----------

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


def _within_one_edit(a: str, b: str) -> bool:
    if abs(len(a) - len(b)) > 1 or a == b:
        return a == b
    if len(a) > len(b):
        a, b = b, a
    i = 0
    while i < len(a) and a[i] == b[i]:
        i += 1
    return a[i + (len(a) == len(b)):] == b[i + 1:]


def _near_misses(name: str, on_disk: list[str]) -> list[str]:
    key = _name_key(name).casefold()
    stem, base = os.path.splitext(key)[0], key.rsplit("/", 1)[-1]
    out = []
    for rel in on_disk:
        other = _name_key(rel).casefold()
        if other == key or ("\\" in key and other == key.replace("\\", "/")):   # '\' alone is resolved
            out.append(f"{rel!r} (differs in upper/lower case)")
        elif os.path.splitext(other)[0] == stem:
            out.append(f"{rel!r} (differs in extension)")
        elif other.rsplit("/", 1)[-1] == base:
            out.append(f"{rel!r} (in another folder)")
        elif _within_one_edit(other, key):
            out.append(f"{rel!r} (differs by one character)")
    return out[:3]


def _walk(raw_dir: Path) -> tuple[list[str], set[str]]:
    """Files under ``raw_dir`` (sorted relative POSIX names; hidden files skipped) and those that are links.

    Like ``Path.rglob("*")``: folders reached through a symbolic link are not entered.
    """
    files, links = [], set()
    stack = [("", str(raw_dir))]
    while stack:
        prefix, folder = stack.pop()
        with os.scandir(folder) as entries:
            for entry in entries:
                rel = prefix + entry.name
                if entry.is_dir():
                    if not entry.is_symlink():
                        stack.append((rel + "/", entry.path))
                elif entry.is_file() and not entry.name.startswith("."):
                    files.append(rel)
                    if entry.is_symlink():
                        links.add(rel)
    return sorted(files), links


def _check_inside(raw_dir: Path, name: str, label: str, written: str | None = None) -> None:
    candidate = Path(name)
    if candidate.is_absolute() or ".." in candidate.parts:
        raise ManifestError(f"{label}: file {(written or name)!r} must be a relative path inside {raw_dir}")


def _resolve(raw_dir: Path, full: Path, name: str, label: str) -> Path:
    try:
        inside = full.resolve().is_relative_to(raw_dir.resolve())
    except OSError:
        inside = False
    if not inside:
        raise ManifestError(f"{label}: file {name!r} resolves outside {raw_dir} (a symlink?); refused")
    return full


def _find_file(raw_dir: Path, name: str, doc_id: str, label: str, by_key: dict[str, list[str]],
               on_disk: list[str]) -> Path:
    """The file a manifest name stands for: the exact name, else the one file equal under NFC and tone placement."""
    _check_inside(raw_dir, name, label)
    exact = raw_dir / name
    if exact.is_file():
        return _resolve(raw_dir, exact, name, label)
    candidates = by_key.get(_name_key(name), [])
    if len(candidates) > 1:
        raise ManifestError(
            f"{label}: file {name!r} (doc_id {doc_id}) matches {len(candidates)} files in {raw_dir} that differ "
            f"only in Unicode normalisation or tone placement: "
            + "; ".join(f"{c!r} ({_describe(c)})" for c in candidates)
            + ". Rename or remove all but one"
        )
    if candidates:
        return _resolve(raw_dir, raw_dir / candidates[0], name, label)
    if "\\" in name:
        found = _backslash_candidates(raw_dir, name, label, by_key)
        if len(found) > 1:
            raise ManifestError(
                f"{label}: file {name!r} (doc_id {doc_id}) is written with '\\' (Windows); read with '/' it matches "
                f"{len(found)} files in {raw_dir}: {', '.join(map(repr, found))}. Write the path with '/' and "
                "the folder it is in"
            )
        if found:
            return _resolve(raw_dir, raw_dir / found[0], name, label)
    near = _near_misses(name, on_disk)
    hint = f"; did you mean {' or '.join(near)}?" if near else "."
    raise ManifestError(
        f"{label}: file {name!r} (doc_id {doc_id}) not found in {raw_dir}{hint} "
        "Fix the name, add the file or delete the row"
    )


def _backslash_candidates(raw_dir: Path, name: str, label: str, by_key: dict[str, list[str]]) -> list[str]:
    """Files a path written with Windows backslashes can mean: read with '/', inside the raw folder or, when it
    starts with the raw folder's own name (``raw\\a.txt``, relative to the corpus folder), inside that folder."""
    slashed = name.replace("\\", "/")
    forms = [slashed]
    head, _, rest = slashed.partition("/")
    if rest and head.casefold() == raw_dir.name.casefold():
        forms.append(rest)
    found: list[str] = []
    for form in forms:
        _check_inside(raw_dir, form, label, written=name)
        if (raw_dir / form).is_file():
            matches = [form]
        else:
            matches = by_key.get(_name_key(form), [])
            if len(matches) > 1:   # one form that names several files: ambiguous as well
                return matches
        found += [m for m in matches if m not in found]
    return found


_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"), (codecs.BOM_UTF8, "utf-8-sig"),
)
# Vietnamese letters outside Latin-1: what Unicode Vietnamese text is full of.
_VIET_RE = re.compile("[\u1ea0-\u1ef9\u0102\u0103\u0110\u0111\u01a0\u01a1\u01af\u01b0\u0300\u0301\u0303\u0309\u0323]")
# Latin-1 characters that Vietnamese does not use: TCVN3 (ABC) and VNI text
# read as Windows-1252 or Latin-1 is full of them ("Hµ Néi", "Vieät Nam").
_LEGACY_RE = re.compile("[\u00a1-\u00bf\u00c4-\u00c7\u00cb\u00ce-\u00d1\u00d6-\u00d8\u00db\u00dc"
                        "\u00de-\u00df\u00e4-\u00e7\u00eb\u00ee-\u00f1\u00f6-\u00f8\u00fb\u00fc\u00fe\u00ff]")
_ASCII_LETTER_RE = re.compile("[A-Za-z]")
_HTML_PAGE_RE = re.compile(r"^\s*(<!doctype\s+html|<html[\s>])", re.IGNORECASE)
_LEGACY_FIX = ("Convert it to Unicode with a TCVN3/VNI converter (e.g. UniKey's converter) before loading; "
               "it is not analysed as Vietnamese")


def _check_page(text: str, path: Path) -> None:
    if _HTML_PAGE_RE.match(text[:1000]):
        raise CorpusError(
            f"{path}: is an HTML page, not article text; extract the article (save the page as text, "
            "or copy the article body into a .txt file) and load that"
        )


def _is_legacy_line(line: str) -> bool:
    """A line of TCVN3/VNI text read as Unicode: words of ASCII letters mixed with symbols Vietnamese does not use."""
    if not _LEGACY_RE.search(line):
        return False
    legacy = _LEGACY_RE.findall(line)
    if len(legacy) < 3:
        return False
    words = line.split()
    odd = [w for w in words if _LEGACY_RE.search(w) and _ASCII_LETTER_RE.search(w)]
    return len(odd) >= 3 and len(odd) >= 0.3 * len(words) and len(legacy) > len(_VIET_RE.findall(line))


def _check_legacy(text: str, path: Path, legacy_lines: list[int], n_lines: int, samples: dict[int, str]) -> None:
    """Refuse TCVN3/VNI text: a whole file of it, or lines of it pasted into a Unicode file."""
    legacy = len(_LEGACY_RE.findall(text))
    vietnamese = len(_VIET_RE.findall(text))
    whole = legacy >= 10 and legacy > 0.01 * len(text) and legacy > vietnamese
    if whole or (legacy_lines and len(legacy_lines) * 2 >= n_lines):
        where = f" (lines {', '.join(map(str, legacy_lines[:5]))}{'...' if len(legacy_lines) > 5 else ''})" if legacy_lines else ""
        raise CorpusError(
            f"{path}: looks like Vietnamese in a legacy 8-bit font encoding (TCVN3/ABC or VNI) read as "
            f"Unicode{where}: {legacy} characters such as {''.join(sorted(set(_LEGACY_RE.findall(text)))[:8])!r} "
            f"that Vietnamese does not use, and only {vietnamese} Vietnamese letters. {_LEGACY_FIX}"
        )
    if legacy_lines:
        first = legacy_lines[0]
        raise CorpusError(
            f"{path}, line {first}: looks like Vietnamese in a legacy 8-bit font encoding (TCVN3/ABC or VNI) "
            f"pasted into a Unicode file: {samples[first][:60]!r}"
            + (f" ({len(legacy_lines)} such lines: {', '.join(map(str, legacy_lines[:5]))})" if len(legacy_lines) > 1 else "")
            + f". {_LEGACY_FIX.replace('Convert it', 'Convert those lines')}"
        )


def _utf_without_bom(data: bytes) -> str | None:
    """'utf-16-le', 'utf-16-be', 'utf-32-le' or 'utf-32-be' when the zero bytes fall in that codec's pattern."""
    sample = data[:65536]
    if len(sample) < 8 or sample.count(0) < 4:
        return None
    for width, codec in ((4, "utf-32"), (2, "utf-16")):
        columns = [sample[i::width] for i in range(width)]
        zero = [c.count(0) / max(len(c), 1) for c in columns]
        # Mostly-ASCII text: the high bytes are zero, the low byte almost never.
        if zero[0] <= 0.05 and min(zero[1:]) >= 0.3:
            return f"{codec}-le"
        if zero[-1] <= 0.05 and min(zero[:-1]) >= 0.3:
            return f"{codec}-be"
    return None


def _decode(data: bytes, encoding: str, path: Path) -> str:
    is_utf8 = encoding.lower().replace("-", "").replace("_", "") in ("utf8", "utf8sig")
    if is_utf8:
        # A byte-order mark names the encoding for us (documented repair).
        for bom, name in _BOMS:
            if data.startswith(bom):
                return data.decode(name)
        wide = _utf_without_bom(data)
        if wide:
            width = "every other byte" if wide.startswith("utf-16") else "three bytes in four"
            raise CorpusError(
                f"{path}: looks like {wide.upper()} without a byte-order mark ({width} is zero, as in "
                f"{data[:8]!r}), not UTF-8; set encoding={wide} in its manifest row, or save the file as UTF-8"
            )
    else:
        try:
            as_utf8 = data.decode("utf-8")
        except UnicodeDecodeError:
            as_utf8 = None
        if as_utf8 is not None and len(_VIET_RE.findall(unicodedata.normalize("NFC", as_utf8))) >= 3:
            raise CorpusError(
                f"{path}: is valid UTF-8 Vietnamese text, but its manifest row says encoding={encoding}, which "
                "would garble it; clear the encoding value (or set utf-8)"
            )
    try:
        return data.decode(encoding)
    except LookupError:
        raise CorpusError(
            f"{path}: unknown encoding {encoding!r} in the manifest; use a Python codec name such as utf-8 or cp1258"
        ) from None
    except UnicodeDecodeError as err:
        hint = (
            " If the file is in a legacy encoding such as Windows-1258, set encoding=cp1258 in its manifest row."
            if is_utf8
            else ""
        )
        raise CorpusError(
            f"{path}: not valid {encoding} at byte {err.start} (line {_line_of(data, err.start)}): "
            f"{data[err.start:err.start + 4]!r}.{hint}"
        ) from None


def load_corpus(
    root: str | os.PathLike = "data",
    manifest: str = "corpus.csv",
    raw_dir: str = "raw",
    min_year: int = MIN_YEAR,
    max_year: int | None = None,
) -> Corpus:
    """Load, validate, decode, normalise and clean a corpus folder.

    Parameters
    ----------
    root : path-like, default "data"
        Folder holding the manifest and the raw folder.
    manifest : str, default "corpus.csv"
        Manifest file name inside ``root``.
    raw_dir : str, default "raw"
        Folder of article files inside ``root``; manifest ``file`` paths are
        relative to it and may not leave it.
    min_year, max_year : int
        Plausible range of years (see :func:`read_manifest`).

    Returns
    -------
    Corpus
        ``documents``, ``removed`` (every deletion) and ``repairs`` (every
        repaired letter). ``doc_id`` and ``file`` are as written in the
        manifest; a manifest name finds its file when the two are equal
        under Unicode normalisation (NFC/NFD) and tone placement (hoà/hòa),
        the exact name first.

    Raises
    ------
    ManifestError
        Bad manifest (see :func:`read_manifest`), a row whose file is missing
        (near misses such as another case, extension or one character are
        named), a name that matches several files that differ only in Unicode
        normalisation or tone placement, two rows naming one file, a file
        without a row, a path that leaves the raw folder.
    CorpusError
        A file that cannot be decoded (the message gives the byte offset and
        line and suggests the ``encoding`` column), UTF-16/UTF-32 without a
        byte-order mark, a UTF-8 file whose row names a legacy encoding, an
        HTML page saved instead of text, legacy TCVN3/VNI text read as
        Unicode (whole file or pasted lines, with the line), garbled UTF-8
        that cannot be repaired exactly (with the line), an empty file, or a
        file with nothing left after cleaning. A UTF-8, UTF-16 or UTF-32
        byte-order mark selects that encoding (documented repair).
    ToolkitError
        Arguments of the wrong type, or ``manifest``/``raw_dir`` leaving
        ``root``.

    Examples
    --------
    >>> corpus = load_corpus("data")
    >>> corpus.documents.groupby("year").size().to_dict()
    {2012: 1, 2017: 3, 2023: 1}
    >>> corpus.removed.loc[0, ["doc_id", "text", "reason"]].tolist()
    ['ls2012', 'LSO-', 'dateline']
    >>> len(corpus.repairs)
    0
    """
    return load_rows(root, manifest_rows(root, manifest, raw_dir, min_year, max_year), raw_dir)


def manifest_rows(
    root: str | os.PathLike = "data",
    manifest: str = "corpus.csv",
    raw_dir: str = "raw",
    min_year: int = MIN_YEAR,
    max_year: int | None = None,
) -> pd.DataFrame:
    """The manifest with every row's file found and checked, without reading any article.

    All the checks of :func:`load_corpus` that concern the manifest and the
    folder (missing, ambiguous, shared or unlisted files, paths leaving the
    raw folder) are made here, once for the whole corpus. The result's
    ``path`` column is each file as found on disk, relative to ``raw_dir``;
    any slice of the rows can be loaded with :func:`load_rows`, which is how
    a corpus too large for memory is read a shard at a time.

    Examples
    --------
    >>> rows = manifest_rows("data")
    >>> rows[["doc_id", "path"]].iloc[0].tolist()
    ['ls2012', '002_d760501060c74556.txt']
    >>> load_rows("data", rows.iloc[:2]).documents.doc_id.tolist()
    ['ls2012', 'hg2017a']
    """
    root = _as_path(root, "root")
    for name, value in (("manifest", manifest), ("raw_dir", raw_dir)):
        if not isinstance(value, str) or not value or Path(value).is_absolute() or ".." in Path(value).parts:
            raise ToolkitError(f"{name} must be a name inside the corpus folder such as 'corpus.csv', got {value!r}")
    if not root.is_dir():
        raise ManifestError(
            f"{root}: corpus folder not found (or not a folder); it needs {manifest} and a {raw_dir}/ folder"
        )
    manifest_path = root / manifest
    raw_path = root / raw_dir
    table, row_lines = _read_manifest(manifest_path, min_year, max_year)
    if not raw_path.is_dir():
        raise ManifestError(f"{raw_path}: folder of article files not found")

    on_disk, linked = _walk(raw_path)
    # A name found as written, not through a symbolic link, is inside the folder as it stands: it needs
    # no resolving (resolving every row was most of the time on a large archive).
    plain = set(on_disk) - linked
    raw_real = raw_path.resolve()

    def real(rel: str) -> str:
        return os.path.join(raw_real, rel) if rel in plain else str((raw_path / rel).resolve())

    by_key: dict[str, list[str]] | None = None
    rels, listed = [], {}
    for index, row in enumerate(table.itertuples(index=False)):
        name = row.file
        if name in plain:
            rel = name
        else:
            if by_key is None:
                by_key = {}
                for other_rel in on_disk:
                    by_key.setdefault(_name_key(other_rel), []).append(other_rel)
            label = _row_label(manifest_path, row_lines[index])
            rel = _find_file(raw_path, name, row.doc_id, label, by_key, on_disk).relative_to(raw_path).as_posix()
        resolved = real(rel)
        if resolved in listed:
            other = listed[resolved]
            raise ManifestError(
                f"{manifest_path}: lines {row_lines[other]} and {row_lines[index]} both name the file "
                f"{rel!r} (as {table['file'].iloc[other]!r} and {name!r}); each file belongs to one row"
            )
        listed[resolved] = index
        rels.append(rel)
    unlisted = [rel for rel in on_disk if real(rel) not in listed]
    if unlisted:
        listed_names = {_name_key(rel): rel for rel in rels}
        shown = [
            f"{rel} (looks like {listed_names[_name_key(rel)]!r} but differs in Unicode normalisation or tone "
            f"placement: {_describe(rel)})" if _name_key(rel) in listed_names else rel
            for rel in unlisted[:5]
        ]
        raise ManifestError(
            f"{raw_path}: {len(unlisted)} file(s) have no row in {manifest_path}: {', '.join(shown)}; "
            "add a row for each or move them out of the folder"
        )

    table = table.copy()
    table["path"] = rels
    return table


def _normalised_lines(raw_lines: list[str], doc_id: str, path: Path, removed: list[dict],
                      repairs: list[dict]) -> tuple[list[str], list[int]]:
    """The normalised lines of an article with the raw line number of each; fragments removed and
    repairs appended to ``removed`` and ``repairs``; a CorpusError for garbled or legacy-encoded text."""
    lines, numbers, garbled, legacy_lines, samples = [], [], [], [], {}
    for number, raw in enumerate(raw_lines, start=1):
        audit = normalize_audited(raw)
        if audit.problem:
            garbled.append((number, audit.problem))
        for fragment_reason, fragment in audit.removed:
            removed.append({"doc_id": doc_id, "line": number, "text": fragment, "reason": fragment_reason})
        for kind, before, after in audit.repairs:
            repairs.append({"doc_id": doc_id, "line": number, "kind": kind, "before": before, "after": after})
        if _is_legacy_line(audit.text):
            legacy_lines.append(number)
            samples[number] = audit.text.strip()
        for piece in audit.text.split("\n"):
            lines.append(piece)
            numbers.append(number)
    if garbled:
        number, problem = garbled[0]
        n_text = sum(1 for line in raw_lines if line.strip())
        whole = (
            f" {len(garbled)} of {n_text} lines are garbled this way: the whole file was probably read as "
            "Windows-1252 and saved again as UTF-8 (double-encoded)."
            if len(garbled) > 1 else ""
        )
        raise CorpusError(
            f"{path}, line {number}: {problem}.{whole} Re-save the original text as UTF-8, or retype the "
            "garbled words; lines that could be repaired exactly are listed in corpus.repairs"
        )
    _check_legacy(
        "\n".join(lines), path, legacy_lines, sum(1 for line in raw_lines if line.strip()), samples
    )
    return lines, numbers


def _load_document(path: Path, row: pd.Series, removed: list[dict], repairs: list[dict]) -> dict:
    """One article: decoded, normalised line by line (each change tied to its raw line), cleaned; its
    removed lines and repairs appended to ``removed`` and ``repairs``. Returns its documents row."""
    data = path.read_bytes()
    decoded = _decode(data, row["encoding"], path)
    _check_page(decoded, path)
    # Normalise line by line so that every change is tied to its raw line number
    # (a <br> inside a line makes two lines that both keep that number).
    raw_lines = decoded.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    n_lines = sum(1 for line in raw_lines if line.strip())
    # Script, style and head elements that span lines go whole, before the line-by-line normalisation.
    raw_lines, hidden = drop_hidden_blocks(raw_lines)
    for record in hidden:
        removed.append({"doc_id": row["doc_id"], **record})
    lines, numbers = _normalised_lines(raw_lines, row["doc_id"], path, removed, repairs)
    if not any(line.strip() for line in lines):
        raise CorpusError(f"{path}: the file is empty (doc_id {row['doc_id']}); remove its row or add the text")
    cleaned = clean_lines(lines)
    # clean_lines numbers lines by position; map them back to raw line numbers.
    cleaned.lines[:] = [(numbers[n - 1], text) for n, text in cleaned.lines]
    for record in cleaned.removed:
        record["line"] = numbers[record["line"] - 1]
    if not cleaned.lines:
        reasons = sorted({r["reason"] for r in cleaned.removed})
        raise CorpusError(
            f"{path}: nothing left after cleaning (doc_id {row['doc_id']}); every line was site furniture "
            f"({', '.join(reasons)}). Check that the file holds the article text."
        )
    for record in cleaned.removed:
        removed.append({"doc_id": row["doc_id"], **record})
    body = "\n".join(line for _, line in cleaned.lines)
    extra = {**dict.fromkeys(_FILLED_COLUMNS, ""),
             **{k: v for k, v in row.items() if k not in ("doc_id", "year", "file")}}
    return {
        **extra,
        "doc_id": row["doc_id"],
        "year": row["year"],
        "file": row["file"],
        "text": body,
        "sha256": hashlib.sha256(data).hexdigest(),
        "n_lines": n_lines,
        "n_removed": len(cleaned.removed),
        "n_chars": len(body),
        **{k: cleaned.metadata.get(k, "") for k in ("dateline", "byline", "source", "timestamp")},
        "line_numbers": tuple(number for number, _ in cleaned.lines),
    }


def load_rows(root: str | os.PathLike, rows: pd.DataFrame, raw_dir: str = "raw") -> Corpus:
    """Decode, normalise and clean the articles of some rows of :func:`manifest_rows`.

    Parameters
    ----------
    root : path-like
        The corpus folder the rows were read from.
    rows : pandas.DataFrame
        Rows of :func:`manifest_rows` (any subset, e.g. a shard).
    raw_dir : str, default "raw"

    Returns
    -------
    Corpus
        As :func:`load_corpus`, for these rows only.
    """
    root = _as_path(root, "root")
    if "path" not in rows.columns:
        raise ToolkitError("load_rows takes rows of manifest_rows(...), which have a 'path' column")
    raw_path = root / raw_dir
    table = rows.drop(columns="path").reset_index(drop=True)
    paths = [raw_path / p for p in rows["path"]]
    documents, removed, repairs = [], [], []
    for index, row in table.iterrows():
        documents.append(_load_document(paths[index], row, removed, repairs))

    docs = pd.DataFrame(documents)
    order = DOCUMENT_COLUMNS + [c for c in docs.columns if c not in DOCUMENT_COLUMNS]
    docs = docs[order].sort_values(["year", "doc_id"], kind="stable").reset_index(drop=True)
    docs["year"] = docs["year"].astype("int64")
    rank = {d: i for i, d in enumerate(docs["doc_id"])}

    def _sorted(records: list[dict], columns: list[str]) -> pd.DataFrame:
        frame = pd.DataFrame(records, columns=columns)
        frame = frame.sort_values(
            ["doc_id", "line"], key=lambda s: s.map(rank) if s.name == "doc_id" else s, kind="stable"
        ).reset_index(drop=True)
        frame["line"] = frame["line"].astype("int64")
        return frame

    return Corpus(
        documents=docs, removed=_sorted(removed, REMOVED_COLUMNS), root=str(root),
        repairs=_sorted(repairs, REPAIR_COLUMNS), columns=tuple(c for c in rows.columns if c != "path"),
    )
