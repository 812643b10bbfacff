"""The main comparison re-run under alternative analysis choices, side by side.

:func:`theme_robustness` measures theme shares by year under each variant of
unit, duplicates, kinds, word boundaries (pyvi, underthesea) and
leave-one-article-out; :func:`conclusions` states, per variant and theme,
the ordering of the years and the direction of change from the first to the
last year, so a reader sees which conclusions survive every variant.

Stopwords do not enter the theme measure (terms match on syllables of the
full text), so a stopword variant would reproduce the baseline exactly; their
effect on keywords is shown in the robustness notebook instead.
"""

from __future__ import annotations

import warnings

import pandas as pd

from .corpus import Corpus
from .errors import ToolkitError
from .segment import segment
from .stats import SingleArticleWarning
from .themes import Lexicon, _lexicon, theme_shares
from .tokenize import word_segment

__all__ = ["theme_robustness", "conclusions", "underthesea_segmenter"]


def underthesea_segmenter(text: str) -> list[str]:
    """underthesea's word segmentation, words as lists of syllables joined by spaces."""
    try:
        from underthesea import word_tokenize
    except ImportError as err:  # optional dependency
        raise ToolkitError("underthesea is not installed: pip install -e .[underthesea]") from err
    return word_tokenize(text)


def theme_robustness(corpus: Corpus, by: str = "year", lexicon: Lexicon | None = None, n_boot: int = 1000,
                     seed: int = 0, tokenisers: bool = True) -> pd.DataFrame:
    """Theme shares per group under each analysis variant.

    Variants: the baseline (body sentences, near-duplicates dropped, terms on
    syllables); paragraph units; near-duplicates kept; titles and captions
    included; terms required to align with pyvi's (toolkit) or underthesea's
    word boundaries; and, for every article whose group keeps at least one
    other article, the corpus without it.

    Returns
    -------
    pandas.DataFrame
        ``variant``, ``by``, ``theme``, ``share``, ``ci_low``, ``ci_high``,
        ``units``, ``articles``.
    """
    sentences = segment(corpus, unit="sentence")
    variants = [
        ("baseline (sentences)", sentences, {}),
        ("paragraph units", segment(corpus, unit="paragraph"), {}),
        ("near-duplicates kept", sentences, {"drop_duplicates": False}),
        ("titles and captions included", sentences, {"kinds": None}),
    ]
    if tokenisers:
        variants += [("words: pyvi boundaries", sentences, {"segmenter": word_segment}),
                     ("words: underthesea boundaries", sentences, {"segmenter": underthesea_segmenter})]
    docs = corpus.documents
    for doc_id, group in zip(docs.doc_id, docs[by]):
        if (docs[by] == group).sum() > 1:
            variants.append((f"without {doc_id}", sentences[sentences.doc_id != doc_id], {}))
    rows = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SingleArticleWarning)
        for name, units, options in variants:
            shares = theme_shares(units, by=by, lexicon=lexicon, **options)
            rows.append(shares.assign(variant=name))
    out = pd.concat(rows, ignore_index=True)
    return out[["variant", by, "theme", "share", "ci_low", "ci_high", "units", "articles"]]


def conclusions(table: pd.DataFrame, by: str = "year", tolerance: float = 0.0) -> pd.DataFrame:
    """Per variant and theme: the ordering of groups and the first-to-last change.

    Returns
    -------
    pandas.DataFrame
        ``variant``, ``theme``, ``ordering`` (e.g. "2012 < 2017 < 2023"),
        ``change`` (last minus first group), ``direction`` (up, down or flat
        within ``tolerance``), and ``same_as_baseline`` (ordering and
        direction both equal the first variant's).
    """
    rows = []
    for (variant, theme), part in table.groupby(["variant", "theme"], sort=False):
        part = part.sort_values(by)
        ordered = part.sort_values(["share", by], kind="stable")
        ordering = " < ".join(str(g) for g in ordered[by])
        change = part.share.iloc[-1] - part.share.iloc[0]
        direction = "flat" if abs(change) <= tolerance else ("up" if change > 0 else "down")
        rows.append({"variant": variant, "theme": theme, "ordering": ordering, "change": change, "direction": direction})
    out = pd.DataFrame(rows)
    base = out[out.variant == out.variant.iloc[0]].set_index("theme")
    out["same_as_baseline"] = [
        r.ordering == base.loc[r.theme, "ordering"] and r.direction == base.loc[r.theme, "direction"]
        for r in out.itertuples()
    ]
    order = {t: i for i, t in enumerate(dict.fromkeys(table.theme))}
    return out.sort_values(["theme", "variant"], key=lambda s: s.map(order) if s.name == "theme" else s.map(
        {v: i for i, v in enumerate(dict.fromkeys(table.variant))})).reset_index(drop=True)
