"""load_corpus on the study corpus and on bad input."""

import hashlib
import re
import unicodedata

import pandas as pd
import pytest

import toolkit as tk
from conftest import to_cp1258, write_corpus

ARTICLE = "Hợp tác biên giới Việt - Lào\nBHG - Hai tỉnh ký thỏa thuận hợp tác về thương mại qua cửa khẩu.\nÝ kiến bạn đọc\n"
HEADER = "doc_id,file,year,province\n"


def test_study_corpus_documents(corpus):
    docs = corpus.documents
    assert list(docs.doc_id) == ["ls2012", "hg2017a", "hg2017b", "hg2017c", "hg2023"]
    assert docs.groupby("year").size().to_dict() == {2012: 1, 2017: 3, 2023: 1}
    for column in ("doc_id", "year", "province", "outlet", "title", "text"):
        assert column in docs.columns
    assert docs.year.dtype == "int64"
    # Text is normalised: the raw "Hàng hoá" of ls2012 is spelled with the modern placement.
    ls = docs.set_index("doc_id").loc["ls2012", "text"]
    assert "Hàng hóa xuất nhập khẩu" in ls and "hoá" not in ls
    assert all(unicodedata.is_normalized("NFC", t) for t in docs.text)
    assert corpus.removed.columns.tolist() == ["doc_id", "line", "text", "reason"]


def test_minimal_corpus_loads(tmp_path):
    root = write_corpus(tmp_path, {"a.txt": ARTICLE}, HEADER + "a1,a.txt,2019,Điện Biên\n")
    corpus = tk.load_corpus(root)
    assert corpus.documents.loc[0, "text"] == (
        "Hợp tác biên giới Việt - Lào\nHai tỉnh ký thỏa thuận hợp tác về thương mại qua cửa khẩu."
    )
    assert corpus.documents.loc[0, "dateline"] == "BHG"
    assert corpus.removed.reason.tolist() == ["dateline", "comment_box"]


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


def test_nfd_text_and_old_tone_placement_are_repaired(tmp_path):
    text = unicodedata.normalize("NFD", "Hoà bình\nHợp tác thuỷ lợi và hoà giải biên giới được duy trì.\n")
    root = write_corpus(tmp_path, {"a.txt": text}, HEADER + "a1,a.txt,2019,Hà Giang\n")
    assert tk.load_corpus(root).documents.loc[0, "text"] == (
        "Hòa bình\nHợp tác thủy lợi và hòa giải biên giới được duy trì."
    )


def test_bom_crlf_and_html_remnants(tmp_path):
    raw = "\ufeffHợp tác&nbsp;biên giới\r\n<p>Hai bên <b>thống nhất</b> tăng cường tuần tra chung.</p>\r\n"
    root = write_corpus(tmp_path, {"a.txt": raw}, HEADER + "a1,a.txt,2019,Hà Giang\n")
    assert tk.load_corpus(root).documents.loc[0, "text"] == (
        "Hợp tác biên giới\nHai bên thống nhất tăng cường tuần tra chung."
    )


def test_empty_file(tmp_path):
    root = write_corpus(tmp_path, {"a.txt": " \n\n"}, HEADER + "a1,a.txt,2019,Hà Giang\n")
    with pytest.raises(tk.CorpusError, match=r"a\.txt: the file is empty \(doc_id a1\)"):
        tk.load_corpus(root)


def test_file_of_furniture_only(tmp_path):
    root = write_corpus(tmp_path, {"a.txt": "Top\nÝ kiến bạn đọc\n"}, HEADER + "a1,a.txt,2019,Hà Giang\n")
    with pytest.raises(tk.CorpusError, match=r"nothing left after cleaning.*comment_box, navigation"):
        tk.load_corpus(root)


def test_manifest_row_without_its_file(tmp_path):
    root = write_corpus(tmp_path, {"a.txt": ARTICLE}, HEADER + "a1,a.txt,2019,X\nb1,b.txt,2019,X\n")
    with pytest.raises(tk.ManifestError, match=r"corpus\.csv, line 3: file 'b\.txt' \(doc_id b1\) not found"):
        tk.load_corpus(root)


def test_file_without_a_manifest_row(tmp_path):
    root = write_corpus(tmp_path, {"a.txt": ARTICLE, "extra.txt": ARTICLE}, HEADER + "a1,a.txt,2019,X\n")
    with pytest.raises(tk.ManifestError, match=r"1 file\(s\) have no row in .*corpus\.csv: extra\.txt"):
        tk.load_corpus(root)


def test_duplicate_doc_id(tmp_path):
    root = write_corpus(tmp_path, {"a.txt": ARTICLE, "b.txt": ARTICLE}, HEADER + "a1,a.txt,2019,X\na1,b.txt,2019,X\n")
    with pytest.raises(tk.ManifestError, match=r"duplicate doc_id 'a1' on lines 2, 3"):
        tk.load_corpus(root)


