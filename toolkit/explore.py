"""An explorer for any corpus: terms, themes, topics and dispersion, in JupyterLab or as one HTML file.

Two ways to open it::

    ex = tk.explore(units, by="category")          # in a notebook: a static summary,
    ex.widget()                                    # ... or the interactive widget (ipywidgets + plotly)
    ex.save("explorer.html")                       # one self-contained HTML file (plotly.js embedded)

    python -m toolkit explore CORPUS --by category --out explorer.html

The four views:

- **Terms**: per group, each kept term's frequency (per 10,000 tokens, log scale) against its
  distinctiveness (the log2 ratio of :func:`toolkit.keyness`), coloured by the article-level test
  (Wilcoxon rank-sum on per-article frequencies, BH-adjusted: :func:`toolkit.article_test`).
  Searchable; clicking a term shows its KWIC lines (article id and group), and its counts and
  articles per group.
- **Themes**: units with lexicon hits, filtered by group, theme and lexicon entry; each unit
  shows its hits highlighted and why (:func:`toolkit.explain`: term, cue, weight), with the whole
  article one click away (its text, or its ``url`` when the article is not embedded).
- **Topics**: NMF topics (:func:`toolkit.fit_topics`): top terms, representative units and mean
  topic share by group.
- **Dispersion**: where chosen terms fall in the articles, as quanteda's ``textplot_xray``: one
  row per article, ordered by group, the x axis the relative position in the article.

What is embedded is bounded, so that a file for tens of thousands of articles stays small and opens
fast: the ``n_terms`` most distinctive and the most frequent terms of each group, at most
``kwic_lines`` KWIC lines per term (spread over the groups, the total count always shown), at most
``theme_units`` units per group and theme, ``dispersion_terms`` terms in the dispersion view with
at most ``dispersion_points`` points each, whole-article text for at most ``articles`` articles, and
the lexicon matched on at most ``theme_sample`` units (a seeded random sample beyond that).
Every cap is reported in the file. The explorer describes; the report's tables and tests are where
the inference is.
"""

from __future__ import annotations

import html
import json
import os
import re
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import scipy.sparse as sp

from .errors import ToolkitError
from .pipeline import select_units

__all__ = ["explore", "explorer_data", "explorer_html", "write_explorer", "Explorer", "INTERACTIVE_ENV"]

#: Set to 1 to make :func:`explore` show the interactive widget in a notebook (static summary otherwise).
INTERACTIVE_ENV = "TOOLKIT_EXPLORE_INTERACTIVE"

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


# ------------------------------------------------------------------ data

def _terms_view(body: pd.DataFrame, by: str, groups: list[str], opts: dict, dataset: dict) -> tuple[dict, list[str]]:
    from .features import dfm, group_dfm
    from .keywords import EffectSizesOnlyWarning, keyness

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


# ------------------------------------------------------------------ figures

def _palette(n: int) -> list[str]:
    import plotly.express as px

    base = px.colors.qualitative.D3 + px.colors.qualitative.Dark24
    return [base[i % len(base)] for i in range(n)]


