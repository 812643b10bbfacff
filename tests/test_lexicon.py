"""Lexicons as data: any themes, context cues, blockers, formulas, and errors that name the line."""

import pandas as pd
import pytest

import toolkit as tk
from toolkit.lexicon import load_lexicon


def _write(folder, rows, cues=None, blockers=None, version="v9"):
    pd.DataFrame(rows, columns=["theme", "term", "weight", "context", "kind", "note"]).to_csv(
        folder / f"themes_{version}.csv", index=False)
    if cues is not None:
        pd.DataFrame(cues, columns=["context", "term"]).to_csv(folder / f"contexts_{version}.csv", index=False)
    if blockers is not None:
        pd.DataFrame(blockers, columns=["blocker", "blocks", "note"]).to_csv(folder / f"blockers_{version}.csv", index=False)
    return folder / f"themes_{version}.csv"


def test_any_themes_in_file_order(tmp_path):
    path = _write(tmp_path, [
        ("environment", "ô nhiễm", 1, "", "term", "pollution"),
        ("environment", "rác thải", 1, "", "term", "waste"),
        ("health", "bệnh viện", 1, "", "term", "hospitals"),
    ])
    lex = load_lexicon(path)
    assert lex.themes == ("environment", "health") and lex.version == "v9"
    scores = tk.score_themes(["Rác thải gây ô nhiễm nguồn nước gần bệnh viện."], lexicon=lex)
    assert scores.columns.tolist() == ["environment", "health"]
    assert scores.iloc[0].tolist() == [2.0, 1.0]
    # A path works wherever a lexicon does.
    assert tk.label_themes(["Bệnh viện mới."], lexicon=str(path)).health.tolist() == [True]


def test_blockers_keep_names_from_matching(tmp_path):
    path = _write(tmp_path, [("relations", "hữu nghị", 1, "", "term", "friendship"),
                             ("relations", "đầu tư", 1, "foreign", "term", "investment with a foreign side")],
                  cues=[("foreign", "lào"), ("foreign", "nhật bản")],
                  blockers=[("bệnh viện hữu nghị", "hữu nghị", "a hospital's name"), ("lào cai", "", "a province")])
    lex = load_lexicon(path)
    texts = ["Bệnh viện Hữu nghị tiếp nhận bệnh nhân.", "Tình hữu nghị Việt - Lào.",
             "Tỉnh Lào Cai thu hút đầu tư vào đường giao thông.", "Lào Cai thu hút đầu tư của Nhật Bản."]
    assert tk.score_themes(texts, lexicon=lex).relations.tolist() == [0.0, 1.0, 0.0, 1.0]


def test_formulas_are_their_own_hits_and_can_be_excluded(tmp_path):
    path = _write(tmp_path, [("security", "an ninh", 1, "", "term", "security"),
                             ("security", "quốc phòng", 1, "", "term", "defence"),
                             ("security", "quốc phòng - an ninh", 1, "", "formula", "the field list formula")])
    lex = load_lexicon(path)
    text = ["Phát triển kinh tế gắn với bảo đảm quốc phòng - an ninh."]
    hits = tk.match_themes(text, lexicon=lex)
    assert hits[["term", "kind"]].values.tolist() == [["quốc phòng - an ninh", "formula"]]
    assert tk.score_themes(text, lexicon=lex).security.tolist() == [1.0]
    # Excluded: the formula still claims its words, so neither "quốc phòng" nor "an ninh" counts.
    assert tk.score_themes(text, lexicon=lex.excluding_formulas()).security.tolist() == [0.0]
    assert tk.score_themes(["Giữ vững an ninh biên giới."], lexicon=lex.excluding_formulas()).security.tolist() == [1.0]


@pytest.mark.parametrize("row, message", [
    (("Border Security", "an ninh", 1, "", "term", "x"), "not a name of lower-case letters"),
    (("security", " ", 1, "", "term", "x"), "empty term"),
    (("security", "an ninh", 0, "", "term", "x"), "weight must be positive"),
    (("security", "an ninh", "one", "", "term", "x"), "is not a number"),
    (("security", "an ninh", 1, "", "phrase", "x"), "kind 'phrase'"),
    (("security", "an ninh", 1, "border", "term", "x"), "context 'border' has no cues"),
])
def test_bad_lexicons_name_the_line(tmp_path, row, message):
    path = _write(tmp_path, [row])
    with pytest.raises(tk.ToolkitError, match=message) as err:
        load_lexicon(path)
    assert "line 2" in str(err.value)


def test_missing_files_and_versions(tmp_path):
    with pytest.raises(tk.ToolkitError, match="lexicon not found"):
        load_lexicon(tmp_path / "nope.csv")
    with pytest.raises(tk.ToolkitError, match="no shipped lexicon version 'v99'"):
        load_lexicon("v99")
    (tmp_path / "themes_x.csv").write_text("theme,term\nhealth,bệnh viện\n", encoding="utf-8")
    with pytest.raises(tk.ToolkitError, match="missing column"):
        load_lexicon(tmp_path / "themes_x.csv")


def test_validation_uses_the_lexicons_themes(tmp_path):
    path = _write(tmp_path, [("health", "bệnh viện", 1, "", "term", "hospitals")])
    coded = pd.DataFrame({"text": ["Bệnh viện mới.", "Trường học mới."], "health": [1, 0]})
    table = tk.validate(coded, lexicon=path)
    assert table[["theme", "tp", "tn", "precision", "recall"]].values.tolist() == [["health", 1, 1, 1.0, 1.0]]
    with pytest.raises(tk.ToolkitError, match="lack column"):
        tk.validate(coded.rename(columns={"health": "other"}), lexicon=path)


def test_a_lexicon_travels_to_worker_processes():
    import pickle

    lex = tk.load_lexicon()
    back = pickle.loads(pickle.dumps(lex))
    assert back.themes == lex.themes and back.entries.equals(lex.entries) and back.version == lex.version
    text = "Hai bên ký thỏa thuận hợp tác kinh tế và tuần tra chung đường biên giới."
    assert tk.score_themes([text], lexicon=back).equals(tk.score_themes([text], lexicon=lex))
