"""The built wheel carries lexicons, resources and report templates, and reports from outside the repository.

The wheel is built without the network (``pip wheel --no-deps --no-build-isolation``,
setuptools pinned in requirements.lock) from a copy of the sources, installed with
``--no-deps`` into a folder of its own, and run from a working directory outside the
repository with only that folder ahead of the environment's dependencies on the path.
"""

import os
import re
import shutil
import subprocess
import sys
import tomllib
import zipfile
from importlib.metadata import metadata
from pathlib import Path

import pytest
from packaging.specifiers import SpecifierSet

from conftest import ROOT

OTHER = ROOT / "tests" / "data" / "other_question"


@pytest.fixture(scope="module")
def wheel(tmp_path_factory):
    base = tmp_path_factory.mktemp("package")
    source = base / "source"
    source.mkdir()
    for name in ("pyproject.toml", "README.md", "LICENSE"):
        shutil.copy(ROOT / name, source / name)
    shutil.copytree(ROOT / "toolkit", source / "toolkit", ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    dist = base / "dist"
    done = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--no-index",
                           "--disable-pip-version-check", "-q", "-w", str(dist), str(source)],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    (built,) = dist.glob("*.whl")
    return built


@pytest.fixture(scope="module")
def installed(wheel):
    site = wheel.parent.parent / "site"
    done = subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "--no-index", "--no-compile",
                           "--disable-pip-version-check", "-q", "--target", str(site), str(wheel)],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    return site


def _run(site: Path, args: list[str], cwd: Path, timeout: int = 600):
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env["PYTHONPATH"] = str(site)      # the installed wheel only; its dependencies come from this environment
    return subprocess.run(args, capture_output=True, text=True, cwd=cwd, env=env, timeout=timeout)