def terms_figure(data: dict):
    """The Terms scatter: one trace per group (a menu switches groups), frequency (log) against log ratio."""
    import plotly.graph_objects as go

    view, groups = data["terms"], data["meta"]["groups"]
    fig = go.Figure()
    for k, g in enumerate(groups):
        part = view["groups"][g]
        sig = [p is not None and p < DEFAULTS["alpha"] for p in part["padj"]]
        y = [v if v is not None else 0.0 for v in part["lr"]]
        names = [view["labels"][t] for t in part["t"]]
        # label a subset whose labels do not overlap, most distinctive and most frequent first; the others show on hover
        labelled = set(label_points(part["freq"], y, names, _label_priority(part["lr"], part["freq"])))
        text = [name if j in labelled else "" for j, name in enumerate(names)]
        # terms drawn at the same place (equal counts and ratio) hide one another: each point's hover names the others
        same_place: dict = {}
        for j, xy in enumerate(zip(part["freq"], y)):
            same_place.setdefault(xy, []).append(j)
        hover = []
        for j, (name, f, lr, a, p) in enumerate(zip(names, part["freq"], part["lr"], part["auc"], part["padj"])):
            others = [names[o] for o in same_place[(f, y[j])] if o != j]
            also = (f"<br>same point: {html.escape(', '.join(others[:8]))}{' ...' if len(others) > 8 else ''}"
                    if others else "")
            hover.append(f"<b>{html.escape(name)}</b><br>{f:g} per 10,000 tokens<br>log2 ratio {'' if lr is None else lr}"
                         f"<br>AUC {'n/a' if a is None else a}, p_adj {'n/a' if p is None else p}{also}")
        fig.add_trace(go.Scatter(
            x=part["freq"], y=y, text=text, customdata=part["t"], mode="markers+text", textposition="top center",
            textfont={"size": LABEL_FONT}, hovertext=hover, hoverinfo="text", name=g, visible=k == 0,
            marker={"size": MARKER_SIZE, "color": ["#b91c1c" if s else "#9ca3af" for s in sig], "line": {"width": 0}}))
    buttons = [{"label": g, "method": "update",
                "args": [{"visible": [j == k for j in range(len(groups))]}, {"title.text": _terms_title(data, g)}]}
               for k, g in enumerate(groups)]
    fig.update_layout(
        title={"text": _terms_title(data, groups[0]), "font": {"size": 13}, "x": 0.01, "xanchor": "left", "y": 0.98,
               "yanchor": "top"},
        height=580, margin={"t": 100, "l": 60, "r": 20, "b": 50},
        xaxis={"type": "log", "title": "frequency in the group (per 10,000 tokens, log scale)"},
        yaxis={"title": "distinctiveness: log2 ratio, group against the rest", "zeroline": True},
        showlegend=False, template="plotly_white", clickmode="event",
        updatemenus=[{"buttons": buttons, "direction": "down", "x": 0, "xanchor": "left", "y": 1.04, "yanchor": "bottom",
                      "showactive": True}] if len(groups) > 1 else [])
    return fig


#: The plot area the Terms scatter's labels are laid out for, in pixels (its figure is 580 high with margins of
#: 150; 560 wide is a narrow notebook column: wider plots only move labels further apart), and the label font.
LABEL_AREA = (560, 430)
LABEL_FONT = 10
MARKER_SIZE = 8


def _label_priority(log_ratio: list, freq: list, n_distinctive: int = 15, n_frequent: int = 8) -> list[int]:
    """The order in which points ask for a label: the most distinctive, then the most frequent, then the rest."""
    by_ratio = np.argsort([-(v if v is not None else -np.inf) for v in log_ratio], kind="stable").tolist()
    by_freq = np.argsort([-f for f in freq], kind="stable").tolist()
    return list(dict.fromkeys([*by_ratio[:n_distinctive], *by_freq[:n_frequent], *by_ratio]))


def _pixels(x, y, area: tuple[int, int], log_x: bool) -> tuple[np.ndarray, np.ndarray]:
    """Points in pixels of a plot area (y upwards): the axes span the data with about 5% padding a side, as
    plotly's autorange pads them; ``x`` on a log scale when ``log_x``."""
    x = np.log10(np.asarray(x, dtype=float)) if log_x else np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)

    def scale(v, pixels):
        lo, hi = (float(v.min()), float(v.max())) if len(v) else (0.0, 1.0)
        span = hi - lo or 1.0
        return (v - lo + 0.05 * span) / (1.1 * span) * pixels

    return scale(x, area[0]), scale(y, area[1])


def label_boxes(x, y, labels, area: tuple[int, int] = LABEL_AREA, font: int = LABEL_FONT, log_x: bool = True) -> np.ndarray:
    """Each label's box (left, bottom, right, top) in pixels, as plotly draws ``textposition="top center"``.

    A label is centred above its point, starting just above the marker, about 0.62 ``font`` pixels a
    character wide (DejaVu Sans and Open Sans with Vietnamese diacritics) and 1.3 ``font`` high.
    """
    px, py = _pixels(x, y, area, log_x)
    width = np.array([0.62 * font * len(str(t)) + 2 for t in labels])
    bottom = py + MARKER_SIZE / 2 + 1
    return np.column_stack([px - width / 2, bottom, px + width / 2, bottom + 1.3 * font])


