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
    (("security", "an ninh", 1, "border", "term", "x"), "context 'border' is not defined"),
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


# --- Lexicons as researchers save them: checked like manifests, every problem named once with its line ---

import unicodedata  # noqa: E402

from conftest import to_cp1258  # noqa: E402

HEADER = "theme,term,weight,context,kind,note"
SENTENCE = "Tỉnh Lào Cai đẩy mạnh hợp tác kinh tế với Vân Nam (Trung Quốc) qua cửa khẩu quốc tế."


def test_a_lexicon_saved_by_excel_reads_as_written(tmp_path):
    # Excel in a Vietnamese or European locale: byte-order mark, semicolons, CRLF, decimal commas,
    # and trailing empty cells at the edge of the table.
    text = ("theme;term;weight;context;kind;note;;\r\n"
            "economy;hợp tác kinh tế;1,5;;term;economic cooperation;;\r\n"
            "border;cửa khẩu;1;;term;border gate;;\r\n"
            ";;;;;;;\r\n")
    path = tmp_path / "themes_excel.csv"
    path.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    lex = load_lexicon(path)
    assert lex.themes == ("economy", "border")
    assert lex.entries[["term", "weight"]].values.tolist() == [["hợp tác kinh tế", 1.5], ["cửa khẩu", 1.0]]
    assert tk.score_themes([SENTENCE], lexicon=lex).iloc[0].tolist() == [1.5, 1.0]


def test_excel_encodings_other_than_utf8_are_refused_with_the_fix(tmp_path):
    rows = f"{HEADER}\nborder,cửa khẩu,1,,term,gate\nborder,biên giới,1,,term,border\n"
    legacy = tmp_path / "themes_legacy.csv"
    legacy.write_bytes(to_cp1258(rows))            # Excel's plain "CSV" on a Vietnamese Windows
    with pytest.raises(tk.ToolkitError, match=r"themes_legacy.csv, line 2: the lexicon is not valid UTF-8.*CSV UTF-8"):
        load_lexicon(legacy)
    wide = tmp_path / "themes_wide.csv"
    wide.write_bytes(rows.encode("utf-16"))            # Excel's "Unicode Text"
    with pytest.raises(tk.ToolkitError, match="saved as UTF-16"):
        load_lexicon(wide)


def test_a_decomposed_entry_with_old_tone_placement_matches_modern_text(tmp_path):
    decomposed = unicodedata.normalize("NFD", "hoà bình")   # decomposed, tone on the a (old placement)
    assert decomposed != "hòa bình" and unicodedata.normalize("NFC", decomposed) == "hoà bình"
    path = tmp_path / "themes_nfd.csv"
    path.write_text(f"{HEADER}\npeace,{decomposed},1,,term,peace\n", encoding="utf-8")
    lex = load_lexicon(path)
    assert lex.entries.term.tolist() == ["hòa bình"]
    assert tk.score_themes(["Giữ gìn hòa bình, ổn định ở vùng biên giới."], lexicon=lex).peace.tolist() == [1.0]


def test_duplicates_name_both_lines_even_when_spelled_differently(tmp_path):
    path = tmp_path / "themes_dup.csv"
    path.write_text(f"{HEADER}\npeace,hòa bình,1,,term,peace\nborder,cửa khẩu,1,,term,gate\n"
                    f"peace,{unicodedata.normalize('NFD', 'hoà bình')},1,,term,again\n"
                    "border,Cửa khẩu,2,,term,gate again\n", encoding="utf-8")
    with pytest.raises(tk.ToolkitError) as err:
        load_lexicon(path)
    message = str(err.value)
    assert message.splitlines()[0] == "2 problems in the lexicon:"
    assert (f"{path}, line 4: entry peace / {unicodedata.normalize('NFD', 'hoà bình')!r} / (no context) is the same "
            "up to Unicode normalisation (NFC/NFD), tone placement or case as on line 2; delete one") in message
    assert f"{path}, line 5: entry border / 'Cửa khẩu' / (no context) is the same up to upper/lower case as on line 3" in message


