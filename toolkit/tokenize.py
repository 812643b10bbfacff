"""Word segmentation (pyvi) with project fixes, and analysis tokens.

:func:`word_segment` returns every word of a text in order, syllables joined
by ``_``: pyvi's CRF model decides the word boundaries, and the toolkit fixes
its known failures:

1. **Syllables.** pyvi's syllable splitter treats any run of capitals before a
   full stop as an abbreviation, so the acronym swallows the sentence's stop
   ("UBND." is one token), and it splits dates ("17/3/2008" becomes five
   tokens). Here only the abbreviations of
   :data:`toolkit.normalize.ABBREVIATIONS` keep their stop, and dates
   (d/m/yyyy, m/yyyy) are one token, as in the UD Vietnamese treebank.
2. **Tone placement.** pyvi's lexicon features (bi- and tri-grams of
   ``words.txt``) are spelled with the other tone placement (thoả thuận);
   normalised text (thỏa thuận) would miss them. The lookup holds both
   spellings.
3. **Domain dictionary.** Multi-word expressions of
   ``resources/domain_words.txt`` (place names, cửa khẩu, biên mậu...) are
   forced as whole words.
4. **Over-merged compounds.** A word of three or more syllables that is
   neither in pyvi's lexicon nor in the domain dictionary, and that splits
   into known words with at most one single syllable left over, is split
   (hoạt_động_kinh_tế -> hoạt_động kinh_tế, mở_cửa_khẩu -> mở cửa_khẩu).

:func:`tokenize` turns text into analysis tokens: normalised, segmented,
lower-cased, without punctuation, numbers or stopwords. Stopwords are the
public list in ``resources/stopwords/`` with the domain changes of
``resources/stopwords_domain.txt``.

:func:`segment_words` and :func:`tokenize_units` process many texts with a
content-keyed cache (JSON, never pickle), a progress bar, and optional worker
processes.

Speed: pyvi's model is evaluated by :class:`toolkit.crf.BatchTagger`, which
computes the features of a whole batch of texts at once and decodes with
NumPy; the labels are exactly those of pyvi's python-crfsuite tagger
(:func:`pyvi_labels`, the reference, is kept for tests). Figures in
``bench/README.md``.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import string
import sys
import unicodedata
import warnings
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from functools import lru_cache
from importlib import resources
from pathlib import Path

import pandas as pd

from .atomic import atomic_write
from .errors import ToolkitError
from .normalize import ABBREVIATIONS, normalize_text

__all__ = [
    "word_segment", "tokenize", "Tokenizer", "syllabify", "stopwords", "domain_words",
    "segment_words", "tokenize_units", "default_cache_dir", "syllable_spans", "word_segment_many",
]

_PUNCT = set(string.punctuation)
_ABBREV_RE = "|".join(re.escape(a) + r"\." for a in sorted(ABBREVIATIONS, key=len, reverse=True))
_SYLLABLE_RE = re.compile(
    "(" + "|".join([
        r"(?<!\w)(?:" + _ABBREV_RE + r")",
        r"\d{1,2}/\d{1,2}/\d{2,4}(?![\d/])",          # dates 17/3/2008
        r"\d{1,2}/\d{4}(?![\d/])",                    # month/year 10/2011
        r"==>", r"->", r"\.\.\.", r">>",
        r"\w+://[^\s]+",
        r"[a-zA-Z0-9_.+-]+@(?:[a-zA-Z0-9-]+\.)+[a-zA-Z0-9-]+",
        r"\d+(?:[.,_]\d+)+",
        r"[^\w\s]",
        r"\w+",
    ]) + ")"
)


def _read_resource(name: str) -> str:
    return resources.files("toolkit").joinpath("resources", name).read_text(encoding="utf-8")


def _entries(text: str) -> list[str]:
    out = []
    for line in text.splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            out.append(line)
    return out


@lru_cache(maxsize=1)
def domain_words() -> frozenset[str]:
    """The domain dictionary: lower-cased entries, syllables joined by spaces."""
    return frozenset(" ".join(normalize_text(e).lower().split()) for e in _entries(_read_resource("domain_words.txt")))


@lru_cache(maxsize=1)
def stopwords() -> frozenset[str]:
    """The stopword set used by :func:`tokenize` (lower case, ``_``-joined).

    The public list (1,942 entries) normalised like the text, minus the
    removals and plus the additions of ``resources/stopwords_domain.txt``.
    """
    base = {
        "_".join(normalize_text(e).lower().split())
        for e in _read_resource("stopwords/vietnamese-stopwords.txt").splitlines() if e.strip()
    }
    for entry in _entries(_read_resource("stopwords_domain.txt")):
        sign, word = entry[0], normalize_text(entry[1:].strip()).lower()
        if sign == "+":
            base.add(word)
        elif sign == "-":
            base.discard(word)
        else:
            raise ToolkitError(f"stopwords_domain.txt: line {entry!r} must start with + or -")
    return frozenset(base)


@lru_cache(maxsize=1)
def _pyvi():
    """pyvi's tokenizer class and its lexicon in both tone placements.

    Returns the class and a dict: 2 and 3 map to the bi- and tri-grams,
    ``"known"`` to every multi-syllable word known to pyvi or the domain
    dictionary, ``"first"`` to the domain entries by first syllable, longest first.
    """
    from pyvi.ViTokenizer import ViTokenizer

    lexicon = {}
    for size, grams in ((2, ViTokenizer.bi_grams), (3, ViTokenizer.tri_grams)):
        normalised = {normalize_text(g) for g in grams}
        lexicon[size] = frozenset(grams) | frozenset(normalised)
    lexicon["known"] = lexicon[2] | lexicon[3] | domain_words()
    first: dict[str, list[tuple[str, ...]]] = {}
    for entry in domain_words():
        first.setdefault(entry.split()[0], []).append(tuple(entry.split()))
    lexicon["first"] = {k: sorted(v, key=len, reverse=True) for k, v in first.items()}
    return ViTokenizer, lexicon


def syllabify(text: str) -> list[str]:
    """Split text into syllables and symbols; every non-space character is kept.

    Examples
    --------
    >>> syllabify("UBND tỉnh họp ngày 17/3/2008 tại TP. Hà Giang, UBND.")
    ['UBND', 'tỉnh', 'họp', 'ngày', '17/3/2008', 'tại', 'TP.', 'Hà', 'Giang', ',', 'UBND', '.']
    """
    return _SYLLABLE_RE.findall(text)


def syllable_spans(text: str) -> list[tuple[str, int, int]]:
    """:func:`syllabify` with the character span of each syllable."""
    return [(m.group(0), m.start(), m.end()) for m in _SYLLABLE_RE.finditer(text)]


def _features(sylls: list[str], bigrams, trigrams) -> list[list[str]]:
    """pyvi's CRF features, as attribute strings, computed once per syllable."""
    n = len(sylls)
    lower = [s.lower() for s in sylls]
    title = [s.istitle() for s in sylls]
    upper = [s.isupper() for s in sylls]
    bi = [f"{lower[i]} {lower[i + 1]}" in bigrams for i in range(n - 1)]
    tri = [f"{lower[i]} {lower[i + 1]} {lower[i + 2]}" in trigrams for i in range(n - 2)]
    out = []
    for i in range(n):
        f = ["bias", "word.lower():" + lower[i]]
        if upper[i]:
            f.append("word.isupper()")
        if title[i]:
            f.append("word.istitle()")
        if sylls[i].isdigit():
            f.append("word.isdigit()")
        if i > 0:
            f.append("-1:word.lower():" + lower[i - 1])
            if title[i - 1]:
                f.append("-1:word.istitle()")
            if upper[i - 1]:
                f.append("-1:word.isupper()")
            if bi[i - 1]:
                f.append("-1:word.bi_gram()")
            if i > 1 and tri[i - 2]:
                f.append("-2:word.tri_gram()")
        if i < n - 1:
            f.append("+1:word.lower():" + lower[i + 1])
            if title[i + 1]:
                f.append("+1:word.istitle()")
            if upper[i + 1]:
                f.append("+1:word.isupper()")
            if bi[i]:
                f.append("+1:word.bi_gram()")
            if i < n - 2 and tri[i]:
                f.append("+2:word.tri_gram()")
        out.append(f)
    return out


