"""load_corpus on the study corpus and on bad input."""

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
