"""The article files: each manifest row's file found in raw/ (names are identifiers), and whole-file diagnosis.

Read through :func:`toolkit.load_corpus`: a file name is matched under Unicode normalisation and tone
placement and kept inside the corpus folder; a file in another encoding is named with the fix.
"""

import codecs
import hashlib
import re
import unicodedata

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import toolkit as tk
from conftest import ARTICLE, HEADER, NFD, ROW, to_cp1258, write_corpus


def test_cp1258_file_is_decoded_when_the_manifest_says_so(tmp_path):
    # Windows-1258 stores tones as combining marks: decoded text is NFD until normalised.
    data = to_cp1258(ARTICLE.replace("\n", "\r\n"))
    root = write_corpus(tmp_path, {"a.txt": data}, "doc_id,file,year,encoding\na1,a.txt,2019,cp1258\n")
    text = tk.load_corpus(root).documents.loc[0, "text"]
    assert text.startswith("Hợp tác biên giới") and unicodedata.is_normalized("NFC", text)


def test_non_utf8_file_names_file_byte_and_fix(tmp_path):
    data = to_cp1258(ARTICLE)
    root = write_corpus(tmp_path, {"a.txt": data}, HEADER + "a1,a.txt,2019,Hà Giang\n")
    with pytest.raises(tk.CorpusError, match=r"a\.txt: not valid utf-8 at byte \d+ \(line 1\).*encoding=cp1258"):
        tk.load_corpus(root)


def test_manifest_row_without_its_file(tmp_path):
    root = write_corpus(tmp_path, {"a.txt": ARTICLE}, HEADER + "a1,a.txt,2019,X\nb1,b.txt,2019,X\n")
    with pytest.raises(tk.ManifestError, match=r"corpus\.csv, line 3: file 'b\.txt' \(doc_id b1\) not found"):
        tk.load_corpus(root)


def test_file_without_a_manifest_row(tmp_path):
    root = write_corpus(tmp_path, {"a.txt": ARTICLE, "extra.txt": ARTICLE}, HEADER + "a1,a.txt,2019,X\n")
    with pytest.raises(tk.ManifestError, match=r"1 file\(s\) have no row in .*corpus\.csv: extra\.txt"):
        tk.load_corpus(root)


@pytest.mark.parametrize("path", ["../outside.txt", "/etc/passwd"])
def test_paths_leaving_the_corpus_are_refused(tmp_path, path):
    (tmp_path / "outside.txt").write_text(ARTICLE, encoding="utf-8")
    root = write_corpus(tmp_path / "c", {"a.txt": ARTICLE}, HEADER + f"a1,a.txt,2019,X\nb1,{path},2019,X\n")
    with pytest.raises(tk.ManifestError, match="must be a relative path inside"):
        tk.load_corpus(root)


def test_symlink_out_of_the_corpus_is_refused(tmp_path):
    (tmp_path / "outside.txt").write_text(ARTICLE, encoding="utf-8")
    root = write_corpus(tmp_path / "c", {"a.txt": ARTICLE}, HEADER + "a1,a.txt,2019,X\nb1,link.txt,2019,X\n")
    (root / "raw" / "link.txt").symlink_to(tmp_path / "outside.txt")
    with pytest.raises(tk.ManifestError, match="resolves outside"):
        tk.load_corpus(root)


# --------------------------------------------------------------- names are identifiers

@pytest.mark.parametrize("on_disk, in_manifest", [
    (NFD("Khánh Hòa 2017.txt"), "Khánh Hòa 2017.txt"),      # Mac name, NFC manifest
    ("Khánh Hòa 2017.txt", NFD("Khánh Hòa 2017.txt")),      # NFD manifest, NFC name
    ("Khánh Hoà 2017.txt", "Khánh Hòa 2017.txt"),           # old tone placement on disk
    ("Khánh Hòa 2017.txt", NFD("Khánh Hoà 2017.txt")),      # old placement and NFD in the manifest
    ("Khánh Hoà 2017.txt", "Khánh Hoà 2017.txt"),           # byte for byte equal
])
def test_a_file_is_found_under_any_normalisation_and_tone_placement(tmp_path, on_disk, in_manifest):
    corpus = tk.load_corpus(write_corpus(tmp_path, {on_disk: ARTICLE}, HEADER + f"a1,{in_manifest},2019,X\n"))
    assert corpus.documents.loc[0, "file"] == in_manifest     # the manifest's name, as written
    assert corpus.documents.loc[0, "text"].startswith("Hợp tác biên giới")


