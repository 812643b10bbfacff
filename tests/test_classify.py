"""The supervised theme measurement (toolkit/classify.py): fitting, persistence, unit context and its place
behind label_themes."""
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import toolkit as tk
from toolkit.classify import DEFAULT_MODEL, ThemeClassifier, load_classifier
from toolkit.theme_features import syllable_ngrams

ROOT = Path(__file__).resolve().parents[1]
THEMES = list(tk.THEMES)


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


def _per_text_features(model, texts):
    """The shipped model's feature matrix built one text at a time, as before features were computed in
    batches: each text's hits, cues and n-grams from its own syllables (the reference)."""
    import scipy.sparse as sp

    from toolkit.sides import side_features
    from toolkit.theme_features import _feature_names
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
