"""The coding round (toolkit/coding_round.py), on the study corpus with its two real codings: a sample drawn
once, the coders' progress, adjudication, consensus, and the validation template walking the round."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import toolkit as tk

STUDY = Path(__file__).resolve().parents[1] / "data"
THEMES = list(tk.THEMES)


@pytest.fixture(scope="module")
def study_units():
    corpus = tk.load_corpus(STUDY)
    return corpus, tk.segment(corpus, unit="sentence")


def _fill(path: Path, codes: pd.DataFrame) -> None:
    """Write a coder's decisions into their blank sheet, as a coder saving the CSV would."""
    sheet = pd.read_csv(path, encoding="utf-8", keep_default_na=False)
    filled = sheet.drop(columns=THEMES).merge(codes[["sample_id", *THEMES]], on="sample_id", how="left")
    filled.to_csv(path, index=False, encoding="utf-8")


def test_the_coding_round_with_the_study_coders(tmp_path, study_units):
    corpus, units = study_units
    folder = tmp_path / "coding"
    eligible = int(((units.kind == "body") & units.duplicate_of.isna()).sum())
    sheet = tk.coding_sample(units, folder, n=eligible, strata="year", seed=3, lexicon="v3")
    assert sorted(p.name for p in folder.iterdir()) == ["A.csv", "A.xlsx", "B.csv", "B.xlsx", "sample.csv"]
    assert (sheet.inclusion_prob == 1).all() and sheet.unit_id.is_unique     # every body unit: a census
    progress = tk.coding_progress(folder, sheet)
    assert progress.coded.tolist() == [0, 0] and not progress.complete.any()

    # coder A: the project's coding (by unit_id); coder B: the independent coding of the raw files (by text)
    a = pd.read_csv(STUDY.parent / "data" / "validation" / "sentences_coded.csv")
    b = tk.join_codings(units, pd.read_csv(STUDY / "validation" / "coder_b.csv"), THEMES, documents=corpus.documents)
    ids = sheet[["sample_id", "unit_id"]]
    code_a = ids.merge(a[["unit_id", *THEMES]], on="unit_id")
    code_b = ids.merge(b[["unit_id", *THEMES]], on="unit_id", how="left").fillna(0)   # B's unmatched: coded 0
    assert len(code_a) == len(sheet)
    _fill(folder / "A.csv", code_a)
    _fill(folder / "B.csv", code_b)
    progress = tk.coding_progress(folder, sheet)
    assert progress.complete.all() and progress.file.tolist() == ["A.csv", "B.csv"]

    # drawn once: a second call reads the stored sample and leaves the coders' files alone
    before = (folder / "A.csv").read_bytes()
    again = tk.coding_sample(units, folder, n=10, strata="year", seed=99)
    assert again.sample_id.tolist() == sheet.sample_id.tolist() and (folder / "A.csv").read_bytes() == before

    ra, rb = tk.read_codes(folder / "A.csv", sheet), tk.read_codes(folder / "B.csv", sheet)
    agreement = tk.agreement(ra, rb, THEMES, key="sample_id")
    joined = code_a.merge(code_b, on="sample_id", suffixes=("_a", "_b"))
    for row in agreement.itertuples():
        assert row.disagreements == int((joined[f"{row.theme}_a"] != joined[f"{row.theme}_b"]).sum())
    differ = np.zeros(len(joined), bool)
    for t in THEMES:
        differ |= (joined[f"{t}_a"] != joined[f"{t}_b"]).to_numpy()
    assert differ.any()

    adjudication = tk.adjudication_sheet(ra, rb, sheet, folder)
    assert sorted(adjudication.sample_id) == sorted(joined.sample_id[differ])
    for t in THEMES:     # agreed themes come filled in, open ones empty
        open_ = adjudication[t] == ""
        assert (open_ == (adjudication[f"{t}_A"] != adjudication[f"{t}_B"])).all()
    with pytest.raises(tk.ToolkitError, match=r"of \d+ disagreement\(s\) have no decision yet"):
        tk.consensus(ra, rb, folder)

    # the adjudicator decides by the study's consensus
    final = ids.merge(pd.read_csv(STUDY / "validation" / "sentences_consensus.csv")[["unit_id", *THEMES]], on="unit_id")
    decided = pd.read_csv(folder / "adjudication.csv", keep_default_na=False)
    decided = decided.drop(columns=THEMES).merge(final[["sample_id", *THEMES]], on="sample_id")
    decided.to_csv(folder / "adjudication.csv", index=False)
    coded = tk.consensus(ra, rb, folder)
    check = coded.merge(final, on="sample_id", suffixes=("", "_final")).merge(joined, on="sample_id")
    disputed = check.sample_id.isin(adjudication.sample_id)
    for t in THEMES:     # the decision where the coders differ, their shared code where they agree
        expected = np.where(disputed & (check[f"{t}_a"] != check[f"{t}_b"]), check[f"{t}_final"], check[f"{t}_a"])
        assert (check[t].to_numpy() == expected).all()

    # a census: the design-based share is the hand-coded share of each year
    shares = tk.design_based_shares(units, coded, by="year", lexicon="v3")
    by_hand = check.merge(units[["unit_id", "year"]], on="unit_id").groupby("year")[THEMES].mean()
    for r in shares.itertuples():
        assert r.estimate == pytest.approx(by_hand.loc[r.year, r.theme])

    acc = tk.accuracy(coded, units, lexicon="v3", n_boot=300)
    labels = tk.label_themes(check.merge(units[["unit_id", "text"]], on="unit_id").text, "v3")
    for r in acc.itertuples():
        assert r.tp == int((labels[r.theme].to_numpy() & check[r.theme].astype(bool).to_numpy()).sum())
        assert r.f1_low <= r.f1 <= r.f1_high
        assert r.f1_weighted == pytest.approx(r.f1)     # equal weights in a census
    assert acc.articles.eq(units.doc_id.nunique()).all()


