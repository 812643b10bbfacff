"""The explorer's data (toolkit.explore_data), on the study corpus (real text): counts, KWIC, keyness, themes, dispersion, caps."""

from __future__ import annotations

from collections import Counter

import numpy as np
import pytest

import toolkit as tk
from toolkit.explore_data import explorer_data


def _body(units):
    return units[(units.kind == "body") & units.duplicate_of.isna()]


def test_counts_per_group_are_the_tokens_counted_by_hand(study_tokens, study_explorer):
    body = _body(study_tokens)
    view = study_explorer["terms"]
    for group_index, group in enumerate(study_explorer["meta"]["groups"]):
        counted = Counter(t for tokens in body[body.year.astype(str) == group].tokens for t in tokens)
        for i, term in enumerate(view["terms"]):
            assert view["counts"][i][group_index] == counted[term], (term, group)
        assert view["tokens"][group_index] == sum(counted.values())


def test_article_counts_are_articles_holding_the_term(study_tokens, study_explorer):
    body = _body(study_tokens)
    view = study_explorer["terms"]
    i = view["terms"].index("đối_ngoại")
    for k, group in enumerate(study_explorer["meta"]["groups"]):
        part = body[body.year.astype(str) == group]
        holding = {d for d, tokens in zip(part.doc_id, part.tokens) if "đối_ngoại" in tokens}
        assert view["articles"][i][k] == len(holding)


def test_kwic_lines_show_the_term_in_its_article_and_group(corpus, study_tokens, study_explorer):
    view = study_explorer["terms"]
    year_of = corpus.documents.set_index("doc_id").year.astype(str)
    body = _body(study_tokens)
    text_of = body.groupby("doc_id").text.agg(" ".join)
    for i, term in enumerate(view["terms"]):
        lines = view["kwic"][i]
        assert 1 <= len(lines) <= min(study_explorer["meta"]["caps"]["kwic_lines"], view["kwic_total"][i])
        for d, pre, keyword, post in lines:
            doc = study_explorer["docs"][d]
            assert keyword.lower() == term.replace("_", " ")
            assert year_of[doc] == study_explorer["meta"]["groups"][study_explorer["doc_group"][d]]
            assert keyword.split()[0] in text_of[doc]
    # every occurrence shown when there are few: "ký kết" occurs 10 times in the body units
    i = view["terms"].index("ký_kết")
    assert view["kwic_total"][i] == sum(t.count("ký_kết") for t in body.tokens) == len(view["kwic"][i])


def test_caps_bound_what_is_kept(study_tokens, corpus):
    small = explorer_data(study_tokens, by="year", documents=corpus.documents, n_terms=5, n_frequent=2, kwic_lines=2,
                          theme_units=1, dispersion_terms=3, dispersion_points=4, articles=1)
    assert all(len(part["t"]) <= 7 for part in small["terms"]["groups"].values())
    assert max(len(lines) for lines in small["terms"]["kwic"]) == 2
    per = Counter((small["doc_group"][d], t) for d, t, _, _ in small["themes"]["units"])
    assert max(per.values()) == 1
    assert len(small["dispersion"]["terms"]) == 3
    assert all(len(x["pos"]) <= 4 <= x["total"] or len(x["pos"]) == x["total"] for x in small["dispersion"]["terms"])
    assert len(small["articles"]["text"]) == 1
    sampled = explorer_data(study_tokens, by="year", theme_sample=30)
    assert sampled["themes"]["sample"] == 30
    assert sum(n for _, th, _, n in sampled["themes"]["counts"] if th == 0) == 30
    assert small["themes"]["sample"] is None
    with pytest.raises(tk.ToolkitError, match="unknown explorer option"):
        explorer_data(study_tokens, by="year", kwic_line=3)


def test_distinctiveness_is_the_article_level_keyness(study_tokens, study_explorer):
    counts = tk.dfm(_body(study_tokens).assign(year=lambda d: d.year.astype(str)), by="year")
    key = tk.keyness(counts, "2017").set_index("term")
    part = study_explorer["terms"]["groups"]["2017"]
    for t, lr, p in zip(part["t"], part["lr"], part["padj"]):
        term = study_explorer["terms"]["terms"][t]
        assert lr == pytest.approx(key.log_ratio[term], abs=1e-3)
        assert (p is None) == bool(np.isnan(key.p_adj[term]))


def test_theme_units_show_their_hits_and_why(study_tokens, study_explorer):
    view = study_explorer["themes"]
    assert view["themes"] == list(tk.THEMES)
    assert view["units"]
    for d, theme, text, marks in view["units"]:
        assert any(m[2] == theme for m in marks)
        for start, end, th, entry, cue, weight in marks:
            found = text[start:end].lower()
            assert found.split()[0] in view["entries"][entry].lower() or view["entries"][entry].lower().split()[0] in found
            assert weight > 0
    # units with a hit per group and theme: the units whose lexicon score is positive
    body = _body(study_tokens).reset_index(drop=True)
    scores = tk.score_themes(body.text)
    for g, th, with_hit, n in view["counts"]:
        group = study_explorer["meta"]["groups"][g]
        inside = (body.year.astype(str) == group).to_numpy()
        assert n == inside.sum()
        assert with_hit == int((scores[view["themes"][th]].to_numpy()[inside] > 0).sum())


def test_dispersion_positions_fall_in_their_articles(study_tokens, study_explorer):
    view = study_explorer["dispersion"]
    body = _body(study_tokens)
    assert view["rows"] == body.doc_id.nunique() and view["bounds"][-1] == view["rows"]
    for x in view["terms"]:
        term = study_explorer["terms"]["terms"][x["term"]]
        assert x["total"] == sum(t.count(term) for t in body.tokens)
        assert all(0 < p < 1 for p in x["pos"]) and all(0 <= r < view["rows"] for r in x["rows"])


def test_one_group_gives_frequencies_without_a_test(study_tokens):
    one = explorer_data(study_tokens.assign(all="all"), by="all")
    assert one["meta"]["groups"] == ["all"]
    assert not one["terms"]["tested"]
    assert all(v is None for v in one["terms"]["groups"]["all"]["lr"])


def test_bad_grouping_is_named(study_tokens):
    with pytest.raises(tk.ToolkitError, match="cannot group by 'provinc'"):
        explorer_data(study_tokens, by="provinc")
