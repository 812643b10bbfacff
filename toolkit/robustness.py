"""The main comparison re-run under alternative analysis choices, side by side.

:func:`theme_robustness` measures theme shares per group under each variant
of unit, duplicates, kinds, word boundaries (pyvi, underthesea), lexicon
version, formulas, coder (shares from hand coding instead of the lexicon),
misclassification correction and leave-one-article-out; :func:`conclusions`
states, per variant and theme, the ordering of the groups and, for ordered
groups (years, periods), the direction of change from the first to the last
group and whether their intervals are apart, for nominal groups (categories,
provinces) the highest group and whether it stands apart, so a reader sees which conclusions survive every variant and which
only hold for point estimates.

Stopwords do not enter the theme measure (terms match on syllables of the
full text), so a stopword variant would reproduce the baseline exactly; their
effect on keywords is shown in the robustness notebook instead.
"""

from __future__ import annotations

import importlib.util

import numpy as np
import pandas as pd

from .corpus import Corpus
from .errors import ToolkitError
from .lexicon import Lexicon
from .pipeline import select_units
from .segment import segment
from .intervals import cluster_shares
from .groups import with_groups
from .measure import _lexicon
from .themes import _labelled, corrected_theme_shares, theme_shares
from .wordseg import word_segment

__all__ = ["theme_robustness", "conclusions", "underthesea_segmenter", "coded_shares"]

COLUMNS = ["variant", "family", "theme", "share", "ci_low", "ci_high", "units", "articles"]


def underthesea_segmenter(text: str) -> list[str]:
    """underthesea's word segmentation, words as lists of syllables joined by spaces."""
    try:
        from underthesea import word_tokenize
    except ImportError as err:  # optional dependency
        raise ToolkitError("underthesea is not installed: pip install -e .[underthesea]") from err
    return word_tokenize(text)


def coded_shares(units: pd.DataFrame, coding: pd.DataFrame, themes, by: str = "year", kinds=("body",),
                 drop_duplicates: bool = True, ci: float = 0.95) -> pd.DataFrame:
    """Theme shares from a hand coding (``unit_id`` + one 0/1 column per theme) instead of the lexicon.

    Only units present in the coding count; the intervals are those of
    :func:`toolkit.intervals.cluster_shares`.
    """
    chosen = select_units(units, kinds, drop_duplicates)
    coded = chosen.drop(columns=[t for t in themes if t in chosen.columns]).merge(
        coding[["unit_id", *themes]], on="unit_id", how="inner")
    if coded.empty:
        raise ToolkitError("the hand coding shares no unit_id with the units")
    return cluster_shares(coded, list(themes), by=by, ci=ci).rename(columns={"measure": "theme"})


def _variants(corpus, sentences: pd.DataFrame, lex, by: str, tokenisers: bool, lexicons) -> list[tuple]:
    """The measurement variants of :func:`theme_robustness`: ``(name, family, units, theme_shares options)``."""
    docs = corpus.documents
    variants = [
        ("paragraph units", "unit", with_groups(segment(corpus, unit="paragraph"), docs, by), {}),
        ("near-duplicates kept", "selection", sentences, {"drop_duplicates": False}),
        ("titles and captions included", "selection", sentences, {"kinds": None}),
    ]
    # Word boundaries and edited lexicons exist only for the dictionary rule: when the baseline is the
    # shipped classifier, these variants change the method too, so the dictionary rule itself is a variant
    # and they are named for it (compare them with it, not only with the baseline).
    from .labels import _is_default_lexicon, _shipped_model

    rule = ""
    if _is_default_lexicon(lex) and _shipped_model():
        variants.append(("dictionary rule", "method", sentences, {"method": "lexicon"}))
        rule = "dictionary rule, "
    if tokenisers:
        variants.append((f"{rule}words: pyvi boundaries", "tokeniser", sentences, {"segmenter": word_segment}))
        if importlib.util.find_spec("underthesea") is not None:
            variants.append((f"{rule}words: underthesea boundaries", "tokeniser", sentences,
                             {"segmenter": underthesea_segmenter}))
    if (lex.entries.kind == "formula").any():
        variants.append((f"{rule}{lex.name}, formulas excluded", "lexicon", sentences,
                         {"lexicon": lex.excluding_formulas()}))
    for name, other in (lexicons or {}).items():
        variants.append((name, "lexicon", sentences, {"lexicon": _lexicon(other)}))
    return variants


