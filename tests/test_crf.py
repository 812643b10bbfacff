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


@pytest.mark.parametrize("lexicon", ["pyvi", "both"])
def test_labels_identical_to_python_crfsuite_on_the_whole_ud_dev_split(lexicon):
    from pyvi.ViTokenizer import ViTokenizer

    texts = [" ".join(g) for g in read_conllu(UD_DEV)]
    if lexicon == "pyvi":
        sequences = [ViTokenizer.sylabelize(t)[1] for t in texts]
        bigrams, trigrams = ViTokenizer.bi_grams, ViTokenizer.tri_grams
    else:
        sequences = [T.syllabify(t) for t in texts]
        _, lex = T._pyvi()
        bigrams, trigrams = lex[2], lex[3]
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