@pytest.mark.parametrize("year, message", [
    ("2017a", r"line 2: year '2017a' is not a number"),
    ("", r"line 2: year '' is not a number"),
    ("1066", r"line 2: year 1066 is outside the plausible range"),
])
def test_bad_year(tmp_path, year, message):
    root = write_corpus(tmp_path, {"a.txt": ARTICLE}, HEADER + f"a1,a.txt,{year},X\n")
    with pytest.raises(tk.ManifestError, match=message):
        tk.load_corpus(root)


def test_missing_manifest_column(tmp_path):
    root = write_corpus(tmp_path, {"a.txt": ARTICLE}, "doc_id,file\na1,a.txt\n")
    with pytest.raises(tk.ManifestError, match="missing required column.*year"):
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


def test_manifest_columns_beyond_the_required_are_kept(tmp_path):
    root = write_corpus(tmp_path, {"a.txt": ARTICLE}, "doc_id,file,year,genre\na1,a.txt,2019,editorial\n")
    docs = tk.load_corpus(root).documents
    assert docs.loc[0, "genre"] == "editorial"
    assert pd.isna(docs.loc[0, "province"]) or docs.loc[0, "province"] == ""


# --------------------------------------------------------------- names are identifiers

NFD = lambda s: unicodedata.normalize("NFD", s)   # noqa: E731  (a file name as copied from a Mac)


def test_ids_stay_exactly_as_written(tmp_path):
    manifest = HEADER + "Thanh Hoá-01,a.txt,2019,X\nR&amp;D-02,b.txt,2019,X\n" + NFD("Hoà Bình-03") + ",c.txt,2019,X\n"
    corpus = tk.load_corpus(write_corpus(tmp_path, {"a.txt": ARTICLE, "b.txt": ARTICLE, "c.txt": ARTICLE}, manifest))
    assert sorted(corpus.documents.doc_id) == sorted(["Thanh Hoá-01", "R&amp;D-02", NFD("Hoà Bình-03")])
    assert set(corpus.removed.doc_id) == set(corpus.documents.doc_id)


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


def test_ids_that_differ_only_in_normalisation_are_refused(tmp_path):
    manifest = HEADER + "Hòa-1,a.txt,2019,X\n" + NFD("Hòa-1") + ",b.txt,2019,X\n"
    root = write_corpus(tmp_path, {"a.txt": ARTICLE, "b.txt": ARTICLE}, manifest)
    with pytest.raises(tk.ManifestError, match=r"doc_id 'Hòa-1' \(line 2\) and .* \(line 3\) differ only in Unicode"):
        tk.load_corpus(root)


def test_ids_that_differ_only_in_case_are_refused(tmp_path):
    root = write_corpus(tmp_path, {"a.txt": ARTICLE, "b.txt": ARTICLE}, HEADER + "Bai-01,a.txt,2019,X\nbai-01,b.txt,2019,X\n")
    with pytest.raises(tk.ManifestError, match=r"doc_id 'Bai-01' \(line 2\) and 'bai-01' \(line 3\) differ only in "
                                               r"upper/lower case; .*collide on case-insensitive file systems"):
        tk.load_corpus(root)
    # Case and spelling together (Hòa / hoà) are named as such.
    root = write_corpus(tmp_path, {}, HEADER + "Hòa-1,a.txt,2019,X\nhoà-1,b.txt,2019,X\n")
    with pytest.raises(tk.ManifestError, match=r"'Hòa-1' \(line 2\) and 'hoà-1' \(line 3\) differ only in upper/lower "
                                               r"case and Unicode normalisation or tone placement"):
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


# --------------------------------------------------------------- manifests as researchers save them

def _write_manifest(root, data: bytes):
    (root / "corpus.csv").write_bytes(data)
    return root


@pytest.mark.parametrize("delimiter", [";", "\t", ","])
def test_excel_semicolon_and_tab_manifests_with_bom_and_crlf(tmp_path, delimiter):
    rows = [["doc_id", "file", "year", "province", "title"],
            ["a1", "a.txt", "2019", "Hà Giang", "Hợp tác; biên giới, 2019"]]
    text = "\r\n".join(delimiter.join(f'"{v}"' if delimiter in v or "," in v or ";" in v else v for v in row)
                       for row in rows) + "\r\n"
    root = _write_manifest(write_corpus(tmp_path, {"a.txt": ARTICLE}, ""), b"\xef\xbb\xbf" + text.encode("utf-8"))
    docs = tk.load_corpus(root).documents
    assert docs.loc[0, ["doc_id", "province", "title"]].tolist() == ["a1", "Hà Giang", "Hợp tác; biên giới, 2019"]