def test_an_unknown_context_is_named_with_the_file_that_defines_contexts(tmp_path):
    path = _write(tmp_path, [("economy", "đầu tư", 1, "foriegn", "term", "investment")],
                  cues=[("foreign", "nước ngoài"), ("foreign", "quốc tế"), ("vietnam", "việt nam")])
    with pytest.raises(tk.ToolkitError) as err:
        load_lexicon(path)
    assert str(err.value) == (f"{path}, line 2: context 'foriegn' is not defined in {tmp_path / 'contexts_v9.csv'} "
                              "(defined: foreign, vietnam); did you mean 'foreign'?")


def test_an_unknown_context_without_a_contexts_file_names_no_such_file(tmp_path):
    path = _write(tmp_path, [("economy", "đầu tư", 1, "foreign", "term", "investment")])
    assert not (tmp_path / "contexts_v9.csv").exists()
    with pytest.raises(tk.ToolkitError, match=r"line 2: context 'foreign' is not defined: this lexicon has no "
                                              r"contexts file") as err:
        load_lexicon(path)
    assert str(tmp_path / "contexts_v9.csv") not in str(err.value)


@pytest.mark.parametrize("term, shown", [
    ("biên giới|biên cương", "'|'"),
    ("hợp tác.*", "'.*'"),
    ("đầu tư?", "'?'"),
    ("[Vv]iệt [Nn]am", "'['"),
    ("^biên giới$", "'^'"),
])
def test_regex_looking_terms_are_refused(tmp_path, term, shown):
    path = _write(tmp_path, [("border", "cửa khẩu", 1, "", "term", "gate"), ("border", term, 1, "", "term", "x")])
    with pytest.raises(tk.ToolkitError) as err:
        load_lexicon(path)
    assert str(err.value).startswith(f"{path}, line 3: {term!r} looks like a regular expression ({shown}); "
                                     "entries are matched literally")


def test_every_problem_is_listed_once_with_the_path_as_given(tmp_path, monkeypatch):
    (tmp_path / "lex").mkdir()
    (tmp_path / "lex" / "themes_v9.csv").write_text(
        f"{HEADER}\n"
        "Border Security,cửa khẩu,1,,term,gate\n"      # line 2: not snake_case
        "border,,1,,term,forgot the term\n"            # line 3: empty term
        "border,biên giới,0,,term,zero\n"              # line 4: weight
        "border,đường biên,1,,term,fine\n", encoding="utf-8")
    (tmp_path / "lex" / "contexts_v9.csv").write_text("context,term\nforeign,nước ngoài\nforeign, \n", encoding="utf-8")
    (tmp_path / "lex" / "blockers_v9.csv").write_text("blocker,blocks,note\nlào cai,biên giới,wrong pair\n",
                                                      encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    with pytest.raises(tk.ToolkitError) as err:
        load_lexicon("lex/themes_v9.csv")
    lines = str(err.value).splitlines()
    assert lines == [
        "5 problems in the lexicon:",
        "lex/contexts_v9.csv, line 3: empty term; write a word or phrase, or delete the row",
        "lex/themes_v9.csv, line 2: theme 'Border Security' is not a name of lower-case letters, digits and "
        "underscores (e.g. border_security)",
        "lex/themes_v9.csv, line 3: empty term; write a word or phrase, or delete the row",
        "lex/themes_v9.csv, line 4: weight must be positive, got 0",
        "lex/blockers_v9.csv, line 2: blocker 'lào cai' does not contain 'biên giới', so it never blocks it; "
        "a blocker is a longer name that contains the term",
    ]


@pytest.mark.parametrize("version", ["v1", "v2", "v3"])
def test_the_shipped_lexicons_pass_every_check(version):
    lex = load_lexicon(version)
    assert len(lex.entries) > 20 and lex.themes == tk.lexicon.STUDY_THEMES
