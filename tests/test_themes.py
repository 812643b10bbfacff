"""Theme measurement of corpora (toolkit/themes.py): the lexicon files, shares and tests by group, term diagnostics, KWIC."""

import pandas as pd
import pytest

import toolkit as tk
from toolkit.labels import label_themes
from toolkit.measure import match_themes
from toolkit.lexicon import load_lexicon
from toolkit.themes import (
    THEMES, leave_one_term_out, term_hits, theme_kwic, theme_shares, theme_tests, unmatched_terms,
)


def test_lexicon_file_is_normalised_and_complete():
    for version in ("v1", "v2"):
        raw = pd.read_csv(tk.lexicon_path(version), dtype=str, keep_default_na=False)
        assert set(raw.theme) == set(THEMES)
        assert (raw.term == raw.term.map(lambda t: tk.normalize_text(t).lower())).all()
        assert (raw.note.str.len() > 0).all()
        cues = pd.read_csv(tk.lexicon_path(version).with_name(f"contexts_{version}.csv"), dtype=str, keep_default_na=False)
        assert (cues.term == cues.term.map(lambda t: tk.normalize_text(t).lower())).all()
    assert load_lexicon().version == "v3" and load_lexicon("v1").version == "v1"


@pytest.fixture(scope="module")
def shares(sentences):
    return theme_shares(sentences)


def test_theme_shares_by_year(sentences, shares):
    body = sentences[(sentences.kind == "body") & sentences.duplicate_of.isna()]
    labels = label_themes(body)              # units of articles: read with their context
    expected = labels.groupby(body.year.to_numpy()).mean()
    got = shares.pivot(index="year", columns="theme", values="share")
    pd.testing.assert_frame_equal(got[list(THEMES)], expected[list(THEMES)], check_names=False)
    assert ((shares.ci_low <= shares.share) & (shares.share <= shares.ci_high)).all()
    assert shares.groupby("year").articles.first().to_dict() == {2012: 1, 2017: 3, 2023: 1}
    assert shares[shares.articles == 1].note.str.contains("one article").all()


def test_theme_tests_report_both_levels(sentences):
    unit = theme_tests(sentences, level="unit", n_permutations=999)
    article = theme_tests(sentences)
    assert len(unit) == len(article) == 9
    assert (unit.note.str.startswith("descriptive")).all() and (article.level == "article").all()
    # One article per year for 2012 and 2023: two mirror-image assignments, so p is always 1.
    pair = article[(article.group_a == 2012) & (article.group_b == 2023)]
    assert (pair.min_p == 1.0).all() and (pair.p_value == 1.0).all()
    # 2017 (three articles) against a one-article year: four assignments, floor 1/4.
    assert (article[article.group_a == 2017].min_p == 0.25).all() if (article.group_a == 2017).any() else True
    assert (article[article.group_b == 2017].min_p == 0.25).all()
    # Holm over the nine tests never lowers a p-value.
    assert (article.p_adjusted >= article.p_value - 1e-12).all() and article.adjustment.iloc[0] == "holm, 9 tests"


def test_lexicon_diagnostics(sentences):
    hits = term_hits(sentences)
    lex = load_lexicon()
    assert len(hits) == len(lex.entries) * 3          # every entry, every year, zeros included
    never = unmatched_terms(sentences)
    assert "tuần tra" in set(never.term) and "an ninh" not in set(never.term)
    loo = leave_one_term_out(sentences)
    assert (loo.change <= 1e-12).all()                # dropping a term never adds a theme
    assert loo.groupby(["theme", "term", "context"]).size().eq(3).all()


def test_kwic_for_every_hit(sentences):
    lines = theme_kwic(sentences)
    assert len(lines) == len(match_themes(sentences.text))
    assert set(lines.columns) >= {"unit_id", "theme", "term", "pre", "keyword", "post"}
    # Windows are whole syllables (never "hặt chẽ" cut from "chặt chẽ"): the syllables of
    # pre end the syllables before the keyword, those of post start the syllables after it.
    from toolkit.wordseg import syllabify
    text = sentences.set_index("unit_id").text
    for row in lines.itertuples():
        full = tk.normalize_text(text[row.unit_id])
        if full.count(row.keyword) != 1:
            continue  # which occurrence is meant is checked through match_themes' offsets elsewhere
        before, _, after = full.partition(row.keyword)
        pre, post = syllabify(row.pre), syllabify(row.post)
        assert len(pre) <= 8 and len(post) <= 8
        assert syllabify(before)[len(syllabify(before)) - len(pre):] == pre
        assert syllabify(after)[:len(post)] == post


def test_theme_shares_group_by_any_manifest_column(tmp_path):
    from conftest import ROOT, category_corpus

    units = tk.segment(tk.load_corpus(category_corpus(tmp_path)))
    lexicon = ROOT / "tests" / "data" / "other_question" / "themes_health.csv"
    shares = theme_shares(units, by="category", lexicon=lexicon)
    assert shares.category.unique().tolist() == ["môi trường", "y tế"]
    table = shares.set_index(["category", "theme"]).share
    assert table["y tế", "health"] > table["môi trường", "health"]
    assert table["môi trường", "environment"] > table["y tế", "environment"]
    tests = theme_tests(units, by="category", lexicon=lexicon)
    assert set(tests.theme) == {"environment", "health"}
