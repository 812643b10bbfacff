"""Estimates side by side (toolkit.estimate_figures): shares estimated several ways, and under analysis variants."""

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

from conftest import interval_ends, overlapping_texts, points_of, upper_hex
from toolkit.estimate_figures import plot_robustness, plot_share_estimates
from toolkit.figure_style import group_colours, theme_colours


def test_an_interval_is_drawn_as_given_even_when_the_point_is_outside_it():
    # A corrected share can fall outside a percentile interval: the bar must still run from ci_low to ci_high.
    estimates = pd.DataFrame({"estimate": ["lexicon", "corrected", "hand coding"], "year": [2005] * 3,
                              "theme": ["health"] * 3, "share": [0.4, 0.05, 0.3],
                              "ci_low": [0.2, 0.1, float("nan")], "ci_high": [0.6, 0.3, float("nan")]})
    fig, axes = plot_share_estimates(estimates)
    ax = axes[0]
    ends = interval_ends(ax)
    assert [e[1:] for e in ends] == [pytest.approx((0.2, 0.6)), pytest.approx((0.1, 0.3))]   # none for hand coding
    xs = [line.get_xdata()[0] for line in ax.lines[:3]]
    assert [e[0] for e in ends] == pytest.approx(xs[:2])
    assert [line.get_fillstyle() for line in ax.lines[:3]] == ["full", "none", "full"]
    assert {upper_hex(line.get_color()) for line in ax.lines[:3]} == {theme_colours(["health"])["health"]}
    plt.close("all")


def test_robustness_intervals_are_horizontal_at_each_group_in_its_ordered_colour(seaborn_calls):
    table = pd.DataFrame({"variant": ["baseline", "baseline", "paragraph_units", "paragraph_units"],
                          "theme": ["health"] * 4, "year": [2005, 2020, 2005, 2020],
                          "share": [0.3, 0.25, 0.5, 0.2], "ci_low": [0.1, 0.15, 0.2, 0.1],
                          "ci_high": [0.6, 0.4, 0.8, 0.35]})
    fig, axes = plot_robustness(table)
    assert {name for name, _ in seaborn_calls} == {"pointplot"}
    assert all(kwargs["errorbar"] is None for _, kwargs in seaborn_calls)
    ax = axes[0]
    colours = {g: c.upper() for g, c in group_colours([2005, 2020]).items()}
    assert [upper_hex(l.get_color()) for l in points_of(ax)] == [colours[2005], colours[2020]]
    ends = interval_ends(ax)
    # variants top to bottom (baseline at 0), 2005 above 2020 within a variant: offsets -0.1 and +0.1.
    assert ends == [pytest.approx((-0.1, 0.1, 0.6)), pytest.approx((0.1, 0.15, 0.4)),
                    pytest.approx((0.9, 0.2, 0.8)), pytest.approx((1.1, 0.1, 0.35))]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["baseline", "paragraph units"]
    assert ax.get_ylim()[0] > ax.get_ylim()[1]                          # first variant on top
    assert [t.get_text() for t in ax.get_legend().texts] == ["2005", "2020"]
    plt.close("all")


def test_many_groups_put_each_group_on_its_own_row_with_the_baseline_interval_and_every_variant():
    # Fifteen years: one row per year, the baseline's interval on it and a tick at each other variant's share.
    years = list(range(2010, 2025))
    rows = [{"variant": v, "theme": "health", "year": y, "share": 0.1 + 0.01 * k + (0.02 if v != "baseline" else 0),
             "ci_low": 0.05 + 0.01 * k, "ci_high": 0.2 + 0.01 * k}
            for v in ("baseline", "paragraph_units") for k, y in enumerate(years)
            if not (v == "paragraph_units" and y == 2012)]          # one year missing under one variant
    fig, axes = plot_robustness(pd.DataFrame(rows))
    ends = interval_ends(axes[0])
    assert [(round(a), round(b, 4), round(c, 4)) for a, b, c in ends] == [
        (k, round(0.05 + 0.01 * k, 4), round(0.2 + 0.01 * k, 4)) for k in range(15)]
    assert [t.get_text() for t in axes[0].get_yticklabels()] == [str(y) for y in years]
    ticks = [line for line in axes[0].lines if line.get_marker() == "|"][0]
    shown = {(round(float(y)), round(float(x), 4)) for x, y in zip(ticks.get_xdata(), ticks.get_ydata()) if np.isfinite(x)}
    assert shown == {(k, round(0.12 + 0.01 * k, 4)) for k in range(15) if k != 2}
    assert overlapping_texts(fig) == []
    plt.close("all")