def _marker_boxes(x, y, area: tuple[int, int], log_x: bool) -> np.ndarray:
    px, py = _pixels(x, y, area, log_x)
    r = MARKER_SIZE / 2
    return np.column_stack([px - r, py - r, px + r, py + r])


def _overlaps(boxes: np.ndarray, box: np.ndarray) -> np.ndarray:
    return (boxes[:, 0] < box[2]) & (box[0] < boxes[:, 2]) & (boxes[:, 1] < box[3]) & (box[1] < boxes[:, 3])


def label_points(x, y, labels, priority, max_labels: int = 20, area: tuple[int, int] = LABEL_AREA,
                 font: int = LABEL_FONT, log_x: bool = True) -> list[int]:
    """Indices of the points to label: in ``priority`` order, each label kept when its box overlaps no label kept
    before and no other point's marker.

    Greedy and deterministic: the first point in ``priority`` is always labelled, and at most
    ``max_labels`` are. Boxes are those of :func:`label_boxes`; points without a label stay on hover.
    """
    boxes = label_boxes(x, y, labels, area, font, log_x)
    markers = _marker_boxes(x, y, area, log_x)
    kept: list[int] = []
    for i in priority:
        if len(kept) >= max_labels:
            break
        if not str(labels[i]):
            continue
        b = boxes[i]
        if kept and _overlaps(boxes[kept], b).any():
            continue
        covered = _overlaps(markers, b)
        covered[i] = False
        if kept and covered.any():    # the first label is always drawn
            continue
        kept.append(int(i))
    return kept


def _terms_title(data: dict, group: str) -> str:
    by = data["meta"]["by"]
    test = ("red: article-level rank-sum test, BH-adjusted p < 0.05" if data["terms"]["tested"]
            else "no article-level test (too few articles per side): effect sizes only")
    return f"{by} = {group}: {test}"


def topics_figure(data: dict):
    """Mean topic share per group (heatmap)."""
    import plotly.graph_objects as go

    topics, groups = data["topics"], data["meta"]["groups"]
    names = [f"{lab}: {', '.join(t[:3])}" for lab, t in zip(topics["labels"], topics["terms"])]
    z = np.array([[np.nan if v is None else v for v in row] for row in topics["shares"]]).T
    fig = go.Figure(go.Heatmap(z=z, x=groups, y=names, colorscale="Blues", zmin=0, colorbar={"title": "share"},
                               hovertemplate="%{y}<br>%{x}: %{z:.3f}<extra></extra>", xgap=1, ygap=1))
    fig.update_layout(title={"text": f"Mean topic share of units by {data['meta']['by']} (NMF, descriptive)",
                             "font": {"size": 14}},
                      height=max(260, 40 * len(names) + 120), margin={"l": 260, "t": 50, "b": 80}, template="plotly_white",
                      yaxis={"autorange": "reversed"})
    return fig


def theme_counts_figure(data: dict):
    """Units with a hit of each theme per 100 units, by group."""
    import plotly.graph_objects as go

    view, groups = data["themes"], data["meta"]["groups"]
    fig = go.Figure()
    colours = _palette(len(view["themes"]))
    for k, theme in enumerate(view["themes"]):
        rows = [c for c in view["counts"] if c[1] == k]
        fig.add_trace(go.Bar(x=[groups[c[0]] for c in rows], y=[100 * c[2] / max(c[3], 1) for c in rows], name=theme,
                             marker_color=colours[k], hovertemplate="%{x}: %{y:.1f} per 100 units<extra>" + html.escape(theme) + "</extra>"))
    where = (f" in a random sample of {view['sample']:,} body units" if view.get("sample") else "")
    fig.update_layout(barmode="group", height=320, template="plotly_white", margin={"t": 40, "b": 80},
                      title={"text": f"Body units with a lexicon hit, per 100 units{where} (any hit, before the decision rule)",
                             "font": {"size": 13}}, legend={"orientation": "h", "y": -0.3})
    return fig


# ------------------------------------------------------------------ standalone HTML

