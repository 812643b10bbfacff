"""The report on a corpus of another question: generic templates, computed prose, degrading, guards."""

import os
import re
import shutil
import sys
from pathlib import Path

import nbformat
import pandas as pd
import pytest

import toolkit as tk
from conftest import ROOT
from toolkit import groups as tg
from toolkit import report as tr
from toolkit import summary as ts
from toolkit.__main__ import main
from toolkit.study import read_study

OTHER = ROOT / "tests" / "data" / "other_question"    # 9 articles, 2005/2015/2020, three provinces and outlets
LEXICON = OTHER / "themes_health.csv"                  # two themes: environment, health
STUDY = read_study(ROOT / "study.toml")                # the repository's study: data/, notebooks/, figures/, reports/
STUDY_NAMES = re.compile(r"Lạng Sơn|Hà Giang|\b(?:2012|2017|2023)\b|ls2012|hg2017|hg2023|economic.diplomacy|"
                         r"border.security|people.to.people|Economic diplomacy|Border security|People-to-people",
                         re.IGNORECASE)


def _copy_corpus(target: Path, doc_ids: list[str]) -> Path:
    (target / "raw").mkdir(parents=True)
    manifest = pd.read_csv(OTHER / "corpus.csv", dtype=str)
    manifest = manifest[manifest.doc_id.isin(doc_ids)]
    for name in manifest.file:
        shutil.copy(OTHER / "raw" / name, target / "raw" / name)
    manifest.to_csv(target / "corpus.csv", index=False)
    return target


def _text_of(notebook: Path) -> str:
    """Sources and text outputs of an executed notebook (images left out)."""
    nb = nbformat.read(notebook, as_version=4)
    parts = []
    for cell in nb.cells:
        parts.append(cell.source)
        for output in cell.get("outputs", []):
            parts.append(output.get("text", ""))
            for kind, value in output.get("data", {}).items():
                if not kind.startswith("image/"):
                    parts.append(value if isinstance(value, str) else str(value))
            parts += output.get("traceback", [])
    return "\n".join(parts)


def _html_body(path: Path) -> str:
    # nbconvert's page carries its own CSS and JavaScript (with licence years); only the notebook is checked.
    text = path.read_text(encoding="utf-8")
    return re.sub(r"<(style|script)\b.*?</\1>", "", text, flags=re.S)


@pytest.fixture(scope="module")
def other_report(tmp_path_factory):
    out = tmp_path_factory.mktemp("other") / "report"
    return tr.run_report(OTHER, out=out, lexicon=LEXICON, log=lambda m: None)


def test_the_whole_report_runs_on_another_question(other_report):
    assert other_report.kind == "generic" and other_report.ok, [r.error for r in other_report.runs]
    assert [p.name for p in other_report.html] == [p.stem + ".html" for p in tr.notebooks(tr.TEMPLATES)]
    figures = other_report.figures
    for stem in ("documents_by_year", "distinctive_terms_by_year", "topic_shares_by_year", "theme_shares_by_year",
                 "lexicon_term_contributions", "robustness_panel"):
        for ext in ("pdf", "svg", "png", "csv"):
            assert (figures / f"{stem}.{ext}").stat().st_size > 0, f"{stem}.{ext}"
    tables = sorted(p.stem for p in figures.glob("table_*.csv"))
    assert tables == sorted(p.stem for p in figures.glob("table_*.tex")) and len(tables) >= 8
    shares = pd.read_csv(figures / "theme_shares_by_year.csv")
    assert sorted(shares.theme.unique()) == ["environment", "health"]     # the lexicon's own themes
    assert sorted(shares.year.unique()) == [2005, 2015, 2020]


def test_no_sentence_of_the_study_reaches_another_corpus(other_report):
    for notebook in sorted((other_report.out / "notebooks").glob("*.ipynb")):
        found = STUDY_NAMES.findall(_text_of(notebook))
        assert not found, f"{notebook.name}: {sorted(set(found))}"
    for html in other_report.html:
        found = STUDY_NAMES.findall(_html_body(html))
        assert not found, f"{html.name}: {sorted(set(found))}"
    for svg in other_report.figures.glob("*.svg"):
        texts = " ".join(re.findall(r"<text[^>]*>(.*?)</text>", svg.read_text(encoding="utf-8"), flags=re.S))
        assert not STUDY_NAMES.findall(texts), svg.name


