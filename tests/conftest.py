"""Shared fixtures: the study corpus and small corpora written for a test."""

from __future__ import annotations

import contextlib
import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import matplotlib
import pandas as pd
import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"
UD = DATA / "benchmarks" / "ud-vi-vtb"
UD_DEV = UD / "vi_vtb-ud-dev.conllu"

# The UD reader and the word-segmentation scorer of bench/segmentation.py (gold data: UD Vietnamese-VTB).
sys.path.insert(0, str(ROOT / "bench"))
try:
    from segmentation import read_conllu, score  # noqa: E402,F401
finally:
    sys.path.remove(str(ROOT / "bench"))


@pytest.fixture(autouse=True)
def _private_cache(tmp_path_factory, monkeypatch):
    # Tests never read or write the user's segmentation cache.
    monkeypatch.setenv("TOOLKIT_CACHE_DIR", str(tmp_path_factory.getbasetemp() / "toolkit-cache"))
    monkeypatch.setenv("TOOLKIT_PROGRESS", "0")


@pytest.fixture(scope="session")
def corpus():
    import toolkit as tk

    return tk.load_corpus(DATA)


@pytest.fixture(scope="session")
def sentences(corpus):
    import toolkit as tk

    return tk.segment(corpus, unit="sentence")


@pytest.fixture(scope="session")
def paragraphs(corpus):
    import toolkit as tk

    return tk.segment(corpus, unit="paragraph")


@pytest.fixture(scope="module")
def coded():
    """Real study sentences with their adjudicated consensus codes (the theme classifier's tests)."""
    import pandas as pd

    import toolkit as tk

    themes = list(tk.THEMES)
    frame = pd.read_csv(DATA / "validation" / "sentences_consensus.csv", keep_default_na=False)
    return frame[["text", *themes]].astype({t: int for t in themes})


@pytest.fixture(scope="session")
def study_tokens(sentences):
    """The study corpus's sentence units with words and tokens (no cache)."""
    import toolkit as tk

    return tk.tokenize_units(sentences, cache=False)


@pytest.fixture(scope="module")
def body(sentences):
    """The study corpus's body sentences without near-duplicates, with words and tokens (no cache)."""
    import toolkit as tk

    units = sentences[(sentences.kind == "body") & sentences.duplicate_of.isna()]
    return tk.tokenize_units(units, cache=False).reset_index(drop=True)


def dfm_table(rows, terms, groups):
    """A document-term matrix of hand-written counts, one row per ``year`` in ``groups``."""
    import numpy as np
    import pandas as pd
    import scipy.sparse as sp

    from toolkit.features import DFM

    return DFM(sp.csr_matrix(np.array(rows)), np.array(terms, dtype=object), pd.DataFrame({"year": groups}))


def shard_digest(keys: list[bytes], columns: dict[str, list[str]]) -> str:
    """The word cache's shard digest, fed to hashlib by hand: the 16-byte keys, then each string
    column's name, its offsets from 0 (little-endian int32) and its UTF-8 characters."""
    import hashlib

    import numpy as np

    h = hashlib.blake2b(digest_size=16)
    h.update(b"".join(keys))
    for name, values in columns.items():
        encoded = [v.encode("utf-8") for v in values]
        h.update(name.encode() + np.cumsum([0] + [len(e) for e in encoded]).astype("<i4").tobytes())
        h.update(b"".join(encoded))
    return h.hexdigest()


def same_dfm(a, b):
    """Two document-term matrices hold the same counts, by group and by article."""
    assert a.terms.tolist() == b.terms.tolist()
    assert a.rows.reset_index(drop=True).equals(b.rows.reset_index(drop=True))
    assert (a.matrix != b.matrix).nnz == 0
    # Each article's counts, which keyness tests at the article level, whatever the shards.
    assert a.doc_rows.equals(b.doc_rows) and (a.docs != b.docs).nnz == 0


@pytest.fixture(scope="session")
def study_explorer(study_tokens, corpus):
    """The explorer's data of the study corpus by year."""
    from toolkit.explore_data import explorer_data

    return explorer_data(study_tokens, by="year", documents=corpus.documents, name="study")


def data_top_term(data, group):
    """The label of the group's term with the largest log ratio in the explorer's data (the first of ties)."""
    part = data["terms"]["groups"][group]
    best = max(range(len(part["t"])), key=lambda j: (part["lr"][j], -j))
    return data["terms"]["labels"][part["t"][best]]


