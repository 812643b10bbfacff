"""Sparse document-term matrices (quanteda's dfm) over pre-tokenised units.

:func:`dfm` counts the ``tokens`` column of a units frame (from
:func:`toolkit.tokenize_units`) with scikit-learn's ``CountVectorizer`` and
an identity analyzer, so the toolkit's tokenisation is used exactly once; rows
can be grouped by any unit column: year, doc_id or any other manifest column
(province, outlet, category...), which :func:`toolkit.segment` copies into every unit. The matrix stays
sparse throughout.

A DFM grouped by a column also keeps the counts of each article (``doc_id``)
within each group, ``docs`` and ``doc_rows``: words cluster in articles, and
the article-level tests of :func:`toolkit.keyness` and :func:`toolkit.log_odds`
need the per-article counts that the group sums hide.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

import numpy as np
import pandas as pd
import scipy.sparse as sp
from sklearn.feature_extraction.text import CountVectorizer

from .errors import ToolkitError
from .executor import Executor
from .store import file_group, write_files

__all__ = ["DFM", "dfm", "group_dfm"]


def _identity(tokens):
    # Tokens as a list, or as one string joined by spaces (tokenize_units(lists=False)); tokens hold no spaces.
    if isinstance(tokens, str):
        return tokens.split(" ") if tokens else []
    return tokens


# The files DFM.save writes beside each other: counts, terms, row labels; per-article counts and their labels.
_FILES = (".npz", ".terms.txt", ".rows.csv")
_DOC_FILES = (".docs.npz", ".docs.csv")


def _npz_bytes(matrix) -> bytes:
    """A sparse matrix as the bytes of a compressed ``.npz`` file (CSR)."""
    buffer = io.BytesIO()
    sp.save_npz(buffer, matrix.tocsr(), compressed=True)
    return buffer.getvalue()


@dataclass(frozen=True)
class DFM:
    """A document-feature matrix: ``matrix`` (CSR, rows x terms), ``terms``, ``rows`` (row labels).

    A grouped DFM (:func:`dfm` with ``by=``) also holds ``docs``, the counts
    of each article within each group (CSR, articles x terms, the same
    terms), and ``doc_rows``, their labels (``doc_id`` and the grouping
    columns, one row per article and group). Summing ``docs`` by group gives
    ``matrix``. Both are ``None`` when the units had no ``doc_id`` or the DFM
    was built by hand; tests that need articles then report effect sizes only.
    """

    matrix: sp.csr_matrix
    terms: np.ndarray
    rows: pd.DataFrame
    docs: sp.csr_matrix | None = None
    doc_rows: pd.DataFrame | None = None

    @property
    def shape(self) -> tuple[int, int]:
        return self.matrix.shape

    def totals(self) -> pd.Series:
        """Term frequencies over all rows, sorted descending then by term."""
        counts = np.asarray(self.matrix.sum(axis=0)).ravel()
        out = pd.Series(counts, index=self.terms, name="count")
        return out.iloc[np.lexsort((self.terms, -counts))]

    def save(self, path, safe: bool | None = None) -> list:
        """Write ``<path>.npz`` (the sparse counts), ``<path>.terms.txt`` and ``<path>.rows.csv``.

        ``rows.csv`` is spreadsheet-safe (:func:`toolkit.spreadsheet.spreadsheet_safe`): a text cell
        beginning with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return gets a leading ``'``,
        which :meth:`load` removes again, so the rows read back as they were. ``safe=False`` writes
        the cells as they are (None follows ``toolkit.spreadsheet.SAFE``).
        The per-article counts, when present, go to ``<path>.docs.npz`` and
        ``<path>.docs.csv`` (spreadsheet-safe in the same way).

        Examples
        --------
        >>> import tempfile, pathlib
        >>> counts = DFM(sp.csr_matrix(np.array([[1, 0], [2, 3]])), np.array(["a", "b"]), pd.DataFrame({"year": [2012, 2023]}))
        >>> folder = pathlib.Path(tempfile.mkdtemp())
        >>> _ = counts.save(folder / "by_year")
        >>> again = DFM.load(folder / "by_year")
        >>> (again.matrix != counts.matrix).nnz, list(again.terms), again.rows.year.tolist()
        (0, ['a', 'b'], [2012, 2023])
        """
        from .spreadsheet import write_csv

        npz, terms, rows = file_group(path, _FILES)
        contents = {npz: _npz_bytes(self.matrix), terms: ("\n".join(map(str, self.terms)) + "\n").encode("utf-8"),
                    rows: write_csv(self.rows, None, safe).encode("utf-8")}
        if self.docs is not None:
            docs, doc_rows = file_group(path, _DOC_FILES)
            contents[docs] = _npz_bytes(self.docs)
            contents[doc_rows] = write_csv(self.doc_rows, None, safe).encode("utf-8")
        return write_files(contents)

    @classmethod
    def load(cls, path) -> "DFM":
        """Read a matrix written by :meth:`save`; errors name the missing file."""
        from pathlib import Path

        from .spreadsheet import restore_frame

        base = Path(path)
        files = file_group(base, _FILES)
        missing = [str(f) for f in files if not f.is_file()]
        if missing:
            raise ToolkitError(f"cannot load a document-term matrix from {base}: missing {', '.join(missing)}")
        matrix = sp.load_npz(files[0]).tocsr()
        terms = np.array(files[1].read_text(encoding="utf-8").splitlines(), dtype=object)
        rows = restore_frame(pd.read_csv(files[2]))
        if matrix.shape != (len(rows), len(terms)):
            raise ToolkitError(f"{base}: the matrix is {matrix.shape} but there are {len(rows)} rows and {len(terms)} terms")
        docs = doc_rows = None
        doc_files = file_group(base, _DOC_FILES)
        if all(f.is_file() for f in doc_files):
            docs, doc_rows = sp.load_npz(doc_files[0]).tocsr(), restore_frame(pd.read_csv(doc_files[1]))
            if docs.shape != (len(doc_rows), len(terms)):
                raise ToolkitError(f"{base}: the per-article matrix is {docs.shape} but there are {len(doc_rows)} "
                                   f"articles and {len(terms)} terms")
        return cls(matrix, terms, rows, docs, doc_rows)

    @classmethod
    def from_counts(cls, counts: pd.DataFrame, articles: pd.DataFrame, by: str | list[str],
                    doc_id: str = "doc_id", term: str = "term", count: str = "count") -> "DFM":
        """A grouped DFM, per-article counts kept, from long per-article term counts and article metadata.

        The counts of each article come as one row per article and term
        (``doc_id``, ``term``, ``count``: e.g. the shipped
        ``data/real_counts/unc/counts.parquet``, or ``DFM.to_frame()`` of a
        DFM grouped by ``doc_id``); ``articles`` gives each article's
        grouping columns. The result is what ``toolkit.dfm(units, by=by)``
        gives for the same counts: group sums in ``matrix`` and each
        article's counts in ``docs``/``doc_rows``, so :func:`toolkit.keyness`
        and :func:`toolkit.log_odds` make their article-level test.

        Parameters
        ----------
        counts : pandas.DataFrame
            Columns ``doc_id``, ``term`` and ``count`` (positive integers);
            rows repeating an article and term are added up.
        articles : pandas.DataFrame
            One row per article: ``doc_id`` and the ``by`` columns. An
            article without counts is kept (it has no tokens, so the tests
            leave it out).
        by : str or list of str
            Grouping column(s) of ``articles``.
        doc_id, term, count : str
            Column names, if they differ.

        Returns
        -------
        DFM
            Terms sorted; groups and articles sorted as :func:`group_dfm` sorts them;
            ``doc_rows.doc_id`` as strings.

        Examples
        --------
        >>> counts = pd.DataFrame({"doc_id": ["a", "a", "b", "c"], "term": ["x", "y", "x", "y"], "count": [2, 1, 1, 3]})
        >>> articles = pd.DataFrame({"doc_id": ["a", "b", "c"], "year": [2012, 2012, 2023]})
        >>> grouped = DFM.from_counts(counts, articles, by="year")
        >>> grouped.rows.year.tolist(), grouped.matrix.toarray().tolist(), grouped.docs.shape
        ([2012, 2023], [[3, 1], [0, 3]], (3, 2))
        """
        by = [by] if isinstance(by, str) else list(by)
        for frame, name, needed in ((counts, "counts", [doc_id, term, count]), (articles, "articles", [doc_id, *by])):
            missing = [c for c in needed if c not in frame.columns]
            if missing:
                raise ToolkitError(f"DFM.from_counts: {name} has no column {', '.join(map(repr, missing))}; "
                                   f"its columns are {', '.join(map(str, frame.columns))}")
        if doc_id in by:
            raise ToolkitError(f"DFM.from_counts: by must not include {doc_id!r}: the groups hold articles")
        ids = articles[doc_id].astype(str)
        if ids.duplicated().any():
            raise ToolkitError(f"DFM.from_counts: articles repeat doc_id {ids[ids.duplicated()].iloc[0]!r}; "
                               "give one row per article")
        values = pd.to_numeric(counts[count], errors="coerce").to_numpy()
        with np.errstate(invalid="ignore"):
            bad = ~(np.isfinite(values) & (values == np.round(values)) & (values > 0))
        if bad.any():
            raise ToolkitError(f"DFM.from_counts: counts must be positive integers; column {count!r} has "
                               f"{counts[count].iloc[np.flatnonzero(bad)[0]]!s}")
        position = pd.Index(ids).get_indexer(counts[doc_id].astype(str))
        if (position < 0).any():
            unknown = counts[doc_id].astype(str)[position < 0].iloc[0]
            raise ToolkitError(f"DFM.from_counts: doc_id {unknown!r} of the counts is not in articles")
        codes, terms = pd.factorize(counts[term].astype(str), sort=True)
        docs = sp.csr_matrix((values.astype(np.int64), (position, codes)), shape=(len(ids), len(terms)))
        docs.sum_duplicates()
        rows = articles[[doc_id, *by]].reset_index(drop=True).rename(columns={doc_id: "doc_id"})
        rows["doc_id"] = ids.to_numpy()
        return group_dfm(cls(docs, np.asarray(terms, dtype=object), rows[["doc_id"]]), rows, by)

    def to_frame(self) -> pd.DataFrame:
        """Tidy long form: one row per non-zero cell, with the row labels."""
        coo = self.matrix.tocoo()
        out = self.rows.iloc[coo.row].reset_index(drop=True)
        out["term"] = self.terms[coo.col]
        out["count"] = coo.data
        return out.sort_values([*self.rows.columns, "term"]).reset_index(drop=True)


def _vocabulary(token_lists) -> list[str]:
    return sorted({t for tokens in token_lists for t in _identity(tokens)})


def _count(token_lists, vocabulary: list[str]) -> sp.csr_matrix:
    index = {t: j for j, t in enumerate(vocabulary)}
    rows, cols = [], []
    for i, tokens in enumerate(token_lists):
        for t in _identity(tokens):
            rows.append(i)
            cols.append(index[t])
    data = np.ones(len(rows), dtype=np.int64)
    return sp.csr_matrix((data, (rows, cols)), shape=(len(token_lists), len(vocabulary)))


def _dfm_distributed(token_lists: list, scheduler, chunk_size: int = 5000):
    """Counts computed on a Dask cluster: vocabularies per chunk, then counts per chunk with the union."""
    chunks = [token_lists[i:i + chunk_size] for i in range(0, len(token_lists), chunk_size)] or [[]]
    with Executor(scheduler=scheduler) as executor:
        parts = executor.scatter(chunks)
        vocabulary = sorted(set().union(*executor.map(_vocabulary, parts)))
        matrices = list(executor.map(_count, parts, kwargs={"vocabulary": vocabulary}))
    return sp.vstack(matrices).tocsr(), np.array(vocabulary, dtype=object)


def dfm(units: pd.DataFrame, by: str | list[str] | None = None, tokens: str = "tokens",
        min_count: int = 1, min_docs: int = 1, max_terms: int | None = None, scheduler=None) -> DFM:
    """Document-term matrix of units, optionally summed by group.

    Parameters
    ----------
    units : pandas.DataFrame
        With a ``tokens`` column of lists of str, or of strings with the
        tokens joined by spaces (:func:`toolkit.tokenize_units`, ``lists=False``).
    by : str or list of str, optional
        Group rows by these columns (e.g. ``"year"``); ``None`` keeps one
        row per unit, labelled by ``unit_id`` when present.
    min_count, min_docs : int
        Drop terms with fewer total occurrences or present in fewer units.
    max_terms : int, optional
        Keep at most this many terms: those present in the most units (ties
        broken by total count, then alphabetically), after ``min_count`` and
        ``min_docs``. Topic models need the vocabulary that recurs, and
        their cost grows with it (the topics template keeps
        ``toolkit.topics.MAX_TERMS``).
    scheduler : dask.distributed.Client or str, optional
        Count on a Dask cluster (``pip install -e .[dask]``); the matrix is
        identical to the local one.

    Returns
    -------
    DFM
    """
    if tokens not in units.columns:
        raise ToolkitError(f"units have no {tokens!r} column; run toolkit.tokenize_units first")
    if scheduler is not None:
        X, terms = _dfm_distributed(units[tokens].tolist(), scheduler)
        if not len(terms):
            raise ToolkitError("no terms to count (empty vocabulary)")
        if min_docs > 1:
            keep = np.flatnonzero(np.asarray((X > 0).sum(axis=0)).ravel() >= min_docs)
            X, terms = X[:, keep], terms[keep]
    else:
        vectorizer = CountVectorizer(analyzer=_identity, min_df=min_docs)
        try:
            X = vectorizer.fit_transform(units[tokens]).tocsr()
        except ValueError as err:  # empty vocabulary
            raise ToolkitError(f"no terms to count ({err})") from None
        terms = vectorizer.get_feature_names_out().astype(object)
    if min_count > 1:
        keep = np.flatnonzero(np.asarray(X.sum(axis=0)).ravel() >= min_count)
        X, terms = X[:, keep], terms[keep]
    if max_terms is not None:
        X, terms = _most_used(X, terms, max_terms)
    label_cols = [c for c in ("unit_id", "doc_id", "year") if c in units.columns]
    rows = units[label_cols].reset_index(drop=True)
    result = DFM(X.astype(np.int64), terms, rows)
    return group_dfm(result, units, by) if by is not None else result


def _most_used(X: sp.csr_matrix, terms: np.ndarray, max_terms: int) -> tuple[sp.csr_matrix, np.ndarray]:
    """The ``max_terms`` columns present in the most rows (then the most used, then alphabetical), in term order."""
    if isinstance(max_terms, bool) or not isinstance(max_terms, (int, np.integer)) or max_terms < 1:
        raise ToolkitError(f"max_terms must be a positive whole number, got {max_terms!r}")
    if X.shape[1] <= max_terms:
        return X, terms
    X = X.tocsc()
    in_rows = np.diff(X.indptr)
    total = np.asarray(X.sum(axis=0)).ravel()
    alphabetical = np.argsort(np.argsort(terms.astype(str), kind="stable"), kind="stable")
    keep = np.sort(np.lexsort((alphabetical, -total, -in_rows))[:max_terms])
    return X[:, keep].tocsr(), terms[keep]


# Unit columns that hold a unit's own content or position, not a grouping.
_NOT_GROUPS = {"unit_id", "text", "words", "tokens", "n_tokens", "duplicate_of", "paragraph", "sentence", "line"}


def _sum_rows(X: sp.csr_matrix, keys: pd.DataFrame) -> tuple[sp.csr_matrix, pd.DataFrame]:
    codes, uniques = pd.MultiIndex.from_frame(keys).factorize(sort=True)
    indicator = sp.csr_matrix((np.ones(len(codes)), (codes, np.arange(len(codes)))), shape=(len(uniques), len(codes)))
    return (indicator @ X).astype(np.int64).tocsr(), pd.DataFrame(list(uniques), columns=list(keys.columns))


def group_dfm(matrix: DFM, units: pd.DataFrame, by: str | list[str]) -> DFM:
    """Sum the rows of a unit-level DFM by the values of ``by`` in ``units`` (same row order).

    With a ``doc_id`` column in ``units`` the result also keeps the counts of
    each article within each group (``docs``, ``doc_rows``: one row per
    ``doc_id`` and group, sorted), which the article-level tests use.
    """
    by = [by] if isinstance(by, str) else list(by)
    missing = [c for c in by if c not in units.columns]
    if missing:
        import difflib

        groupable = [c for c in units.columns if c not in _NOT_GROUPS]
        near = [m for c in missing for m in difflib.get_close_matches(c, groupable, n=1)]
        raise ToolkitError(
            f"cannot group by {', '.join(missing)}: not a unit column; the units have "
            f"{', '.join(groupable)}" + (f" (did you mean {' or '.join(map(repr, near))}?)" if near else "")
            + ". toolkit.segment copies every manifest column into the units"
        )
    grouped, rows = _sum_rows(matrix.matrix, units[by].reset_index(drop=True))
    docs = doc_rows = None
    if "doc_id" in units.columns and "doc_id" not in by:
        docs, doc_rows = _sum_rows(matrix.matrix, units[["doc_id", *by]].reset_index(drop=True))
    return DFM(grouped, matrix.terms, rows, docs, doc_rows)