def test_the_wheel_carries_lexicons_resources_and_templates(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    shipped = {p.relative_to(ROOT).as_posix() for folder in ("resources", "templates")
               for p in (ROOT / "toolkit" / folder).rglob("*") if p.is_file() and "__pycache__" not in p.parts}
    assert shipped <= names, sorted(shipped - names)
    assert "toolkit/resources/lexicons/themes_v1.csv" in names and "toolkit/templates/04_themes.ipynb" in names
    entry_points = zipfile.ZipFile(wheel).read(next(n for n in names if n.endswith("entry_points.txt"))).decode()
    assert "vn-discourse = toolkit.__main__:main" in entry_points


def test_the_installed_wheel_reports_on_a_corpus_from_outside_the_repository(installed, tmp_path):
    work = tmp_path / "elsewhere"
    shutil.copytree(OTHER, work / "study")
    where = _run(installed, [sys.executable, "-c", "import toolkit, toolkit.lexicon as l; "
                             "print(toolkit.__file__); print(l.load_lexicon().themes)"], cwd=work)
    assert where.returncode == 0, where.stderr
    assert where.stdout.startswith(str(installed)), where.stdout        # not the checkout's toolkit
    assert "economic_diplomacy" in where.stdout                          # the default lexicon is found
    done = _run(installed, [sys.executable, "-m", "toolkit", "report", "study", "--out", "out", "--notebooks", "01,04"],
                cwd=work)
    assert done.returncode == 0, done.stdout + done.stderr
    assert re.search(r"^2 of 2 generic notebooks executed", done.stdout, flags=re.M), done.stdout
    assert "without encryption" not in done.stderr
    assert sorted(p.name for p in (work / "out" / "html").iterdir()) == ["01_overview.html", "04_themes.html"]
    assert (work / "out" / "figures" / "theme_shares_by_year.png").stat().st_size > 0


def test_the_vn_discourse_command_works_from_the_wheel(installed, tmp_path):
    script = installed / "bin" / "vn-discourse"
    assert script.is_file()
    shutil.copytree(OTHER, tmp_path / "corpus")
    done = _run(installed, [sys.executable, str(script), "summary", "corpus", "--no-cache", "--by", "province"],
                cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "Documents, units and tokens per province" in done.stdout and "nothing removed" in done.stdout
    lexicon = tmp_path / "corpus" / "themes_health.csv"
    done = _run(installed, [sys.executable, str(script), "report", "corpus", "--lexicon", str(lexicon),
                            "--notebooks", "04", "--out", "out"], cwd=tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    html = (tmp_path / "out" / "html" / "04_themes.html").read_text(encoding="utf-8")
    assert "2 themes of the lexicon (environment and health)" in html


def test_supported_python_matches_what_the_lock_installs():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    ours = SpecifierSet(project["requires-python"])
    lower = re.fullmatch(r">=(3\.\d+)", project["requires-python"]).group(1)
    # Every pinned core library accepts our lower bound, and some would refuse the version below it.
    theirs = {name: SpecifierSet(metadata(name)["Requires-Python"] or "") for name in ("numpy", "pandas", "scipy", "ipython")}
    assert all(spec.contains(f"{lower}.0") for spec in theirs.values()), theirs
    below = f"3.{int(lower.split('.')[1]) - 1}.0"
    assert not ours.contains(below) and any(not spec.contains(below) for spec in theirs.values())
    assert ours.contains(f"{sys.version_info.major}.{sys.version_info.minor}.0")
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert f"Python {lower}+" in readme and "Python 3.10+" not in readme


@pytest.mark.fresh_venv
def test_the_wheel_installed_alone_in_a_fresh_venv_runs_the_whole_report(wheel, tmp_path):
    """``pip install`` of the wheel into a new virtual environment, then ``vn-discourse report``.

    This is what a user does, so it is the only test that sees a run-time dependency missing from
    pyproject.toml (nbconvert was) or a kernel looked up by name ("python3" is not registered by a
    plain install). The venv is made with ``python -m venv`` without system site packages: a venv
    that saw the project's .venv (``--system-site-packages``) would hide exactly the missing
    dependencies this test is for. The wheel's dependencies come from the configured package index,
    constrained to requirements.lock so they are the locked versions and pip's cache serves them
    after the first run (about 1.5 minutes to install, 45 s to report on two cores); installing with
    ``--no-index --find-links`` is not possible because no wheels of the locked dependencies are
    kept on disk. Offline, deselect it with ``-m "not fresh_venv"``.

    A decoy kernel named ``python3`` pointing at a missing interpreter is put on JUPYTER_PATH: the
    report must run its notebooks on the venv's own interpreter, not on a kernel found by name.
    """
    venv = tmp_path / "fresh"
    done = subprocess.run([sys.executable, "-m", "venv", str(venv)], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    python = venv / "bin" / "python"
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV", "PYTHONHOME")}
    done = subprocess.run([str(python), "-m", "pip", "install", "-q", "--no-compile", "--disable-pip-version-check",
                           "-c", str(ROOT / "requirements.lock"), str(wheel)],
                          capture_output=True, text=True, timeout=900, env=env)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    jupyter = tmp_path / "jupyter"
    decoy = jupyter / "kernels" / "python3"
    decoy.mkdir(parents=True)
    (decoy / "kernel.json").write_text('{"argv": ["/nonexistent/python", "-m", "ipykernel_launcher", "-f", '
                                       '"{connection_file}"], "display_name": "decoy", "language": "python"}')
    env.update(JUPYTER_PATH=str(jupyter), JUPYTER_DATA_DIR=str(jupyter), HOME=str(tmp_path / "home"),
               PATH=os.pathsep.join(p for p in env.get("PATH", "").split(os.pathsep) if not p.startswith(str(ROOT))))
    work = tmp_path / "elsewhere"
    shutil.copytree(OTHER, work / "corpus")
    where = subprocess.run([str(python), "-c", "import toolkit; print(toolkit.__file__)"], capture_output=True,
                           text=True, cwd=work, env=env, timeout=120)
    assert where.stdout.startswith(str(venv)), where.stdout + where.stderr       # the wheel, not the checkout
    done = subprocess.run([str(venv / "bin" / "vn-discourse"), "report", "corpus", "--out", "out"],
                          capture_output=True, text=True, cwd=work, env=env, timeout=900)
    assert done.returncode == 0, done.stdout + done.stderr
    n = len(list((ROOT / "toolkit" / "templates").glob("0*.ipynb")))
    assert re.search(rf"^{n} of {n} generic notebooks executed", done.stdout, flags=re.M), done.stdout
    html = sorted(p.name for p in (work / "out" / "html").iterdir())
    assert html == [p.with_suffix(".html").name for p in sorted((ROOT / "toolkit" / "templates").glob("0*.ipynb"))]
    assert all((work / "out" / "html" / name).stat().st_size > 10_000 for name in html)
    for stem in ("documents_by_year", "theme_shares_by_year", "topic_shares_by_year", "robustness_panel"):
        for ext in ("png", "pdf", "svg", "csv"):
            assert (work / "out" / "figures" / f"{stem}.{ext}").stat().st_size > 0, f"{stem}.{ext}"
    assert (work / "out" / "figures" / "table_theme_shares_by_year.csv").is_file()


def test_no_module_shadows_the_standard_library_and_the_word_layers_import_downwards():
    import sys

    package = Path(__file__).resolve().parents[1] / "toolkit"
    names = {p.stem for p in package.glob("*.py")} - {"__init__", "__main__"}
    assert not names & set(sys.stdlib_module_names), "a module named after a standard-library module"
    # words (wordseg) <- tokens (tokens) <- the word cache (wordcache) <- tokens of many texts (arrowtokens)
    # <- batches (batch): no module imports one above it
    layers = ["wordseg", "tokens", "wordcache", "arrowtokens", "batch"]
    graph = _imports_within(package)
    for i, name in enumerate(layers):
        assert not graph[name] & set(layers[i + 1:]), f"{name} imports {graph[name] & set(layers[i + 1:])}"


def _imports_within(package: Path) -> dict[str, set[str]]:
    """Each module's imports of sibling modules, at module level or inside functions alike."""
    import ast

    modules = {p.stem for p in package.glob("*.py")}
    graph = {}
    for name in modules:
        tree = ast.parse((package / f"{name}.py").read_text(encoding="utf-8"))
        found = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.level == 1:
                found |= {node.module.split(".")[0]} if node.module else {a.name for a in node.names}
        graph[name] = (found & modules) - {name}
    return graph


def test_no_import_cycle_and_no_module_over_500_lines():
    from scipy.sparse import csr_matrix
    from scipy.sparse.csgraph import connected_components

    package = Path(__file__).resolve().parents[1] / "toolkit"
    graph = _imports_within(package)
    names = sorted(graph)
    index = {name: i for i, name in enumerate(names)}
    edges = [(index[a], index[b]) for a in names for b in graph[a]]
    matrix = csr_matrix(([1] * len(edges), ([a for a, _ in edges], [b for _, b in edges])), shape=(len(names),) * 2)
    _, component = connected_components(matrix, directed=True, connection="strong")
    cycles = [sorted(n for n in names if component[index[n]] == c) for c in set(component)]
    assert [c for c in cycles if len(c) > 1] == []
    assert {"measure", "labels"} <= graph["themes"] and "themes" not in graph["measure"]   # the graph is read
    sizes = {p.name: len(p.read_text(encoding="utf-8").splitlines()) for p in package.glob("*.py")}
    assert {name: n for name, n in sizes.items() if n > 500} == {}


def test_no_function_over_60_lines_without_its_docstring():
    import ast

    package = Path(__file__).resolve().parents[1] / "toolkit"
    long = {}
    for path in package.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                lines = node.end_lineno - node.lineno + 1
                first = node.body[0]
                if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant) and isinstance(first.value.value, str):
                    lines -= first.end_lineno - first.lineno + 1
                if lines > 60:
                    long[f"{path.stem}.{node.name}"] = lines
    assert long == {}
