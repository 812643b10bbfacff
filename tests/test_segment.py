"""Sentence splitting, unit kinds and near-duplicate links."""

import numpy as np
import pandas as pd
import pytest

import toolkit as tk
from toolkit.segment import near_duplicates, paragraph_kind, split_sentences
from toolkit.groups import add_periods


@pytest.mark.parametrize("text, expected", [
    # Abbreviations keep their stop; an acronym before a stop ends the sentence.
    ("Đoàn đến TP. Hồ Chí Minh. Ông TS. Nguyễn Văn A phát biểu.",
     ["Đoàn đến TP. Hồ Chí Minh.", "Ông TS. Nguyễn Văn A phát biểu."]),
    ("Kế hoạch do UBND. Sau đó tỉnh triển khai.", ["Kế hoạch do UBND.", "Sau đó tỉnh triển khai."]),
    # Dates and numbers (from the corpus) never split.
    ("Nghị quyết số 08-NQ/TU ngày 26.7.2016 của BCH Đảng bộ tỉnh. Chỉ thị ngày 17/3/2008 được ban hành.",
     ["Nghị quyết số 08-NQ/TU ngày 26.7.2016 của BCH Đảng bộ tỉnh.", "Chỉ thị ngày 17/3/2008 được ban hành."]),
    ("Khách đạt 900.000 lượt, kim ngạch 102,6 triệu USD. Tăng 13%.",
     ["Khách đạt 900.000 lượt, kim ngạch 102,6 triệu USD.", "Tăng 13%."]),
    # An ellipsis before a lower-case word continues; before a capital it ends.
    ("các tổ chức quốc tế... đảm bảo lộ trình. Tại huyện Malypho... Đồng thời đẩy mạnh.",
     ["các tổ chức quốc tế... đảm bảo lộ trình.", "Tại huyện Malypho...", "Đồng thời đẩy mạnh."]),
    # Closing quotes stay with their sentence.
    ("Tỉnh đề ra “Chiến lược hội nhập”. Theo đó, tỉnh chú trọng hợp tác.",
     ["Tỉnh đề ra “Chiến lược hội nhập”.", "Theo đó, tỉnh chú trọng hợp tác."]),
    ("Ông nói: “Hợp tác là chìa khóa.” Sau đó ông rời đi!", ["Ông nói: “Hợp tác là chìa khóa.”", "Sau đó ông rời đi!"]),
])
def test_split_sentences(text, expected):
    assert split_sentences(text) == expected


def test_sentences_rejoin_to_their_paragraph(corpus):
    for text in corpus.documents.text:
        for paragraph in text.split("\n"):
            assert " ".join(split_sentences(paragraph)) == " ".join(paragraph.split())


def test_unit_frames_have_the_documented_columns(sentences, paragraphs):
    expected = ["unit_id", "doc_id", "year", "paragraph", "sentence", "kind", "text", "duplicate_of"]
    for units in (sentences, paragraphs):
        assert set(expected) <= set(units.columns)
        assert units.unit_id.is_unique
        assert set(units.kind) <= {"title", "caption", "body"}
    assert paragraphs.sentence.isna().all()
    assert sentences.sentence.min() == 1


def test_units_carry_every_manifest_column(sentences, tmp_path):
    from conftest import category_corpus

    # The study manifest: year, province, outlet, title, period_evidence, in its order; never file or encoding.
    assert sentences.columns.tolist()[:7] == ["unit_id", "doc_id", "year", "province", "outlet", "title",
                                              "period_evidence"]
    assert "file" not in sentences.columns and "encoding" not in sentences.columns
    corpus = tk.load_corpus(category_corpus(tmp_path))
    assert corpus.manifest_columns == ["year", "category"]
    for unit in ("sentence", "paragraph"):
        units = tk.segment(corpus, unit=unit)
        # A manifest without province gives units without province.
        assert units.columns.tolist() == ["unit_id", "doc_id", "year", "category", "paragraph", "sentence", "line",
                                          "kind", "text", "duplicate_of"]
        docs = corpus.documents.set_index("doc_id")
        assert (units.category == units.doc_id.map(docs.category)).all()
    # A derived period is a column like the others.
    with_period = tk.segment(add_periods(corpus, "2005-2012,2013-2020"))
    assert with_period.columns.tolist()[2:5] == ["year", "category", "period"]
    assert set(with_period.period) == {"2005-2012", "2013-2020"}


