"""Paragraphs, sentences, unit kinds and near-duplicate links.

:func:`segment` turns a :class:`~toolkit.corpus.Corpus` into analysis units,
one row per paragraph or sentence, each labelled with its ``kind`` and, where
it repeats a passage found elsewhere in the corpus, a ``duplicate_of`` link.

Near-duplicates
---------------
Units are compared by their sets of word 3-grams (lower-cased, punctuation
removed; Vietnamese words here are syllables). Unit *a* is a near-duplicate of unit
*b* when at least ``threshold`` (default 0.8) of *a*'s 3-grams occur in *b*
(containment, so a lead paragraph repeated inside a longer one is caught).
When the containment is mutual the later unit (in corpus order: year,
doc_id, position) points to the earlier one; otherwise the contained unit
points to the containing one. Units shorter than ``min_words`` (8) are
never linked, and only units of the same kind are compared (a headline echoed
in the body is not a repeated passage). On the study corpus the eight
repeated sentences score 0.90-1.0 and the highest score between sentences
that are not repeats is 0.47 (see ``tests/test_segment.py``).
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import scipy.sparse as sp

from .corpus import Corpus
from .errors import ToolkitError
from .normalize import ABBREVIATIONS

__all__ = ["segment", "split_sentences", "paragraph_kind", "near_duplicates"]

UNITS = ("sentence", "paragraph")
# The columns every unit has; the corpus's manifest columns (year first) go between ``doc_id`` and ``paragraph``.
UNIT_COLUMNS = [
    "unit_id", "doc_id", "year", "paragraph", "sentence", "line", "kind", "text", "duplicate_of",
]


_BOUNDARY_RE = re.compile(r"(?P<punct>\.\.\.|…|[.!?]+)(?P<close>[\"”’')\]»]*)(?P<space>\s+)(?=(?P<next>\S))")
_OPENERS = "\"“‘'([«-–—"
_CAPTION_OPENERS_RE = re.compile(r"^(Một góc|Toàn cảnh|Quang cảnh|Ảnh minh họa|Ảnh\s*:)", re.IGNORECASE)
_PHOTO_CREDIT_RE = re.compile(r"\((Ảnh|Nguồn ảnh|Photo)\s*:[^()]*\)\s*\.?$", re.IGNORECASE)


def split_sentences(text: str) -> list[str]:
    """Split one paragraph of Vietnamese text into sentences.

    A sentence ends at ``.``, ``!``, ``?``, ``...`` or ``…`` (with any
    closing quotes or brackets) followed by a space and a capital letter, a
    digit or an opening quote. Dates (26.7.2016, 17/3/2008) and numbers
    (1.500.000; 102,6) have no space after the stop and never split; the
    stops of :data:`toolkit.normalize.ABBREVIATIONS` (TP., TS., ThS. ...) and single-letter
    initials do not end a sentence; an ellipsis followed by a lower-case word
    continues the sentence.

    Examples
    --------
    >>> split_sentences("Ông đến TP. Hồ Chí Minh ngày 26.7.2016. Ông gặp TS. Lan tại UBND. Sau đó về.")
    ['Ông đến TP. Hồ Chí Minh ngày 26.7.2016.', 'Ông gặp TS. Lan tại UBND.', 'Sau đó về.']
    """
    sentences, start = [], 0
    for match in _BOUNDARY_RE.finditer(text):
        nxt = match.group("next")
        if not (nxt[0].isupper() or nxt[0].isdigit() or nxt[0] in _OPENERS):
            continue
        if match.group("punct") == "." and not match.group("close"):
            before = text[max(start, match.start() - 40): match.start()]  # a bounded look-back keeps this linear
            word = before.rsplit(None, 1)[-1] if before.strip() else ""
            word = word.lstrip(_OPENERS)
            if word in ABBREVIATIONS or (len(word) == 1 and word.isupper()):
                continue
        sentence = text[start: match.end("close")].strip()
        if sentence:
            sentences.append(sentence)
        start = match.end("space")
    tail = text[start:].strip()
    if tail:
        sentences.append(tail)
    return sentences


def _headline_shaped(text: str) -> bool:
    return len(text.split()) <= 25 and not text.rstrip().endswith((".", "!", "?", ";", ",", ":", "|"))


def paragraph_kind(text: str, position: int, title: str = "", n_sentences: int = 1) -> str:
    """Classify a paragraph as ``title``, ``caption`` or ``body``.

    Rules: the first paragraph is the ``title`` when it equals the manifest
    title or, with no manifest title, when it is headline-shaped (at most 25
    words, no closing punctuation). A ``caption`` ends with ``|`` (the photo
    separator of many Vietnamese news sites), ends with a photo credit
    ``(Ảnh: ...)``, starts with a caption formula (Một góc, Toàn cảnh, Quang
    cảnh, Ảnh minh họa, Ảnh:) in a one-sentence paragraph, or is a
    one-sentence first paragraph of an article with no title line. The rest is
    ``body``.
    """
    stripped = text.strip()
    if position == 1:
        if title and " ".join(stripped.lower().split()) == " ".join(title.lower().split()):
            return "title"
        if not title and _headline_shaped(stripped):
            return "title"
    if stripped.endswith("|") or _PHOTO_CREDIT_RE.search(stripped):
        return "caption"
    if n_sentences == 1 and (_CAPTION_OPENERS_RE.match(stripped) or (position == 1 and not title)):
        return "caption"
    return "body"


def _shingle_text(text: str) -> str:
    return " ".join(re.sub(r"[^\w\s]", " ", text.lower()).split())


def _shingles(texts: list[str], block: int = 20_000) -> sp.csr_matrix:
    """Binary unit x word-3-gram matrix of space-separated texts (int32), columns in no particular order.

    The same sets as ``CountVectorizer(ngram_range=(3, 3), binary=True, token_pattern=r"\\S+")``, computed on
    integer word ids (one hash per distinct word, NumPy for the 3-grams) instead of a string per 3-gram.
    Texts are split ``block`` at a time, so only one block's words are held as strings.
    """
    vocab: dict[str, int] = {}
    rows, first, second, third = [], [], [], []
    for lo in range(0, len(texts), block):
        words = [t.split(" ") if t else [] for t in texts[lo:lo + block]]
        lengths = np.fromiter((len(w) for w in words), dtype=np.int64, count=len(words))
        flat = [w for ws in words for w in ws]
        del words
        if not flat:
            continue
        local, uniques = pd.factorize(pd.Series(flat, dtype=object))
        del flat
        ids = np.fromiter((vocab.setdefault(u, len(vocab)) for u in uniques), dtype=np.int64,
                          count=len(uniques))[local]
        ends = np.cumsum(lengths)
        row_of = np.repeat(np.arange(lo, lo + len(lengths)), lengths)
        start = np.flatnonzero(np.arange(len(ids)) + 2 < ends[row_of - lo])   # 3-grams inside a text
        rows.append(row_of[start].astype(np.int32))
        first.append(ids[start].astype(np.int32))
        second.append(ids[start + 1].astype(np.int32))
        third.append(ids[start + 2].astype(np.int32))
        del ids, row_of, start, local
    if not rows:
        return sp.csr_matrix((len(texts), 0), dtype=np.int32)
    row_of = np.concatenate(rows)
    del rows
    a, b, c = (np.concatenate(parts).astype(np.int64) for parts in (first, second, third))
    del first, second, third
    v = max(len(vocab), 1)
    if v < 2_000_000:
        codes = (a * v + b) * v + c
    else:  # keep the code inside int64: number the pairs first
        codes = pd.factorize(a * v + b)[0].astype(np.int64) * v + c
    del a, b, c
    cols = pd.factorize(codes)[0]
    del codes
    n_cols = int(cols.max()) + 1
    # Distinct (unit, 3-gram) cells, sorted by unit then column: the CSR structure directly.
    cells = np.sort(row_of.astype(np.int64) * n_cols + cols)
    del cols
    keep = np.ones(len(cells), dtype=bool)
    keep[1:] = cells[1:] != cells[:-1]   # binary: a 3-gram repeated inside a unit counts once
    cells = cells[keep]
    units, indices = np.divmod(cells, n_cols)
    del cells
    indptr = np.zeros(len(texts) + 1, dtype=np.int64)
    np.cumsum(np.bincount(units, minlength=len(texts)), out=indptr[1:])
    return sp.csr_matrix((np.ones(len(indices), dtype=np.int32), indices.astype(np.int32), indptr),
                         shape=(len(texts), n_cols))


def near_duplicates(
    texts: list[str], threshold: float = 0.8, min_words: int = 8, groups: list | None = None, max_df: int = 100,
    block: int = 2000,
) -> np.ndarray:
    """Return, for each text, the index of the text it near-duplicates, or -1.

    Parameters
    ----------
    texts : list of str
        Units in corpus order (earlier units are preferred as originals).
    threshold : float, default 0.8
        Minimum share of a unit's word 3-grams found in the other unit.
    min_words : int, default 8
        Shorter units (in words, after removing punctuation) are never linked.
    groups : list, optional
        Only units of the same group are compared (``segment`` passes the
        unit kind, so a headline echoed in the body is not a repeat).
    max_df : int, default 100
        3-grams found in more distinct units than this (formulas such as
        "trên địa bàn tỉnh") are not used to *find* candidate pairs, which
        keeps the search near-linear on large corpora; containment is then
        computed on all 3-grams. Identical units are linked first, by hash.
    block : int, default 2000
        Units per block of the candidate search (bounds its memory).

    Returns
    -------
    numpy.ndarray of int
        ``-1`` for an original, else the index of the unit it repeats.
    """
    if not 0 < threshold <= 1:
        raise ToolkitError(f"threshold must be in (0, 1], got {threshold!r}")
    n = len(texts)
    prepared = [_shingle_text(t) for t in texts]
    group_of = groups if groups is not None else [None] * n
    links, unique = _identical_units(prepared, group_of, min_words)
    if len(unique) < 2:
        return links
    index = np.array(unique)
    codes = pd.factorize(pd.Series([group_of[i] for i in index], dtype=object))[0]
    found = _contained_pairs(_shingles([prepared[i] for i in index]), codes, threshold, max_df, block)
    if found:
        a, b, in_b = (np.concatenate(parts) for parts in zip(*found))
        # Best original per unit: highest containment, then the earliest.
        order = np.lexsort((b, -in_b, a))
        a, b = a[order], b[order]
        firsts = np.ones(len(a), dtype=bool)
        firsts[1:] = a[1:] != a[:-1]
        links[index[a[firsts]]] = index[b[firsts]]
    _break_cycles(links)
    return links


def _identical_units(prepared: list[str], group_of: list, min_words: int) -> tuple[np.ndarray, list[int]]:
    """Links of identical units (every later copy of a text in the same group points to the first, others -1),
    and the positions of the distinct units of at least ``min_words`` words, in order."""
    links = np.full(len(prepared), -1, dtype=np.int64)
    first: dict[tuple, int] = {}
    unique = []
    for i, (text, group) in enumerate(zip(prepared, group_of)):
        if (text.count(" ") + 1 if text else 0) < min_words:   # prepared texts: words split by single spaces
            continue
        key = (group, text)
        if key in first:
            links[i] = first[key]
        else:
            first[key] = i
            unique.append(i)
    return links, unique


def _contained_pairs(X, codes: np.ndarray, threshold: float, max_df: int, block: int) -> list[tuple]:
    """Pairs of rows of the 3-gram matrix ``X`` of the same group (``codes``) where row ``a`` is contained
    in row ``b`` at ``threshold`` or more: per block of rows, ``(a, b, containment of a in b)``.

    Candidates come from the 3-grams found in at most ``max_df`` rows (see :func:`near_duplicates`).
    """
    sizes = np.asarray(X.sum(axis=1)).ravel()
    df = np.asarray(X.sum(axis=0)).ravel()
    rare = X[:, np.flatnonzero(df <= max_df)].tocsr()
    rare_t = rare.T.tocsr()
    common = sizes - np.asarray(rare.sum(axis=1)).ravel()
    found = []
    for lo in range(0, X.shape[0], block):   # row blocks bound the memory of the search
        product = (rare[lo:lo + block] @ rare_t).tocoo()
        a = product.row + lo
        b = product.col
        # Exact pruning: a pair can reach the threshold only if its shared rare 3-grams
        # plus all of a's common ones reach threshold * |a|.
        keep = (a != b) & (codes[a] == codes[b]) & (product.data + common[a] >= threshold * sizes[a] - 1e-9)
        a, b = a[keep], b[keep]
        if not len(a):
            continue
        shared = np.asarray(X[a].multiply(X[b]).sum(axis=1)).ravel()
        in_b = shared / sizes[a]
        mutual = shared / sizes[b] >= threshold
        # In a mutual pair only the later unit points back to the earlier one.
        ok = (in_b >= threshold) & ~(mutual & (b > a))
        found.append((a[ok], b[ok], in_b[ok]))
    return found


def _break_cycles(links: np.ndarray) -> None:
    """Break any cycle of ``links`` in place by keeping its earliest unit as the original."""
    # Only linked units can be on a cycle.
    for start in np.flatnonzero(links >= 0).tolist():
        seen, node = [], start
        while node != -1 and node not in seen:
            seen.append(node)
            node = links[node]
        if node != -1:
            cycle = seen[seen.index(node):]
            links[min(cycle)] = -1


def segment(
    corpus: Corpus,
    unit: str = "sentence",
    threshold: float = 0.8,
    min_words: int = 8,
) -> pd.DataFrame:
    """Split a corpus into sentence or paragraph units.

    Parameters
    ----------
    corpus : Corpus
        From :func:`toolkit.load_corpus`.
    unit : {"sentence", "paragraph"}, default "sentence"
    threshold, min_words :
        Near-duplicate settings, see :func:`near_duplicates`.

    Returns
    -------
    pandas.DataFrame
        One row per unit in corpus order: ``unit_id`` (``doc:p03s02`` or
        ``doc:p03``), ``doc_id``, ``year`` and every other column of the
        manifest in its order (``province``, ``outlet``, ``category``...,
        and ``period`` when :func:`toolkit.groups.add_periods` derived it;
        not ``file`` or ``encoding``, which say how the file is found and
        read), then ``paragraph`` (1-based among the article's kept
        paragraphs), ``sentence`` (1-based within the paragraph; NA for
        paragraph units), ``line`` (line in the raw file), ``kind`` (title,
        caption, body), ``text`` and ``duplicate_of`` (``unit_id`` of the
        unit it repeats, or NA). Any manifest column can therefore be the
        grouping of :func:`toolkit.dfm`, :func:`toolkit.theme_shares` and the
        rest. A manifest column named like one of the unit's own columns
        (``text``, ``kind``...) is not carried.

    Examples
    --------
    >>> from toolkit import load_corpus
    >>> units = segment(load_corpus("data"), unit="sentence")
    >>> units.loc[0, ["unit_id", "kind", "text"]].tolist()
    ['ls2012:p01s01', 'title', 'Công tác đối ngoại: Thúc đẩy hợp tác quốc tế, phát triển kinh tế - xã hội']
    >>> kept = units[units.duplicate_of.isna()]   # count repeated passages once
    """
    if unit not in UNITS:
        raise ToolkitError(f"unit must be one of {', '.join(UNITS)}; got {unit!r}")
    documents = corpus.documents
    carried = [c for c in corpus.manifest_columns if c not in UNIT_COLUMNS]
    columns = UNIT_COLUMNS[:3] + carried + UNIT_COLUMNS[3:]
    rows = []
    for doc, metadata in zip(documents.itertuples(index=False), documents[carried].itertuples(index=False)):
        paragraphs = doc.text.split("\n")
        numbers = doc.line_numbers
        title = doc.title if isinstance(doc.title, str) else ""
        document = {"doc_id": doc.doc_id, "year": doc.year, **dict(zip(carried, metadata))}
        for p, (paragraph, line) in enumerate(zip(paragraphs, numbers), start=1):
            sentences = split_sentences(paragraph)
            kind = paragraph_kind(paragraph, p, title, len(sentences))
            base = {**document, "paragraph": p, "line": line, "kind": kind}
            if unit == "paragraph":
                rows.append({**base, "unit_id": f"{doc.doc_id}:p{p:02d}", "sentence": pd.NA, "text": paragraph})
                continue
            for s, sentence in enumerate(sentences, start=1):
                rows.append({**base, "unit_id": f"{doc.doc_id}:p{p:02d}s{s:02d}", "sentence": s, "text": sentence})
    units = pd.DataFrame(rows, columns=[c for c in columns if c != "duplicate_of"])
    links = near_duplicates(
        units["text"].tolist(), threshold=threshold, min_words=min_words, groups=units["kind"].tolist()
    )
    ids = units["unit_id"].to_numpy()
    units["duplicate_of"] = pd.array([ids[i] if i >= 0 else pd.NA for i in links], dtype="string")
    units["sentence"] = units["sentence"].astype("Int64")
    for column in ("paragraph", "line", "year"):
        units[column] = units[column].astype("int64")
    for column in carried:   # each carried column keeps its documents' dtype (an empty corpus included)
        units[column] = units[column].astype(documents[column].dtype)
    return units[columns]
