"""The comparison re-run under alternatives, for any grouping column."""

import numpy as np
import pandas as pd

import toolkit as tk
from toolkit.robustness import conclusions, theme_robustness

from conftest import category_corpus


def test_robustness_runs_for_a_nominal_column_and_judges_the_highest_group(tmp_path):
    # Units carry every manifest column, so a category grouping re-segments like year does.
    corpus = tk.load_corpus(category_corpus(tmp_path / "categories"))
    table = theme_robustness(corpus, by="category", tokenisers=False)
    assert set(table.category) == {"môi trường", "y tế"}
    baseline = table[table.variant == "baseline (sentences)"]
    direct = tk.theme_shares(tk.segment(corpus, unit="sentence"), by="category")
    assert baseline.sort_values(["theme", "category"]).share.round(12).tolist() == \
        direct.sort_values(["theme", "category"]).share.round(12).tolist()
    verdict = conclusions(table, by="category")
    # Nominal groups have no first and last: each variant is judged by its highest group.
    assert "highest" in verdict.columns
    for row in verdict.itertuples():
        part = table[(table.variant == row.variant) & (table.theme == row.theme)]
        if row.direction != "not estimable" and part.share.nunique() > 1:
            assert row.highest == part.loc[part.share.idxmax(), "category"]
            assert row.direction == f"highest: {row.highest}"
    base = verdict[verdict.variant == "baseline (sentences)"].set_index("theme").direction
    assert verdict.same_as_baseline.tolist() == [d == base[t] for d, t in zip(verdict.direction, verdict.theme)]


def test_ordered_conclusions_keep_first_against_last():
    import pandas as pd

    table = pd.DataFrame({"variant": "baseline", "theme": "health", "year": [2005, 2015, 2020],
                          "share": [0.1, 0.3, 0.2], "ci_low": [0.05, 0.2, 0.16], "ci_high": [0.15, 0.4, 0.25]})
    verdict = conclusions(table, by="year")
    assert "highest" not in verdict.columns
    assert verdict.iloc[0][["ordering", "direction", "intervals_apart"]].tolist() == ["2005 < 2020 < 2015", "up", True]


def test_a_one_article_group_is_never_the_conclusion():
    import pandas as pd

    table = pd.DataFrame({"variant": "baseline", "theme": "health", "category": ["a", "b", "tiny"],
                          "share": [0.1, 0.3, 0.9], "ci_low": [0.05, 0.2, 0.1], "ci_high": [0.15, 0.4, 1.0],
                          "articles": [20, 30, 1]})
    verdict = conclusions(table, by="category")
    assert verdict.iloc[0][["highest", "direction", "intervals_apart"]].tolist() == ["b", "highest: b", True]


def test_variants_that_cannot_change_a_conclusion_are_marked():
    import pathlib

    from toolkit.robustness import conclusions, theme_robustness

    root = pathlib.Path(__file__).resolve().parents[1] / "data"
    corpus = tk.load_corpus(root)
    challenge = pd.read_csv(root / "validation" / "challenge" / "challenge.csv")
    table = theme_robustness(corpus, validation=challenge[challenge.split == "test"])
    share = table.set_index(["variant", "year", "theme"]).share
    base = table[table.family == "baseline"].variant.iloc[0]
    rule = table[table.family == "method"].variant.tolist()      # the dictionary rule beside the classifier
    for variant, part in table.groupby("variant", sort=False):
        if part.family.iloc[0] in ("baseline", "method"):
            assert part.can_differ.all()
            continue
        same = [ref for ref in [base, *rule] if np.allclose(share[variant].sort_index(), share[ref].sort_index())]
        if same:            # identical numbers: marked, whatever the family
            assert not part.can_differ.any() and part.why_not.iloc[0].startswith("identical to"), variant
        elif part.family.iloc[0] == "correction":
            assert not part.can_differ.any() and part.why_not.iloc[0].startswith("pooled correction")
        else:
            assert part.can_differ.all(), variant
    verdict = conclusions(table)
    flags = table.groupby("variant").can_differ.all()
    assert (verdict.can_differ == verdict.variant.map(flags)).all()


def test_leaving_an_article_out_gives_the_shares_of_the_corpus_without_it():
    # The leave-one-article-out variants reuse the baseline's labels; they must equal measuring the corpus
    # without that article from scratch (the study corpus: 2017 has three articles, so each can go).
    corpus = tk.load_corpus("data")
    table = theme_robustness(corpus, by="year", tokenisers=False)
    units = tk.segment(corpus, unit="sentence")
    left_out = sorted(v.removeprefix("without ") for v in table.variant.unique() if v.startswith("without "))
    assert left_out == ["hg2017a", "hg2017b", "hg2017c"]
    for doc_id in left_out:
        got = table[table.variant == f"without {doc_id}"].drop(columns=["variant", "family", "can_differ", "why_not"])
        direct = tk.theme_shares(units[units.doc_id != doc_id], by="year")[got.columns]
        pd.testing.assert_frame_equal(got.reset_index(drop=True), direct.reset_index(drop=True), check_dtype=False)
