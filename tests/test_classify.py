"""The supervised theme measurement: features, fitting, persistence and its place behind label_themes."""
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import toolkit as tk
from toolkit.classify import DEFAULT_MODEL, ThemeClassifier, lexicon_features, load_classifier, syllable_ngrams

ROOT = Path(__file__).resolve().parents[1]
THEMES = list(tk.THEMES)


@pytest.fixture(scope="module")
def coded():
    """Real study sentences with their adjudicated consensus codes."""
    frame = pd.read_csv(ROOT / "data" / "validation" / "sentences_consensus.csv", keep_default_na=False)
    return frame[["text", *THEMES]].astype({t: int for t in THEMES})


def test_ngrams_stop_at_punctuation_and_join_syllables():
    grams = syllable_ngrams("Cửa khẩu Hữu Nghị, Lạng Sơn.")
    assert "cửa khẩu" in grams and "khẩu hữu" in grams and "lạng sơn" in grams
    assert "nghị lạng" not in grams  # the comma ends the run
    assert syllable_ngrams("...") == []


def test_lexicon_features_count_hits_by_kind_and_cues():
    feats = lexicon_features(["Tuần tra chung bảo vệ cột mốc trên tuyến biên giới.", "Trời mưa."], lexicon="v3")
    assert feats.loc[0, "border_security:score"] > 0
    assert feats.loc[0, "cue:border"] == 1.0
    assert feats.loc[1].sum() == 0.0
    assert feats.to_numpy().max() <= 3.0


def test_parameters_are_checked_early():
    with pytest.raises(tk.ToolkitError, match="features"):
        ThemeClassifier(features="words")
    with pytest.raises(tk.ToolkitError, match="C must be positive"):
        ThemeClassifier(C=0)
    with pytest.raises(tk.ToolkitError, match="min_df"):
        ThemeClassifier(min_df=0)
    with pytest.raises(tk.ToolkitError, match="not fitted"):
        ThemeClassifier().predict_proba(["x"])


def test_a_theme_without_positives_is_refused(coded):
    y = coded[THEMES].copy()
    y["border_security"] = 0
    with pytest.raises(tk.ToolkitError, match="only negative codes"):
        ThemeClassifier().fit(coded.text, y)


def test_fit_learns_the_coding_of_real_sentences_and_round_trips(coded, tmp_path):
    model = ThemeClassifier(lexicon="v3", features="both", C=1.0).fit(coded.text, coded[THEMES])
    proba = model.predict_proba(coded.text)
    # on its own training sentences the fit separates coded from uncoded sentences
    for theme in THEMES:
        truth = coded[theme].to_numpy(bool)
        assert proba[theme][truth].mean() > proba[theme][~truth].mean() + 0.3
    path = model.save(tmp_path / "m.json")
    again = load_classifier(path)
    np.testing.assert_allclose(again.predict_proba(coded.text).to_numpy(), proba.to_numpy(), atol=1e-4)
    assert again.lexicon_version_ == "v3"


def test_load_classifier_rejects_other_files(tmp_path):
    bad = tmp_path / "x.json"
    bad.write_text("{}", encoding="utf-8")
    with pytest.raises(tk.ToolkitError, match="not a classifier file"):
        load_classifier(bad)
    with pytest.raises(tk.ToolkitError, match="no such classifier"):
        load_classifier(tmp_path / "missing.json")


@pytest.mark.skipif(not DEFAULT_MODEL.is_file(), reason="the package ships no classifier")
def test_shipped_model_measures_the_study_themes():
    model = load_classifier()
    assert list(model.themes_) == THEMES
    assert model.lexicon_version_ == tk.load_lexicon().version


def test_label_themes_methods():
    texts = ["Kim ngạch xuất khẩu qua cửa khẩu Lào Cai sang Trung Quốc tăng 20%.", "Giá rau tăng mạnh."]
    auto = tk.label_themes(texts)
    lexicon = tk.label_themes(texts, method="lexicon")
    # auto is the shipped classifier when there is one, the dictionary rule otherwise
    pd.testing.assert_frame_equal(auto, tk.label_themes(texts, method="classifier") if DEFAULT_MODEL.is_file() else lexicon)
    pd.testing.assert_frame_equal(lexicon, tk.score_themes(texts) >= 1.0)
    with pytest.raises(tk.ToolkitError, match="method must be one of"):
        tk.label_themes(texts, method="bert")


