"""HTML views for notebooks: KWIC lines and explain() tables with the matched terms highlighted.

Article text is always escaped before it is put into HTML; only the
highlighting markup is the toolkit's own. Every style is an inline
``style`` attribute: JupyterLab strips ``<style>`` blocks from the outputs
of untrusted notebooks (every notebook opened from a clone), and inline
styles survive its sanitiser, so a table looks the same trusted or not. In
KWIC lines the left context is right-aligned against the keyword, the
keyword has a highlighted background, and the right context is
left-aligned after it.
"""

from __future__ import annotations

import html

import pandas as pd

__all__ = ["HTMLTable", "kwic_html", "explain_html", "HIGHLIGHT"]

HIGHLIGHT = "#fde68a"
_TABLE = "border-collapse:collapse;font-size:0.9em"
_CELL = "padding:2px 6px;vertical-align:top;border:none"
_LEFT = f"{_CELL};text-align:left"
_RIGHT = f"{_CELL};text-align:right;white-space:nowrap"
_KEY = f"{_CELL};text-align:center;white-space:nowrap;font-weight:600"
_MARK = f"background-color:{HIGHLIGHT};color:inherit;padding:0 1px"


class HTMLTable:
    """A table that renders as HTML in Jupyter and as plain text elsewhere."""

    def __init__(self, frame: pd.DataFrame, html_rows: list[str], header: list[str], aligns: list[str] | None = None,
                 note: str = ""):
        self.frame = frame
        self._rows = html_rows
        self._header = header
        self._aligns = aligns or ["left"] * len(header)
        self.note = note

    def _repr_html_(self) -> str:
        head = "".join(f'<th style="{_CELL};text-align:{a}">{html.escape(h)}</th>'
                       for h, a in zip(self._header, self._aligns))
        note = f"<p>{html.escape(self.note)}</p>" if self.note else ""
        return (f'<table style="{_TABLE}"><thead><tr>{head}</tr></thead><tbody>{"".join(self._rows)}</tbody></table>'
                + note)

    def __repr__(self) -> str:
        return self.frame.to_string(index=False) + (f"\n{self.note}" if self.note else "")


def _row(cells: list[tuple[str, str]]) -> str:
    return "<tr>" + "".join(f'<td style="{style}">{value}</td>' for value, style in cells) + "</tr>"


def _mark(text: str, title: str | None = None) -> str:
    title_attr = f' title="{html.escape(title)}"' if title else ""
    return f'<mark style="{_MARK}"{title_attr}>{html.escape(text)}</mark>'


def kwic_html(lines: pd.DataFrame, max_rows: int = 50, by: str | None = None, per_article: int = 2,
              seed: int = 0) -> HTMLTable:
    """Render :func:`toolkit.kwic` or :func:`toolkit.theme_kwic` output with the keyword highlighted.

    Both return ``pre``, ``keyword`` and ``post`` columns; identifying
    columns (``unit_id``, ``theme``, ``term``) are shown first when present.
    With more than ``max_rows`` lines and a ``doc_id`` column, the lines
    shown are :func:`toolkit.concordance.kwic_sample`'s (spread over articles
    and the groups of ``by``, at most ``per_article`` per article before
    repeating); a sentence under the table says how many were left out.

    Examples
    --------
    >>> lines = pd.DataFrame({"unit_id": ["a:p01s01"], "pre": ["mở"], "keyword": ["cửa khẩu"], "post": ["Tà Lùng"]})
    >>> "<style" in kwic_html(lines)._repr_html_()
    False
    """
    if "keyword" not in lines.columns and "matched" in lines.columns:   # older theme_kwic column names
        lines = lines.rename(columns={"left": "pre", "matched": "keyword", "right": "post"})
    ids = [c for c in ("unit_id", "theme", "term") if c in lines.columns]
    total = len(lines)
    if total > max_rows and "doc_id" in lines.columns:
        from .concordance import kwic_sample

        shown = kwic_sample(lines, n=max_rows, by=by if by in lines.columns else None, per_article=per_article,
                            seed=seed)
        how = f"spread over articles{f' and {by}' if by in lines.columns else ''}, at most {per_article} per article first"
    else:
        shown, how = lines.head(max_rows), "the first ones"
    note = (f"{len(shown)} of {total} lines shown ({how}); {total - len(shown)} left out."
            if len(shown) < total else "")
    rows = [
        _row([*((html.escape(str(r[c])), _LEFT) for c in ids), (html.escape(str(r["pre"])), _RIGHT),
              (_mark(str(r["keyword"])), _KEY), (html.escape(str(r["post"])), _LEFT)])
        for _, r in shown.iterrows()
    ]
    return HTMLTable(shown[[*ids, "pre", "keyword", "post"]], rows, [*ids, "before", "keyword", "after"],
                     ["left"] * len(ids) + ["right", "center", "left"], note)


def explain_html(text: str, table: pd.DataFrame) -> HTMLTable:
    """Render a text with the hits of :func:`toolkit.explain` highlighted, then the hit table."""
    from .normalize import normalize_text

    normalised = normalize_text(text)
    spans = sorted({(s, e, t) for s, e, t in zip(table.start, table.end, table.theme)})
    parts, pos = [], 0
    for start, end, theme in spans:
        if start < pos:
            continue  # a span already highlighted for another theme
        parts.append(html.escape(normalised[pos:start]))
        parts.append(_mark(normalised[start:end], theme))
        pos = end
    parts.append(html.escape(normalised[pos:]))
    rows = [_row([("".join(parts), _LEFT), ("", _LEFT), ("", _LEFT), ("", _LEFT)])] + [
        _row([(html.escape(r.theme), _LEFT), (html.escape(r.term), _LEFT), (html.escape(r.cue if isinstance(r.cue, str) else ""), _LEFT),
              (f"{r.contribution:g}", _RIGHT)])
        for r in table.itertuples()
    ]
    return HTMLTable(table[["theme", "term", "cue", "contribution"]], rows, ["text / theme", "term", "cue", "contribution"],
                     ["left", "left", "left", "right"])
