"""Reproducible figure and table files (toolkit.figure_files): the same bytes every run, text kept as text, no dates."""

import hashlib

import matplotlib.pyplot as plt
import pandas as pd
import pytest

import toolkit as tk
from toolkit.estimate_figures import plot_robustness
from toolkit.figure_files import save_figure, save_table, show
from toolkit.figures import plot_distinctive_terms
from toolkit.theme_figures import plot_theme_shares


@pytest.fixture(scope="module")
def shares(sentences):
    return tk.theme_shares(sentences)


def _digest(paths):
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in paths}


def test_save_figure_writes_four_identical_files_each_time(tmp_path, shares):
    fig, ax = plot_theme_shares(shares)
    first = save_figure(fig, "theme_shares", shares, folder=tmp_path)
    assert sorted(p.suffix for p in first) == [".csv", ".pdf", ".png", ".svg"]
    digest = _digest(first)
    fig2, _ = plot_theme_shares(shares)
    assert _digest(save_figure(fig2, "theme_shares", shares, folder=tmp_path)) == digest
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(p.name for p in first)  # no temporary files left
    pd.testing.assert_frame_equal(pd.read_csv(tmp_path / "theme_shares.csv")[["year", "theme"]],
                                  shares[["year", "theme"]].reset_index(drop=True))
    plt.close("all")


def test_vector_files_keep_text_as_text_with_embedded_truetype(tmp_path, sentences):
    table = tk.log_odds(tk.dfm(tk.tokenize_units(sentences, cache=False), by="year"))
    fig, _ = plot_distinctive_terms(table, n=5)
    save_figure(fig, "terms", table, folder=tmp_path)
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
        save_figure(fig, "../escape", pd.DataFrame(), folder=tmp_path)
    plt.close(fig)


def test_show_closes_the_figure():
    fig, _ = plt.subplots()
    show(fig)
    assert not plt.fignum_exists(fig.number)


def test_save_table_writes_csv_and_latex(tmp_path):
    table = pd.DataFrame({"theme": ["health & care"], "ci_low": [0.12345]})
    csv, tex = save_table(table, "table_x", tmp_path, caption="Shares")
    assert csv.read_text(encoding="utf-8") == "theme,ci low\nhealth & care,0.12345\n"
    latex = tex.read_text(encoding="utf-8")
    assert "\\toprule" in latex and "health \\& care & 0.123" in latex and "\\caption{Shares}" in latex


def test_every_seaborn_figure_is_byte_identical_from_run_to_run(tmp_path):
    table = pd.DataFrame({"variant": ["baseline", "baseline"], "theme": ["health"] * 2, "year": [2005, 2020],
                          "share": [0.3, 0.25], "ci_low": [0.1, 0.15], "ci_high": [0.6, 0.4]})
    digests = []
    for run in range(2):
        fig, _ = plot_robustness(table)
        digests.append(_digest(save_figure(fig, "robustness", table, folder=tmp_path / str(run))))
        plt.close(fig)
    assert digests[0] == digests[1] and len(digests[0]) == 4
