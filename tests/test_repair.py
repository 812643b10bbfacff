"""Repairs of letters (toolkit/repair.py), recorded: UTF-8 read in a single-byte code page, the eth for the d."""

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from conftest import FUZZ
from toolkit.normalize import normalize_audited, normalize_text


def cp1252_as_windows_reads_it(data: bytes) -> str:
    """Bytes read as Windows-1252 the way Windows and browsers do: the five undefined bytes become C1 controls."""
    out = []
    for b in data:
        try:
            out.append(bytes([b]).decode("cp1252"))
        except UnicodeDecodeError:
            out.append(chr(b))
    return "".join(out)


def test_eth_is_repaired_to_d_with_stroke_in_vietnamese_and_recorded():
    audit = normalize_audited("Ðối ngoại nhân dân và ðường biên giới")
    assert audit.text == "Đối ngoại nhân dân và đường biên giới"
    assert audit.text.startswith("\u0110") and "\u00d0" not in audit.text
    assert audit.repairs == [("eth_as_d", "Ðối", "Đối"), ("eth_as_d", "ðường", "đường")]
    assert normalize_text("Ðà Nẵng") == "Đà Nẵng"


@pytest.mark.parametrize("text", ["Guðrún og Ðórður með", "Ðxyz kg", "ÐÐ"])
def test_eth_outside_a_vietnamese_syllable_is_kept(text):
    # Icelandic words (eth is never word-initial there), non-syllables, letters alone.
    audit = normalize_audited(text)
    assert audit.text == text and audit.repairs == []


GOOD = "Công tác đối ngoại nhân dân của tỉnh Hà Giang"


def test_utf8_read_as_windows_1252_is_repaired_per_token_and_recorded():
    garbled = "CÃ´ng tÃ¡c Ä‘á»‘i ngoáº¡i nhÃ¢n dÃ¢n cá»§a tá»‰nh HÃ\xa0 Giang"
    assert garbled == GOOD.encode("utf-8").decode("cp1252")   # the literal is what Windows-1252 makes of it
    audit = normalize_audited(garbled)
    assert audit.text == GOOD
    assert audit.repairs[:3] == [
        ("double_encoded_utf8", "CÃ´ng", "Công"), ("double_encoded_utf8", "tÃ¡c", "tác"),
        ("double_encoded_utf8", "Ä‘á»‘i", "đối"),
    ]
    assert [after for _, _, after in audit.repairs] == ["Công", "tác", "đối", "ngoại", "nhân", "dân", "của", "tỉnh", "Hà"]
    assert audit.problem is None


@pytest.mark.parametrize("reader", [lambda b: b.decode("latin-1"), cp1252_as_windows_reads_it])
def test_latin1_reading_and_undefined_windows_bytes_are_repaired(reader):
    # "Ý" is C3 9D and "ọ" E1 BB 8D: 0x9D and 0x8D have no character in Windows-1252.
    good = "Ý kiến bạn đọc về đối ngoại"
    assert normalize_text(reader(good.encode("utf-8"))) == good


def test_utf8_read_as_windows_1258_is_repaired():
    # Notepad on a Vietnamese Windows reads "ANSI" as Windows-1258: "à" (C3 A0) becomes "Ă" and a no-break space.
    garbled = "Hà Giang đẩy mạnh đối ngoại".encode("utf-8").decode("cp1258")
    assert garbled == "HĂ\xa0 Giang Ä‘áº©y máº¡nh Ä‘á»‘i ngoáº¡i"
    audit = normalize_audited(garbled)
    assert audit.text == "Hà Giang đẩy mạnh đối ngoại" and audit.problem is None
    assert audit.repairs[0] == ("double_encoded_utf8", "HĂ\xa0", "Hà")


def test_a_garbled_passage_inside_good_unicode_is_repaired_and_good_text_kept():
    line = "Hợp tác biên giới: " + "đối ngoại nhân dân".encode("utf-8").decode("cp1252") + " được đẩy mạnh."
    audit = normalize_audited(line)
    assert audit.text == "Hợp tác biên giới: đối ngoại nhân dân được đẩy mạnh."
    assert [before for _, before, _ in audit.repairs] == ["Ä‘á»‘i", "ngoáº¡i", "nhÃ¢n", "dÃ¢n"]


def test_garbled_text_with_lost_bytes_is_not_repaired_but_reported():
    # Windows-1252 with errors="replace": the bytes 0x9D and 0x8D are lost as U+FFFD.
    lossy = "Ý kiến bạn đọc về đối ngoại".encode("utf-8").decode("cp1252", errors="replace")
    audit = normalize_audited(lossy)
    assert "\ufffd" in audit.text                      # nothing guessed
    assert audit.problem.startswith("garbled text: UTF-8 that was read as Windows-1252")
    # The exact parts are still repaired, each with its record.
    assert ("double_encoded_utf8", "kiáº¿n", "kiến") in audit.repairs


@pytest.mark.parametrize("text", [
    "Hà Nội – “thủ đô” của cả nước…",   # curly quotes and dashes after accented letters
    "“NGÃ”",                            # one two-byte look-alike alone is real text
    "café, naïve, Ångström",             # Latin-1 letters that are not UTF-8 sequences
    "«Giá»",
])
def test_real_text_that_looks_a_little_garbled_is_kept(text):
    audit = normalize_audited(text)
    assert audit.repairs == [] and audit.problem is None
    assert audit.text == normalize_text(text) == unicodedata.normalize("NFC", text)


def _windows(data: bytes, code_page: str) -> str:
    """Bytes read in a Windows code page as Windows does: undefined bytes become C1 controls."""
    out = []
    for b in data:
        try:
            out.append(bytes([b]).decode(code_page))
        except UnicodeDecodeError:
            out.append(chr(b))
    return "".join(out)


vietnamese_line = st.lists(
    st.sampled_from(list("aăâeêioôơuưyđbcghklmnpqrstvx àáảãạèéẻẽẹòóỏõọùúủũụìíỉĩịỳýỷỹỵầấẩẫậềếểễệồốổỗộờớởỡợừứửữự"
                         "ĐÂÊÔƠƯ.,;:!?-–()“”…0123456789")),
    min_size=1, max_size=80,
).map("".join)


@FUZZ
@given(vietnamese_line, st.sampled_from(["cp1252", "latin-1", "cp1258"]))
def test_double_encoded_vietnamese_is_repaired_exactly(line, reader):
    garbled = _windows(line.encode("utf-8"), reader)
    non_ascii = [ch for ch in line if not ch.isascii()]
    three_byte = [ch for ch in non_ascii if len(ch.encode("utf-8")) == 3]
    if len(non_ascii) >= 2 or three_byte:
        assert normalize_text(garbled) == normalize_text(line)
