"""Dictionary matching of texts (toolkit/measure.py): scoring, ambiguity rules and the evidence of each hit."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

import toolkit as tk
from conftest import FUZZ, documented, hostile_text
from toolkit.lexicon import load_lexicon
from toolkit.measure import explain, match_themes, score_themes
from toolkit.themes import THEMES


@pytest.mark.parametrize("text, expected", [
    # "cửa khẩu": trade with a trade cue, border control with a security cue.
    ("Kim ngạch hàng hóa qua cửa khẩu tăng.", (2, 0, 0)),          # kim ngạch; cửa khẩu (trade); hàng hóa has no foreign side
    ("Tuần tra, kiểm soát chặt chẽ tại cửa khẩu.", (0, 3, 0)),      # tuần tra, kiểm soát (border context), cửa khẩu (security)
    ("Thăm cửa khẩu Tân Thanh.", (0, 0, 0)),                        # neither cue: no theme
    # "đầu tư", "du lịch": diplomacy only with a named foreign side.
    ("Tỉnh tăng cường thu hút đầu tư vào nông nghiệp.", (0, 0, 0)),
    ("Tỉnh thu hút đầu tư của doanh nghiệp Nhật Bản.", (2, 0, 0)),
    ("Doanh thu từ du lịch đạt 800 tỷ đồng.", (0, 0, 0)),
    ("Khách du lịch quốc tế tăng mạnh.", (1, 0, 0)),
    # "biên giới": a place, unless security is in the unit.
    ("Là tỉnh miền núi biên giới phía Bắc.", (0, 0, 0)),
    ("Quản lý, bảo vệ biên giới quốc gia.", (0, 1, 0)),
    ("Hội hữu nghị Việt - Trung giao lưu văn hóa.", (0, 0, 1)),     # hội hữu nghị; giao lưu and văn hóa lack a foreign side
])
def test_ambiguous_terms_follow_the_documented_rules(text, expected):
    scores = score_themes([text], lexicon="v2").iloc[0]
    assert tuple(scores[list(THEMES)].astype(int)) == expected


def test_formulas_are_reported_as_their_own_kind(sentences):
    hits = match_themes(sentences.text, lexicon="v2")
    formulas = hits[hits.kind == "formula"]
    assert set(formulas.theme) <= set(THEMES) and len(formulas) > 0
    assert formulas.term.str.contains("quốc phòng|an ninh|kinh tế").all()
    # With formulas excluded, the same words never turn back into terms.
    lex = load_lexicon("v2").excluding_formulas()
    again = match_themes(sentences.text, lexicon=lex)
    assert (again[again.kind == "formula"].weight == 0).all()
    assert len(again) == len(hits)


def test_longest_match_counts_once_within_a_theme():
    hits = match_themes(["Thu hút vốn đầu tư trực tiếp nước ngoài (FDI)."])
    assert hits[hits.theme == "economic_diplomacy"].term.tolist() == ["đầu tư trực tiếp nước ngoài", "fdi"]


def test_explain_points_at_the_words(sentences):
    text = sentences.set_index("unit_id").text["hg2017a:p06s01"]
    table = explain(text)
    normalised = tk.normalize_text(text)
    assert all(normalised[s:e] == m for s, e, m in zip(table.start, table.end, table.matched))
    security = table[table.theme == "border_security"]
    assert {"an ninh", "tuyến biên giới"} <= set(security.term)
    assert security.set_index("term").loc["tuyến biên giới", "cue"] in {"an ninh", "quản lý"}
    assert table.contribution.sum() == score_themes([text]).iloc[0].sum()


@FUZZ
@given(st.lists(hostile_text, min_size=1, max_size=4))
def test_fuzz_score_themes(texts):
    # Hostile text (encodings, markup, control characters): scores or one of the toolkit's documented errors.
    documented(lambda: tk.score_themes(texts))
