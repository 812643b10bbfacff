"""House style and reproducible figure files."""

import hashlib

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
