"""Cleaning removes site furniture by rule and records every removal."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from conftest import DATA, FUZZ, vietnamese_text
from toolkit.clean import clean_lines
from toolkit.errors import ToolkitError
from toolkit.normalize import normalize_text

# An article written for this test, with the same kinds of furniture as the
# study corpus: dateline, photo caption, page timestamp, related headlines,
# byline, source line, navigation and comment box, plus body lines that look
# a little like furniture but are text.
ARTICLE = """Quảng Ninh mở rộng hợp tác với Quảng Tây

08/05/2019 09:30
Tăng cường giao lưu nhân dân hai bên biên giới
Hội chợ thương mại quốc tế Việt - Trung khai mạc tại Móng Cái

QNO - Ngày 7.5, tỉnh Quảng Ninh tổ chức hội đàm với Khu tự trị dân tộc Choang Quảng Tây.
Hai bên thống nhất đẩy mạnh thương mại qua cửa khẩu Móng Cái.
Kết quả hợp tác năm 2018
Kim ngạch xuất nhập khẩu đạt 1,2 tỷ USD, tăng 15% so với năm trước.
Bài, ảnh: NGUYỄN VĂN AN
Theo: Báo Quảng Ninh
Về đầu trang
Ý kiến bạn đọc (0)
"""


def test_furniture_is_removed_with_reasons_and_line_numbers():
    result = clean_lines(ARTICLE.split("\n"))
    removed = [(r["line"], r["reason"], r["text"]) for r in result.removed]
    assert removed == [
        (3, "timestamp", "08/05/2019 09:30"),
        (4, "related_headlines", "Tăng cường giao lưu nhân dân hai bên biên giới"),
        (5, "related_headlines", "Hội chợ thương mại quốc tế Việt - Trung khai mạc tại Móng Cái"),
        (7, "dateline", "QNO - "),
        (11, "byline", "Bài, ảnh: NGUYỄN VĂN AN"),
        (12, "source", "Theo: Báo Quảng Ninh"),
        (13, "navigation", "Về đầu trang"),
        (14, "comment_box", "Ý kiến bạn đọc (0)"),
    ]


def test_text_survives_including_a_single_subheading():
    result = clean_lines(ARTICLE.split("\n"))
    assert [n for n, _ in result.lines] == [1, 7, 8, 9, 10]
    assert result.lines[1][1].startswith("Ngày 7.5, tỉnh Quảng Ninh")
    # One headline-shaped line inside the body is a subheading, not a list of links.
    assert result.lines[3][1] == "Kết quả hợp tác năm 2018"


def test_metadata_is_kept():
    meta = clean_lines(ARTICLE.split("\n")).metadata
    assert meta == {
        "timestamp": "08/05/2019 09:30",
        "dateline": "QNO",
        "byline": "NGUYỄN VĂN AN",
        "source": "Báo Quảng Ninh",
    }


def test_bare_names_are_bylines_only_in_the_tail():
    lines = ["Tiêu đề", "Lê Hải", "Ông Lê Hải phát biểu tại hội nghị.", "Lê Hải", "Ý kiến ()"]
    result = clean_lines(lines)
    assert [(r["line"], r["reason"]) for r in result.removed] == [(4, "byline"), (5, "comment_box")]
    assert [t for _, t in result.lines][:2] == ["Tiêu đề", "Lê Hải"]


def test_every_normalised_line_is_kept_or_recorded(corpus):
    for doc in corpus.documents.itertuples():
        raw = (DATA / "raw" / doc.file).read_text(encoding="utf-8")
        lines = [line.strip() for line in normalize_text(raw).split("\n")]
        kept = dict(zip(doc.line_numbers, doc.text.split("\n")))
        removed = corpus.removed[corpus.removed.doc_id == doc.doc_id]
        by_line: dict[int, str] = {}
        for rec in removed.itertuples():
            by_line[rec.line] = by_line.get(rec.line, "") + rec.text
        for number, line in enumerate(lines, start=1):
            if not line:
                continue
            rebuilt = by_line.get(number, "") + kept.get(number, "")
            assert rebuilt == line, f"{doc.file} line {number}"


def test_study_corpus_cleaning_audit(corpus):
    removed = corpus.removed
    # From reading the raw files: every article but hg2023 ends with a byline
    # and all but hg2017c and hg2023 with a comment-box label.
    assert set(removed.loc[removed.reason == "byline", "doc_id"]) == {"ls2012", "hg2017a", "hg2017b", "hg2017c"}
    assert set(removed.loc[removed.reason == "comment_box", "doc_id"]) == {"ls2012", "hg2017a", "hg2017b"}
    related = removed[removed.reason == "related_headlines"]
    assert list(related.text) == [
        "Từ kinh nghiệm của ngoại giao vaccine, thúc đẩy ngoại giao kinh tế",
        "Đẩy mạnh công tác ngoại giao kinh tế phục vụ phát triển đất nước",
        "Đối ngoại nhân dân thu hút viện trợ quốc tế, quảng bá hình ảnh địa phương",
        "50 năm quan hệ ngoại giao Việt Nam - Malaysia: Thúc đẩy mô hình hợp tác địa phương",
    ]
    docs = corpus.documents.set_index("doc_id")
    assert docs.loc["hg2023", "timestamp"] == "2025-01-17 20:15:20"
    assert docs.loc["hg2023", "source"] == "ON Trực Tuyến"
    assert docs.loc["ls2012", "dateline"] == "LSO"
    assert docs.loc["hg2017a", "dateline"] == docs.loc["hg2017b", "dateline"] == "BHG"
    assert docs.loc["ls2012", "byline"] == "MAI VĂN HOA"
    assert docs.loc["hg2017b", "byline"] == "LÊ HẢI"
    assert docs.loc["hg2017c", "byline"] == "Lê Hải"
    assert not docs["text"].str.contains("Ý kiến|Top$|BHG -|LSO-", regex=True).any()


@pytest.mark.parametrize("lines, message", [
    ("Tiêu đề\nNội dung.", r"lines must be a list of str .* got str; split a text first"),
    (None, r"lines must be a list of str .* got NoneType"),
    (["Tiêu đề", 3], r"lines must all be str; item 1 is int"),
])
def test_bad_arguments_raise_toolkit_errors(lines, message):
    with pytest.raises(ToolkitError, match=message):
        clean_lines(lines)


def test_multi_line_script_and_style_blocks_are_removed_whole():
    from toolkit.clean import drop_hidden_blocks

    lines = ["Tiêu đề", "Trước <script type='text/javascript'>", "  var ads = [1, 2];", "", "</script> sau.",
             "<STYLE>", "p { color: red }", "</style>", "&lt;script&gt;", "alert(1)", "&lt;/script&gt;",
             "Giữa <script>x()</script> dòng"]
    kept, removed = drop_hidden_blocks(lines)
    assert kept == ["Tiêu đề", "Trước ", "", "", " sau.", "", "", "", "", "", "",
                    "Giữa <script>x()</script> dòng"]    # one-line blocks are normalisation's, with their record
    assert [(r["line"], r["text"], r["reason"]) for r in removed] == [
        (2, "<script type='text/javascript'>", "html_markup"), (3, "  var ads = [1, 2];", "html_markup"),
        (5, "</script>", "html_markup"), (6, "<STYLE>", "html_markup"), (7, "p { color: red }", "html_markup"),
        (8, "</style>", "html_markup"), (9, "&lt;script&gt;", "html_markup"), (10, "alert(1)", "html_markup"),
        (11, "&lt;/script&gt;", "html_markup")]
    # No block, or one never closed: the lines are returned as they are.
    assert drop_hidden_blocks(["a", "b"]) == (["a", "b"], [])
    assert drop_hidden_blocks(["<script>", "var x;"]) == (["<script>", "var x;"], [])


# Runs of short unpunctuated lines inside real articles are text. The excerpts below are short
# quotations of Dân trí articles of the Underthesea News Corpus (undertheseanlp/resources,
# CP_Vietnamese-UNC, GPL-3.0) and of list articles of the same kind; the earlier rule removed
# every such run as "related headlines".
GALLERY = [
    "Giông lốc cuốn phăng nguyên mái tôn của trường học ở Sài Gòn",
    "Đến sáng 1/11, hiện trường mái tôn của dãy B trường THPT Bình Phú vẫn còn nằm ngổn ngang.",
    "Một phần mái tôn vắt lên tường",
    "Phòng học toang hoang sau khi mái tôn bị gió cuốn đi",
    "Tường gạch đổ sập xuống nền",
    "Ông Nguyễn Xuân Đức, Phó hiệu trưởng trường THPT Bình Phú cho biết sự cố không gây thương vong về người.",
    "Cả 5 phòng học ở tầng 3 của dãy B bị hư hỏng nặng",
    "Nguyên dãy phòng học ở tầng 3 bị hư hỏng nặng",
    "Hoàng Lê",
]


def test_photo_captions_inside_and_at_the_end_of_a_gallery_stay():
    result = clean_lines(GALLERY)
    assert [t for _, t in result.lines] == GALLERY[:-1]
    # The closing name is a byline; the captions before it are not links, although only furniture follows.
    assert [(r["line"], r["reason"]) for r in result.removed] == [(9, "byline")]


@pytest.mark.parametrize("lines", [
    ["Những quán phở ngon nhất Hà Nội", "Phở là món ăn sáng quen thuộc của người Hà Nội.",
     "4. Phở Thìn Lò Đúc", "Quán nằm trên phố Lò Đúc, nổi tiếng với phở bò tái lăn.",
     "5. Phở Mặn", "6. Phở Sướng", "Quán nhỏ trong ngõ nhưng luôn đông khách."],
    ["Giá các mẫu điện thoại tầm trung tháng 4", "Nhiều mẫu điện thoại mới được giảm giá trong tháng này.",
     "Realme 8 Pro: Hơn 8 triệu đồng", "Samsung Galaxy A52: Hơn 9 triệu đồng",
     "Máy có màn hình 6,4 inch và camera 108 megapixel."],
    ["Real Madrid thắng nhẹ Osasuna", "Real Madrid giành chiến thắng 2-0 trên sân nhà.",
     "Đội hình thi đấu", "Real Madrid (4-2-3-1): Courtois; Odriozola, Militao, Varane, Marcelo",
     "Osasuna (4-4-2): Herrera; Nacho Vidal, Aridane, Garcia, Manu Sanchez",
     "Bàn thắng: Militao 73', Casemiro 84'"],
], ids=["numbered list", "subheadings with prices", "match facts"])
def test_list_items_subheadings_and_match_facts_stay(lines):
    result = clean_lines(lines)
    assert result.removed == []
    assert [t for _, t in result.lines] == lines


def test_links_are_removed_after_a_label_or_when_only_furniture_surrounds_them():
    labelled = clean_lines(["Tiêu đề bài viết", "Nội dung bài viết.", "Tin liên quan",
                            "Hà Giang đẩy mạnh hợp tác với Vân Nam", "Lào Cai đón đoàn doanh nghiệp Trung Quốc",
                            "Nội dung tiếp theo của bài."])
    assert [(r["line"], r["reason"]) for r in labelled.removed] == [
        (3, "navigation"), (4, "related_headlines"), (5, "related_headlines")]
    # The same two headlines at the end, followed by a source line and navigation (hg2023's layout)...
    tail = ["Tiêu đề bài viết", "Nội dung bài viết.", "Hà Giang đẩy mạnh hợp tác với Vân Nam",
            "Lào Cai đón đoàn doanh nghiệp Trung Quốc", "Nguồn bài viết : ON Trực Tuyến", "Top"]
    assert [r["reason"] for r in clean_lines(tail).removed] == [
        "related_headlines", "related_headlines", "source", "navigation"]
    # ... but not when text follows them, nor when they are numbered items.
    assert clean_lines(tail[:4] + ["Một câu của bài."] + tail[4:]).removed[0]["reason"] == "source"
    numbered = tail[:2] + ["1. Hà Giang đẩy mạnh hợp tác với Vân Nam", "2. Lào Cai đón đoàn doanh nghiệp"] + tail[4:]
    assert [r["reason"] for r in clean_lines(numbered).removed] == ["source", "navigation"]


@pytest.mark.parametrize("lines, removed", [
    # Datelines of real outlets (Tiền Phong, TTXVN, Báo Hà Giang, Báo Lạng Sơn): the code goes.
    (["Tiêu đề", "TPO - Suốt cuộc trò chuyện kéo dài hơn một giờ đồng hồ, cô nhiều lần rớt nước mắt."], ["TPO - "]),
    (["Tiêu đề", "TTXVN - Chiều 26-6, Chủ tịch nước tiếp đoàn đại biểu."], ["TTXVN - "]),
    (["Tiêu đề", "LSO-Trong những năm qua, công tác đối ngoại của tỉnh có nhiều chuyển biến."], ["LSO-"]),
    # Headlines and sentences of baomoi articles that begin with capitals and a dash: text.
    (["MU – Mourinho muốn Kane, Tottenham hét giá 200 triệu bảng", "Nội dung bài."], []),
    (["Tiêu đề", "VN-Index phục hồi mạnh sáng nay, lấy lại gần hết mức giảm của 2 phiên trước."], []),
    (["Tiêu đề", "HNX-Index giảm nhẹ trong phiên chiều."], []),
    (["Tiêu đề", "AV-Test, tổ chức an ninh độc lập chuyên kiểm tra bảo mật, vừa công bố đánh giá."], []),
    (["Tiêu đề", "SLNA – Quảng Nam xứng đáng là trận cầu hấp dẫn nhất vòng 15 V-League 2017."], []),
], ids=["TPO", "TTXVN", "LSO", "title", "VN-Index", "HNX-Index", "AV-Test", "match"])
def test_datelines_only_where_an_agency_code_opens_a_sentence(lines, removed):
    assert [r["text"] for r in clean_lines(lines).removed] == removed


# --------------------------------------------------------------- properties

furniture = st.sampled_from(["Top", "Ý kiến bạn đọc", "2025-01-17 20:15:20", "Nguồn: TTXVN", "Bài, ảnh: LÊ HẢI",
                             "Lê Hải", "BHG - Tỉnh đẩy mạnh hợp tác.", "Tin liên quan", "Chia sẻ", ""])


lines = st.lists(st.one_of(furniture, vietnamese_text.map(lambda t: t.replace("\n", " "))), min_size=1, max_size=12)


@FUZZ
@given(lines)
def test_cleaning_plus_audit_reconstructs_the_input_lines(raw_lines):
    normalised = [normalize_text(line).strip() for line in raw_lines]
    result = clean_lines(normalised)
    kept = dict(result.lines)
    removed: dict[int, str] = {}
    for record in result.removed:
        removed[record["line"]] = removed.get(record["line"], "") + record["text"]
    for number, line in enumerate(normalised, start=1):
        if line:
            assert removed.get(number, "") + kept.get(number, "") == line
