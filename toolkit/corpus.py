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
import datetime as _dt
import hashlib
import os
import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from .clean import clean_lines
from .errors import CorpusError, ManifestError
from .normalize import normalize_text, removed_fragments

__all__ = ["Corpus", "load_corpus", "read_manifest", "REQUIRED_COLUMNS"]

REQUIRED_COLUMNS = ("doc_id", "file", "year")
OPTIONAL_COLUMNS = ("province", "outlet", "title", "encoding")
MIN_YEAR = 1900
DOCUMENT_COLUMNS = [
    "doc_id", "year", "province", "outlet", "title", "text", "file", "sha256",
    "n_lines", "n_removed", "n_chars", "dateline", "byline", "source", "timestamp", "line_numbers",
]
REMOVED_COLUMNS = ["doc_id", "line", "text", "reason"]


@dataclass(frozen=True)
class Corpus:
    """A loaded, validated and cleaned corpus.

    Attributes
    ----------
    documents : pandas.DataFrame
        One row per article, sorted by ``year`` then ``doc_id``: ``doc_id``,
        ``year``, ``province``, ``outlet``, ``title``, ``text`` (normalised and
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
        deleted (:func:`toolkit.normalize.removed_fragments`).
    root : str
        The folder the corpus was read from, as given.
    """

    documents: pd.DataFrame
    removed: pd.DataFrame
    root: str

    def __repr__(self) -> str:
        years = ", ".join(f"{y}: {n}" for y, n in self.documents["year"].value_counts().sort_index().items())
        return f"Corpus({len(self.documents)} documents; {years}; {len(self.removed)} removed lines)"


def _row_label(manifest_path: Path, index: int) -> str:
    # Header is line 1, so data row i is line i + 2.
    return f"{manifest_path}, line {index + 2}"


def read_manifest(path: str | os.PathLike, min_year: int = MIN_YEAR, max_year: int | None = None) -> pd.DataFrame:
    """Read and validate a corpus manifest.

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
        When the file is missing, a required column is missing, a ``doc_id``
        or ``file`` repeats, or a ``year`` is not a whole number in range. The
        message names the manifest line and value.
    """
    path = Path(path)
    if not path.is_file():
        raise ManifestError(f"{path}: manifest not found; a corpus folder needs a corpus.csv listing its files")
    try:
        manifest = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except (UnicodeDecodeError, pd.errors.ParserError) as err:
        raise ManifestError(f"{path}: cannot be read as a UTF-8 CSV file ({err})") from err
    manifest.columns = [c.strip() for c in manifest.columns]
    missing = [c for c in REQUIRED_COLUMNS if c not in manifest.columns]
    if missing:
        raise ManifestError(
            f"{path}: missing required column(s) {', '.join(missing)}; "
            f"the header must include {', '.join(REQUIRED_COLUMNS)}"
        )
    for column in manifest.columns:
        manifest[column] = manifest[column].map(lambda v: normalize_text(v).strip())
    for column in ("doc_id", "file"):
        blank = manifest.index[manifest[column] == ""]
        if len(blank):
            raise ManifestError(f"{_row_label(path, blank[0])}: empty {column}; every row needs one")
        repeated = manifest[manifest[column].duplicated(keep=False)]
        if len(repeated):
            value = repeated[column].iloc[0]
            lines = [str(i + 2) for i in repeated.index[repeated[column] == value]]
            raise ManifestError(
                f"{path}: duplicate {column} {value!r} on lines {', '.join(lines)}; each must be unique"
            )
    max_year = max_year if max_year is not None else _dt.date.today().year + 1
    years = []
    for index, value in manifest["year"].items():
        try:
            year = int(value)
        except ValueError:
            raise ManifestError(
                f"{_row_label(path, index)}: year {value!r} is not a number; write the year as four digits, e.g. 2017"
            ) from None
        if not min_year <= year <= max_year:
            raise ManifestError(
                f"{_row_label(path, index)}: year {year} is outside the plausible range {min_year}-{max_year}"
            )
        years.append(year)
    manifest["year"] = years
    for column in OPTIONAL_COLUMNS:
        if column not in manifest.columns:
            manifest[column] = ""
    manifest["encoding"] = manifest["encoding"].replace("", "utf-8")
    return manifest


def _resolve(raw_dir: Path, name: str, label: str) -> Path:
    candidate = Path(name)
    if candidate.is_absolute() or ".." in candidate.parts:
        raise ManifestError(f"{label}: file {name!r} must be a relative path inside {raw_dir}")
    full = raw_dir / candidate
    try:
        inside = full.resolve().is_relative_to(raw_dir.resolve())
    except OSError:
        inside = False
    if not inside:
        raise ManifestError(f"{label}: file {name!r} resolves outside {raw_dir} (a symlink?); refused")
    return full


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
_HTML_PAGE_RE = re.compile(r"^\s*(<!doctype\s+html|<html[\s>])", re.IGNORECASE)


def _check_text(text: str, path: Path) -> None:
    """Refuse text that is not Vietnamese Unicode prose: HTML pages and legacy 8-bit encodings."""
    if _HTML_PAGE_RE.match(text[:1000]):
        raise CorpusError(
            f"{path}: is an HTML page, not article text; extract the article (save the page as text, "
            "or copy the article body into a .txt file) and load that"
        )
    legacy = len(_LEGACY_RE.findall(text))
    vietnamese = len(_VIET_RE.findall(text))
    if legacy >= 10 and legacy > 0.01 * len(text) and legacy > vietnamese:
        raise CorpusError(
            f"{path}: looks like Vietnamese in a legacy 8-bit font encoding (TCVN3/ABC or VNI) read as "
            f"Unicode: {legacy} characters such as {''.join(sorted(set(_LEGACY_RE.findall(text)))[:8])!r} "
            f"that Vietnamese does not use, and only {vietnamese} Vietnamese letters. Convert the file to "
            "Unicode with a TCVN3/VNI converter before loading; it is not analysed as Vietnamese"
        )


