"""Spreadsheet-safe exports (toolkit/spreadsheet.py): no CSV or XLSX the toolkit writes carries a live formula."""

import csv
import re
from pathlib import Path

import matplotlib
import numpy as np
import pandas as pd
import pytest

import toolkit as tk
import toolkit.spreadsheet as ts
from toolkit import figures as tf
from toolkit.spreadsheet import restore, safe_cell, spreadsheet_safe

from conftest import ROOT

matplotlib.use("Agg")

PAYLOADS = ["+Lào Cai", "@SUM(1+1)*cmd|' /C calc'!A0", '=HYPERLINK("http://x.example","x")', "-2+3+cmd|' /C calc'!A0",
            "\t=1+1", "\r=1+1"]
PLAIN = ["Lào Cai", "Hà Giang", "2012-2020", "a=b", "'quoted", ""]


def _frame() -> pd.DataFrame:
    """What a report writes: ids, titles, provinces and lexicon terms beside numbers (negative ones too)."""
    n = len(PAYLOADS)
    return pd.DataFrame({
        "doc_id": PAYLOADS, "title": PAYLOADS[::-1], "province": ["+Lào Cai"] * n,
        "term": ['=HYPERLINK("x")'] + PAYLOADS[1:], "share": [-0.5, 0.25, -1.0, 0.0, 1e-7, -3.0],
        "hits": np.arange(-2, n - 2), "flag": [True, False] * (n // 2),
    })


def _cells(path: Path) -> list[list[str]]:
    with open(path, newline="", encoding="utf-8") as handle:
        return list(csv.reader(handle))


def _live(value) -> bool:
    """Text a spreadsheet would run: a trigger first, and not a plain number such as -0.5 or -2."""
    return (isinstance(value, str) and value[:1] in ts.TRIGGERS
            and not re.fullmatch(r"-\d+(\.\d*)?(e[-+]?\d+)?", value))


@pytest.mark.parametrize("payload", PAYLOADS)
def test_a_formula_like_text_cell_gets_a_quote_and_comes_back(payload):
    assert safe_cell(payload) == "'" + payload
    assert restore(safe_cell(payload)) == payload


@pytest.mark.parametrize("value", [*PLAIN, -0.5, 3, None, np.nan, pd.NA, True, pd.Timestamp("2020-01-01")])
def test_anything_else_is_left_alone(value):
    assert safe_cell(value) is value
    assert restore(value) is value


def test_text_already_quoted_in_front_of_a_trigger_still_round_trips():
    for value in ["'=x", "''+x", "'quoted"]:
        assert restore(safe_cell(value)) == value
    assert safe_cell("'=x") == "''=x"                     # a spreadsheet shows '=x, as written


def test_only_text_columns_change():
    frame = _frame()
    safe = spreadsheet_safe(frame)
    assert safe is not frame and frame.doc_id.tolist() == PAYLOADS        # the input is not modified
    assert safe.doc_id.tolist() == ["'" + p for p in PAYLOADS]
    for column in ("share", "hits", "flag"):
        pd.testing.assert_series_equal(safe[column], frame[column])
    pd.testing.assert_frame_equal(ts.restore_frame(safe), frame)
    categorical = pd.DataFrame({"g": pd.Categorical(["=a", "b", "=a"])})
    assert spreadsheet_safe(categorical).g.astype(str).tolist() == ["'=a", "b", "'=a"]
    strings = pd.DataFrame({"g": pd.array(["-x", None, "y"], dtype="string")})
    assert spreadsheet_safe(strings).g.tolist()[::2] == ["'-x", "y"]


def test_save_table_and_save_figure_write_no_live_formula(tmp_path):
    frame = _frame().rename(columns={"term": "=term"})        # a column name from a user's lexicon
    tf.save_table(frame, "terms", tmp_path)
    fig, _ = matplotlib.pyplot.subplots()
    tf.save_figure(fig, "shares", frame, tmp_path)
    for name in ("terms.csv", "shares.csv"):
        rows = _cells(tmp_path / name)
        assert not [cell for row in rows for cell in row if _live(cell)], name
        header = rows[0]
        assert "'=term" in header
        read = pd.read_csv(tmp_path / name).rename(columns={"doc id": "doc_id"})   # save_table labels columns
        assert read.share.tolist() == pytest.approx(frame.share.tolist())   # -0.5 stays a number
        assert read.hits.tolist() == frame.hits.tolist()
        assert read.doc_id.tolist() == ["'" + p for p in PAYLOADS]
        assert read.province.unique().tolist() == ["'+Lào Cai"]
    # the LaTeX table is not a spreadsheet: its cells are as given (escaped for LaTeX only)
    assert "'+Lào Cai" not in (tmp_path / "terms.tex").read_text(encoding="utf-8")


def test_safe_false_and_the_module_setting_write_cells_as_they_are(tmp_path, monkeypatch):
    frame = _frame()
    tf.save_table(frame, "raw", tmp_path, safe=False)
    assert _cells(tmp_path / "raw.csv")[1][0] == "+Lào Cai"
    monkeypatch.setattr(ts, "SAFE", False)
    tf.save_table(frame, "off", tmp_path)
    assert _cells(tmp_path / "off.csv")[1][0] == "+Lào Cai"
    tf.save_table(frame, "on", tmp_path, safe=True)           # a call can still ask for it
    assert _cells(tmp_path / "on.csv")[1][0] == "'+Lào Cai"


def test_coding_sheets_are_safe_in_csv_and_xlsx_and_still_read_back(tmp_path):
    from openpyxl import load_workbook

    units = tk.segment(tk.load_corpus(ROOT / "data"), unit="sentence")
    sheet = tk.validation_sample(units, 12, seed=1)
    sheet["title"] = [PAYLOADS[i % len(PAYLOADS)] for i in range(len(sheet))]
    sheet.loc[0, "text"] = '=HYPERLINK("x")'
    sheet.loc[1, "context_before"] = "@SUM(1+1)*cmd|' /C calc'!A0"
    themes = ["=evil", "border_security"]
    tk.write_sheets(sheet, tmp_path, coders=["A"], themes=themes)
    rows = _cells(tmp_path / "A.csv")
    assert not [cell for row in rows for cell in row if _live(cell)]
    assert rows[0][5] == "'=evil" and rows[1][1] == "'" + PAYLOADS[0] and rows[1][3] == "'=HYPERLINK(\"x\")"
    book = load_workbook(tmp_path / "A.xlsx")
    cells = [c for row in book["coding"].iter_rows() for c in row]
    assert not [c.coordinate for c in cells if c.data_type == "f"]       # openpyxl makes "=..." a formula
    assert not [c.value for c in cells if _live(c.value)]
    assert book["coding"]["B2"].value == "'" + PAYLOADS[0]
    blank = pd.read_csv(tmp_path / "A.csv")[["sample_id", "'=evil", "border_security"]]   # as a coder returns it
    blank[["'=evil", "border_security"]] = 0
    blank.loc[0, "'=evil"] = 1
    blank.to_csv(tmp_path / "A.csv", index=False)
    coded = tk.read_codes(tmp_path / "A.csv", sheet, themes=themes)
    assert coded["=evil"].sum() == 1                                   # the quote is removed from the header
    tk.write_sheets(sheet, tmp_path / "raw", coders=["A"], themes=themes, xlsx=False, safe=False)
    assert _cells(tmp_path / "raw" / "A.csv")[1][1] == PAYLOADS[0]


def test_a_saved_document_term_matrix_is_safe_and_loads_as_it_was(tmp_path):
    units = pd.DataFrame({"doc_id": PAYLOADS, "province": ["+Lào Cai", "Hà Giang"] * 3, "year": [2012] * 6,
                          "tokens": [["cửa_khẩu", "hợp_tác"]] * 6})
    for by in (["doc_id", "province"], ["province", "year"]):
        counts = tk.dfm(units, by=by)
        files = counts.save(tmp_path / "m")
        rows = _cells(files[2])
        assert not [cell for row in rows for cell in row if _live(cell)]
        again = tk.DFM.load(tmp_path / "m")
        pd.testing.assert_frame_equal(again.rows, counts.rows, check_dtype=False)
        assert (again.matrix != counts.matrix).nnz == 0


def test_a_carriage_return_inside_a_cell_cannot_start_a_row(tmp_path):
    frame = pd.DataFrame({"title": ["Lào Cai\r=1+1", "Hà Giang"], "share": [-0.5, 1.0]})
    tf.save_table(frame, "cr", tmp_path)
    rows = _cells(tmp_path / "cr.csv")
    assert len(rows) == 3 and rows[1][0] == "Lào Cai\r=1+1"
    assert pd.read_csv(tmp_path / "cr.csv").share.tolist() == [-0.5, 1.0]
    tf.save_table(frame.iloc[1:], "plain", tmp_path)
    assert (tmp_path / "plain.csv").read_text(encoding="utf-8") == "title,share\nHà Giang,1\n"   # unquoted as before


def test_every_writer_goes_through_the_one_helper():
    """No toolkit module calls to_csv, to_excel or a csv writer on a file except through toolkit.spreadsheet."""
    found = {}
    for path in sorted((ROOT / "toolkit").glob("*.py")):
        text = path.read_text(encoding="utf-8")
        calls = re.findall(r"([\w.]+(?:\([^)]*\))?)\.to_(csv|excel)\(([^)]*)\)", text) + re.findall(r"()(csv)\.(?:writer|DictWriter)\(()", text)
        found[path.name] = [(obj, kind) for obj, kind, args in calls if not args.startswith("index=False")]
    # archive.py hashes rows.to_csv(index=False) as text; spreadsheet.py is the helper itself
    assert {name: calls for name, calls in found.items() if calls} == {
        "coding_round.py": [("spreadsheet_safe(out)", "excel")],
        "sampling.py": [("spreadsheet_safe(blank, safe)", "excel")],
        "spreadsheet.py": [("cells", "csv")]}
    defined = [p.name for p in (ROOT / "toolkit").glob("*.py") if "def spreadsheet_safe" in p.read_text(encoding="utf-8")]
    assert defined == ["spreadsheet.py"]
