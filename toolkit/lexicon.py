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
from .tables import read_table

__all__ = ["Lexicon", "load_lexicon", "lexicon_path", "LEXICON_DIR", "DEFAULT_LEXICON", "STUDY_THEMES"]

LEXICON_DIR = Path(__file__).resolve().parent / "resources" / "lexicons"
DEFAULT_LEXICON = LEXICON_DIR / "themes_v3.csv"
"""Path of the lexicon used when none is given: the study's themes, version 3 (``themes_v3.csv``)."""
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


#: Characters of regular expressions that no Vietnamese word or phrase needs; entries are matched literally.
_REGEX = re.compile(r"\.\*|\.\+|\\[a-zA-Z.]|[|*?\[\]{}^$]")


def _norm(term: str) -> str:
    return normalize_text(term).strip().lower()


def _suggest(name: str, known) -> str:
    import difflib

    close = difflib.get_close_matches(name, sorted(known), n=1, cutoff=0.6)
    return f"; did you mean {close[0]!r}?" if close else ""


def _term_problem(term: str) -> str | None:
    """Why a term (entry, cue or blocker) cannot be matched, or None."""
    if not term.strip():
        return "empty term; write a word or phrase, or delete the row"
    regex = _REGEX.search(term)
    if regex:
        return (f"{term!r} looks like a regular expression ({regex.group(0)!r}); entries are matched literally, "
                "syllable by syllable: write one row per variant (e.g. 'biên giới' and 'biên cương')")
    try:
        term_key(term)
    except ToolkitError:
        return f"{term!r} has no syllables to match; write a word or phrase"
    return None


def _weight(value: str) -> float:
    # Excel in locales with a decimal comma (those that save CSV with semicolons) writes 0,5 for 0.5.
    return float(value.replace(",", ".") if value.count(",") == 1 and "." not in value else value)


def _same_spelling(a: str, b: str) -> str:
    if a == b:
        return "repeated"
    if a.lower() == b.lower():
        return "the same up to upper/lower case"
    return "the same up to Unicode normalisation (NFC/NFD), tone placement or case"


def _lexicon_files(path, contexts, blockers) -> tuple[Path, Path, Path, str]:
    """The lexicon file (a path or a shipped version name), its contexts and blockers files (given, or
    named after the lexicon's version beside it) and the version."""
    if path is None:
        path = DEFAULT_LEXICON
    elif isinstance(path, str) and re.fullmatch(r"v\d+[a-z0-9_]*", path):
        path = lexicon_path(path)
    path = Path(path)
    if not path.is_file():
        shipped = ", ".join(sorted(p.stem.split("_", 1)[1] for p in LEXICON_DIR.glob("themes_*.csv")))
        what = "is a folder, not a file" if path.is_dir() else "lexicon not found"
        raise ToolkitError(f"{path}: {what}; pass a CSV of theme,term,weight,context,note or a shipped version ({shipped})")
    version = path.stem.split("_", 1)[1] if "_" in path.stem else ""
    suffix = f"_{version}" if version else ""
    contexts_given = contexts is not None
    contexts = Path(contexts) if contexts_given else path.with_name(f"contexts{suffix}.csv")
    blockers_given = blockers is not None
    blockers = Path(blockers) if blockers_given else path.with_name(f"blockers{suffix}.csv")
    for given, file, what in ((contexts_given, contexts, "contexts"), (blockers_given, blockers, "blockers")):
        if given and not file.is_file():
            raise ToolkitError(f"{file}: {what} file not found")
    return path, contexts, blockers, version


def _read_cues(contexts: Path, problems: list[str]) -> dict[str, tuple[str, ...]]:
    """The context cues of the contexts file (if it exists), normalised; each problem appended to ``problems``."""
    context_map: dict[str, tuple[str, ...]] = {}
    if contexts.is_file():
        cues, cue_lines = read_table(contexts, ["context", "term"], "context cues")
        seen: dict[tuple, tuple[int, str]] = {}
        for line, row in zip(cue_lines, cues.itertuples(index=False)):
            where = f"{contexts}, line {line}"
            if not _THEME_NAME.match(row.context):
                problems.append(f"{where}: context {row.context!r} is not a name of lower-case letters, digits and "
                                "underscores (e.g. foreign)")
                continue
            problem = _term_problem(row.term)
            if problem:
                problems.append(f"{where}: {problem}")
                continue
            key = (row.context, _norm(row.term))
            if key in seen:
                other, spelled = seen[key]
                problems.append(f"{where}: cue {row.term!r} of context {row.context!r} is {_same_spelling(spelled, row.term)} "
                                f"as on line {other}; delete one")
                continue
            seen[key] = (line, row.term)
            context_map.setdefault(row.context, ())
            context_map[row.context] += (_norm(row.term),)

    return context_map


