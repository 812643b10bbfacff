"""Word segmentation, analysis tokens, stopwords and the segmentation cache."""

import json
import sys
from pathlib import Path

import pytest
from sklearn.feature_extraction.text import CountVectorizer

import toolkit as tk
from conftest import DATA

T = sys.modules["toolkit.tokenize"]
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))
from segmentation import read_conllu, score  # noqa: E402

UD_DEV = DATA / "benchmarks" / "ud-vi-vtb" / "vi_vtb-ud-dev.conllu"


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
    _, lexicon = T._pyvi()
    sylls = ["thỏa", "thuận"]
    assert "+1:word.bi_gram()" not in T._features(sylls, ViTokenizer.bi_grams, ViTokenizer.tri_grams)[0]
    assert "+1:word.bi_gram()" in T._features(sylls, lexicon[2], lexicon[3])[0]
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
        assert T.pyvi_labels(sylls, lexicon="pyvi") == expected


def test_f1_on_gold_segmentation_is_at_least_pyvis():
    from pyvi import ViTokenizer

    gold = read_conllu(UD_DEV)[:400]
    inputs = [" ".join(g) for g in gold]
    ours = score(gold, [tk.word_segment(s) for s in inputs])[2]
    pyvi = score(gold, [ViTokenizer.tokenize(s).split(" ") for s in inputs])[2]
    assert ours >= pyvi
    assert ours > 0.94  # pyvi's published level on VTB is about 0.95-0.96


def test_tokenize_filters_punctuation_numbers_and_stopwords():
    text = "Năm 2017, tỉnh ta ký kết mới 10 thỏa thuận, hợp tác quốc tế với các nước."
    tokens = tk.tokenize(text)
    assert tokens == ["ký_kết", "thỏa_thuận", "hợp_tác", "quốc_tế", "nước"]
    assert "năm" in tk.tokenize(text, remove_stopwords=False)


def test_stopwords_are_normalised_and_domain_changes_applied():
    stop = tk.stopwords()
    assert "tòa" in stop and "toà" not in stop          # listed as "toà" in the public list
    assert "cho_biết" in stop and "năm" in stop          # multi-syllable entries use "_"
    assert "nước" not in stop and "bên" not in stop      # removed for this domain
    assert "tỉnh" in stop and "địa_bàn" in stop          # added for this domain
    public = (Path(T.__file__).parent / "resources" / "stopwords" / "vietnamese-stopwords.txt").read_text()
    assert len([line for line in public.splitlines() if line.strip()]) == 1942


def test_domain_change_lines_refer_to_real_list_entries():
    public = {tk.normalize_text(line).lower().replace(" ", "_")
              for line in (Path(T.__file__).parent / "resources" / "stopwords" / "vietnamese-stopwords.txt")
              .read_text(encoding="utf-8").splitlines() if line.strip()}
    for entry in T._entries(T._read_resource("stopwords_domain.txt")):
        sign, word = entry[0], entry[1:].strip()
        assert (word in public) == (sign == "-"), f"{entry!r}: removals must be in the list, additions not"


def test_tokenizer_as_scikit_learn_analyzer(sentences):
    vectorizer = CountVectorizer(analyzer=tk.Tokenizer())
    X = vectorizer.fit_transform(sentences.text)
    vocab = set(vectorizer.get_feature_names_out())
    assert X.shape[0] == len(sentences)
    assert {"cửa_khẩu", "biên_giới", "hữu_nghị", "đầu_tư", "an_ninh"} <= vocab
    assert not any(v.isdigit() or v in tk.stopwords() for v in vocab)


def test_tokenize_units_adds_words_and_tokens(sentences):
    units = tk.tokenize_units(sentences.head(10))
    assert {"words", "tokens", "n_tokens"} <= set(units.columns)
    assert units.n_tokens.tolist() == [len(t) for t in units.tokens]
    assert units.tokens.iloc[0] == tk.tokenize(sentences.text.iloc[0])


def test_cache_makes_the_second_run_free_and_rebuilds_bad_files(tmp_path, monkeypatch, sentences):
    texts = sentences.text.tolist()[:20]
    first = tk.segment_words(texts, cache=tmp_path)
    files = list(tmp_path.glob("words-*.json"))
    assert len(files) == 1
    # Second run: served from the cache without segmenting anything.
    monkeypatch.setattr(T, "word_segment_many", lambda texts: pytest.fail("segmented a cached text"))
    assert tk.segment_words(texts, cache=tmp_path) == first
    monkeypatch.undo()
    # A corrupt file is detected, reported and rebuilt.
    files[0].write_text('{"signature": "x", "entr', encoding="utf-8")
    with pytest.warns(UserWarning, match="unusable"):
        assert tk.segment_words(texts, cache=tmp_path) == first
    assert json.loads(files[0].read_text(encoding="utf-8"))["signature"] == T._cache_signature()
    # A file from another version is not trusted.
    data = json.loads(files[0].read_text(encoding="utf-8"))
    data["signature"] = "0.0.0-000000000000"
    data["entries"] = {k: "tampered" for k in data["entries"]}
    files[0].write_text(json.dumps(data), encoding="utf-8")
    with pytest.warns(UserWarning, match="another toolkit version"):
        assert tk.segment_words(texts, cache=tmp_path) == first


def test_two_processes_give_the_same_words(sentences):
    texts = sentences.text.tolist()
    assert tk.segment_words(texts, cache=False, n_jobs=2, chunk_size=10) == tk.segment_words(texts, cache=False)


def test_bad_input_is_reported():
    with pytest.raises(tk.ToolkitError, match="expects a str"):
        tk.word_segment(None)
    with pytest.raises(tk.ToolkitError, match="item 1 is float"):
        tk.segment_words(["Hợp tác", float("nan")], cache=False)
    assert tk.word_segment("") == [] and tk.tokenize("  ") == []