def _can_join(prev: str, cur: str) -> bool:
    # pyvi's own rule for turning an I_W label into a joined syllable.
    return not (
        cur in _PUNCT or prev in _PUNCT or cur[0].isdigit() or prev[0].isdigit()
        or (cur[0].istitle() and not prev[0].istitle())
    )


_SURROGATE_RE = re.compile("[\ud800-\udfff]")


def pyvi_labels(sylls: list[str], lexicon: str = "both") -> list[str]:
    """B_W/I_W labels of pyvi's CRF model for a list of syllables, tagged by python-crfsuite.

    The reference implementation: :func:`word_segment` computes the same
    labels in batches with :class:`toolkit.crf.BatchTagger`.

    ``lexicon="pyvi"`` reproduces pyvi's own features exactly; ``"both"``
    (the toolkit's default) also finds lexicon entries written with the other
    tone placement.
    """
    if not sylls:
        return []
    tokenizer, lex = _pyvi()
    if lexicon == "pyvi":
        bigrams, trigrams = tokenizer.bi_grams, tokenizer.tri_grams
    else:
        bigrams, trigrams = lex[2], lex[3]
    return tokenizer.model.tagger_.tag(_features(sylls, bigrams, trigrams))


def _words_from(sylls: list[str], starts: list[bool]) -> list[str]:
    words: list[str] = []
    for syl, start in zip(sylls, starts):
        if start or not words:
            words.append(syl)
        else:
            words[-1] += "_" + syl
    return words


