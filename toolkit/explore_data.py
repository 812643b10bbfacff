"""The explorer's data: what each of its four views shows, computed from tokenised units and bounded by caps.

First step of the explorer (:mod:`toolkit.explore`): :func:`explorer_data` takes tokenised units
(after :func:`toolkit.tokenize_units`), keeps the body units that :func:`toolkit.select_units`
measures, and returns one JSON-ready dict: the Terms view (per group, frequency and the
article-level keyness of :func:`toolkit.keyness`, with KWIC lines), the Themes view (units with
lexicon hits and why, :func:`toolkit.explain`), the Topics view (NMF, :func:`toolkit.fit_topics`),
the Dispersion view (token positions in each article) and whole-article text. Every part is
bounded by the caps of :data:`DEFAULTS`. The plotly figures (:mod:`toolkit.explore_figures`), the
standalone page (:mod:`toolkit.explore_page`) and the notebook widget
(:mod:`toolkit.explore_widget`) only draw this dict.
"""

from __future__ import annotations

import re
import warnings

import numpy as np
import pandas as pd

from .errors import ToolkitError
from .pipeline import select_units

__all__ = ["explorer_data", "DEFAULTS"]

DEFAULTS = dict(n_terms=60, n_frequent=20, kwic_lines=12, window=7, theme_units=15, n_topics=6, topic_units=3,
                topic_fit_units=20_000, dispersion_terms=24, dispersion_points=1500, articles=120,
                article_chars=3000, theme_sample=100_000, alpha=0.05)


def _tokens(value) -> list[str]:
    if isinstance(value, str):
        return value.split(" ") if value else []
    return list(value) if value is not None else []


def _label(token: str) -> str:
    return str(token).replace("_", " ")


_BEFORE_PUNCT = re.compile(r" ([,.;:!?%)\]…])")
_AFTER_PUNCT = re.compile(r"([(\[]) ")


def _words_text(words) -> str:
    """Segmented words as text: syllables spaced, no space before closing punctuation or after an opening one."""
    return _AFTER_PUNCT.sub(r"\1", _BEFORE_PUNCT.sub(r"\1", _label(" ".join(words))))


def _spread(groups: np.ndarray, cap: int, seed: int = 0) -> np.ndarray:
    """Positions (into ``groups``) of at most ``cap`` items, taken round-robin over the groups in a seeded order."""
    if len(groups) <= cap:
        return np.arange(len(groups))
    rng = np.random.default_rng(seed)
    order = rng.permutation(len(groups))
    by_group: dict = {}
    for i in order:
        by_group.setdefault(groups[i], []).append(i)
    picked, queues = [], [by_group[g] for g in sorted(by_group, key=str)]
    depth = 0
    while len(picked) < cap:
        for q in queues:
            if depth < len(q) and len(picked) < cap:
                picked.append(q[depth])
        depth += 1
    return np.sort(np.array(picked))


def _check_units(units: pd.DataFrame, by: str) -> pd.DataFrame:
    if not isinstance(units, pd.DataFrame):
        raise ToolkitError(f"units must be a DataFrame (toolkit.tokenize_units), got {type(units).__name__}")
    missing = [c for c in ("doc_id", "text", "tokens") if c not in units.columns]
    if missing:
        raise ToolkitError(f"units lack column(s) {', '.join(missing)}: pass toolkit.tokenize_units(toolkit.segment(corpus))")
    if by not in units.columns:
        raise ToolkitError(f"cannot group by {by!r}: not a unit column; the units have {', '.join(map(str, units.columns))}")
    body = select_units(units, ("body",) if "kind" in units.columns else None, allow_empty=True)
    if body.empty:
        raise ToolkitError("no body units to explore (all units are titles, captions or near-duplicates)")
    body = body.reset_index(drop=True)
    return body.assign(**{by: body[by].astype(str)})


