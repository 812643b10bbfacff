"""House style and reproducible figure files."""

import hashlib

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
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


# --- Drawn through seaborn, with the toolkit's own intervals and the grammar's palettes ---------------------------

def _hex(colour):
    return matplotlib.colors.to_hex(colour).upper()


def _points(ax):
    """The points of a seaborn point plot (not the caps of error bars, not the empty lines of its legend)."""
    return [line for line in ax.lines if len(line.get_xdata()) and line.get_marker() not in ("_", "|")]


def _interval_ends(ax):
    """(position, low, high) of every error bar drawn on ``ax``, vertical or horizontal."""
    ends = []
    for container in ax.containers:
        if isinstance(container, matplotlib.container.ErrorbarContainer):
            for collection in container.lines[2]:
                for (x0, y0), (x1, y1) in collection.get_segments():
                    ends.append((x0, min(y0, y1), max(y0, y1)) if x0 == x1 else (y0, min(x0, x1), max(x0, x1)))
    return sorted(ends)


@pytest.fixture
def seaborn_calls(monkeypatch):
    """Record the seaborn calls a plot function makes (name and keyword arguments)."""
    import seaborn as sns

    calls = []
    for name in ("pointplot", "barplot", "lineplot"):
        original = getattr(sns, name)

        def spy(*args, _original=original, _name=name, **kwargs):
            calls.append((_name, kwargs))
            return _original(*args, **kwargs)

        monkeypatch.setattr(sns, name, spy)
    return calls


# Shares worked by hand: 2005 has 10 units, 2020 has 40; the intervals are given, not recomputed.
HAND_SHARES = pd.DataFrame({
    "year": [2005, 2005, 2020, 2020],
    "theme": ["health", "environment", "health", "environment"],
    "share": [0.3, 0.1, 0.25, 0.5],
    "ci_low": [0.067, 0.003, 0.127, 0.338],
    "ci_high": [0.652, 0.445, 0.412, 0.662],
    "articles": [1, 1, 3, 3],
})


def test_theme_shares_are_seaborn_points_with_the_toolkits_intervals(seaborn_calls):
    fig, ax = tf.plot_theme_shares(HAND_SHARES)
    assert [name for name, _ in seaborn_calls] == ["pointplot"]
    kwargs = seaborn_calls[0][1]
    assert kwargs["errorbar"] is None and kwargs["hue"] == "theme"       # seaborn computes no interval
    colours = tf.theme_colours(["health", "environment"])
    points = {_hex(line.get_color()): line for line in _points(ax)}
    assert set(points) == set(colours.values())                          # one fixed colour per theme
    for theme, colour in colours.items():
        line = points[colour]
        rows = HAND_SHARES[HAND_SHARES.theme == theme]
        assert list(line.get_ydata()) == pytest.approx(rows.share.tolist())
        for x, (_, row) in zip(line.get_xdata(), rows.iterrows()):
            # The bar sits where seaborn put the point and ends exactly at ci_low and ci_high.
            (ends,) = [e for e in _interval_ends(ax) if e[0] == pytest.approx(x)]
            assert ends[1:] == pytest.approx((row.ci_low, row.ci_high), abs=1e-12)
    # Lexicon order: health (first) left of environment within each year, 0.44 apart as before.
    assert points[colours["health"]].get_xdata()[0] == pytest.approx(-0.22)
    assert points[colours["environment"]].get_xdata()[0] == pytest.approx(0.22)
    assert [t.get_text() for t in ax.get_xticklabels()] == ["2005\n(1 art.)", "2020\n(3 art.)"]
    assert [t.get_text() for t in ax.get_legend().texts] == ["health", "environment"]
    plt.close("all")


