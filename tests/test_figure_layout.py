"""The layout the plot modules share (toolkit.figure_layout): limits from the data, groups matched and flagged, intervals as given."""

import matplotlib.pyplot as plt
import pandas as pd
import pytest

import toolkit as tk
from conftest import HAND_SHARES, interval_ends, overlapping_texts, upper_hex
from toolkit.estimate_figures import plot_robustness
from toolkit.figure_style import TINY_COLOUR, group_colours
from toolkit.figures import plot_distinctive_terms
from toolkit.theme_figures import plot_theme_shares


def test_nothing_is_clipped_and_labels_have_spaces():
    table = pd.DataFrame({"variant": ["baseline", "paragraph units"] * 2, "theme": ["health"] * 4,
                          "year": [2005, 2005, 2020, 2020], "share": [0.9, 1.0, 0.2, 0.1],
                          "ci_low": [0.7, 0.8, 0.0, 0.0], "ci_high": [1.0, 1.0, 0.4, 0.3]})
    fig, axes = plot_robustness(table)
    low, high = axes[0].get_xlim()
    assert low < 0.0 and high > 1.0
    shares = table[table.variant == "baseline"].assign(units=[10, 20], articles=[1, 2])
    fig, ax = plot_theme_shares(shares)
    assert ax.get_ylim()[1] > 1.0
    odds = pd.DataFrame({"group": [2005, 2020], "term": ["hợp_tác", "cửa_khẩu"], "z": [2.0, 3.0]})
    fig, axes = plot_distinctive_terms(odds, by="year")
    assert [t.get_text() for t in axes[1].get_yticklabels()] == ["cửa khẩu"] and axes[1].get_title() == "year 2020"
    plt.close("all")


def test_repeated_rows_are_refused_rather_than_averaged():
    twice = pd.concat([HAND_SHARES, HAND_SHARES.iloc[[0]]])
    with pytest.raises(tk.ToolkitError, match="more than one row for .*'year': 2005.*'theme': 'health'"):
        plot_theme_shares(twice)


def test_groups_given_as_numbers_find_the_groups_a_term_matrix_writes_as_text():
    # A report passes every year of the corpus (numbers); log_odds names the groups of tk.dfm by text.
    odds = pd.DataFrame({"group": ["2005", "2020"], "term": ["rác", "vắc_xin"], "z": [2.5, 3.0]})
    fig, axes = plot_distinctive_terms(odds, by="year", groups=[2005, 2015, 2020])
    assert [ax.get_title() for ax in axes] == ["year 2005", "year 2020"]
    colours = group_colours([2005, 2015, 2020])                     # 2015 keeps its place in the palette
    assert [upper_hex(ax.patches[0].get_facecolor()) for ax in axes] == [colours[2005].upper(), colours[2020].upper()]
    assert [t.get_text() for t in axes[1].get_yticklabels()] == ["vắc xin"]
    plt.close("all")


def test_groups_dodged_within_a_variant_keep_each_interval_on_its_own_variant():
    # Six years dodged within a variant: points spread over at most 0.8 of a row, and every
    # interval stays with its variant and its year (a position is not rounded to a category).
    years = list(range(2010, 2016))
    rows = [{"variant": v, "theme": "health", "year": y, "share": 0.1 + 0.01 * k, "ci_low": 0.05 + 0.01 * k,
             "ci_high": 0.2 + 0.01 * k} for v in ("baseline", "paragraph_units") for k, y in enumerate(years)
            if not (v == "paragraph_units" and y == 2012)]          # one year missing under one variant
    fig, axes = plot_robustness(pd.DataFrame(rows))
    ends = interval_ends(axes[0])
    assert len(ends) == len(rows) == 11
    first, second = [e for e in ends if e[0] < 0.5], [e for e in ends if e[0] > 0.5]
    assert len(first) == 6 and len(second) == 5
    assert max(e[0] for e in first) - min(e[0] for e in first) <= 0.8 + 1e-9
    by_low = {round(e[1], 4): e for e in second}                   # ci_low identifies the year
    assert 0.07 not in by_low and set(by_low) == {round(0.05 + 0.01 * k, 4) for k in range(6) if k != 2}
    plt.close("all")


def _month_shares():
    # Months as a researcher's corpus has them: two full months and one-article months at both ends, whose
    # interval of the one article's units runs from 0 to 1 (synthetic numbers in the shape of theme_shares).
    rows = []
    for month, share, low, high, n in [(202009, 0.5, 0.0, 1.0, 1), (202010, 0.12, 0.08, 0.17, 95),
                                       (202011, 0.15, 0.10, 0.21, 102), (202012, 0.0, 0.0, 0.97, 2)]:
        rows.append({"month": month, "theme": "health", "share": share, "ci_low": low, "ci_high": high,
                     "units": 20 * n, "articles": n})
    return pd.DataFrame(rows)


def test_tiny_groups_are_flagged_and_never_set_the_scale():
    shares = _month_shares()
    fig, ax = plot_theme_shares(shares, by="month")   # four labels with article counts: on the y axis
    low, high = ax.get_xlim()
    assert 0.21 <= high < 0.3                          # the full months' intervals fit; the one-article [0, 1] does not
    grey = {t.get_text().split(" (")[0] for t in ax.get_yticklabels() if upper_hex(t.get_color()) == TINY_COLOUR.upper()}
    assert grey == {"202009", "202012"}
    assert any("fewer than 5 articles" in t.get_text() for t in ax.get_legend().texts)
    assert overlapping_texts(fig) == []
    plt.close(fig)
    variants = pd.concat([shares.assign(variant="baseline"), shares.assign(variant="paragraphs", share=shares.share * 1.1)])
    fig, axes = plot_robustness(variants, by="month")
    assert axes[0].get_xlim()[1] < 0.3
    plt.close(fig)
