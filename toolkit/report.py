"""Executing the notebooks headlessly, on the study corpus or a researcher's own.

Each notebook has a cell tagged ``parameters`` (the papermill convention)
naming ``corpus``, ``unit``, ``seed`` and ``figures``. :func:`run_notebook`
inserts a cell tagged ``injected-parameters`` after it with the values to use,
executes the notebook with its own folder as working directory, and writes
the executed copy and an HTML rendering. :func:`run_report` does this for
every notebook of ``notebooks/``.
"""

from __future__ import annotations

import os
from pathlib import Path

from .atomic import atomic_write
from .errors import ToolkitError

__all__ = ["run_notebook", "run_report", "notebooks", "ROOT"]

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"


def notebooks(folder: str | os.PathLike = NOTEBOOKS) -> list[Path]:
    """The report notebooks, in reading order (file names start with their number)."""
    return sorted(p for p in Path(folder).glob("[0-9][0-9]_*.ipynb"))


def _inject(nb, parameters: dict) -> None:
    import nbformat

    index = next((i for i, c in enumerate(nb.cells) if "parameters" in c.get("metadata", {}).get("tags", [])), None)
    if index is None:
        raise ToolkitError("notebook has no cell tagged 'parameters'")
    source = "# Injected parameters\n" + "".join(f"{k} = {v!r}\n" for k, v in parameters.items())
    cell = nbformat.v4.new_code_cell(source, metadata={"tags": ["injected-parameters"]})
    cell["id"] = "injected-parameters"  # a fixed id keeps executed copies reproducible
    nb.cells.insert(index + 1, cell)


def _strip_stderr(nb) -> None:
    # Progress bars and warnings go to stderr; they are not results.
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = [o for o in cell.outputs if not (o.output_type == "stream" and o.name == "stderr")]


def run_notebook(path: str | os.PathLike, parameters: dict | None = None, output: str | os.PathLike | None = None,
                 html: str | os.PathLike | None = None, timeout: int = 600):
    """Execute one notebook.

    Parameters
    ----------
    path : path-like
        The notebook.
    parameters : dict, optional
        Values injected after the ``parameters`` cell.
    output : path-like, optional
        Where to write the executed notebook (``path`` itself to update it
        in place); stderr outputs are dropped.
    html : path-like, optional
        Where to write an HTML rendering.

    Returns
    -------
    nbformat.NotebookNode
        The executed notebook.
    """
    import nbformat
    from nbclient import NotebookClient

    path = Path(path)
    nb = nbformat.read(path, as_version=4)
    nb.cells = [c for c in nb.cells if "injected-parameters" not in c.get("metadata", {}).get("tags", [])]
    if parameters:
        _inject(nb, parameters)
    client = NotebookClient(nb, timeout=timeout, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}})
    client.execute()
    _strip_stderr(nb)
    if output is not None:
        text = nbformat.writes(nb) + "\n"
        atomic_write(output, lambda tmp: tmp.write_text(text, encoding="utf-8"))
    if html is not None:
        from nbconvert import HTMLExporter

        body, _ = HTMLExporter().from_notebook_node(nb)
        atomic_write(html, lambda tmp: tmp.write_text(body, encoding="utf-8"))
    return nb


def run_report(corpus: str | os.PathLike | None = None, out: str | os.PathLike | None = None,
               unit: str = "sentence", seed: int = 0, in_place: bool = False) -> list[Path]:
    """Execute every notebook; write HTML copies and regenerate figures.

    Parameters
    ----------
    corpus : path-like, optional
        A corpus folder (``corpus.csv`` + ``raw/``). ``None`` runs the study
        corpus: figures go to ``figures/`` and HTML to ``reports/``.
    out : path-like, optional
        Output folder for another corpus (default ``reports/<corpus name>``):
        ``out/figures``, ``out/html`` and the executed ``out/notebooks``.
        It may not be the study's ``data/``, ``figures/`` or ``notebooks/``.
    in_place : bool, default False
        Rewrite the committed notebooks with the new outputs (study corpus only).

    Returns
    -------
    list of pathlib.Path
        The HTML files written.
    """
    study = corpus is None or Path(corpus).resolve() == (ROOT / "data").resolve()
    if study:
        figures, html_dir, nb_dir = ROOT / "figures", ROOT / "reports" / "html", None
        params_corpus = None
    else:
        corpus = Path(corpus).resolve()
        if not (corpus / "corpus.csv").is_file():
            raise ToolkitError(f"{corpus}: not a corpus folder (no corpus.csv); see README 'Adding your own corpus'")
        out = Path(out).resolve() if out else (ROOT / "reports" / corpus.name).resolve()
        for protected in ("data", "figures", "notebooks", "toolkit", "tests"):
            guarded = (ROOT / protected).resolve()
            if out == guarded or guarded in out.parents or out in guarded.parents:
                raise ToolkitError(f"{out}: output folder would overwrite the study's {protected}/; choose another --out")
        figures, html_dir, nb_dir = out / "figures", out / "html", out / "notebooks"
        params_corpus = str(corpus)
        if in_place:
            raise ToolkitError("in_place applies to the study corpus only")
    written = []
    for path in notebooks():
        # The study corpus uses the notebooks' own defaults (relative paths), so
        # outputs written in place stay free of machine paths.
        parameters = {"unit": unit, "seed": seed}
        if params_corpus:
            parameters.update(corpus=params_corpus, figures=str(figures))
        target = path if in_place else (nb_dir / path.name if nb_dir else None)
        html = html_dir / f"{path.stem}.html"
        print(f"running {path.name}", flush=True)
        run_notebook(path, None if in_place else parameters, output=target, html=html)
        written.append(html)
    return written
