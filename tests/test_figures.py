"""The figures of toolkit.figures (group sizes, distinctive terms), and every report figure laid out for 2 to 20 groups.

The grammar, the files and the other plot modules are tested in test_figure_style.py, test_figure_files.py,
test_figure_layout.py, test_theme_figures.py, test_estimate_figures.py and test_topic_figures.py.
"""

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

from conftest import SECTIONS, drawn_texts, overlapping_texts, section_frames, upper_hex
from toolkit import figures as tf


# --- Drawn through seaborn, with the toolkit's own intervals and the grammar's palettes ---------------------------


def test_bars_are_drawn_by_seaborn_in_the_grammars_colours(seaborn_calls):
    hits = pd.DataFrame({"theme": ["health"] * 4, "term": ["y tế", "y tế", "bệnh viện", "bệnh viện"],
                         "context": [""] * 4, "year": [2005, 2020] * 2, "hits": [2, 3, 0, 6]})
    fig, axes = tf.plot_term_contributions(hits, units={2005: 10, 2020: 40})
    colours = {g: c.upper() for g, c in tf.group_colours([2005, 2020]).items()}
    bars = axes[0].patches
    # bệnh viện (6 hits) above y tế (5 hits); within a term 2005 above 2020, each in its group's colour.
    by_place = sorted((p.get_y(), round(p.get_width(), 6), upper_hex(p.get_facecolor())) for p in bars)
    assert [(w, c) for _, w, c in by_place] == [(0.0, colours[2005]), (15.0, colours[2020]),
                                                (20.0, colours[2005]), (7.5, colours[2020])]
    assert [t.get_text() for t in axes[0].get_yticklabels()] == ["bệnh viện", "y tế"]
    assert [t.get_text() for t in axes[0].get_legend().texts] == ["2005", "2020"]
    sizes = pd.DataFrame({"year": [2020, 2005], "documents": [4, 2]})
    fig, ax = tf.plot_group_sizes(sizes)
    assert [(round(p.get_height()), upper_hex(p.get_facecolor())) for p in ax.patches] == [(2, colours[2005]),
                                                                                       (4, colours[2020])]
    assert [name for name, _ in seaborn_calls] == ["barplot", "barplot"]
    assert all(kwargs["errorbar"] is None and kwargs["saturation"] == 1 for _, kwargs in seaborn_calls)
    plt.close("all")


def test_distinctive_terms_fade_the_bars_below_the_threshold():
    odds = pd.DataFrame({"group": [2005] * 3, "term": ["hợp_tác", "cửa_khẩu", "biên_giới"], "z": [2.5, 1.0, 3.0]})
    fig, axes = tf.plot_distinctive_terms(odds, by="year")
    ax = axes[0]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["biên giới", "hợp tác", "cửa khẩu"]   # largest on top
    assert [(round(p.get_width(), 6), p.get_alpha()) for p in ax.patches] == [(3.0, 1.0), (2.5, 1.0), (1.0, 0.35)]
    plt.close("all")


def test_distinctive_terms_fade_what_the_article_test_does_not_flag():
    odds = pd.DataFrame({"group": [2005] * 3, "term": ["hợp_tác", "cửa_khẩu", "biên_giới"], "z": [2.5, 1.0, 3.0],
                         "p_adj": [0.01, 0.2, 0.3], "distinctive": [True, False, False]})
    fig, axes = tf.plot_distinctive_terms(odds, by="year")
    # biên giới has the largest z but is not distinctive at the article level: faded; no z line.
    assert [(round(p.get_width(), 6), p.get_alpha()) for p in axes[0].patches] == [(3.0, 0.35), (2.5, 1.0), (1.0, 0.35)]
    assert not axes[0].get_lines() and "article-level test" in fig.get_supxlabel()
    fig, axes = tf.plot_distinctive_terms(odds.assign(p_adj=np.nan, distinctive=False), by="year")
    assert all(p.get_alpha() in (None, 1.0) for p in axes[0].patches)      # untested: nothing faded or marked
    assert "effect sizes only, untested" in fig.get_supxlabel() and not axes[0].get_lines()
    plt.close("all")


# --- Any number of groups: layout, colour, tiny groups --------------------------------------------------------------


def test_the_overlap_measure_finds_overlapping_labels():
    fig, ax = plt.subplots(figsize=(2, 2))
    ax.set_xticks(range(10), [f"{name} (20 art.)" for name in SECTIONS[:10]])
    assert ("kinh doanh (20 art.)", "thế giới (20 art.)") in overlapping_texts(fig)
    ax.set_xticks(range(2), ["a", "b"])
    assert overlapping_texts(fig) == []
    plt.close(fig)


REPORT_FIGURES = {
    "theme shares": lambda f: tf.plot_theme_shares(f["shares"], by="section"),
    "distinctive terms": lambda f: tf.plot_distinctive_terms(f["odds"], n=8, by="section"),
    "term contributions": lambda f: tf.plot_term_contributions(f["hits"], by="section", units=f["shares"]),
    "topic shares": lambda f: tf.plot_topic_shares(f["topics"], by="section"),
    "topic share intervals": lambda f: tf.plot_topic_share_intervals(f["topics"], by="section"),
    "share estimates": lambda f: tf.plot_share_estimates(f["estimates"], by="section"),
    "robustness": lambda f: tf.plot_robustness(f["robustness"], by="section"),
    "group sizes": lambda f: tf.plot_group_sizes(f["sizes"], by="section"),
}


@pytest.mark.parametrize("k", [2, 4, 10, 20])
@pytest.mark.parametrize("figure", list(REPORT_FIGURES))
def test_no_two_texts_overlap_with_2_4_10_or_20_groups(figure, k, sentences):
    fig, _ = REPORT_FIGURES[figure](section_frames(k, sentences))
    names = {" ".join(t.split()) for t, _ in drawn_texts(fig)}     # wrapped titles read as one line
    assert overlapping_texts(fig) == []
    # Every group is named somewhere in the figure (axis, title or key), none dropped to make room.
    if figure != "topic shares" or k <= tf.MANY:
        assert all(any(s in name for name in names) for s in SECTIONS[:k]), sorted(names)
    plt.close(fig)


def test_many_or_long_groups_go_on_the_y_axis_and_panels_of_terms_wrap(sentences):
    fig, ax = tf.plot_theme_shares(section_frames(2, sentences)["shares"], by="section")
    assert [t.get_text().split("\n")[0] for t in ax.get_xticklabels()] == ["kinh doanh", "thế giới"]
    plt.close(fig)
    fig, ax = tf.plot_theme_shares(section_frames(10, sentences)["shares"], by="section")
    assert [t.get_text().split(" (")[0] for t in ax.get_yticklabels()] == sorted(SECTIONS[:10])
    plt.close(fig)
    fig, axes = tf.plot_distinctive_terms(section_frames(20, sentences)["odds"], n=8, by="section")
    rows = {round(ax.get_position().y0, 3) for ax in axes}
    assert len(axes) == 20 and len(rows) >= 4          # wrapped: several rows of panels, not one row of twenty
    plt.close(fig)