def _terms_view(body: pd.DataFrame, by: str, groups: list[str], opts: dict, dataset: dict) -> tuple[dict, list[str]]:
    from .features import dfm, group_dfm
    from .keywords import keyness
    from .ranksum import EffectSizesOnlyWarning

    unit_dfm = dfm(body)
    grouped = group_dfm(unit_dfm, body, by)
    labels = grouped.rows[by].astype(str).tolist()
    X = grouped.matrix.tocsr()
    totals = np.asarray(X.sum(axis=1)).ravel().astype(float)
    column = {t: j for j, t in enumerate(grouped.terms)}
    per_group = {}
    keep: dict[str, int] = {}
    tested = False
    for i, g in enumerate(labels):
        row = X[i].toarray().ravel()
        if len(labels) >= 2:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", EffectSizesOnlyWarning)
                key = keyness(grouped, g)
            key = key[key.target > 0]
            distinctive = key[key.log_ratio > 0].head(opts["n_terms"])
            tested = tested or key.p.notna().any()
        else:
            distinctive = pd.DataFrame(columns=["term"])
        frequent = pd.Series(row, index=grouped.terms).sort_values(ascending=False, kind="stable").head(opts["n_frequent"])
        chosen = list(dict.fromkeys([*distinctive.term, *frequent.index[frequent.to_numpy() > 0]]))
        if len(labels) >= 2:
            stats = key.set_index("term").loc[chosen]
            log_ratio, auc, p_adj = stats.log_ratio.to_numpy(), stats.auc.to_numpy(), stats.p_adj.to_numpy()
        else:
            log_ratio = auc = p_adj = np.full(len(chosen), np.nan)
        counts = np.array([row[column[t]] for t in chosen])
        for t in chosen:
            keep.setdefault(t, len(keep))
        per_group[g] = {
            "t": [keep[t] for t in chosen],
            "freq": [round(float(c) / max(totals[i], 1) * 10_000, 3) for c in counts],
            "lr": [None if not np.isfinite(v) else round(float(v), 3) for v in log_ratio],
            "auc": [None if not np.isfinite(v) else round(float(v), 3) for v in auc],
            "padj": [None if not np.isfinite(v) else float(f"{v:.3g}") for v in p_adj],
        }
    kept = list(keep)
    cols = np.array([column[t] for t in kept], dtype=int)
    counts = X[:, cols].toarray().astype(int)
    present = (grouped.docs[:, cols] > 0).astype(int)
    doc_groups = grouped.doc_rows[by].astype(str).to_numpy()
    articles = np.vstack([np.asarray(present[doc_groups == g].sum(axis=0)).ravel() for g in labels]).astype(int)
    order = [labels.index(g) for g in groups]
    view = {
        "terms": kept, "labels": [_label(t) for t in kept],
        "counts": counts[order].T.tolist(), "articles": articles[order].T.tolist(),
        "tokens": [int(totals[i]) for i in order], "groups": per_group, "tested": bool(tested),
    }
    view["kwic"], view["kwic_total"] = _kwic_lines(body, by, unit_dfm, kept, opts, dataset)
    return view, kept


def _doc_index(dataset: dict, doc_id: str, group: str) -> int:
    index = dataset["_doc_index"]
    if doc_id not in index:
        index[doc_id] = len(dataset["docs"])
        dataset["docs"].append(doc_id)
        dataset["doc_group"].append(dataset["_group_index"][group])
    return index[doc_id]


def _kwic_lines(body: pd.DataFrame, by: str, unit_dfm, kept: list[str], opts: dict, dataset: dict):
    """At most ``kwic_lines`` KWIC lines per kept term, spread over the groups; the number of occurrences of each.

    Lines are cut from the units' segmented ``words`` where a word's token (its lower case) is the
    term, so they show exactly the occurrences that are counted (``toolkit.kwic`` matches syllables
    whatever the word boundaries, and would also show "khu" inside "khu vực").
    """
    column = {t: j for j, t in enumerate(unit_dfm.terms)}
    csc = unit_dfm.matrix.tocsc()
    groups = body[by].to_numpy()
    docs = body.doc_id.to_numpy()
    words = body["words"].to_numpy() if "words" in body.columns else None
    window = opts["window"]
    lines, totals = [], []
    for t in kept:
        j = column[t]
        rows = np.sort(csc.indices[csc.indptr[j]:csc.indptr[j + 1]])
        totals.append(int(csc.data[csc.indptr[j]:csc.indptr[j + 1]].sum()))
        mine = []
        for r in rows[_spread(groups[rows], opts["kwic_lines"], seed=j)]:
            d = _doc_index(dataset, docs[r], groups[r])
            seq = _tokens(words[r]) if words is not None else []
            hits = [p for p, word in enumerate(seq) if word.lower() == t]
            if not hits:  # no segmented words to cut from: show the unit
                mine.append([d, "", "", body.text.iat[r]])
                continue
            for p in hits:
                mine.append([d, _words_text(seq[max(0, p - window):p]), _label(seq[p]),
                             _words_text(seq[p + 1:p + 1 + window])])
        lines.append(mine[:opts["kwic_lines"]])
    return lines, totals