def _decode(data: bytes, encoding: str, path: Path) -> str:
    is_utf8 = encoding.lower().replace("-", "").replace("_", "") in ("utf8", "utf8sig")
    if is_utf8:
        # A byte-order mark names the encoding for us (documented repair).
        for bom, name in _BOMS:
            if data.startswith(bom):
                return data.decode(name)
    try:
        return data.decode(encoding)
    except LookupError:
        raise CorpusError(f"{path}: unknown encoding {encoding!r} in the manifest; use a Python codec name such as utf-8 or cp1258") from None
    except UnicodeDecodeError as err:
        line = data[: err.start].count(b"\n") + 1
        hint = (
            " If the file is in a legacy encoding such as Windows-1258, set encoding=cp1258 in its manifest row."
            if is_utf8
            else ""
        )
        raise CorpusError(
            f"{path}: not valid {encoding} at byte {err.start} (line {line}): "
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

    Raises
    ------
    ManifestError
        Bad manifest, a row whose file is missing, a file without a row, a
        path that leaves the raw folder.
    CorpusError
        A file that cannot be decoded (the message gives the byte offset and
        suggests the ``encoding`` column), an HTML page saved instead of text,
        legacy TCVN3/VNI text read as Unicode, an empty file, or a file with
        nothing left after cleaning. A UTF-8, UTF-16 or UTF-32 byte-order mark
        selects that encoding (documented repair).

    Examples
    --------
    >>> corpus = load_corpus("data")
    >>> corpus.documents.groupby("year").size().to_dict()
    {2012: 1, 2017: 3, 2023: 1}
    >>> corpus.removed.loc[0, ["doc_id", "text", "reason"]].tolist()
    ['ls2012', 'LSO-', 'dateline']
    """
    root = Path(root)
    manifest_path = root / manifest
    raw_path = root / raw_dir
    table = read_manifest(manifest_path, min_year=min_year, max_year=max_year)
    if not raw_path.is_dir():
        raise ManifestError(f"{raw_path}: folder of article files not found")

    listed = set()
    for index, row in table.iterrows():
        full = _resolve(raw_path, row["file"], _row_label(manifest_path, index))
        if not full.is_file():
            raise ManifestError(
                f"{_row_label(manifest_path, index)}: file {row['file']!r} (doc_id {row['doc_id']}) "
                f"not found in {raw_path}; add the file or delete the row"
            )
        listed.add(full.resolve())
    unlisted = sorted(
        str(p.relative_to(raw_path)) for p in raw_path.rglob("*")
        if p.is_file() and not p.name.startswith(".") and p.resolve() not in listed
    )
    if unlisted:
        raise ManifestError(
            f"{raw_path}: {len(unlisted)} file(s) have no row in {manifest_path}: {', '.join(unlisted[:5])}; "
            "add a row for each or move them out of the folder"
        )

    documents, removed = [], []
    for index, row in table.iterrows():
        path = raw_path / row["file"]
        data = path.read_bytes()
        decoded = _decode(data, row["encoding"], path)
        _check_text(decoded, path)
        # Normalise line by line so that every change is tied to its raw line number
        # (a <br> inside a line makes two lines that both keep that number).
        raw_lines = decoded.replace("\r\n", "\n").replace("\r", "\n").split("\n")
        lines, numbers = [], []
        for number, raw in enumerate(raw_lines, start=1):
            for fragment_reason, fragment in removed_fragments(raw):
                removed.append({"doc_id": row["doc_id"], "line": number, "text": fragment, "reason": fragment_reason})
            for piece in normalize_text(raw).split("\n"):
                lines.append(piece)
                numbers.append(number)
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
        extra = {k: v for k, v in row.items() if k not in ("doc_id", "year", "file")}
        documents.append({
            **extra,
            "doc_id": row["doc_id"],
            "year": row["year"],
            "file": row["file"],
            "text": body,
            "sha256": hashlib.sha256(data).hexdigest(),
            "n_lines": sum(1 for line in raw_lines if line.strip()),
            "n_removed": len(cleaned.removed),
            "n_chars": len(body),
            **{k: cleaned.metadata.get(k, "") for k in ("dateline", "byline", "source", "timestamp")},
            "line_numbers": tuple(number for number, _ in cleaned.lines),
        })

    docs = pd.DataFrame(documents)
    order = DOCUMENT_COLUMNS + [c for c in docs.columns if c not in DOCUMENT_COLUMNS]
    docs = docs[order].sort_values(["year", "doc_id"], kind="stable").reset_index(drop=True)
    docs["year"] = docs["year"].astype("int64")
    removed_frame = pd.DataFrame(removed, columns=REMOVED_COLUMNS)
    rank = {d: i for i, d in enumerate(docs["doc_id"])}
    removed_frame = removed_frame.sort_values(
        ["doc_id", "line"], key=lambda s: s.map(rank) if s.name == "doc_id" else s, kind="stable"
    ).reset_index(drop=True)
    removed_frame["line"] = removed_frame["line"].astype("int64")
    return Corpus(documents=docs, removed=removed_frame, root=str(root))