def test_a_header_without_the_required_columns_says_what_was_seen(tmp_path):
    root = _write_manifest(write_corpus(tmp_path, {"a.txt": ARTICLE}, ""), "mã;tệp;năm\r\na1;a.txt;2019\r\n".encode())
    with pytest.raises(tk.ManifestError, match=r"missing required column\(s\) doc_id, file, year; the header line reads "
                                               r"'mã;tệp;năm', 3 column\(s\) separated by semicolons: 'mã', 'tệp', 'năm'"):
        tk.load_corpus(root)


def test_capitalised_column_names_get_a_hint(tmp_path):
    root = write_corpus(tmp_path, {"a.txt": ARTICLE}, "Doc_ID,File,Year\na1,a.txt,2019\n")
    with pytest.raises(tk.ManifestError, match=r"Column names are lower case: read 'Doc_ID' for 'doc_id'"):
        tk.load_corpus(root)


@pytest.mark.parametrize("data", [b"", b"\xef\xbb\xbf", b"\r\n  \r\n"])
def test_an_empty_manifest_is_a_clear_error(tmp_path, data):
    root = _write_manifest(write_corpus(tmp_path, {"a.txt": ARTICLE}, ""), data)
    with pytest.raises(tk.ManifestError, match=r"corpus\.csv: the manifest is empty; write a header line doc_id,file,year"):
        tk.load_corpus(root)


@pytest.mark.parametrize("data", [b"doc_id,file,year\n", b"\xef\xbb\xbfdoc_id;file;year\r\n\r\n"])
def test_a_header_only_manifest_is_a_clear_error(tmp_path, data):
    root = _write_manifest(write_corpus(tmp_path, {"a.txt": ARTICLE}, ""), data)
    with pytest.raises(tk.ManifestError, match=r"corpus\.csv: has a header but no rows; add one row per article"):
        tk.load_corpus(root)


def test_line_numbers_count_quoted_line_breaks_and_blank_lines(tmp_path):
    manifest = 'doc_id,file,year,title\na1,a.txt,2019,"Hai dòng\ntiêu đề"\n\nb1,b.txt,20x9,X\n'
    root = write_corpus(tmp_path, {"a.txt": ARTICLE, "b.txt": ARTICLE}, manifest)
    with pytest.raises(tk.ManifestError, match=r"corpus\.csv, line 5: year '20x9' is not a number"):
        tk.load_corpus(root)


def test_a_row_with_more_values_than_the_header(tmp_path):
    root = write_corpus(tmp_path, {"a.txt": ARTICLE}, HEADER + "a1,a.txt,2019,Hà Giang,Lào Cai\n")
    with pytest.raises(tk.ManifestError, match=r"line 2: 5 values but the header has 4 columns; a value that contains "
                                               r"commas must be quoted"):
        tk.load_corpus(root)


def test_empty_cells_a_spreadsheet_leaves_at_the_edge_are_ignored(tmp_path):
    manifest = "doc_id;file;year;;\r\na1;a.txt;2019;;\r\n;;;;\r\n"
    docs = tk.load_corpus(write_corpus(tmp_path, {"a.txt": ARTICLE}, manifest)).documents
    assert docs.doc_id.tolist() == ["a1"] and "" not in docs.columns


def test_values_in_a_column_without_a_name(tmp_path):
    root = write_corpus(tmp_path, {"a.txt": ARTICLE}, "doc_id,file,year,\na1,a.txt,2019,ghi chú\n")
    with pytest.raises(tk.ManifestError, match=r"column 4 has values \(line 2\) but no name in the header"):
        tk.load_corpus(root)


def test_a_manifest_saved_in_the_windows_code_page(tmp_path):
    root = _write_manifest(write_corpus(tmp_path, {"a.txt": ARTICLE}, ""), to_cp1258(HEADER + "a1,a.txt,2019,Hà Giang\n"))
    with pytest.raises(tk.ManifestError, match=r"corpus\.csv: not valid UTF-8 at byte \d+ \(line 2\).*CSV UTF-8"):
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


def _windows_1252(byte: int) -> str:
    try:
        return bytes([byte]).decode("cp1252")
    except UnicodeDecodeError:
        return chr(byte)


def test_a_whole_double_encoded_file_is_repaired_with_a_record_per_token(tmp_path):
    # Read as Windows-1252 (undefined bytes kept as C1 controls, as Windows does), saved again as UTF-8.
    garbled = "".join(_windows_1252(b) for b in ARTICLE.encode("utf-8")).encode("utf-8")
    corpus = tk.load_corpus(write_corpus(tmp_path, {"a.txt": garbled}, HEADER + "a1,a.txt,2019,X\n"))
    reference = tk.load_corpus(write_corpus(tmp_path / "ref", {"a.txt": ARTICLE}, HEADER + "a1,a.txt,2019,X\n"))
    assert corpus.documents.loc[0, "text"] == reference.documents.loc[0, "text"]
    repairs = corpus.repairs
    assert set(repairs.kind) == {"double_encoded_utf8"} and set(repairs.line) == {1, 2, 3}
    assert repairs.iloc[0][["doc_id", "line", "before", "after"]].tolist() == ["a1", 1, "Há»£p", "Hợp"]
    assert "repairs" in repr(corpus)