def _themes_view(body: pd.DataFrame, by: str, groups: list[str], lexicon, opts: dict, dataset: dict) -> dict:
    from .normalize import normalize_text
    from .measure import _lexicon, explain, match_themes

    lex = _lexicon(lexicon)
    themes = list(lex.themes)
    sampled = len(body) > opts["theme_sample"]
    if sampled:
        # Matching costs about a millisecond a unit: a large corpus is measured on a seeded sample of units.
        rng = np.random.default_rng(0)
        body = body.iloc[np.sort(rng.choice(len(body), opts["theme_sample"], replace=False))].reset_index(drop=True)
    hits = match_themes(body["text"], lex)
    entries = sorted(set(hits.term), key=lambda t: (str(t).lower(), t))
    entry_index = {t: i for i, t in enumerate(entries)}
    units, counts = [], []
    group_of = body[by].to_numpy()
    for theme in themes:
        mine = hits[hits.theme == theme]
        rows = np.array(sorted(set(mine.text)), dtype=int)
        for g in groups:
            in_group = rows[group_of[rows] == g] if len(rows) else rows
            counts.append([groups.index(g), themes.index(theme), int(len(in_group)),
                           int((group_of == g).sum())])
            if not len(in_group):
                continue
            # different articles first: a seeded order, one unit per article before a second one
            docs = body.doc_id.to_numpy()[in_group]
            picked = in_group[_spread(docs, opts["theme_units"], seed=themes.index(theme))]
            for r in picked:
                text = normalize_text(body.text.iloc[r])
                why = explain(text, lex)
                marks = [[int(h.start), int(h.end), themes.index(h.theme), entry_index.get(h.term, -1),
                          h.cue if isinstance(h.cue, str) else "", float(h.contribution)] for h in why.itertuples()]
                units.append([_doc_index(dataset, body.doc_id.iloc[r], g), themes.index(theme), text, marks])
    return {"themes": themes, "entries": entries, "units": units, "counts": counts,
            "lexicon": getattr(lex, "version", "") or "", "sample": int(len(body)) if sampled else None}


def _topics_view(body: pd.DataFrame, by: str, groups: list[str], opts: dict, seed: int, dataset: dict) -> dict | None:
    from .features import dfm
    from .topics import fit_topics, topic_terms

    with_tokens = body[body["tokens"].map(lambda t: len(_tokens(t)) > 0)].reset_index(drop=True)
    if len(with_tokens) > opts["topic_fit_units"]:
        rng = np.random.default_rng(seed)
        with_tokens = with_tokens.iloc[np.sort(rng.choice(len(with_tokens), opts["topic_fit_units"], replace=False))]
        with_tokens = with_tokens.reset_index(drop=True)
    try:
        counts = dfm(with_tokens, min_docs=2)
    except ToolkitError:
        return None
    k = opts["n_topics"]
    if counts.shape[0] < 2 * k or counts.shape[1] < 2 * k:
        return None
    model = fit_topics(counts, n_topics=k, method="nmf", seed=seed)
    top = topic_terms(model, n=10)
    W = model.unit_topics
    has = W.sum(axis=1) > 0
    g = with_tokens[by].to_numpy()
    shares = [[round(float(W[has & (g == grp), t].mean()), 4) if (has & (g == grp)).any() else None
               for t in range(k)] for grp in groups]
    reps = []
    for t in range(k):
        order = np.lexsort((np.arange(len(W)), -W[:, t]))[: opts["topic_units"]]
        reps.append([[_doc_index(dataset, with_tokens.doc_id.iloc[r], g[r]), round(float(W[r, t]), 3),
                      with_tokens.text.iloc[r]] for r in order])
    return {"labels": list(model.labels), "terms": [[_label(x) for x in top[top.topic == lab].term] for lab in model.labels],
            "shares": shares, "units": reps, "fitted_on": int(len(with_tokens))}


def _dispersion_view(body: pd.DataFrame, by: str, groups: list[str], terms_view: dict, opts: dict) -> dict:
    """Token positions of chosen terms in each article, relative to the article's length (textplot_xray)."""
    rank = {g: i for i, g in enumerate(groups)}
    # the most distinctive terms of each group in turn, then the most frequent, up to the cap
    chosen: list[int] = []
    per_group = [terms_view["groups"][g]["t"] for g in groups]
    depth = 0
    while len(chosen) < opts["dispersion_terms"] and any(depth < len(p) for p in per_group):
        for p in per_group:
            if depth < len(p) and p[depth] not in chosen and len(chosen) < opts["dispersion_terms"]:
                chosen.append(p[depth])
        depth += 1
    wanted = {terms_view["terms"][i]: n for n, i in enumerate(chosen)}
    docs = body.doc_id.to_numpy()
    doc_order = pd.DataFrame({"doc_id": docs, "group": body[by].to_numpy()}).drop_duplicates("doc_id")
    doc_order = doc_order.assign(r=doc_order.group.map(rank)).sort_values(["r", "doc_id"], kind="stable")
    row_of = {d: i for i, d in enumerate(doc_order.doc_id)}
    lengths = body["tokens"].map(lambda t: len(_tokens(t))).to_numpy()
    offsets = pd.Series(lengths).groupby(docs).cumsum().to_numpy() - lengths
    doc_len = pd.Series(lengths).groupby(docs).sum()
    points: list[list] = [[] for _ in chosen]
    for tokens, doc, off in zip(body["tokens"], docs, offsets):
        for pos, tok in enumerate(_tokens(tokens)):
            n = wanted.get(tok)
            if n is not None:
                points[n].append((row_of[doc], (off + pos + 0.5) / max(doc_len[doc], 1)))
    out = []
    for n, pts in enumerate(points):
        total = len(pts)
        if total > opts["dispersion_points"]:
            pts = [pts[i] for i in _spread(np.zeros(total), opts["dispersion_points"], seed=n)]
        out.append({"term": chosen[n], "total": total, "rows": [p[0] for p in pts], "pos": [round(p[1], 3) for p in pts]})
    bounds = doc_order.groupby("r", sort=True).size().cumsum().tolist()
    return {"terms": out, "rows": len(doc_order), "bounds": bounds}