@pytest.fixture(scope="session")
def real_texts(sentences):
    """Real sentences shipped with the repository, as the pipeline meets them: UD Vietnamese-VTB dev and
    train (news; data/benchmarks), the study corpus's sentence units, its coded sentences and the
    challenge set (data/validation); then the word-segmented form of 500 of them (syllables joined by _)."""
    import pandas as pd

    import toolkit as tk

    texts = [" ".join(g) for name in ("vi_vtb-ud-dev.conllu", "vi_vtb-ud-train.conllu") for g in read_conllu(UD / name)]
    texts += sentences.text.tolist()
    texts += pd.read_csv(DATA / "validation" / "sentences_consensus.csv", keep_default_na=False).text.tolist()
    texts += pd.read_csv(DATA / "validation" / "challenge" / "challenge.csv", keep_default_na=False).text.tolist()
    texts += [" ".join(words) for words in tk.segment_words(texts[::10][:500], cache=False)]
    return texts


# An article as outlets publish it (a dateline and a comment box to clean away), and a manifest header.
ARTICLE = "Hợp tác biên giới Việt - Lào\nBHG - Hai tỉnh ký thỏa thuận hợp tác về thương mại qua cửa khẩu.\nÝ kiến bạn đọc\n"
HEADER = "doc_id,file,year,province\n"
ROW = "a1,a.txt,2019,Hà Giang\n"


def NFD(text: str) -> str:
    """``text`` decomposed, as a file name copied from a Mac."""
    import unicodedata

    return unicodedata.normalize("NFD", text)


def write_corpus(root: Path, files: dict[str, bytes | str], manifest: str) -> Path:
    """Write ``root/corpus.csv`` and ``root/raw/<name>`` files; return ``root``."""
    raw = root / "raw"
    raw.mkdir(parents=True, exist_ok=True)
    for name, content in files.items():
        data = content.encode("utf-8") if isinstance(content, str) else content
        (raw / name).write_bytes(data)
    (root / "corpus.csv").write_text(manifest, encoding="utf-8")
    return root


def to_cp1258(text: str) -> bytes:
    """Encode like a Windows-1258 editor: modifier letters precomposed, tones as combining marks."""
    import unicodedata

    tones = "\u0300\u0301\u0303\u0309\u0323"
    out = []
    for ch in text:
        parts = unicodedata.normalize("NFD", ch)
        base = unicodedata.normalize("NFC", "".join(c for c in parts if c not in tones))
        out.append(base + "".join(c for c in parts if c in tones))
    return "".join(out).encode("cp1258")


CATEGORIES = {"qn2005a": "môi trường", "qn2005b": "y tế", "db2015a": "môi trường", "db2015b": "y tế",
              "db2015c": "môi trường", "cm2020a": "môi trường", "cm2020b": "y tế", "cm2020c": "môi trường",
              "cm2020d": "y tế"}


def category_corpus(root: Path) -> Path:
    """The other-question corpus with a manifest of doc_id,file,year,category: no province, outlet or title."""
    other = ROOT / "tests" / "data" / "other_question"
    files = {f"{doc}.txt": (other / "raw" / f"{doc}.txt").read_bytes() for doc in CATEGORIES}
    manifest = "doc_id,file,year,category\n" + "".join(
        f"{doc},{doc}.txt,{doc[2:6]},{category}\n" for doc, category in CATEGORIES.items())
    return write_corpus(root, files, manifest)


# --------------------------------------------------------------- figures
# Shared by the tests of the figure modules (test_figures.py, test_theme_figures.py, ...): frames worked by hand,
# real section names, the study's sentences in k groups, and what a drawn figure holds.


def upper_hex(colour):
    """A matplotlib colour as upper-case hex."""
    return matplotlib.colors.to_hex(colour).upper()


def points_of(ax):
    """The points of a seaborn point plot (not the caps of error bars, not the empty lines of its legend)."""
    return [line for line in ax.lines if len(line.get_xdata()) and line.get_marker() not in ("_", "|")]


