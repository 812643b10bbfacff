"""Corpus summary tables and prose computed from a corpus: caveats, findings, shares in words.

The report templates (``toolkit/templates/``) print these sentences instead of
prose written for one corpus, so a report says what holds for the corpus it
ran on: how many documents each group has, which groups rest on one document,
which manifest columns are confounded with the grouping. The groups
themselves (periods, group columns joined to units, what each group holds,
confounds) are :mod:`toolkit.groups`.

Example
-------
>>> sentence_list(["Hà Giang", "Lào Cai", "Điện Biên"])
'Hà Giang, Lào Cai and Điện Biên'
>>> share_span(0.034, 0.021, 0.052)
'3.4% [2.1%, 5.2%]'
"""

from __future__ import annotations

import pandas as pd

from .corpus import Corpus
from .errors import ToolkitError
from .groups import confounds, with_groups

__all__ = ["summarize", "caveats", "removed_summary", "without_body", "share_findings", "sentence_list", "percent",
           "share_span", "MIN_ARTICLES"]

MIN_ARTICLES = 5   # groups with fewer articles are left out of comparisons (as figures leave them out of scales)


def sentence_list(items: list[str]) -> str:
    """``["a", "b", "c"]`` -> ``"a, b and c"``."""
    items = [str(i) for i in items]
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1] if items else ""


def caveats(documents: pd.DataFrame, by: str, units: pd.DataFrame | None = None) -> list[str]:
    """Caveats of the design, as sentences computed from the corpus.

    Covers: one group (no comparison possible), groups resting on a single
    document (intervals then describe one article's units), unequal group
    sizes, confounded metadata columns, and units without analysis tokens.
    """
    out = []
    n_docs = len(documents)
    sizes = documents.groupby(by).size()
    out.append(f"The corpus has {n_docs} document{'s' if n_docs != 1 else ''} in {len(sizes)} group"
               f"{'s' if len(sizes) != 1 else ''} of {by} "
               f"({', '.join(f'{g}: {n}' for g, n in sizes.items())}).")
    if len(sizes) == 1:
        out.append(f"With a single {by} there is nothing to compare: comparisons between groups are skipped "
                   f"and every share describes this one group.")
    single = [str(g) for g, n in sizes.items() if n == 1]
    if single and n_docs > 1:
        out.append(f"{sentence_list(single)} rest{'s' if len(single) == 1 else ''} on one document: an interval for "
                   f"{'it' if len(single) == 1 else 'them'} describes variation among the units of a single document, "
                   f"not among documents of the group.")
    if n_docs == 1:
        out.append("With one document, every interval describes variation among its units only.")
    if len(sizes) > 1 and sizes.max() >= 2 * sizes.min():
        out.append(f"Groups are of unequal size ({sizes.min()} to {sizes.max()} documents): "
                   f"figures show shares per unit, not counts.")
    for row in confounds(documents, by).itertuples():
        if row.kind == "one value per group":
            out.append(f"Each {by} comes from a single {row.column} ({row.values}): a difference between groups "
                       f"cannot be told apart from a difference of {row.column}.")
        else:
            out.append(f"Every document has the same {row.column} ({row.values}): results say nothing about other "
                       f"values of {row.column}.")
    if units is not None and "n_tokens" in units.columns and len(units):
        empty = int((units["n_tokens"] == 0).sum())
        if empty:
            out.append(f"{empty} of {len(units)} units ({empty / len(units):.0%}) have no analysis token "
                       f"(only stopwords, numbers or punctuation); topic shares count them as 'no tokens'.")
    return out


def removed_summary(removed: pd.DataFrame) -> pd.DataFrame | str:
    """Removed lines by reason, or the sentence ``"nothing removed"`` when cleaning removed nothing."""
    if removed.empty:
        return "nothing removed"
    return (removed.groupby("reason").agg(lines=("line", "size"), documents=("doc_id", "nunique"))
            .reset_index().sort_values(["lines", "reason"], ascending=[False, True]).reset_index(drop=True))