def _force_dictionary(lower: list[str], starts: list[bool], forced: list[bool], first) -> None:
    """Force domain entries as whole words, longest first; ``first`` maps a first syllable to its entries."""
    i, n = 0, len(lower)
    while i < n:
        for entry in first.get(lower[i], ()):
            size = len(entry)
            if tuple(lower[i:i + size]) == entry:
                starts[i] = forced[i] = True
                for k in range(i + 1, i + size):
                    starts[k] = False
                    forced[k] = True
                if i + size < n:
                    starts[i + size] = True
                i += size
                break
        else:
            i += 1


def _split_overmerged(lower: list[str], starts: list[bool], forced: list[bool], known) -> None:
    n = len(lower)
    bounds = [i for i in range(n) if starts[i]] + [n]
    for a, b in zip(bounds, bounds[1:]):
        size = b - a
        if size < 3 or forced[a] or " ".join(lower[a:b]) in known:
            continue
        # Fewest pieces, all known words except at most one single syllable.
        best: dict[int, tuple[int, int, list[int]]] = {0: (0, 0, [])}
        for i in range(size):
            if i not in best:
                continue
            pieces, singles, cuts = best[i]
            for j in range(i + 1, min(size, i + 3) + 1):
                piece = " ".join(lower[a + i:a + j])
                single = j - i == 1
                if not single and piece not in known:
                    continue
                cand = (pieces + 1, singles + single, cuts + [i])
                if cand[1] <= 1 and (j not in best or cand[:2] < best[j][:2]):
                    best[j] = cand
        if size in best and best[size][0] > 1:
            for cut in best[size][2]:
                starts[a + cut] = True


@lru_cache(maxsize=1)
def _batch_tagger():
    from .crf import BatchTagger

    tokenizer, _ = _pyvi()
    return BatchTagger(tokenizer.model.tagger_)


def _check_text(text, where: str = "") -> None:
    if not isinstance(text, str):
        raise ToolkitError(f"word_segment expects a str{where}, got {type(text).__name__}")
    bad = _SURROGATE_RE.search(text)
    if bad:
        raise ToolkitError(
            f"text{where} contains a lone surrogate code point (U+{ord(bad.group()):04X}) at character "
            f"{bad.start()}; it is not valid Unicode text: decode the source strictly or replace it"
        )


