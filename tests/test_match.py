"""Syllable-level term matching."""

from toolkit.match import find_terms, syllables, term_key


def test_terms_match_whatever_the_word_boundaries():
    keys = {term_key("cửa khẩu"): None}
    for text in ("khôi phục mở cửa khẩu Thanh Thủy", "khôi_phục mở_cửa_khẩu Thanh_Thủy", "MỞ CỬA KHẨU"):
        s = syllables(text)
        (start, end, key), = find_terms(s, keys)
        a, b = s.spans[start][0], s.spans[end - 1][1]
        assert s.text[a:b].lower().replace("_", " ") == "cửa khẩu"


def test_terms_do_not_cross_punctuation_or_match_inside_syllables():
    keys = {term_key("hợp tác quốc tế"): None, term_key("an ninh"): None}
    assert find_terms(syllables("hợp tác, quốc tế"), keys) == []
    assert find_terms(syllables("an sinh xã hội"), keys) == []


def test_terms_are_normalised_like_text():
    assert term_key("Hoà bình") == term_key("hòa_bình") == ("hòa", "bình")


def test_syllables_equal_the_spans_of_syllable_spans_on_real_text(real_texts):
    from toolkit.normalize import normalize_text
    from toolkit.wordseg import syllable_spans

    for text in real_texts:
        s = syllables(text)
        found = syllable_spans(normalize_text(text).replace("_", " "))
        assert s.text == normalize_text(text)
        assert s.lower == tuple(w.lower() for w, _, _ in found)
        assert s.spans == tuple((a, b) for _, a, b in found)
