"""Design-based estimation (toolkit/design.py): sampling, sheets, and shares that stay right when the measurement errs."""

import numpy as np
import pandas as pd
import pytest
from scipy import stats

import toolkit as tk
from toolkit.design import _allocate, pseudo_outcomes

THEMES = ["economic_diplomacy", "border_security", "people_to_people"]


def _world(rng, n_articles=300, means=(0.15, 0.30), sens=(0.6, 0.9), fpr=(0.02, 0.10)):
    """A corpus whose true share differs by group and whose measurement errs differently by group.

    Articles carry their own propensity (Beta, mean ``means[g]``), so sentences cluster within
    articles; the measurement finds a true sentence with probability ``sens[g]`` and flags a false
    one with probability ``fpr[g]``. The truth of a group is the mean of its propensities' law.
    """
    group = np.repeat([0, 1], n_articles // 2)
    size = rng.poisson(8, n_articles) + 1
    conc = 4.0
    p = rng.beta(np.take(means, group) * conc, (1 - np.take(means, group)) * conc)
    doc = np.repeat(np.arange(n_articles), size)
    g = group[doc]
    y = rng.random(len(doc)) < p[doc]
    f = np.where(y, rng.random(len(doc)) < np.take(sens, g), rng.random(len(doc)) < np.take(fpr, g))
    units = pd.DataFrame({"unit_id": [f"u{i}" for i in range(len(doc))], "doc_id": doc, "year": np.where(g, 2023, 2012),
                          "text": "", "kind": "body"})
    units["duplicate_of"] = pd.Series(pd.NA, index=units.index, dtype="string")
    return units, y.astype(int), f.astype(int)


def _one(rng, n=300):
    units, y, f = _world(rng)
    labels = pd.DataFrame({"economic_diplomacy": f}, index=units.index)
    # stratified by year x automated label: positives are oversampled
    strata = units.year.astype(str) + "/" + pd.Series(f, index=units.index).astype(str)
    sizes = strata.value_counts().sort_index()
    alloc = _allocate(sizes, n, 2)
    picked = []
    for s, size in sizes.items():
        idx = np.flatnonzero((strata == s).to_numpy())
        take = rng.choice(idx, size=alloc[s], replace=False)
        picked.append(pd.DataFrame({"unit_id": units.unit_id.to_numpy()[take], "inclusion_prob": alloc[s] / size,
                                    "economic_diplomacy": y[take]}))
    coded = pd.concat(picked, ignore_index=True)
    return tk.design_based_shares(units, coded, by="year", labels=labels)


def test_design_based_shares_are_unbiased_and_cover_by_simulation():
    """1,000 corpora and samples: bias within 0.01 and 95% coverage in [0.93, 0.97] in each group,
    while the automated share is biased by the measurement's group-specific errors."""
    rng = np.random.default_rng(20261205)
    truth = {2012: 0.15, 2023: 0.30}
    results = pd.concat([_one(rng).assign(rep=r) for r in range(1000)], ignore_index=True)
    for year, part in results.groupby("year"):
        bias = part.estimate.mean() - truth[year]
        cover = ((part.ci_low <= truth[year]) & (truth[year] <= part.ci_high)).mean()
        naive_bias = part.automated.mean() - truth[year]
        assert abs(bias) <= 0.01, (year, bias)
        assert 0.93 <= cover <= 0.97, (year, cover)
        assert abs(naive_bias) > 0.03, (year, naive_bias)   # -0.043 and +0.04 expected


def _simple_random_sample(rng, n_all, n, prevalence, sensitivity, false_positive, theme):
    """A corpus of one-unit articles with true codes ``y`` and automated labels ``f``, a simple random sample
    ``take`` of ``n`` coded units, and the design-based share of ``theme``."""
    y = (rng.random(n_all) < prevalence).astype(int)
    f = np.where(y == 1, rng.random(n_all) < sensitivity, rng.random(n_all) < false_positive).astype(int)
    units = pd.DataFrame({"unit_id": np.arange(n_all).astype(str), "doc_id": np.arange(n_all), "text": ""})
    take = np.sort(rng.choice(n_all, n, replace=False))
    coded = pd.DataFrame({"unit_id": units.unit_id[take], "inclusion_prob": n / n_all, theme: y[take]})
    return y, f, take, tk.design_based_shares(units, coded, labels=pd.DataFrame({theme: f}))


def test_equals_prediction_powered_inference_under_simple_random_sampling():
    """With a simple random sample, one unit per article and lambda = 1, the estimate is the PPI mean
    (Angelopoulos et al. 2023, eq. 2) and the interval its CLT interval up to the variance's small terms."""
    y, f, take, out = _simple_random_sample(np.random.default_rng(3), 4000, 400, 0.2, 0.8, 0.05, "border_security")
    n_all, n = len(y), len(take)
    ppi = f.mean() - (f[take] - y[take]).mean()
    assert out.estimate.iloc[0] == pytest.approx(ppi, abs=1e-12)
    # PPI's standard error: sqrt(var(f)/N + var(f - y)/n) over the unlabelled (all) and labelled units
    se_ppi = np.sqrt(f.var(ddof=1) / n_all + (f[take] - y[take]).var(ddof=1) / n)
    assert out.se.iloc[0] == pytest.approx(se_ppi, rel=0.05)
    half = stats.t.ppf(0.975, n_all - 1) * out.se.iloc[0]
    assert out.ci_high.iloc[0] - out.estimate.iloc[0] == pytest.approx(half)


def test_equals_the_reference_implementation_of_prediction_powered_inference():
    """ppi_py (Angelopoulos et al.'s package) with lambda = 1, the unlabelled predictions being every unit's:
    the same point estimate to rounding, the same interval up to our t quantile and small-sample factor."""
    from ppi_py import ppi_mean_ci, ppi_mean_pointestimate

    y, f, take, out = _simple_random_sample(np.random.default_rng(11), 5000, 300, 0.12, 0.7, 0.04, "economic_diplomacy")
    y, f, out = y.astype(float), f.astype(float), out.iloc[0]
    point = float(np.ravel(ppi_mean_pointestimate(y[take], f[take], f, lam=1))[0])
    low, high = (float(np.ravel(v)[0]) for v in ppi_mean_ci(y[take], f[take], f, alpha=0.05, lam=1))
    assert out.estimate == pytest.approx(point, abs=1e-12)
    assert out.ci_low == pytest.approx(low, abs=0.004) and out.ci_high == pytest.approx(high, abs=0.004)
    assert (out.ci_high - out.ci_low) / (high - low) == pytest.approx(1, abs=0.05)


def test_a_perfect_measurement_needs_no_correction():
    rng = np.random.default_rng(0)
    units, y, _ = _world(rng)
    labels = pd.DataFrame({"people_to_people": y}, index=units.index)
    take = rng.choice(len(units), 100, replace=False)
    coded = pd.DataFrame({"unit_id": units.unit_id.to_numpy()[take], "inclusion_prob": 100 / len(units),
                          "people_to_people": y[take]})
    out = tk.design_based_shares(units, coded, by="year", labels=labels)
    np.testing.assert_allclose(out.estimate, out.automated)


def test_groups_without_codes_keep_the_automated_share_without_an_interval():
    units = pd.DataFrame({"unit_id": list("abcd"), "doc_id": [1, 1, 2, 3], "year": [2012, 2012, 2023, 2023], "text": ""})
    labels = pd.DataFrame({"border_security": [1, 0, 1, 1]})
    coded = pd.DataFrame({"unit_id": ["a", "b"], "inclusion_prob": 1.0, "border_security": [0, 0]})
    out = tk.design_based_shares(units, coded, by="year", labels=labels).set_index("year")
    assert out.loc[2012, "estimate"] == 0 and out.loc[2012, "n_coded"] == 2
    assert out.loc[2023, "estimate"] == 1 and np.isnan(out.loc[2023, "ci_low"]) and out.loc[2023, "n_coded"] == 0


def test_coded_units_are_checked():
    units = pd.DataFrame({"unit_id": list("ab"), "doc_id": [1, 2], "text": ""})
    labels = pd.DataFrame({"border_security": [1, 0]})
    with pytest.raises(tk.ToolkitError, match="inclusion_prob"):
        tk.design_based_shares(units, pd.DataFrame({"unit_id": ["a"], "inclusion_prob": 0, "border_security": 1}), labels=labels)
    with pytest.raises(tk.ToolkitError, match="coded twice"):
        tk.design_based_shares(units, pd.DataFrame({"unit_id": ["a", "a"], "inclusion_prob": 0.5, "border_security": 1}), labels=labels)
    with pytest.raises(tk.ToolkitError, match="not among the measured units"):
        tk.design_based_shares(units, pd.DataFrame({"unit_id": ["z"], "inclusion_prob": 0.5, "border_security": 1}), labels=labels)


def test_regression_recovers_the_difference_the_measurement_hides():
    rng = np.random.default_rng(11)
    units, y, f = _world(rng, n_articles=600)
    labels = pd.DataFrame({"economic_diplomacy": f}, index=units.index)
    take = rng.choice(len(units), 800, replace=False)
    coded = pd.DataFrame({"unit_id": units.unit_id.to_numpy()[take], "inclusion_prob": 800 / len(units),
                          "economic_diplomacy": y[take]})
    fit = tk.design_based_regression(units, coded, "economic_diplomacy", "C(year)", labels=labels).set_index("term")
    row = fit.loc["C(year)[T.2023]"]
    assert row.ci_low <= 0.15 <= row.ci_high          # the true difference, 0.30 - 0.15
    assert row.coef_automated > 0.20                   # the measurement's errors inflate it (0.23 expected)
    assert not row.ci_low <= row.coef_automated <= row.ci_high


def test_validation_sample_is_seeded_blind_and_weighted():
    corpus = tk.load_corpus("data")
    units = tk.segment(corpus, unit="sentence")
    sheet = tk.validation_sample(units, 30, strata="year", seed=4, lexicon="v2")
    again = tk.validation_sample(units, 30, strata="year", seed=4, lexicon="v2")
    pd.testing.assert_frame_equal(sheet, again)
    assert len(sheet) == 30 and sheet.unit_id.is_unique
    assert not set(THEMES) & set(sheet.columns) and "label" not in sheet.columns
    body = units[(units.kind == "body") & units.duplicate_of.isna()]
    assert set(sheet.unit_id) <= set(body.unit_id)
    # inclusion probabilities are n_h / N_h of each stratum: their inverses add up to the population
    assert (1 / sheet.inclusion_prob).sum() == pytest.approx(len(body))
    # context is the neighbouring unit of the same article
    row = sheet.iloc[0]
    ordered = units.sort_values(["doc_id", "paragraph", "sentence"]).reset_index(drop=True)
    i = ordered.index[ordered.unit_id == row.unit_id][0]
    if i > 0 and ordered.doc_id[i - 1] == row.doc_id:
        assert row.context_before == ordered.text[i - 1]


def test_sheets_round_trip(tmp_path):
    units = tk.segment(tk.load_corpus("data"), unit="sentence")
    sheet = tk.validation_sample(units, 12, seed=1)
    files = tk.write_sheets(sheet, tmp_path, coders=["A", "B"])
    assert sorted(p.name for p in files) == ["A.csv", "A.xlsx", "B.csv", "B.xlsx"]
    blank = pd.read_csv(tmp_path / "A.csv")
    assert "inclusion_prob" not in blank.columns and "stratum" not in blank.columns
    blank[THEMES] = 0
    blank.loc[0, "border_security"] = 1
    blank.to_csv(tmp_path / "A.csv", index=False)
    coded = tk.read_codes(tmp_path / "A.csv", sheet)
    assert coded.border_security.sum() == 1 and (coded.inclusion_prob == sheet.inclusion_prob).all()
    blank.loc[1, "people_to_people"] = 2
    blank.to_csv(tmp_path / "A.csv", index=False)
    with pytest.raises(tk.ToolkitError, match=rf"A.csv, line 3 \(sample_id {blank.sample_id[1]}\): people_to_people is '2'"):
        tk.read_codes(tmp_path / "A.csv", sheet)


def test_allocation_sums_to_n_with_a_floor():
    sizes = pd.Series({"a": 1000, "b": 10, "c": 1})
    alloc = _allocate(sizes, 50, 2)
    assert sum(alloc.values()) == 50 and alloc["c"] == 1 and alloc["b"] >= 2
    with pytest.raises(tk.ToolkitError, match="smaller than"):
        _allocate(sizes, 3, 2)


def test_pseudo_outcomes_of_uncoded_units_are_the_automated_labels():
    units = pd.DataFrame({"unit_id": list("abc"), "doc_id": [1, 1, 2], "text": ""})
    labels = pd.DataFrame({"border_security": [1, 0, 1]})
    coded = pd.DataFrame({"unit_id": ["b"], "inclusion_prob": 0.25, "border_security": [1]})
    out = pseudo_outcomes(units, coded, labels=labels)
    assert out.border_security.tolist() == [1, 4, 1]


# --- The coding round, on the study corpus with its two real codings ---

from pathlib import Path  # noqa: E402

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


def test_a_sheet_saved_by_excel_is_read_and_its_errors_name_the_line(tmp_path):
    units = tk.segment(tk.load_corpus("data"), unit="sentence")
    sheet = tk.validation_sample(units, 6, seed=1)
    ids = sheet.sample_id.tolist()
    rows = ["sample_id;economic_diplomacy;border_security;people_to_people;note"]
    rows += [f"{i};0;{1 if k == 0 else 0};0;" for k, i in enumerate(ids)]
    path = tmp_path / "A.csv"
    path.write_bytes(b"\xef\xbb\xbf" + "\r\n".join(rows).encode("utf-8"))
    coded = tk.read_codes(path, sheet)
    assert coded.sample_id.tolist() == ids and coded.border_security.tolist() == [1, 0, 0, 0, 0, 0]
    rows[3] = rows[3].replace(";0;0;", ";oui;0;")       # line 4: not a code
    path.write_bytes(b"\xef\xbb\xbf" + "\r\n".join(rows).encode("utf-8"))
    with pytest.raises(tk.ToolkitError, match=rf"A.csv, line 4 \(sample_id {ids[2]}\): economic_diplomacy is 'oui'"):
        tk.read_codes(path, sheet)
    with pytest.raises(tk.ToolkitError, match=rf"A.csv, line 4 \(sample_id {ids[2]}\)"):
        tk.coding_progress(tmp_path, sheet)
    path.write_bytes("\n".join(rows).encode("cp1252", errors="replace").replace(b"oui", b"\xe9t\xe9"))
    with pytest.raises(tk.ToolkitError, match="A.csv, line 4: the coding sheet is not valid UTF-8"):
        tk.read_codes(path, sheet)


def test_marked_units_are_oversampled_and_the_weights_still_add_up(study_units):
    _, units = study_units
    body = units[(units.kind == "body") & units.duplicate_of.isna()]
    marked = int(tk.label_themes(body.text, "v2").any(axis=1).sum())
    for share in (0.5, 0.2):
        sheet = tk.validation_sample(units, 20, strata="year", seed=2, lexicon="v2", marked_share=share)
        drawn = int(sheet.stratum.str.endswith("/theme").sum())
        assert drawn == min(round(20 * share), marked)
        assert (1 / sheet.inclusion_prob).sum() == pytest.approx(len(body))
    with pytest.raises(tk.ToolkitError, match="marked_share must be between 0 and 1"):
        tk.validation_sample(units, 20, lexicon="v2", marked_share=1.5)