def test_auto_uses_the_dictionary_for_another_lexicon():
    other = ROOT / "tests" / "data" / "other_question" / "themes_health.csv"
    texts = ["Bệnh viện tỉnh tiếp nhận 30 ca sốt xuất huyết.", "Trời mưa."]
    pd.testing.assert_frame_equal(tk.label_themes(texts, lexicon=other), tk.score_themes(texts, lexicon=other) >= 1.0)
    with pytest.raises(tk.ToolkitError, match="the classifier measures" if DEFAULT_MODEL.is_file() else "no such classifier file"):
        tk.label_themes(texts, lexicon=other, method="classifier")


def test_conjoined_context_needs_a_cue_of_each_part():
    lex = tk.load_lexicon("v3")
    # a foreign side without a Vietnamese one: news about another country
    assert not tk.label_themes(["Kiểm soát đại dịch tại Singapore được siết chặt."], lexicon=lex, method="lexicon").any(axis=None)
    hits = tk.explain("Thị trường Trung Quốc mở cửa cho nông sản Việt Nam.", lexicon=lex)
    cued = hits[hits.context == "foreign+vietnam"]
    assert len(cued) and all(" + " in c for c in cued.cue)


def test_milestone_is_not_a_border_marker():
    lex = tk.load_lexicon("v3")
    assert not tk.label_themes(["Đây là cột mốc quan trọng trong sự nghiệp của nam ca sĩ."], lexicon=lex, method="lexicon").any(axis=None)
    assert tk.label_themes(["Hai bên tuần tra bảo vệ cột mốc trên tuyến biên giới."], lexicon=lex, method="lexicon").border_security.all()


def test_side_features_tell_who_takes_part_and_round_trip(tmp_path):
    from toolkit.classify import SIDE_FEATURES, ThemeClassifier, load_classifier, side_features

    texts = ["Hàn Quốc hiện là một trong những quốc gia đầu tư lớn nhất tại Việt Nam.",
             "Quân đội Mỹ dưới thời tổng thống Obama đã gây áp lực Trung Quốc.",
             "Giá rau ở chợ Long Biên tăng mạnh."]
    side = pd.DataFrame(side_features(texts), columns=SIDE_FEATURES)
    assert side["side:vietnam"].tolist() == [1, 0, 0] and side["side:foreign_only"].tolist() == [0, 1, 0]
    assert side["field:economy"].tolist() == [1, 0, 0] and side["field:security"].tolist() == [0, 1, 0]
    model = load_classifier()                      # the shipped model uses them
    assert model.sides
    path = model.save(tmp_path / "m.json")
    again = load_classifier(path)
    assert again.sides and again.predict_proba(texts).round(6).equals(model.predict_proba(texts).round(6))
    plain = ThemeClassifier(min_df=1, C=1.0)
    assert not plain.sides


@pytest.fixture(scope="module")
def study_body():
    """The study corpus's measured units (body sentences, no near-duplicates), with their titles."""
    corpus = tk.load_corpus(ROOT / "data")
    units = tk.segment(corpus, unit="sentence")
    return units[(units.kind == "body") & units.duplicate_of.isna()].reset_index(drop=True)