def without_body(documents: pd.DataFrame, units: pd.DataFrame) -> pd.DataFrame:
    """Documents that have no body unit to measure, each with the reason, so none drops out unseen.

    Every measurement of the toolkit (theme shares, keyness, topics) reads body units without
    near-duplicates. A photo gallery whose paragraphs are all captions, an article of a title only,
    or one whose every body unit repeats another article's text has none and would vanish from the
    shares without a trace: this lists them.

    Parameters
    ----------
    documents : pandas.DataFrame
        ``corpus.documents``.
    units : pandas.DataFrame
        From :func:`toolkit.segment`.

    Returns
    -------
    pandas.DataFrame
        ``doc_id``, ``units`` (all kinds), ``title``, ``caption``, ``body`` (units of each kind),
        ``repeated`` (body units that are near-duplicates), ``reason``: ``only title and captions``,
        ``no units`` or ``every body unit repeats another unit``; in corpus order, empty when every
        document has a body unit to measure.

    Examples
    --------
    >>> docs = pd.DataFrame({"doc_id": ["a", "b"]})
    >>> units = pd.DataFrame({"doc_id": ["a", "a", "b"], "kind": ["title", "caption", "body"],
    ...                       "duplicate_of": [pd.NA, pd.NA, pd.NA]})
    >>> without_body(docs, units)[["doc_id", "caption", "reason"]].to_dict("records")
    [{'doc_id': 'a', 'caption': 1, 'reason': 'only title and captions'}]
    """
    columns = ["doc_id", "units", "title", "caption", "body", "repeated", "reason"]
    kinds = pd.crosstab(units["doc_id"], units["kind"]) if len(units) else pd.DataFrame()
    kinds = kinds.reindex(columns=["title", "caption", "body"], fill_value=0)
    repeated = (units[(units["kind"] == "body") & units["duplicate_of"].notna()].groupby("doc_id").size()
                if len(units) else pd.Series(dtype="int64"))
    rows = []
    for doc_id in documents["doc_id"]:
        counts = kinds.loc[doc_id] if doc_id in kinds.index else pd.Series(0, index=kinds.columns)
        n_body, n_repeated = int(counts["body"]), int(repeated.get(doc_id, 0))
        if n_body and n_repeated < n_body:
            continue
        total = int((units["doc_id"] == doc_id).sum()) if len(units) else 0
        reason = ("no units" if total == 0 else "every body unit repeats another unit" if n_body
                  else "only title and captions")
        rows.append({"doc_id": doc_id, "units": total, "title": int(counts["title"]), "caption": int(counts["caption"]),
                     "body": n_body, "repeated": n_repeated, "reason": reason})
    return pd.DataFrame(rows, columns=columns)


def percent(value) -> str:
    """A share as a percentage with the precision it needs: 34%, 5.2%, 0.3%, 0.04%; 0% only for zero.

    Shares near 100% get the same treatment from the other side (99.7%), so
    a rare share or a rare exception never prints as 0% or 100%.

    Examples
    --------
    >>> [percent(x) for x in (0.34, 0.052, 0.003, 0.0004, 0.0, 0.997, 1.0)]
    ['34%', '5.2%', '0.3%', '0.04%', '0%', '99.7%', '100%']
    """
    import math

    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "n/a"
    p = 100 * float(value)
    if p <= 0 or p >= 100:
        return f"{p:.0f}%"
    near = min(p, 100 - p)
    decimals = 0 if near >= 10 else 1 if near >= 1 else max(1, -math.floor(math.log10(near)))
    text = f"{p:.{decimals}f}"
    if float(text) in (0.0, 100.0):   # rounding must not make a share 0% or 100%
        text = f"{p:.{decimals + 1}f}"
    return text + "%"


def share_span(share, low, high) -> str:
    """``"0.3% [0.1%, 0.6%]"``: a share and its interval, each with the precision it needs (:func:`percent`)."""
    return f"{percent(share)} [{percent(low)}, {percent(high)}]"


def _span(row) -> str:
    return share_span(row.share, row.ci_low, row.ci_high)


def _apart(a, b) -> bool:
    return bool(a.ci_high < b.ci_low or b.ci_high < a.ci_low)


