"""pyvi's CRF word-boundary model, evaluated in batches with NumPy.

pyvi tags each syllable B_W (begins a word) or I_W (continues one) with a
linear-chain CRF (python-crfsuite) over features of the syllable and its
neighbours. The model is small: two labels, 6,335 attributes, a 2x2
transition table. With two labels the best label sequence depends only on
each attribute's weight *difference* between the labels and on the
transitions, so :class:`BatchTagger` reads those once from pyvi's own tagger
(the marginal of a one-item sequence holding a single attribute gives the
exact difference; ``Tagger.dump`` rounds weights to six decimals), computes
the features of every syllable of a whole batch of texts in one pass, and
decodes all sequences together (Viterbi over a padded array).

The labels are pyvi's: ``tests/test_crf.py`` compares them with
python-crfsuite's own tagging on the UD dev split and the corpus.
"""

from __future__ import annotations

import math
import os
import re
import tempfile

import numpy as np

__all__ = ["BatchTagger"]

_ATTR_SPLIT = re.compile(r"\n {2,}(\d+): ")
_BOOLEANS = (
    "bias", "word.isupper()", "word.istitle()", "word.isdigit()",
    "-1:word.istitle()", "-1:word.isupper()", "-1:word.bi_gram()", "-2:word.tri_gram()",
    "+1:word.istitle()", "+1:word.isupper()", "+1:word.bi_gram()", "+2:word.tri_gram()",
)


def _attributes(tagger) -> list[str]:
    fd, path = tempfile.mkstemp(suffix=".txt")
    os.close(fd)
    try:
        tagger.dump(path)
        with open(path, encoding="utf-8") as handle:
            text = handle.read()
    finally:
        os.unlink(path)
    block = text[text.index("ATTRIBUTES = {\n") + len("ATTRIBUTES = {\n"): text.index("\n}\n\nTRANSITIONS")]
    # Names may contain a line break (pyvi keeps "\n" as a token), so split on the numbered prefixes.
    parts = _ATTR_SPLIT.split("\n" + block)
    names = parts[2::2]
    if [int(i) for i in parts[1::2]] != list(range(len(names))):
        raise RuntimeError("unexpected layout of the CRF model dump")
    return names