def interval_ends(ax):
    """(position, low, high) of every error bar drawn on ``ax``, vertical or horizontal."""
    ends = []
    for container in ax.containers:
        if isinstance(container, matplotlib.container.ErrorbarContainer):
            for collection in container.lines[2]:
                for (x0, y0), (x1, y1) in collection.get_segments():
                    ends.append((x0, min(y0, y1), max(y0, y1)) if x0 == x1 else (y0, min(x0, x1), max(x0, x1)))
    return sorted(ends)


@pytest.fixture
def seaborn_calls(monkeypatch):
    """Record the seaborn calls a plot function makes (name and keyword arguments)."""
    import seaborn as sns

    calls = []
    for name in ("pointplot", "barplot", "lineplot"):
        original = getattr(sns, name)

        def spy(*args, _original=original, _name=name, **kwargs):
            calls.append((_name, kwargs))
            return _original(*args, **kwargs)

        monkeypatch.setattr(sns, name, spy)
    return calls


# Shares worked by hand: 2005 has 10 units, 2020 has 40; the intervals are given, not recomputed.
HAND_SHARES = pd.DataFrame({
    "year": [2005, 2005, 2020, 2020],
    "theme": ["health", "environment", "health", "environment"],
    "share": [0.3, 0.1, 0.25, 0.5],
    "ci_low": [0.067, 0.003, 0.127, 0.338],
    "ci_high": [0.652, 0.445, 0.412, 0.662],
    "articles": [1, 1, 3, 3],
})


# Dân trí's section names: real category labels, some long, to lay out as a 2-, 10- and 20-group grouping.
SECTIONS = ["kinh doanh", "thế giới", "giáo dục", "giải trí", "sức khỏe", "khoa học", "xã hội", "thể thao", "công nghệ",
            "du lịch", "pháp luật", "bất động sản", "văn hóa", "ô tô - xe máy", "nhịp sống trẻ", "tình yêu - giới tính",
            "bạn đọc", "chính trị", "an ninh trật tự", "sự kiện"]


def drawn_texts(fig):
    """Every text the figure draws (visible, non-empty), with its bounding box in pixels from the renderer.

    Text.draw is wrapped for the one draw, so only texts actually drawn count (not the labels of ticks
    outside the view, nor hidden ones); multi-line labels count as one box.
    """
    renderer = fig.canvas.get_renderer()
    drawn = []
    draw = matplotlib.text.Text.draw

    def recording(text, renderer):
        if text.get_visible() and text.get_text().strip():
            drawn.append(text)
        return draw(text, renderer)

    matplotlib.text.Text.draw = recording
    try:
        fig.draw(renderer)
    finally:
        matplotlib.text.Text.draw = draw
    return [(t.get_text(), t.get_window_extent(renderer)) for t in dict.fromkeys(drawn)]


def overlapping_texts(fig, tolerance=0.5):
    """Pairs of drawn texts whose boxes overlap by more than ``tolerance`` pixels both ways."""
    import itertools

    pairs = []
    for (a, box_a), (b, box_b) in itertools.combinations(drawn_texts(fig), 2):
        if (min(box_a.x1, box_b.x1) - max(box_a.x0, box_b.x0) > tolerance
                and min(box_a.y1, box_b.y1) - max(box_a.y0, box_b.y0) > tolerance):
            pairs.append((a, b))
    return pairs


_SECTION_FRAMES = {}


def section_frames(k, sentences):
    """The study's sentences (real text) split into k groups named after news sections, and every report frame."""
    import toolkit as tk

    if k not in _SECTION_FRAMES:
        units = tk.tokenize_units(sentences, cache=False).assign(
            section=[SECTIONS[i % k] for i in range(len(sentences))])
        shares = tk.theme_shares(units, by="section")
        body = units[(units.kind == "body") & units.duplicate_of.isna()].reset_index(drop=True)
        model = tk.fit_topics(tk.dfm(body, min_docs=2), n_topics=3, method="nmf", seed=0)
        variants = pd.concat([shares.assign(variant="baseline (sentences)"),
                              tk.theme_shares(units, by="section", kinds=None).assign(variant="titles included"),
                              tk.theme_shares(units, by="section", drop_duplicates=False).assign(variant="duplicates kept")])
        _SECTION_FRAMES[k] = {
            "shares": shares, "hits": tk.term_hits(units, by="section"), "odds": tk.log_odds(tk.dfm(body, by="section")),
            "topics": tk.topic_shares(model, body, by="section"), "robustness": variants,
            "estimates": pd.concat([shares.assign(estimate="lexicon"),
                                    shares.assign(estimate="hand coding", share=shares.share * 0.8)]),
            "sizes": tk.groups.describe_groups(units.assign(doc_id=units.doc_id + units.section)
                                                .drop_duplicates("doc_id"), "section"),
        }
    return _SECTION_FRAMES[k]