_CSS = """
body{font-family:'DejaVu Sans',Arial,sans-serif;margin:0;color:#111}
header{background:#1f2937;color:#fff;padding:10px 16px}
header h1{font-size:18px;margin:0} header p{margin:4px 0 0;font-size:12px;color:#d1d5db}
nav{display:flex;gap:4px;padding:8px 16px;border-bottom:1px solid #ddd}
nav button{border:1px solid #bbb;background:#f3f4f6;padding:6px 14px;cursor:pointer;font-size:14px}
nav button.on{background:#1d4ed8;color:#fff;border-color:#1d4ed8}
section{padding:10px 16px;display:none} section.on{display:block}
.row{display:grid;grid-template-columns:minmax(0,3fr) minmax(320px,2fr);gap:16px}
.side{max-height:640px;overflow:auto}
input,select{font-size:14px;padding:4px}
table{border-collapse:collapse;font-size:13px} td,th{padding:2px 6px;vertical-align:top}
.kwic td.pre{text-align:right;white-space:nowrap;overflow:hidden;max-width:220px;direction:rtl}
.kwic td.kw{font-weight:600;background:#fde68a;white-space:nowrap}
.kwic td.post{white-space:nowrap;overflow:hidden;max-width:220px}
.muted{color:#6b7280;font-size:12px}
mark{background:#fde68a;padding:0 1px}
.unit{border-bottom:1px solid #e5e7eb;padding:6px 0}
.matches button{margin:2px;border:1px solid #bbb;background:#fff;cursor:pointer}
#article{white-space:pre-wrap;background:#f9fafb;border:1px solid #ddd;padding:8px;max-height:420px;overflow:auto;display:none}
"""