def test_an_interval_is_drawn_as_given_even_when_the_point_is_outside_it():
    # A corrected share can fall outside a percentile interval: the bar must still run from ci_low to ci_high.
    estimates = pd.DataFrame({"estimate": ["lexicon", "corrected", "hand coding"], "year": [2005] * 3,
                              "theme": ["health"] * 3, "share": [0.4, 0.05, 0.3],
                              "ci_low": [0.2, 0.1, float("nan")], "ci_high": [0.6, 0.3, float("nan")]})
    fig, axes = tf.plot_share_estimates(estimates)
    ax = axes[0]
    ends = _interval_ends(ax)
    assert [e[1:] for e in ends] == [pytest.approx((0.2, 0.6)), pytest.approx((0.1, 0.3))]   # none for hand coding
    xs = [line.get_xdata()[0] for line in ax.lines[:3]]
    assert [e[0] for e in ends] == pytest.approx(xs[:2])
    assert [line.get_fillstyle() for line in ax.lines[:3]] == ["full", "none", "full"]
    assert {_hex(line.get_color()) for line in ax.lines[:3]} == {tf.theme_colours(["health"])["health"]}
    plt.close("all")


def test_robustness_intervals_are_horizontal_at_each_group_in_its_ordered_colour(seaborn_calls):
    table = pd.DataFrame({"variant": ["baseline", "baseline", "paragraph_units", "paragraph_units"],
                          "theme": ["health"] * 4, "year": [2005, 2020, 2005, 2020],
                          "share": [0.3, 0.25, 0.5, 0.2], "ci_low": [0.1, 0.15, 0.2, 0.1],
                          "ci_high": [0.6, 0.4, 0.8, 0.35]})
    fig, axes = tf.plot_robustness(table)
    assert {name for name, _ in seaborn_calls} == {"pointplot"}
    assert all(kwargs["errorbar"] is None for _, kwargs in seaborn_calls)
    ax = axes[0]
    colours = {g: c.upper() for g, c in tf.group_colours([2005, 2020]).items()}
    assert [_hex(l.get_color()) for l in _points(ax)] == [colours[2005], colours[2020]]
    ends = _interval_ends(ax)
    # variants top to bottom (baseline at 0), 2005 above 2020 within a variant: offsets -0.1 and +0.1.
    assert ends == [pytest.approx((-0.1, 0.1, 0.6)), pytest.approx((0.1, 0.15, 0.4)),
                    pytest.approx((0.9, 0.2, 0.8)), pytest.approx((1.1, 0.1, 0.35))]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["baseline", "paragraph units"]
    assert ax.get_ylim()[0] > ax.get_ylim()[1]                          # first variant on top
    assert [t.get_text() for t in ax.get_legend().texts] == ["2005", "2020"]
    plt.close("all")


