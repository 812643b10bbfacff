"""Command line: ``python -m toolkit summary|report|explore [CORPUS]`` (installed as ``vn-discourse``).

``summary`` loads, cleans, segments and tokenises a corpus folder (a
``corpus.csv`` manifest and a ``raw/`` folder) and prints the corpus summary:
documents, units, words and tokens per group, removed lines by reason, and
near-duplicate pairs.

``report`` executes the report notebooks on the corpus and writes figures,
tables and HTML copies of the executed notebooks (:mod:`toolkit.report`): the
study's notebooks for the study corpus (a study is named by ``--study FILE``,
:mod:`toolkit.study`), the package's generic templates for any other corpus,
to ``--out`` (default ``reports/<corpus name>/`` beside the corpus), never
over inputs or the study's files. Exit status: 0 when every notebook ran, 1 when a notebook
failed (its HTML is still written), 2 for bad arguments or input.

``explore`` writes the corpus explorer (:mod:`toolkit.explore`) to ``--out``: one HTML file with
plotly.js and the data embedded, which opens without a network.
"""

from __future__ import annotations

import argparse
import sys

import pandas as pd

from . import __version__
from .corpus import load_corpus
from .errors import ToolkitError
from .segment import segment
from .groups import add_periods
from .summary import summarize
from .batch import tokenize_units


def _study(args: argparse.Namespace):
    """The study named by ``--study`` (None without it)."""
    from .study import read_study

    return read_study(args.study) if args.study is not None else None


def _corpus(args: argparse.Namespace):
    """The corpus argument loaded, with its periods, and how to name it: the study's corpus when none is given."""
    from .study import NO_CORPUS

    if args.corpus is not None:
        corpus, shown = load_corpus(args.corpus), args.corpus
    else:
        study = _study(args)
        if study is None:
            raise ToolkitError(NO_CORPUS)
        corpus, shown = load_corpus(study.corpus), f"{study.corpus.name} (the study corpus)"
    return add_periods(corpus, args.periods), shown


def _summary(args: argparse.Namespace) -> int:
    corpus, shown = _corpus(args)
    units = tokenize_units(segment(corpus, unit=args.unit), n_jobs=args.jobs, cache=not args.no_cache)
    tables = summarize(corpus, units, by=args.by)
    with pd.option_context("display.width", 120, "display.max_columns", 20, "display.max_rows", 200):
        print(f"Corpus {shown}: {len(corpus.documents)} documents, {len(units)} {args.unit} units "
              f"(toolkit {__version__})\n")
        print(f"Documents, units and tokens per {args.by} (near-duplicate units excluded from words and tokens)")
        print(tables["by_group"].to_string(index=False), "\n")
        print("Removed lines by reason (corpus.removed lists each line)")
        print(tables["removed"].to_string(index=False) if len(tables["removed"]) else "nothing removed", "\n")
        print(f"Near-duplicate {args.unit} pairs: {len(tables['duplicates'])}")
        if len(tables["duplicates"]):
            print(tables["duplicates"].to_string(index=False))
    return 0


def _report(args: argparse.Namespace) -> int:
    from .report import run_report

    report = run_report(args.corpus, out=args.out, lexicon=args.lexicon, by=args.by, unit=args.unit, seed=args.seed,
                        jobs=args.jobs, select=args.notebooks, in_place=args.in_place, generic=args.generic,
                        periods=args.periods, study=_study(args))
    executed = len(report.runs) - len(report.failed)
    where = report.html[0].parent if report.html else "-"
    print(f"{executed} of {len(report.runs)} {report.kind} notebooks executed; HTML in {where}; figures in {report.figures}")
    for run in report.failed:
        print(f"error: {run.error}", file=sys.stderr)
    if not report.runs:
        print("error: no notebook was executed", file=sys.stderr)
    return 0 if report.ok else 1


def _explore(args: argparse.Namespace) -> int:
    from pathlib import Path

    from .explore import write_explorer
    from .groups import with_groups

    corpus, _ = _corpus(args)
    units = with_groups(tokenize_units(segment(corpus, unit=args.unit), n_jobs=args.jobs, cache=not args.no_cache),
                        corpus.documents, args.by)
    path = write_explorer(units, args.out, by=args.by, lexicon=args.lexicon, seed=args.seed, documents=corpus.documents,
                          name=Path(corpus.root).resolve().name)
    print(f"explorer of {len(corpus.documents)} documents by {args.by}: {path} ({path.stat().st_size / 1e6:.1f} MB)")
    return 0


def lab_command(out: str | None, study=None) -> list[str]:
    """The JupyterLab command line that opens the study's notebooks, or a report's output folder.

    Without ``out``, JupyterLab serves the notebooks of ``study`` (a :class:`toolkit.study.Study`).
    With ``out``, it serves one folder: the study's root when the output folder is inside it,
    so that both the study's notebooks and the report are in the file browser, with the report's
    folder opened; the output folder itself otherwise (a report beside its corpus, or no study).
    """
    from pathlib import Path

    if out is None:
        if study is None:
            raise ToolkitError("nothing to open: give a report's output folder, or the study's configuration with --study")
        return ["jupyter", "lab", f"--notebook-dir={study.notebooks}"]
    folder = Path(out).resolve()
    if not folder.is_dir():
        raise ToolkitError(f"{out}: no such report folder (make report CORPUS=... OUT={out} writes one)")
    if study is None:
        return ["jupyter", "lab", f"--notebook-dir={folder}"]
    base = study.root
    try:
        inside = folder.relative_to(base)
    except ValueError:
        return ["jupyter", "lab", f"--notebook-dir={folder}"]
    return ["jupyter", "lab", f"--notebook-dir={base}", f"--LabApp.default_url=/lab/tree/{inside.as_posix()}"]


