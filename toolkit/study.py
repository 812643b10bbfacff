"""Where a study's files are: its corpus, notebooks, figures and reports, read from a small configuration file.

The package knows no folder layout of its own. A study (a corpus with
notebooks written for it, committed with their outputs) says where its files
are in a TOML file, and whoever runs it passes that file in: the command
line's ``--study FILE``, or :func:`toolkit.report.run_report`'s ``study``.
Paths in the file are relative to the file's folder (the study's root)::

    corpus = "data"             # corpus.csv + raw/: the default corpus of summary, report and explore
    notebooks = "notebooks"     # the study's notebooks, run by the report on its corpus
    figures = "figures"         # where the study's figures go
    reports = "reports"         # HTML in reports/html/, the generic templates in reports/generic/
    protected = ["toolkit", "tests"]   # further folders a report's --out may not overwrite

Without a study, the report runs the package's generic templates on the
corpus it is given, the same from a checkout as from an installed wheel.

Examples
--------
>>> import tempfile
>>> root = Path(tempfile.mkdtemp())
>>> for folder in ("data", "notebooks"):
...     (root / folder).mkdir()
>>> _ = (root / "study.toml").write_text('corpus = "data"\\nnotebooks = "notebooks"\\n'
...                                      'figures = "figures"\\nreports = "reports"\\n')
>>> study = read_study(root / "study.toml")
>>> study.notebooks == root.resolve() / "notebooks", study.protected
(True, ())
>>> study.is_corpus(root / "notebooks" / ".." / "data"), study.is_corpus(root / "figures")
(True, False)
"""

from __future__ import annotations

import ast
import os
import tomllib
from dataclasses import dataclass
from pathlib import Path

from .errors import ToolkitError

__all__ = ["Study", "read_study", "notebook_parameters", "NO_CORPUS"]

#: The error without a corpus and without a study whose corpus is the default.
NO_CORPUS = ("no corpus given: the study corpus ships with the repository, not the package; "
             "pass a corpus folder (corpus.csv + raw/), or the study's configuration with --study")

_FOLDERS = ("corpus", "notebooks", "figures", "reports")


@dataclass(frozen=True)
class Study:
    """A study's folders, every one resolved.

    Attributes
    ----------
    root : pathlib.Path
        The folder the configuration file is in; JupyterLab serves it.
    corpus, notebooks, figures, reports : pathlib.Path
        The study corpus, its notebooks and the folders the report writes to.
    protected : tuple of pathlib.Path
        Further folders no report output may go into or contain.
    """

    root: Path
    corpus: Path
    notebooks: Path
    figures: Path
    reports: Path
    protected: tuple[Path, ...] = ()

    def is_corpus(self, corpus: str | os.PathLike) -> bool:
        """True when ``corpus`` is the study corpus (compared as resolved paths)."""
        return Path(corpus).resolve() == self.corpus

    def guarded(self) -> list[Path]:
        """The folders a report's output may not overlap: corpus, figures, notebooks, then ``protected``."""
        return [self.corpus, self.figures, self.notebooks, *self.protected]


def read_study(path: str | os.PathLike) -> Study:
    """Read a study's configuration (see the module's docstring for its keys).

    Raises
    ------
    ToolkitError
        A missing or malformed file, a missing or unknown key, or a corpus or
        notebooks folder that does not exist.
    """
    path = Path(path)
    if not path.is_file():
        raise ToolkitError(f"--study {path}: file not found (a TOML file naming the study's corpus, notebooks, "
                           f"figures and reports folders)")
    try:
        config = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as err:
        raise ToolkitError(f"--study {path}: {err}") from None
    unknown = sorted(set(config) - {*_FOLDERS, "protected"})
    missing = [key for key in _FOLDERS if not isinstance(config.get(key), str)]
    if unknown or missing or not isinstance(config.get("protected", []), list):
        raise ToolkitError(f"--study {path}: needs the folders {', '.join(_FOLDERS)} (strings) and optionally "
                           f"protected (a list of folders)" + (f"; unknown: {', '.join(unknown)}" if unknown else ""))
    root = path.resolve().parent
    folders = {key: (root / config[key]).resolve() for key in _FOLDERS}
    for key in ("corpus", "notebooks"):
        if not folders[key].is_dir():
            raise ToolkitError(f"--study {path}: {key} folder {config[key]!r} not found beside it")
    return Study(root, **folders, protected=tuple((root / str(p)).resolve() for p in config.get("protected", [])))


def _parameter_defaults(path: Path) -> dict:
    """The literal values assigned in a notebook's ``parameters`` cell."""
    import nbformat

    cell = next((c for c in nbformat.read(path, as_version=4).cells if "parameters" in c.metadata.get("tags", [])), None)
    if cell is None:
        return {}   # run_notebook reports the missing cell
    return {target.id: ast.literal_eval(node.value) for node in ast.parse(cell.source).body
            if isinstance(node, ast.Assign) for target in node.targets if isinstance(target, ast.Name)}


def notebook_parameters(path: Path, corpus_path: Path, figures: Path, unit: str, seed: int) -> dict:
    """The papermill parameters of a study notebook: the values that differ from its own ``parameters`` cell.

    ``corpus`` and ``figures`` are passed (relative to the notebook's folder, where it runs) when its
    defaults point elsewhere, ``unit`` and ``seed`` when they differ. Passing nothing else keeps machine
    paths, and an injected cell, out of the committed outputs.
    """
    defaults, cwd = _parameter_defaults(path), path.parent
    parameters = {}
    for name, folder in (("corpus", corpus_path), ("figures", figures)):
        if name not in defaults or (cwd / str(defaults[name])).resolve() != folder.resolve():
            parameters[name] = os.path.relpath(folder, cwd)
    parameters.update({name: value for name, value in (("unit", unit), ("seed", seed)) if defaults.get(name) != value})
    return parameters