def test_a_garbled_paragraph_in_a_good_file_is_repaired_and_recorded(tmp_path):
    text = ARTICLE.replace("Hai tỉnh ký", "Hai tỉnh ký".encode("utf-8").decode("cp1252"))
    corpus = tk.load_corpus(write_corpus(tmp_path, {"a.txt": text}, HEADER + "a1,a.txt,2019,X\n"))
    assert "Hai tỉnh ký thỏa thuận" in corpus.documents.loc[0, "text"]
    assert corpus.repairs[["line", "before", "after"]].values.tolist() == [[2, "tá»‰nh", "tỉnh"], [2, "kÃ½", "ký"]]


def test_garbled_text_that_cannot_be_repaired_exactly_is_refused_with_its_line(tmp_path):
    lossy = "Ý kiến bạn đọc về đối ngoại".encode("utf-8").decode("cp1252", errors="replace")
    root = write_corpus(tmp_path, {"a.txt": f"Tiêu đề\nMột dòng tốt.\n{lossy}\n"}, HEADER + "a1,a.txt,2019,X\n")
    with pytest.raises(tk.CorpusError, match=r"a\.txt, line 3: garbled text: UTF-8 that was read as Windows-1252"):
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


def test_eth_and_escaped_markup_in_a_file_are_recorded(tmp_path):
    text = "Ðối ngoại nhân dân\nHai bên &lt;script&gt;alert(1)&lt;/script&gt;hợp tác tốt.\n"
    corpus = tk.load_corpus(write_corpus(tmp_path, {"a.txt": text}, HEADER + "a1,a.txt,2019,X\n"))
    assert corpus.documents.loc[0, "text"] == "Đối ngoại nhân dân\nHai bên hợp tác tốt."
    assert corpus.repairs.values.tolist() == [["a1", 1, "eth_as_d", "Ðối", "Đối"]]
    assert corpus.removed.values.tolist() == [["a1", 2, "&lt;script&gt;alert(1)&lt;/script&gt;", "html_markup"]]


def test_the_study_corpus_needs_no_repairs(corpus):
    assert corpus.repairs.columns.tolist() == ["doc_id", "line", "kind", "before", "after"]
    assert len(corpus.repairs) == 0


# --------------------------------------------------------------- bad arguments

@pytest.mark.parametrize("kwargs, message", [
    ({"root": 42}, r"root must be a folder or file path"),
    ({"root": "data", "manifest": "../corpus.csv"}, r"manifest must be a name inside the corpus folder"),
    ({"root": "data", "raw_dir": None}, r"raw_dir must be a name inside the corpus folder"),
    ({"root": "data", "min_year": "1900"}, r"min_year must be a whole number"),
    ({"root": "data", "min_year": 2030, "max_year": 2020}, r"min_year 2030 is after max_year 2020"),
])
def test_bad_arguments_raise_toolkit_errors(kwargs, message):
    with pytest.raises(tk.ToolkitError, match=message):
        tk.load_corpus(**kwargs)


def test_a_missing_corpus_folder(tmp_path):
    with pytest.raises(tk.ManifestError, match=r"nowhere: corpus folder not found"):
        tk.load_corpus(tmp_path / "nowhere")
    with pytest.raises(tk.ToolkitError, match=r"path must be a folder or file path"):
        tk.read_manifest(None)


def test_a_corpus_loaded_shard_by_shard_equals_the_whole():
    # The archive reads a corpus a few rows at a time; together the shards are the corpus.
    whole = tk.load_corpus("data")
    rows = tk.corpus.manifest_rows("data")
    assert len(rows) == 5 and rows.path.str.endswith(".txt").all()
    parts = [tk.corpus.load_rows("data", rows.iloc[i:i + 2]) for i in range(0, 5, 2)]
    docs = pd.concat([p.documents for p in parts]).sort_values(["year", "doc_id"], kind="stable").reset_index(drop=True)
    pd.testing.assert_frame_equal(docs, whole.documents)
    removed = pd.concat([p.removed for p in parts], ignore_index=True)
    assert len(removed) == len(whole.removed) and set(map(tuple, removed.to_numpy())) == set(map(tuple, whole.removed.to_numpy()))
    with pytest.raises(tk.ToolkitError, match="manifest_rows"):
        tk.corpus.load_rows("data", rows.drop(columns="path"))
