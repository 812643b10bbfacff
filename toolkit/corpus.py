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

import hashlib
import os
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from .clean import clean_lines, drop_hidden_blocks
from .errors import CorpusError, ManifestError, ToolkitError
from .manifest import MIN_YEAR, _as_path, _read_manifest
from .normalize import normalize_audited
from .rawfiles import _check_legacy, _check_page, _decode, _is_legacy_line, _match_files

__all__ = ['Corpus', 'load_corpus', 'load_rows', 'manifest_rows']  # read_manifest: toolkit.manifest

# Optional columns that Corpus.documents always has, empty when the manifest lacks them.
_FILLED_COLUMNS = ("province", "outlet", "title")


DOCUMENT_COLUMNS = [
    "doc_id", "year", "province", "outlet", "title", "text", "file", "sha256",
    "n_lines", "n_removed", "n_chars", "dateline", "byline", "source", "timestamp", "line_numbers",
]


REMOVED_COLUMNS = ["doc_id", "line", "text", "reason"]


REPAIR_COLUMNS = ["doc_id", "line", "kind", "before", "after"]


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
        (:func:`toolkit.groups.add_periods`); never ``doc_id``, ``file`` or
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


def manifest_rows(root: str | os.PathLike = "data", manifest: str = "corpus.csv", raw_dir: str = "raw",
                  min_year: int = MIN_YEAR, max_year: int | None = None) -> pd.DataFrame:
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

    rels = _match_files(raw_path, manifest_path, table, row_lines)
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

