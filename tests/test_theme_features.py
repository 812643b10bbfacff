"""The classifier's features (toolkit/theme_features.py): n-grams, lexicon features, context features."""

import numpy as np
import pytest

import toolkit as tk
from toolkit.classify import ThemeClassifier, load_classifier
from toolkit.theme_features import lexicon_features, syllable_ngrams

THEMES = list(tk.THEMES)


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


def test_context_features_see_the_partner_named_in_the_title(tmp_path, coded):
    from toolkit.theme_features import context_features

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


def test_ngram_matrix_of_a_model_fitted_here_equals_the_per_text_lookup(coded):
    import scipy.sparse as sp

    from toolkit.theme_features import _ngram_matrix
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
