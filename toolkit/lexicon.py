"""Theme lexicons: entries, context cues and blockers, read from versioned CSV files.

A lexicon is data. Its files live side by side and share a version suffix::

    themes_<v>.csv     theme, term, weight, context[, kind], note
    contexts_<v>.csv   context, term          (cues a context needs in the same unit)
    blockers_<v>.csv   blocker, blocks, note  (optional: names that contain a term but are not it)

* **theme**: any snake_case name; the themes are those of the file, in the
  order they first appear. The study's lexicons define ``economic_diplomacy``,
  ``border_security`` and ``people_to_people``; a researcher's own file may
  define any number of others.
* **context**: empty, or the name of a context whose cues must occur in the
  same unit for the term to count (``foreign`` for "đầu tư"); ``a+b`` needs a
  cue of each (``foreign+vietnam``: a foreign side and a Vietnamese one).
* **kind**: ``term`` (default) or ``formula``: a fixed phrase of political
  language that lists fields rather than discussing one ("quốc phòng - an
  ninh"). Formula hits count by default and are reported separately;
  :meth:`Lexicon.excluding_formulas` gives the variant that ignores them while
  still keeping them from being read as their component terms.
* **blocker**: a multi-syllable name inside which ``blocks`` (a term or cue)
  does not count: "lào" (Laos) never matches in "Lào Cai", "hữu nghị"
  (friendship) never in "Bệnh viện Hữu nghị". An empty ``blocks`` blocks every
  term and cue inside the name.

The study's lexicons ship with the package in ``toolkit/resources/lexicons``;
:data:`DEFAULT_LEXICON` is the version the analyses use unless told otherwise.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from .errors import ToolkitError
from .match import index_terms, term_key
from .normalize import normalize_text

__all__ = ["Lexicon", "load_lexicon", "lexicon_path", "LEXICON_DIR", "DEFAULT_LEXICON", "STUDY_THEMES"]

LEXICON_DIR = Path(__file__).resolve().parent / "resources" / "lexicons"
DEFAULT_LEXICON = LEXICON_DIR / "themes_v3.csv"
STUDY_THEMES = ("economic_diplomacy", "border_security", "people_to_people")
KINDS = ("term", "formula")
_THEME_NAME = re.compile(r"^[a-z][a-z0-9_]*$")


@dataclass(frozen=True)
class Lexicon:
    """A theme lexicon.

    Attributes
    ----------
    entries : pandas.DataFrame
        theme, term, weight, context, kind, note (terms normalised, lower-cased).
    contexts : dict
        Context name -> tuple of cue terms.
    blockers : pandas.DataFrame
        blocker, blocks (normalised, lower-cased; ``blocks`` may be empty).
    version : str
        The file's version suffix ("v2").
    themes : tuple of str
        The themes, in the order of the file.
    """

    entries: pd.DataFrame
    contexts: dict[str, tuple[str, ...]]
    blockers: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=["blocker", "blocks"]))
    version: str = ""
    themes: tuple[str, ...] = ()
    _keys: dict = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self):
        if "kind" not in self.entries.columns:
            object.__setattr__(self, "entries", self.entries.assign(kind="term"))
        if not self.themes:
            object.__setattr__(self, "themes", tuple(dict.fromkeys(self.entries.theme)))
        keys = {}
        for row in self.entries.itertuples(index=False):
            keys.setdefault(term_key(row.term), []).append(row)
        cue_keys = {}
        for name, terms in self.contexts.items():
            for term in terms:
                cue_keys.setdefault(term_key(term), set()).add(name)
        blocker_keys = {}
        for row in self.blockers.itertuples(index=False):
            blocker_keys.setdefault(term_key(row.blocker), set()).add(term_key(row.blocks) if row.blocks else None)
        self._keys.update({"terms": keys, "cues": cue_keys, "blockers": blocker_keys,
                           "terms_index": index_terms(keys), "cues_index": index_terms(cue_keys),
                           "blockers_index": index_terms(blocker_keys)})

    def __reduce__(self):
        # The match index holds row tuples of a class pickle cannot name: send the data, rebuild the index.
        return (Lexicon, (self.entries, self.contexts, self.blockers, self.version, self.themes))

    def _replace(self, entries: pd.DataFrame) -> "Lexicon":
        return Lexicon(entries.reset_index(drop=True), self.contexts, self.blockers, self.version, self.themes)

    def without(self, theme: str, term: str, context: str | None = None) -> "Lexicon":
        """A copy without one entry (leave-one-term-out); every context of the term unless ``context`` is given."""
        drop = (self.entries.theme == theme) & (self.entries.term == term)
        if context is not None:
            drop &= self.entries.context == context
        return self._replace(self.entries[~drop])

    def excluding_formulas(self) -> "Lexicon":
        """A copy whose formula entries still match (so their words are not read as terms) but weigh nothing."""
        entries = self.entries.copy()
        entries.loc[entries.kind == "formula", "weight"] = 0.0
        return self._replace(entries)

    @property
    def name(self) -> str:
        """A short label for tables: "lexicon v2"."""
        return f"lexicon {self.version}" if self.version else "lexicon"


def lexicon_path(version: str) -> Path:
    """The path of a lexicon shipped with the package, e.g. ``lexicon_path("v1")``."""
    path = LEXICON_DIR / f"themes_{version}.csv"
    if not path.is_file():
        shipped = sorted(p.stem.split("_", 1)[1] for p in LEXICON_DIR.glob("themes_*.csv"))
        raise ToolkitError(f"no shipped lexicon version {version!r}; available: {', '.join(shipped)}")
    return path


def _read(path: Path, required: list[str], what: str) -> pd.DataFrame:
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    except (pd.errors.EmptyDataError, pd.errors.ParserError, UnicodeDecodeError) as err:
        raise ToolkitError(f"{path}: cannot read the {what} ({err}); save it as UTF-8 CSV with columns "
                           f"{','.join(required)}") from None
    missing = [c for c in required if c not in frame.columns]
    if missing:
        raise ToolkitError(f"{path}: missing column(s) {', '.join(missing)} in the {what}; "
                           f"found {', '.join(frame.columns) or 'none'}")
    return frame


def _norm(term: str) -> str:
    return normalize_text(term).strip().lower()


def load_lexicon(path: str | os.PathLike | None = None, contexts: str | os.PathLike | None = None,
                 blockers: str | os.PathLike | None = None) -> Lexicon:
    """Read and validate a theme lexicon with its context cues and blockers.

    Parameters
    ----------
    path : path-like or str, optional
        CSV with columns theme, term, weight, context, note (and optionally
        kind); or a shipped version name such as ``"v1"``. Default:
        :data:`DEFAULT_LEXICON`.
    contexts, blockers : path-like, optional
        Default: ``contexts_<version>.csv`` and ``blockers_<version>.csv``
        beside ``path`` (``themes_v2.csv`` -> ``contexts_v2.csv``); a missing
        blockers file means no blockers.

    Raises
    ------
    ToolkitError
        A theme name that is not snake_case, an empty term, a non-positive
        weight, an unknown kind, a context without cues, a duplicate entry;
        messages name the file and line.

    Examples
    --------
    >>> lex = load_lexicon("v2")
    >>> lex.themes
    ('economic_diplomacy', 'border_security', 'people_to_people')
    """
    if path is None:
        path = DEFAULT_LEXICON
    elif isinstance(path, str) and re.fullmatch(r"v\d+[a-z0-9_]*", path):
        path = lexicon_path(path)
    path = Path(path)
    if not path.is_file():
        raise ToolkitError(f"{path}: lexicon not found; pass a CSV of theme,term,weight,context,note "
                           f"or a shipped version ({', '.join(sorted(p.stem.split('_', 1)[1] for p in LEXICON_DIR.glob('themes_*.csv')))})")
    version = path.stem.split("_", 1)[1] if "_" in path.stem else ""
    suffix = f"_{version}" if version else ""
    contexts = Path(contexts) if contexts is not None else path.with_name(f"contexts{suffix}.csv")
    blockers = Path(blockers) if blockers is not None else path.with_name(f"blockers{suffix}.csv")
    required = ["theme", "term", "weight", "context", "note"]
    entries = _read(path, required, "lexicon")
    if entries.empty:
        raise ToolkitError(f"{path}: the lexicon has no entries")
    if "kind" not in entries.columns:
        entries["kind"] = "term"
    entries["kind"] = entries["kind"].replace("", "term")
    cues = _read(contexts, ["context", "term"], "context cues") if contexts.is_file() else pd.DataFrame(columns=["context", "term"])
    context_map = {name: tuple(_norm(t) for t in group.term if t.strip()) for name, group in cues.groupby("context")}
    block = _read(blockers, ["blocker", "blocks"], "blockers") if blockers.is_file() else pd.DataFrame(columns=["blocker", "blocks"])
    for i, row in entries.iterrows():
        where = f"{path}, line {i + 2}"
        if not _THEME_NAME.match(row.theme):
            raise ToolkitError(f"{where}: theme {row.theme!r} is not a name of lower-case letters, digits and "
                               "underscores (e.g. border_security)")
        if not row.term.strip():
            raise ToolkitError(f"{where}: empty term")
        try:
            weight = float(row.weight)
        except ValueError:
            raise ToolkitError(f"{where}: weight {row.weight!r} is not a number") from None
        if not weight > 0:
            raise ToolkitError(f"{where}: weight must be positive, got {row.weight}")
        if row.kind not in KINDS:
            raise ToolkitError(f"{where}: kind {row.kind!r} is not one of {', '.join(KINDS)}")
        for part in row.context.split("+") if row.context else ():
            if part not in context_map:
                raise ToolkitError(f"{where}: context {part!r} has no cues in {contexts}")
    for i, row in block.iterrows():
        if not row.blocker.strip():
            raise ToolkitError(f"{blockers}, line {i + 2}: empty blocker")
    entries = entries.assign(term=[_norm(t) for t in entries.term], weight=entries.weight.astype(float))
    duplicated = entries.duplicated(["theme", "term", "context"], keep=False)
    if duplicated.any():
        first = entries[duplicated].iloc[0]
        raise ToolkitError(f"{path}: duplicate entry {first.theme} / {first.term} / {first.context or '(no context)'}")
    block = pd.DataFrame({"blocker": [_norm(b) for b in block.blocker], "blocks": [_norm(b) for b in block.blocks]})
    return Lexicon(entries[["theme", "term", "weight", "context", "kind", "note"]].reset_index(drop=True),
                   context_map, block, version)
