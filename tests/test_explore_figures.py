"""The explorer's plotly figures (toolkit.explore_figures): where the Terms scatter puts its labels, on the study corpus (real text)."""

from __future__ import annotations

import numpy as np

from conftest import data_top_term


def test_term_labels_skip_points_that_would_overlap():
    from toolkit.explore_figures import label_boxes, label_points

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
    from toolkit.explore_figures import terms_figure

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