def share_findings(shares: pd.DataFrame, by: str, measure: str = "theme", what: str = "units",
                   labelled: pd.DataFrame | None = None, ordered: bool | None = None,
                   min_articles: int = MIN_ARTICLES, cluster: str = "doc_id", top: int = 3) -> list[str]:
    """Findings written from the shares, fit to the grouping: ranks for nominal groups, trends for ordered ones.

    Parameters
    ----------
    shares : pandas.DataFrame
        ``by``, ``measure``, ``share``, ``ci_low``, ``ci_high`` and, when
        known, ``articles`` (e.g. from :func:`toolkit.theme_shares`).
    by : str
        The grouping column.
    what : str
        What the share is of ("body sentences").
    labelled : pandas.DataFrame, optional
        The units the shares were measured on, one 0/1 column per measure,
        ``by`` and ``cluster`` (articles). With it, each group is compared
        with the rest of the corpus (nominal groups) and the trend is tested
        (ordered groups) with the article as the unit
        (:func:`toolkit.intervals.cluster_shares`, Spearman's rho over articles).
    ordered : bool, optional
        Whether the groups have an order; None decides from ``by`` and its
        values (:func:`toolkit.figures.is_ordered`: years, periods, months).
    min_articles : int, default 5
        Groups with fewer articles are named and left out of comparisons.
    top : int, default 3
        Largest differences named per measure (nominal groups).

    Returns
    -------
    list of str
        Nominal groups: per measure the ranking of the groups (highest three
        and the lowest) and the groups whose interval lies apart from the
        rest's, largest differences first; then the largest differences
        across measures. Ordered groups: per measure the first against the
        last group (intervals apart or overlapping) and the trend (steps up
        and down, and with ``labelled`` Spearman's rho between the group's
        rank and each article's share, Holm-adjusted across measures).
        With one group: the share of that group only. Shares print with
        the precision they need (:func:`percent`).
    """
    from .figure_style import is_ordered, label

    groups = list(dict.fromkeys(shares[by].tolist()))
    if "articles" in shares.columns:
        articles = shares.groupby(by, sort=False)["articles"].max().to_dict()
        tiny = [g for g in groups if articles.get(g, min_articles) < min_articles]
    else:
        articles, tiny = {}, []
    kept = [g for g in groups if g not in tiny] if len(tiny) < len(groups) else groups
    if ordered is None:
        ordered = is_ordered(by, groups)
    table = shares.set_index([measure, by])
    names = list(dict.fromkeys(shares[measure].tolist()))
    out = []
    if tiny and kept is not groups:
        out.append(f"{sentence_list([f'{g} ({articles[g]} article' + ('s' if articles[g] != 1 else '') + ')' for g in tiny])} "
                   f"{'has' if len(tiny) == 1 else 'have'} fewer than {min_articles} articles and "
                   f"{'is' if len(tiny) == 1 else 'are'} left out of the comparisons below.")
    if len(groups) == 1:
        return out + [f"{label(n)}: {_span(table.loc[(n, groups[0])])} of {what} in {groups[0]}." for n in names]
    if len(kept) == 1:
        return out + [f"{label(n)}: {_span(table.loc[(n, kept[0])])} of {what} in {kept[0]}, the only group with "
                      f"{min_articles} articles or more: nothing to compare." for n in names]
    if ordered:
        return out + _trend_findings(table, names, kept, by, what, labelled, cluster)
    return out + _rank_findings(table, names, kept, by, what, labelled, cluster, top)


def _trend_findings(table, names, groups, by, what, labelled, cluster) -> list[str]:
    from .figure_style import label
    from .stats import adjust_p

    out, tests = [], {}
    if labelled is not None and len(groups) >= 3:
        from scipy.stats import spearmanr

        rank = {g: k for k, g in enumerate(groups)}
        part = labelled[labelled[by].isin(groups)]
        per_article = part.groupby(cluster).agg(**{"_rank": (by, lambda s: rank[s.iloc[0]])},
                                                **{n: (n, "mean") for n in names if n in part.columns})
        for n in names:
            if n in per_article.columns and per_article[n].nunique() > 1:
                rho, p = spearmanr(per_article["_rank"], per_article[n])
                tests[n] = (float(rho), float(p))
        if tests:
            adjusted = adjust_p([p for _, p in tests.values()], "holm")
            tests = {n: (rho, p, q) for (n, (rho, p)), q in zip(tests.items(), adjusted)}
        n_articles = len(per_article)
    for n in names:
        first, last = table.loc[(n, groups[0])], table.loc[(n, groups[-1])]
        if first.share == last.share == 0 and first.ci_high == last.ci_high == 0:
            out.append(f"{label(n)}: no unit carries it in {groups[0]} or in {groups[-1]}.")
            continue
        if first.ci_high < last.ci_low:
            verdict = "higher, and the intervals do not overlap"
        elif last.ci_high < first.ci_low:
            verdict = "lower, and the intervals do not overlap"
        else:
            verdict = "within the uncertainty (the intervals overlap)"
        line = (f"{label(n)}: {_span(first)} of {what} in {groups[0]}, {_span(last)} in {groups[-1]}: "
                f"the last group is {verdict}.")
        if len(groups) >= 3:
            values = [table.loc[(n, g)].share for g in groups]
            up = sum(b > a for a, b in zip(values, values[1:]))
            down = sum(b < a for a, b in zip(values, values[1:]))
            line += f" Across the {len(groups)} groups in order it rises in {up} and falls in {down} of {len(groups) - 1} steps"
            if n in tests:
                rho, p, q = tests[n]
                trend = ("a rising trend" if rho > 0 else "a falling trend") if q < 0.05 else "no trend beyond chance"
                line += (f"; with the article as the unit, Spearman's rho between the group's rank and each article's "
                         f"share is {rho:.2f} over {n_articles} articles (Holm-adjusted p = {q:.2g}): {trend}.")
            else:
                line += "."
        out.append(line)
    return out


