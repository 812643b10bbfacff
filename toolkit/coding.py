"""A coding interface for the validation sample: one unit at a time, each decision saved at once.

::

    sheet = tk.validation_sample(units, 400, strata="year", seed=1)
    tk.code_sheet(sheet, coder="A", themes=lex.themes, folder="coding")   # in JupyterLab

The coder sees what :func:`toolkit.write_sheets` gives a coder and nothing more: the unit's title,
the units before and after it in the article and the unit itself. No score, automated label,
stratum, inclusion probability or another coder's codes is shown or read: the widget reads and writes
only ``<folder>/<coder>.csv``, which has the columns of the sheets of :func:`toolkit.write_sheets`
(``sample_id``, ``title``, ``context_before``, ``text``, ``context_after``, one 0/1 column per theme,
``note``) and is read back by :func:`toolkit.read_codes`.

Each decision (a unit's themes and note, when the coder moves on) rewrites the CSV atomically
(:func:`toolkit.atomic.atomic_write`): an interrupted session never leaves a half-written file, and
a new session resumes at the first unit not yet coded. Keys: type a theme's number in the key box to
toggle it, ``n`` to save and go to the next unit, ``b`` to go back, ``s`` to save.
"""

from __future__ import annotations

import html
import os
from pathlib import Path

import pandas as pd

from .errors import ToolkitError

__all__ = ["CodingSession", "code_sheet", "SHOWN"]

#: The only sheet columns a coder sees.
SHOWN = ["title", "context_before", "text", "context_after"]


