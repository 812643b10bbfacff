"""The explorer's notebook widget and the HTML its views show, on the study corpus (real text)."""

from __future__ import annotations

import copy
import html
import re
import unicodedata

from toolkit.explore import Explorer
from toolkit.explore_data import DEFAULTS
from toolkit.explore_widget import article_html, term_detail_html, theme_units_html


def _body(units):
    return units[(units.kind == "body") & units.duplicate_of.isna()]


def test_widget_search_and_filters(study_explorer):
    tab = Explorer(study_explorer).widget()
    h = tab.explorer
    h["search"].value = "ký kết"
    assert h["matches"].options[0][0] == "ký kết"
    h["matches"].value = h["matches"].options[0][1]
    assert h["detail"].value.count('class="kwic-line"') == 10
    h["theme"].value = study_explorer["themes"]["themes"].index("border_security")
    assert "<mark" in h["units"].value and "border_security" in h["units"].value
    h["article_pick"].value = h["article_pick"].options[0][1]
    assert study_explorer["docs"][h["article_pick"].value] in h["article"].value
    h["xray_terms"].value = (0, 1)
    assert len(h["xray"].data) == 2


def test_term_detail_counts_each_group_and_shows_every_occurrence(study_tokens, study_explorer, corpus):
    # "ký kết" counted by hand in the kept body units of each year, and the articles of each year.
    body = _body(study_tokens)
    years = corpus.documents.set_index("doc_id").year.astype(str)
    by_hand = {year: sum(tokens.count("ký_kết") for tokens in group.tokens) for year, group in body.groupby(
        body.year.astype(str))}
    holding = {year: group[group.tokens.map(lambda t: "ký_kết" in t)].doc_id.nunique()
               for year, group in body.groupby(body.year.astype(str))}
    shown = term_detail_html(study_explorer, study_explorer["terms"]["labels"].index("ký kết"))
    assert shown.startswith("<h3>ký kết</h3>")
    rows = re.findall(r"<tr><td>(\d{4})</td><td>(\d+)</td><td>[\d.]+</td><td>(\d+) / (\d+)</td></tr>", shown)
    assert {year: int(n) for year, n, _, _ in rows} == by_hand
    assert {year: int(k) for year, _, k, _ in rows} == holding
    assert {year: int(total) for year, _, _, total in rows} == years.value_counts().to_dict()
    # Every occurrence is shown (10 in all), each with its article and that article's year.
    lines = re.findall(r'<tr class="kwic-line"><td>([^<]*)</td><td>(\d{4})</td><td[^>]*>[^<]*</td>'
                       r'<td[^>]*>([^<]*)</td>', shown)
    assert len(lines) == sum(by_hand.values()) == 10 and "10 of 10 occurrences shown" in shown
    assert all(years[doc] == year and keyword.lower() == "ký kết" for doc, year, keyword in lines)


def test_theme_units_filter_by_group_theme_and_entry(study_explorer, corpus):
    view, groups = study_explorer["themes"], study_explorer["meta"]["groups"]
    years = corpus.documents.set_index("doc_id").year.astype(str)
    everything, all_docs = theme_units_html(study_explorer)
    assert everything.count("border-bottom") == len(all_docs) == len(view["units"]) > 0
    # The group filters split the units; each unit shown under a group is from an article of that year.
    for g, year in enumerate(groups):
        _, docs = theme_units_html(study_explorer, group=g)
        assert {years[study_explorer["docs"][d]] for d in docs} <= {year}
    assert sum(len(theme_units_html(study_explorer, group=g)[1]) for g in range(len(groups))) == len(all_docs)
    # So do the theme filters; each unit shown under a theme says why it counts for that theme.
    counts = []
    for t, theme in enumerate(view["themes"]):
        shown, docs = theme_units_html(study_explorer, theme=t)
        blocks = shown.split('<div style="border-bottom')[1:]
        assert len(blocks) == len(docs) and all(f"<tr><td>{theme}</td>" in b for b in blocks)
        counts.append(len(docs))
    assert sum(counts) == len(all_docs)
    # An entry filter shows units whose text holds the entry; one that no unit holds shows the empty message.
    entry = view["entries"].index("cửa khẩu")
    shown, docs = theme_units_html(study_explorer, entry=entry)
    texts = [unicodedata.normalize("NFC", html.unescape(re.sub(r"<[^>]+>", "", b.split("</div>")[1]))).lower()
             for b in shown.split('<div style="border-bottom')[1:]]
    assert docs and len(texts) == len(docs) and all("cửa khẩu" in text for text in texts)
    used = {m[3] for _, _, _, marks in view["units"] for m in marks}
    unused = next(e for e in range(len(view["entries"])) if e not in used)
    assert theme_units_html(study_explorer, entry=unused) == ("<p>No kept unit matches these filters.</p>", [])


def test_article_html_shows_the_article_and_escapes_it(study_explorer, corpus):
    # The article as loaded, up to the explorer's default cap of characters kept per article.
    docs = corpus.documents.set_index("doc_id")
    cap = DEFAULTS["article_chars"]
    for d, doc_id in enumerate(study_explorer["docs"]):
        shown = article_html(study_explorer, d)
        assert shown.startswith(f"<b>{doc_id}</b> {html.escape(docs.loc[doc_id, 'title'])}")
        text = docs.loc[doc_id, "text"]
        kept = text if len(text) <= cap else text[:cap] + " …"
        assert shown.endswith(f">{html.escape(kept)}</div>")
    # Text from a corpus cannot become markup; without its text an article links to its source.
    hostile = copy.deepcopy(study_explorer)
    hostile["articles"]["text"]["0"] = "Hai bên </div><script>alert(1)</script> hợp tác."
    shown = article_html(hostile, 0)
    assert "<script>" not in shown and "&lt;/div&gt;&lt;script&gt;alert(1)&lt;/script&gt;" in shown
    del hostile["articles"]["text"]["1"]
    hostile["articles"]["url"]["1"] = "https://baohagiang.vn/bai?a=1&b=2"
    shown = article_html(hostile, 1)
    assert "The text of this article is not kept." in shown
    assert '<a href="https://baohagiang.vn/bai?a=1&amp;b=2" target="_blank" rel="noopener">source</a>' in shown
