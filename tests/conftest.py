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


@pytest.fixture(scope="session")
def study_explorer(study_tokens, corpus):
    """The explorer's data of the study corpus by year."""
    from toolkit.explore import explorer_data

    return explorer_data(study_tokens, by="year", documents=corpus.documents, name="study")


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
