"""HTML views escape article text, highlight matches and look the same in trusted and untrusted notebooks."""

import re

import pandas as pd

import toolkit as tk
from toolkit.display import HIGHLIGHT, explain_html, kwic_html


def _cells(html, row):
    rows = re.findall(r"<tr>(.*?)</tr>", html)
    return re.findall(r'<td style="([^"]*)">(.*?)</td>', rows[row + 1])   # rows[0] is the header


def test_kwic_html_escapes_text_and_marks_the_keyword():
    # Normalisation removes complete tags; what is left of markup must still be escaped.
    units = pd.DataFrame({"unit_id": ["x:p01s01"], "text": ["Giá <img src=x onerror=alert(1) mở cửa khẩu & chợ"]})
    html = kwic_html(tk.kwic(units, "cửa khẩu", window=20))._repr_html_()
    assert "<img" not in html and "&lt;img" in html and "&amp; chợ" in html
    assert re.search(r'<mark style="[^"]*">cửa khẩu</mark>', html)


def test_kwic_html_uses_inline_styles_aligned_against_the_keyword():
    # JupyterLab drops <style> blocks and class-based CSS of untrusted notebooks; inline styles survive.
    lines = pd.DataFrame({"unit_id": ["a:p01s01"], "pre": ["Hai bên mở"], "keyword": ["cửa khẩu"], "post": ["Tà Lùng."]})
    html = kwic_html(lines)._repr_html_()
    assert "<style" not in html and "class=" not in html
    (_, uid), (pre_style, pre), (key_style, key), (post_style, post) = _cells(html, 0)
    assert pre == "Hai bên mở" and "text-align:right" in pre_style
    assert "cửa khẩu" in key and f"background-color:{HIGHLIGHT}" in key
    assert post == "Tà Lùng." and "text-align:left" in post_style


def test_theme_kwic_and_kwic_share_columns(sentences):
    body = sentences[sentences.kind == "body"].head(40)
    evidence = tk.theme_kwic(body)
    assert {"pre", "keyword", "post"} <= set(evidence.columns)
    html = kwic_html(evidence.head(3))._repr_html_()
    assert html.count("<mark") == 3


def test_explain_html_marks_every_hit(sentences):
    text = sentences.set_index("unit_id").text["hg2017a:p06s01"]
    table = tk.explain(text)
    view = explain_html(text, table)
    html = view._repr_html_()
    assert html.count("<mark") == len(set(zip(table.start, table.end)))
    assert "an ninh</mark>" in html and "<style" not in html
    assert "0x" not in repr(view)      # plain-text form carries no memory address