def test_caveats_and_findings_are_computed_from_the_corpus(other_report):
    overview = _text_of(other_report.out / "notebooks" / "01_overview.ipynb")
    # Counted by hand from tests/data/other_question/corpus.csv.
    assert "9 documents in 3 groups of year (2005: 2, 2015: 3, 2020: 4)" in overview
    assert "Each year comes from a single province (2005: Quảng Ninh; 2015: Điện Biên; 2020: Cà Mau)" in overview
    assert "Cleaning: nothing removed." in overview
    themes = _text_of(other_report.out / "notebooks" / "04_themes.ipynb")
    assert "2 themes of the lexicon (environment and health)" in themes
    assert "dịch bệnh" in themes                                    # the entry that never matches is listed
    assert "environment:" in themes and "of body sentences in 2005" in themes
    robustness = _text_of(other_report.out / "notebooks" / "05_robustness.ipynb")
    assert "environment: the baseline ordering and direction hold under" in robustness


def test_outputs_hold_no_machine_path(other_report):
    # Paths are injected relative to the output folder, which is the kernel's working directory.
    for notebook in sorted((other_report.out / "notebooks").glob("*.ipynb")):
        nb = nbformat.read(notebook, as_version=4)
        injected = [c for c in nb.cells if "injected-parameters" in c.metadata.get("tags", [])]
        assert len(injected) == 1 and injected[0]["id"] == "injected-parameters"
        values = dict(re.findall(r'^(corpus|lexicon|figures) = "(.*)"$', injected[0].source, flags=re.M))
        assert set(values) == {"corpus", "lexicon", "figures"} and values["figures"] == "figures"
        assert not any(Path(v).is_absolute() for v in values.values())
        assert (other_report.out / values["corpus"]).resolve() == OTHER.resolve()
        text = notebook.read_text(encoding="utf-8")
        assert str(other_report.out) not in text and '"papermill"' not in text


@pytest.mark.parametrize("doc_ids", [["cm2020a", "cm2020b", "cm2020c"], ["db2015c"]], ids=["one-year", "one-document"])
def test_a_corpus_with_one_group_or_one_document_degrades(tmp_path, doc_ids, capsys):
    corpus = _copy_corpus(tmp_path / "small", doc_ids)
    out = tmp_path / "out"
    assert main(["report", str(corpus), "--out", str(out), "--lexicon", str(LEXICON)]) == 0, capsys.readouterr()
    assert sorted(p.name for p in (out / "html").iterdir()) == [p.stem + ".html" for p in tr.notebooks(tr.TEMPLATES)]
    keywords = _text_of(out / "notebooks" / "02_keywords.ipynb")
    assert "Skipped: distinctive terms compare groups, and this corpus has 1 group of year" in keywords
    themes = _text_of(out / "notebooks" / "04_themes.ipynb")
    assert "Skipped: one group of year, nothing to compare." in themes
    assert "Traceback" not in keywords + themes
    if len(doc_ids) == 1:
        assert "With one document, every interval describes variation among its units only." in \
            _text_of(out / "notebooks" / "01_overview.ipynb")
        assert "Skipped: topics need at least 4 sentences and 4 terms" in _text_of(out / "notebooks" / "03_topics.ipynb")


def test_a_failing_notebook_is_one_readable_line_and_the_others_still_run(tmp_path, monkeypatch, capsys):
    templates = tmp_path / "templates"
    templates.mkdir()
    good = nbformat.read(tr.TEMPLATES / "01_overview.ipynb", as_version=4)
    bad = nbformat.read(tr.TEMPLATES / "01_overview.ipynb", as_version=4)
    bad.cells.insert(4, nbformat.v4.new_code_cell("raise ValueError('\\x1b[31mno such column\\x1b[0m')"))
    bad.cells[4]["id"] = "broken"
    nbformat.write(bad, templates / "01_broken.ipynb")
    nbformat.write(good, templates / "02_fine.ipynb")
    monkeypatch.setattr(tr, "TEMPLATES", templates)
    out = tmp_path / "out"
    assert main(["report", str(OTHER), "--out", str(out)]) == 1
    err = capsys.readouterr().err
    line = [l for l in err.splitlines() if "01_broken" in l]
    assert line == ["error: 01_broken.ipynb: cell 5 (In [5]) failed: ValueError: no such column"]
    assert "\x1b" not in err and "Traceback" not in err
    assert (out / "html" / "01_broken.html").exists() and (out / "html" / "02_fine.html").exists()


