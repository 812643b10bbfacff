"""The coding widget on a validation sample of the study corpus: what it shows, what it writes, resuming."""

from __future__ import annotations

import pandas as pd
import pytest

import toolkit as tk
from toolkit.coding import CodingSession

THEMES = list(tk.THEMES)


@pytest.fixture(scope="module")
def sheet(sentences):
    return tk.validation_sample(sentences, 12, strata="year", seed=3)


def _read(path):
    return pd.read_csv(path, encoding="utf-8", dtype={"sample_id": str}, keep_default_na=False)


def test_buttons_and_keys_write_each_decision_to_the_coders_csv(sheet, tmp_path):
    widget = tk.code_sheet(sheet, coder="A", themes=THEMES, folder=tmp_path)
    first = sheet.sample_id.iloc[0]
    assert first in widget.text.value and sheet.text.iloc[0].split()[0] in widget.text.value
    widget.toggles["border_security"].value = True
    widget.note.value = "đồn biên phòng"
    widget.next_button.click()
    saved = _read(tmp_path / "A.csv")
    assert list(saved.columns) == ["sample_id", "title", "context_before", "text", "context_after", *THEMES, "note"]
    row = saved[saved.sample_id == first].iloc[0]
    assert (row.economic_diplomacy, row.border_security, row.people_to_people, row.note) == ("0", "1", "0", "đồn biên phòng")
    assert (saved.sample_id != first).sum() == len(sheet) - 1
    assert (saved.loc[saved.sample_id != first, THEMES] == "").all(axis=None)   # not coded yet: empty, not 0
    # keys: "1" toggles the first theme, "3" the third, "n" saves and moves on
    second = sheet.sample_id.iloc[1]
    widget.keys.value = "1"                 # typed one key at a time, as in the browser
    widget.keys.value = "13"
    widget.keys.value = "13n"
    assert widget.keys.value == "13n"       # the box keeps what was typed; each key acts once
    widget.keys.value = "13"                # deleting a key acts on nothing
    assert widget.session.position == 2 and not any(t.value for t in widget.toggles.values())
    row = _read(tmp_path / "A.csv").set_index("sample_id").loc[second]
    assert (row.economic_diplomacy, row.border_security, row.people_to_people) == ("1", "0", "1")
    assert widget.session.position == 2


def test_back_shows_the_saved_codes_and_a_new_session_resumes(sheet, tmp_path):
    widget = tk.code_sheet(sheet, coder="B", themes=THEMES, folder=tmp_path)
    widget.keys.value = "2n"
    widget.keys.value = "n"
    widget.back_button.click()
    assert widget.session.position == 1 and not any(t.value for t in widget.toggles.values())
    widget.back_button.click()
    assert widget.toggles["border_security"].value and widget.session.position == 0
    again = tk.code_sheet(sheet, coder="B", themes=THEMES, folder=tmp_path)
    assert again.session.position == 2                       # the first unit not coded
    assert sheet.sample_id.iloc[2] in again.text.value


def test_coding_every_unit_gives_a_sheet_read_codes_accepts(sheet, tmp_path):
    widget = tk.code_sheet(sheet, coder="A", themes=THEMES, folder=tmp_path)
    for i in range(len(sheet)):
        widget.keys.value = ("1" if i % 2 else "") + "n"
    assert widget.session.done and "All 12 units are coded" in widget.text.value
    coded = tk.read_codes(tmp_path / "A.csv", sheet, themes=THEMES)
    assert coded.economic_diplomacy.tolist() == [i % 2 for i in range(len(sheet))]
    assert coded.border_security.sum() == 0


def test_the_coder_sees_no_score_design_or_other_coder(sheet, tmp_path, sentences):
    other = pd.DataFrame({"sample_id": sheet.sample_id, "economic_diplomacy": 1, "border_security": 1,
                          "people_to_people": 1, "note": "CODER-B-NOTE"})
    other.to_csv(tmp_path / "B.csv", index=False)
    widget = tk.code_sheet(sheet, coder="A", themes=THEMES, folder=tmp_path)
    for _ in range(len(sheet)):
        shown = widget.text.value
        assert "CODER-B-NOTE" not in shown and "inclusion" not in shown and "stratum" not in shown
        assert str(sheet.stratum.iloc[widget.session.position]) not in shown.split("·")[0]
        assert not any(t.value for t in widget.toggles.values())   # nothing pre-filled from B
        widget.next_button.click()
    assert set(_read(tmp_path / "A.csv").columns) == {"sample_id", "title", "context_before", "text", "context_after",
                                                      *THEMES, "note"}


def test_a_failed_write_leaves_the_previous_file(sheet, tmp_path, monkeypatch):
    session = CodingSession(sheet, tmp_path / "A.csv", THEMES)
    session.toggle("people_to_people")
    session.next()
    before = (tmp_path / "A.csv").read_bytes()
    import toolkit.spreadsheet as spreadsheet

    def broken(frame, target, *args, **kwargs):
        with open(target, "w", encoding="utf-8") as handle:
            handle.write("sample_id\n")
        raise OSError("disk full")

    monkeypatch.setattr(spreadsheet, "write_csv", broken)
    session.toggle("economic_diplomacy")
    with pytest.raises(OSError):
        session.next()
    assert (tmp_path / "A.csv").read_bytes() == before
    assert not list(tmp_path.glob(".A.csv.*"))


def test_bad_files_and_names_are_refused(sheet, tmp_path):
    pd.DataFrame({"sample_id": ["s99999"], **{t: [1] for t in THEMES}}).to_csv(tmp_path / "C.csv", index=False)
    with pytest.raises(tk.ToolkitError, match="not in the sheet"):
        tk.code_sheet(sheet, coder="C", themes=THEMES, folder=tmp_path)
    pd.DataFrame({"sample_id": sheet.sample_id, **{t: 2 for t in THEMES}}).to_csv(tmp_path / "D.csv", index=False)
    with pytest.raises(tk.ToolkitError, match="must be 0, 1 or empty"):
        tk.code_sheet(sheet, coder="D", themes=THEMES, folder=tmp_path)
    with pytest.raises(tk.ToolkitError, match="plain name"):
        tk.code_sheet(sheet, coder="../x", themes=THEMES, folder=tmp_path)
    with pytest.raises(tk.ToolkitError, match="lacks column"):
        tk.code_sheet(sheet.drop(columns="context_before"), coder="E", themes=THEMES, folder=tmp_path)


def test_a_sheet_written_by_write_sheets_resumes(sheet, tmp_path):
    tk.write_sheets(sheet, tmp_path, coders=["A"], themes=THEMES, xlsx=False)
    widget = tk.code_sheet(sheet, coder="A", themes=THEMES, folder=tmp_path)
    assert widget.session.position == 0
