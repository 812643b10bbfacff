"""Words in their text: keywords in context, collocations, and the written form of each token.

An analysis stage on segmented units (:func:`toolkit.tokenize_units`), not on
counts: :func:`kwic` and :func:`kwic_sample` give the sentences behind the
numbers of :mod:`toolkit.keywords` and :mod:`toolkit.themes`,
:func:`collocations` finds multi-word expressions (quanteda's
textstat_collocations), and :func:`display_forms` / :func:`add_display` show
lower-cased tokens as they are written, for tables and figures.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats as sstats

from .errors import ToolkitError
from .match import find_terms, index_terms, syllables, term_key
from .tfidf import _check_n

__all__ = ["kwic", "kwic_sample", "collocations", "display_forms", "add_display"]


def kwic(units: pd.DataFrame, pattern: str | list[str], window: int = 5, text: str = "text",
         match: str = "word") -> pd.DataFrame:
    """Keywords in context: every occurrence of a (multi-syllable) pattern in the units.

    Matching is case-insensitive on syllables. With ``match="word"`` (the
    default) an occurrence must also start and end on word boundaries of
    the segmented text, so "trường" (school) finds the word "trường" but
    not the first syllable of "trường hợp" (case), and "cửa khẩu" finds
    the word ``cửa_khẩu``. Boundaries come from the units' ``words`` column
    (:func:`toolkit.tokenize_units`) when it lines up with the text, else
    from :func:`toolkit.word_segment`. ``match="syllable"`` matches the
    syllables wherever they are, across word boundaries (all uses of a
    syllable, or a phrase that segmentation split differently).

    Parameters
    ----------
    pattern : str or list of str
        Term(s), e.g. ``"cửa khẩu"``.
    window : int, default 5
        Syllables of context on each side.
    match : {"word", "syllable"}, default "word"

    Returns
    -------
    pandas.DataFrame
        ``unit_id``, ``doc_id``, ``year`` (when present), ``pattern``,
        ``pre``, ``keyword``, ``post``, ``start``/``end`` (character
        offsets); every occurrence, in the units' order. For a few lines
        spread over articles and groups, see :func:`kwic_sample`.

    Examples
    --------
    >>> units = pd.DataFrame({"unit_id": ["a"], "text": ["Trường hợp này xảy ra ở trường."]})
    >>> kwic(units, "trường").keyword.tolist(), kwic(units, "trường", match="syllable").keyword.tolist()
    (['trường'], ['Trường', 'trường'])
    """
    from .measure import _word_starts
    from .wordseg import word_segment

    patterns = [pattern] if isinstance(pattern, str) else list(pattern)
    if not patterns or not all(isinstance(p, str) for p in patterns):
        raise ToolkitError(f"pattern must be a string or a non-empty list of strings, got {pattern!r}")
    if isinstance(window, bool) or not isinstance(window, (int, np.integer)) or window < 0:
        raise ToolkitError(f"window must be a non-negative integer, got {window!r}")
    if text not in units.columns:
        raise ToolkitError(f"units have no {text!r} column; pass text= the column holding the text")
    if match not in ("word", "syllable"):
        raise ToolkitError(f"match must be 'word' or 'syllable', got {match!r}")
    keys = {}
    for p in patterns:
        # Normalisation removes HTML tags, controls and invisible characters, so
        # a pattern such as "<script>" has nothing left to match.
        try:
            keys[term_key(p)] = p
        except ValueError:
            raise ToolkitError(f"pattern {p!r} has no syllables to match after normalisation (HTML tags, "
                               "punctuation and invisible characters are removed); give a word or phrase") from None
    index = index_terms(keys)
    meta_cols = [c for c in ("unit_id", "doc_id", "year") if c in units.columns]
    words = units["words"] if match == "word" and "words" in units.columns else [None] * len(units)
    rows = []
    for meta, value, seq in zip(units[meta_cols].itertuples(index=False), units[text], words):
        sylls = syllables(value)
        found = find_terms(sylls, keys, index)
        if found and match == "word":
            starts = _word_starts(sylls, list(seq)) if seq is not None else None
            if starts is None:   # no words column, or words of another text: segment this one
                starts = _word_starts(sylls, word_segment(sylls.text))
            if starts is not None:
                found = [(a, b, key) for a, b, key in found if starts[a] and starts[b]]
        for start, end, key in found:
            a, b = sylls.spans[start][0], sylls.spans[end - 1][1]
            left = sylls.spans[max(0, start - window)][0] if start else a
            right = sylls.spans[min(len(sylls.spans), end + window) - 1][1]
            rows.append({**meta._asdict(), "pattern": keys[key], "pre": sylls.text[left:a].strip(),
                         "keyword": sylls.text[a:b], "post": sylls.text[b:right].strip(), "start": a, "end": b})
    return pd.DataFrame(rows, columns=[*meta_cols, "pattern", "pre", "keyword", "post", "start", "end"])


def kwic_sample(lines: pd.DataFrame, n: int = 20, by: str | None = None, cluster: str = "doc_id",
                per_article: int = 2, seed: int = 0) -> pd.DataFrame:
    """At most ``n`` KWIC lines spread over articles and groups, saying how many were left out.

    Every article's first line (drawn at random, seeded) comes before any
    article's second, the groups of ``by`` taking turns, and no article
    gives more than ``per_article`` lines until every article has given
    that many; so one long article or one large group cannot fill the
    sample. The sample keeps the input's order.

    Returns
    -------
    pandas.DataFrame
        The chosen rows of ``lines``; ``attrs["total"]`` (lines given) and
        ``attrs["left_out"]`` (lines not shown), which
        :func:`toolkit.display.kwic_html` prints under the table.

    Examples
    --------
    >>> lines = pd.DataFrame({"doc_id": ["a"] * 8 + ["b", "c"], "keyword": ["x"] * 10})
    >>> sample = kwic_sample(lines, n=4, per_article=1)
    >>> sorted(sample.doc_id), sample.attrs["left_out"]
    (['a', 'a', 'b', 'c'], 6)
    """
    _check_n(n, "n")
    _check_n(per_article, "per_article")
    if cluster not in lines.columns:
        raise ToolkitError(f"KWIC lines have no {cluster!r} column to spread the sample over")
    if by is not None and by not in lines.columns:
        raise ToolkitError(f"KWIC lines have no {by!r} column; kwic keeps unit_id, doc_id and year")
    shuffled = lines.sample(frac=1, random_state=seed)
    rank = shuffled.groupby(cluster, sort=False).cumcount()       # the line's place in its article (random order)
    group = shuffled[by] if by is not None else pd.Series(0, index=shuffled.index)
    # First every article's first line, groups taking turns; then second lines; ... in rounds of per_article.
    turn = shuffled.groupby([rank, group], sort=False).cumcount()
    order = pd.DataFrame({"round": rank // per_article, "rank": rank, "turn": turn, "pos": np.arange(len(shuffled))},
                         index=shuffled.index)
    chosen = order.sort_values(["round", "rank", "turn", "pos"]).index[:n]
    out = lines.loc[lines.index.isin(chosen)].copy()
    out.attrs.update(total=len(lines), left_out=len(lines) - len(out))
    return out


def collocations(units: pd.DataFrame, min_count: int = 2, words: str = "words", stopwords=None,
                 unit: str = "article") -> pd.DataFrame:
    """Adjacent word pairs that occur together more than chance: PMI and G2, and in how many articles.

    PMI and G2 are effect sizes for ranking pairs, not tests. A pair is
    counted within units over the segmented ``words`` (lower-cased,
    punctuation and numbers breaking adjacency), skipping pairs with a
    stopword; pairs that pyvi left as two words but that behave as one
    expression point to multi-word entries the dictionary misses.

    ``articles`` (with a ``doc_id`` column in ``units``) says how many
    articles a pair occurs in: a pair repeated within one article is that
    article's phrase, not the corpus's. With ``unit="article"`` (the
    default) no p-value is given: the chi-square p of G2 treats every token
    as an independent draw, which words clustered in articles are not
    (Lijffijt et al. 2016, *Digital Scholarship in the Humanities* 31(2)),
    so it overstates the evidence by orders of magnitude. ``unit="token"``
    adds that ``p`` as a descriptive figure, comparable with other corpus
    tools.

    Returns
    -------
    pandas.DataFrame
        ``collocation`` ("w1 w2"), ``count``, ``articles`` (when ``units`` has
        ``doc_id``), ``count_w1``, ``count_w2``, ``pmi`` (log2), ``G2`` (2x2
        likelihood ratio), and ``p`` with ``unit="token"``; sorted by G2.
    """
    from .tokens import stopwords as default_stopwords

    _check_n(min_count, "min_count")
    if unit not in ("article", "token"):
        raise ToolkitError(f"unit must be 'article' or 'token', got {unit!r}")
    if words not in units.columns:
        raise ToolkitError(f"units have no {words!r} column; run toolkit.tokenize_units first")
    stop = default_stopwords() if stopwords is None else frozenset(stopwords)
    docs = units["doc_id"].tolist() if "doc_id" in units.columns else [None] * len(units)
    unigrams: dict[str, int] = {}
    bigrams: dict[tuple[str, str], int] = {}
    in_docs: dict[tuple[str, str], set] = {}
    for doc, seq in zip(docs, units[words]):
        clean = [w.lower() if any(ch.isalpha() for ch in w) else None for w in seq]
        for w in clean:
            if w is not None:
                unigrams[w] = unigrams.get(w, 0) + 1
        for w1, w2 in zip(clean, clean[1:]):
            if w1 is None or w2 is None:
                continue
            if w1 in stop or w2 in stop:
                continue
            bigrams[(w1, w2)] = bigrams.get((w1, w2), 0) + 1
            in_docs.setdefault((w1, w2), set()).add(doc)
    pairs = [(k, v) for k, v in bigrams.items() if v >= min_count]
    columns = ["collocation", "count", *(["articles"] if "doc_id" in units.columns else []),
               "count_w1", "count_w2", "pmi", "G2", *(["p"] if unit == "token" else [])]
    if not pairs:
        return pd.DataFrame(columns=columns)
    n = float(sum(unigrams.values()))
    o11 = np.array([v for _, v in pairs], dtype=float)
    c1 = np.array([unigrams[k[0]] for k, _ in pairs], dtype=float)
    c2 = np.array([unigrams[k[1]] for k, _ in pairs], dtype=float)
    pmi = np.log2(o11 * n / (c1 * c2))
    o12, o21 = np.maximum(c1 - o11, 0), np.maximum(c2 - o11, 0)
    o22 = np.maximum(n - o11 - o12 - o21, 0)
    observed = np.stack([o11, o12, o21, o22])
    expected = np.stack([c1 * c2, c1 * (n - c2), (n - c1) * c2, (n - c1) * (n - c2)]) / n
    with np.errstate(divide="ignore", invalid="ignore"):
        g2 = 2 * np.where(observed > 0, observed * np.log(observed / expected), 0.0).sum(axis=0)
    out = pd.DataFrame({"collocation": [f"{a} {b}" for (a, b), _ in pairs], "count": o11.astype(int),
                        "articles": [len(in_docs[k]) for k, _ in pairs],
                        "count_w1": c1.astype(int), "count_w2": c2.astype(int), "pmi": pmi, "G2": g2,
                        "p": sstats.chi2.sf(g2, df=1)})[columns]
    return out.sort_values(["G2", "collocation"], ascending=[False, True]).reset_index(drop=True)


def display_forms(units: pd.DataFrame, words: str = "words") -> dict[str, str]:
    """The written form each analysis token most often has in the text, for tables and figures.

    Tokens are lower-cased (``lạng_sơn``, ``asean``); a reader expects
    ``Lạng Sơn`` and ``ASEAN``. For every word of ``units[words]`` (the
    segmented text, case kept) the lower-cased, ``_``-joined form is the
    token; its display is the spelling it has most often, underscores shown
    as spaces. Ties go to the lower-case spelling if it is among them, else to
    the first in code-point order, so the result does not depend on row order.

    Parameters
    ----------
    units : DataFrame
        Units with a ``words`` column (:func:`toolkit.tokenize_units`).
    words : str, default "words"

    Returns
    -------
    dict
        token -> display form.

    Examples
    --------
    >>> import pandas as pd
    >>> units = pd.DataFrame({"words": [["Lạng_Sơn", "và", "ASEAN"], ["lạng_sơn", "Lạng_Sơn"]]})
    >>> forms = display_forms(units)
    >>> forms["lạng_sơn"], forms["asean"]
    ('Lạng Sơn', 'ASEAN')
    """
    from collections import Counter

    from .normalize import normalize_text

    if words not in units.columns:
        raise ToolkitError(f"units have no {words!r} column; run toolkit.tokenize_units first")
    counts: Counter = Counter()
    for seq in units[words]:
        counts.update(seq)
    best: dict[str, tuple] = {}
    for form, n in counts.items():
        form = normalize_text(form)
        token = form.lower()
        rank = (-n, form != token, form)
        if token not in best or rank < best[token]:
            best[token] = rank
    return {token: rank[2].replace("_", " ") for token, rank in sorted(best.items())}


def add_display(frame: pd.DataFrame, forms: dict[str, str], column: str = "term") -> pd.DataFrame:
    """A copy of ``frame`` with a ``display`` column: the display form of ``frame[column]``.

    Tokens without a recorded form are shown with underscores as spaces.

    Examples
    --------
    >>> import pandas as pd
    >>> add_display(pd.DataFrame({"term": ["asean", "hợp_tác"]}), {"asean": "ASEAN"}).display.tolist()
    ['ASEAN', 'hợp tác']
    """
    if column not in frame.columns:
        raise ToolkitError(f"frame has no {column!r} column")
    out = frame.copy()
    out["display"] = [forms.get(t, str(t).replace("_", " ")) for t in out[column]]
    return out
