"""Normalisation (toolkit/normalize.py): NFC, invisible characters, HTML, the passes and their records."""

import unicodedata

import html

import pytest
from hypothesis import given
from hypothesis import strategies as st

from conftest import FUZZ, hostile_text, vietnamese_text
from toolkit.errors import ToolkitError
from toolkit.normalize import normalize_audited, normalize_text, removed_fragments, strip_html
from toolkit.tones import normalize_tones, place_tone


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


def test_entity_escaped_markup_is_deleted_with_a_record_as_written():
    audit = normalize_audited("&lt;script&gt;alert(1)&lt;/script&gt;Hợp tác &amp;lt;b&amp;gt;biên giới&amp;lt;/b&amp;gt;")
    assert audit.text == "Hợp tác biên giới"
    assert audit.removed == [
        ("html_markup", "&lt;script&gt;alert(1)&lt;/script&gt;"),
        ("html_markup", "&amp;lt;b&amp;gt;"), ("html_markup", "&amp;lt;/b&amp;gt;"),
    ]


def test_entities_written_for_invisible_characters_are_recorded():
    audit = normalize_audited("an&shy;ninh biên&#8203;giới&#7;")
    assert audit.text == "anninh biêngiới"
    assert audit.removed == [
        ("control_character", "&#7;"), ("invisible_character", "&shy;"), ("invisible_character", "&#8203;"),
    ]


def test_semicolon_less_references_stay_inside_urls_but_decode_in_text():
    url = "https://baohagiang.vn/tin?id=5&para=2&not=3&copy=4&amp;p=1"
    # What html.unescape alone would do: the query string becomes ¶=2, ¬=3, ©=4.
    assert html.unescape(url) == "https://baohagiang.vn/tin?id=5¶=2¬=3©=4&p=1"
    assert normalize_text(f"Xem {url} ngay") == "Xem https://baohagiang.vn/tin?id=5&para=2&not=3&copy=4&p=1 ngay"
    assert normalize_text("www.a.vn/x.php?a=1&copy=2") == "www.a.vn/x.php?a=1&copy=2"
    assert normalize_text("index.php?id=1&not=2") == "index.php?id=1&not=2"
    # In text, HTML5 decodes them (with or without the semicolon).
    assert normalize_text("&copy 2023 Báo Hà Giang &para; R&amp;D") == "© 2023 Báo Hà Giang ¶ R&D"


def test_strip_html_decodes_and_drops_escaped_markup():
    assert strip_html("<p>Tin &amp; ảnh</p>&lt;i&gt;x&lt;/i&gt;") == "Tin & ảnh\nx"


def test_audited_and_plain_normalisation_agree():
    text = "&lt;b&gt;Ðối ngoại\x07 " + "nhân dân".encode("utf-8").decode("cp1252") + " <br>hoà bình"
    assert normalize_audited(text).text == normalize_text(text) == "Đối ngoại nhân dân\nhòa bình"


@pytest.mark.parametrize("call", [
    lambda: normalize_text(None), lambda: normalize_text(b"Ha Noi"), lambda: normalize_audited(3),
    lambda: place_tone(["hoà"]), lambda: normalize_tones(None), lambda: strip_html(1.5),
    lambda: removed_fragments(None),
])
def test_bad_arguments_raise_toolkit_errors(call):
    with pytest.raises(ToolkitError, match="must be a str, got"):
        call()


def test_text_known_to_be_normal_is_returned_as_normalising_would(real_texts):
    import toolkit.normalize as N

    def reference(text):
        for _ in range(N._MAX_PASSES):
            new = N._normalize_once(text, None)
            if new == text:
                return text
            text = new
        return text

    raw = [t.replace(" ", "\u00a0", 1) + " &amp;" for t in real_texts[:300]] + real_texts
    expected = [reference(t) for t in raw]
    assert [normalize_text(t) for t in raw] == expected
    assert [normalize_text(t) for t in raw] == expected             # now mostly from the memory
    assert all(t in N._KNOWN_NORMAL[0] for t in expected[:300])
    assert not any(t in N._KNOWN_NORMAL[0] for t in raw[:300])      # only texts a pass left unchanged


# --------------------------------------------------------------- properties

@FUZZ
@given(vietnamese_text)
def test_normalisation_is_idempotent(text):
    once = normalize_text(text)
    assert normalize_text(once) == once


text_piece = st.lists(st.sampled_from(list("aăâbcdđeêghiklmnoôơpqrstuưvxyàáảãạềếểễệọỏốồổỗộớờởỡợ0123456789 .,:-")),
                      min_size=1, max_size=8).map("".join)


# (markup as written, what it leaves in the text)
markup_piece = st.sampled_from([
    ("<b>", ""), ("</b>", ""), ("<a href=\"https://x.vn/?a=1&b=2\">", ""), ("<br/>", "\n"), ("</p>", "\n"),
    ("<script>var x = '<i>';</script>", ""), ("<!-- ad -->", ""), ("<style>p{}</style>", ""),
    ("&lt;script&gt;alert(1)&lt;/script&gt;", ""), ("&lt;b&gt;", ""), ("&amp;lt;i&amp;gt;", ""),
    ("&#60;span&#62;", ""), ("&lt;br&gt;", "\n"), ("&lt;!-- x --&gt;", ""),
    ("\x07", ""), ("\x00", ""), ("\x9f", ""), ("&#7;", ""),
    ("\u200b", ""), ("\u00ad", ""), ("\ufeff", ""), ("&shy;", ""), ("&#8203;", ""), ("&zwj;", ""),
])


line_parts = st.lists(st.one_of(text_piece.map(lambda t: (t, None)), markup_piece), min_size=1, max_size=10)


@FUZZ
@given(line_parts)
def test_every_deletion_has_its_record_as_written(parts):
    from toolkit.normalize import normalize_audited

    raw = "".join(p[0] for p in parts)
    deleted = sorted(p[0] for p in parts if p[1] is not None)
    left = "".join(p[0] if p[1] is None else p[1] for p in parts)
    audit = normalize_audited(raw)
    assert sorted(fragment for _, fragment in audit.removed) == deleted
    assert audit.text == normalize_text(raw) == normalize_text(left)
    assert audit.repairs == []


@FUZZ
@given(hostile_text)
def test_fuzz_normalize_audited_agrees_with_normalize_text(text):
    from toolkit.normalize import normalize_audited

    audit = normalize_audited(text)
    assert audit.text == normalize_text(text)
    assert normalize_text(audit.text) == audit.text