def test_a_stored_sample_from_another_corpus_is_refused(tmp_path, study_units):
    _, units = study_units
    folder = tmp_path / "coding"
    tk.coding_sample(units, folder, n=20, seed=1)
    with pytest.raises(tk.ToolkitError, match="not in the corpus any more.*delete sample.csv"):
        tk.coding_sample(units[units.doc_id != units.doc_id.iloc[0]], folder, n=20)
    (folder / "sample.csv").unlink()
    with pytest.raises(tk.ToolkitError, match="coding sheet\\(s\\) of A, B exist without a sample.csv"):
        tk.coding_sample(units, folder, n=20, seed=1)


def _code_like_the_study(folder: Path, sheet: pd.DataFrame, corpus, units) -> None:
    """Fill both sheets and the adjudication with the study's real codings (as in the test above)."""
    a = pd.read_csv(STUDY / "validation" / "sentences_coded.csv")
    b = tk.join_codings(units, pd.read_csv(STUDY / "validation" / "coder_b.csv"), THEMES, documents=corpus.documents)
    ids = sheet[["sample_id", "unit_id"]]
    _fill(folder / "A.csv", ids.merge(a[["unit_id", *THEMES]], on="unit_id"))
    _fill(folder / "B.csv", ids.merge(b[["unit_id", *THEMES]], on="unit_id", how="left").fillna(0))
    ra, rb = tk.read_codes(folder / "A.csv", sheet), tk.read_codes(folder / "B.csv", sheet)
    tk.adjudication_sheet(ra, rb, sheet, folder)
    final = ids.merge(pd.read_csv(STUDY / "validation" / "sentences_consensus.csv")[["unit_id", *THEMES]], on="unit_id")
    decided = pd.read_csv(folder / "adjudication.csv", keep_default_na=False)
    decided.drop(columns=THEMES).merge(final[["sample_id", *THEMES]], on="sample_id").to_csv(
        folder / "adjudication.csv", index=False)


def test_the_validation_template_walks_the_round(tmp_path, study_units):
    import nbformat

    from toolkit import report as tr

    corpus, units = study_units
    out = tmp_path / "report"
    first = tr.run_report(STUDY, out=out, generic=True, select="06", log=lambda *a: None)
    assert first.ok, [r.error for r in first.runs]
    text = (out / "html" / "06_validation.html").read_text(encoding="utf-8")
    assert "Waiting for the coders" in text and "A has coded 0 of 80 units" in text
    sheet = pd.read_csv(out / "coding" / "sample.csv", keep_default_na=False)
    _code_like_the_study(out / "coding", sheet, corpus, units)
    second = tr.run_report(STUDY, out=out, generic=True, select="06", log=lambda *a: None)
    assert second.ok, [r.error for r in second.runs]
    nb = nbformat.read(out / "notebooks" / "06_validation.ipynb", as_version=4)
    shown = "\n".join(str(o.get("data", {}).get("text/markdown", "")) for c in nb.cells for o in c.get("outputs", []))
    assert "Waiting" not in shown and "the coders agree at alpha" in shown and "largest correction" in shown
    figures = out / "figures"
    for name in ("table_coder_agreement.csv", "table_measurement_accuracy.csv", "design_based_shares_by_year.png",
                 "table_design_based_shares_by_year.csv"):
        assert (figures / name).stat().st_size > 0, name
    shares = pd.read_csv(figures / "design_based_shares_by_year.csv")
    assert set(shares.year) == {2012, 2017, 2023} and (shares.n_coded > 0).all()
