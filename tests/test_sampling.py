"""The validation sample and its coding sheets (toolkit/sampling.py): a seeded, blind, weighted draw and
sheets that round-trip, with errors that name the file and line."""

import pandas as pd
import pytest

import toolkit as tk
from toolkit.sampling import _allocate

THEMES = ["economic_diplomacy", "border_security", "people_to_people"]


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


def test_marked_units_are_oversampled_and_the_weights_still_add_up(sentences):
    units = sentences
    body = units[(units.kind == "body") & units.duplicate_of.isna()]
    marked = int(tk.label_themes(body.text, "v2").any(axis=1).sum())
    for share in (0.5, 0.2):
        sheet = tk.validation_sample(units, 20, strata="year", seed=2, lexicon="v2", marked_share=share)
        drawn = int(sheet.stratum.str.endswith("/theme").sum())
        assert drawn == min(round(20 * share), marked)
        assert (1 / sheet.inclusion_prob).sum() == pytest.approx(len(body))
    with pytest.raises(tk.ToolkitError, match="marked_share must be between 0 and 1"):
        tk.validation_sample(units, 20, lexicon="v2", marked_share=1.5)
