"""The figures' grammar (toolkit.figure_style): one colour per theme, palettes for ordered and nominal groups, the house theme."""

import matplotlib
import matplotlib.pyplot as plt

from conftest import HAND_SHARES, SECTIONS, upper_hex
from toolkit.figure_style import (OTHER_THEME_COLOURS, THEME_COLOURS, group_colours, is_ordered, palette_for, style,
                                  theme_colours)
from toolkit.theme_figures import plot_theme_shares


def _luminance(hex_colour):
    import matplotlib.colors as mc

    r, g, b = mc.to_rgb(hex_colour)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def test_one_colour_per_theme_everywhere_and_a_separate_ordered_palette_for_groups():
    study = theme_colours(["people_to_people", "economic_diplomacy"])
    assert study == {"people_to_people": "#009E73", "economic_diplomacy": "#0072B2"}
    other = theme_colours(["environment", "health", "economic_diplomacy"])
    assert other == {"environment": "#CC79A7", "health": "#E69F00", "economic_diplomacy": "#0072B2"}
    groups = group_colours([2020, 2005, 2015, 2005])
    assert list(groups) == [2005, 2015, 2020]
    shades = [_luminance(c) for c in groups.values()]
    assert shades == sorted(shades, reverse=True)            # light to dark in group order
    assert not set(groups.values()) & (set(THEME_COLOURS.values()) | set(OTHER_THEME_COLOURS))
    assert group_colours([2005, 2015]) == {g: c for g, c in group_colours([2015, 2005]).items()}


def test_a_new_figure_gets_the_grammar_from_palette_for():
    assert palette_for("theme", ["health", "economic_diplomacy"]) == {"health": "#CC79A7",
                                                                          "economic_diplomacy": "#0072B2"}
    assert palette_for("topic", ["topic_2", "topic_1"]) == {"topic_2": "#4d4d4d", "topic_1": "#7f7f7f"}
    assert palette_for("province", ["Cà Mau", "Điện Biên"]) == group_colours(["Cà Mau", "Điện Biên"])


def test_the_theme_applies_inside_a_figure_and_leaves_the_session_alone():
    before = dict(matplotlib.rcParams)
    with style():
        assert matplotlib.rcParams["font.family"] == ["DejaVu Sans"] and matplotlib.rcParams["pdf.fonttype"] == 42
        assert matplotlib.rcParams["font.size"] == 8 and not matplotlib.rcParams["axes.spines.top"]
        cycle = [c["color"] for c in matplotlib.rcParams["axes.prop_cycle"]]
        assert [upper_hex(c) for c in cycle[:3]] == list(THEME_COLOURS.values())
    plot_theme_shares(HAND_SHARES)
    assert dict(matplotlib.rcParams) == before
    plt.close("all")


def test_nominal_groups_get_a_qualitative_palette_and_ordered_groups_a_sequential_one():
    import colorsys
    import matplotlib.colors as mc

    assert is_ordered("year") and is_ordered("period", ["2005-2012"]) and is_ordered("month", [202010])
    assert is_ordered("group", ["2012", "2017"]) and not is_ordered("category", SECTIONS)
    for k in (10, 20):
        nominal = group_colours(SECTIONS[:k], by="category")
        assert len(set(nominal.values())) == k
        hues = sorted({round(colorsys.rgb_to_hls(*mc.to_rgb(c))[0], 2) for c in nominal.values()})
        assert len(hues) >= 9             # told apart by hue, not by shades of one blue
    months = group_colours([202009, 202010, 202011, 202012], by="month")
    shades = [_luminance(c) for c in months.values()]
    assert shades == sorted(shades, reverse=True)
    assert palette_for("category", ["b", "a"]) == group_colours(["a", "b"], by="category")
