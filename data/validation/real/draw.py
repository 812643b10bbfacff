"""Draw the real-text validation sample: a stratified probability sample of news sentences.

Usage::

    python draw.py SOURCES OUT

SOURCES holds the corpus folders ``baomoi/`` and ``unc/`` written by ``rebuild.py``. OUT receives the
coding sheets (they carry the text, so they stay outside the repository); ``sample.csv`` and
``strata.csv`` beside this script record, without the text, which sentences were drawn, from which
stratum, with which inclusion probability, and in which half.

Design (fixed before the draw, see README.md):

1. Population: every body sentence that is not a near-duplicate (``kind == "body"`` and
   ``duplicate_of`` empty, the toolkit's unit selection) of the 35,440 baomoi.com articles (January
   2017, national and provincial outlets) and the 200 Dân trí articles (2020-2021, ten sections).
2. Article type, from the article's cleaned text by the rule in ``article_type`` (no lexicon):
   ``provincial_fa`` (names a land-border province and at least three distinct foreign-affairs cues),
   ``national_fa`` (names Viet Nam and at least three cues), ``domestic`` (the rest, news about other
   countries included).
3. Strata: source x article type x the frozen measurement's label (any theme or none); stratified
   simple random sampling of sentences without replacement, sizes in ``ALLOCATION``; a sentence's
   inclusion probability is n_h / N_h of its stratum.
4. Halves: the sampled articles of each source x type are shuffled and dealt alternately to the
   tuning and the test half, so that no article has sentences in both.
"""
from __future__ import annotations

import hashlib
import re
import sys
from pathlib import Path

import numpy as np
import pandas as pd

import toolkit as tk

SEED = 20261202
HERE = Path(__file__).resolve().parent

# The 25 provinces with a land border (China, Laos, Cambodia), plus Quảng Ninh's sea-and-land border.
BORDER_PROVINCES = [
    "Lào Cai", "Lạng Sơn", "Hà Giang", "Cao Bằng", "Quảng Ninh", "Điện Biên", "Lai Châu", "Sơn La",
    "Thanh Hóa", "Nghệ An", "Hà Tĩnh", "Quảng Bình", "Quảng Trị", "Thừa Thiên Huế", "Huế", "Quảng Nam",
    "Kon Tum", "Gia Lai", "Đắk Lắk", "Đắk Nông", "Bình Phước", "Tây Ninh", "Long An", "Đồng Tháp",
    "An Giang", "Kiên Giang",
]
# Cues of foreign relations, matched as whole syllable sequences; lower-case cues ignore case.
FA_CUES = [
    "đối ngoại", "ngoại giao", "hợp tác quốc tế", "hội nhập", "nước ngoài", "quốc tế", "Trung Quốc",
    "Campuchia", "Lào", "Thái Lan", "Hàn Quốc", "Nhật Bản", "Hoa Kỳ", "Mỹ", "ASEAN", "EU",
    "biên giới", "cửa khẩu", "đại sứ", "FDI", "ODA", "xuất khẩu", "nhập khẩu", "hữu nghị",
    "phi chính phủ", "kết nghĩa", "biên mậu", "đầu tư nước ngoài",
]

# sentences drawn per stratum: (source, article type, measurement label) -> n
ALLOCATION = {
    ("baomoi", "provincial_fa", "theme"): 170, ("baomoi", "provincial_fa", "none"): 110,
    ("baomoi", "national_fa", "theme"): 150, ("baomoi", "national_fa", "none"): 110,
    ("baomoi", "domestic", "theme"): 130, ("baomoi", "domestic", "none"): 150,
    ("unc", "any", "theme"): 30, ("unc", "any", "none"): 50,
}


def _pattern(term: str) -> re.Pattern:
    flags = 0 if term[0].isupper() else re.IGNORECASE
    tail = r"(?! Cai)" if term == "Lào" else ""   # Lào, not the province Lào Cai
    return re.compile(r"(?<!\w)" + re.escape(term) + r"(?!\w)" + tail, flags)


PROVINCE_RE = [_pattern(p) for p in BORDER_PROVINCES]
CUE_RE = [_pattern(c) for c in FA_CUES]
VIETNAM_RE = _pattern("Việt Nam")


def article_type(text: str) -> str:
    """The article type of a cleaned article text (rule 2 of the design)."""
    cues = sum(bool(r.search(text)) for r in CUE_RE)
    if cues >= 3 and any(r.search(text) for r in PROVINCE_RE):
        return "provincial_fa"
    if cues >= 3 and VIETNAM_RE.search(text):
        return "national_fa"
    return "domestic"


