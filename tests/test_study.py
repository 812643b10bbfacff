"""The study's configuration (toolkit.study): where the study's folders are, and what its notebooks are passed."""

import pytest

import toolkit as tk
from conftest import ROOT
from toolkit.study import notebook_parameters, read_study


def test_the_repository_study_and_its_notebooks_need_no_injected_parameter():
    study = read_study(ROOT / "study.toml")
    assert (study.corpus, study.notebooks, study.figures) == (ROOT / "data", ROOT / "notebooks", ROOT / "figures")
    assert study.is_corpus(ROOT / "notebooks" / ".." / "data") and not study.is_corpus(ROOT / "tests" / "data")
    assert study.guarded()[:3] == [study.corpus, study.figures, study.notebooks]
    assert {ROOT / "toolkit", ROOT / "tests"} <= set(study.guarded())
    notebooks = sorted(study.notebooks.glob("0*.ipynb"))
    assert len(notebooks) == 6
    for path in notebooks:
        # Each committed notebook's parameters cell already names the study's folders: nothing is injected,
        # so no machine path reaches its committed outputs; what differs is passed relative to notebooks/.
        assert notebook_parameters(path, study.corpus, study.figures, "sentence", 0) == {}
        assert notebook_parameters(path, study.corpus, study.root / "elsewhere", "paragraph", 0) == {
            "figures": "../elsewhere", "unit": "paragraph"}


def test_a_study_configuration_is_checked(tmp_path):
    with pytest.raises(tk.ToolkitError, match="--study .*missing.toml: file not found"):
        read_study(tmp_path / "missing.toml")
    (tmp_path / "study.toml").write_text('corpus = "data"\nnotebook = "notebooks"\n', encoding="utf-8")
    with pytest.raises(tk.ToolkitError, match="needs the folders corpus, notebooks, figures, reports .*; unknown: notebook$"):
        read_study(tmp_path / "study.toml")
    (tmp_path / "study.toml").write_text('corpus = "data"\nnotebooks = "nb"\nfigures = "f"\nreports = "r"\n')
    with pytest.raises(tk.ToolkitError, match="corpus folder 'data' not found beside it"):
        read_study(tmp_path / "study.toml")