def theme_robustness(corpus: Corpus, by: str = "year", lexicon: Lexicon | str | None = None, seed: int = 0,
                     tokenisers: bool = True, lexicons: dict | None = None, codings: dict | None = None,
                     validation: pd.DataFrame | None = None, max_leave_out: int = 30) -> pd.DataFrame:
    """Theme shares per group under each analysis variant.

    Variants, each in a ``family``: the baseline (body sentences,
    near-duplicates dropped, the default measurement of the given lexicon); *method*: the dictionary
    rule, when the baseline is the shipped classifier (word boundaries and edited lexicons exist only
    for the dictionary rule, so those variants are named for it); *unit*:
    paragraph units; *selection*: near-duplicates kept, titles and captions
    included; *tokeniser*: terms required to align with pyvi's or
    underthesea's word boundaries (underthesea's only when it is installed,
    the optional extra ``vn-discourse-toolkit[underthesea]``); *lexicon*: each entry of ``lexicons``
    (name -> Lexicon or path), and the lexicon with its formula hits
    excluded; *coder*: shares from each hand coding of ``codings`` (name ->
    frame of unit_id and themes); *correction*: shares corrected for
    misclassification measured on ``validation`` (text and themes);
    *articles*: the corpus without each article whose group keeps at least
    one other, for at most ``max_leave_out`` articles (a seeded sample when
    there are more, so the cost stays linear in corpus size).

    Returns
    -------
    pandas.DataFrame
        ``variant``, ``family``, ``by``, ``theme``, ``share``, ``ci_low``,
        ``ci_high``, ``units``, ``articles``, ``can_differ`` (False for a variant that cannot change a
        conclusion by construction: shares identical to the baseline's, or the pooled correction) and
        ``why_not``.
    """
    lex = _lexicon(lexicon)
    docs = corpus.documents
    if by not in docs.columns:
        raise ToolkitError(f"cannot group by {by!r}: the manifest has no such column; available: {', '.join(docs.columns)}")

    # Units carry every manifest column; a column derived later (a period) is joined from the documents.
    sentences = with_groups(segment(corpus, unit="sentence"), docs, by)
    variants = _variants(corpus, sentences, lex, by, tokenisers, lexicons)
    eligible = [d for d, g in zip(docs.doc_id, docs[by]) if (docs[by] == g).sum() > 1]
    if len(eligible) > max_leave_out:
        rng = np.random.default_rng(seed)
        eligible = sorted(rng.choice(eligible, max_leave_out, replace=False).tolist())
    # The baseline's units are labelled once (what theme_shares(sentences) measures). A unit's label depends
    # on its own article only (its text and context), so the same labels serve every leave-one-article-out
    # variant: the shares of relabelling, without relabelling the corpus once per article left out.
    labelled = _labelled(sentences, lex, ("body",), True)

    def baseline_shares(frame: pd.DataFrame) -> pd.DataFrame:
        return cluster_shares(frame, list(lex.themes), by=by).rename(columns={"measure": "theme"})

    rows = [baseline_shares(labelled).assign(variant="baseline (sentences)", family="baseline")]
    for name, family, units, options in variants:
        options = {"lexicon": lex, **options}
        rows.append(theme_shares(units, by=by, **options).assign(variant=name, family=family))
    for doc_id in eligible:
        rows.append(baseline_shares(labelled[labelled.doc_id != doc_id]).assign(variant=f"without {doc_id}",
                                                                                family="articles"))
    for name, coding in (codings or {}).items():
        rows.append(coded_shares(sentences, coding, lex.themes, by=by).assign(variant=name, family="coder"))
    if validation is not None:
        corrected = corrected_theme_shares(sentences, validation, by=by, lexicon=lex, seed=seed)
        corrected = corrected.assign(share=corrected.corrected, units=np.nan)
        rows.append(corrected.assign(variant="corrected for misclassification", family="correction"))
    out = pd.concat(rows, ignore_index=True)
    out["can_differ"], out["why_not"] = _can_differ(out, by, pooled_correction=validation is not None)
    columns = ["variant", "family", by, "theme", "share", "ci_low", "ci_high", "units", "articles", "can_differ",
               "why_not"]
    return out[columns]


def _can_differ(out: pd.DataFrame, by: str, pooled_correction: bool) -> tuple[pd.Series, pd.Series]:
    """Whether each row's variant could have changed a conclusion, and why not.

    A variant cannot when (a) every one of its shares equals the baseline's (a tokeniser whose word
    boundaries fall where the syllable matches already did: identical numbers by construction), or
    (b) it is the pooled misclassification correction: one sensitivity and specificity for every group
    make the corrected share a monotone function of the uncorrected one, so orderings and directions
    are the baseline's by construction. Such variants are kept in the table, marked, and left out of
    the counts of variants a conclusion survives.
    """
    references = {"the baseline": out[out.family == "baseline"].set_index([by, "theme"]).share}
    if (out.family == "method").any():      # the dictionary rule: the reference of tokeniser variants
        references["the dictionary rule"] = out[out.family == "method"].set_index([by, "theme"]).share
    why = pd.Series("", index=out.index)
    for variant, part in out.groupby("variant", sort=False):
        if part.family.isin(["baseline", "method"]).all():
            continue
        shares = part.set_index([by, "theme"]).share
        for name, base in references.items():
            if set(shares.index) == set(base.index) and np.allclose(
                    shares.reindex(base.index).to_numpy(float), base.to_numpy(float), atol=1e-12, equal_nan=True):
                why[part.index] = f"identical to {name}"
                break
        else:
            if pooled_correction and (part.family == "correction").all():
                why[part.index] = "pooled correction: monotone in the baseline share"
    return why.eq(""), why