# Glue only: the figures are plotly's; this wires search, clicks and filters to the embedded data.
_JS = r"""
const D = JSON.parse(document.getElementById('explorer-data').textContent);
const $ = (id) => document.getElementById(id);
function el(tag, text, cls) { const e = document.createElement(tag); if (text !== undefined) e.textContent = text; if (cls) e.className = cls; return e; }
// Figures are drawn when their view is first opened: a hidden div has no size, and the page opens faster.
const drawn = {};
function draw(id) {
  if (drawn[id] || !$(id + '-json')) return; drawn[id] = true;
  const fig = JSON.parse($(id + '-json').textContent);
  return Plotly.newPlot(id, fig.data, fig.layout, {responsive: true, displaylogo: false});
}
const lazy = {terms: ['terms-plot'], themes: ['themes-plot'], topics: ['topics-plot'], dispersion: []};
function tab(name) {
  document.querySelectorAll('nav button').forEach(b => b.classList.toggle('on', b.dataset.tab === name));
  document.querySelectorAll('section').forEach(s => s.classList.toggle('on', s.id === 'view-' + name));
  lazy[name].forEach(draw);
  if (name === 'dispersion' && !drawn.xray) { drawn.xray = true; renderXray(); }
}
document.querySelectorAll('nav button').forEach(b => b.addEventListener('click', () => tab(b.dataset.tab)));
const G = D.meta.groups, T = D.terms;
function showTerm(i) {
  const box = $('term-detail'); box.replaceChildren();
  box.appendChild(el('h3', T.labels[i]));
  const counts = el('table'); counts.className = 'counts';
  const head = el('tr'); ['group', 'count', 'per 10,000', 'articles'].forEach(h => head.appendChild(el('th', h))); counts.appendChild(head);
  G.forEach((g, k) => { const r = el('tr'); [g, T.counts[i][k], (T.counts[i][k] / Math.max(T.tokens[k], 1) * 1e4).toFixed(2), T.articles[i][k] + ' / ' + D.meta.articles_by_group[k]].forEach(v => r.appendChild(el('td', String(v)))); counts.appendChild(r); });
  box.appendChild(counts);
  const lines = T.kwic[i];
  box.appendChild(el('p', lines.length + ' of ' + T.kwic_total[i] + ' occurrences shown (at most ' + D.meta.caps.kwic_lines + ' per term, spread over the groups)', 'muted'));
  const table = el('table'); table.className = 'kwic'; table.id = 'kwic-lines';
  lines.forEach(l => { const r = el('tr'); r.className = 'kwic-line';
    r.appendChild(el('td', D.docs[l[0]], 'doc')); r.appendChild(el('td', G[D.doc_group[l[0]]], 'grp'));
    r.appendChild(el('td', l[1], 'pre')); r.appendChild(el('td', l[2], 'kw')); r.appendChild(el('td', l[3], 'post'));
    table.appendChild(r); });
  box.appendChild(table);
}
draw('terms-plot').then(plot => plot.on('plotly_click', ev => { if (ev.points.length) showTerm(ev.points[0].customdata); }));
$('term-search').addEventListener('input', ev => {
  const q = ev.target.value.trim().toLowerCase().replace(/_/g, ' ');
  const box = $('term-matches'); box.replaceChildren();
  if (!q) return;
  const found = []; T.labels.forEach((t, i) => { if (t.toLowerCase().includes(q)) found.push(i); });
  found.sort((a, b) => (T.labels[a].toLowerCase() !== q) - (T.labels[b].toLowerCase() !== q) || T.labels[a].length - T.labels[b].length);
  found.slice(0, 30).forEach(i => { const b = el('button', T.labels[i]); b.dataset.term = i; b.addEventListener('click', () => showTerm(i)); box.appendChild(b); });
  if (!found.length) box.appendChild(el('span', 'no kept term matches (the file keeps the top terms of each group)', 'muted'));
});
// Themes
const TH = D.themes;
function fill(select, items, all) { select.appendChild(new Option(all, '-1')); items.forEach((x, i) => select.appendChild(new Option(x, String(i)))); }
fill($('theme-group'), G, 'every group'); fill($('theme-theme'), TH.themes, 'every theme'); fill($('theme-entry'), TH.entries, 'every lexicon entry');
function showArticle(d) {
  const box = $('article'); box.replaceChildren(); box.style.display = 'block';
  box.appendChild(el('b', D.docs[d] + ' (' + G[D.doc_group[d]] + ')' + (D.articles.title[d] ? ': ' + D.articles.title[d] : '')));
  box.appendChild(document.createElement('br'));
  if (D.articles.text[d]) box.appendChild(el('span', D.articles.text[d]));
  else box.appendChild(el('span', 'The text of this article is not embedded (the file keeps ' + D.meta.caps.articles + ' articles).', 'muted'));
  if (D.articles.url[d]) { const a = el('a', ' open the source'); a.href = D.articles.url[d]; a.target = '_blank'; a.rel = 'noopener'; box.appendChild(a); }
  box.scrollIntoView();
}
function renderThemes() {
  const g = +$('theme-group').value, th = +$('theme-theme').value, en = +$('theme-entry').value;
  const list = $('theme-units'); list.replaceChildren();
  let n = 0;
  TH.units.forEach(u => {
    const [d, t, text, marks] = u;
    if (g >= 0 && D.doc_group[d] !== g) return; if (th >= 0 && t !== th) return;
    if (en >= 0 && !marks.some(m => m[3] === en)) return;
    n++;
    const div = el('div', undefined, 'unit');
    const meta = el('div', D.docs[d] + ' · ' + G[D.doc_group[d]] + ' · sampled for ' + TH.themes[t] + ' ', 'muted');
    const link = el('a', 'whole article'); link.href = '#'; link.addEventListener('click', e => { e.preventDefault(); showArticle(d); });
    meta.appendChild(link); div.appendChild(meta);
    const p = el('div'); let pos = 0;
    marks.slice().sort((a, b) => a[0] - b[0]).forEach(m => { if (m[0] < pos) return; p.appendChild(document.createTextNode(text.slice(pos, m[0]))); const mk = el('mark', text.slice(m[0], m[1])); mk.title = TH.themes[m[2]]; p.appendChild(mk); pos = m[1]; });
    p.appendChild(document.createTextNode(text.slice(pos))); div.appendChild(p);
    const why = el('table'); marks.forEach(m => { const r = el('tr'); [TH.themes[m[2]], m[3] >= 0 ? TH.entries[m[3]] : '', m[4] ? 'with cue: ' + m[4] : '', '+' + m[5]].forEach(v => r.appendChild(el('td', v))); why.appendChild(r); });
    div.appendChild(why); list.appendChild(div);
  });
  $('theme-count').textContent = n + ' units shown (at most ' + D.meta.caps.theme_units + ' per group and theme are kept)';
}
['theme-group', 'theme-theme', 'theme-entry'].forEach(id => $(id).addEventListener('change', renderThemes));
renderThemes();
// Dispersion (textplot_xray): one panel per chosen term
const X = D.dispersion;
X.terms.forEach((x, i) => { const o = new Option(T.labels[x.term] + ' (' + x.total + ')', String(i)); o.selected = i < 3; $('xray-terms').appendChild(o); });
function renderXray() {
  const chosen = Array.from($('xray-terms').selectedOptions).map(o => +o.value).slice(0, 6);
  const n = Math.max(chosen.length, 1), traces = [], layout = {height: 520, showlegend: false, template: 'plotly_white', margin: {l: 120, t: 40, r: 10, b: 40}, annotations: []};
  const ticks = [], labels = []; let start = 0;
  X.bounds.forEach((b, k) => { ticks.push((start + b - 1) / 2); labels.push(G[k]); start = b; });
  layout.yaxis = {range: [X.rows, -1], tickvals: ticks, ticktext: labels, title: D.meta.by, showgrid: false, zeroline: false};
  layout.shapes = X.bounds.slice(0, -1).map(b => ({type: 'line', xref: 'paper', x0: 0, x1: 1, y0: b - 0.5, y1: b - 0.5, line: {color: '#9ca3af', width: 1}}));
  chosen.forEach((c, k) => {
    const ax = k === 0 ? '' : String(k + 1), x = X.terms[c];
    traces.push({type: 'scatter', mode: 'markers', x: x.pos, y: x.rows, xaxis: 'x' + ax, yaxis: 'y', marker: {symbol: 'line-ns-open', size: 8, color: '#1d4ed8'}, hovertemplate: T.labels[x.term] + ': %{x:.2f}<extra></extra>'});
    layout['xaxis' + ax] = {domain: [k / n + 0.01, (k + 1) / n - 0.01], range: [0, 1], title: 'relative position'};
    layout.annotations.push({text: T.labels[x.term] + (x.pos.length < x.total ? ' (' + x.pos.length + ' of ' + x.total + ')' : ''), xref: 'paper', yref: 'paper', x: (k + 0.5) / n, y: 1.06, showarrow: false});
  });
  Plotly.react('xray-plot', traces, layout, {responsive: true});
}
$('xray-terms').addEventListener('change', renderXray);
window.explorerReady = true;
"""


