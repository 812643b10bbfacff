"""Errors the toolkit raises on bad input.

Every message names the file (and row, line or byte where it helps) and says
how to fix the problem, so a researcher can act on it without a debugger.
"""

from __future__ import annotations

__all__ = ["ToolkitError", "CorpusError", "ManifestError"]


class ToolkitError(ValueError):
    """Base class of the toolkit's documented errors."""


class CorpusError(ToolkitError):
    """A corpus file cannot be read or has no usable text."""


class ManifestError(CorpusError):
    """The manifest (``corpus.csv``) is missing, malformed or inconsistent with the files."""
