"""Groups of documents: the manifest columns to group by, periods of years, and what each group holds.

A grouping is a manifest column (``year``, ``province``, ``outlet``, ...) or
``period``, derived from ``year`` by :func:`add_periods`. Units take their
document's group with :func:`with_groups`; :func:`describe_groups` and
:func:`confounds` say what each group holds and which other columns cannot be
told apart from the grouping. Everything here is tables; the prose that
reports write from them is in :mod:`toolkit.summary`.

Example
-------
>>> import pandas as pd
>>> docs = pd.DataFrame({"doc_id": ["a", "b", "c"], "year": [2005, 2015, 2015],
...                      "province": ["Quảng Ninh", "Điện Biên", "Điện Biên"], "outlet": ["X", "Y", "Z"]})
>>> confounds(docs, "year")[["column", "kind"]].to_dict("records")
[{'column': 'province', 'kind': 'one value per group'}]
"""

from __future__ import annotations

import pandas as pd

from .corpus import Corpus
from .errors import ToolkitError

__all__ = ["metadata_columns", "parse_periods", "period_labels", "add_periods", "with_groups", "describe_groups",
           "confounds"]

# Columns of corpus.documents that the toolkit derives (not manifest metadata to group or confound by).
_DERIVED = {"doc_id", "title", "text", "file", "sha256", "n_lines", "n_removed", "n_chars", "dateline", "byline",
            "source", "timestamp", "line_numbers", "period_evidence", "encoding"}


def metadata_columns(documents: pd.DataFrame) -> list[str]:
    """Manifest columns that describe documents (year, province, outlet, ...), non-empty ones only."""
    out = []
    for column in documents.columns:
        if column in _DERIVED:
            continue
        values = documents[column].astype("string").fillna("").str.strip()
        if (values != "").any():
            out.append(column)
    return out


def parse_periods(spec: str) -> list[tuple[str, int, int]]:
    """Read a period specification such as ``"2005-2012,2013-2020,2021-2024"``.

    Returns ``(label, first, last)`` per period, in the order given; a single
    year ``"2023"`` is a period of one year.

    Examples
    --------
    >>> parse_periods("2005-2012, 2013-2020")
    [('2005-2012', 2005, 2012), ('2013-2020', 2013, 2020)]
    """
    import re

    periods = []
    for part in str(spec).split(","):
        part = part.strip()
        match = re.fullmatch(r"(\d{4})(?:\s*[-–]\s*(\d{4}))?", part)
        if not match:
            raise ToolkitError(f"period {part!r} is not a year or a range of years such as 2005-2012; "
                               "write periods as 2005-2012,2013-2020")
        first, last = int(match.group(1)), int(match.group(2) or match.group(1))
        if last < first:
            raise ToolkitError(f"period {part!r} ends before it starts")
        periods.append((part.replace(" ", ""), first, last))
    ordered = sorted(periods, key=lambda p: p[1])
    for (a, _, a_last), (b, b_first, _) in zip(ordered, ordered[1:]):
        if b_first <= a_last:
            raise ToolkitError(f"periods {a} and {b} overlap")
    return periods


def period_labels(documents: pd.DataFrame, periods: str, column: str = "year") -> pd.Series:
    """The period label of each document (index of ``documents``); every document must fall in a period.

    Raises
    ------
    ToolkitError
        A malformed specification, or documents outside every period (named).
    """
    spans = parse_periods(periods)
    years = pd.to_numeric(documents[column], errors="coerce")
    labels = pd.Series(pd.NA, index=documents.index, dtype="object")
    for label, first, last in spans:
        labels[(years >= first) & (years <= last)] = label
    outside = documents.loc[labels.isna(), "doc_id"].tolist()
    if outside:
        raise ToolkitError(f"{len(outside)} document(s) fall in no period ({', '.join(map(str, outside[:5]))}"
                           f"{' ...' if len(outside) > 5 else ''}): extend the periods {periods!r}")
    return labels.astype(str)


