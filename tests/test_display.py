"""HTML views escape article text and highlight matches."""

import pandas as pd

import toolkit as tk
from toolkit.display import explain_html, kwic_html


def test_kwic_html_escapes_text_and_marks_the_keyword():
    # Normalisation removes complete tags; what is left of markup must still be escaped.
    units = pd.DataFrame({"unit_id": ["x:p01s01"], "text": ["Giá <img src=x onerror=alert(1) mở cửa khẩu & chợ"]})
    html = kwic_html(tk.kwic(units, "cửa khẩu", window=20))._repr_html_()
    assert "<img" not in html and "&lt;img" in html and "&amp; chợ" in html
    assert "<mark>cửa khẩu</mark>" in html


def test_explain_html_marks_every_hit(sentences):
    text = sentences.set_index("unit_id").text["hg2017a:p06s01"]
    table = tk.explain(text)
    view = explain_html(text, table)
    html = view._repr_html_()
    assert html.count("<mark") == len(set(zip(table.start, table.end)))
    assert "an ninh</mark>" in html
    assert "0x" not in repr(view)      # plain-text form carries no memory address
