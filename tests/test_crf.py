"""The batch tagger gives exactly pyvi's labels."""

import sys

import numpy as np
import pytest

import toolkit  # noqa: F401  (registers toolkit.wordseg)
from conftest import UD_DEV, read_conllu

T = sys.modules["toolkit.wordseg"]


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
