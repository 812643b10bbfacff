"""Side features (toolkit/sides.py): who takes part and in which field, fast patterns equal to their definition."""

import numpy as np
import pandas as pd


def test_side_features_tell_who_takes_part_and_round_trip(tmp_path):
    from toolkit.classify import ThemeClassifier, load_classifier
    from toolkit.sides import SIDE_FEATURES, side_features

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


def test_side_features_equal_their_case_insensitive_definition_on_real_sentences(real_texts):
    # The fast patterns (case-folded text, look-behind after the first character) against the
    # definition (_side_patterns), on the real sentences as written, in capitals and with cases swapped.
    from toolkit.sides import _side_patterns, side_features

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

    from toolkit.sides import FIELDS, _case_fold

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