class BatchTagger:
    """Exact B_W/I_W tagging of many syllable sequences at once."""

    def __init__(self, tagger):
        labels = tagger.labels()
        self.b, self.i = labels.index("B_W"), labels.index("I_W")
        diff = {}
        for name in _attributes(tagger):
            tagger.set([[name]])
            diff[name] = math.log(tagger.marginal("I_W", 0)) - math.log(tagger.marginal("B_W", 0))
        tagger.set([[], []])
        # Transition scores up to a constant: log P(y0, y1) of an empty two-item sequence.
        self.trans = np.array([[math.log(tagger.probability([a, b])) for b in ("B_W", "I_W")] for a in ("B_W", "I_W")])
        self.flag = {name: diff.get(name, 0.0) for name in _BOOLEANS}
        self.cur, self.prev, self.next = {}, {}, {}
        for name, value in diff.items():
            if name.startswith("word.lower():"):
                self.cur[name[13:]] = value
            elif name.startswith("-1:word.lower():"):
                self.prev[name[16:]] = value
            elif name.startswith("+1:word.lower():"):
                self.next[name[16:]] = value

    def scores(self, sequences: list[list[str]], bigrams, trigrams) -> list[np.ndarray]:
        """Per syllable, the I_W minus B_W state score, for each sequence."""
        flat = [s for seq in sequences for s in seq]
        n = len(flat)
        if n == 0:
            return [np.zeros(0) for _ in sequences]
        lengths = np.fromiter((len(seq) for seq in sequences), dtype=np.int64, count=len(sequences))
        ends = np.cumsum(lengths)
        starts = ends - lengths
        lower = [s.lower() for s in flat]
        # Per distinct string: its own weights and flags, computed once.
        types: dict[str, int] = {}
        codes = np.fromiter((types.setdefault(w, len(types)) for w in lower), dtype=np.int64, count=n)
        tlist = list(types)
        cur = np.array([self.cur.get(t, 0.0) for t in tlist])[codes]
        prev = np.array([self.prev.get(t, 0.0) for t in tlist])[codes]
        nxt = np.array([self.next.get(t, 0.0) for t in tlist])[codes]
        upper = np.fromiter((s.isupper() for s in flat), dtype=bool, count=n)
        title = np.fromiter((s.istitle() for s in flat), dtype=bool, count=n)
        digit = np.fromiter((s.isdigit() for s in flat), dtype=bool, count=n)
        # Neighbours exist only inside a sequence.
        has_prev = np.ones(n, dtype=bool)
        has_prev[starts[lengths > 0]] = False
        has_next = np.ones(n, dtype=bool)
        has_next[ends[lengths > 0] - 1] = False
        has_next2 = has_next.copy()
        has_next2[np.maximum(ends[lengths > 1] - 2, 0)] = False
        has_next2[~has_next] = False
        # bi[i]: lower[i] + lower[i+1] is a lexicon bigram; tri[i] likewise for three syllables.
        bi = np.zeros(n, dtype=bool)
        tri = np.zeros(n, dtype=bool)
        idx = np.flatnonzero(has_next)
        bi[idx] = [f"{lower[k]} {lower[k + 1]}" in bigrams for k in idx]
        idx = np.flatnonzero(has_next2)
        tri[idx] = [f"{lower[k]} {lower[k + 1]} {lower[k + 2]}" in trigrams for k in idx]
        f = self.flag
        d = np.full(n, f["bias"]) + cur + f["word.isupper()"] * upper + f["word.istitle()"] * title \
            + f["word.isdigit()"] * digit
        # Features that look back (at position i, about i-1 and i-2).
        back = prev + f["-1:word.istitle()"] * title + f["-1:word.isupper()"] * upper + f["-1:word.bi_gram()"] * bi
        d[1:] += np.where(has_prev[1:], back[:-1], 0.0)
        has_prev2 = has_prev.copy()
        has_prev2[1:] &= has_prev[:-1]
        has_prev2[0] = False
        d[2:] += np.where(has_prev2[2:], f["-2:word.tri_gram()"] * tri[:-2], 0.0)
        # Features that look ahead (at position i, about i+1 and i+2).
        ahead = nxt + f["+1:word.istitle()"] * title + f["+1:word.isupper()"] * upper
        d[:-1] += np.where(has_next[:-1], ahead[1:], 0.0)
        d += np.where(has_next, f["+1:word.bi_gram()"] * bi, 0.0)
        d += np.where(has_next2, f["+2:word.tri_gram()"] * tri, 0.0)
        return np.split(d, ends[:-1])

    def decode(self, scores: list[np.ndarray], batch: int = 512) -> list[np.ndarray]:
        """Viterbi over many sequences; returns a boolean array per sequence (True = I_W)."""
        out: list[np.ndarray | None] = [None] * len(scores)
        order = sorted(range(len(scores)), key=lambda k: len(scores[k]))
        t = self.trans
        for g in range(0, len(order), batch):
            group = order[g:g + batch]
            width = len(scores[group[-1]])
            if width == 0:
                for k in group:
                    out[k] = np.zeros(0, dtype=bool)
                continue
            lengths = np.array([len(scores[k]) for k in group])
            D = np.zeros((len(group), width))
            for row, k in enumerate(group):
                D[row, :lengths[row]] = scores[k]
            # delta[:, 0] = best score ending in B_W, delta[:, 1] = ending in I_W.
            delta_b = np.zeros(len(group))
            delta_i = D[:, 0].copy()
            back = np.zeros((len(group), width, 2), dtype=bool)   # True: previous label was I_W
            for pos in range(1, width):
                from_b_to_b, from_i_to_b = delta_b + t[0, 0], delta_i + t[1, 0]
                from_b_to_i, from_i_to_i = delta_b + t[0, 1], delta_i + t[1, 1]
                back[:, pos, 0] = from_i_to_b > from_b_to_b
                back[:, pos, 1] = from_i_to_i > from_b_to_i
                new_b = np.maximum(from_b_to_b, from_i_to_b)
                new_i = np.maximum(from_b_to_i, from_i_to_i) + D[:, pos]
                active = pos < lengths
                delta_b = np.where(active, new_b, delta_b)
                delta_i = np.where(active, new_i, delta_i)
            label = delta_i > delta_b
            paths = np.zeros((len(group), width), dtype=bool)
            rows = np.arange(len(group))
            for pos in range(width - 1, -1, -1):
                at_end = pos == lengths - 1
                label = np.where(at_end, delta_i > delta_b, label)
                live = pos < lengths
                paths[:, pos] = label & live
                if pos > 0:
                    label = np.where(live, back[rows, pos, label.astype(int)], label)
            for row, k in enumerate(group):
                out[k] = paths[row, :lengths[row]]
        return out
