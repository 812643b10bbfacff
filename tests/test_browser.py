"""The standalone explorer in a real browser: headless Chromium (Debian package chromium) driven by Playwright.

Playwright launches the system Chromium by its executable path; no browser is downloaded. Without
a Chromium on the machine the tests are skipped with the reason (``.ci/run`` installs it).
Screenshots of each view go to ``tests/artifacts/`` (not committed) for a person to look at.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

import toolkit as tk
from toolkit.explore_data import explorer_data
from toolkit.explore_page import explorer_html

CHROMIUM = next((p for p in (os.environ.get("CHROMIUM"), shutil.which("chromium"), shutil.which("chromium-browser"))
                 if p and Path(p).exists()), None)
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(CHROMIUM is None, reason="no Chromium on this machine: apt-get install chromium "
                                                "(.ci/run installs it when missing)"),
]


@pytest.fixture(scope="module")
def browser():
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (pip install -e .[dev])")
    with sync_api.sync_playwright() as p:
        # --no-sandbox: CI runs as root, where Chromium's sandbox refuses to start.
        launched = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield launched
        launched.close()


@pytest.fixture(scope="module")
def explorer(sentences, corpus, tmp_path_factory):
    units = tk.tokenize_units(sentences, cache=False)
    data = explorer_data(units, by="year", documents=corpus.documents, name="study corpus")
    path = tmp_path_factory.mktemp("explorer") / "explorer.html"
    path.write_text(explorer_html(data), encoding="utf-8")
    return path, data


@pytest.fixture
def page(browser, explorer):
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    errors = []
    page.on("pageerror", lambda err: errors.append(str(err)))
    page.on("console", lambda msg: msg.type == "error" and errors.append(msg.text))
    page.route("**/*", lambda route: route.continue_() if route.request.url.startswith("file:") else route.abort())
    page.goto(explorer[0].as_uri())
    page.wait_for_function("window.explorerReady === true", timeout=30_000)
    yield page
    page.close()
    assert not errors, f"errors in the page: {errors}"


def _shot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"))


def test_search_then_click_shows_the_terms_kwic_lines(page, explorer, corpus):
    _, data = explorer
    page.fill("#term-search", "ký kết")
    first = page.locator("#term-matches button").first
    assert first.inner_text() == "ký kết"
    first.click()
    lines = page.locator("#kwic-lines tr.kwic-line")
    lines.first.wait_for()
    i = data["terms"]["labels"].index("ký kết")
    assert lines.count() == len(data["terms"]["kwic"][i]) == 10
    year_of = corpus.documents.set_index("doc_id").year.astype(str)
    for k in range(lines.count()):
        doc, group, pre, keyword, post = [c.inner_text() for c in lines.nth(k).locator("td").all()]
        assert keyword.lower() == "ký kết"
        assert year_of[doc] == group
    counts = page.locator("#term-detail table.counts tr")
    assert counts.count() == 1 + len(data["meta"]["groups"])
    _shot(page, "terms_search")


def test_clicking_a_point_shows_its_term(page, explorer):
    _, data = explorer
    point = page.locator("#terms-plot .scatterlayer .point").first
    point.wait_for()
    box = point.bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.locator("#term-detail h3").wait_for()
    shown = page.inner_text("#term-detail h3")
    first_group = data["meta"]["groups"][0]
    assert shown in {data["terms"]["labels"][t] for t in data["terms"]["groups"][first_group]["t"]}
    assert page.locator("#kwic-lines tr.kwic-line").count() >= 1
    _shot(page, "terms_click")


def test_themes_filter_highlight_and_whole_article(page, explorer):
    _, data = explorer
    page.click("nav button[data-tab=themes]")
    theme = data["themes"]["themes"].index("border_security")
    page.select_option("#theme-theme", str(theme))
    units = page.locator("#theme-units .unit")
    assert units.count() == sum(1 for u in data["themes"]["units"] if u[1] == theme) > 0
    assert units.first.locator("mark").count() >= 1
    _shot(page, "themes")
    units.first.locator("a").click()
    article = page.locator("#article")
    assert article.is_visible()
    doc = units.first.locator(".muted").inner_text().split(" · ")[0]
    assert doc in article.inner_text()
    _shot(page, "themes_article")


def test_topics_and_dispersion_draw(page, explorer):
    _, data = explorer
    page.click("nav button[data-tab=topics]")
    page.locator("#topics-plot .main-svg").first.wait_for()
    assert page.locator("#view-topics h3").count() == len(data["topics"]["labels"])
    _shot(page, "topics")
    page.click("nav button[data-tab=dispersion]")
    points = page.locator("#xray-plot .scatterlayer .point")
    points.first.wait_for(state="attached")   # a vertical tick has no width: "hidden" to Playwright
    shown = data["dispersion"]["terms"][:3]
    assert points.count() == sum(len(x["pos"]) for x in shown)
    _shot(page, "dispersion")


def _overlapping_labels(page) -> list[tuple[str, str]]:
    """Pairs of drawn term labels in the Terms scatter whose rendered text boxes intersect (by more than a pixel)."""
    boxes = page.evaluate("""() => Array.from(document.querySelectorAll('#terms-plot .scatterlayer .textpoint text'))
        .filter(t => t.textContent.trim()).map(t => { const b = t.getBoundingClientRect();
            return [t.textContent, b.left, b.top, b.right, b.bottom]; })""")
    return [(a[0], b[0]) for i, a in enumerate(boxes) for b in boxes[i + 1:]
            if min(a[3], b[3]) - max(a[1], b[1]) > 1 and min(a[4], b[4]) - max(a[2], b[2]) > 1]


@pytest.mark.parametrize("width", [1400, 1000])
def test_term_labels_do_not_overlap_in_any_group(page, explorer, width):
    _, data = explorer
    page.set_viewport_size({"width": width, "height": 900})
    page.evaluate("() => Plotly.Plots.resize('terms-plot')")
    groups = data["meta"]["groups"]
    for k, group in enumerate(groups):
        # what choosing the group in the figure's menu does: the menu button's own update
        page.evaluate("k => Plotly.update('terms-plot', ...document.getElementById('terms-plot').layout"
                      ".updatemenus[0].buttons[k].args)", k)
        _shot(page, f"terms_labels_{width}_{k}")
        drawn = page.evaluate("""() => Array.from(document.querySelectorAll('#terms-plot .scatterlayer .textpoint text'))
            .map(t => t.textContent.trim()).filter(Boolean)""")
        part = data["terms"]["groups"][group]
        top = max(range(len(part["t"])), key=lambda j: (part["lr"][j] if part["lr"][j] is not None else -1e9, -j))
        assert data["terms"]["labels"][part["t"][top]] in drawn, group   # the most distinctive term keeps its label
        assert _overlapping_labels(page) == [], group
