"""Agreement between coder A (the project) and coder B (independent), checked by hand and against libraries."""

import numpy as np
import pandas as pd
import pytest

import toolkit as tk
from conftest import DATA
from toolkit.agreement import agreement, disagreements, join_codings, krippendorff_alpha


def test_alpha_by_hand_with_missing_values():
    # Krippendorff's nominal alpha by hand for two coders on 6 units, one code missing:
    # pairable units 5: (1,1) (0,0) (1,0) (0,0) (1,1); coincidences o11 = 4, o00 = 4, o10 = o01 = 1,
    # n = 10, n1 = n0 = 5: alpha = 1 - (2/10) / (2 * 5 * 5 / 90) = 0.64.
    codes = np.array([[1, 0, 1, 0, 1, 1], [1, 0, 0, 0, 1, np.nan]])
    assert krippendorff_alpha(codes) == pytest.approx(0.64)
    assert np.isnan(krippendorff_alpha(np.zeros((2, 5))))      # no variation: undefined


def test_kappa_and_alpha_agree_with_sklearn_on_a_table():
    from sklearn.metrics import cohen_kappa_score

    a = pd.DataFrame({"unit_id": range(8), "t": [1, 1, 1, 0, 0, 0, 0, 1]})
    b = pd.DataFrame({"unit_id": range(8), "t": [1, 1, 0, 0, 0, 0, 1, 1]})
    row = agreement(a, b, ["t"], n_boot=200).iloc[0]
    assert row.kappa == pytest.approx(cohen_kappa_score(a.t, b.t)) == pytest.approx(0.5)
    assert row.disagreements == 2 and row.agreement == 0.75
    assert row.alpha_low <= row.alpha <= row.alpha_high
    table = disagreements(a, b, ["t"])
    assert table[["unit_id", "coder_a", "coder_b"]].values.tolist() == [[2, 1, 0], [6, 0, 1]]


@pytest.fixture(scope="module")
def coder_b(sentences):
    corpus = tk.load_corpus(DATA)
    raw = pd.read_csv(DATA / "validation" / "coder_b.csv")
    return raw, join_codings(sentences, raw, tk.THEMES, documents=corpus.documents)


def test_coder_b_joins_every_unit_of_coder_a(sentences, coder_b):
    raw, joined = coder_b
    a = pd.read_csv(DATA / "validation" / "sentences_coded.csv")
    assert set(a.unit_id) <= set(joined.unit_id)
    rows = join_codings(sentences, raw, documents=tk.load_corpus(DATA).documents)
    # Only site furniture stays unmatched: cleaning removed those lines.
    assert rows[rows.unit_id.isna()].boilerplate.eq(1).all()
    # Coder B split at semicolons where the toolkit keeps one sentence: parts are combined.
    assert joined.parts.max() > 1


def test_study_agreement_as_reported(coder_b):
    _, joined = coder_b
    a = pd.read_csv(DATA / "validation" / "sentences_coded.csv")
    table = agreement(a, joined, tk.THEMES, n_boot=300).set_index("theme")
    assert table.units.eq(89).all()
    # Scope disputes (NGO aid, goals inside an integration passage) lower economic diplomacy.
    assert 0.6 < table.loc["economic_diplomacy", "kappa"] < 0.7
    assert table.loc["people_to_people", "kappa"] > 0.9
    assert table.loc["economic_diplomacy", "alpha"] < table.loc["people_to_people", "alpha"]