class CodingSession:
    """The state of one coder's sheet: codes, notes, position; saving and resuming. No display here.

    Parameters
    ----------
    sheet : DataFrame
        :func:`toolkit.validation_sample` output (or a blank sheet of :func:`toolkit.write_sheets`):
        ``sample_id`` and the columns of :data:`SHOWN`; other columns are ignored.
    path : path-like
        The coder's CSV; read when it exists (to resume), written after each decision.
    themes : sequence of str
    """

    def __init__(self, sheet: pd.DataFrame, path: str | os.PathLike, themes):
        from .spreadsheet import restore_frame

        themes = [str(t) for t in themes]
        if not themes:
            raise ToolkitError("themes must name at least one theme")
        if len(set(themes)) != len(themes):
            raise ToolkitError(f"themes repeat a name: {themes}")
        missing = [c for c in ["sample_id", *SHOWN] if c not in sheet.columns]
        if missing:
            raise ToolkitError(f"the sheet lacks column(s) {', '.join(missing)}: pass toolkit.validation_sample(...) output")
        if sheet["sample_id"].duplicated().any():
            raise ToolkitError("the sheet has duplicate sample_id values")
        self.themes = themes
        self.path = Path(path)
        self.frame = sheet[["sample_id", *SHOWN]].astype({c: object for c in SHOWN}).fillna("").reset_index(drop=True)
        self.frame["sample_id"] = self.frame["sample_id"].astype(str)
        for theme in themes:
            self.frame[theme] = pd.array([pd.NA] * len(self.frame), dtype="Int64")
        self.frame["note"] = ""
        if self.path.exists():
            saved = restore_frame(pd.read_csv(self.path, encoding="utf-8", dtype={"sample_id": str, "note": str},
                                              keep_default_na=False, na_values=[""]))
            lacking = [c for c in ["sample_id", *themes] if c not in saved.columns]
            if lacking:
                raise ToolkitError(f"{self.path}: missing column(s) {', '.join(lacking)}; is it this coder's sheet?")
            unknown = set(saved.sample_id) - set(self.frame.sample_id)
            if unknown:
                raise ToolkitError(f"{self.path}: sample_id(s) not in the sheet: {', '.join(sorted(unknown)[:5])}")
            saved = saved.set_index("sample_id")
            at = self.frame.sample_id
            for theme in themes:
                values = pd.to_numeric(saved[theme], errors="coerce").reindex(at)
                bad = values.notna() & ~values.isin([0, 1])
                if bad.any():
                    raise ToolkitError(f"{self.path}: {theme} must be 0, 1 or empty; not so for {', '.join(at[bad.to_numpy()][:5])}")
                self.frame[theme] = pd.array(values.to_numpy(), dtype="Int64")
            if "note" in saved.columns:
                self.frame["note"] = [v if isinstance(v, str) else "" for v in saved["note"].reindex(at)]
        self.position = self.first_uncoded()
        self.pending = self._current_codes()

    # -- state
    def __len__(self) -> int:
        return len(self.frame)

    def coded(self) -> pd.Series:
        """Whether each unit has a code for every theme."""
        return self.frame[self.themes].notna().all(axis=1)

    def first_uncoded(self) -> int:
        """Position of the first unit without a complete code (the length of the sheet when all are coded)."""
        todo = (~self.coded()).to_numpy().nonzero()[0]
        return int(todo[0]) if len(todo) else len(self.frame)

    @property
    def done(self) -> bool:
        return self.position >= len(self.frame)

    def unit(self) -> dict:
        """What the coder sees of the current unit: sample id and the :data:`SHOWN` columns."""
        if self.done:
            raise ToolkitError("every unit is coded")
        row = self.frame.iloc[self.position]
        return {"sample_id": row.sample_id, **{c: str(row[c]) for c in SHOWN}}

    def _current_codes(self) -> dict:
        if self.done:
            return {"themes": {t: 0 for t in self.themes}, "note": ""}
        row = self.frame.iloc[self.position]
        return {"themes": {t: int(row[t]) if pd.notna(row[t]) else 0 for t in self.themes}, "note": str(row["note"])}

    # -- actions
    def toggle(self, theme: str) -> int:
        """Flip a theme of the current unit (not saved until :meth:`save`, :meth:`next` or :meth:`back`)."""
        if theme not in self.themes:
            raise ToolkitError(f"unknown theme {theme!r}; themes: {', '.join(self.themes)}")
        self.pending["themes"][theme] = 1 - self.pending["themes"][theme]
        return self.pending["themes"][theme]

    def set_note(self, note: str) -> None:
        self.pending["note"] = str(note)

    def save(self) -> None:
        """Record the current unit's codes (every theme 0 or 1) and note, and rewrite the CSV atomically."""
        if self.done:
            return
        for theme, value in self.pending["themes"].items():
            self.frame.loc[self.position, theme] = value
        self.frame.loc[self.position, "note"] = self.pending["note"]
        self.write()

    def write(self) -> None:
        from .atomic import atomic_write
        from .spreadsheet import write_csv

        atomic_write(self.path, lambda tmp: write_csv(self.frame, tmp, encoding="utf-8"))

    def next(self) -> None:
        """Save the current unit and move to the next one."""
        self.save()
        self.position = min(self.position + 1, len(self.frame))
        self.pending = self._current_codes()

    def back(self) -> None:
        """Move to the previous unit, saving the current one if it was coded before or the coder changed something.

        An untouched unit that was never coded stays uncoded: going back is not a decision.
        """
        if not self.done and (bool(self.coded().iloc[self.position]) or self.pending != self._current_codes()):
            self.save()
        self.position = max(self.position - 1, 0)
        self.pending = self._current_codes()

    def go(self, position: int) -> None:
        """Move to a unit by position without saving (unsaved toggles are dropped)."""
        if not 0 <= position <= len(self.frame):
            raise ToolkitError(f"position must be between 0 and {len(self.frame)}, got {position}")
        self.position = position
        self.pending = self._current_codes()


def _unit_html(session: CodingSession) -> str:
    if session.done:
        return (f"<p><b>All {len(session)} units are coded.</b> The codes are in {html.escape(session.path.name)}; "
                "go back to change one.</p>")
    unit = session.unit()
    muted = "color:#6b7280"
    parts = [f'<div style="{muted};font-size:0.85em">{html.escape(unit["sample_id"])} · unit {session.position + 1} '
             f"of {len(session)} · {int(session.coded().sum())} coded</div>"]
    if unit["title"]:
        parts.append(f'<div style="{muted}"><i>{html.escape(unit["title"])}</i></div>')
    if unit["context_before"]:
        parts.append(f'<div style="{muted}">{html.escape(unit["context_before"])}</div>')
    parts.append(f'<div style="font-size:1.15em;margin:6px 0;padding:4px;border-left:3px solid #1d4ed8">'
                 f'{html.escape(unit["text"])}</div>')
    if unit["context_after"]:
        parts.append(f'<div style="{muted}">{html.escape(unit["context_after"])}</div>')
    return "".join(parts)


