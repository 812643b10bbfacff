"""Executing the report notebooks headlessly, on the study corpus or any other.

Two sets of notebooks exist:

* a study's notebooks, named with its corpus and output folders by a
  :class:`toolkit.study.Study` (``--study study.toml``): the study's
  narrative, committed with outputs. They run only on the study corpus
  (compared as resolved paths) with the study's lexicon and grouping by year.
* ``toolkit/templates/``: generic report templates shipped inside the
  package. Every title, caveat and finding in them is computed from the
  corpus they run on. They run on every other corpus, on the study corpus
  when another lexicon or grouping is asked for, and whenever no study is given.

Notebooks are executed with papermill: the values of the ``parameters`` cell
are replaced in a cell tagged ``injected-parameters``, the kernel's working
directory is set (the notebook's folder for the study, the output folder
otherwise), stderr outputs are dropped and papermill's run-time metadata is
removed so that executed copies are reproducible. A notebook that fails still
gets its executed copy and HTML; its error is reported in one line naming the
notebook and the cell, and the other notebooks run.

The kernel is always the running interpreter (``sys.executable -m
ipykernel_launcher``, :func:`kernel_spec`), never a kernel looked up by name:
a kernel named ``python3`` may be missing (a plain ``pip install`` registers
none) or may belong to another environment without the toolkit. What the
report needs at run time (papermill, nbformat, jupyter_client, pyzmq,
ipykernel, nbconvert, IPython) is a dependency of the package; :func:`run_report`
names any that is missing before it starts.

Examples
--------
>>> from toolkit.report import notebooks, TEMPLATES
>>> [p.name for p in notebooks(TEMPLATES)]  # doctest: +NORMALIZE_WHITESPACE
['01_overview.ipynb', '02_keywords.ipynb', '03_topics.ipynb', '04_themes.ipynb', '05_robustness.ipynb',
 '06_validation.ipynb']
"""

from __future__ import annotations

import importlib.util
import os
import re
import sys
import time
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path

from .atomic import atomic_write
from .errors import ToolkitError
from .executor import Executor
from .study import NO_CORPUS, Study, notebook_parameters

__all__ = [
    "TEMPLATES", "NotebookRun", "Report", "notebooks",
    "check_output_folder", "run_notebook", "run_report", "kernel_spec", "KERNEL_NAME", "RUNTIME_MODULES",
]

PACKAGE = Path(__file__).resolve().parent
TEMPLATES = PACKAGE / "templates"

_ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")

#: The name the executed notebooks' kernel goes by; :func:`kernel_spec` defines it, no kernel spec folder is read.
KERNEL_NAME = "vn-discourse-running-python"

#: Modules the report imports at run time, each with the distribution that provides it.
RUNTIME_MODULES = {"papermill": "papermill", "nbformat": "nbformat", "jupyter_client": "jupyter_client",
                   "zmq": "pyzmq", "ipykernel": "ipykernel", "nbconvert": "nbconvert", "IPython": "ipython"}


def missing_runtime() -> list[str]:
    """Distributions of :data:`RUNTIME_MODULES` that cannot be imported here (empty when the report can run)."""
    return [dist for module, dist in RUNTIME_MODULES.items() if importlib.util.find_spec(module) is None]


def kernel_spec():
    """The kernel spec of the running interpreter: ipykernel started by ``sys.executable``.

    The notebooks then run in the environment that runs the report, where the
    toolkit and its dependencies are importable, whatever kernels are (or are
    not) registered with Jupyter.

    >>> spec = kernel_spec()
    >>> spec.argv[:3] == [sys.executable, "-m", "ipykernel_launcher"], spec.language
    (True, 'python')
    """
    from ipykernel.kernelspec import get_kernel_dict
    from jupyter_client.kernelspec import KernelSpec

    spec = get_kernel_dict()
    spec["argv"][0] = sys.executable
    return KernelSpec(resource_dir="", **spec)


@dataclass
class NotebookRun:
    """The outcome of one notebook: where its copies went and its error, if any."""

    notebook: str
    html: Path | None
    output: Path | None
    error: str | None = None
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return self.error is None