# --------------------------------------------------------------- hostile input (property tests and fuzzing)
# Property tests and fuzzing use hypothesis with a bounded number of examples so that they run in the normal
# test suite, derandomised: the same examples every run, so a test run is reproducible (CI included).
FUZZ = settings(max_examples=150, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])

# Arbitrary Unicode, including what hypothesis leaves out by default: lone surrogates,
# plus combining marks, right-to-left text, emoji and Vietnamese.
hostile_text = st.text(
    alphabet=st.one_of(
        st.characters(),
        st.characters(categories=["Cs"]),
        st.sampled_from(list("\u0300\u0301\u0303\u0309\u0323\u200b\ufeff\u202e\u05d0\u0627😀🇻🇳\r\n\t<>&;")),
        st.sampled_from(list("hòa thủy hoà thuỷ cửa khẩu an ninh biên giới hữu nghị đầu tư nước ngoài. ")),
    ),
    max_size=200,
)
vietnamese_text = st.lists(
    st.sampled_from(list("aăâeêioôơuưyđbcdghklmnpqrstvx ÀÁẢÃẠàáảãạèéẻẽẹòóỏõọùúủũụìíỉĩịỳýỷỹỵ.,;:!?-–()\"“”0123456789\n")
                    + ["\u0300", "\u0301", "\u0309", "\u0303", "\u0323", "&amp;", "&lt;", "<b>", "</p>", "\u00a0", "hoà",
                       "thuỷ", "\u200b", "\r\n"]),
    max_size=120,
).map("".join)


def documented(call):
    """Run ``call``; the toolkit's own documented errors are acceptable answers to hostile input."""
    from toolkit.errors import ToolkitError

    try:
        call()
    except ToolkitError:
        pass


@contextlib.contextmanager
def jupyterlab(root: Path, runtime: Path, extra=(), wait: float = 60):
    """A JupyterLab server on loopback serving ``root``: yields ``(base_url, token)``, stopped on exit."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    token = secrets.token_hex(16)
    proc = subprocess.Popen(
        [sys.executable, "-m", "jupyterlab", "--no-browser", "--ip=127.0.0.1", f"--port={port}",
         f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={root}", "--ServerApp.open_browser=False",
         "--allow-root", *extra],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env={**os.environ, "JUPYTER_RUNTIME_DIR": str(runtime)})
    base = f"http://127.0.0.1:{port}"
    deadline = time.time() + wait
    while time.time() < deadline:
        try:
            urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=2)
            break
        except OSError:
            time.sleep(0.5)
    else:
        proc.kill()
        pytest.fail(f"JupyterLab did not start within {wait:.0f} s")
    try:
        yield base, token
    finally:
        proc.terminate()
        proc.wait(timeout=30)


@pytest.fixture(scope="module")
def counts(body):
    """The unit-level DFM of ``body`` (terms in at least two units), as the topic models take it."""
    from toolkit.features import dfm

    return dfm(body, min_docs=2)


def hand_dfm(rows, terms):
    """A DFM of hand-written counts, one row per unit, no labels."""
    import numpy as np
    import pandas as pd
    import scipy.sparse as sp

    from toolkit.features import DFM

    return DFM(sp.csr_matrix(np.array(rows, dtype=float)), np.array(terms, dtype=object),
               pd.DataFrame(index=range(len(rows))))


# Two clear groups of words: a-words (units 0-5) and b-words (units 6-11), each unit from one group.
TWO_TOPICS = hand_dfm([[3, 2, 1, 0, 0, 0], [2, 3, 2, 0, 0, 0], [1, 2, 3, 0, 0, 0]] * 2
                      + [[0, 0, 0, 3, 2, 1], [0, 0, 0, 2, 3, 2], [0, 0, 0, 1, 2, 3]] * 2,
                      ["a1", "a2", "a3", "b1", "b2", "b3"])