def test_bars_are_drawn_by_seaborn_in_the_grammars_colours(seaborn_calls):
    hits = pd.DataFrame({"theme": ["health"] * 4, "term": ["y tế", "y tế", "bệnh viện", "bệnh viện"],
                         "context": [""] * 4, "year": [2005, 2020] * 2, "hits": [2, 3, 0, 6]})
    fig, axes = tf.plot_term_contributions(hits, units={2005: 10, 2020: 40})
    colours = {g: c.upper() for g, c in tf.group_colours([2005, 2020]).items()}
    bars = axes[0].patches
    # bệnh viện (6 hits) above y tế (5 hits); within a term 2005 above 2020, each in its group's colour.
    by_place = sorted((p.get_y(), round(p.get_width(), 6), _hex(p.get_facecolor())) for p in bars)
    assert [(w, c) for _, w, c in by_place] == [(0.0, colours[2005]), (15.0, colours[2020]),
                                                (20.0, colours[2005]), (7.5, colours[2020])]
    assert [t.get_text() for t in axes[0].get_yticklabels()] == ["bệnh viện", "y tế"]
    assert [t.get_text() for t in axes[0].get_legend().texts] == ["2005", "2020"]
    sizes = pd.DataFrame({"year": [2020, 2005], "documents": [4, 2]})
    fig, ax = tf.plot_group_sizes(sizes)
    assert [(round(p.get_height()), _hex(p.get_facecolor())) for p in ax.patches] == [(2, colours[2005]),
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


def test_topic_selection_lines_are_the_values_given(seaborn_calls):
    selection = pd.DataFrame({"k": [3, 2, 2, 3], "measure": ["NPMI"] * 4, "method": ["nmf", "nmf", "lda", "lda"],
                              "mean": [0.2, 0.1, 0.05, 0.15], "p10": [0.1, 0.0, -0.05, 0.05]})
    fig, axes = tf.plot_topic_selection(selection, chosen={"nmf": 3})
    assert all(kwargs["estimator"] is None and kwargs["errorbar"] is None for _, kwargs in seaborn_calls)
    lines = {(tuple(l.get_xdata()), tuple(l.get_ydata())): l for l in axes[0].lines}
    assert lines[((2, 3), (0.1, 0.2))].get_linestyle() == "-"          # NMF mean, sorted by k
    assert lines[((2, 3), (0.0, 0.1))].get_linestyle() == ":"          # NMF 10th percentile
    assert [t.get_text() for t in axes[0].get_legend().texts] == ["NMF", "LDA"]
    assert axes[0].get_ylabel() == "NPMI of top ten terms"
    plt.close("all")


def test_a_new_figure_gets_the_grammar_from_palette_for():
    assert tf.palette_for("theme", ["health", "economic_diplomacy"]) == {"health": "#CC79A7",
                                                                          "economic_diplomacy": "#0072B2"}
    assert tf.palette_for("topic", ["topic_2", "topic_1"]) == {"topic_2": "#4d4d4d", "topic_1": "#7f7f7f"}
    assert tf.palette_for("province", ["Cà Mau", "Điện Biên"]) == tf.group_colours(["Cà Mau", "Điện Biên"])


def test_the_theme_applies_inside_a_figure_and_leaves_the_session_alone():
    before = dict(matplotlib.rcParams)
    with tf.style():
        assert matplotlib.rcParams["font.family"] == ["DejaVu Sans"] and matplotlib.rcParams["pdf.fonttype"] == 42
        assert matplotlib.rcParams["font.size"] == 8 and not matplotlib.rcParams["axes.spines.top"]
        cycle = [c["color"] for c in matplotlib.rcParams["axes.prop_cycle"]]
        assert [_hex(c) for c in cycle[:3]] == list(tf.THEME_COLOURS.values())
    tf.plot_theme_shares(HAND_SHARES)
    assert dict(matplotlib.rcParams) == before
    plt.close("all")


def test_repeated_rows_are_refused_rather_than_averaged():
    twice = pd.concat([HAND_SHARES, HAND_SHARES.iloc[[0]]])
    with pytest.raises(tk.ToolkitError, match="more than one row for .*'year': 2005.*'theme': 'health'"):
        tf.plot_theme_shares(twice)


def test_every_seaborn_figure_is_byte_identical_from_run_to_run(tmp_path):
    table = pd.DataFrame({"variant": ["baseline", "baseline"], "theme": ["health"] * 2, "year": [2005, 2020],
                          "share": [0.3, 0.25], "ci_low": [0.1, 0.15], "ci_high": [0.6, 0.4]})
    digests = []
    for run in range(2):
        fig, _ = tf.plot_robustness(table)
        digests.append(_digest(tf.save_figure(fig, "robustness", table, folder=tmp_path / str(run))))
        plt.close(fig)
    assert digests[0] == digests[1] and len(digests[0]) == 4


def test_groups_given_as_numbers_find_the_groups_a_term_matrix_writes_as_text():
    # A report passes every year of the corpus (numbers); log_odds names the groups of tk.dfm by text.
    odds = pd.DataFrame({"group": ["2005", "2020"], "term": ["rác", "vắc_xin"], "z": [2.5, 3.0]})
    fig, axes = tf.plot_distinctive_terms(odds, by="year", groups=[2005, 2015, 2020])
    assert [ax.get_title() for ax in axes] == ["year 2005", "year 2020"]
    colours = tf.group_colours([2005, 2015, 2020])                     # 2015 keeps its place in the palette
    assert [_hex(ax.patches[0].get_facecolor()) for ax in axes] == [colours[2005].upper(), colours[2020].upper()]
    assert [t.get_text() for t in axes[1].get_yticklabels()] == ["vắc xin"]
    plt.close("all")


def test_groups_dodged_within_a_variant_keep_each_interval_on_its_own_variant():
    # Six years dodged within a variant: points spread over at most 0.8 of a row, and every
    # interval stays with its variant and its year (a position is not rounded to a category).
    years = list(range(2010, 2016))
    rows = [{"variant": v, "theme": "health", "year": y, "share": 0.1 + 0.01 * k, "ci_low": 0.05 + 0.01 * k,
             "ci_high": 0.2 + 0.01 * k} for v in ("baseline", "paragraph_units") for k, y in enumerate(years)
            if not (v == "paragraph_units" and y == 2012)]          # one year missing under one variant
    fig, axes = tf.plot_robustness(pd.DataFrame(rows))
    ends = _interval_ends(axes[0])
    assert len(ends) == len(rows) == 11
    first, second = [e for e in ends if e[0] < 0.5], [e for e in ends if e[0] > 0.5]
    assert len(first) == 6 and len(second) == 5
    assert max(e[0] for e in first) - min(e[0] for e in first) <= 0.8 + 1e-9
    by_low = {round(e[1], 4): e for e in second}                   # ci_low identifies the year
    assert 0.07 not in by_low and set(by_low) == {round(0.05 + 0.01 * k, 4) for k in range(6) if k != 2}
    plt.close("all")


def test_many_groups_put_each_group_on_its_own_row_with_the_baseline_interval_and_every_variant():
    # Fifteen years: one row per year, the baseline's interval on it and a tick at each other variant's share.
    years = list(range(2010, 2025))
    rows = [{"variant": v, "theme": "health", "year": y, "share": 0.1 + 0.01 * k + (0.02 if v != "baseline" else 0),
             "ci_low": 0.05 + 0.01 * k, "ci_high": 0.2 + 0.01 * k}
            for v in ("baseline", "paragraph_units") for k, y in enumerate(years)
            if not (v == "paragraph_units" and y == 2012)]          # one year missing under one variant
    fig, axes = tf.plot_robustness(pd.DataFrame(rows))
    ends = _interval_ends(axes[0])
    assert [(round(a), round(b, 4), round(c, 4)) for a, b, c in ends] == [
        (k, round(0.05 + 0.01 * k, 4), round(0.2 + 0.01 * k, 4)) for k in range(15)]
    assert [t.get_text() for t in axes[0].get_yticklabels()] == [str(y) for y in years]
    ticks = [line for line in axes[0].lines if line.get_marker() == "|"][0]
    shown = {(round(float(y)), round(float(x), 4)) for x, y in zip(ticks.get_xdata(), ticks.get_ydata()) if np.isfinite(x)}
    assert shown == {(k, round(0.12 + 0.01 * k, 4)) for k in range(15) if k != 2}
    assert _overlapping_texts(fig) == []
    plt.close("all")


# --- Any number of groups: layout, colour, tiny groups --------------------------------------------------------------

# Dân trí's section names: real category labels, some long, to lay out as a 2-, 10- and 20-group grouping.
SECTIONS = ["kinh doanh", "thế giới", "giáo dục", "giải trí", "sức khỏe", "khoa học", "xã hội", "thể thao", "công nghệ",
            "du lịch", "pháp luật", "bất động sản", "văn hóa", "ô tô - xe máy", "nhịp sống trẻ", "tình yêu - giới tính",
            "bạn đọc", "chính trị", "an ninh trật tự", "sự kiện"]


def _drawn_texts(fig):
    """Every text the figure draws (visible, non-empty), with its bounding box in pixels from the renderer.

    Text.draw is wrapped for the one draw, so only texts actually drawn count (not the labels of ticks
    outside the view, nor hidden ones); multi-line labels count as one box.
    """
    renderer = fig.canvas.get_renderer()
    drawn = []
    draw = matplotlib.text.Text.draw

    def recording(text, renderer):
        if text.get_visible() and text.get_text().strip():
            drawn.append(text)
        return draw(text, renderer)

    matplotlib.text.Text.draw = recording
    try:
        fig.draw(renderer)
    finally:
        matplotlib.text.Text.draw = draw
    return [(t.get_text(), t.get_window_extent(renderer)) for t in dict.fromkeys(drawn)]


def _overlapping_texts(fig, tolerance=0.5):
    import itertools

    pairs = []
    for (a, box_a), (b, box_b) in itertools.combinations(_drawn_texts(fig), 2):
        if (min(box_a.x1, box_b.x1) - max(box_a.x0, box_b.x0) > tolerance
                and min(box_a.y1, box_b.y1) - max(box_a.y0, box_b.y0) > tolerance):
            pairs.append((a, b))
    return pairs


def test_the_overlap_measure_finds_overlapping_labels():
    fig, ax = plt.subplots(figsize=(2, 2))
    ax.set_xticks(range(10), [f"{name} (20 art.)" for name in SECTIONS[:10]])
    assert ("kinh doanh (20 art.)", "thế giới (20 art.)") in _overlapping_texts(fig)
    ax.set_xticks(range(2), ["a", "b"])
    assert _overlapping_texts(fig) == []
    plt.close(fig)


_FRAMES = {}


def _frames(k, sentences):
    """The study's sentences (real text) split into k groups named after news sections, and every report frame."""
    if k not in _FRAMES:
        units = tk.tokenize_units(sentences, cache=False).assign(
            section=[SECTIONS[i % k] for i in range(len(sentences))])
        shares = tk.theme_shares(units, by="section")
        body = units[(units.kind == "body") & units.duplicate_of.isna()].reset_index(drop=True)
        model = tk.fit_topics(tk.dfm(body, min_docs=2), n_topics=3, method="nmf", seed=0)
        variants = pd.concat([shares.assign(variant="baseline (sentences)"),
                              tk.theme_shares(units, by="section", kinds=None).assign(variant="titles included"),
                              tk.theme_shares(units, by="section", drop_duplicates=False).assign(variant="duplicates kept")])
        _FRAMES[k] = {
            "shares": shares, "hits": tk.term_hits(units, by="section"), "odds": tk.log_odds(tk.dfm(body, by="section")),
            "topics": tk.topic_shares(model, body, by="section"), "robustness": variants,
            "estimates": pd.concat([shares.assign(estimate="lexicon"),
                                    shares.assign(estimate="hand coding", share=shares.share * 0.8)]),
            "sizes": tk.groups.describe_groups(units.assign(doc_id=units.doc_id + units.section)
                                                .drop_duplicates("doc_id"), "section"),
        }
    return _FRAMES[k]


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
    fig, _ = REPORT_FIGURES[figure](_frames(k, sentences))
    names = {" ".join(t.split()) for t, _ in _drawn_texts(fig)}     # wrapped titles read as one line
    assert _overlapping_texts(fig) == []
    # Every group is named somewhere in the figure (axis, title or key), none dropped to make room.
    if figure != "topic shares" or k <= tf.MANY:
        assert all(any(s in name for name in names) for s in SECTIONS[:k]), sorted(names)
    plt.close(fig)


def test_topic_selection_texts_do_not_overlap():
    selection = pd.DataFrame([{"measure": m, "method": "nmf", "k": k, "mean": 0.5 + k / 50, "p10": 0.4}
                              for m in ("bootstrap units", "leave one article out", "NPMI") for k in range(2, 11)])
    fig, _ = tf.plot_topic_selection(selection, chosen={"nmf": 4})
    assert _overlapping_texts(fig) == []
    plt.close(fig)


def test_many_or_long_groups_go_on_the_y_axis_and_panels_of_terms_wrap(sentences):
    fig, ax = tf.plot_theme_shares(_frames(2, sentences)["shares"], by="section")
    assert [t.get_text().split("\n")[0] for t in ax.get_xticklabels()] == ["kinh doanh", "thế giới"]
    plt.close(fig)
    fig, ax = tf.plot_theme_shares(_frames(10, sentences)["shares"], by="section")
    assert [t.get_text().split(" (")[0] for t in ax.get_yticklabels()] == sorted(SECTIONS[:10])
    plt.close(fig)
    fig, axes = tf.plot_distinctive_terms(_frames(20, sentences)["odds"], n=8, by="section")
    rows = {round(ax.get_position().y0, 3) for ax in axes}
    assert len(axes) == 20 and len(rows) >= 4          # wrapped: several rows of panels, not one row of twenty
    plt.close(fig)


def test_nominal_groups_get_a_qualitative_palette_and_ordered_groups_a_sequential_one():
    import colorsys
    import matplotlib.colors as mc

    assert tf.is_ordered("year") and tf.is_ordered("period", ["2005-2012"]) and tf.is_ordered("month", [202010])
    assert tf.is_ordered("group", ["2012", "2017"]) and not tf.is_ordered("category", SECTIONS)
    for k in (10, 20):
        nominal = tf.group_colours(SECTIONS[:k], by="category")
        assert len(set(nominal.values())) == k
        hues = sorted({round(colorsys.rgb_to_hls(*mc.to_rgb(c))[0], 2) for c in nominal.values()})
        assert len(hues) >= 9             # told apart by hue, not by shades of one blue
    months = tf.group_colours([202009, 202010, 202011, 202012], by="month")
    shades = [_luminance(c) for c in months.values()]
    assert shades == sorted(shades, reverse=True)
    assert tf.palette_for("category", ["b", "a"]) == tf.group_colours(["a", "b"], by="category")


def test_term_contributions_for_many_nominal_groups_are_a_heatmap_not_bars_of_one_blue(sentences):
    frames = _frames(10, sentences)
    fig, axes = tf.plot_term_contributions(frames["hits"], by="section", units=frames["shares"])
    assert not any(ax.patches for ax in axes)
    assert [t.get_text().split(" (")[0] for t in axes[-1].get_xticklabels()] == sorted(SECTIONS[:10])
    plt.close(fig)
    fig, axes = tf.plot_term_contributions(_frames(2, sentences)["hits"], by="section")
    colours = {_hex(bar.get_facecolor()) for ax in axes for bar in ax.patches if bar.get_width() > 0}
    assert colours <= {c.upper() for c in tf.group_colours(SECTIONS[:2], by="section").values()} and len(colours) == 2
    plt.close(fig)


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
    fig, ax = tf.plot_theme_shares(shares, by="month")   # four labels with article counts: on the y axis
    low, high = ax.get_xlim()
    assert 0.21 <= high < 0.3                          # the full months' intervals fit; the one-article [0, 1] does not
    grey = {t.get_text().split(" (")[0] for t in ax.get_yticklabels() if _hex(t.get_color()) == tf.TINY_COLOUR.upper()}
    assert grey == {"202009", "202012"}
    assert any("fewer than 5 articles" in t.get_text() for t in ax.get_legend().texts)
    assert _overlapping_texts(fig) == []
    plt.close(fig)
    variants = pd.concat([shares.assign(variant="baseline"), shares.assign(variant="paragraphs", share=shares.share * 1.1)])
    fig, axes = tf.plot_robustness(variants, by="month")
    assert axes[0].get_xlim()[1] < 0.3
    plt.close(fig)
