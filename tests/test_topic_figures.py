"""Topic figures (toolkit.topic_figures): stacked shares with the units without tokens, intervals in greys, the choice of k."""

import matplotlib
import matplotlib.pyplot as plt
import pandas as pd

from conftest import overlapping_texts
from toolkit.topic_figures import plot_topic_selection, plot_topic_share_intervals, plot_topic_shares


def test_topic_shares_show_the_units_without_tokens_in_grey():
    shares = pd.DataFrame({"year": [2005, 2005, 2020, 2020], "topic": ["topic_1: a", "topic_2: b"] * 2,
                           "share": [0.5, 0.3, 0.6, 0.4]})
    fig, ax = plot_topic_shares(shares)
    labels = ax.get_legend_handles_labels()[1]
    assert labels == ["topic 1: a", "topic 2: b", "no tokens"]
    rest = [p for p in ax.patches if p.get_hatch()]
    assert [round(p.get_height(), 6) for p in rest] == [0.2, 0.0]
    colours = {mc for p in ax.patches if not p.get_hatch() for mc in [matplotlib.colors.to_hex(p.get_facecolor())]}
    assert all(c[1:3] == c[3:5] == c[5:7] for c in colours)   # greys only
    plt.close("all")


def test_topic_shares_among_units_with_tokens_are_scaled_to_all_units():
    # topic_shares: shares among units with tokens sum to 1; empty_units is the proportion without tokens.
    shares = pd.DataFrame({"year": [2005, 2005], "topic": ["topic_1", "topic_2"], "share": [0.75, 0.25],
                           "empty_units": [0.2, 0.2]})
    fig, ax = plot_topic_shares(shares)
    heights = [round(p.get_height(), 6) for p in ax.patches]
    assert heights == [0.6, 0.2, 0.2]          # 0.75 * 0.8, 0.25 * 0.8, then 0.2 without tokens
    plt.close("all")


def test_topic_share_intervals_in_greys_with_the_empty_share_named():
    shares = pd.DataFrame({"year": [2005, 2005, 2020, 2020], "topic": ["topic_1", "topic_2"] * 2,
                           "share": [0.7, 0.3, 0.4, 0.6], "ci_low": [0.5, 0.1, 0.2, 0.4],
                           "ci_high": [0.9, 0.5, 0.6, 1.0], "empty_units": [0.25, 0.25, 0.0, 0.0]})
    fig, ax = plot_topic_share_intervals(shares)
    assert [t.get_text() for t in ax.get_xticklabels()] == ["2005\n25% empty", "2020\n0% empty"]
    assert ax.get_ylim()[1] > 1.0
    lines = [l for l in ax.get_lines() if len(l.get_xdata())]
    assert all(c[1:3] == c[3:5] == c[5:7] for c in (matplotlib.colors.to_hex(l.get_color()) for l in lines))
    plt.close("all")


def test_topic_selection_lines_are_the_values_given(seaborn_calls):
    selection = pd.DataFrame({"k": [3, 2, 2, 3], "measure": ["NPMI"] * 4, "method": ["nmf", "nmf", "lda", "lda"],
                              "mean": [0.2, 0.1, 0.05, 0.15], "p10": [0.1, 0.0, -0.05, 0.05]})
    fig, axes = plot_topic_selection(selection, chosen={"nmf": 3})
    assert all(kwargs["estimator"] is None and kwargs["errorbar"] is None for _, kwargs in seaborn_calls)
    lines = {(tuple(l.get_xdata()), tuple(l.get_ydata())): l for l in axes[0].lines}
    assert lines[((2, 3), (0.1, 0.2))].get_linestyle() == "-"          # NMF mean, sorted by k
    assert lines[((2, 3), (0.0, 0.1))].get_linestyle() == ":"          # NMF 10th percentile
    assert [t.get_text() for t in axes[0].get_legend().texts] == ["NMF", "LDA"]
    assert axes[0].get_ylabel() == "NPMI of top ten terms"
    plt.close("all")


def test_topic_selection_texts_do_not_overlap():
    selection = pd.DataFrame([{"measure": m, "method": "nmf", "k": k, "mean": 0.5 + k / 50, "p10": 0.4}
                              for m in ("bootstrap units", "leave one article out", "NPMI") for k in range(2, 11)])
    fig, _ = plot_topic_selection(selection, chosen={"nmf": 4})
    assert overlapping_texts(fig) == []
    plt.close(fig)
