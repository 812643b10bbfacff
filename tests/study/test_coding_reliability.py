"""The reliability of the study's coding: coder B (independent) joined to coder A (the project) and their agreement."""

import pandas as pd
import pytest

import toolkit as tk
from conftest import DATA
from toolkit.agreement import agreement, join_codings


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
