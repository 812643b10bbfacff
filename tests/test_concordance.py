"""KWIC, its sample, collocations and display forms on the study corpus."""

import pandas as pd
import pytest

import toolkit as tk
from toolkit.concordance import add_display, collocations, display_forms, kwic, kwic_sample
from toolkit.features import dfm
from toolkit.keywords import keyness, log_odds
from toolkit.tfidf import top_tfidf


def test_names_stay_whole_and_display_as_written(body):
    # "Ban Bí thư" (the Party Secretariat; one body sentence once near-duplicates are left out);
    # pyvi alone splits it into ban | bí_thư.
    ban = body[body.text.str.contains("Ban Bí thư")]
    assert len(ban) == 1
    assert all("ban_bí_thư" in tokens and "bí_thư" not in tokens for tokens in ban.tokens)
    hg = body[body.text.str.contains("Liên hiệp các tổ chức hữu nghị")]
    assert "liên_hiệp_các_tổ_chức_hữu_nghị" in hg.tokens.iloc[0]
    forms = display_forms(body)
    assert forms["lạng_sơn"] == "Lạng Sơn" and forms["asean"] == "ASEAN" and forms["hợp_tác"] == "hợp tác"
    assert forms["ban_bí_thư"] == "Ban Bí thư"
    shown = add_display(keyness(dfm(body, by="year"), 2012).head(3), forms)
    assert shown.display.iloc[0] == "Lạng Sơn"


def test_kwic_refuses_a_pattern_without_syllables(body):
    # Normalisation strips HTML tags, so "<script>" has nothing to match.
    with pytest.raises(tk.ToolkitError, match="no syllables"):
        kwic(body, "<script>")
    with pytest.raises(tk.ToolkitError, match="window"):
        kwic(body, "cửa khẩu", window=-1)
    with pytest.raises(tk.ToolkitError, match="pattern must be"):
        kwic(body, [])
    with pytest.raises(tk.ToolkitError, match="n must be a positive integer"):
        top_tfidf(dfm(body, by="year"), n=0)
    with pytest.raises(tk.ToolkitError, match="min_count must be a positive integer"):
        collocations(body, min_count=0)
    with pytest.raises(tk.ToolkitError, match="z_threshold is no longer used"):
        log_odds(dfm(body, by="year"), z_threshold=1.96)
    with pytest.raises(tk.ToolkitError, match="alpha must be"):
        log_odds(dfm(body, by="year"), alpha=5)


def test_kwic_matches_across_word_boundaries(body):
    lines = kwic(body, "cửa khẩu", window=3)
    # "mở cửa khẩu" in hg2023 is one pyvi word (mở_cửa_khẩu) without the toolkit's fix.
    assert "hg2023:p05s02" in set(lines.unit_id)
    assert (lines.keyword.str.lower() == "cửa khẩu").all()
    texts = body.set_index("unit_id").text
    assert all(tk.normalize_text(texts[u])[s:e] == k for u, s, e, k in zip(lines.unit_id, lines.start, lines.end, lines.keyword))
    assert len(lines.iloc[0].pre.split()) <= 3


def test_kwic_matches_words_not_first_syllables(body):
    # "nước" stands alone (các nước, nước bạn) and starts compounds (nước_ngoài); the word match takes the former only.
    words = [w.lower() for seq in body.words for w in seq]
    alone = sum(w == "nước" for w in words)
    anywhere = sum(w.split("_").count("nước") for w in words)
    assert 0 < alone < anywhere
    lines = kwic(body, "nước")
    assert len(lines) == alone and (lines.keyword.str.lower() == "nước").all()
    assert len(kwic(body, "nước", match="syllable")) == anywhere
    assert not lines.post.str.lower().str.startswith("ngoài").any()
    # Without a words column the text is segmented: the same lines.
    assert kwic(body.drop(columns="words"), "nước")[["unit_id", "start"]].equals(lines[["unit_id", "start"]])
    # "trường" (school) stands alone once; it is the first syllable of "trường hợp" and the last of "nhà trường".
    units = pd.DataFrame({"unit_id": ["x"], "text": ["Trường hợp này xảy ra ở trường, theo nhà trường."]})
    assert kwic(units, "trường").start.tolist() == [24]
    assert kwic(units, "trường", match="syllable").start.tolist() == [0, 24, 41]
    with pytest.raises(tk.ToolkitError, match="match must be"):
        kwic(body, "nước", match="prefix")


def test_kwic_sample_spreads_over_articles_and_says_what_it_left_out(body):
    lines = kwic(body, "hợp tác")
    per_article = lines.doc_id.value_counts()
    assert len(per_article) == 5 and per_article.max() >= 5      # one article has many more lines than another
    sample = kwic_sample(lines, n=5, by="year")
    assert sorted(sample.doc_id) == sorted(per_article.index)        # one line from each article first
    sample = kwic_sample(lines, n=9, by="year", per_article=2)
    assert sample.doc_id.value_counts().max() == 2 and sample.doc_id.nunique() == 5
    assert sample.attrs == {"total": len(lines), "left_out": len(lines) - 9}
    assert sample.index.is_monotonic_increasing                      # in the input's order
    from toolkit.display import kwic_html

    shown = kwic_html(lines, max_rows=9, by="year")
    assert len(shown.frame) == 9 and f"{len(lines) - 9} left out" in shown._repr_html_()
    assert kwic_html(lines, max_rows=100).note == ""


def test_collocations_find_multiword_names(body):
    out = collocations(body, min_count=3)
    assert {"triệu usd", "hội_nhập quốc_tế"} <= set(out.collocation)
    assert (out.G2 > 0).all() and out.G2.is_monotonic_decreasing


def test_collocations_count_articles_and_give_no_token_p_by_default(body):
    out = collocations(body, min_count=3)
    assert "p" not in out.columns
    # Counted by hand from the units: the articles whose segmented words hold the pair side by side.
    for pair in out.collocation.head(5):
        first, second = pair.split(" ")
        holding = {doc for doc, words in zip(body.doc_id, body.words)
                   if any(a.lower() == first and b.lower() == second for a, b in zip(words, words[1:]))}
        assert out.set_index("collocation").loc[pair, "articles"] == len(holding)
    assert (out.articles <= body.doc_id.nunique()).all() and (out.articles <= out["count"]).all()
    token = collocations(body, min_count=3, unit="token")
    assert token.drop(columns="p").equals(out)
    assert ((token.p > 0) & (token.p < 1)).all()
    assert "articles" not in collocations(body.drop(columns="doc_id"), min_count=3).columns
    with pytest.raises(tk.ToolkitError, match="unit must be"):
        collocations(body, unit="sentence")
