"""The standalone explorer page (toolkit.explore_page), on the study corpus (real text); it is opened in a browser in test_browser.py."""

from __future__ import annotations

import json
import re

from conftest import DATA
from toolkit.explore_data import explorer_data
from toolkit.explore_page import explorer_html, write_explorer


def test_standalone_html_needs_no_network_and_carries_the_data(study_explorer, tmp_path):
    page = explorer_html(study_explorer)
    assert not re.search(r"<script[^>]+src=", page), "a script is loaded from outside the file"
    assert "plotly.js (cartesian - minified)" in page
    blob = re.search(r'<script type="application/json" id="explorer-data">(.*?)</script>', page, re.S).group(1)
    assert json.loads(blob) == json.loads(json.dumps(study_explorer))


def test_article_text_cannot_close_the_script(study_tokens, corpus):
    hostile = study_tokens.copy()
    row = hostile.index[(hostile.kind == "body")][0]
    hostile.loc[row, "text"] = hostile.loc[row, "text"] + " </script><script>alert(1)</script>"
    page = explorer_html(explorer_data(hostile, by="year", documents=corpus.documents))
    assert "</script><script>alert(1)" not in page


def test_write_explorer_and_the_command_line(study_tokens, tmp_path):
    from toolkit.__main__ import main

    path = write_explorer(study_tokens, tmp_path / "a.html", by="year")
    assert path.stat().st_size > 1_000_000   # plotly.js is embedded
    out = tmp_path / "cli.html"
    assert main(["explore", str(DATA), "--by", "province", "--out", str(out)]) == 0
    blob = re.search(r'id="explorer-data">(.*?)</script>', out.read_text(encoding="utf-8"), re.S).group(1)
    assert json.loads(blob)["meta"]["groups"] == ["Hà Giang", "Lạng Sơn"]
    assert main(["explore", str(tmp_path / "nowhere"), "--out", str(out)]) == 2


def test_the_shipped_plotly_bundle_is_the_version_of_the_installed_plotly():
    from plotly.offline import get_plotlyjs

    from toolkit.explore_page import plotly_bundle

    version = re.search(r"plotly\.js v(\d+\.\d+\.\d+)", get_plotlyjs()[:300]).group(1)
    assert re.search(r"plotly\.js \(cartesian - minified\) v(\d+\.\d+\.\d+)", plotly_bundle()[:300]).group(1) == version
    for trace in ("scatter", "bar", "heatmap"):
        assert f'moduleType:"trace",name:"{trace}"' in plotly_bundle().replace(" ", "")