def population(folder: Path, source: str, lexicon) -> pd.DataFrame:
    corpus = tk.load_corpus(folder)
    units = tk.segment(corpus, unit="sentence")
    docs = corpus.documents.set_index("doc_id")
    body = units[(units.kind == "body") & units.duplicate_of.isna()].copy()
    labels = tk.label_themes(body.text, lexicon=lexicon)
    body["label"] = np.where(labels.any(axis=1).to_numpy(), "theme", "none")
    kinds = {d: article_type(t) for d, t in docs.text.items()}
    body["article_type"] = body.doc_id.map(kinds) if source != "unc" else "any"
    body["source"] = source
    body["title"] = body.doc_id.map(docs.title).fillna("")
    # context: the sentence before and after in the same article (titles and captions included)
    units = units.sort_values(["doc_id", "paragraph", "sentence"]).reset_index(drop=True)
    prev = units.groupby("doc_id").text.shift(1).fillna("")
    nxt = units.groupby("doc_id").text.shift(-1).fillna("")
    ctx = pd.DataFrame({"before": prev.to_numpy(), "after": nxt.to_numpy()}, index=units.unit_id)
    body["context_before"] = body.unit_id.map(ctx.before)
    body["context_after"] = body.unit_id.map(ctx.after)
    return body


def draw(pop: pd.DataFrame, allocation: dict = ALLOCATION, seed: int = SEED, halves=("tune", "test"),
         prefix: str = "r") -> tuple[pd.DataFrame, pd.DataFrame]:
    """Stratified simple random sampling by ``allocation``, then articles dealt alternately to ``halves``."""
    rng = np.random.default_rng(seed)
    pop = pop.sort_values("unit_id").reset_index(drop=True)
    picked, strata = [], []
    for (source, kind, label), n in allocation.items():
        frame = pop[(pop.source == source) & (pop.article_type == kind) & (pop.label == label)]
        take = min(n, len(frame))
        rows = frame.iloc[np.sort(rng.choice(len(frame), size=take, replace=False))].copy()
        rows["stratum"] = f"{source}/{kind}/{label}"
        rows["inclusion_prob"] = take / len(frame)
        picked.append(rows)
        strata.append({"stratum": f"{source}/{kind}/{label}", "N": len(frame), "n": take,
                       "inclusion_prob": take / len(frame)})
    sample = pd.concat(picked, ignore_index=True)
    half = {}
    for _, group in sample.groupby(["source", "article_type"], sort=True):
        docs = np.array(sorted(group.doc_id.unique()))
        rng.shuffle(docs)
        half.update({d: halves[i % 2] for i, d in enumerate(docs)})
    sample["half"] = sample.doc_id.map(half)
    order = rng.permutation(len(sample))
    sample = sample.iloc[order].reset_index(drop=True)
    sample["sample_id"] = [f"{prefix}{i + 1:04d}" for i in range(len(sample))]
    sample["text_sha256"] = [hashlib.sha256(t.encode("utf-8")).hexdigest() for t in sample.text]
    return sample, pd.DataFrame(strata)


def main(sources: Path, out: Path) -> None:
    lexicon = tk.load_lexicon("v2")
    pop = pd.concat([population(sources / "baomoi", "baomoi", lexicon),
                     population(sources / "unc", "unc", lexicon)], ignore_index=True)
    sample, strata = draw(pop)
    write(sample, strata, out, ("tune", "test"), "")


def write(sample: pd.DataFrame, strata: pd.DataFrame, out: Path, halves, suffix: str) -> None:
    """The text-free record beside this script (``sample{suffix}.csv``, ``strata{suffix}.csv``) and, in ``out``,
    each half's coding sheet and its scoring file with the text."""
    keep = ["sample_id", "half", "source", "doc_id", "unit_id", "paragraph", "sentence", "article_type",
            "stratum", "inclusion_prob", "text_sha256"]
    sample[keep].sort_values("sample_id").to_csv(HERE / f"sample{suffix}.csv", index=False)
    strata.to_csv(HERE / f"strata{suffix}.csv", index=False)
    out.mkdir(parents=True, exist_ok=True)
    sheet = ["sample_id", "title", "context_before", "text", "context_after"]
    for half in halves:
        part = sample[sample.half == half].sort_values("sample_id")
        part[sheet].to_csv(out / f"sheet_{half}.csv", index=False, encoding="utf-8")
        # text with the design, for scoring; never handed to a coder
        part[sheet + ["source", "doc_id", "unit_id", "stratum", "inclusion_prob"]].to_csv(
            out / f"units_{half}.csv", index=False, encoding="utf-8")
    print(strata.to_string(index=False))
    print(sample.groupby("half").agg(sentences=("sample_id", "size"), articles=("doc_id", "nunique")))


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(Path(sys.argv[1]), Path(sys.argv[2]))