_EVENTS: list = []


def _fake_notebook(path, parameters=None, output=None, html=None, cwd=None, timeout=1200):
    # Stands in for papermill: notebook 02 fails; the process that ran it is kept in `seconds`.
    name = Path(path).name
    _EVENTS.append(f"ran {name}")
    return tr.NotebookRun(name, Path(html), None, f"{name}: failed" if name.startswith("02") else None,
                          float(os.getpid()))


def test_notebooks_run_one_at_a_time_or_side_by_side_with_the_same_runs_and_messages(tmp_path, monkeypatch):
    monkeypatch.setattr(tr, "run_notebook", _fake_notebook)
    monkeypatch.setattr(sys.modules[__name__], "_EVENTS", [])
    one = tr.run_report(OTHER, out=tmp_path / "one", jobs=1, select="01,02,03", log=_EVENTS.append)
    # One at a time, each notebook is announced before it runs and its error follows it.
    assert _EVENTS == ["running 01_overview.ipynb", "ran 01_overview.ipynb", "running 02_keywords.ipynb",
                       "ran 02_keywords.ipynb", "error: 02_keywords.ipynb: failed", "running 03_topics.ipynb",
                       "ran 03_topics.ipynb"]
    lines = []
    two = tr.run_report(OTHER, out=tmp_path / "two", jobs=2, select="01,02,03", log=lines.append)
    assert lines == ["running 3 notebooks, 2 at a time", "error: 02_keywords.ipynb: failed"]
    assert [r.notebook for r in two.runs] == [r.notebook for r in one.runs] == \
        ["01_overview.ipynb", "02_keywords.ipynb", "03_topics.ipynb"]
    assert [r.error for r in two.runs] == [r.error for r in one.runs] and not one.ok
    assert {r.seconds for r in one.runs} == {os.getpid()} and os.getpid() not in {r.seconds for r in two.runs}


def test_no_notebook_is_an_error_not_success(tmp_path, monkeypatch):
    monkeypatch.setattr(tr, "TEMPLATES", tmp_path / "empty")
    with pytest.raises(tk.ToolkitError, match="no notebooks found"):
        tr.run_report(OTHER, out=tmp_path / "out")


def test_a_folder_named_data_elsewhere_is_not_the_study(tmp_path, monkeypatch):
    corpus = _copy_corpus(tmp_path / "data", ["qn2005a", "db2015a"])
    monkeypatch.chdir(tmp_path)
    assert not STUDY.is_corpus("data") and STUDY.is_corpus(ROOT / "data")
    assert STUDY.is_corpus(ROOT / "tests" / ".." / "data")
    before = {p.name: p.stat().st_mtime_ns for p in (ROOT / "figures").iterdir()}
    report = tr.run_report("data", select="01", study=STUDY, log=lambda m: None)
    assert report.kind == "generic" and report.ok
    assert report.out == (tmp_path / "reports" / "data").resolve() and corpus.exists()
    assert {p.name: p.stat().st_mtime_ns for p in (ROOT / "figures").iterdir()} == before


def _small_study(root: Path, figures: str) -> Path:
    """A study of two articles whose one notebook counts the corpus's documents into its figures folder."""
    _copy_corpus(root / "data", ["qn2005a", "db2015a"])
    (root / "notebooks").mkdir()
    nb = nbformat.v4.new_notebook(metadata={"kernelspec": {"name": "python3", "display_name": "Python 3",
                                                           "language": "python"}, "language_info": {"name": "python"}})
    nb.cells = [nbformat.v4.new_code_cell('corpus = "../data"\nfigures = "../figures"\nunit = "sentence"\nseed = 0',
                                          metadata={"tags": ["parameters"]}),
                nbformat.v4.new_code_cell("from pathlib import Path\nimport pandas as pd\n"
                                          "n = len(pd.read_csv(Path(corpus) / 'corpus.csv'))\n"
                                          "Path(figures).mkdir(parents=True, exist_ok=True)\n"
                                          "_ = (Path(figures) / 'n.txt').write_text(f'{n} {unit} {seed}')\nprint(n)")]
    nbformat.write(nb, root / "notebooks" / "01_count.ipynb")
    (root / "study.toml").write_text(f'corpus = "data"\nnotebooks = "notebooks"\nfigures = "{figures}"\n'
                                     f'reports = "reports"\n', encoding="utf-8")
    return root / "study.toml"


