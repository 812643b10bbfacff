"""load_corpus on the study corpus and on bad input.

The manifest's own checks are in tests/test_manifest.py, finding and decoding the article files in
tests/test_rawfiles.py.
"""

import unicodedata

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import toolkit as tk
from conftest import ARTICLE, HEADER, ROW, documented, hostile_text, write_corpus


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


def test_manifest_columns_beyond_the_required_are_kept(tmp_path):
    root = write_corpus(tmp_path, {"a.txt": ARTICLE}, "doc_id,file,year,genre\na1,a.txt,2019,editorial\n")
    docs = tk.load_corpus(root).documents
    assert docs.loc[0, "genre"] == "editorial"
    assert pd.isna(docs.loc[0, "province"]) or docs.loc[0, "province"] == ""


# --------------------------------------------------------------- repairs


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


# --------------------------------------------------------------- hostile files

def test_mixed_nfc_and_nfd_and_both_tone_placements_in_one_file(tmp_path):
    text = ("Hòa bình và thủy lợi\n" + unicodedata.normalize("NFD", "Hoà giải và thuỷ sản được duy trì.\n")
            + "Hợp tác hoà bình, khoẻ mạnh.\n")
    root = write_corpus(tmp_path, {"a.txt": text}, HEADER + ROW)
    assert tk.load_corpus(root).documents.loc[0, "text"] == (
        "Hòa bình và thủy lợi\nHòa giải và thủy sản được duy trì.\nHợp tác hòa bình, khỏe mạnh.")


def test_html_remnants_scripts_and_control_characters_are_removed(tmp_path):
    raw = ("Hợp tác\x07 biên giới<script>var x = 1;</script>\n"
           "Hai bên <b>thống\x00 nhất</b> tăng cường tuần tra.\x1b\n")
    root = write_corpus(tmp_path, {"a.txt": raw}, HEADER + ROW)
    corpus = tk.load_corpus(root)
    assert corpus.documents.loc[0, "text"] == "Hợp tác biên giới\nHai bên thống nhất tăng cường tuần tra."
    # Nothing leaves without a record: each deleted fragment is listed with its raw line.
    records = list(corpus.removed[["line", "text", "reason"]].itertuples(index=False, name=None))
    assert records == [
        (1, "<script>var x = 1;</script>", "html_markup"), (1, "\x07", "control_character"),
        (2, "<b>", "html_markup"), (2, "</b>", "html_markup"),
        (2, "\x00", "control_character"), (2, "\x1b", "control_character"),
    ]


def test_a_script_over_several_lines_leaves_whole_with_a_record_per_line(tmp_path):
    raw = ("Hợp tác biên giới\n<script type=\"text/javascript\">\n  var ads = [1, 2];\n  show(ads);\n</script>\n"
           "Hai bên tăng cường tuần tra chung. <style>\np { color: red }\n</style>\nBa bên ký kết.\n")
    corpus = tk.load_corpus(write_corpus(tmp_path, {"a.txt": raw}, HEADER + ROW))
    docs = corpus.documents
    assert docs.loc[0, "text"] == "Hợp tác biên giới\nHai bên tăng cường tuần tra chung.\nBa bên ký kết."
    assert docs.loc[0, "line_numbers"] == (1, 6, 9) and docs.loc[0, "n_lines"] == 9
    records = list(corpus.removed[["line", "text", "reason"]].itertuples(index=False, name=None))
    assert records == [
        (2, '<script type="text/javascript">', "html_markup"), (3, "  var ads = [1, 2];", "html_markup"),
        (4, "  show(ads);", "html_markup"), (5, "</script>", "html_markup"),
        (6, "<style>", "html_markup"), (7, "p { color: red }", "html_markup"), (8, "</style>", "html_markup"),
    ]


def test_a_line_break_tag_keeps_raw_line_numbers(tmp_path):
    raw = "Tiêu đề bài viết\nHai bên hợp tác.<br>Tuần tra chung.\nBa bên ký kết.\n"
    corpus = tk.load_corpus(write_corpus(tmp_path, {"a.txt": raw}, HEADER + ROW))
    assert corpus.documents.loc[0, "line_numbers"] == (1, 2, 2, 3)
    units = tk.segment(corpus, unit="paragraph")
    assert units.line.tolist() == [1, 2, 2, 3]


def test_a_50_mb_single_line_file_loads_and_segments(tmp_path):
    sentence = "Hai bên thống nhất tăng cường hợp tác thương mại qua cửa khẩu quốc tế. "
    line = sentence * (50_000_000 // len(sentence.encode("utf-8")))
    root = write_corpus(tmp_path, {"a.txt": line}, HEADER + ROW)
    corpus = tk.load_corpus(root)
    assert len(corpus.documents.loc[0, "text"]) == len(line.strip())
    paragraphs = tk.segment(corpus, unit="paragraph")
    assert len(paragraphs) == 1 and paragraphs.loc[0, "kind"] == "body"


@settings(max_examples=60, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(st.binary(max_size=400) | hostile_text.map(lambda t: t.encode("utf-8", "surrogatepass")),
       st.sampled_from(["", "utf-8", "cp1258", "latin-1", "nonsense-codec"]))
def test_fuzz_load_corpus_and_segment(tmp_path_factory, data, encoding):
    root = write_corpus(tmp_path_factory.mktemp("fuzz"), {"a.txt": data},
                        f"doc_id,file,year,encoding\na1,a.txt,2019,{encoding}\n")

    def run():
        corpus = tk.load_corpus(root)
        for unit in ("sentence", "paragraph"):
            tk.segment(corpus, unit=unit)

    documented(run)
