"""Theme shares and term contributions by group (toolkit.theme_figures), drawn by seaborn with the toolkit's intervals."""

import matplotlib.pyplot as plt
import pandas as pd
import pytest

from conftest import HAND_SHARES, SECTIONS, interval_ends, points_of, section_frames, upper_hex
from toolkit.figure_style import group_colours, theme_colours
from toolkit.theme_figures import plot_term_contributions, plot_theme_shares


def test_term_contributions_are_hits_per_100_units_side_by_side():
    hits = pd.DataFrame({"theme": ["health"] * 4 + ["environment"] * 2,
                         "term": ["y tế", "y tế", "bệnh viện", "bệnh viện", "rác thải", "rác thải"],
                         "context": [""] * 6, "year": [2005, 2020] * 3, "hits": [2, 3, 0, 6, 0, 0]})
    units = {2005: 10, 2020: 40}
    fig, axes = plot_term_contributions(hits, by="year", units=units)
    health = axes[[a.get_title() for a in axes].index("health")]
    widths = sorted(round(p.get_width(), 6) for p in health.patches)
    assert widths == [0.0, 7.5, 15.0, 20.0]                   # 2/10, 3/40, 0/10, 6/40 per 100 units
    assert health.get_xlabel() == "Hits per 100 sentences" and health.get_xlim()[1] > 20.0
    environment = axes[[a.get_title() for a in axes].index("environment")]
    assert [t.get_text() for t in environment.texts] == ["no hits in this corpus"]
    plt.close("all")


def test_theme_shares_are_seaborn_points_with_the_toolkits_intervals(seaborn_calls):
    fig, ax = plot_theme_shares(HAND_SHARES)
    assert [name for name, _ in seaborn_calls] == ["pointplot"]
    kwargs = seaborn_calls[0][1]
    assert kwargs["errorbar"] is None and kwargs["hue"] == "theme"       # seaborn computes no interval
    colours = theme_colours(["health", "environment"])
    points = {upper_hex(line.get_color()): line for line in points_of(ax)}
    assert set(points) == set(colours.values())                          # one fixed colour per theme
    for theme, colour in colours.items():
        line = points[colour]
        rows = HAND_SHARES[HAND_SHARES.theme == theme]
        assert list(line.get_ydata()) == pytest.approx(rows.share.tolist())
        for x, (_, row) in zip(line.get_xdata(), rows.iterrows()):
            # The bar sits where seaborn put the point and ends exactly at ci_low and ci_high.
            (ends,) = [e for e in interval_ends(ax) if e[0] == pytest.approx(x)]
            assert ends[1:] == pytest.approx((row.ci_low, row.ci_high), abs=1e-12)
    # Lexicon order: health (first) left of environment within each year, 0.44 apart as before.
    assert points[colours["health"]].get_xdata()[0] == pytest.approx(-0.22)
    assert points[colours["environment"]].get_xdata()[0] == pytest.approx(0.22)
    assert [t.get_text() for t in ax.get_xticklabels()] == ["2005\n(1 art.)", "2020\n(3 art.)"]
    assert [t.get_text() for t in ax.get_legend().texts] == ["health", "environment"]
    plt.close("all")


def test_term_contributions_for_many_nominal_groups_are_a_heatmap_not_bars_of_one_blue(sentences):
    frames = section_frames(10, sentences)
    fig, axes = plot_term_contributions(frames["hits"], by="section", units=frames["shares"])
    assert not any(ax.patches for ax in axes)
    assert [t.get_text().split(" (")[0] for t in axes[-1].get_xticklabels()] == sorted(SECTIONS[:10])
    plt.close(fig)
    fig, axes = plot_term_contributions(section_frames(2, sentences)["hits"], by="section")
    colours = {upper_hex(bar.get_facecolor()) for ax in axes for bar in ax.patches if bar.get_width() > 0}
    assert colours <= {c.upper() for c in group_colours(SECTIONS[:2], by="section").values()} and len(colours) == 2
    plt.close(fig)