def test_a_study_is_where_its_configuration_says(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)        # relative paths resolve beside the configuration, not in the working folder
    study = read_study(_small_study(tmp_path / "mine", "figures").relative_to(tmp_path))
    report = tr.run_report(study=study, in_place=True, log=lambda m: None)
    assert report.kind == "study" and report.ok, [r.error for r in report.runs]
    assert report.figures == tmp_path / "mine" / "figures" and report.out == tmp_path / "mine" / "reports"
    assert (tmp_path / "mine" / "figures" / "n.txt").read_text() == "2 sentence 0"
    assert (tmp_path / "mine" / "reports" / "html" / "01_count.html").is_file()
    # The notebook's own defaults matched the study's folders: nothing was injected into the rewritten copy.
    cells = nbformat.read(tmp_path / "mine" / "notebooks" / "01_count.ipynb", as_version=4).cells
    assert len(cells) == 2 and cells[1].outputs[0].text == "2\n"
    # Figures elsewhere than the notebooks' default, another unit: only those are passed, relative to notebooks/.
    study = read_study(_small_study(tmp_path / "other", "out/figs"))
    report = tr.run_report(study=study, unit="paragraph", log=lambda m: None)
    assert report.ok and (tmp_path / "other" / "out" / "figs" / "n.txt").read_text() == "2 paragraph 0"
    assert not (tmp_path / "other" / "figures").exists()


@pytest.mark.parametrize("target, message", [
    ("raw", "overlaps the input corpus"),
    (".", "overlaps the input corpus"),
    ("file.txt", "is a file"),
    (ROOT / "figures", "would overwrite the study's figures/"),
    (ROOT / "data", "would overwrite the study's data/"),
    (ROOT / "notebooks" / "x", "would overwrite the study's notebooks/"),
    (ROOT / "tests", "would overwrite the study's tests/"),
    (ROOT, "would overwrite the study's data/"),
])
def test_out_is_checked_before_any_work(tmp_path, target, message):
    corpus = _copy_corpus(tmp_path / "mine", ["qn2005a"])
    (corpus / "file.txt").write_text("x", encoding="utf-8")
    out = target if isinstance(target, Path) else corpus / target
    with pytest.raises(tk.ToolkitError, match=re.escape(message)):
        tr.run_report(corpus, out=out, study=STUDY, log=pytest.fail)     # log is never called: nothing ran


def test_without_a_study_only_the_corpus_and_the_package_are_guarded(tmp_path):
    corpus = _copy_corpus(tmp_path / "mine", ["qn2005a"])
    with pytest.raises(tk.ToolkitError, match=re.escape("would overwrite the package's toolkit/")):
        tr.run_report(corpus, out=Path(tr.__file__).parent / "x", log=pytest.fail)
    assert tr.check_output_folder(corpus, ROOT / "figures" / "x") == ROOT / "figures" / "x"
    with pytest.raises(tk.ToolkitError, match=re.escape("would overwrite the study's figures/")):
        tr.check_output_folder(corpus, ROOT / "figures" / "x", STUDY)
    with pytest.raises(tk.ToolkitError, match="no corpus given: .* or the study's configuration with --study"):
        tr.run_report(out=tmp_path / "o", log=pytest.fail)


