"""The units the toolkit measures, chosen in one place, and the settings a run carries."""

import pandas as pd
import pytest

import toolkit as tk
from toolkit.errors import ToolkitError
from toolkit.pipeline import Settings, select_units


def test_select_units_keeps_body_units_that_repeat_nothing(sentences):
    chosen = select_units(sentences)
    assert set(chosen.kind) == {"body"}
    repeats = set(sentences.loc[sentences.duplicate_of.notna(), "unit_id"])
    body = set(sentences.loc[sentences.kind == "body", "unit_id"])
    assert repeats and body - repeats != body
    assert set(chosen.unit_id) == body - repeats
    # Rows come back as they were: same index labels, same columns, same order.
    pd.testing.assert_frame_equal(chosen, sentences.loc[chosen.index])
    assert chosen.index.is_monotonic_increasing
    # The study's near-duplicates, read in the texts: hg2017c repeats seven sentences of hg2017a,
    # and ls2012's p03s01 repeats its own p02s01; exactly those go.
    per_article = sentences[sentences.kind == "body"].groupby("doc_id").size() - chosen.groupby("doc_id").size()
    assert per_article.to_dict() == {"hg2017a": 0, "hg2017b": 0, "hg2017c": 7, "hg2023": 0, "ls2012": 1}
    assert "ls2012:p03s01" not in set(chosen.unit_id) and "ls2012:p02s01" in set(chosen.unit_id)


def test_select_units_other_kinds_and_duplicates_kept(sentences):
    every = select_units(sentences, kinds=None, drop_duplicates=False)
    assert every is sentences
    titles = select_units(sentences, kinds=["title"], drop_duplicates=False)
    assert set(titles.kind) == {"title"} and titles.doc_id.is_unique and len(titles) == 4
    with_captions = select_units(sentences, kinds=("body", "caption"))
    assert set(with_captions.kind) <= {"body", "caption"}
    assert len(with_captions) == len(select_units(sentences)) + int(
        ((sentences.kind == "caption") & sentences.duplicate_of.isna()).sum())


def test_theme_shares_of_selected_units_equal_those_of_raw_units(sentences):
    pd.testing.assert_frame_equal(tk.theme_shares(select_units(sentences)), tk.theme_shares(sentences))
    # Selecting again changes nothing: the theme functions apply the same rule.
    chosen = select_units(sentences, kinds=None, drop_duplicates=True)
    pd.testing.assert_frame_equal(tk.theme_shares(chosen, kinds=None),
                                  tk.theme_shares(sentences, kinds=None, drop_duplicates=True))


def test_select_units_errors(sentences):
    with pytest.raises(ToolkitError, match="units need a text column"):
        select_units(sentences.drop(columns="text"))
    with pytest.raises(ToolkitError, match="units need a text column"):
        select_units(["a sentence"])
    with pytest.raises(ToolkitError, match="no units left after selecting kinds"):
        select_units(sentences, kinds=["footnote"])
    with pytest.raises(ToolkitError, match="no kind column.*kinds=None"):
        select_units(sentences.drop(columns="kind"))
    assert select_units(sentences, kinds=["footnote"], allow_empty=True).empty
    # The theme functions give the same messages.
    with pytest.raises(ToolkitError, match="no units left after selecting kinds"):
        tk.theme_shares(sentences, kinds=["footnote"])


def test_settings_select_as_select_units(sentences):
    settings = Settings(kinds=["body", "caption"], drop_duplicates=False)
    assert settings.kinds == ("body", "caption")
    pd.testing.assert_frame_equal(settings.select(sentences), select_units(sentences, ("body", "caption"), False))
    with pytest.raises(AttributeError):
        settings.unit = "paragraph"


def test_an_archive_measures_the_units_select_units_chooses(sentences):
    archive = tk.process_archive("data", shard_size=5, cache=False, progress=False, kinds=("body", "caption"),
                                 drop_duplicates=False)
    chosen = select_units(sentences, ("body", "caption"), False)
    assert archive.articles.set_index("doc_id").units.to_dict() == chosen.groupby("doc_id").size().to_dict()