def _check_entries(path: Path, entries: pd.DataFrame, lines: list[int], context_map: dict, contexts: Path,
                   suffix: str, problems: list[str]) -> None:
    """Append to ``problems`` what is wrong with each entry: its theme name, term, weight, kind, contexts,
    and entries that repeat one another."""
    seen = {}
    for line, row in zip(lines, entries.itertuples(index=False)):
        where = f"{path}, line {line}"
        if not _THEME_NAME.match(row.theme):
            fix = re.sub(r"[^a-z0-9]+", "_", normalize_text(row.theme).lower()).strip("_")
            hint = f" (e.g. {fix})" if _THEME_NAME.match(fix) else " (e.g. border_security)"
            problems.append(f"{where}: theme {row.theme!r} is not a name of lower-case letters, digits and "
                            f"underscores{hint}")
        problem = _term_problem(row.term)
        if problem:
            problems.append(f"{where}: {problem}")
        try:
            weight = _weight(row.weight)
        except ValueError:
            problems.append(f"{where}: weight {row.weight!r} is not a number")
        else:
            if not weight > 0:
                problems.append(f"{where}: weight must be positive, got {row.weight}")
        if row.kind not in KINDS:
            problems.append(f"{where}: kind {row.kind!r} is not one of {', '.join(KINDS)}")
        for part in row.context.split("+") if row.context else ():
            if part in context_map:
                continue
            if context_map:
                problems.append(f"{where}: context {part!r} is not defined in {contexts} (defined: "
                                f"{', '.join(sorted(context_map))}){_suggest(part, context_map)}")
            elif contexts.is_file():
                problems.append(f"{where}: context {part!r} is not defined: {contexts} defines no context")
            else:
                problems.append(f"{where}: context {part!r} is not defined: this lexicon has no contexts file "
                                f"(a CSV of context,term, named contexts{suffix}.csv beside the lexicon); "
                                "define its cues there or leave context empty")
        if not problem:
            # Compared as normalised text: spellings that differ only in NFC/NFD, tone placement or case are one
            # entry (punctuation variants such as "qp - an" and "qp-an" stay distinct entries).
            key = (row.theme, _norm(row.term), row.context)
            if key in seen:
                other, spelled = seen[key]
                problems.append(f"{where}: entry {row.theme} / {row.term!r} / {row.context or '(no context)'} is "
                                f"{_same_spelling(spelled, row.term)} as on line {other}; delete one")
            else:
                seen[key] = (line, row.term)



def _read_blockers(blockers: Path, problems: list[str]) -> pd.DataFrame:
    """The blockers file (if it exists) as normalised ``blocker`` / ``blocks`` columns; each problem appended
    to ``problems``."""
    block = pd.DataFrame(columns=["blocker", "blocks"])
    if blockers.is_file():
        raw, block_lines = read_table(blockers, ["blocker", "blocks"], "blockers")
        for line, row in zip(block_lines, raw.itertuples(index=False)):
            where = f"{blockers}, line {line}"
            problem = _term_problem(row.blocker)
            if problem:
                problems.append(f"{where}: blocker {problem}")
                continue
            if row.blocks:
                problem = _term_problem(row.blocks)
                if problem:
                    problems.append(f"{where}: blocks {problem}")
                    continue
                inner, outer = term_key(row.blocks), term_key(row.blocker)
                if not any(outer[i:i + len(inner)] == inner for i in range(len(outer) - len(inner) + 1)):
                    problems.append(f"{where}: blocker {row.blocker!r} does not contain {row.blocks!r}, so it "
                                    "never blocks it; a blocker is a longer name that contains the term")
        block = pd.DataFrame({"blocker": [_norm(b) for b in raw.blocker], "blocks": [_norm(b) for b in raw.blocks]})

    return block


def load_lexicon(path: str | os.PathLike | None = None, contexts: str | os.PathLike | None = None,
                 blockers: str | os.PathLike | None = None) -> Lexicon:
    """Read and validate a theme lexicon with its context cues and blockers.

    The files are read as spreadsheets save them (:func:`toolkit.tables.read_table`):
    a byte-order mark, semicolons or tabs instead of commas and trailing empty
    cells are accepted; UTF-16 and the Windows code page are refused with the
    fix. Terms are normalised (NFC, modern tone placement, lower case) before
    they are compared, so an entry typed in decomposed Unicode or with old tone
    placement ("hoà bình") matches the text and counts as a duplicate of its
    modern spelling.

    Parameters
    ----------
    path : path-like or str, optional
        CSV with columns theme, term, weight, context, note (and optionally
        kind); or a shipped version name such as ``"v1"``. Default:
        :data:`DEFAULT_LEXICON`.
    contexts, blockers : path-like, optional
        Default: ``contexts_<version>.csv`` and ``blockers_<version>.csv``
        beside ``path`` (``themes_v2.csv`` -> ``contexts_v2.csv``); a missing
        file means no contexts or no blockers.

    Raises
    ------
    ToolkitError
        Every problem of the three files at once, each once, named by the file
        (as given) and line: a theme name that is not snake_case, an empty term,
        a term that looks like a regular expression, a non-positive weight, an
        unknown kind, a context without cues, a duplicate entry (also one that
        differs only in normalisation, tone placement or case), a blocker that
        does not contain what it blocks.

    Examples
    --------
    >>> lex = load_lexicon("v2")
    >>> lex.themes
    ('economic_diplomacy', 'border_security', 'people_to_people')
    """
    path, contexts, blockers, version = _lexicon_files(path, contexts, blockers)
    suffix = f"_{version}" if version else ""
    entries, lines = read_table(path, ["theme", "term", "weight", "context", "note"], "lexicon")
    if entries.empty:
        raise ToolkitError(f"{path}: the lexicon has no entries; add one row per term under the header")
    if "kind" not in entries.columns:
        entries["kind"] = "term"
    entries["kind"] = entries["kind"].replace("", "term")
    problems: list[str] = []

    context_map = _read_cues(contexts, problems)

    _check_entries(path, entries, lines, context_map, contexts, suffix, problems)

    block = _read_blockers(blockers, problems)

    context_map = dict(sorted(context_map.items()))   # contexts by name, whatever the file's order
    if problems:
        head = "" if len(problems) == 1 else f"{len(problems)} problems in the lexicon:\n"
        raise ToolkitError(head + "\n".join(problems))
    entries = entries.assign(term=[_norm(t) for t in entries.term],
                             weight=[_weight(w) for w in entries.weight])
    return Lexicon(entries[["theme", "term", "weight", "context", "kind", "note"]].reset_index(drop=True),
                   context_map, block, version)
