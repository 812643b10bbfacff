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

Work is done per distinct syllable (its lower case, flags and weights are
remembered between calls: the vocabulary is Zipfian) and the lexicon
features are integer-code lookups (each lexicon's syllables get ids, its
bi- and tri-grams become sorted int64 codes), not strings built per position.
:meth:`BatchTagger.inside_one` tags a single text in pure Python with the
same floating-point operations, which is quicker than NumPy for one text.

The labels are pyvi's: ``tests/test_crf.py`` compares both paths with
python-crfsuite's own tagging on the whole UD dev split.
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


def encode(sequences: list[list[str]]) -> tuple[dict, np.ndarray]:
    """The distinct syllables of a batch (in order of first use) and each syllable's code.

    Everything computed per syllable type (features, joining flags) is then
    computed once per type and spread with ``codes``: the vocabulary is Zipfian.
    """
    types: dict[str, int] = {}
    setdefault = types.setdefault
    codes = np.fromiter((setdefault(w, len(types)) for seq in sequences for w in seq), dtype=np.int64,
                        count=sum(map(len, sequences)))
    return types, codes


def _member(values: np.ndarray, sorted_codes: np.ndarray) -> np.ndarray:
    """Whether each value is in a sorted array."""
    if not len(sorted_codes):
        return np.zeros(len(values), dtype=bool)
    pos = np.searchsorted(sorted_codes, values)
    pos[pos == len(sorted_codes)] = 0
    return sorted_codes[pos] == values


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
        self._trans = tuple(tuple(float(v) for v in row) for row in self.trans)
        self._memo: dict[str, tuple] = {}
        self._lexicons: dict[tuple, tuple] = {}
        self.cur, self.prev, self.next = {}, {}, {}
        for name, value in diff.items():
            if name.startswith("word.lower():"):
                self.cur[name[13:]] = value
            elif name.startswith("-1:word.lower():"):
                self.prev[name[16:]] = value
            elif name.startswith("+1:word.lower():"):
                self.next[name[16:]] = value

    # ------------------------------------------------------------ one sequence, pure Python

    def _syllable(self, s: str) -> tuple:
        low = s.lower()
        return (low, s.isupper(), s.istitle(), s.isdigit(),
                self.cur.get(low, 0.0), self.prev.get(low, 0.0), self.next.get(low, 0.0))

    def _lexicon_codes(self, bigrams, trigrams):
        """Syllable ids of the lexicons and their bi- and tri-grams as sorted int64 codes (cached per lexicon)."""
        key = (id(bigrams), len(bigrams), id(trigrams), len(trigrams))
        cached = self._lexicons.get(key)
        if cached is not None:
            return cached
        # Syllables never contain spaces, so an entry that does not split into non-empty parts never matches.
        entries = [[e.split(" ") for e in grams] for grams in (bigrams, trigrams)]
        entries = [[parts for parts in group if len(parts) == size and all(parts)]
                   for group, size in zip(entries, (2, 3))]
        ids: dict[str, int] = {}
        for group in entries:
            for parts in group:
                for part in parts:
                    ids.setdefault(part, len(ids))
        size = len(ids) + 1
        bi = np.unique(np.array([ids[a] * size + ids[b] for a, b in entries[0]], dtype=np.int64))
        tri = np.unique(np.array([(ids[a] * size + ids[b]) * size + ids[c] for a, b, c in entries[1]], dtype=np.int64))
        self._lexicons[key] = (ids, bi, tri)
        return ids, bi, tri

    def _lexicon_sets(self, bigrams, trigrams):
        key = ("sets", id(bigrams), len(bigrams), id(trigrams), len(trigrams))
        cached = self._lexicons.get(key)
        if cached is None:
            ids, bi, tri = self._lexicon_codes(bigrams, trigrams)
            cached = self._lexicons[key] = (ids, frozenset(bi.tolist()), frozenset(tri.tolist()))
        return cached

    def _remember(self, s: str) -> tuple:
        if len(self._memo) > 500_000:
            self._memo.clear()
        t = self._memo[s] = self._syllable(s)
        return t

    def inside_one(self, sylls: list[str], bigrams, trigrams) -> list[bool]:
        """I_W flags of one sequence, in pure Python, with the same floating-point operations as
        :meth:`scores` and :meth:`decode` (so the same labels); quicker than NumPy for one short text.

        Properties of each distinct syllable are remembered between calls (the vocabulary is Zipfian).
        """
        n = len(sylls)
        if n == 0:
            return []
        memo = self._memo
        info = []
        for s in sylls:
            t = memo.get(s)
            if t is None:
                if len(memo) > 500_000:
                    memo.clear()
                t = memo[s] = self._syllable(s)
            info.append(t)
        bi, tri = self._lexicon_flags_one(info, bigrams, trigrams)
        return self._viterbi_one(self._scores_one(info, bi, tri))

    def _lexicon_flags_one(self, info: list[tuple], bigrams, trigrams) -> tuple[list[bool], list[bool]]:
        """For one sequence (:meth:`_syllable` of each syllable): whether a lexicon bigram starts at each
        position, and whether a lexicon trigram does."""
        n = len(info)
        ids, bicodes, tricodes = self._lexicon_sets(bigrams, trigrams)
        size = len(ids) + 1
        lid = [ids.get(t[0], -1) for t in info]
        bi = [False] * n
        tri = [False] * n
        for i in range(n - 1):
            a, b = lid[i], lid[i + 1]
            if a >= 0 and b >= 0:
                code = a * size + b
                bi[i] = code in bicodes
                if i < n - 2 and lid[i + 2] >= 0:
                    tri[i] = code * size + lid[i + 2] in tricodes
        return bi, tri

    def _scores_one(self, info: list[tuple], bi: list[bool], tri: list[bool]) -> list[float]:
        """The I_W minus B_W state score of each syllable of one sequence, summed in the order of :meth:`scores`."""
        n = len(info)
        f = self.flag
        bias, f_up, f_ti, f_di = f["bias"], f["word.isupper()"], f["word.istitle()"], f["word.isdigit()"]
        p_ti, p_up, p_bi, p_tri = f["-1:word.istitle()"], f["-1:word.isupper()"], f["-1:word.bi_gram()"], \
            f["-2:word.tri_gram()"]
        n_ti, n_up, n_bi, n_tri = f["+1:word.istitle()"], f["+1:word.isupper()"], f["+1:word.bi_gram()"], \
            f["+2:word.tri_gram()"]
        d = []
        for i, (_, up, ti, di, cur, _p, _n) in enumerate(info):
            x = bias + cur
            x = x + (f_up if up else 0.0)
            x = x + (f_ti if ti else 0.0)
            x = x + (f_di if di else 0.0)
            d.append(x)
        for i in range(1, n):       # features that look back, in the order of scores()
            _, up, ti, _d, _c, prev, _n = info[i - 1]
            back = prev + (p_ti if ti else 0.0)
            back = back + (p_up if up else 0.0)
            back = back + (p_bi if bi[i - 1] else 0.0)
            d[i] = d[i] + back
        for i in range(2, n):
            d[i] = d[i] + (p_tri if tri[i - 2] else 0.0)
        for i in range(n - 1):      # features that look ahead
            _, up, ti, _d, _c, _p, nxt = info[i + 1]
            ahead = nxt + (n_ti if ti else 0.0)
            ahead = ahead + (n_up if up else 0.0)
            d[i] = d[i] + ahead
        for i in range(n - 1):
            d[i] = d[i] + (n_bi if bi[i] else 0.0)
        for i in range(n - 2):
            d[i] = d[i] + (n_tri if tri[i] else 0.0)
        return d

    def _viterbi_one(self, d: list[float]) -> list[bool]:
        """The best label sequence of one sequence's state scores (True = I_W): Viterbi with two labels, as in
        :meth:`decode`."""
        n = len(d)
        (t_bb, t_bi), (t_ib, t_ii) = self._trans
        delta_b, delta_i = 0.0, d[0]
        back_b, back_i = [False] * n, [False] * n
        for pos in range(1, n):
            bb, ib, bi_, ii = delta_b + t_bb, delta_i + t_ib, delta_b + t_bi, delta_i + t_ii
            back_b[pos] = ib > bb
            back_i[pos] = ii > bi_
            delta_b, delta_i = (ib if ib > bb else bb), (ii if ii > bi_ else bi_) + d[pos]
        label = delta_i > delta_b
        out = [False] * n
        for pos in range(n - 1, -1, -1):
            out[pos] = label
            if pos > 0:
                label = back_i[pos] if label else back_b[pos]
        return out

    def scores(self, sequences: list[list[str]], bigrams, trigrams, encoded=None) -> list[np.ndarray]:
        """Per syllable, the I_W minus B_W state score, for each sequence.

        ``encoded``: the batch's :func:`encode` when the caller has it already.
        """
        types, codes = encoded if encoded is not None else encode(sequences)
        n = len(codes)
        if n == 0:
            return [np.zeros(0) for _ in sequences]
        lengths = np.fromiter((len(seq) for seq in sequences), dtype=np.int64, count=len(sequences))
        ends = np.cumsum(lengths)
        starts = ends - lengths
        # Work per distinct syllable (the vocabulary is Zipfian): its lower case, flags and weights.
        memo = self._memo
        info = [memo.get(t) or self._remember(t) for t in types]
        lowers: dict[str, int] = {}
        lcode_of_type = np.fromiter((lowers.setdefault(t[0], len(lowers)) for t in info), dtype=np.int64,
                                    count=len(info))
        lcodes = lcode_of_type[codes]
        upper = np.fromiter((t[1] for t in info), dtype=bool, count=len(info))[codes]
        title = np.fromiter((t[2] for t in info), dtype=bool, count=len(info))[codes]
        digit = np.fromiter((t[3] for t in info), dtype=bool, count=len(info))[codes]
        cur = np.fromiter((t[4] for t in info), dtype=np.float64, count=len(info))[codes]
        prev = np.fromiter((t[5] for t in info), dtype=np.float64, count=len(info))[codes]
        nxt = np.fromiter((t[6] for t in info), dtype=np.float64, count=len(info))[codes]
        # Neighbours exist only inside a sequence.
        has_prev = np.ones(n, dtype=bool)
        has_prev[starts[lengths > 0]] = False
        has_next = np.ones(n, dtype=bool)
        has_next[ends[lengths > 0] - 1] = False
        has_next2 = has_next.copy()
        has_next2[np.maximum(ends[lengths > 1] - 2, 0)] = False
        has_next2[~has_next] = False
        bi, tri = self._lexicon_flags(lowers, lcodes, has_next, has_next2, bigrams, trigrams)
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

    def _lexicon_flags(self, lowers: dict[str, int], lcodes: np.ndarray, has_next: np.ndarray, has_next2: np.ndarray,
                       bigrams, trigrams) -> tuple[np.ndarray, np.ndarray]:
        """For a batch: ``bi[i]``, lower[i] + lower[i+1] is a lexicon bigram; ``tri[i]`` likewise for three syllables.

        ``lowers`` codes the batch's distinct lower-case syllables, ``lcodes`` gives each position's code, and
        ``has_next``/``has_next2`` say whether one/two syllables follow in the same sequence. The lexicons are
        held as sorted integer codes over their own syllables, so membership is a vectorised search rather
        than a string built per position.
        """
        n = len(lcodes)
        ids, bicodes, tricodes = self._lexicon_codes(bigrams, trigrams)
        size = len(ids) + 1
        lex_of_lower = np.fromiter((ids.get(t, -1) for t in lowers), dtype=np.int64, count=len(lowers))
        lid = lex_of_lower[lcodes]
        known = lid >= 0
        bi = np.zeros(n, dtype=bool)
        tri = np.zeros(n, dtype=bool)
        idx = np.flatnonzero(has_next[:-1] & known[:-1] & known[1:])
        if len(idx):
            bi[idx] = _member(lid[idx] * size + lid[idx + 1], bicodes)
        idx = np.flatnonzero(has_next2[:-2] & known[:-2] & known[1:-1] & known[2:])
        if len(idx):
            tri[idx] = _member((lid[idx] * size + lid[idx + 1]) * size + lid[idx + 2], tricodes)
        return bi, tri

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
