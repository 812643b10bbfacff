"""Word segmentation: pyvi's model reimplemented exactly, the project's fixes, batches, and gold F1."""

import sys
import unicodedata

import pytest
from hypothesis import given

import toolkit as tk
from conftest import FUZZ, UD_DEV, documented, hostile_text, read_conllu, score, vietnamese_text

W = sys.modules["toolkit.wordseg"]


def test_every_non_space_character_is_kept_in_order(sentences):
    for text in sentences.text:
        words = tk.word_segment(text)
        assert "".join(words).replace("_", "") == "".join(text.split()).replace("_", "")
        assert all(w and " " not in w for w in words)


def test_known_pyvi_failures_are_fixed():
    from pyvi import ViTokenizer

    # Sentences from the corpus; pyvi's own output shows each failure.
    cases = [
        ("Hoạt động xuất, nhập khẩu của các hoạt động kinh tế", "hoạt_động_kinh_tế", ["hoạt_động", "kinh_tế"]),
        ("Lễ kỷ niệm 30 năm khôi phục mở cửa khẩu Thanh Thủy", "mở_cửa_khẩu", ["mở", "cửa_khẩu"]),
        ("phát triển kinh tế đối ngoại tỉnh Hà Giang", "đối_ngoại_tỉnh", ["đối_ngoại", "tỉnh"]),
    ]
    for text, merged, fixed in cases:
        assert merged in ViTokenizer.tokenize(text).lower().split()
        words = [w.lower() for w in tk.word_segment(text)]
        assert merged not in words
        assert " ".join(fixed) in " ".join(words)


def test_acronym_releases_the_full_stop_and_dates_stay_whole():
    from pyvi import ViTokenizer

    text = "Kế hoạch của UBND. Chỉ thị ngày 17/3/2008 và tháng 10/2011 tại TP. Lạng Sơn."
    assert "UBND." in ViTokenizer.tokenize(text).split()
    words = tk.word_segment(text)
    assert words[:5] == ["Kế_hoạch", "của", "UBND", ".", "Chỉ_thị"]
    assert "17/3/2008" in words and "10/2011" in words and "TP." in words
    assert "Lạng_Sơn" in words


def test_lexicon_features_match_either_tone_placement():
    from pyvi.ViTokenizer import ViTokenizer

    # pyvi's lexicon spells "thoả thuận"; normalised text spells "thỏa thuận".
    _, lexicon = W._pyvi()
    sylls = ["thỏa", "thuận"]
    assert "+1:word.bi_gram()" not in W._features(sylls, ViTokenizer.bi_grams, ViTokenizer.tri_grams)[0]
    assert "+1:word.bi_gram()" in W._features(sylls, lexicon[2], lexicon[3])[0]
    assert "thỏa_thuận" in tk.word_segment("Hai bên ký kết thỏa thuận hợp tác")


def test_without_fixes_output_is_pyvi(sentences):
    from pyvi import ViTokenizer

    for text in sentences.text:
        assert tk.word_segment(text, fixes=False) == ViTokenizer.tokenize(text).split(" ")


def test_pyvi_features_reimplemented_exactly():
    from pyvi.ViTokenizer import ViTokenizer

    for gold in read_conllu(UD_DEV)[:150]:
        sylls = ViTokenizer.sylabelize(" ".join(gold))[1]
        expected = list(ViTokenizer.model.predict([ViTokenizer.sent2features(sylls, False)])[0])
        assert W.pyvi_labels(sylls, lexicon="pyvi") == expected


def test_f1_on_gold_segmentation_is_at_least_pyvis():
    from pyvi import ViTokenizer

    gold = read_conllu(UD_DEV)[:400]
    inputs = [" ".join(g) for g in gold]
    ours = score(gold, [tk.word_segment(s) for s in inputs])[2]
    pyvi = score(gold, [ViTokenizer.tokenize(s).split(" ") for s in inputs])[2]
    assert ours >= pyvi
    assert ours > 0.94  # pyvi's published level on VTB is about 0.95-0.96


def test_bad_input_is_reported():
    with pytest.raises(tk.ToolkitError, match="expects a str"):
        tk.word_segment(None)
    with pytest.raises(tk.ToolkitError, match="item 1 is float"):
        tk.segment_words(["Hợp tác", float("nan")], cache=False)
    assert tk.word_segment("") == [] and tk.tokenize("  ") == []


def test_batches_mixing_lengths_and_empty_texts(sentences):
    texts = ["", *sentences.text.tolist()[:30], "Một", "hợp tác " * 3000]
    batch = W.word_segment_many(texts)
    assert batch == [W.word_segment(t) for t in texts]
    assert batch[0] == []


def test_batch_joining_and_fixes_equal_the_per_text_reference():
    # word_segment_many joins syllables in NumPy and applies the fixes only where they can apply;
    # the per-text _words is the reference.
    texts = [" ".join(g) for g in read_conllu(UD_DEV)]
    sequences = [W.syllabify(t) for t in texts]
    _, lex = W._pyvi()
    tagger = W._batch_tagger()
    inside = tagger.decode(tagger.scores(sequences, lex[2], lex[3]))
    expected = [W._words(s, i.tolist(), True, lex) for s, i in zip(sequences, inside)]
    assert W._words_many(sequences, inside, True, lex) == expected
    assert W.word_segment_many(texts) == expected


def test_joining_flags_reproduce_pyvis_joining_rule():
    # _words uses per-syllable flags; pyvi's own pairwise rule (_can_join) is the reference.
    sylls = sorted({s for g in read_conllu(UD_DEV)[:300] for s in W.syllabify(" ".join(g))})
    sylls += ["17/3/2008", "UBND", "TP.", "...", "Hà", "3", "a"]
    for prev in sylls[::7]:
        for cur in sylls[::11]:
            (p_stop, p_title, _), (c_stop, c_title, _) = W._join_flags(prev), W._join_flags(cur)
            assert (p_stop or c_stop or (c_title and not p_title)) == (not W._can_join(prev, cur)), (prev, cur)


# --------------------------------------------------------------- hostile input

def test_unpunctuated_megabyte_is_segmented_in_bounded_pieces():
    text = "hợp tác kinh tế biên giới " * 50_000
    words = tk.word_segment(text)
    assert "".join(words).replace("_", "") == text.replace(" ", "")


@FUZZ
@given(vietnamese_text)
def test_word_segment_keeps_every_non_space_character_in_order(text):
    text = unicodedata.normalize("NFC", text)
    words = tk.word_segment(text)
    assert "".join(words).replace("_", "") == "".join(text.split()).replace("_", "")


@FUZZ
@given(hostile_text)
def test_fuzz_word_segment(text):
    documented(lambda: tk.word_segment(text))
