"""HTML views for notebooks: KWIC lines and explain() tables with the matched terms highlighted.

Article text is always escaped before it is put into HTML; only the
highlighting markup is the toolkit's own.
"""

from __future__ import annotations

import html

import pandas as pd

__all__ = ["HTMLTable", "kwic_html", "explain_html"]

_STYLE = ("<style>.vnk td{text-align:left;vertical-align:top;padding:2px 6px}"
          ".vnk td.pre{text-align:right}.vnk mark{background:#fde68a;padding:0 1px}</style>")


class HTMLTable:
    """A table that renders as HTML in Jupyter and as plain text elsewhere."""

    def __init__(self, frame: pd.DataFrame, html_rows: list[str], header: list[str]):
        self.frame = frame
        self._rows = html_rows
        self._header = header

    def _repr_html_(self) -> str:
        head = "".join(f"<th>{html.escape(h)}</th>" for h in self._header)
        return f'{_STYLE}<table class="vnk"><thead><tr>{head}</tr></thead><tbody>{"".join(self._rows)}</tbody></table>'

    def __repr__(self) -> str:
        return self.frame.to_string(index=False)


def _cells(values, classes=None) -> str:
    classes = classes or [""] * len(values)
    return "<tr>" + "".join(f'<td class="{c}">{v}</td>' for v, c in zip(values, classes)) + "</tr>"


def kwic_html(lines: pd.DataFrame, max_rows: int = 50) -> HTMLTable:
    """Render :func:`toolkit.kwic` or :func:`toolkit.theme_kwic` output with the keyword highlighted."""
    pre, key, post = ("pre", "keyword", "post") if "keyword" in lines.columns else ("left", "matched", "right")
    ids = [c for c in ("unit_id", "theme", "term") if c in lines.columns]
    shown = lines.head(max_rows)
    rows = [
        _cells([*(html.escape(str(r[c])) for c in ids), html.escape(r[pre]),
                f"<mark>{html.escape(r[key])}</mark>", html.escape(r[post])],
               [""] * len(ids) + ["pre", "", ""])
        for _, r in shown.iterrows()
    ]
    return HTMLTable(shown[[*ids, pre, key, post]], rows, [*ids, "before", "match", "after"])


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
        parts.append(f'<mark title="{html.escape(theme)}">{html.escape(normalised[start:end])}</mark>')
        pos = end
    parts.append(html.escape(normalised[pos:]))
    rows = [_cells(["".join(parts), "", "", ""])] + [
        _cells([html.escape(r.theme), html.escape(r.term), html.escape(r.cue or ""), f"{r.contribution:g}"])
        for r in table.itertuples()
    ]
    return HTMLTable(table[["theme", "term", "cue", "contribution"]], rows, ["text / theme", "term", "cue", "contribution"])
