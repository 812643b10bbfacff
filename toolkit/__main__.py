"""Command line: ``python -m toolkit summary|report [CORPUS]``.

``summary`` loads, cleans, segments and tokenises a corpus folder (a
``corpus.csv`` manifest and a ``raw/`` folder) and prints the corpus summary:
documents, units, words and tokens per year, removed lines by reason, and
near-duplicate pairs.

``report`` executes every notebook of ``notebooks/`` on the corpus, writes
the figures and HTML copies of the executed notebooks: for the study corpus
to ``figures/`` and ``reports/html/``, for another corpus to ``--out``
(default ``reports/<corpus name>/``), never over the study's files.
"""

from __future__ import annotations

import argparse
import sys

import pandas as pd

from . import __version__
from .corpus import load_corpus
from .errors import ToolkitError
from .segment import segment
from .summary import summarize
from .tokenize import tokenize_units


def _summary(args: argparse.Namespace) -> None:
    corpus = load_corpus(args.corpus)
    units = tokenize_units(segment(corpus, unit=args.unit), n_jobs=args.jobs, cache=not args.no_cache)
    tables = summarize(corpus, units)
    with pd.option_context("display.width", 120, "display.max_columns", 20, "display.max_rows", 200):
        print(f"Corpus {args.corpus}: {len(corpus.documents)} documents, {len(units)} {args.unit} units "
              f"(toolkit {__version__})\n")
        print("Documents, units and tokens per year (near-duplicate units excluded from words and tokens)")
        print(tables["by_year"].to_string(index=False), "\n")
        print("Removed lines by reason (corpus.removed lists each line)")
        print(tables["removed"].to_string(index=False), "\n")
        print(f"Near-duplicate {args.unit} pairs: {len(tables['duplicates'])}")
        if len(tables["duplicates"]):
            print(tables["duplicates"].to_string(index=False))


def _report(args: argparse.Namespace) -> None:
    from .report import run_report

    corpus = None if args.corpus == "data" else args.corpus
    written = run_report(corpus, out=args.out, unit=args.unit, seed=args.seed, in_place=args.in_place)
    print(f"{len(written)} notebooks executed; HTML in {written[0].parent if written else '-'}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m toolkit", description="Vietnamese discourse-analysis toolkit")
    parser.add_argument("--version", action="version", version=__version__)
    sub = parser.add_subparsers(dest="command", required=True)
    summary = sub.add_parser("summary", help="load, clean, segment and tokenise a corpus; print its summary")
    summary.add_argument("corpus", nargs="?", default="data", help="corpus folder with corpus.csv and raw/ (default: data)")
    summary.add_argument("--unit", choices=["sentence", "paragraph"], default="sentence")
    summary.add_argument("--jobs", type=int, default=1, help="worker processes for word segmentation")
    summary.add_argument("--no-cache", action="store_true", help="do not read or write the segmentation cache")
    summary.set_defaults(func=_summary)
    report = sub.add_parser("report", help="execute the notebooks on a corpus; write figures and HTML")
    report.add_argument("corpus", nargs="?", default="data", help="corpus folder (default: data, the study corpus)")
    report.add_argument("--out", default=None, help="output folder for another corpus (default: reports/<name>)")
    report.add_argument("--unit", choices=["sentence", "paragraph"], default="sentence")
    report.add_argument("--seed", type=int, default=0)
    report.add_argument("--in-place", action="store_true", help="rewrite the committed notebooks (study corpus)")
    report.set_defaults(func=_report)
    args = parser.parse_args(argv)
    try:
        args.func(args)
    except ToolkitError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