def test_the_exact_name_is_preferred(tmp_path):
    files = {"Hoà.txt": ARTICLE, "Hòa.txt": ARTICLE.replace("Lào", "Trung")}
    corpus = tk.load_corpus(write_corpus(tmp_path, files, HEADER + "old,Hoà.txt,2019,X\nnew,Hòa.txt,2019,X\n"))
    docs = corpus.documents.set_index("doc_id")
    assert "Lào" in docs.loc["old", "text"] and "Trung" in docs.loc["new", "text"]


def test_two_files_that_collide_under_matching_are_an_error_naming_both(tmp_path):
    files = {"Hòa.txt": ARTICLE, NFD("Hòa.txt"): ARTICLE}
    root = write_corpus(tmp_path, files, HEADER + "a1,Hoà.txt,2019,X\n")
    with pytest.raises(tk.ManifestError, match=r"line 2: file 'Hoà\.txt' \(doc_id a1\) matches 2 files .*differ only "
                                               r"in Unicode normalisation or tone placement: ") as error:
        tk.load_corpus(root)
    assert "(NFC, modern tone placement: 'H\\xf2a.txt')" in str(error.value)
    assert "(NFD, modern tone placement: 'Ho\\u0300a.txt')" in str(error.value)


def test_an_unlisted_variant_of_a_listed_name_is_explained(tmp_path):
    root = write_corpus(tmp_path, {"Hòa.txt": ARTICLE, "Hoà.txt": ARTICLE}, HEADER + "a1,Hòa.txt,2019,X\n")
    with pytest.raises(tk.ManifestError, match=r"1 file\(s\) have no row .*Hoà\.txt \(looks like 'Hòa\.txt' but differs"
                                               r" in Unicode normalisation or tone placement: NFC, old tone placement"):
        tk.load_corpus(root)


def test_two_rows_naming_one_file_are_refused(tmp_path):
    root = write_corpus(tmp_path, {"Hòa.txt": ARTICLE}, HEADER + "a1,Hòa.txt,2019,X\na2,Hoà.txt,2019,X\n")
    with pytest.raises(tk.ManifestError, match=r"lines 2 and 3 both name the file 'Hòa\.txt'"):
        tk.load_corpus(root)


@pytest.mark.parametrize("on_disk, in_manifest", [
    ("2017/bai-01.txt", "2017\\bai-01.txt"),          # a folder inside raw/, written on Windows
    ("bai-01.txt", "raw\\bai-01.txt"),                # relative to the corpus folder, as Explorer copies it
    ("2017/Hòa-01.txt", "raw\\2017\\Hoà-01.txt"),      # and with the old tone placement
])
def test_a_path_written_with_backslashes_is_resolved(tmp_path, on_disk, in_manifest):
    (tmp_path / "raw" / "2017").mkdir(parents=True)
    root = write_corpus(tmp_path, {on_disk: ARTICLE}, HEADER + f"a1,{in_manifest},2019,X\n")
    docs = tk.load_corpus(root).documents
    assert docs.file.tolist() == [in_manifest]          # as written
    assert docs.sha256.tolist() == [hashlib.sha256(ARTICLE.encode()).hexdigest()]
    assert tk.corpus.manifest_rows(root).path.tolist() == [on_disk]


def test_a_backslash_path_that_could_mean_two_files_is_refused(tmp_path):
    (tmp_path / "raw" / "raw").mkdir(parents=True)
    root = write_corpus(tmp_path, {"raw/a.txt": ARTICLE, "a.txt": ARTICLE}, HEADER + "a1,raw\\a.txt,2019,X\n")
    with pytest.raises(tk.ManifestError, match=r"file 'raw\\\\a.txt' \(doc_id a1\) is written with '\\' \(Windows\); "
                                               r"read with '/' it matches 2 files in .*: 'raw/a.txt', 'a.txt'"):
        tk.load_corpus(root)
    # A backslash path may not leave the raw folder either.
    root = write_corpus(tmp_path / "up", {"a.txt": ARTICLE}, HEADER + "a1,..\\a.txt,2019,X\n")
    with pytest.raises(tk.ManifestError, match=r"file '\.\.\\\\a.txt' must be a relative path inside"):
        tk.load_corpus(root)


