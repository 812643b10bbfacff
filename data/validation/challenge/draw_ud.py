"""Draw the UD-VTB part of the theme challenge set (deterministic).

For each ambiguous word in ``WORDS`` (in that order) the script draws up to
``PER_WORD`` sentences of the UD Vietnamese-VTB train and dev splits whose text
contains the word, then writes them to ``ud_drawn.csv`` beside this file.

Procedure
---------
1. Read every ``# text =`` line of ``vi_vtb-ud-train.conllu`` and
   ``vi_vtb-ud-dev.conllu`` (in file order) with its ``# sent_id``.
2. Detokenise lightly (:func:`detokenize`): no space before ``, . ; : ! ? ) ] …``,
   none after ``( [``, and straight double quotes attached to the words they
   enclose; then ``toolkit.normalize_text`` (NFC, modern tone placement).
3. A sentence contains a word when the word's syllables occur as a contiguous
   sequence of the sentence's syllables (letter runs), compared in lower case
   after the same normalisation. ``Lào`` thus also matches ``Lào Cai``, and
   ``an ninh`` matches ``an ninh trật tự``: the matches are meant to be ambiguous.
4. Words are processed in ``WORDS`` order with one ``numpy.random.Generator``
   seeded with ``SEED``; for each word the candidates not drawn for an earlier
   word are taken in corpus order and ``min(PER_WORD, n)`` of them are chosen
   with ``rng.choice(n, size, replace=False)``. Texts already drawn (exact
   duplicates) are skipped, so every drawn text is unique.

The output lists, per drawn sentence: the split (``ud-vtb-train`` or
``ud-vtb-dev``), the ``sent_id``, the word that drew it and the text. The
sentences are then coded by hand in ``challenge.csv``; the test
``tests/study/test_challenge_set.py`` re-runs :func:`draw` and checks that the
UD rows of ``challenge.csv`` are exactly these sentences.

Run from the repository root::

    python data/validation/challenge/draw_ud.py
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

import numpy as np

from toolkit import normalize_text

SEED = 20261123
PER_WORD = 6

WORDS = (
    "đầu tư", "du lịch", "thương mại", "thị trường", "doanh nghiệp", "lao động", "hàng hóa",
    "cửa khẩu", "biên giới", "an ninh", "trật tự", "quốc phòng", "tội phạm", "ma túy",
    "buôn lậu", "chủ quyền", "giao lưu", "hữu nghị", "kết nghĩa", "hội chợ", "vốn vay",
    "xuất khẩu", "nhập khẩu", "văn hóa", "Lào", "hợp tác", "quốc tế", "nước ngoài",
    "viện trợ", "an toàn", "ổn định",
)

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[2]
UD_DIR = ROOT / "data" / "benchmarks" / "ud-vi-vtb"
SPLITS = (("ud-vtb-train", "vi_vtb-ud-train.conllu"), ("ud-vtb-dev", "vi_vtb-ud-dev.conllu"))
OUTPUT = HERE / "ud_drawn.csv"

_SYLLABLE_RE = re.compile(r"[^\W\d_]+")
_NO_SPACE_BEFORE = re.compile(r" +([,.;:!?)\]…%])")
_NO_SPACE_AFTER = re.compile(r"([(\[]) +")
_BRACKETS = {"LBKT": "(", "KBKT": "(", "RBKT": ")"}


def detokenize(text: str) -> str:
    """Undo the treebank's spaces around punctuation, lightly.

    The treebank writes brackets as the tokens ``LBKT`` and ``RBKT`` (once
    ``KBKT`` for a left bracket); they become ``(`` and ``)``. A lone straight
    quote (a quotation that opens or closes in another sentence) is attached
    to the word after it, or to the word before it at the end of the sentence.

    Examples
    --------
    >>> detokenize('Ông nói : " Tốt lắm " , rồi đi LBKT ngay RBKT .')
    'Ông nói: "Tốt lắm", rồi đi (ngay).'
    >>> detokenize('Anh nghĩ : " Đi học .')
    'Anh nghĩ: "Đi học.'
    >>> detokenize('Đi học thôi " .')
    'Đi học thôi".'
    """
    text = " ".join(_BRACKETS.get(tok, tok) for tok in text.split())
    if text.count('"') % 2 == 1 and text.count('"') == 1:
        if re.search(r'"\s*[.!?…]*$', text):
            text = re.sub(r'\s+"', '"', text)
        else:
            text = re.sub(r'"\s+', '"', text)
    # Straight double quotes alternate opening / closing.
    parts = text.split('"')
    if len(parts) % 2 == 1 and len(parts) > 1:
        out = [parts[0]]
        for i, part in enumerate(parts[1:], start=1):
            if i % 2 == 1:  # part inside quotes
                out.append('"' + part.strip() + '"')
            else:
                out.append(part)
        text = ""
        for piece in out:
            if piece.startswith('"') and text and not text.endswith(" "):
                text += " "
            text += piece
        text = " ".join(text.split())
    text = _NO_SPACE_BEFORE.sub(r"\1", text)
    text = _NO_SPACE_AFTER.sub(r"\1", text)
    return text.strip()


def syllables(text: str) -> list[str]:
    """Lower-case letter runs of normalised text."""
    return _SYLLABLE_RE.findall(normalize_text(text).lower())


def contains(sentence_syllables: list[str], word: str) -> bool:
    """Whether the word's syllables occur contiguously in the sentence."""
    target = syllables(word)
    n = len(target)
    return any(sentence_syllables[i:i + n] == target for i in range(len(sentence_syllables) - n + 1))


def read_sentences(ud_dir: Path = UD_DIR) -> list[tuple[str, str, str]]:
    """(split, sent_id, normalised detokenised text) of every sentence, in file order."""
    rows = []
    for split, name in SPLITS:
        sent_id = None
        with open(ud_dir / name, encoding="utf-8") as fh:
            for line in fh:
                if line.startswith("# sent_id"):
                    sent_id = line.split("=", 1)[1].strip()
                elif line.startswith("# text"):
                    text = normalize_text(detokenize(line.split("=", 1)[1])).strip()
                    rows.append((split, sent_id, text))
    return rows


def draw(ud_dir: Path = UD_DIR, seed: int = SEED, per_word: int = PER_WORD) -> list[dict]:
    """Draw the sentences; returns dicts with source, source_id, word, text."""
    sentences = read_sentences(ud_dir)
    sylls = [syllables(text) for _, _, text in sentences]
    rng = np.random.default_rng(seed)
    taken: set[int] = set()
    seen_texts: set[str] = set()
    drawn = []
    for word in WORDS:
        candidates = [i for i, s in enumerate(sylls) if i not in taken and contains(s, word)]
        if not candidates:
            continue
        size = min(per_word, len(candidates))
        for k in sorted(rng.choice(len(candidates), size=size, replace=False)):
            i = candidates[int(k)]
            split, sent_id, text = sentences[i]
            taken.add(i)
            if text in seen_texts:
                continue
            seen_texts.add(text)
            drawn.append({"source": split, "source_id": sent_id, "word": word, "text": text})
    return drawn


def main() -> None:
    rows = draw()
    with open(OUTPUT, "w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=["source", "source_id", "word", "text"], lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    print(f"{len(rows)} sentences -> {OUTPUT.name}")


if __name__ == "__main__":
    main()