def word_segment_many(texts, fixes: bool = True) -> list[list[str]]:
    """:func:`word_segment` for a batch of texts, tagged together (much faster than one by one)."""
    texts = list(texts)
    for i, text in enumerate(texts):
        _check_text(text, f" (item {i})" if len(texts) > 1 else "")
    tokenizer, lex = _pyvi()
    texts = [unicodedata.normalize("NFC", t) for t in texts]
    if fixes:
        sequences = [syllabify(t) for t in texts]
        bigrams, trigrams = lex[2], lex[3]
    else:
        sequences = [tokenizer.sylabelize(t)[1] for t in texts]
        bigrams, trigrams = tokenizer.bi_grams, tokenizer.tri_grams
    tagger = _batch_tagger()
    inside = tagger.decode(tagger.scores(sequences, bigrams, trigrams))
    return [_words(sylls, is_inside, fixes, lex) for sylls, is_inside in zip(sequences, inside)]


def _words(sylls: list[str], inside, fixes: bool, lex: dict) -> list[str]:
    """Words from syllables and their I_W flags: pyvi's joining rule, then the toolkit's fixes."""
    starts = [i == 0 or not inside[i] or not _can_join(sylls[i - 1], sylls[i]) for i in range(len(sylls))]
    if fixes and sylls:
        lower = [s.lower() for s in sylls]
        forced = [False] * len(sylls)
        _force_dictionary(lower, starts, forced, lex["first"])
        _split_overmerged(lower, starts, forced, lex["known"])
    return _words_from(sylls, starts)


def word_segment(text: str, fixes: bool = True) -> list[str]:
    """Segment Vietnamese text into words, syllables joined by ``_``.

    Every word of the text is returned in order, punctuation included, and the
    concatenation of the words without ``_`` equals the text without spaces
    (after NFC). The text is not otherwise normalised; :func:`tokenize` is.

    Parameters
    ----------
    text : str
    fixes : bool, default True
        Apply the toolkit's fixes (module docstring). ``False`` gives pyvi's
        model on pyvi's own syllables and features, i.e. ``ViTokenizer``.

    Examples
    --------
    >>> word_segment("Hoạt động kinh tế qua cửa khẩu Thanh Thủy tăng.")
    ['Hoạt_động', 'kinh_tế', 'qua', 'cửa_khẩu', 'Thanh_Thủy', 'tăng', '.']
    """
    _check_text(text)
    text = unicodedata.normalize("NFC", text)
    tokenizer, lex = _pyvi()
    sylls = syllabify(text) if fixes else tokenizer.sylabelize(text)[1]
    # One text: python-crfsuite's own tagger is quicker than setting up a batch.
    labels = pyvi_labels(sylls, lexicon="both" if fixes else "pyvi")
    return _words(sylls, [lab == "I_W" for lab in labels], fixes, lex)


_HAS_LETTER = re.compile(r"[^\W\d_]")


class Tokenizer:
    """Callable turning text into analysis tokens; usable as a scikit-learn analyzer.

    Parameters
    ----------
    remove_stopwords : bool, default True
        Drop the words of :func:`stopwords`.
    lowercase : bool, default True
    extra_stopwords : iterable of str, optional
        More words to drop (``_``-joined, normalised like the text).

    Examples
    --------
    >>> from sklearn.feature_extraction.text import CountVectorizer
    >>> vec = CountVectorizer(analyzer=Tokenizer())
    >>> vec.fit(["Hợp tác kinh tế qua cửa khẩu."]).get_feature_names_out().tolist()
    ['cửa_khẩu', 'hợp_tác', 'kinh_tế']
    """

    def __init__(self, remove_stopwords: bool = True, lowercase: bool = True, extra_stopwords=()):
        self.remove_stopwords = remove_stopwords
        self.lowercase = lowercase
        self.extra_stopwords = tuple(extra_stopwords)

    def _stopset(self) -> frozenset[str]:
        extra = {normalize_text(w).lower() for w in self.extra_stopwords}
        return (stopwords() | extra) if self.remove_stopwords else frozenset(extra)

    def filter(self, words: list[str]) -> list[str]:
        """Analysis tokens from already segmented words."""
        stop = self._stopset()
        out = []
        for word in words:
            if not _HAS_LETTER.search(word):
                continue  # punctuation and numbers (26.7.2016, 102,6)
            low = word.lower()
            if low in stop:
                continue
            out.append(low if self.lowercase else word)
        return out

    def __call__(self, text: str) -> list[str]:
        return self.filter(word_segment(normalize_text(text)))

    def __repr__(self) -> str:
        return (f"Tokenizer(remove_stopwords={self.remove_stopwords}, lowercase={self.lowercase}, "
                f"extra_stopwords={self.extra_stopwords!r})")