def test_kinds_on_the_study_corpus(paragraphs):
    kinds = paragraphs.set_index("unit_id").kind
    titled = paragraphs[paragraphs.kind == "title"].doc_id.tolist()
    # Four articles have a title line; hg2017c opens with a photo caption (SOURCES.md).
    assert titled == ["ls2012", "hg2017a", "hg2017b", "hg2023"]
    captions = paragraphs[paragraphs.kind == "caption"].text.tolist()
    assert captions == [
        "Lãnh đạo tỉnh Lạng Sơn và Phó Thủ tướng Lào (thứ ba, hàng đầu từ trái sang) thăm cửa khẩu Tân Thanh (tháng 10/2011) |",
        "Hàng hóa xuất nhập khẩu tập kết tại Ga Quốc tế Đồng Đăng |",
        "Bí thư Tỉnh ủy Triệu Tài Vinh đón Đoàn Đại sứ Mỹ tại Việt Nam lên thăm và làm việc với tỉnh ta tháng 3.2017. |",
        "Một góc gian hàng của tỉnh Hà Giang tại Hội chợ hàng xuất nhập khẩu Côn Minh, tỉnh Vân Nam, Trung Quốc.",
        "Tỉnh đoàn Hà Giang khảo sát tại Công ty Hữu hạn Công nghệ Addictive manufacturing (In 3D) Giai Duy, "
        "thành phố Côn Minh, Trung Quốc (Ảnh: CTV).",
    ]
    assert kinds["hg2017c:p01"] == "caption"


def test_paragraph_kind_rules():
    assert paragraph_kind("Hợp tác biên giới", 1, title="Hợp tác biên giới") == "title"
    assert paragraph_kind("Toàn cảnh hội nghị hợp tác.", 3) == "caption"
    assert paragraph_kind("Hai tỉnh ký kết thỏa thuận.", 3) == "body"
    assert paragraph_kind("Hai tỉnh ký kết thỏa thuận. Sau đó hội đàm.", 1, n_sentences=2) == "body"


def test_near_duplicates_on_the_study_corpus(sentences):
    dup = sentences[sentences.duplicate_of.notna()]
    # ls2012 repeats its lead paragraph as the opening of the next one; hg2017c
    # repeats passages of hg2017a (SOURCES.md); nothing else repeats.
    assert dup.unit_id.tolist() == [
        "ls2012:p03s01", "hg2017c:p02s03", "hg2017c:p03s01", "hg2017c:p03s02",
        "hg2017c:p04s01", "hg2017c:p04s02", "hg2017c:p07s01", "hg2017c:p07s02",
    ]
    assert dup.duplicate_of.tolist()[0] == "ls2012:p02s01"
    assert set(dup.duplicate_of.str.split(":").str[0]) == {"ls2012", "hg2017a"}
    # Links point at units that exist and are not themselves duplicates.
    originals = sentences.set_index("unit_id").loc[dup.duplicate_of]
    assert originals.duplicate_of.isna().all()


def test_paragraph_lead_contained_in_a_longer_paragraph(paragraphs):
    links = paragraphs.set_index("unit_id").duplicate_of
    assert links["ls2012:p02"] == "ls2012:p03"   # the lead is contained in the next paragraph
    assert pd.isna(links["ls2012:p03"])


