"""Word segmentation accuracy and speed on the UD Vietnamese-VTB dev split.

Prints word-level precision, recall and F1 and words per second for the
toolkit's ``word_segment``, for raw pyvi (``ViTokenizer.tokenize``) and, when
installed, for underthesea's ``word_tokenize``.

Scoring: each predicted and gold word is a character span of the sentence
with spaces and underscores removed; a predicted word is correct when its
span equals a gold word's span. Input to every segmenter is the sentence's
syllables joined by single spaces (the gold FORMs split on spaces).

Usage::

    python bench/segmentation.py [--split dev|train] [--limit N]
"""

from __future__ import annotations

import argparse
import os
import platform
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
UD = ROOT / "data" / "benchmarks" / "ud-vi-vtb"


def read_conllu(path: Path) -> list[list[str]]:
    """Gold sentences as lists of words (FORM column, syllables separated by spaces)."""
    sentences, words = [], []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            if words:
                sentences.append(words)
            words = []
            continue
        if line.startswith("#"):
            continue
        cols = line.split("\t")
        if "-" in cols[0] or "." in cols[0]:
            continue  # multi-word token ranges and empty nodes
        words.append(cols[1])
    if words:
        sentences.append(words)
    return sentences


def spans(words) -> set[tuple[int, int]]:
    out, pos = set(), 0
    for word in words:
        size = len(word.replace(" ", "").replace("_", ""))
        if size:
            out.add((pos, pos + size))
        pos += size
    return out


def score(gold: list[list[str]], predicted: list[list[str]]) -> tuple[float, float, float]:
    tp = n_pred = n_gold = 0
    for g, p in zip(gold, predicted):
        gs, ps = spans(g), spans(p)
        tp += len(gs & ps)
        n_pred += len(ps)
        n_gold += len(gs)
    precision, recall = tp / n_pred, tp / n_gold
    return precision, recall, 2 * precision * recall / (precision + recall)


def segmenters() -> dict:
    import toolkit as tk
    from pyvi import ViTokenizer

    found = {
        "toolkit word_segment": tk.word_segment,
        "raw pyvi ViTokenizer.tokenize": lambda s: ViTokenizer.tokenize(s).split(" "),
    }
    try:
        from underthesea import word_tokenize
    except ImportError:
        pass
    else:
        found["underthesea word_tokenize"] = word_tokenize
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--split", default="dev", choices=["dev", "train"])
    parser.add_argument("--limit", type=int, default=None, help="first N sentences only")
    args = parser.parse_args()
    gold = read_conllu(UD / f"vi_vtb-ud-{args.split}.conllu")[: args.limit]
    inputs = [" ".join(words) for words in gold]
    n_words = sum(len(g) for g in gold)
    n_syllables = sum(len(s.split()) for s in inputs)
    print(f"UD Vietnamese-VTB {args.split}: {len(gold)} sentences, {n_words} words, {n_syllables} syllables; "
          f"{os.cpu_count()} cores, Python {platform.python_version()}, one process")
    print(f"{'segmenter':32s} {'P':>7s} {'R':>7s} {'F1':>7s} {'words/s':>9s}")
    for name, fn in segmenters().items():
        fn(inputs[0])  # load models outside the timing
        start = time.perf_counter()
        predicted = [fn(s) for s in inputs]
        elapsed = time.perf_counter() - start
        p, r, f = score(gold, predicted)
        print(f"{name:32s} {p:7.4f} {r:7.4f} {f:7.4f} {n_words / elapsed:9.0f}")


if __name__ == "__main__":
    main()