def tokenize(text: str, remove_stopwords: bool = True) -> list[str]:
    """Analysis tokens of ``text``: normalised, segmented, lower-cased, filtered.

    Punctuation, numbers and (by default) stopwords are dropped.

    Examples
    --------
    >>> tokenize("Tỉnh ta đẩy mạnh hợp tác với các nước, thu hút 9 dự án ODA.")
    ['đẩy_mạnh', 'hợp_tác', 'nước', 'thu_hút', 'dự_án', 'oda']
    """
    return Tokenizer(remove_stopwords=remove_stopwords)(text)


# ---------------------------------------------------------------- many texts

def default_cache_dir() -> Path:
    """``$TOOLKIT_CACHE_DIR``, else ``$XDG_CACHE_HOME/vn-discourse-toolkit``, else ``~/.cache/...``."""
    env = os.environ.get("TOOLKIT_CACHE_DIR")
    if env:
        return Path(env)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "vn-discourse-toolkit"


@lru_cache(maxsize=1)
def _cache_signature() -> str:
    from . import __version__

    h = hashlib.sha256()
    for part in (__version__, _read_resource("domain_words.txt"), _SYLLABLE_RE.pattern):
        h.update(part.encode("utf-8"))
    return f"{__version__}-{h.hexdigest()[:12]}"


def _key(text: str) -> str:
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()


def _load_cache(path: Path) -> dict[str, str]:
    if not path.exists():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.get("signature") != _cache_signature() or not isinstance(data.get("entries"), dict):
            raise ValueError("made by another toolkit version or configuration")
        return data["entries"]
    except (ValueError, OSError, AttributeError) as err:
        warnings.warn(f"word segmentation cache {path} is unusable ({err}); rebuilding it", stacklevel=3)
        return {}


def _save_cache(path: Path, entries: dict[str, str]) -> None:
    payload = {"signature": _cache_signature(), "entries": dict(sorted(entries.items()))}
    text = json.dumps(payload, ensure_ascii=False)
    atomic_write(path, lambda tmp: tmp.write_text(text, encoding="utf-8"))


@contextmanager
def _dask_client(scheduler):
    """A dask.distributed client from a client or a scheduler address (closed after use if made here)."""
    try:
        from dask.distributed import Client
    except ImportError as err:  # optional dependency
        raise ToolkitError("scheduler= needs Dask: pip install -e .[dask]") from err
    if isinstance(scheduler, Client):
        yield scheduler
        return
    client = Client(scheduler)
    try:
        yield client
    finally:
        client.close()


def _segment_chunk(texts: list[str]) -> list[list[str]]:
    return word_segment_many(texts)


@contextmanager
def _chunk_results(chunks: list[list[str]], n_jobs: int, scheduler):
    """The words of each chunk, in order: here, in worker processes, or on a Dask cluster."""
    if scheduler is not None:
        with _dask_client(scheduler) as client:
            yield client.gather(client.map(_segment_chunk, chunks, pure=False))
    elif n_jobs == 1 or len(chunks) == 1:
        yield map(_segment_chunk, chunks)
    else:
        _batch_tagger()  # load the model before forking, so that workers inherit it
        with ProcessPoolExecutor(max_workers=n_jobs) as pool:
            yield pool.map(_segment_chunk, chunks)