def explorer_data(units: pd.DataFrame, by: str = "year", lexicon=None, seed: int = 0, name: str = "",
                  documents: pd.DataFrame | None = None, **caps) -> dict:
    """Everything the explorer shows, as one JSON-ready dict (bounded by the caps of :data:`DEFAULTS`).

    Parameters
    ----------
    units : DataFrame
        Tokenised units (:func:`toolkit.tokenize_units`) with a ``by`` column; body units that are not
        near-duplicates are explored.
    by : str
        Grouping column.
    lexicon : Lexicon, path or version, optional
        The theme lexicon (default the toolkit's).
    documents : DataFrame, optional
        ``corpus.documents``: whole articles (``text``, ``title``, ``url``) for the "whole article" link.
    caps
        Any of ``n_terms``, ``n_frequent``, ``kwic_lines``, ``window``, ``theme_units``, ``n_topics``,
        ``topic_units``, ``topic_fit_units``, ``dispersion_terms``, ``dispersion_points``,
        ``articles``, ``article_chars``, ``theme_sample`` (units matched against the lexicon; a larger corpus
        is matched on a seeded random sample of this many units, and the Themes view says so).
    """
    unknown = set(caps) - set(DEFAULTS)
    if unknown:
        raise ToolkitError(f"unknown explorer option(s) {', '.join(sorted(unknown))}; options: {', '.join(DEFAULTS)}")
    opts = {**DEFAULTS, **caps}
    body = _check_units(units, by)
    groups = sorted(body[by].unique(), key=_group_key)
    dataset = {"docs": [], "doc_group": [], "_doc_index": {}, "_group_index": {g: i for i, g in enumerate(groups)}}
    terms, _ = _terms_view(body, by, groups, opts, dataset)
    data = {
        "meta": {"name": str(name), "by": by, "groups": groups, "articles": int(body.doc_id.nunique()),
                 "units": int(len(body)), "caps": {k: opts[k] for k in ("n_terms", "n_frequent", "kwic_lines",
                                                                         "theme_units", "dispersion_terms",
                                                                         "dispersion_points", "articles")},
                 "articles_by_group": [int(body.loc[body[by] == g, "doc_id"].nunique()) for g in groups]},
        "terms": terms,
        "themes": _themes_view(body, by, groups, lexicon, opts, dataset),
        "topics": _topics_view(body, by, groups, opts, seed, dataset),
        "dispersion": _dispersion_view(body, by, groups, terms, opts),
    }
    data["docs"], data["doc_group"] = dataset["docs"], dataset["doc_group"]
    data["articles"] = _articles(documents, body, dataset["docs"], opts)
    return data


def _group_key(value: str):
    try:
        return (0, float(value), value)
    except ValueError:
        return (1, 0.0, value)


def _articles(documents: pd.DataFrame | None, body: pd.DataFrame, docs: list[str], opts: dict) -> dict:
    """Whole-article text for the first ``articles`` referenced articles (the rest by url when known)."""
    if documents is not None and "doc_id" in documents.columns:
        table = documents.set_index("doc_id")
    else:
        table = body.groupby("doc_id", sort=False)["text"].agg(" ".join).to_frame()
    out = {"text": {}, "title": {}, "url": {}}
    for i, d in enumerate(docs):
        if d not in table.index:
            continue
        row = table.loc[d]
        if "url" in table.columns and isinstance(row.get("url"), str) and row["url"].startswith(("http://", "https://")):
            out["url"][str(i)] = row["url"]
        if "title" in table.columns and isinstance(row.get("title"), str):
            out["title"][str(i)] = row["title"]
        if i < opts["articles"] and isinstance(row.get("text"), str):
            text = row["text"]
            out["text"][str(i)] = text if len(text) <= opts["article_chars"] else text[: opts["article_chars"]] + " …"
    return out
