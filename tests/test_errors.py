"""The toolkit's documented errors (toolkit/errors.py): one family under ValueError, each raised for its kind of problem."""

import pickle
import shutil

import pytest

import toolkit as tk
from conftest import DATA
from toolkit.errors import CorpusError, ManifestError, ToolkitError


def test_one_family_under_value_error_exported_by_the_package():
    assert issubclass(ManifestError, CorpusError) and issubclass(CorpusError, ToolkitError)
    assert issubclass(ToolkitError, ValueError)
    assert (tk.ToolkitError, tk.CorpusError, tk.ManifestError) == (ToolkitError, CorpusError, ManifestError)


@pytest.fixture
def study_copy(tmp_path):
    """A copy of the study corpus (manifest and raw articles) to break."""
    root = tmp_path / "study"
    shutil.copytree(DATA / "raw", root / "raw")
    shutil.copy(DATA / "corpus.csv", root / "corpus.csv")
    return root


def _raised(call) -> Exception:
    with pytest.raises(ToolkitError) as info:
        call()
    return info.value


def test_each_kind_of_problem_raises_its_own_error(study_copy):
    assert len(tk.load_corpus(study_copy).documents) == 5
    # A manifest row whose file is missing: a manifest error.
    article = sorted((study_copy / "raw").iterdir())[0]
    text = article.read_bytes()
    article.unlink()
    error = _raised(lambda: tk.load_corpus(study_copy))
    assert type(error) is ManifestError and article.name in str(error)
    # The file is back but holds nothing: a corpus error that is no manifest error.
    article.write_bytes(b"\n \n")
    error = _raised(lambda: tk.load_corpus(study_copy))
    assert type(error) is CorpusError and article.name in str(error)
    # A bad argument to a function that reads no corpus: a toolkit error, no corpus error.
    article.write_bytes(text)
    error = _raised(lambda: tk.word_segment(text))
    assert type(error) is ToolkitError and "expects a str" in str(error)


def test_errors_travel_between_processes_with_their_class_and_message(study_copy):
    # Worker processes (n_jobs, Dask) send errors back pickled: the class and the message must survive.
    (study_copy / "corpus.csv").write_text("doc_id,file\n", encoding="utf-8")
    error = _raised(lambda: tk.load_corpus(study_copy))
    again = pickle.loads(pickle.dumps(error))
    assert type(again) is type(error) is ManifestError and str(again) == str(error)
    assert "corpus.csv" in str(again)
