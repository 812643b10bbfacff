"""The manifest (corpus.csv): ids, years and columns, and manifests as spreadsheets save them.

Read through :func:`toolkit.load_corpus`, which reports every problem with the manifest's line.
"""

import pytest

import toolkit as tk
from conftest import ARTICLE, HEADER, NFD, to_cp1258, write_corpus


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


# --------------------------------------------------------------- names are identifiers

def test_ids_stay_exactly_as_written(tmp_path):
    manifest = HEADER + "Thanh Hoá-01,a.txt,2019,X\nR&amp;D-02,b.txt,2019,X\n" + NFD("Hoà Bình-03") + ",c.txt,2019,X\n"
    corpus = tk.load_corpus(write_corpus(tmp_path, {"a.txt": ARTICLE, "b.txt": ARTICLE, "c.txt": ARTICLE}, manifest))
    assert sorted(corpus.documents.doc_id) == sorted(["Thanh Hoá-01", "R&amp;D-02", NFD("Hoà Bình-03")])
    assert set(corpus.removed.doc_id) == set(corpus.documents.doc_id)


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
