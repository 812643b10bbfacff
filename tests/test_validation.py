"""The theme measurement against hand coding (toolkit/validation.py): precision, recall, intervals, false alarms."""

import pandas as pd
import pytest

import toolkit as tk
from conftest import DATA
from toolkit.labels import label_themes
from toolkit.validation import validate


def test_validation_against_the_hand_coding(sentences):
    coded = pd.read_csv(DATA / "validation" / "sentences_coded.csv", dtype={"unit_id": str})
    consensus = pd.read_csv(DATA / "validation" / "sentences_consensus.csv", dtype={"unit_id": str})
    # The coded texts are the current segmentation's sentences.
    current = sentences.set_index("unit_id").text
    assert (coded.text == coded.unit_id.map(current)).all()
    assert (consensus.unit_id == coded.unit_id).all()
    table = validate(coded).set_index("theme")
    assert table.n.tolist() == [89, 89, 89]
    assert table.coded.tolist() == [53, 9, 20]
    assert validate(consensus).coded.tolist() == [58, 9, 21]
    # The targets of the validation plan, in sample: F1 >= 0.85 per theme against coder A and the consensus.
    for frame in (coded, consensus):
        assert (validate(frame).f1 >= 0.85).all()
    # Read from the coding: ls2012:p06s02 counts NGO projects (people-to-people only for coder A).
    labels = label_themes(coded.set_index("unit_id").text)
    assert labels.loc["ls2012:p06s02", "people_to_people"]


def test_validation_intervals_are_exact_where_they_can_be():
    from statsmodels.stats.proportion import proportion_confint

    coded = pd.read_csv(DATA / "validation" / "sentences_consensus.csv")
    table = validate(coded, ci=0.95, n_boot=300).set_index("theme")
    row = table.loc["economic_diplomacy"]
    assert (row.precision_low, row.precision_high) == pytest.approx(
        proportion_confint(row.tp, row.tp + row.fp, method="beta"))
    assert (table.f1_low <= table.f1).all() and (table.f1 <= table.f1_high).all()


def test_false_alarms_count_any_theme():
    table = tk.false_alarms(["Tỉnh thu hút đầu tư nước ngoài.", "Trời mưa to.", "Lào Cai đẹp."]).set_index("theme")
    assert table.loc["any theme", ["n", "flagged"]].tolist() == [3, 1]
    assert table.loc["any theme", "rate"] == pytest.approx(1 / 3)


def test_term_validation_counts_right_and_wrong_hits():
    coded = pd.DataFrame({"text": ["Tỉnh thu hút đầu tư của Nhật Bản.", "Xuất khẩu gạo tăng.",
                                   "Đầu tư của Hàn Quốc vào nhà máy.", "Trời mưa."],
                          "economic_diplomacy": [1, 1, 0, 0], "border_security": 0, "people_to_people": 0})
    table = tk.term_validation(coded, lexicon="v2").set_index("term")
    # The longest match wins: "thu hút đầu tư" in text 0 (right), "đầu tư" and "nhà máy" in text 2
    # (both wrong: the foreign cue is there but the coder found no economic diplomacy).
    assert table.loc["thu hút đầu tư", ["hits", "correct"]].tolist() == [1, 1]
    assert table.loc["đầu tư", ["hits", "correct"]].tolist() == [1, 0]
    assert table.loc["xuất khẩu", "precision"] == 1.0
    assert set(table.index[:2]) == {"đầu tư", "nhà máy"}    # entries with wrong hits come first
