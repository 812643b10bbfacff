"""Command line: ``python -m toolkit report [CORPUS]``.

``report`` loads, cleans, segments and tokenises a corpus folder (a
``corpus.csv`` manifest and a ``raw/`` folder) and prints the corpus summary:
documents, units, words and tokens per year, removed lines by reason, and
near-duplicate pairs.
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


def _report(args: argparse.Namespace) -> None:
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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m toolkit", description="Vietnamese discourse-analysis toolkit")
    parser.add_argument("--version", action="version", version=__version__)
    sub = parser.add_subparsers(dest="command", required=True)
    report = sub.add_parser("report", help="load, clean, segment and tokenise a corpus; print its summary")
    report.add_argument("corpus", nargs="?", default="data", help="corpus folder with corpus.csv and raw/ (default: data)")
    report.add_argument("--unit", choices=["sentence", "paragraph"], default="sentence")
    report.add_argument("--jobs", type=int, default=1, help="worker processes for word segmentation")
    report.add_argument("--no-cache", action="store_true", help="do not read or write the segmentation cache")
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