def test_arguments_are_checked_before_any_work(tmp_path):
    with pytest.raises(tk.ToolkitError, match=r"--by 'region' is not a column of other_question/corpus.csv; "
                                               r"choose among doc_id, year, province, outlet, title$"):
        tr.run_report(OTHER, out=tmp_path / "o", by="region", log=pytest.fail)
    with pytest.raises(tk.ToolkitError, match="--lexicon .*missing.csv: file not found"):
        tr.run_report(OTHER, out=tmp_path / "o", lexicon=tmp_path / "missing.csv", log=pytest.fail)
    with pytest.raises(tk.ToolkitError, match="no notebook '07' in templates/"):
        tr.run_report(OTHER, out=tmp_path / "o", select="07", log=pytest.fail)
    with pytest.raises(tk.ToolkitError, match="not a corpus folder"):
        tr.run_report(tmp_path, out=tmp_path / "o", log=pytest.fail)
    with pytest.raises(tk.ToolkitError, match="--in-place rewrites the study's notebooks"):
        tr.run_report(OTHER, out=tmp_path / "o", in_place=True, log=pytest.fail)


def test_the_templates_group_by_any_manifest_column(tmp_path, capsys):
    from conftest import category_corpus

    corpus = category_corpus(tmp_path / "categories")     # doc_id,file,year,category: no province
    # A typo is told the manifest's own columns, never a column it lacks.
    with pytest.raises(tk.ToolkitError, match=r"--by 'categry' is not a column of categories/corpus.csv; "
                                               r"choose among doc_id, year, category$"):
        tr.run_report(corpus, out=tmp_path / "o", by="categry", log=pytest.fail)
    with pytest.raises(tk.ToolkitError, match="--by 'province' is not a column"):
        tr.run_report(corpus, out=tmp_path / "o", by="province", log=pytest.fail)
    assert main(["summary", str(corpus), "--no-cache", "--by", "provnce"]) == 2
    assert "by='provnce' is not a manifest column; choose among year, category" in capsys.readouterr().err
    assert main(["summary", str(corpus), "--no-cache", "--by", "category"]) == 0
    summary = capsys.readouterr().out
    assert "Documents, units and tokens per category" in summary and "provinces" not in summary
    out = tmp_path / "out"
    report = tr.run_report(corpus, out=out, lexicon=LEXICON, by="category", select="02,04", log=lambda *a: None)
    assert report.ok and len(report.runs) == 2, [run.error for run in report.runs]
    assert (out / "figures" / "theme_shares_by_category.png").is_file()
    themes = _text_of(out / "notebooks" / "04_themes.ipynb")
    assert "y tế" in themes and "Traceback" not in themes


def test_notebook_subsets_by_number_or_name():
    assert [p.stem for p in tr.notebooks(tr.TEMPLATES, "04,01")] == ["01_overview", "04_themes"]
    assert [p.stem for p in tr.notebooks(tr.TEMPLATES, ["topics"])] == ["03_topics"]


def test_templates_declare_typed_parameters():
    import papermill as pm

    for path in tr.notebooks(tr.TEMPLATES):
        params = {p["name"]: p["inferred_type_name"] for p in pm.inspect_notebook(str(path)).values()}
        common = {"corpus": "str", "lexicon": "Optional[str]", "periods": "Optional[str]", "by": "str",
                  "unit": "str", "seed": "int", "figures": "str"}
        extra = {"06_validation": {"n": "int", "coders": "str", "coding": "str"},
                 "03_topics": {"topics_on": "str"}}.get(path.stem, {})   # topics_on: articles or units as documents
        assert params == {**common, **extra}, path.name
        nb = nbformat.read(path, as_version=4)
        assert all(not c.get("outputs") for c in nb.cells if c.cell_type == "code"), "templates ship without outputs"


