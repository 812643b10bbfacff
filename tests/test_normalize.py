"""Normalisation: NFC, modern tone placement by rule, invisible characters, HTML."""

import unicodedata

import pytest

from toolkit.normalize import normalize_text, place_tone


@pytest.mark.parametrize(
    "old, modern",
    [
        ("hoà", "hòa"), ("hoá", "hóa"), ("hoả", "hỏa"), ("hoạ", "họa"), ("hoã", "hõa"),
        ("thuỷ", "thủy"), ("tuỳ", "tùy"), ("uỷ", "ủy"), ("Uỷ", "Ủy"), ("luỹ", "lũy"),
        ("hoè", "hòe"), ("khoẻ", "khỏe"), ("toà", "tòa"), ("HOÀ", "HÒA"), ("Thoả", "Thỏa"),
    ],
)
def test_old_tone_placement_is_moved_to_the_first_vowel_of_open_oa_oe_uy(old, modern):
    assert place_tone(old) == modern


@pytest.mark.parametrize(
    "word",
    # Closed syllables, modified vowels, qu/gi initials, three-vowel nuclei and
    # foreign words keep their spelling.
    ["hoàng", "hoạch", "toàn", "quý", "quả", "quyết", "quỳnh", "huỳnh", "giữ", "gìn", "người", "ngoài",
     "xoáy", "khuỷu", "tuổi", "Nguyễn", "nghĩa", "của", "mía", "thủy", "hòa", "néon", "Boeun"],
)
def test_syllables_already_in_modern_placement_are_unchanged(word):
    assert place_tone(word) == word


def test_decomposed_text_is_composed_and_retoned():
    nfd = unicodedata.normalize("NFD", "Hoà bình, thuỷ lợi và hợp tác quốc tế")
    assert nfd != unicodedata.normalize("NFC", nfd)
    assert normalize_text(nfd) == "Hòa bình, thủy lợi và hợp tác quốc tế"


def test_invisible_characters_spaces_and_line_ends():
    raw = "\ufeffBHG\u00a0-\u200b Hợp tác\r\nbiên giới\rlần 2  \n"
    assert normalize_text(raw) == "BHG - Hợp tác\nbiên giới\nlần 2\n"


def test_html_tags_and_entities():
    raw = "<p>Hợp tác&nbsp;Việt&ndash;Trung</p><br/>Tin &amp; ảnh: <b>Lê Hải</b>"
    assert normalize_text(raw) == "Hợp tác Việt–Trung\n\nTin & ảnh: Lê Hải"


def test_normalisation_is_idempotent_on_the_corpus(corpus):
    for text in corpus.documents["text"]:
        assert normalize_text(text) == text