@pytest.mark.parametrize("on_disk, in_manifest, why", [
    ("Bai-01.txt", "bai-01.txt", "differs in upper/lower case"),
    ("bai-01.md", "bai-01.txt", "differs in extension"),
    ("bai-1.txt", "bai-01.txt", "differs by one character"),
    ("2017/bai-01.txt", "bai-01.txt", "in another folder"),
    ("2017/Bai-01.txt", "2017\\bai-01.txt", "differs in upper/lower case"),
])
def test_a_near_miss_is_named_in_the_not_found_error(tmp_path, on_disk, in_manifest, why):
    (tmp_path / "raw" / "2017").mkdir(parents=True)
    root = write_corpus(tmp_path, {on_disk: ARTICLE}, HEADER + f"a1,{in_manifest},2019,X\n")
    expected = rf"file {re.escape(repr(in_manifest))} \(doc_id a1\) not found in .*; did you mean '{on_disk}' \({why}\)\?"
    with pytest.raises(tk.ManifestError, match=expected):
        tk.load_corpus(root)


# --------------------------------------------------------------- whole-file diagnosis

@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be", "utf-32-le"])
def test_utf16_and_utf32_without_a_byte_order_mark_are_named(tmp_path, codec):
    root = write_corpus(tmp_path, {"a.txt": ARTICLE.encode(codec)}, HEADER + "a1,a.txt,2019,X\n")
    with pytest.raises(tk.CorpusError, match=rf"a\.txt: looks like {codec.upper()} without a byte-order mark .*"
                                             rf"set encoding={codec} in its manifest row"):
        tk.load_corpus(root)
    # The fix the message gives works.
    (root / "corpus.csv").write_text(f"doc_id,file,year,encoding\na1,a.txt,2019,{codec}\n", encoding="utf-8")
    assert tk.load_corpus(root).documents.loc[0, "text"].startswith("Hợp tác biên giới")


def test_cr_only_line_ends_give_the_right_line_of_a_bad_byte(tmp_path):
    data = "Tiêu đề\rDòng hai.\r".encode("utf-8") + to_cp1258("Dòng ba có lỗi.\r")
    root = write_corpus(tmp_path, {"a.txt": data}, HEADER + "a1,a.txt,2019,X\n")
    with pytest.raises(tk.CorpusError, match=r"a\.txt: not valid utf-8 at byte \d+ \(line 3\)"):
        tk.load_corpus(root)


def test_a_utf8_file_whose_row_says_cp1258(tmp_path):
    root = write_corpus(tmp_path, {"a.txt": ARTICLE}, "doc_id,file,year,encoding\na1,a.txt,2019,cp1258\n")
    with pytest.raises(tk.CorpusError, match=r"a\.txt: is valid UTF-8 Vietnamese text, but its manifest row says "
                                             r"encoding=cp1258"):
        tk.load_corpus(root)


@pytest.mark.parametrize("legacy", [
    "Hîp t¸c quèc tÕ vµ ®èi ngo¹i cña tØnh Hµ Giang",        # TCVN3 bytes read as Windows-1252
    "Hôïp taùc quoác teá vaø ñoái ngoaïi cuûa tænh Haø Giang",  # VNI
])
def test_tcvn3_or_vni_text_pasted_into_a_unicode_file_is_refused_with_its_line(tmp_path, legacy):
    text = "Hợp tác biên giới Việt - Lào\nHai tỉnh ký thỏa thuận hợp tác.\nĐoàn công tác làm việc tại cửa khẩu.\n" \
           f"{legacy}\nHai bên thống nhất tăng cường tuần tra.\n"
    root = write_corpus(tmp_path, {"a.txt": text}, HEADER + "a1,a.txt,2019,X\n")
    with pytest.raises(tk.CorpusError, match=r"a\.txt, line 4: looks like Vietnamese in a legacy 8-bit font encoding "
                                             rf"\(TCVN3/ABC or VNI\) pasted into a Unicode file: '{legacy[:6]}"):
        tk.load_corpus(root)