def test_unit_context_is_the_title_and_neighbours_in_article_order(study_body):
    from toolkit.classify import unit_context

    shuffled = study_body.sample(frac=1.0, random_state=3)
    got = unit_context(shuffled)
    ordered = study_body.sort_values(["doc_id", "paragraph", "sentence"]).reset_index(drop=True)
    prev = ordered.groupby("doc_id").text.shift(1).fillna("")
    nxt = ordered.groupby("doc_id").text.shift(-1).fillna("")
    want = dict(zip(ordered.unit_id, zip(ordered.title, prev, nxt)))
    assert got == [want[u] for u in shuffled.unit_id]
    first = ordered.groupby("doc_id").head(1)
    assert all(want[u][1] == "" for u in first.unit_id)       # no sentence before an article's first
    assert set(study_body.title) == {t for t, _, _ in got}     # titles come from the manifest
    sheet = pd.DataFrame({"text": ["Một."], "context_before": ["Trước."], "context_after": [None]})
    assert unit_context(sheet) == [("", "Trước.", "")]        # a coding sheet's own context is used
    with pytest.raises(tk.ToolkitError, match="doc_id"):
        unit_context(pd.DataFrame({"text": ["Một."]}))


def test_label_themes_reads_context_when_given_units(study_body):
    from toolkit.classify import CONTEXT_MODEL, unit_context

    context_model, sentence_model = load_classifier(CONTEXT_MODEL), load_classifier()
    assert context_model.context and not sentence_model.context
    framed = tk.label_themes(study_body)
    assert framed.equals(context_model.predict(study_body.text, unit_context(study_body)))
    alone = tk.label_themes(study_body.text)
    assert alone.equals(sentence_model.predict(study_body.text))
    # a frame without articles or context columns is read as sentences alone
    assert tk.label_themes(study_body[["text"]]).equals(alone)
    with pytest.raises(tk.ToolkitError, match="context="):
        context_model.predict(study_body.text)


def test_context_features_see_the_partner_named_in_the_title(tmp_path, coded):
    from toolkit.classify import context_features

    text = ["Hai bên nhất trí tăng cường hợp tác thương mại."]
    titled = context_features(text, [("Lào và Việt Nam ký hiệp định thương mại", "", "")], "v3")
    bare = context_features(text, [("", "", "")], "v3")
    assert titled[0, :2].tolist() == [1.0, 1.0] and bare[0].sum() == 0
    model = ThemeClassifier(min_df=1, context=True, sides=True, lexicon="v3")
    none = [("", "", "")] * len(coded)
    model.fit(coded.text, coded[THEMES], context=none)
    again = load_classifier(model.save(tmp_path / "c.json"))
    assert again.context
    assert np.allclose(again.predict_proba(coded.text[:20], none[:20]), model.predict_proba(coded.text[:20], none[:20]),
                       atol=1e-4)                      # coefficients are saved to 6 decimals
    with pytest.raises(tk.ToolkitError, match="context features come with lexicon"):
        ThemeClassifier(features="ngrams", context=True)


def _per_text_features(model, texts):
    """The shipped model's feature matrix built one text at a time, as before features were computed in
    batches: each text's hits, cues and n-grams from its own syllables (the reference)."""
    import scipy.sparse as sp

    from toolkit.classify import _feature_names, side_features
    from toolkit.match import find_terms, syllables
    from toolkit.measure import _find_hits

    lex = model._lex()
    col = {name: i for i, name in enumerate(_feature_names(lex))}
    lexical = np.zeros((len(texts), len(col)))
    for r, text in enumerate(texts):
        for hit in _find_hits(text, lex):
            kind = "formula" if hit["kind"] == "formula" else ("cued" if hit["context"] else "plain")
            lexical[r, col[f"{hit['theme']}:score"]] += hit["weight"]
            lexical[r, col[f"{hit['theme']}:{kind}"]] += 1
        for _, _, key in find_terms(syllables(text), lex._keys["cues"]):
            for name in lex._keys["cues"][key]:
                lexical[r, col[f"cue:{name}"]] = 1.0
    lexical = np.minimum(lexical, 3.0)
    side = side_features(texts)
    present = np.column_stack([(lexical[:, col[f"{t}:score"]] > 0).astype(float) for t in lex.themes])
    crossed = np.column_stack([present[:, i] * side[:, j] for i in range(present.shape[1]) for j in range(side.shape[1])])
    vn, foreign, fields = side[:, 0], side[:, 1], side[:, 3:]
    partner = np.column_stack([fields * foreign[:, None], fields * (foreign * vn)[:, None], fields * vn[:, None]])
    rows, cols = [], []
    for r, text in enumerate(texts):
        found = sorted({model.vocabulary_[g] for g in syllable_ngrams(text) if g in model.vocabulary_})
        rows += [r] * len(found)
        cols += found
    grams = sp.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(len(texts), len(model.vocabulary_)))
    return sp.hstack([sp.csr_matrix(lexical), sp.csr_matrix(np.hstack([side, crossed, partner])), grams], format="csr")