@dataclass
class Report:
    """All notebook runs of one report.

    ``kind`` is ``"study"`` (the study's notebooks) or ``"generic"`` (the
    package's templates); ``out`` is the output folder; ``html`` lists the
    HTML files written, failed notebooks included.
    """

    kind: str
    out: Path
    figures: Path
    runs: list[NotebookRun] = field(default_factory=list)

    @property
    def html(self) -> list[Path]:
        return [r.html for r in self.runs if r.html is not None]

    @property
    def failed(self) -> list[NotebookRun]:
        return [r for r in self.runs if not r.ok]

    @property
    def ok(self) -> bool:
        return bool(self.runs) and not self.failed


def notebooks(folder: str | os.PathLike, select=None) -> list[Path]:
    """The report notebooks of ``folder`` in reading order (file names start with their number).

    Parameters
    ----------
    folder : path-like
        A study's notebooks (:attr:`toolkit.study.Study.notebooks`) or ``TEMPLATES`` (generic reports).
    select : str or iterable of str, optional
        Notebook numbers or name prefixes, e.g. ``"01,03"`` or ``["01", "themes"]``.

    Raises
    ------
    ToolkitError
        A selection that names no notebook.
    """
    found = sorted(Path(folder).glob("[0-9][0-9]_*.ipynb"))
    if select is None:
        return found
    wanted = [s.strip() for s in (select.split(",") if isinstance(select, str) else select) if str(s).strip()]
    chosen = []
    for want in wanted:
        hits = [p for p in found if p.stem == want or p.stem.startswith(f"{want}_") or p.stem.split("_", 1)[1] == want]
        if not hits:
            names = ", ".join(p.stem for p in found) or "(none)"
            raise ToolkitError(f"no notebook {want!r} in {Path(folder).name}/; choose among {names}")
        chosen += [p for p in hits if p not in chosen]
    return sorted(chosen)