def conclusions(table: pd.DataFrame, by: str = "year", tolerance: float = 0.0, ordered: bool | None = None,
                min_articles: int = 5) -> pd.DataFrame:
    """Per variant and theme: what the comparison concludes, and whether the baseline's conclusion holds.

    Ordered groups (years, periods, months; :func:`toolkit.figures.is_ordered`)
    are judged by their trend: the change from the first to the last group
    and whether their intervals are apart. Nominal groups (categories,
    provinces ...) have no first and last: they are judged by the group with
    the highest share and whether its interval lies apart from the
    runner-up's.

    Returns
    -------
    pandas.DataFrame
        ``variant``, ``theme``, ``ordering`` (e.g. "2012 < 2017 < 2023"),
        ``highest`` (nominal groups only: the group with the highest share), then for ordered
        groups ``change`` (last minus first group), ``direction`` (up, down
        or flat within ``tolerance``) and ``intervals_apart`` (the first and
        last groups' intervals do not overlap); for nominal groups ``change``
        (highest minus runner-up), ``direction`` ("highest: <group>") and
        ``intervals_apart`` (the highest group's interval is apart from the
        runner-up's); and ``same_as_baseline`` (ordered: ordering and
        direction both equal the first variant's; nominal: the same highest
        group, since a full ranking of many groups is rarely stable even
        without any change of method); with a ``can_differ`` column in ``table``, the same column
        (count only variants that can differ). Groups with fewer than
        ``min_articles`` articles under the first variant are left out
        (unless every group has fewer).
    """
    from .figure_style import is_ordered

    if ordered is None:
        ordered = is_ordered(by, table[by].unique())
    if "articles" in table.columns:
        # Groups with fewer than min_articles articles in the first variant (the baseline) are left out, as the
        # findings leave them out, unless every group is that small.
        base_articles = table[table.variant == table.variant.iloc[0]].groupby(by)["articles"].max()
        tiny = set(base_articles[base_articles < min_articles].index)
        if tiny and len(tiny) < len(base_articles):
            table = table[~table[by].isin(tiny)]
    rows = []
    for (variant, theme), part in table.groupby(["variant", "theme"], sort=False):
        part = part.sort_values(by)
        if part.share.isna().any():
            rows.append({"variant": variant, "theme": theme, "ordering": "not estimable", "highest": "",
                         "change": np.nan, "direction": "not estimable", "intervals_apart": False})
            continue
        ranked = part.sort_values(["share", by], kind="stable")
        ordering = " < ".join(str(g) for g in ranked[by])
        best = ranked.iloc[-1]
        if ordered:
            change = part.share.iloc[-1] - part.share.iloc[0]
            direction = "flat" if abs(change) <= tolerance else ("up" if change > 0 else "down")
            first, last = part.iloc[0], part.iloc[-1]
            apart = bool(first.ci_high < last.ci_low or last.ci_high < first.ci_low)
        else:
            runner = ranked.iloc[-2] if len(ranked) > 1 else best
            change = best.share - runner.share
            direction = f"highest: {best[by]}" if abs(change) > tolerance else "no single highest group"
            apart = bool(len(ranked) > 1 and runner.ci_high < best.ci_low)
        rows.append({"variant": variant, "theme": theme, "ordering": ordering, "highest": str(best[by]),
                     "change": change, "direction": direction, "intervals_apart": apart})
    out = pd.DataFrame(rows)
    if "can_differ" in table.columns:
        flags = table.groupby("variant", sort=False).can_differ.all()
        out["can_differ"] = out.variant.map(flags).fillna(True).astype(bool)
    if ordered:
        out = out.drop(columns="highest")
    base = out[out.variant == out.variant.iloc[0]].set_index("theme")
    if ordered:
        out["same_as_baseline"] = [r.ordering == base.loc[r.theme, "ordering"] and
                                   r.direction == base.loc[r.theme, "direction"] for r in out.itertuples()]
    else:
        out["same_as_baseline"] = [r.direction == base.loc[r.theme, "direction"] for r in out.itertuples()]
    theme_order = {t: i for i, t in enumerate(dict.fromkeys(table.theme))}
    variant_order = {v: i for i, v in enumerate(dict.fromkeys(table.variant))}
    out = out.assign(_t=out.theme.map(theme_order), _v=out.variant.map(variant_order))
    return out.sort_values(["_t", "_v"]).drop(columns=["_t", "_v"]).reset_index(drop=True)
