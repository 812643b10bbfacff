"""The widgets in JupyterLab in headless Chromium: the coding sheet writes clicks (and keys) to the coder's CSV,
and the interactive explorer answers a search.

A JupyterLab server on loopback serves a notebook written for the test; Playwright (system Chromium,
no browser download) opens it, runs its cells and uses the widgets as a coder would. Skipped without
Chromium, like tests/test_browser.py.
"""

from __future__ import annotations

import time

import nbformat
import pandas as pd
import pytest

from conftest import DATA, jupyterlab
from test_browser import ARTIFACTS, CHROMIUM

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(CHROMIUM is None, reason="no Chromium on this machine: apt-get install chromium "
                                                "(.ci/run installs it when missing)"),
]


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    root = tmp_path_factory.mktemp("lab")
    coding = root / "coding"
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_code_cell(
            "import toolkit as tk\n"
            f"corpus = tk.load_corpus({str(DATA)!r})\n"
            "units = tk.tokenize_units(tk.segment(corpus, unit='sentence'), cache=False)\n"
            "sheet = tk.validation_sample(units, 6, strata='year', seed=1)\n"
            "print('ready', len(sheet))"),
        nbformat.v4.new_code_cell(f"tk.code_sheet(sheet, coder='A', themes=list(tk.THEMES), folder={str(coding)!r})"),
        nbformat.v4.new_code_cell("tk.explore(units, by='year', interactive=True)"),
    ]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, root / "widgets.ipynb")
    extra = ("--LabApp.news_url=", "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate")
    with jupyterlab(root, tmp_path_factory.mktemp("jupyter-runtime"), extra, wait=90) as (base, token):
        yield base, token, coding


@pytest.fixture(scope="module")
def notebook(lab):
    sync_api = pytest.importorskip("playwright.sync_api")
    base, token, coding = lab
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.goto(f"{base}/lab/tree/widgets.ipynb?token={token}")
        page.locator(".jp-Notebook").wait_for(timeout=120_000)
        page.locator(".jp-Notebook-ExecutionIndicator[data-status='idle']").wait_for(timeout=120_000)
        cells = page.locator(".jp-Notebook .jp-CodeCell")
        ARTIFACTS.mkdir(exist_ok=True)
        select = page.locator(".jp-Dialog button", has_text="Select")
        try:   # JupyterLab may ask which kernel to start
            select.click(timeout=10_000)
        except sync_api.TimeoutError:
            pass
        page.locator(".lm-MenuBar-itemLabel", has_text="Run").click()
        page.locator(".lm-Menu-itemLabel").get_by_text("Run All Cells", exact=True).click()
        try:
            cells.nth(0).locator(".jp-OutputArea-output", has_text="ready").wait_for(timeout=180_000)
        finally:
            page.screenshot(path=str(ARTIFACTS / "lab_first_cell.png"))
        yield page, coding
        browser.close()


def _codes(coding, n):
    """The coder's CSV once ``n`` units are coded in it (the kernel writes it a moment after the click)."""
    deadline = time.time() + 30
    while time.time() < deadline:
        path = coding / "A.csv"
        if path.exists():
            codes = pd.read_csv(path, dtype={"sample_id": str}, keep_default_na=False)
            done = codes[codes.border_security.astype(str) != ""]
            if len(done) >= n:
                return done.set_index("sample_id")
        time.sleep(0.5)
    pytest.fail(f"{n} coded unit(s) did not reach {coding / 'A.csv'} within 30 s")


THEME_COLUMNS = ["economic_diplomacy", "border_security", "people_to_people"]


def test_coding_widget_writes_clicks_to_the_csv(notebook):
    page, coding = notebook
    widget = page.locator(".jp-CodeCell").nth(1)
    toggle = widget.locator("button.widget-toggle-button", has_text="2 border_security")
    toggle.wait_for(timeout=120_000)
    first = widget.locator(".widget-html-content").first.inner_text().split(" · ")[0].strip()
    toggle.click()
    widget.locator("button", has_text="save, next").click()
    codes = _codes(coding, 1)
    ARTIFACTS.mkdir(exist_ok=True)
    widget.screenshot(path=str(ARTIFACTS / "lab_code_sheet.png"))
    assert codes.loc[first, THEME_COLUMNS].astype(int).tolist() == [0, 1, 0]


def test_coding_widget_writes_keys_to_the_csv(notebook):
    page, coding = notebook
    widget = page.locator(".jp-CodeCell").nth(1)
    path = coding / "A.csv"
    coded = 0
    if path.exists():   # units the earlier test coded; wait until the page shows the unit after them
        saved = pd.read_csv(path, dtype={"sample_id": str}, keep_default_na=False)
        coded = int((saved.border_security.astype(str) != "").sum())
    header = widget.locator(".widget-html-content", has_text=f"unit {coded + 1} of").first
    header.wait_for(timeout=30_000)
    unit = header.inner_text().split(" · ")[0].strip()
    keys = widget.locator("input[placeholder^='keys']")
    keys.click()
    keys.press_sequentially("13n", delay=300)
    codes = _codes(coding, coded + 1)
    widget.screenshot(path=str(ARTIFACTS / "lab_code_sheet_keys.png"))
    assert codes.loc[unit, THEME_COLUMNS].astype(int).tolist() == [1, 0, 1]


def test_explorer_widget_searches_a_term(notebook):
    page, _ = notebook
    cell = page.locator(".jp-CodeCell").nth(2)
    search = cell.locator("input[placeholder^='search a term']")
    search.wait_for(timeout=120_000)
    search.fill("ký kết")
    options = cell.locator("select").first
    page.wait_for_function("(el) => el.options.length > 0", arg=options.element_handle(), timeout=30_000)
    options.select_option(index=0)
    lines = cell.locator("tr.kwic-line")
    lines.first.wait_for(timeout=30_000)
    assert lines.count() == 10
    assert all("ký kết" in lines.nth(k).inner_text().lower() for k in range(lines.count()))
    cell.screenshot(path=str(ARTIFACTS / "lab_explorer.png"))
