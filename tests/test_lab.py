"""JupyterLab starts on loopback and serves every notebook through its REST API."""

import json
import urllib.request

import pytest

from conftest import ROOT, jupyterlab
from toolkit.report import notebooks
from toolkit.study import Study, read_study


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    with jupyterlab(ROOT / "notebooks", tmp_path_factory.mktemp("jupyter-runtime")) as running:
        yield running


def _get(url):
    with urllib.request.urlopen(url, timeout=10) as response:
        return json.loads(response.read())


def test_lab_serves_each_notebook_with_its_outputs(server):
    base, token = server
    for path in notebooks(read_study(ROOT / "study.toml").notebooks):
        model = _get(f"{base}/api/contents/{path.name}?content=1&token={token}")
        assert model["type"] == "notebook"
        cells = model["content"]["cells"]
        assert any("parameters" in c["metadata"].get("tags", []) for c in cells)
        assert any(c.get("outputs") for c in cells if c["cell_type"] == "code")
        assert model["content"]["metadata"]["kernelspec"]["name"] == "python3"


def test_lab_has_the_project_kernel(server):
    base, token = server
    specs = _get(f"{base}/api/kernelspecs?token={token}")
    assert "python3" in specs["kernelspecs"]


def test_lab_opens_a_reports_output_folder(tmp_path):
    from toolkit import ToolkitError
    from toolkit.__main__ import lab_command

    root = tmp_path.resolve()
    study = Study(root, *(root / name for name in ("data", "notebooks", "figures", "reports")))
    assert lab_command(None, study) == ["jupyter", "lab", f"--notebook-dir={root / 'notebooks'}"]
    inside = tmp_path / "reports" / "mine"
    inside.mkdir(parents=True)
    # inside the study's folder: it is served (notebooks/ and the report), the report opened
    assert lab_command(str(inside), study)[2:] == [f"--notebook-dir={root}", "--LabApp.default_url=/lab/tree/reports/mine"]
    elsewhere = tmp_path.parent / f"{tmp_path.name}-beside-corpus"
    elsewhere.mkdir()
    assert lab_command(str(elsewhere), study)[2:] == [f"--notebook-dir={elsewhere.resolve()}"]
    with pytest.raises(ToolkitError, match="no such report folder"):
        lab_command(str(tmp_path / "missing"), study)
    # Without a study only a report's folder can be opened: the package knows no notebooks of its own.
    assert lab_command(str(inside))[2:] == [f"--notebook-dir={inside.resolve()}"]
    with pytest.raises(ToolkitError, match="nothing to open: give a report's output folder, or the study's "
                                           "configuration with --study"):
        lab_command(None)