def _lab(args: argparse.Namespace) -> int:
    import os
    import shutil

    command = lab_command(args.out, _study(args))
    command[0] = shutil.which("jupyter") or command[0]
    if os.geteuid() == 0:
        command.append("--allow-root")
    print(" ".join(command))
    os.execvp(command[0], command)
    return 0  # pragma: no cover - execvp does not return


def _add_study(p) -> None:
    """The --study option."""
    p.add_argument("--study", default=None, metavar="FILE",
                   help="the study's configuration (a TOML file naming its corpus, notebooks, figures and reports "
                        "folders, e.g. study.toml of the repository); its corpus is the default corpus and the "
                        "report runs its notebooks on it")


def _add_common(p) -> None:
    """The corpus, --study, --unit, --by and --periods of the corpus commands."""
    p.add_argument("corpus", nargs="?", default=None,
                   help="corpus folder with corpus.csv and raw/ (default: the corpus of --study)")
    _add_study(p)
    p.add_argument("--unit", choices=["sentence", "paragraph"], default="sentence",
                   help="analysis unit (default: sentence)")
    p.add_argument("--by", default="year", metavar="COLUMN",
                   help="manifest column to group documents by, e.g. year, province, outlet, or period with "
                        "--periods (default: year)")
    p.add_argument("--periods", default=None, metavar="RANGES",
                   help="derive a 'period' column from year, e.g. 2005-2012,2013-2020; group by it with --by period")


def _add_report(sub) -> None:
    """The report command."""
    report = sub.add_parser("report", help="execute the report notebooks on a corpus; write figures, tables and HTML")
    _add_common(report)
    report.add_argument("--out", default=None, metavar="DIR",
                        help="output folder for figures/, html/ and notebooks/ (default: the figures and reports/html "
                             "folders of --study for the study, else reports/<corpus name> beside the corpus); refused "
                             "inside the corpus or over the study's corpus, figures or notebooks")
    report.add_argument("--lexicon", default=None, metavar="PATH",
                        help="theme lexicon CSV (theme,term,weight,context,note) passed to the notebooks as 'lexicon' "
                             "(default: the study's lexicon)")
    report.add_argument("--seed", type=int, default=0, help="random seed for bootstrap, permutations and topic models (default: 0)")
    report.add_argument("--jobs", type=int, default=1, metavar="N", help="notebooks executed at once, one kernel each (default: 1)")
    report.add_argument("--notebooks", default=None, metavar="LIST",
                        help="comma-separated subset of notebooks by number or name, e.g. 01,04 (default: all)")
    report.add_argument("--generic", action="store_true",
                        help="run the generic report templates even on the study corpus")
    report.add_argument("--in-place", action="store_true",
                        help="rewrite the committed study notebooks with their new outputs (the corpus of --study "
                             "only)")
    report.set_defaults(func=_report)


def build_parser() -> argparse.ArgumentParser:
    """The command-line parser (every option has a help text)."""
    parser = argparse.ArgumentParser(prog="python -m toolkit", description="Vietnamese discourse-analysis toolkit "
                                     "(also installed as the vn-discourse command)")
    parser.add_argument("--version", action="version", version=__version__, help="print the toolkit version and exit")
    sub = parser.add_subparsers(dest="command", required=True)

    summary = sub.add_parser("summary", help="load, clean, segment and tokenise a corpus; print its summary")
    _add_common(summary)
    summary.add_argument("--jobs", type=int, default=1, metavar="N", help="worker processes for word segmentation (default: 1)")
    summary.add_argument("--no-cache", action="store_true", help="do not read or write the segmentation cache")
    summary.set_defaults(func=_summary)
    _add_report(sub)
    explore = sub.add_parser("explore", help="write the corpus explorer (terms, themes, topics, dispersion) as one "
                                             "self-contained HTML file")
    _add_common(explore)
    explore.add_argument("--out", required=True, metavar="FILE.html", help="the HTML file to write")
    explore.add_argument("--lexicon", default=None, metavar="PATH", help="theme lexicon CSV (default: the study's lexicon)")
    explore.add_argument("--seed", type=int, default=0, help="random seed for sampling and the topic model (default: 0)")
    explore.add_argument("--jobs", type=int, default=1, metavar="N", help="worker processes for word segmentation (default: 1)")
    explore.add_argument("--no-cache", action="store_true", help="do not read or write the segmentation cache")
    explore.set_defaults(func=_explore)
    lab = sub.add_parser("lab", help="open JupyterLab on the study's notebooks, or on a report's output folder")
    lab.add_argument("out", nargs="?", default=None, metavar="OUT",
                     help="a report's output folder (vn-discourse report --out) to open as well")
    _add_study(lab)
    lab.set_defaults(func=_lab)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the command line; return the exit status (0 ok, 1 a notebook failed, 2 bad input)."""
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except ToolkitError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