def _figure_div(fig, div_id: str) -> str:
    """A placeholder div and the figure's JSON (plotly's own serialisation); the page draws it when its view opens."""
    blob = fig.to_json().replace("</", "<\\/")
    return (f'<div id="{div_id}" class="figure"></div>'
            f'<script type="application/json" id="{div_id}-json">{blob}</script>')


def _topics_html(data: dict) -> str:
    topics = data["topics"]
    if topics is None:
        return "<p>Too few units or terms for topics.</p>"
    parts = [f'<p class="muted">NMF on {topics["fitted_on"]:,} body units with tokens (seeded; a sample when the corpus '
             "is larger); shares are descriptive means of the units' topic shares.</p>"]
    for lab, terms, units in zip(topics["labels"], topics["terms"], topics["units"]):
        parts.append(f"<h3>{html.escape(lab)}</h3><p><b>Top terms</b>: {html.escape(', '.join(terms))}</p><ul>")
        for d, w, text in units:
            parts.append(f'<li><span class="muted">{html.escape(data["docs"][d])} · '
                         f'{html.escape(data["meta"]["groups"][data["doc_group"][d]])} · share {w:.2f}</span><br>'
                         f"{html.escape(text)}</li>")
        parts.append("</ul>")
    return "".join(parts)


#: plotly.js's cartesian bundle (scatter, bar, heatmap...), shipped in the package: see resources/plotly/README.md.
CARTESIAN_BUNDLE = Path(__file__).resolve().parent / "resources" / "plotly" / "plotly-cartesian.min.js"


def plotly_bundle(which: str = "cartesian") -> str:
    """The plotly.js to embed: ``"cartesian"`` (the shipped partial bundle, 1.5 MB) or ``"full"`` (plotly's, 4.8 MB)."""
    if which == "cartesian":
        return CARTESIAN_BUNDLE.read_text(encoding="utf-8")
    if which == "full":
        from plotly.offline import get_plotlyjs

        return get_plotlyjs()
    raise ToolkitError(f"plotlyjs must be 'cartesian', 'full', a URL or False; got {which!r}")