class CodeSheetWidget:
    """The ipywidgets view of a :class:`CodingSession` (``.box`` is what a notebook displays)."""

    def __init__(self, session: CodingSession):
        import ipywidgets as w

        self.session = session
        self.text = w.HTML()
        self.toggles = {t: w.ToggleButton(description=f"{i + 1} {t}", layout=w.Layout(width="auto"))
                        for i, t in enumerate(session.themes)}
        self.note = w.Textarea(placeholder="note (optional)", layout=w.Layout(width="100%", height="60px"))
        self.back_button = w.Button(description="◀ back (b)")
        self.next_button = w.Button(description="save, next ▶ (n)", button_style="primary")
        self.keys = w.Text(placeholder="keys: 1-9 toggle a theme, n next, b back, s save",
                           layout=w.Layout(width="340px"), continuous_update=True)
        self.status = w.HTML()
        for theme, toggle in self.toggles.items():
            toggle.observe(lambda change, t=theme: self._toggled(t, change["new"]), names="value")
        self.note.observe(lambda change: self.session.set_note(change["new"]), names="value")
        self.back_button.on_click(lambda _: self._move(self.session.back))
        self.next_button.on_click(lambda _: self._move(self.session.next))
        self.keys.observe(self._key, names="value")
        self.box = w.VBox([self.text, w.HBox(list(self.toggles.values())), self.note,
                           w.HBox([self.back_button, self.next_button, self.keys]), self.status])
        self._syncing = False
        self._typed = ""
        self.refresh()

    def _toggled(self, theme: str, value: bool) -> None:
        if not self._syncing and bool(self.session.pending["themes"][theme]) != bool(value):
            self.session.toggle(theme)

    def _move(self, action) -> None:
        action()
        self.refresh()
        self.status.value = f'<span style="color:#6b7280">saved to {html.escape(self.session.path.name)}</span>'

    def _key(self, change) -> None:
        # Only what was typed since the last change is acted on, and the box is never cleared from the
        # kernel: clearing it raced with the next key on its way from the browser, which was then lost.
        typed, done = change["new"], self._typed
        self._typed = typed
        if typed.startswith(done):
            fresh = typed[len(done):]
        else:
            fresh = "" if done.startswith(typed) else typed     # a deletion acts on nothing
        for key in fresh.lower():
            if key.isdigit() and 1 <= int(key) <= len(self.session.themes):
                toggle = self.toggles[self.session.themes[int(key) - 1]]
                toggle.value = not toggle.value
            elif key == "n":
                self._move(self.session.next)
            elif key == "b":
                self._move(self.session.back)
            elif key == "s":
                self._move(self.session.save)

    def refresh(self) -> None:
        self._syncing = True
        try:
            self.text.value = _unit_html(self.session)
            for theme, toggle in self.toggles.items():
                toggle.value = bool(self.session.pending["themes"][theme])
                toggle.disabled = self.session.done
            self.note.value = self.session.pending["note"]
            self.note.disabled = self.session.done
            self.next_button.disabled = self.session.done
        finally:
            self._syncing = False

    def _ipython_display_(self):
        from IPython.display import display

        display(self.box)


def code_sheet(sheet: pd.DataFrame, coder: str, themes=None, folder: str | os.PathLike = "coding",
               path: str | os.PathLike | None = None) -> CodeSheetWidget:
    """A widget to hand-code the validation sample, one unit at a time, saved to the coder's CSV.

    Parameters
    ----------
    sheet : DataFrame
        :func:`toolkit.validation_sample` output.
    coder : str
        The coder's name; the codes go to ``<folder>/<coder>.csv`` (the file :func:`toolkit.write_sheets`
        writes for the coder, which :func:`toolkit.read_codes` reads).
    themes : sequence of str, optional
        The themes to code (default the study lexicon's).
    folder, path
        Where the coder's CSV is; ``path`` overrides ``folder``.

    Returns
    -------
    CodeSheetWidget
        Displays itself in a notebook; ``.session`` holds the state (:class:`CodingSession`).
    """
    from .lexicon import STUDY_THEMES

    coder = str(coder)
    if not coder or any(ch in coder for ch in "/\\") or coder.startswith("."):
        raise ToolkitError(f"coder must be a plain name (it names the CSV file), got {coder!r}")
    themes = list(themes or STUDY_THEMES)
    target = Path(path) if path is not None else Path(folder) / f"{coder}.csv"
    return CodeSheetWidget(CodingSession(sheet, target, themes))