def test_batched_features_equal_the_per_text_features_on_real_sentences(real_texts):
    # UD-VTB news, the study's units and coded sentences, the challenge set, and word-segmented forms
    # (whose underscores end n-gram runs: the per-text path inside the batch).
    model = load_classifier()
    assert model.features == "both" and model.sides
    assert sum("_" in t for t in real_texts) > 100
    batch, reference = model._matrix(real_texts), _per_text_features(model, real_texts)
    assert batch.shape == reference.shape and batch.nnz > 10 * len(real_texts)
    for part in ("data", "indices", "indptr"):
        assert np.array_equal(getattr(batch, part), getattr(reference, part)), part
    labels = tk.label_themes(real_texts)
    assert labels.sum().between(20, len(real_texts) // 2).all()    # every theme found, none everywhere


def test_ngram_matrix_of_a_model_fitted_here_equals_the_per_text_lookup(coded):
    import scipy.sparse as sp

    from toolkit.classify import _ngram_matrix
    from toolkit.match import syllables

    model = ThemeClassifier(features="ngrams", min_df=1).fit(coded.text, coded[THEMES])
    texts = coded.text.tolist()
    index = model.vocabulary_
    expected = np.zeros((len(texts), len(index)))
    for r, text in enumerate(texts):
        expected[r, [index[g] for g in syllable_ngrams(text) if g in index]] = 1.0
    expected = sp.csr_matrix(expected)
    got = _ngram_matrix([syllables(t) for t in texts], index)
    assert (got != expected).nnz == 0 and got.nnz == expected.nnz > 0
    assert _ngram_matrix([], index).shape == (0, len(index))
    assert _ngram_matrix([syllables("...")], {}).shape == (1, 0)


def test_side_features_equal_their_case_insensitive_definition_on_real_sentences(real_texts):
    # The fast patterns (case-folded text, look-behind after the first character) against the
    # definition (_side_patterns), on the real sentences as written, in capitals and with cases swapped.
    from toolkit.classify import _side_patterns, side_features

    texts = real_texts + [t.upper() for t in real_texts[::3]] + [t.swapcase() for t in real_texts[1::3]]
    vn_re, foreign_re, field_res = _side_patterns()
    expected = np.array([(bool(vn_re.search(t)), bool(foreign_re.search(t)),
                          bool(foreign_re.search(t)) and not vn_re.search(t), *(bool(f.search(t)) for f in field_res))
                         for t in texts], dtype=float)
    got = side_features(texts)
    assert np.array_equal(got, expected)
    assert (expected.sum(axis=0) > 50).all()


def test_case_folding_is_what_ignorecase_matches():
    # For each character of the field names, the characters re.IGNORECASE matches to it are exactly
    # those that fold to the same character; outside the special characters, str.lower is the folding
    # and keeps each character a word character or not.
    import re

    from toolkit.classify import FIELDS, _case_fold

    table, special = _case_fold()
    every = "".join(chr(c) for c in range(0x10000) if not 0xD800 <= c <= 0xDFFF)
    folded = every.translate(table)
    for char in sorted({ch for words in FIELDS.values() for name in words for ch in name}):
        matched = set(re.findall(re.escape(char), every, re.IGNORECASE))
        same = {c for c, f in zip(every, folded) if f == char.translate(table)}
        assert matched == same, char
    plain = special.sub("", every)
    assert plain.lower() == plain.translate(table)
    word = re.compile(r"\w")
    assert [bool(word.match(c)) for c in plain] == [bool(word.match(c)) for c in plain.translate(table)]
    assert special.search("Σ") and special.search("ſ") and not special.search("Thương mại ĐẦU TƯ")