def _rank_findings(table, names, groups, by, what, labelled, cluster, top) -> list[str]:
    from .figure_style import label
    from .intervals import cluster_shares

    out, largest = [], []
    for n in names:
        rows = [(g, table.loc[(n, g)]) for g in groups]
        ranked = sorted(rows, key=lambda r: (-r[1].share, str(r[0])))
        if all(r.share == 0 and r.ci_high == 0 for _, r in rows):
            out.append(f"{label(n)}: no unit carries it in any group.")
            continue
        head = "; ".join(f"{g} {_span(r)}" for g, r in ranked[:min(top, len(ranked) - 1)])
        line = (f"{label(n)}, groups ranked by their share of {what}: highest in {head}; lowest in "
                f"{ranked[-1][0]} {_span(ranked[-1][1])}.")
        if labelled is not None and n in labelled.columns:
            contrasts = []
            part = labelled[labelled[by].isin(groups)]
            for g, r in rows:
                rest = part.assign(_side=(part[by] == g).map({True: "group", False: "rest"}))
                other = cluster_shares(rest[rest._side == "rest"], [n], by="_side", cluster=cluster).iloc[0]
                if _apart(r, other):
                    contrasts.append((abs(r.share - other.share), g, r, other))
            contrasts.sort(key=lambda c: (-c[0], str(c[1])))
            if contrasts:
                named = "; ".join(f"{g} {_span(r)} against {_span(o)} in the other groups"
                                  for _, g, r, o in contrasts[:top])
                line += (f" Apart from the rest of the corpus (article-level intervals that do not overlap): "
                         f"{named}" + (f"; and {len(contrasts) - top} more" if len(contrasts) > top else "") + ".")
                largest += [(d, n, g, r, o) for d, g, r, o in contrasts[:1]]
            else:
                line += " No group's interval lies apart from the rest of the corpus."
        out.append(line)
    if largest:
        largest.sort(key=lambda c: (-c[0], str(c[2])))
        out.insert(0, "Largest differences from the rest of the corpus: " + "; ".join(
            f"{label(n)} in {g} ({percent(r.share)} against {percent(o.share)}, {100 * (r.share - o.share):+.1f} points)"
            for _, n, g, r, o in largest[:top]) + ".")
    return out


def summarize(corpus: Corpus, units: pd.DataFrame, by: str = "year") -> dict[str, pd.DataFrame]:
    """Summary tables of a corpus after segmentation and tokenisation.

    Parameters
    ----------
    corpus : Corpus
    units : pandas.DataFrame
        Sentence or paragraph units with a ``tokens`` column
        (:func:`toolkit.tokenize_units`).
    by : str, default "year"
        Manifest column to group by.

    Returns
    -------
    dict of str to pandas.DataFrame
        ``by_group`` (also under ``by_<by>``, e.g. ``by_year``): documents,
        provinces, units, duplicate units, words and tokens per group
        (duplicates excluded from words and tokens) and a final row ``all``;
        ``removed``: removed lines by reason (no rows when nothing was
        removed); ``duplicates``: one row per near-duplicate pair.
    """
    documents = corpus.documents
    if by not in units.columns and by not in corpus.manifest_columns:   # never a column the manifest lacks
        raise ToolkitError(f"by={by!r} is not a manifest column; choose among {', '.join(corpus.manifest_columns)}")
    units = with_groups(units, documents, by)
    agg = {"documents": ("doc_id", "size")}
    if "province" in corpus.manifest_columns:   # not for a manifest without provinces
        agg["provinces"] = ("province", lambda s: ", ".join(sorted(set(s))))
    docs = documents.groupby(by).agg(**agg)
    kept = units[units["duplicate_of"].isna()]
    by_group = docs.join(
        units.groupby(by).agg(units=("unit_id", "size"), duplicate_units=("duplicate_of", "count"))
    ).join(
        kept.groupby(by).agg(
            words=("words", lambda s: sum(len(w) for w in s)),
            tokens=("n_tokens", "sum"),
        )
    )
    by_group = by_group.reset_index()
    total = {by: "all", "documents": by_group["documents"].sum(), "units": by_group["units"].sum(),
             "duplicate_units": by_group["duplicate_units"].sum(), "words": by_group["words"].sum(),
             "tokens": by_group["tokens"].sum()}
    if "provinces" in agg:
        total["provinces"] = ", ".join(sorted(set(documents["province"])))
    by_group = pd.concat([by_group.astype({by: "object"}), pd.DataFrame([total])[by_group.columns]], ignore_index=True)
    removed = removed_summary(corpus.removed)
    if isinstance(removed, str):
        removed = pd.DataFrame(columns=["reason", "lines", "documents"])
    dup = units[units["duplicate_of"].notna()]
    duplicates = dup[["unit_id", "duplicate_of"]].reset_index(drop=True)
    return {"by_group": by_group, f"by_{by}": by_group, "removed": removed, "duplicates": duplicates}