def explorer_html(data: dict, plotlyjs: bool | str = "cartesian") -> str:
    """The standalone explorer page: plotly.js embedded, the data as JSON, the views and the glue script.

    ``plotlyjs``: ``"cartesian"`` (default) embeds the shipped cartesian bundle of plotly.js, which
    has every trace the explorer draws; ``"full"`` (or True) plotly's full bundle; a URL ending in
    ``.js`` loads it from there instead (the file then needs the network); False leaves it out.
    """
    meta = data["meta"]
    title = f"Explorer: {meta['name']}" if meta["name"] else "Corpus explorer"
    if plotlyjs is True:
        plotlyjs = "full"
    if isinstance(plotlyjs, str) and plotlyjs.endswith(".js"):
        script = f'<script src="{html.escape(plotlyjs)}"></script>'
    else:
        script = f"<script>{plotly_bundle(plotlyjs)}</script>" if plotlyjs else ""
    # JSON inside <script type="application/json">: "</" must not close the element early.
    blob = json.dumps(data, ensure_ascii=False, separators=(",", ":")).replace("</", "<\\/")
    caps = meta["caps"]
    topics_fig = _figure_div(topics_figure(data), "topics-plot") if data["topics"] else ""
    return f"""<!DOCTYPE html>
<html lang="vi"><head><meta charset="utf-8"><title>{html.escape(title)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1"><style>{_CSS}</style>{script}</head>
<body>
<header><h1>{html.escape(title)}</h1>
<p>{meta['articles']:,} articles, {meta['units']:,} body units, {len(meta['groups'])} groups of <code>{html.escape(meta['by'])}</code>.
Kept in this file: the {caps['n_terms']} most distinctive and {DEFAULTS['n_frequent'] if 'n_frequent' not in caps else caps['n_frequent']} most frequent terms per group,
at most {caps['kwic_lines']} KWIC lines per term, {caps['theme_units']} units per group and theme.</p></header>
<nav><button data-tab="terms" class="on">Terms</button><button data-tab="themes">Themes</button>
<button data-tab="topics">Topics</button><button data-tab="dispersion">Dispersion</button></nav>
<section id="view-terms" class="on"><div class="row"><div class="grow">
<label>Search a term <input id="term-search" type="search" placeholder="e.g. biên giới" autocomplete="off"></label>
<div id="term-matches" class="matches"></div>
{_figure_div(terms_figure(data), "terms-plot")}
<p class="muted">Choose the group in the menu; click a point or a search result for its contexts and counts.</p></div>
<div class="side" id="term-detail"><p class="muted">No term chosen yet.</p></div></div></section>
<section id="view-themes">{_figure_div(theme_counts_figure(data), "themes-plot")}
<p>Lexicon {html.escape(str(data['themes']['lexicon']))}:
<select id="theme-group"></select> <select id="theme-theme"></select> <select id="theme-entry"></select>
<span id="theme-count" class="muted"></span></p><div id="article"></div><div id="theme-units"></div></section>
<section id="view-topics">{topics_fig}{_topics_html(data)}</section>
<section id="view-dispersion"><p>Terms (choose up to 6; Ctrl/Shift-click): <br><select id="xray-terms" multiple size="6"></select></p>
<p class="muted">As quanteda's textplot_xray: one row per article, articles ordered by group; a tick where the term occurs,
at its relative position in the article. At most {caps['dispersion_points']} occurrences per term are drawn.</p>
<div id="xray-plot"></div></section>
<script type="application/json" id="explorer-data">{blob}</script>
<script>{_JS}</script>
</body></html>
"""


def write_explorer(units: pd.DataFrame, path: str | os.PathLike, by: str = "year", **options) -> Path:
    """Write the standalone explorer to ``path`` (atomically) and return the path; options as :func:`explorer_data`."""
    from .atomic import atomic_write

    page = explorer_html(explorer_data(units, by=by, **options))
    path = Path(path)
    atomic_write(path, lambda tmp: Path(tmp).write_text(page, encoding="utf-8"))
    return path


# ------------------------------------------------------------------ notebook

