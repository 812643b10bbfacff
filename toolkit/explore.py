"""An explorer for any corpus: terms, themes, topics and dispersion, in JupyterLab or as one HTML file.

Two ways to open it::

    ex = tk.explore(units, by="category")          # in a notebook: a static summary,
    ex.widget()                                    # ... or the interactive widget (ipywidgets + plotly)
    ex.save("explorer.html")                       # one self-contained HTML file (plotly.js embedded)

    python -m toolkit explore CORPUS --by category --out explorer.html

The four views:

- **Terms**: per group, each kept term's frequency (per 10,000 tokens, log scale) against its
  distinctiveness (the log2 ratio of :func:`toolkit.keyness`), coloured by the article-level test
  (Wilcoxon rank-sum on per-article frequencies, BH-adjusted: :func:`toolkit.article_test`).
  Searchable; clicking a term shows its KWIC lines (article id and group), and its counts and
  articles per group.
- **Themes**: units with lexicon hits, filtered by group, theme and lexicon entry; each unit
  shows its hits highlighted and why (:func:`toolkit.explain`: term, cue, weight), with the whole
  article one click away (its text, or its ``url`` when the article is not embedded).
- **Topics**: NMF topics (:func:`toolkit.fit_topics`): top terms, representative units and mean
  topic share by group.
- **Dispersion**: where chosen terms fall in the articles, as quanteda's ``textplot_xray``: one
  row per article, ordered by group, the x axis the relative position in the article.

What is embedded is bounded, so that a file for tens of thousands of articles stays small and opens
fast: the ``n_terms`` most distinctive and the most frequent terms of each group, at most
``kwic_lines`` KWIC lines per term (spread over the groups, the total count always shown), at most
``theme_units`` units per group and theme, ``dispersion_terms`` terms in the dispersion view with
at most ``dispersion_points`` points each, whole-article text for at most ``articles`` articles, and
the lexicon matched on at most ``theme_sample`` units (a seeded random sample beyond that).
Every cap is reported in the file. The explorer describes; the report's tables and tests are where
the inference is.

This module is the explorer's notebook face (:func:`explore`, :class:`Explorer`), on top of the
others, which it re-exports (``toolkit.explore.explorer_data`` and so on still work):

- :mod:`toolkit.explore_data`: the views' data from the units (:func:`explorer_data`, the caps);
- :mod:`toolkit.explore_figures`: the plotly figures drawn from that data;
- :mod:`toolkit.explore_page`: the standalone HTML file (:func:`explorer_html`, :func:`write_explorer`);
- :mod:`toolkit.explore_widget`: the interactive widget (:meth:`Explorer.widget`).
"""

from __future__ import annotations

import html
import os
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

# explorer_data, explorer_html and write_explorer stay importable from here (toolkit.explore.explorer_data).
from .explore_data import explorer_data
from .explore_page import explorer_html, write_explorer  # noqa: F401

__all__ = ["explore", "Explorer", "INTERACTIVE_ENV"]

#: Set to 1 to make :func:`explore` show the interactive widget in a notebook (static summary otherwise).
INTERACTIVE_ENV = "TOOLKIT_EXPLORE_INTERACTIVE"


@dataclass
class Explorer:
    """What :func:`explore` returns: a static summary in a notebook; :meth:`widget` for the interactive one."""

    data: dict = field(repr=False)
    interactive: bool = False
    _widget: object = field(default=None, repr=False)

    def save(self, path: str | os.PathLike) -> Path:
        """Write the standalone HTML explorer."""
        from .atomic import atomic_write

        page = explorer_html(self.data)
        path = Path(path)
        atomic_write(path, lambda tmp: Path(tmp).write_text(page, encoding="utf-8"))
        return path

    def summary(self) -> pd.DataFrame:
        """The top distinctive terms of each group (rank x group), as shown in the static view."""
        view, groups = self.data["terms"], self.data["meta"]["groups"]
        n = 8
        columns = {}
        for g in groups:
            part = view["groups"][g]
            ranked = [view["labels"][t] for t, lr in zip(part["t"], part["lr"]) if lr is not None and lr > 0][:n]
            columns[g] = ranked + [""] * (n - len(ranked))
        return pd.DataFrame(columns, index=pd.RangeIndex(1, n + 1, name="rank"))

    def _repr_html_(self) -> str:
        if self.interactive:
            return None  # the widget displays itself (see _ipython_display_)
        meta = self.data["meta"]
        parts = [f"<p><b>Explorer</b>: {meta['articles']:,} articles, {meta['units']:,} body units, "
                 f"{len(meta['groups'])} groups of <code>{html.escape(meta['by'])}</code>. Static summary; "
                 f"<code>.widget()</code> (or {INTERACTIVE_ENV}=1) for the interactive explorer, "
                 "<code>.save('explorer.html')</code> for a standalone file.</p>",
                 "<p><b>Most distinctive terms per group</b> (log ratio, top 8)</p>", self.summary().to_html()]
        topics = self.data["topics"]
        if topics:
            table = pd.DataFrame({lab: [", ".join(t[:6])] for lab, t in zip(topics["labels"], topics["terms"])}).T
            table.columns = ["top terms"]
            parts += ["<p><b>Topics</b> (NMF)</p>", table.to_html()]
        themes = self.data["themes"]
        counts = pd.DataFrame(themes["counts"], columns=["group", "theme", "units_with_hit", "units"])
        counts["group"] = [meta["groups"][i] for i in counts.group]
        counts["theme"] = [themes["themes"][i] for i in counts.theme]
        counts["per_100"] = (100 * counts.units_with_hit / counts.units.clip(lower=1)).round(1)
        parts += ["<p><b>Units with a lexicon hit, per 100 body units</b></p>",
                  counts.pivot(index="theme", columns="group", values="per_100").to_html()]
        return "".join(parts)

    def _ipython_display_(self):
        from IPython.display import HTML, display

        if self.interactive:
            display(self.widget())
        else:
            display(HTML(self._repr_html_()))

    def widget(self):
        """The interactive explorer as an ipywidgets Tab (needs a live kernel: JupyterLab or Notebook)."""
        if self._widget is None:
            from .explore_widget import build_widget

            self._widget = build_widget(self.data)
        return self._widget


def explore(units: pd.DataFrame, by: str = "year", interactive: bool | None = None, **options) -> Explorer:
    """Explore a corpus in a notebook: terms, themes, topics and dispersion by ``by``.

    Parameters
    ----------
    units : DataFrame
        Tokenised units with a ``by`` column (:func:`toolkit.tokenize_units`; the report templates'
        ``units``).
    by : str
        Grouping column.
    interactive : bool, optional
        True shows the ipywidgets explorer; False a static summary (deterministic, for nbval and HTML
        export). Default: interactive only when the environment variable
        ``TOOLKIT_EXPLORE_INTERACTIVE`` is 1.
    options
        Passed to :func:`explorer_data` (``lexicon``, ``documents``, ``name``, ``seed`` and the caps).

    Returns
    -------
    Explorer
        Displays itself; ``.widget()``, ``.save(path)``, ``.summary()``, ``.data``.
    """
    if interactive is None:
        interactive = os.environ.get(INTERACTIVE_ENV, "") == "1"
    return Explorer(explorer_data(units, by=by, **options), interactive=bool(interactive))
