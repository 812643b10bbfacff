"""make report on a researcher's own corpus, and the guard that protects the study's files."""

import pandas as pd
import pytest

import toolkit as tk
from conftest import DATA, write_corpus
from toolkit.report import ROOT, notebooks, run_report

# A corpus written for the test from study paragraphs, re-dated and re-placed:
# other years (2005, 2010, 2020), other provinces, two articles per year.
PROVINCES = {2005: "Lào Cai", 2010: "Cao Bằng", 2020: "Điện Biên"}


@pytest.fixture(scope="module")
def own_corpus(tmp_path_factory):
    study = tk.load_corpus(DATA)
    paragraphs = [p for text in study.documents.text for p in text.split("\n")[1:] if len(p) > 120]
    files, rows = {}, []
    for k, year in enumerate(PROVINCES):
        for j in range(2):
            part = paragraphs[(2 * k + j)::6]
            name = f"{year}_{j}.txt"
            files[name] = f"Tiêu đề bài viết số {j + 1} năm {year}\n" + "\n".join(part) + "\nÝ kiến bạn đọc\n"
            rows.append(f"{PROVINCES[year][:2].lower()}{year}{j},{name},{year},{PROVINCES[year]}")
    root = tmp_path_factory.mktemp("own") / "mycorpus"
    return write_corpus(root, files, "doc_id,file,year,province\n" + "\n".join(rows) + "\n")


def test_report_runs_every_notebook_on_another_corpus(own_corpus, tmp_path):
    out = tmp_path / "out"
    html = run_report(own_corpus, out=out)
    assert [p.name for p in html] == [p.stem + ".html" for p in notebooks()]
    assert all(p.stat().st_size > 10_000 for p in html)
    figures = {p.name for p in (out / "figures").iterdir()}
    for stem in ("theme_shares_by_year", "distinctive_terms_by_year", "topic_shares_by_year",
                 "lexicon_term_contributions", "robustness_panel"):
        assert {f"{stem}.{ext}" for ext in ("pdf", "svg", "png", "csv")} <= figures
    shares = pd.read_csv(out / "figures" / "theme_shares_by_year.csv")
    assert sorted(shares.year.unique()) == [2005, 2010, 2020]
    executed = (out / "notebooks" / "05_themes.ipynb").read_text(encoding="utf-8")
    assert "Traceback" not in executed and str(own_corpus) in executed   # the injected corpus was used


def test_report_refuses_to_write_over_the_study(own_corpus):
    for target in (ROOT / "figures", ROOT / "data", ROOT / "notebooks" / "x"):
        with pytest.raises(tk.ToolkitError, match="would overwrite the study"):
            run_report(own_corpus, out=target)
    with pytest.raises(tk.ToolkitError, match="not a corpus folder"):
        run_report(own_corpus.parent, out=own_corpus.parent / "o")