def test_group_tables_confounds_and_findings_by_hand():
    docs = pd.DataFrame({"doc_id": list("abcd"), "year": [2005, 2015, 2015, 2020],
                         "province": ["Quảng Ninh", "Điện Biên", "Điện Biên", "Cà Mau"],
                         "outlet": ["X", "Y", "Z", "X"], "topic": ["t"] * 4})
    table = tg.describe_groups(docs, "year")
    assert table[["year", "documents", "province", "outlet"]].values.tolist() == [
        [2005, 1, "Quảng Ninh", "X"], [2015, 2, "Điện Biên", "Y, Z"], [2020, 1, "Cà Mau", "X"]]
    confounded = tg.confounds(docs, "year")
    assert confounded[["column", "kind"]].values.tolist() == [["province", "one value per group"], ["topic", "constant"]]
    # a column with a value per article (url) is counted, not listed; numbers beyond six get their range
    many = pd.DataFrame({"doc_id": [f"d{i}" for i in range(9)], "category": ["a"] * 8 + ["b"],
                         "year": [2005, 2006, 2007, 2008, 2009, 2010, 2012, 2012, 2020],
                         "url": [f"https://example.org/{i}.htm" for i in range(9)]})
    assert tg.describe_groups(many, "category")[["category", "documents", "year", "url"]].values.tolist() == [
        ["a", 8, "2005-2012 (7 values)", "8 values"], ["b", 1, "2020", "https://example.org/8.htm"]]
    lines = ts.caveats(docs, "year")
    assert "2005 and 2020 rest on one document" in lines[1]
    shares = pd.DataFrame({"year": [2005, 2020], "theme": ["health"] * 2, "share": [0.1, 0.6],
                           "ci_low": [0.0, 0.4], "ci_high": [0.3, 0.8]})
    assert ts.share_findings(shares, "year", what="units") == [
        "health: 10% [0%, 30%] of units in 2005, 60% [40%, 80%] in 2020: the last group is higher, and the intervals "
        "do not overlap."]
    assert ts.removed_summary(pd.DataFrame(columns=["doc_id", "line", "text", "reason"])) == "nothing removed"


def test_report_groups_by_a_period_derived_from_year(tmp_path):
    from toolkit.groups import add_periods, parse_periods

    assert parse_periods("2005-2012,2013-2024") == [("2005-2012", 2005, 2012), ("2013-2024", 2013, 2024)]
    with pytest.raises(tk.ToolkitError, match="overlap"):
        parse_periods("2005-2015,2013-2024")
    corpus = add_periods(tk.load_corpus(OTHER), "2005-2012,2013-2024")
    # The test corpus has two 2005 articles (Quảng Ninh) and seven of 2015 and 2020.
    assert corpus.documents.groupby("period").size().to_dict() == {"2005-2012": 2, "2013-2024": 7}
    out = tmp_path / "out"
    report = tr.run_report(OTHER, out=out, lexicon=LEXICON, by="period", periods="2005-2012,2013-2024", select="01,04",
                           log=lambda *a: None)
    assert report.ok and len(report.runs) == 2
    assert (out / "figures" / "theme_shares_by_period.png").is_file()
    # Documents outside every period are refused before any notebook runs.
    with pytest.raises(tk.ToolkitError, match="fall in no period .*qn2005a"):
        tr.run_report(OTHER, out=tmp_path / "other", by="period", periods="2010-2024", log=lambda *a: None)
    assert not (tmp_path / "other").exists()


# --- Inputs are checked before the first notebook runs ---

def _excel_lexicon(folder: Path) -> Path:
    """The test lexicon as a researcher's Excel saves it (BOM, semicolons, CRLF) with three mistakes in it."""
    folder.mkdir(parents=True)
    rows = (LEXICON.read_text(encoding="utf-8").replace(",", ";").replace(";pollution;", ";polution;")
            + "health;Bệnh viện;1;;the hospital again, capitalised\nhealth;  ;1;;a row whose term was deleted\n")
    path = folder / "themes_mine.csv"
    path.write_bytes(b"\xef\xbb\xbf" + rows.replace("\n", "\r\n").encode("utf-8"))
    shutil.copy(OTHER / "contexts_health.csv", folder / "contexts_mine.csv")
    return path


EXPECTED_LEXICON_ERRORS = [
    "3 problems in the lexicon:",
    "mine/themes_mine.csv, line 11: context 'polution' is not defined in mine/contexts_mine.csv (defined: pollution); "
    "did you mean 'pollution'?",
    "mine/themes_mine.csv, line 21: entry health / 'Bệnh viện' / (no context) is the same up to upper/lower case as "
    "on line 13; delete one",
    "mine/themes_mine.csv, line 22: empty term; write a word or phrase, or delete the row",
]


def test_a_bad_lexicon_fails_before_any_notebook_with_the_path_as_given(tmp_path, monkeypatch):
    _excel_lexicon(tmp_path / "mine")
    monkeypatch.chdir(tmp_path)
    with pytest.raises(tk.ToolkitError) as err:
        tr.run_report(OTHER, out="report", lexicon="mine/themes_mine.csv", log=pytest.fail)
    assert str(err.value).splitlines() == EXPECTED_LEXICON_ERRORS
    assert not (tmp_path / "report").exists()            # nothing written, no notebook started


