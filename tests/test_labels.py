"""The decision rule (toolkit/labels.py): labels of real sentences, domestic news left without a theme."""

import pytest

import toolkit as tk
from toolkit.labels import label_themes
from toolkit.lexicon import load_lexicon
from toolkit.measure import score_themes


# The domestic sentences of the review (one per kind of false alarm it found under v1):
# none of them concerns foreign affairs, and lexicon v2 must give none of them a theme.
DOMESTIC = [
    "Công an huyện Vị Xuyên triệt phá đường dây trộm cắp xe máy, đảm bảo an ninh trật tự dịp Tết.",
    "Lực lượng cảnh sát giao thông tăng cường tuần tra, đảm bảo trật tự an toàn giao thông.",
    "Đoàn kiểm tra liên ngành kiểm tra an toàn thực phẩm tại các chợ trên địa bàn thành phố.",
    "Lũ quét tại huyện biên giới Mèo Vạc làm hư hỏng 20 ngôi nhà.",
    "Hàng nghìn du khách trong nước đến Công viên địa chất toàn cầu Cao nguyên đá Đồng Văn dịp nghỉ lễ.",
    "Xã Thanh Thủy kết nghĩa với Trường THPT Chuyên Hà Giang.",
    "Bệnh viện Hữu nghị tiếp nhận 200 bệnh nhân mỗi ngày.",
    "Ngân hàng Chính sách xã hội giải ngân vốn vay cho hộ nghèo.",
    "Hội chợ Xuân phục vụ nhân dân đón Tết.",
    "Tỉnh đầu tư làm đường đến các xã biên giới.",
    "Tỉnh Lào Cai đẩy mạnh du lịch.",
]


def test_domestic_news_gets_no_theme_under_v2_but_did_under_v1():
    v2 = label_themes(DOMESTIC, lexicon="v2")
    assert not v2.any(axis=None), v2[v2.any(axis=1)]
    assert label_themes(DOMESTIC, lexicon="v1").any(axis=1).sum() >= 8   # the failure the review found


def test_named_partners_and_names_that_are_not_partners():
    lex = load_lexicon("v2")
    texts = ["Cơ quan Hợp tác quốc tế Nhật Bản (JICA) cho vay ưu đãi 2.800 tỷ đồng nâng cấp thủy lợi.",
             "Lào Cai thu hút đầu tư của Thái Lan.",
             "Tổ chức Tầm nhìn Thế giới viện trợ xây 20 cây cầu.",
             "Hai bên ký kết kết nghĩa, cùng xây dựng đường biên giới hòa bình, hữu nghị."]
    labels = label_themes(texts, lexicon=lex)
    assert labels.economic_diplomacy.tolist()[:2] == [True, True]
    assert labels.people_to_people.tolist()[2] and labels.border_security.tolist()[3]


def test_labels_are_the_score_threshold():
    texts = ["An ninh trật tự khu vực biên giới được giữ vững.", "Hợp tác phát triển."]
    assert label_themes(texts).to_dict("list") == {
        "economic_diplomacy": [False, False], "border_security": [True, False], "people_to_people": [False, False]}
    assert label_themes(texts, threshold=3).border_security.tolist() == [False, False]
    with pytest.raises(tk.ToolkitError, match="single str"):
        score_themes("An ninh")