# --------------------------------------------------------------- hostile files

BODY = "Hợp tác biên giới Việt - Lào\nHai tỉnh ký thỏa thuận hợp tác về thương mại qua cửa khẩu.\n"


def test_utf16_with_bom_is_decoded(tmp_path):
    root = write_corpus(tmp_path, {"a.txt": codecs.BOM_UTF16_LE + BODY.encode("utf-16-le")}, HEADER + ROW)
    assert tk.load_corpus(root).documents.loc[0, "text"].startswith("Hợp tác biên giới")


@pytest.mark.parametrize("legacy", [
    "Hîp t¸c quèc tÕ vµ ®èi ngo¹i cña tØnh Hµ Giang víi tØnh V©n Nam ®\u00adîc t¨ng c\u00adêng.\n" * 3,   # TCVN3 as cp1252
    "Hôïp taùc quoác teá vaø ñoái ngoaïi cuûa tænh Haø Giang vôùi tænh Vaân Nam ñöôïc taêng cöôøng.\n" * 3,  # VNI
])
def test_legacy_font_encodings_are_reported_not_analysed(tmp_path, legacy):
    root = write_corpus(tmp_path, {"a.txt": legacy}, HEADER + ROW)
    with pytest.raises(tk.CorpusError, match=r"a\.txt: looks like Vietnamese in a legacy 8-bit font encoding"):
        tk.load_corpus(root)


def test_html_page_saved_instead_of_text(tmp_path):
    page = "<!DOCTYPE html><html><head><title>Báo</title></head><body><p>Hợp tác</p></body></html>"
    root = write_corpus(tmp_path, {"a.txt": page}, HEADER + ROW)
    with pytest.raises(tk.CorpusError, match=r"a\.txt: is an HTML page, not article text"):
        tk.load_corpus(root)


# --------------------------------------------------------------- names are identifiers (properties)

SWAPS = {"hòa": "hoà", "thủy": "thuỷ", "Hòa": "Hoà", "khỏe": "khoẻ"}


name_piece = st.sampled_from(
    ["Thanh Hoá", "Khánh Hòa", "hòa", "thủy", "khỏe", "Hoà", "Đà Nẵng", "R&amp;D", "&lt;b&gt;", "Ðối", "Ý kiến",
     "a", "Z", "1", "-", "_", " ", "'", "\"", ",", ";", "(", ")", "#", "%", "+", "=", "@", "~", "!", "é", "ñ", "😀",
     "\u0301", "\u00a0", "\u200b"]
)


names = st.lists(name_piece, min_size=1, max_size=6).map("".join).filter(
    lambda n: n == n.strip() and not n.startswith((".", "\u0301")) and len(n.encode("utf-8")) < 200
)


def _variant(name: str, how: str) -> str:
    if how == "nfd":
        return unicodedata.normalize("NFD", name)
    if how == "nfc":
        return unicodedata.normalize("NFC", name)
    if how == "tones":
        for modern, old in SWAPS.items():
            name = name.replace(modern, old)
        return name
    return name


@settings(max_examples=80, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(names, names, st.sampled_from(["same", "nfd", "nfc", "tones"]), st.sampled_from([",", ";", "\t"]),
       st.booleans())
def test_any_id_and_file_name_round_trips(tmp_path_factory, doc_id, name, how, delimiter, excel):
    import csv
    import io

    file_name = name + ".txt"
    on_disk = _variant(file_name, how)
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n" if excel else "\n")
    writer.writerows([["doc_id", "file", "year"], [doc_id, file_name, "2019"]])
    root = write_corpus(tmp_path_factory.mktemp("names"), {on_disk: BODY}, "")
    (root / "corpus.csv").write_bytes((b"\xef\xbb\xbf" if excel else b"") + buffer.getvalue().encode("utf-8"))
    corpus = tk.load_corpus(root)
    assert corpus.documents.doc_id.tolist() == [doc_id]      # exactly as written, never normalised
    assert corpus.documents.file.tolist() == [file_name]
    assert corpus.documents.text.tolist() == [BODY.strip()]