def _progress(total: int, show: bool | None, desc: str):
    from tqdm import tqdm

    if show is None:
        show = total >= 500 and os.environ.get("TOOLKIT_PROGRESS", "1") != "0"
    return tqdm(total=total, disable=not show, desc=desc, file=sys.stderr, leave=False)


def segment_words(
    texts,
    cache: bool | str | os.PathLike = True,
    n_jobs: int = 1,
    progress: bool | None = None,
    chunk_size: int = 200,
    scheduler=None,
) -> list[list[str]]:
    """:func:`word_segment` over many texts, with a cache and optional processes.

    Parameters
    ----------
    texts : iterable of str
        Normalised texts (e.g. ``units["text"]``).
    cache : bool or path, default True
        ``True`` uses :func:`default_cache_dir`; a path names the folder;
        ``False`` disables caching. Entries are keyed by the text's hash and
        the file by the toolkit version and configuration; a file that is
        corrupt or from another version is rebuilt with a warning.
    n_jobs : int, default 1
        Worker processes for uncached texts.
    progress : bool, optional
        Show a progress bar (stderr); by default only for 500 or more texts.
    chunk_size : int, default 200
        Texts per task sent to a worker.
    scheduler : dask.distributed.Client or str, optional
        Run the uncached texts on a Dask cluster instead (a client, or the
        scheduler's address such as ``"tcp://10.0.0.5:8786"``); needs
        ``pip install -e .[dask]``. Results are identical to a local run.

    Returns
    -------
    list of list of str
        The words of each text, in input order.
    """
    texts = list(texts)
    bad = next((i for i, t in enumerate(texts) if not isinstance(t, str)), None)
    if bad is not None:
        raise ToolkitError(f"segment_words: item {bad} is {type(texts[bad]).__name__}, not str")
    if n_jobs < 1:
        raise ToolkitError(f"n_jobs must be at least 1, got {n_jobs!r}")
    path = None
    entries: dict[str, str] = {}
    if cache:
        folder = default_cache_dir() if cache is True else Path(cache)
        path = folder / f"words-{_cache_signature()}.json"
        entries = _load_cache(path)
    keys = [_key(t) for t in texts]
    todo = sorted({k: t for k, t in zip(keys, texts) if k not in entries}.items())
    if todo:
        with _progress(len(todo), progress, "word segmentation") as bar:
            chunks = [todo[i:i + chunk_size] for i in range(0, len(todo), chunk_size)]
            with _chunk_results([[t for _, t in chunk] for chunk in chunks], n_jobs, scheduler) as results:
                for chunk, words in zip(chunks, results):
                    entries.update({k: " ".join(w) for (k, _), w in zip(chunk, words)})
                    bar.update(len(chunk))
        if path is not None:
            _save_cache(path, entries)
    return [entries[k].split(" ") if entries[k] else [] for k in keys]


def tokenize_units(
    units: pd.DataFrame,
    tokenizer: Tokenizer | None = None,
    column: str = "text",
    **kwargs,
) -> pd.DataFrame:
    """Add ``words`` (all words) and ``tokens`` (analysis tokens) to a units frame.

    Parameters
    ----------
    units : pandas.DataFrame
        From :func:`toolkit.segment`.
    tokenizer : Tokenizer, optional
        Filtering of words into tokens; default ``Tokenizer()``.
    column : str, default "text"
    **kwargs
        Passed to :func:`segment_words` (``cache``, ``n_jobs``, ``progress``,
        ``scheduler``).

    Returns
    -------
    pandas.DataFrame
        A copy of ``units`` with list columns ``words`` and ``tokens`` and the
        int column ``n_tokens``.
    """
    if column not in units.columns:
        raise ToolkitError(f"tokenize_units: no column {column!r}; columns are {', '.join(units.columns)}")
    tokenizer = tokenizer or Tokenizer()
    out = units.copy()
    words = segment_words([normalize_text(t) for t in out[column]], **kwargs)
    out["words"] = words
    out["tokens"] = [tokenizer.filter(w) for w in words]
    out["n_tokens"] = [len(t) for t in out["tokens"]]
    return out
