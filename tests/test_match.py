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


def test_find_terms_equals_a_scan_of_every_position_on_real_text(real_texts):
    # The lexicon's terms, cues and blockers (many share first syllables) in the real sentences: the
    # same occurrences in the same order as trying every index entry at every syllable.
    import toolkit as tk

    lex = tk.load_lexicon()

    def scan(sylls, by_first):
        lower = sylls.lower
        return [(i, i + len(key), key) for i, syl in enumerate(lower) for key in by_first.get(syl, ())
                if lower[i:i + len(key)] == key]

    found = 0
    for text in real_texts:
        s = syllables(text)
        for name in ("terms", "cues", "blockers"):
            expected = scan(s, lex._keys[f"{name}_index"])
            assert find_terms(s, lex._keys[name], lex._keys[f"{name}_index"]) == expected
            found += len(expected)
    assert found > 3_000