def test_the_command_line_prints_a_lexicon_error_once_and_runs_nothing(tmp_path):
    import subprocess
    import sys

    _excel_lexicon(tmp_path / "mine")
    done = subprocess.run([sys.executable, "-m", "toolkit", "report", str(OTHER), "--lexicon", "mine/themes_mine.csv",
                           "--out", "report"], cwd=tmp_path, capture_output=True, text=True, timeout=120,
                          env={**__import__("os").environ, "PYTHONPATH": str(ROOT)})
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr.splitlines() == ["error: " + EXPECTED_LEXICON_ERRORS[0], *EXPECTED_LEXICON_ERRORS[1:]]
    assert not (tmp_path / "report").exists()


def test_the_coders_sheets_are_checked_before_any_notebook(tmp_path, monkeypatch):
    coding = tmp_path / "report" / "coding"
    coding.mkdir(parents=True)
    pd.DataFrame({"sample_id": [1, 2, 3], "unit_id": ["qn2005a-s1", "qn2005a-s2", "qn2005b-s1"]}).to_csv(
        coding / "sample.csv", index=False)
    # Coder A saved the sheet from Excel (BOM, semicolons, CRLF) with a typo and a row pasted from another sheet.
    sheet_a = ("sample_id;title;text;environment;health;note\r\n1;Vịnh Hạ Long;Rác thải trôi dạt.;1;0;\r\n"
               "2;Vịnh Hạ Long;Tàu du lịch đông.;0;0;\r\n3;Trạm y tế;Thiếu bác sĩ.;0;x;typo\r\n"
               "7;Bệnh viện;Khám bệnh.;0;1;from another sheet\r\n")
    (coding / "A.csv").write_bytes(b"\xef\xbb\xbf" + sheet_a.encode("utf-8"))
    pd.DataFrame({"sample_id": [1, 2, 3], "environment": [1, 0, ""], "health": [0, 0, ""]}).to_csv(
        coding / "B.csv", index=False)                  # B is half done: empty cells are fine
    monkeypatch.chdir(tmp_path)
    with pytest.raises(tk.ToolkitError) as err:
        tr.run_report(OTHER, out="report", lexicon=LEXICON, select="06", log=pytest.fail)
    assert str(err.value).splitlines() == [
        "report/coding/A.csv, line 4 (sample_id 3): health is 'x'; code 0 or 1 (leave the cell empty while the "
        "unit is not coded)",
    ]
    (coding / "A.csv").write_bytes(b"\xef\xbb\xbf" + sheet_a.replace(";x;", ";1;").encode("utf-8"))
    with pytest.raises(tk.ToolkitError) as err:
        tr.run_report(OTHER, out="report", lexicon=LEXICON, select="06", log=pytest.fail)
    assert str(err.value) == "report/coding/A.csv: sample_id(s) not in sample.csv: 7 (line 5)"
    pd.DataFrame({"sample_id": [1, 2, 3], "environment": [1, 0, 0], "Health": [0, 0, 1]}).to_csv(
        coding / "A.csv", index=False)                  # a coder capitalised a column
    with pytest.raises(tk.ToolkitError) as err:
        tr.run_report(OTHER, out="report", lexicon=LEXICON, select="06", log=pytest.fail)
    assert str(err.value) == ("report/coding/A.csv: missing theme column(s) health of the lexicon; read 'Health' "
                              "for 'health' (names are lower case)")
    assert sorted(p.name for p in (tmp_path / "report").iterdir()) == ["coding"]


def test_no_module_of_the_package_knows_the_repository_layout():
    """The study passes its folders in (study.toml); no module finds them relative to its own file."""
    import ast

    for path in sorted((ROOT / "toolkit").rglob("*.py")):
        source = path.read_text(encoding="utf-8")
        assert "parents[" not in source and ".parent.parent" not in source, path.name
        names = {node.id for node in ast.walk(ast.parse(source)) if isinstance(node, ast.Name)}
        assert not names & {"ROOT", "STUDY_DATA", "NOTEBOOKS"}, path.name
