"""The explorer's data and its standalone HTML, on the study corpus (real text); the widget is in test_explore_widget.py."""

from __future__ import annotations

import json
import re
from collections import Counter

import numpy as np
import pandas as pd
import pytest

import toolkit as tk
from conftest import DATA
from toolkit.explore import explorer_data, explorer_html, write_explorer


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


def test_standalone_html_needs_no_network_and_carries_the_data(study_explorer, tmp_path):
    page = explorer_html(study_explorer)
    assert not re.search(r"<script[^>]+src=", page), "a script is loaded from outside the file"
    assert "plotly.js (cartesian - minified)" in page
    blob = re.search(r'<script type="application/json" id="explorer-data">(.*?)</script>', page, re.S).group(1)
    assert json.loads(blob) == json.loads(json.dumps(study_explorer))


def test_article_text_cannot_close_the_script(study_tokens, corpus):
    hostile = study_tokens.copy()
    row = hostile.index[(hostile.kind == "body")][0]
    hostile.loc[row, "text"] = hostile.loc[row, "text"] + " </script><script>alert(1)</script>"
    page = explorer_html(explorer_data(hostile, by="year", documents=corpus.documents))
    assert "</script><script>alert(1)" not in page


def test_one_group_gives_frequencies_without_a_test(study_tokens):
    one = explorer_data(study_tokens.assign(all="all"), by="all")
    assert one["meta"]["groups"] == ["all"]
    assert not one["terms"]["tested"]
    assert all(v is None for v in one["terms"]["groups"]["all"]["lr"])


def test_bad_grouping_is_named(study_tokens):
    with pytest.raises(tk.ToolkitError, match="cannot group by 'provinc'"):
        explorer_data(study_tokens, by="provinc")


def test_static_summary_is_deterministic_and_script_free(study_tokens, corpus):
    a = tk.explore(study_tokens, by="year", interactive=False)
    b = tk.explore(study_tokens, by="year", interactive=False)
    assert a._repr_html_() == b._repr_html_()
    assert "<script" not in a._repr_html_()
    top = a.summary()
    assert top.loc[1, "2012"] == data_top_term(a.data, "2012")


def data_top_term(data, group):
    part = data["terms"]["groups"][group]
    best = max(range(len(part["t"])), key=lambda j: (part["lr"][j], -j))
    return data["terms"]["labels"][part["t"][best]]


def test_term_labels_skip_points_that_would_overlap():
    from toolkit.explore import label_boxes, label_points

    # two points far apart on a 560 x 430 plot: both labelled; a third 1 pixel from the first: not
    x, y = [1.0, 1000.0, 1.0], [0.0, 10.0, 0.01]
    assert label_points(x, y, ["an ninh", "biên giới", "hợp tác"], [0, 1, 2]) == [0, 1]
    assert label_points(x, y, ["an ninh", "biên giới", "hợp tác"], [2, 1, 0]) == [2, 1]   # priority decides
    # six terms at one point (equal counts and ratio): one label
    assert label_points([5.0] * 6 + [50.0], [3.0] * 6 + [1.0], list("abcdefg"), range(7)) == [0, 6]
    # a label box is as wide as its text: 20 characters at 10 px are about 125 px
    box = label_boxes([1.0, 100.0], [0.0, 1.0], ["x" * 20, "y"])[0]
    assert 110 < box[2] - box[0] < 140 and 10 < box[3] - box[1] < 16
    # at most max_labels, whatever the room
    far = np.logspace(0, 4, 50)
    assert len(label_points(far, np.linspace(0, 50, 50), ["t"] * 50, range(50), max_labels=7)) == 7


def test_terms_figure_labels_a_subset_and_names_hidden_terms_on_hover(study_explorer):
    from toolkit.explore import terms_figure

    fig = terms_figure(study_explorer)
    assert fig.to_json() == terms_figure(study_explorer).to_json()      # deterministic
    for trace in fig.data:
        part = study_explorer["terms"]["groups"][trace.name]
        labels = [study_explorer["terms"]["labels"][t] for t in part["t"]]
        drawn = [t for t in trace.text if t]
        assert 0 < len(drawn) <= 20 and set(drawn) <= set(labels)
        assert data_top_term(study_explorer, trace.name) in drawn
        # points with the same frequency and ratio: at most one label, and each one's hover names the others
        places: dict = {}
        for j, xy in enumerate(zip(trace.x, trace.y)):
            places.setdefault(xy, []).append(j)
        tied = [js for js in places.values() if len(js) > 1]
        assert tied, trace.name      # the study corpus's single articles give many ties
        for js in tied:
            assert sum(bool(trace.text[j]) for j in js) <= 1
            assert labels[js[1]] in trace.hovertext[js[0]] and labels[js[0]] in trace.hovertext[js[1]]


def test_interactive_follows_the_environment(study_tokens, monkeypatch):
    monkeypatch.setenv("TOOLKIT_EXPLORE_INTERACTIVE", "1")
    assert tk.explore(study_tokens, by="year").interactive
    monkeypatch.delenv("TOOLKIT_EXPLORE_INTERACTIVE")
    assert not tk.explore(study_tokens, by="year").interactive


def test_write_explorer_and_the_command_line(study_tokens, tmp_path):
    from toolkit.__main__ import main

    path = write_explorer(study_tokens, tmp_path / "a.html", by="year")
    assert path.stat().st_size > 1_000_000   # plotly.js is embedded
    out = tmp_path / "cli.html"
    assert main(["explore", str(DATA), "--by", "province", "--out", str(out)]) == 0
    blob = re.search(r'id="explorer-data">(.*?)</script>', out.read_text(encoding="utf-8"), re.S).group(1)
    assert json.loads(blob)["meta"]["groups"] == ["Hà Giang", "Lạng Sơn"]
    assert main(["explore", str(tmp_path / "nowhere"), "--out", str(out)]) == 2


def test_the_shipped_plotly_bundle_is_the_version_of_the_installed_plotly():
    from plotly.offline import get_plotlyjs

    from toolkit.explore import plotly_bundle

    version = re.search(r"plotly\.js v(\d+\.\d+\.\d+)", get_plotlyjs()[:300]).group(1)
    assert re.search(r"plotly\.js \(cartesian - minified\) v(\d+\.\d+\.\d+)", plotly_bundle()[:300]).group(1) == version
    for trace in ("scatter", "bar", "heatmap"):
        assert f'moduleType:"trace",name:"{trace}"' in plotly_bundle().replace(" ", "")
