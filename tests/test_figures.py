"""House style and reproducible figure files."""

import hashlib

import matplotlib
import matplotlib.pyplot as plt
import pandas as pd
import pytest

import toolkit as tk
from toolkit import figures as tf


@pytest.fixture(scope="module")
def shares(sentences):
    return tk.theme_shares(sentences)


def _digest(paths):
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in paths}


def test_save_figure_writes_four_identical_files_each_time(tmp_path, shares):
    fig, ax = tf.plot_theme_shares(shares)
    first = tf.save_figure(fig, "theme_shares", shares, folder=tmp_path)
    assert sorted(p.suffix for p in first) == [".csv", ".pdf", ".png", ".svg"]
    digest = _digest(first)
    fig2, _ = tf.plot_theme_shares(shares)
    assert _digest(tf.save_figure(fig2, "theme_shares", shares, folder=tmp_path)) == digest
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(p.name for p in first)  # no temporary files left
    pd.testing.assert_frame_equal(pd.read_csv(tmp_path / "theme_shares.csv")[["year", "theme"]],
                                  shares[["year", "theme"]].reset_index(drop=True))
    plt.close("all")


def test_vector_files_keep_text_as_text_with_embedded_truetype(tmp_path, sentences):
    table = tk.log_odds(tk.dfm(tk.tokenize_units(sentences, cache=False), by="year"))
    fig, _ = tf.plot_distinctive_terms(table, n=5)
    tf.save_figure(fig, "terms", table, folder=tmp_path)
    svg = (tmp_path / "terms.svg").read_text(encoding="utf-8")
    assert "<text" in svg and "lạng sơn" in svg            # Vietnamese words stay searchable text
    assert "<dc:date>" not in svg
    pdf = (tmp_path / "terms.pdf").read_bytes()
    assert b"/FontFile2" in pdf and b"DejaVuSans" in pdf     # TrueType (fonttype 42), embedded
    assert b"/CreationDate" not in pdf
    png = (tmp_path / "terms.png").read_bytes()
    assert png[:8] == bytes([0x89]) + b"PNG\r\n\x1a\n"
    plt.close("all")


def test_bad_figure_name(tmp_path):
    fig, _ = plt.subplots()
    with pytest.raises(tk.ToolkitError, match="plain file stem"):
        tf.save_figure(fig, "../escape", pd.DataFrame(), folder=tmp_path)
    plt.close(fig)


def test_show_closes_the_figure():
    fig, _ = plt.subplots()
    tf.show(fig)
    assert not plt.fignum_exists(fig.number)


def _luminance(hex_colour):
    import matplotlib.colors as mc

    r, g, b = mc.to_rgb(hex_colour)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def test_one_colour_per_theme_everywhere_and_a_separate_ordered_palette_for_groups():
    study = tf.theme_colours(["people_to_people", "economic_diplomacy"])
    assert study == {"people_to_people": "#009E73", "economic_diplomacy": "#0072B2"}
    other = tf.theme_colours(["environment", "health", "economic_diplomacy"])
    assert other == {"environment": "#CC79A7", "health": "#E69F00", "economic_diplomacy": "#0072B2"}
    groups = tf.group_colours([2020, 2005, 2015, 2005])
    assert list(groups) == [2005, 2015, 2020]
    shades = [_luminance(c) for c in groups.values()]
    assert shades == sorted(shades, reverse=True)            # light to dark in group order
    assert not set(groups.values()) & (set(tf.THEME_COLOURS.values()) | set(tf.OTHER_THEME_COLOURS))
    assert tf.group_colours([2005, 2015]) == {g: c for g, c in tf.group_colours([2015, 2005]).items()}


def test_term_contributions_are_hits_per_100_units_side_by_side():
    hits = pd.DataFrame({"theme": ["health"] * 4 + ["environment"] * 2,
                         "term": ["y tế", "y tế", "bệnh viện", "bệnh viện", "rác thải", "rác thải"],
                         "context": [""] * 6, "year": [2005, 2020] * 3, "hits": [2, 3, 0, 6, 0, 0]})
    units = {2005: 10, 2020: 40}
    fig, axes = tf.plot_term_contributions(hits, by="year", units=units)
    health = axes[[a.get_title() for a in axes].index("health")]
    widths = sorted(round(p.get_width(), 6) for p in health.patches)
    assert widths == [0.0, 7.5, 15.0, 20.0]                   # 2/10, 3/40, 0/10, 6/40 per 100 units
    assert health.get_xlabel() == "Hits per 100 sentences" and health.get_xlim()[1] > 20.0
    environment = axes[[a.get_title() for a in axes].index("environment")]
    assert [t.get_text() for t in environment.texts] == ["no hits in this corpus"]
    plt.close("all")


