"""Analysis tokens: the filter over segmented words, stopwords and the scikit-learn analyzer."""

import sys
from pathlib import Path

from sklearn.feature_extraction.text import CountVectorizer

import toolkit as tk

T = sys.modules["toolkit.tokens"]
W = sys.modules["toolkit.wordseg"]


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
    for entry in W._entries(W._read_resource("stopwords_domain.txt")):
        sign, word = entry[0], entry[1:].strip()
        assert (word in public) == (sign == "-"), f"{entry!r}: removals must be in the list, additions not"


def test_tokenizer_as_scikit_learn_analyzer(sentences):
    vectorizer = CountVectorizer(analyzer=tk.Tokenizer())
    X = vectorizer.fit_transform(sentences.text)
    vocab = set(vectorizer.get_feature_names_out())
    assert X.shape[0] == len(sentences)
    assert {"cửa_khẩu", "biên_giới", "hữu_nghị", "đầu_tư", "an_ninh"} <= vocab
    assert not any(v.isdigit() or v in tk.stopwords() for v in vocab)