@dataclass
class Explorer:
    """What :func:`explore` returns: a static summary in a notebook; :meth:`widget` for the interactive one."""

    data: dict = field(repr=False)
    interactive: bool = False
    _widget: object = field(default=None, repr=False)

    def save(self, path: str | os.PathLike) -> Path:
        """Write the standalone HTML explorer."""
        from .atomic import atomic_write

        page = explorer_html(self.data)
        path = Path(path)
        atomic_write(path, lambda tmp: Path(tmp).write_text(page, encoding="utf-8"))
        return path

    def summary(self) -> pd.DataFrame:
        """The top distinctive terms of each group (rank x group), as shown in the static view."""
        view, groups = self.data["terms"], self.data["meta"]["groups"]
        n = 8
        columns = {}
        for g in groups:
            part = view["groups"][g]
            ranked = [view["labels"][t] for t, lr in zip(part["t"], part["lr"]) if lr is not None and lr > 0][:n]
            columns[g] = ranked + [""] * (n - len(ranked))
        return pd.DataFrame(columns, index=pd.RangeIndex(1, n + 1, name="rank"))

    def _repr_html_(self) -> str:
        if self.interactive:
            return None  # the widget displays itself (see _ipython_display_)
        meta = self.data["meta"]
        parts = [f"<p><b>Explorer</b>: {meta['articles']:,} articles, {meta['units']:,} body units, "
                 f"{len(meta['groups'])} groups of <code>{html.escape(meta['by'])}</code>. Static summary; "
                 f"<code>.widget()</code> (or {INTERACTIVE_ENV}=1) for the interactive explorer, "
                 "<code>.save('explorer.html')</code> for a standalone file.</p>",
                 "<p><b>Most distinctive terms per group</b> (log ratio, top 8)</p>", self.summary().to_html()]
        topics = self.data["topics"]
        if topics:
            table = pd.DataFrame({lab: [", ".join(t[:6])] for lab, t in zip(topics["labels"], topics["terms"])}).T
            table.columns = ["top terms"]
            parts += ["<p><b>Topics</b> (NMF)</p>", table.to_html()]
        themes = self.data["themes"]
        counts = pd.DataFrame(themes["counts"], columns=["group", "theme", "units_with_hit", "units"])
        counts["group"] = [meta["groups"][i] for i in counts.group]
        counts["theme"] = [themes["themes"][i] for i in counts.theme]
        counts["per_100"] = (100 * counts.units_with_hit / counts.units.clip(lower=1)).round(1)
        parts += ["<p><b>Units with a lexicon hit, per 100 body units</b></p>",
                  counts.pivot(index="theme", columns="group", values="per_100").to_html()]
        return "".join(parts)

    def _ipython_display_(self):
        from IPython.display import HTML, display

        if self.interactive:
            display(self.widget())
        else:
            display(HTML(self._repr_html_()))

    def widget(self):
        """The interactive explorer as an ipywidgets Tab (needs a live kernel: JupyterLab or Notebook)."""
        if self._widget is None:
            from .explore_widget import build_widget

            self._widget = build_widget(self.data)
        return self._widget


def explore(units: pd.DataFrame, by: str = "year", interactive: bool | None = None, **options) -> Explorer:
    """Explore a corpus in a notebook: terms, themes, topics and dispersion by ``by``.

    Parameters
    ----------
    units : DataFrame
        Tokenised units with a ``by`` column (:func:`toolkit.tokenize_units`; the report templates'
        ``units``).
    by : str
        Grouping column.
    interactive : bool, optional
        True shows the ipywidgets explorer; False a static summary (deterministic, for nbval and HTML
        export). Default: interactive only when the environment variable
        ``TOOLKIT_EXPLORE_INTERACTIVE`` is 1.
    options
        Passed to :func:`explorer_data` (``lexicon``, ``documents``, ``name``, ``seed`` and the caps).

    Returns
    -------
    Explorer
        Displays itself; ``.widget()``, ``.save(path)``, ``.summary()``, ``.data``.
    """
    if interactive is None:
        interactive = os.environ.get(INTERACTIVE_ENV, "") == "1"
    return Explorer(explorer_data(units, by=by, **options), interactive=bool(interactive))
