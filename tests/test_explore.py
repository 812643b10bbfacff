"""The explorer in a notebook (toolkit.explore), on the study corpus (real text).

Its data, figures and standalone page are tested in test_explore_data.py, test_explore_figures.py and
test_explore_page.py; the widget in test_explore_widget.py.
"""

from __future__ import annotations

import toolkit as tk
from conftest import data_top_term


def test_static_summary_is_deterministic_and_script_free(study_tokens, corpus):
    a = tk.explore(study_tokens, by="year", interactive=False)
    b = tk.explore(study_tokens, by="year", interactive=False)
    assert a._repr_html_() == b._repr_html_()
    assert "<script" not in a._repr_html_()
    top = a.summary()
    assert top.loc[1, "2012"] == data_top_term(a.data, "2012")


def test_interactive_follows_the_environment(study_tokens, monkeypatch):
    monkeypatch.setenv("TOOLKIT_EXPLORE_INTERACTIVE", "1")
    assert tk.explore(study_tokens, by="year").interactive
    monkeypatch.delenv("TOOLKIT_EXPLORE_INTERACTIVE")
    assert not tk.explore(study_tokens, by="year").interactive
