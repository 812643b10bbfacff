"""The batch tagger gives exactly pyvi's labels."""

import sys
from pathlib import Path

import numpy as np
import pytest

from conftest import DATA

import toolkit  # noqa: E402,F401  (registers toolkit.wordseg)

T = sys.modules["toolkit.wordseg"]
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))
from segmentation import read_conllu  # noqa: E402

UD_DEV = DATA / "benchmarks" / "ud-vi-vtb" / "vi_vtb-ud-dev.conllu"


def _ud_dev(lexicon: str):
    """UD dev's syllable sequences and the n-gram lexicon, as pyvi or as the toolkit splits and looks up."""
    from pyvi.ViTokenizer import ViTokenizer

    texts = [" ".join(g) for g in read_conllu(UD_DEV)]
    if lexicon == "pyvi":
        return [ViTokenizer.sylabelize(t)[1] for t in texts], ViTokenizer.bi_grams, ViTokenizer.tri_grams
    _, lex = T._pyvi()
    return [T.syllabify(t) for t in texts], lex[2], lex[3]


@pytest.mark.parametrize("lexicon", ["pyvi", "both"])
def test_labels_identical_to_python_crfsuite_on_the_whole_ud_dev_split(lexicon):
    sequences, bigrams, trigrams = _ud_dev(lexicon)
    tagger = T._batch_tagger()
    fast = tagger.decode(tagger.scores(sequences, bigrams, trigrams))
    assert len(sequences) == 1123
    for sylls, labels in zip(sequences, fast):
        assert labels.tolist() == [lab == "I_W" for lab in T.pyvi_labels(sylls, lexicon)]


def test_batches_mixing_lengths_and_empty_texts(sentences):
    texts = ["", *sentences.text.tolist()[:30], "Một", "hợp tác " * 3000]
    batch = T.word_segment_many(texts)
    assert batch == [T.word_segment(t) for t in texts]
    assert batch[0] == []


def test_weight_differences_match_the_rounded_dump():
    # Tagger.dump prints each weight rounded to 6 decimals: the exact differences
    # read from the tagger must agree with it to that precision.
    tagger = T._batch_tagger()
    assert tagger.flag["bias"] == pytest.approx(-2.444936 - 2.444936, abs=2e-6)
    trans = tagger.trans - tagger.trans[0, 0]
    dump = np.array([[-0.996680, 1.918715], [-2.969562, -0.436850]])
    assert np.allclose(trans, dump - dump[0, 0], atol=2e-6)


@pytest.mark.parametrize("lexicon", ["pyvi", "both"])
def test_one_text_path_identical_to_python_crfsuite_on_the_whole_ud_dev_split(lexicon):
    # word_segment tags one text in pure Python (no NumPy set-up); it must give pyvi's labels too.
    sequences, bigrams, trigrams = _ud_dev(lexicon)
    tagger = T._batch_tagger()
    for sylls in sequences:
        assert tagger.inside_one(sylls, bigrams, trigrams) == [lab == "I_W" for lab in T.pyvi_labels(sylls, lexicon)]


def test_batch_joining_and_fixes_equal_the_per_text_reference():
    # word_segment_many joins syllables in NumPy and applies the fixes only where they can apply;
    # the per-text _words is the reference.
    texts = [" ".join(g) for g in read_conllu(UD_DEV)]
    sequences = [T.syllabify(t) for t in texts]
    _, lex = T._pyvi()
    tagger = T._batch_tagger()
    inside = tagger.decode(tagger.scores(sequences, lex[2], lex[3]))
    expected = [T._words(s, i.tolist(), True, lex) for s, i in zip(sequences, inside)]
    assert T._words_many(sequences, inside, True, lex) == expected
    assert T.word_segment_many(texts) == expected


def test_lexicon_codes_find_exactly_the_lexicon_entries():
    tagger = T._batch_tagger()
    _, lex = T._pyvi()
    ids, bi, tri = tagger._lexicon_codes(lex[2], lex[3])
    size = len(ids) + 1
    entry = "hợp tác"
    assert entry in lex[2]
    a, b = entry.split()
    assert ids[a] * size + ids[b] in set(bi.tolist())
    assert len(bi) == len({e for e in lex[2] if len(e.split(" ")) == 2 and all(e.split(" "))})


def test_joining_flags_reproduce_pyvis_joining_rule():
    # _words uses per-syllable flags; pyvi's own pairwise rule (_can_join) is the reference.
    sylls = sorted({s for g in read_conllu(UD_DEV)[:300] for s in T.syllabify(" ".join(g))})
    sylls += ["17/3/2008", "UBND", "TP.", "...", "Hà", "3", "a"]
    for prev in sylls[::7]:
        for cur in sylls[::11]:
            (p_stop, p_title, _), (c_stop, c_title, _) = T._join_flags(prev), T._join_flags(cur)
            assert (p_stop or c_stop or (c_title and not p_title)) == (not T._can_join(prev, cur)), (prev, cur)