def test_topic_shares_show_the_units_without_tokens_in_grey():
    shares = pd.DataFrame({"year": [2005, 2005, 2020, 2020], "topic": ["topic_1: a", "topic_2: b"] * 2,
                           "share": [0.5, 0.3, 0.6, 0.4]})
    fig, ax = tf.plot_topic_shares(shares)
    labels = ax.get_legend_handles_labels()[1]
    assert labels == ["topic 1: a", "topic 2: b", "no tokens"]
    rest = [p for p in ax.patches if p.get_hatch()]
    assert [round(p.get_height(), 6) for p in rest] == [0.2, 0.0]
    colours = {mc for p in ax.patches if not p.get_hatch() for mc in [matplotlib.colors.to_hex(p.get_facecolor())]}
    assert all(c[1:3] == c[3:5] == c[5:7] for c in colours)   # greys only
    plt.close("all")


def test_nothing_is_clipped_and_labels_have_spaces():
    table = pd.DataFrame({"variant": ["baseline", "paragraph units"] * 2, "theme": ["health"] * 4,
                          "year": [2005, 2005, 2020, 2020], "share": [0.9, 1.0, 0.2, 0.1],
                          "ci_low": [0.7, 0.8, 0.0, 0.0], "ci_high": [1.0, 1.0, 0.4, 0.3]})
    fig, axes = tf.plot_robustness(table)
    low, high = axes[0].get_xlim()
    assert low < 0.0 and high > 1.0
    shares = table[table.variant == "baseline"].assign(units=[10, 20], articles=[1, 2])
    fig, ax = tf.plot_theme_shares(shares)
    assert ax.get_ylim()[1] > 1.0
    odds = pd.DataFrame({"group": [2005, 2020], "term": ["hợp_tác", "cửa_khẩu"], "z": [2.0, 3.0]})
    fig, axes = tf.plot_distinctive_terms(odds, by="year")
    assert [t.get_text() for t in axes[1].get_yticklabels()] == ["cửa khẩu"] and axes[1].get_title() == "year 2020"
    plt.close("all")


def test_save_table_writes_csv_and_latex(tmp_path):
    table = pd.DataFrame({"theme": ["health & care"], "ci_low": [0.12345]})
    csv, tex = tf.save_table(table, "table_x", tmp_path, caption="Shares")
    assert csv.read_text(encoding="utf-8") == "theme,ci low\nhealth & care,0.12345\n"
    latex = tex.read_text(encoding="utf-8")
    assert "\\toprule" in latex and "health \\& care & 0.123" in latex and "\\caption{Shares}" in latex


def test_topic_shares_among_units_with_tokens_are_scaled_to_all_units():
    # topic_shares: shares among units with tokens sum to 1; empty_units is the proportion without tokens.
    shares = pd.DataFrame({"year": [2005, 2005], "topic": ["topic_1", "topic_2"], "share": [0.75, 0.25],
                           "empty_units": [0.2, 0.2]})
    fig, ax = tf.plot_topic_shares(shares)
    heights = [round(p.get_height(), 6) for p in ax.patches]
    assert heights == [0.6, 0.2, 0.2]          # 0.75 * 0.8, 0.25 * 0.8, then 0.2 without tokens
    plt.close("all")


def test_topic_share_intervals_in_greys_with_the_empty_share_named():
    shares = pd.DataFrame({"year": [2005, 2005, 2020, 2020], "topic": ["topic_1", "topic_2"] * 2,
                           "share": [0.7, 0.3, 0.4, 0.6], "ci_low": [0.5, 0.1, 0.2, 0.4],
                           "ci_high": [0.9, 0.5, 0.6, 1.0], "empty_units": [0.25, 0.25, 0.0, 0.0]})
    fig, ax = tf.plot_topic_share_intervals(shares)
    assert [t.get_text() for t in ax.get_xticklabels()] == ["2005\n25% empty", "2020\n0% empty"]
    assert ax.get_ylim()[1] > 1.0
    lines = [l for l in ax.get_lines() if len(l.get_xdata())]
    assert all(c[1:3] == c[3:5] == c[5:7] for c in (matplotlib.colors.to_hex(l.get_color()) for l in lines))
    plt.close("all")