def _inside(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents


def check_output_folder(corpus: str | os.PathLike, out: str | os.PathLike, study: Study | None = None) -> Path:
    """Refuse an output folder that would overwrite inputs, the study's files or the package.

    Refused: a file; the corpus folder or anything inside it (``raw/``
    included); a folder containing the corpus; the study's corpus, figures,
    notebooks and protected folders (:meth:`toolkit.study.Study.guarded`)
    when a study is given; the package's own folder (or inside any of them).

    Returns
    -------
    pathlib.Path
        The resolved output folder.
    """
    out, corpus = Path(out).resolve(), Path(corpus).resolve()
    if out.exists() and not out.is_dir():
        raise ToolkitError(f"--out {out}: is a file; give a folder for figures, tables and HTML")
    if _inside(out, corpus) or _inside(corpus, out):
        raise ToolkitError(f"--out {out}: overlaps the input corpus {corpus}; inputs stay immutable, choose a folder outside it")
    guarded = [(folder, "the study's") for folder in (study.guarded() if study else [])] + [(PACKAGE, "the package's")]
    for folder, whose in guarded:
        if folder.exists() and (_inside(out, folder) or _inside(folder, out)):
            raise ToolkitError(f"--out {out}: would overwrite {whose} {folder.name}/; choose another --out")
    return out


def _clean(nb) -> None:
    """Drop stderr outputs and papermill's run-time metadata; give the injected cell a fixed id."""
    nb.metadata.pop("papermill", None)
    errors = 0
    for cell in nb.cells:
        cell.metadata.pop("papermill", None)
        cell.metadata.pop("execution", None)
        tags = cell.metadata.get("tags", [])
        if not tags:
            cell.metadata.pop("tags", None)   # papermill adds empty tag lists
        if "injected-parameters" in tags:
            cell["id"] = "injected-parameters"
        if "papermill-error-cell-tag" in tags:
            cell["id"] = f"papermill-error-{errors}"
            errors += 1
        if cell.cell_type == "code":
            # Progress bars and warnings go to stderr; they are not results.
            cell.outputs = [o for o in cell.outputs if not (o.output_type == "stream" and o.name == "stderr")]


def _error_line(name: str, nb) -> str | None:
    """``name: cell N (In [k]) failed: Error: message``; N counts the cells of the notebook as written (1-based)."""
    index = 0
    for cell in nb.cells:
        tags = cell.get("metadata", {}).get("tags", [])
        if "injected-parameters" in tags or "papermill-error-cell-tag" in tags:
            continue
        index += 1
        for output in cell.get("outputs", []):
            if output.output_type == "error":
                value = _ANSI.sub("", f"{output.ename}: {output.evalue}").strip().splitlines()
                first = value[0] if value else output.ename
                return f"{name}: cell {index} (In [{cell.execution_count}]) failed: {first}"
    return None


def run_notebook(path: str | os.PathLike, parameters: dict | None = None, output: str | os.PathLike | None = None,
                 html: str | os.PathLike | None = None, cwd: str | os.PathLike | None = None,
                 timeout: int = 1200) -> NotebookRun:
    """Execute one notebook with papermill; never raise for an error inside a cell.

    Parameters
    ----------
    path : path-like
        The notebook (it needs a cell tagged ``parameters``).
    parameters : dict, optional
        Values replacing the ``parameters`` cell's (papermill injection).
    output : path-like, optional
        Where to write the executed notebook (``path`` itself to update it in place).
    html : path-like, optional
        Where to write an HTML rendering, written even when a cell fails.
    cwd : path-like, optional
        Working directory of the kernel (default: the notebook's folder).

    Returns
    -------
    NotebookRun
        ``error`` is one readable line (notebook, cell, exception) or None.
    """
    import nbformat
    import papermill as pm

    path = Path(path)
    if not path.is_file():
        raise ToolkitError(f"{path}: notebook not found")
    source = nbformat.read(path, as_version=4)
    if not any("parameters" in c.get("metadata", {}).get("tags", []) for c in source.cells):
        raise ToolkitError(f"{path.name}: notebook has no cell tagged 'parameters'")
    cwd = Path(cwd) if cwd is not None else path.parent
    cwd.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    scratch = Path(output if output is not None else html if html is not None else path).parent
    scratch.mkdir(parents=True, exist_ok=True)
    tmp = scratch / f".{path.stem}.running.ipynb"
    error = None
    try:
        pm.execute_notebook(
            str(path), str(tmp), parameters=parameters or {}, kernel_name=KERNEL_NAME, progress_bar=False,
            request_save_on_cell_execute=False, cwd=str(cwd), execution_timeout=timeout,
            kernel_manager_class="toolkit.kernel.KernelManager",
        )
    except pm.PapermillExecutionError:
        pass   # the error is read from the executed notebook below
    except Exception as err:   # kernel died, timeout: report, do not stop the other notebooks
        error = f"{path.name}: not executed: {type(err).__name__}: {_ANSI.sub('', str(err)).strip().splitlines()[0] if str(err).strip() else ''}"
    nb = nbformat.read(tmp, as_version=4) if tmp.is_file() else source
    tmp.unlink(missing_ok=True)
    _clean(nb)
    error = _error_line(path.name, nb) or error
    if output is not None:
        text = nbformat.writes(nb) + "\n"
        atomic_write(output, lambda t: t.write_text(text, encoding="utf-8"))
    if html is not None:
        from nbconvert import HTMLExporter

        body, _ = HTMLExporter().from_notebook_node(nb)
        atomic_write(html, lambda t: t.write_text(body, encoding="utf-8"))
    return NotebookRun(path.name, Path(html) if html else None, Path(output) if output else None, error,
                       time.perf_counter() - start)


def _run_one(job: dict) -> NotebookRun:
    return run_notebook(**job)


def _checked_inputs(corpus, lexicon, by, unit, jobs, in_place, generic, periods, study):
    """Every input of :func:`run_report` checked before the first notebook runs, with paths as the user gave
    them. Returns the corpus folder, the lexicon (a resolved path, a shipped version name or None), its
    themes, and whether the study's notebooks run."""
    if unit not in ("sentence", "paragraph"):
        raise ToolkitError(f"unit {unit!r}: use 'sentence' or 'paragraph'")
    missing = missing_runtime()
    if missing:
        raise ToolkitError(f"the report needs {', '.join(missing)}, not installed in {sys.prefix}; "
                           f"reinstall the toolkit with its dependencies (pip install vn-discourse-toolkit)")
    if jobs < 1:
        raise ToolkitError(f"jobs must be at least 1, got {jobs}")
    if corpus is None and study is None:
        raise ToolkitError(NO_CORPUS)
    corpus_path = (study.corpus if corpus is None else Path(corpus)).resolve()
    if not (corpus_path / "corpus.csv").is_file():
        raise ToolkitError(f"{corpus_path}: not a corpus folder (no corpus.csv); see README 'Adding your own corpus'")
    columns = _manifest_columns(corpus_path)
    if periods is not None:
        from .manifest import read_manifest
        from .groups import period_labels

        # A malformed specification, or documents outside every period, fail before any work.
        period_labels(read_manifest(corpus_path / "corpus.csv"), periods)
        columns = [*columns, "period"]
    if by not in columns:
        raise ToolkitError(f"--by {by!r} is not a column of {corpus_path.name}/corpus.csv; choose among {', '.join(columns)}")
    from .lexicon import load_lexicon

    if lexicon is not None:
        if re.fullmatch(r"v\d+[a-z0-9_]*", str(lexicon)) and not Path(lexicon).exists():
            lexicon = str(lexicon)   # a lexicon version shipped with the package (load_lexicon("v2"))
        elif not Path(lexicon).is_file():
            raise ToolkitError(f"--lexicon {lexicon}: file not found (a CSV of theme,term,weight,context,note, "
                               f"or a shipped version such as v1)")
    # Every input is checked before the first notebook runs, with paths as the user gave them: a bad lexicon
    # (or its contexts and blockers) fails here once, not in notebook 04 after three notebooks have run.
    themes = load_lexicon(lexicon).themes
    if isinstance(lexicon, (str, os.PathLike)) and Path(lexicon).is_file():
        lexicon = Path(lexicon).resolve()
    own = study is not None and study.is_corpus(corpus_path)
    study_run = own and lexicon is None and by == "year" and periods is None and not generic
    if in_place and not study_run:
        raise ToolkitError("--in-place rewrites the study's notebooks: only for the study corpus, its lexicon and by=year")

    return corpus_path, lexicon, themes, study_run


def _output_folders(study: Study | None, study_run: bool, corpus_path: Path, out):
    """The notebooks' folder and the output folders of a report: ``(folder, out_dir, figures, html, notebooks)``
    (``notebooks`` None for the study run into its own folders)."""
    if study_run:
        folder = study.notebooks
        if out is None:
            out_dir, figures, html_dir, nb_dir = study.reports, study.figures, study.reports / "html", None
        else:
            out_dir = check_output_folder(corpus_path, out, study)
            figures, html_dir, nb_dir = out_dir / "figures", out_dir / "html", out_dir / "notebooks"
    else:
        folder = TEMPLATES
        default = corpus_path.parent / "reports" / corpus_path.name
        if study is not None and study.is_corpus(corpus_path):
            default = study.reports / "generic"
        out_dir = check_output_folder(corpus_path, out if out is not None else default, study)
        figures, html_dir, nb_dir = out_dir / "figures", out_dir / "html", out_dir / "notebooks"
    return folder, out_dir, figures, html_dir, nb_dir


def _notebook_jobs(paths, study, in_place, corpus_path, lexicon, by, unit, seed, periods, out_dir, figures,
                   html_dir, nb_dir) -> list[dict]:
    """One job per notebook: its parameters (paths relative to where it runs), output copy, HTML and folder."""
    jobs_list = []
    for path in paths:
        if study:
            cwd = path.parent
            parameters = notebook_parameters(path, corpus_path, figures, unit, seed)
        else:
            cwd = out_dir
            if isinstance(lexicon, Path):
                lexicon_parameter = os.path.relpath(lexicon, cwd)
            else:
                lexicon_parameter = lexicon   # None (the default lexicon) or a shipped version name
            parameters = {"corpus": os.path.relpath(corpus_path, cwd), "lexicon": lexicon_parameter,
                          "by": by, "unit": unit, "seed": seed, "figures": os.path.relpath(figures, cwd),
                          "periods": periods}
        target = path if in_place else (nb_dir / path.name if nb_dir else None)
        jobs_list.append(dict(path=path, parameters=parameters, output=target, html=html_dir / f"{path.stem}.html", cwd=cwd))

    return jobs_list


def run_report(corpus: str | os.PathLike | None = None, out: str | os.PathLike | None = None,
               lexicon: str | os.PathLike | None = None, by: str = "year", unit: str = "sentence", seed: int = 0,
               jobs: int = 1, select=None, in_place: bool = False, generic: bool = False,
               periods: str | None = None, study: Study | None = None, log=print) -> Report:
    """Execute the report notebooks on a corpus; write figures, tables, executed copies and HTML.

    Parameters
    ----------
    corpus : path-like, optional
        A corpus folder (``corpus.csv`` + ``raw/``); ``None`` is the study's
        corpus (``study`` is then required). The study's notebooks run when
        it resolves to ``study.corpus`` and neither ``lexicon``, ``by`` nor
        ``periods`` departs from the study; the package's generic templates
        run otherwise.
    out : path-like, optional
        Output folder: ``out/figures`` (figures, CSV and LaTeX tables),
        ``out/html`` and ``out/notebooks``. Default for the study:
        ``study.figures`` and ``study.reports/html``; for the templates on the
        study corpus ``study.reports/generic``; otherwise ``reports/<name>``
        beside the corpus folder. Checked before any work
        (:func:`check_output_folder`).
    lexicon : path-like, optional
        A theme lexicon CSV (theme, term, weight, context, note).
    by : str, default "year"
        Manifest column to group by; must exist in ``corpus.csv``, or be
        ``"period"`` with ``periods``.
    periods : str, optional
        Year ranges such as ``"2005-2012,2013-2020"``: the notebooks derive a
        ``period`` column from ``year`` (:func:`toolkit.groups.add_periods`).
    unit : {"sentence", "paragraph"}
    seed : int
    jobs : int, default 1
        Notebooks executed at once (one kernel each).
    select : str or list of str, optional
        A subset of notebooks by number or name, e.g. ``"01,04"``.
    in_place : bool, default False
        Rewrite the committed study notebooks (study corpus only).
    generic : bool, default False
        Run the generic templates even on the study corpus.
    study : toolkit.study.Study, optional
        The study's corpus, notebooks and output folders
        (:func:`toolkit.study.read_study`); without it the generic templates
        run on ``corpus``.
    log : callable
        Progress messages (``print`` by default).

    Returns
    -------
    Report
        Every run with its HTML and error; ``report.ok`` is False when a
        notebook failed or none ran.
    """
    corpus_path, lexicon, themes, study_run = _checked_inputs(corpus, lexicon, by, unit, jobs, in_place, generic,
                                                              periods, study)
    folder, out_dir, figures, html_dir, nb_dir = _output_folders(study, study_run, corpus_path, out)
    paths = notebooks(folder, select)
    if not paths:
        raise ToolkitError(f"no notebooks found in {folder}; the installation is incomplete (reinstall the package)")
    coding = out_dir / "coding"
    if not study_run and any(p.name.startswith("06_") for p in paths) and coding.is_dir():
        from .coding_round import check_coding_folder

        # The coders' sheets the validation template reads (its "coding" folder, inside the output folder).
        check_coding_folder(coding, themes, str(Path(out) / "coding") if out is not None else str(coding))

    jobs_list = _notebook_jobs(paths, study_run, in_place, corpus_path, lexicon, by, unit, seed, periods,
                               out_dir, figures, html_dir, nb_dir)
    report = Report("study" if study_run else "generic", out_dir, figures)
    figures.mkdir(parents=True, exist_ok=True)
    executor = Executor(int(jobs))     # checked above as the report always has (jobs=True, numpy ints run)
    serial = executor.backend(len(jobs_list)) == "serial"
    if not serial:
        log(f"running {len(jobs_list)} notebooks, {jobs} at a time")
    # Serially, each notebook runs when its result is asked for: after its "running" line.
    with closing(executor.map(_run_one, jobs_list)) as runs:
        for job in jobs_list:
            if serial:
                log(f"running {job['path'].name}")
            report.runs.append(next(runs))
            if report.runs[-1].error:
                log(f"error: {report.runs[-1].error}")
    return report


def _manifest_columns(corpus: Path) -> list[str]:
    """The manifest's columns a report can group by, read (and validated) as :func:`toolkit.read_manifest` reads it.

    Only columns the manifest has, without ``file`` and ``encoding`` (how a file is found and read).
    """
    from .manifest import read_manifest

    return [str(c) for c in read_manifest(corpus / "corpus.csv").columns if c not in ("file", "encoding")]