def test_near_duplicates_threshold_and_minimum_length():
    a = "Hai bên thống nhất tăng cường tuần tra chung trên tuyến biên giới trong năm tới"
    b = a.replace("năm tới", "năm nay")
    assert near_duplicates([a, b]).tolist() == [-1, 0]
    assert near_duplicates([a, b], threshold=0.95).tolist() == [-1, -1]
    assert near_duplicates(["Hai bên hợp tác.", "Hai bên hợp tác."]).tolist() == [-1, -1]
    with pytest.raises(tk.ToolkitError, match="threshold"):
        near_duplicates([a, b], threshold=1.5)


def test_bad_unit_is_refused(corpus):
    with pytest.raises(tk.ToolkitError, match="unit must be one of sentence, paragraph; got 'word'"):
        tk.segment(corpus, unit="word")


def test_shingle_matrix_holds_the_same_3gram_sets_as_countvectorizer(sentences):
    # near_duplicates builds its 3-gram sets on integer word ids; scikit-learn's string 3-grams are the reference.
    from sklearn.feature_extraction.text import CountVectorizer

    from toolkit.segment import _shingle_text, _shingles

    texts = [_shingle_text(t) for t in sentences.text] + ["", "một hai", "a b c a b c a b c"]
    ours = _shingles(texts)
    vec = CountVectorizer(analyzer="word", ngram_range=(3, 3), binary=True, lowercase=False, token_pattern=r"\S+")
    ref = vec.fit_transform(texts).tocsr()
    names = vec.get_feature_names_out()
    assert ours.shape[0] == ref.shape[0] and ours.nnz == ref.nnz
    assert set(ours.data.tolist()) == {1}
    # The same number of distinct 3-grams per unit, and identical units share the same columns.
    assert (np.asarray(ours.sum(axis=1)).ravel() == np.asarray(ref.sum(axis=1)).ravel()).all()
    assert ref[len(texts) - 1].nnz == 3                       # "a b c", "b c a", "c a b"
    assert {names[j] for j in ref[len(texts) - 1].indices} == {"a b c", "b c a", "c a b"}
    # Column identity: two units share a 3-gram in ours exactly when they do in the reference.
    assert ((ours @ ours.T) != (ref @ ref.T)).nnz == 0


def test_documents_without_body_units_are_listed_with_their_reason(tmp_path):
    from conftest import write_corpus
    from toolkit.summary import without_body

    # A photo gallery: a title and captions only, each ending with its credit as on the outlets' pages;
    # an article whose body repeats the first one word for word; and an ordinary article.
    gallery = ("Lung linh đêm rằm trung thu phố cổ Hội An\n"
               "Thả hoa đăng cầu nguyện bình an, may mắn bên sông Hoài (Ảnh: Công Bính)\n"
               "Phố cổ lung linh trong đêm trung thu, thuyền ghe nhộn nhịp chở khách (Ảnh: Công Bính)\n")
    text = ("Hội An đón khách dịp trung thu\n"
            "Đêm 30/9, đông đảo du khách từ khắp nơi đổ về Hội An đón trung thu sau nhiều tháng vắng vẻ.\n")
    copy = "Du khách về Hội An\n" + text.split("\n", 1)[1]
    root = write_corpus(tmp_path / "c", {"a.txt": text, "b.txt": gallery, "c.txt": copy},
                        "doc_id,file,year\na,a.txt,2020\nb,b.txt,2020\nc,c.txt,2020\n")
    corpus = tk.load_corpus(root)
    units = tk.segment(corpus, unit="sentence")
    listed = without_body(corpus.documents, units)
    assert listed[["doc_id", "caption", "body", "reason"]].to_dict("records") == [
        {"doc_id": "b", "caption": 2, "body": 0, "reason": "only title and captions"},
        {"doc_id": "c", "caption": 0, "body": 1, "reason": "every body unit repeats another unit"},
    ]
    # Every document is either measured (a body unit that is no repeat) or listed.
    measured = set(units.loc[(units.kind == "body") & units.duplicate_of.isna(), "doc_id"])
    assert measured | set(listed.doc_id) == set(corpus.documents.doc_id) and not measured & set(listed.doc_id)