def add_periods(corpus: Corpus, periods: str | None, column: str = "year", name: str = "period") -> Corpus:
    """The corpus with a derived ``period`` column grouping ``year`` into ``periods`` (None: unchanged).

    Every document must fall in a period; the error names the documents that
    do not. Group by it as by any manifest column (``by="period"``).
    """
    if periods is None:
        return corpus
    import dataclasses

    docs = corpus.documents
    if name in docs.columns:
        raise ToolkitError(f"the manifest already has a {name!r} column; drop it or do not pass periods")
    columns = corpus.columns or tuple(corpus.manifest_columns)
    return dataclasses.replace(corpus, documents=docs.assign(**{name: period_labels(docs, periods, column)}),
                               columns=(*columns, name))


def with_groups(units: pd.DataFrame, documents: pd.DataFrame, by: str) -> pd.DataFrame:
    """``units`` with the document column ``by`` joined on ``doc_id`` when units lack it.

    Raises
    ------
    ToolkitError
        ``by`` is not a column of the documents.
    """
    if by in units.columns:
        return units
    if by not in documents.columns:
        raise ToolkitError(f"by={by!r} is not a manifest column; choose among {', '.join(metadata_columns(documents))}")
    groups = documents.set_index("doc_id")[by]
    return units.assign(**{by: units["doc_id"].map(groups).to_numpy()})


def _label(value) -> str:
    text = str(value).strip()
    return text if text else "(empty)"


#: A group's values of a metadata column are listed up to this many; beyond, their number (and range when
#: numeric) is shown: a url or title column would otherwise put every article's value in one cell.
MAX_LISTED_VALUES = 6


def _values(series: pd.Series) -> str:
    values = sorted({_label(v) for v in series})
    if len(values) <= MAX_LISTED_VALUES:
        return ", ".join(values)
    numbers = pd.to_numeric(pd.Series(values), errors="coerce")
    if numbers.notna().all():
        return f"{numbers.min():g}-{numbers.max():g} ({len(values)} values)"
    return f"{len(values)} values"


def describe_groups(documents: pd.DataFrame, by: str, units: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per group: documents, the values of the other metadata columns, units and tokens.

    Returns
    -------
    pandas.DataFrame
        ``by``, ``documents``, one column per other metadata column (its
        distinct values, joined; beyond :data:`MAX_LISTED_VALUES` of them, their
        number and, when numeric, their range), and with ``units`` given:
        ``units`` and ``tokens`` (near-duplicates excluded from tokens when marked).
    """
    if by not in documents.columns:
        raise ToolkitError(f"by={by!r} is not a manifest column; choose among {', '.join(metadata_columns(documents))}")
    others = [c for c in metadata_columns(documents) if c != by]
    grouped = documents.groupby(by, sort=True)
    table = grouped.agg(documents=("doc_id", "size"))
    for column in others:
        table[column] = grouped[column].agg(_values)
    if units is not None:
        units = with_groups(units, documents, by)
        table["units"] = units.groupby(by).size().reindex(table.index).fillna(0).astype(int)
        if "n_tokens" in units.columns:
            kept = units[units["duplicate_of"].isna()] if "duplicate_of" in units.columns else units
            table["tokens"] = kept.groupby(by)["n_tokens"].sum().reindex(table.index).fillna(0).astype(int)
    return table.reset_index()


def confounds(documents: pd.DataFrame, by: str) -> pd.DataFrame:
    """Metadata columns that cannot be told apart from the grouping.

    A column is listed when every group holds a single value of it and the
    value differs between groups (``one value per group``: a difference
    between groups may be a difference of that column), or when it holds one
    value in the whole corpus (``constant``: results say nothing beyond it).

    Returns
    -------
    pandas.DataFrame
        ``column``, ``kind``, ``values`` (group: value, joined).
    """
    rows = []
    groups = documents.groupby(by, sort=True)
    for column in metadata_columns(documents):
        if column == by:
            continue
        values = documents[column].map(_label)
        if values.nunique() == 1:
            rows.append({"column": column, "kind": "constant", "values": values.iloc[0]})
            continue
        per_group = values.groupby(documents[by]).agg(lambda s: sorted(set(s)))
        if groups.ngroups > 1 and all(len(v) == 1 for v in per_group):
            rows.append({"column": column, "kind": "one value per group",
                         "values": "; ".join(f"{g}: {v[0]}" for g, v in per_group.items())})
    return pd.DataFrame(rows, columns=["column", "kind", "values"])
