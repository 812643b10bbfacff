"""Findings written from the numbers, fit to the grouping (nominal or ordered), with rare shares printed legibly."""

import re

import pandas as pd
import pytest

import toolkit as tk
from toolkit import summary as ts


def test_rare_shares_print_with_the_precision_they_need():
    assert ts.share_span(0.003, 0.001, 0.006) == "0.3% [0.1%, 0.6%]"
    assert [ts.percent(x) for x in (0.34, 0.052, 0.0004, 0.0, 1.0)] == ["34%", "5.2%", "0.04%", "0%", "100%"]
    for rare in (1e-5, 3e-4, 0.0049, 0.00999):   # a share above zero never prints as 0%, one below 1 never as 100%
        assert ts.percent(rare) != "0%" and float(ts.percent(rare)[:-1]) > 0
        assert ts.percent(1 - rare) != "100%"


@pytest.fixture(scope="module")
def labelled(sentences):
    body = sentences[(sentences.kind == "body") & sentences.duplicate_of.isna()].reset_index(drop=True)
    return pd.concat([body, tk.label_themes(body.text)], axis=1)


def test_nominal_groups_are_ranked_and_each_compared_with_the_rest(sentences, labelled):
    # The study's five articles grouped by article (a nominal grouping of real text): each article against the others.
    shares = tk.theme_shares(sentences, by="doc_id")
    lines = ts.share_findings(shares, "doc_id", what="body sentences", labelled=labelled)
    economic = next(line for line in lines if line.startswith("Economic diplomacy, groups ranked"))
    # The ranking, by hand: each article's share of body sentences labelled economic diplomacy.
    by_hand = labelled.groupby("doc_id").economic_diplomacy.mean().sort_values(ascending=False, kind="stable")
    assert economic.index(f"highest in {by_hand.index[0]} {ts.percent(by_hand.iloc[0])}") > 0
    assert f"lowest in {by_hand.index[-1]} {ts.percent(by_hand.iloc[-1])}" in economic
    assert "first" not in economic and "last group" not in economic       # no first-against-last for names
    # Each group against the rest: the rest's share is the pooled share of the other articles' units.
    apart = economic.split("Apart from the rest of the corpus")[1]
    named = re.findall(r"(\w+) ([\d.]+%) \[[^]]*\] against ([\d.]+%) \[", apart)
    assert [doc for doc, _, _ in named] == ["hg2023"]      # 95% against 58% in the other four articles
    for doc, share, rest in named:
        assert share == ts.percent(by_hand[doc])
        assert rest == ts.percent(labelled[labelled.doc_id != doc].economic_diplomacy.mean())
    assert lines[0].startswith("Largest differences from the rest of the corpus: Economic diplomacy in hg2023")


def test_ordered_groups_compare_first_and_last_and_state_the_trend(sentences, labelled):
    shares = tk.theme_shares(sentences, by="year")
    lines = ts.share_findings(shares, "year", what="body sentences", labelled=labelled)
    assert len(lines) == 3 and all(" in 2012, " in line and " in 2023: the last group is" in line for line in lines)
    economic = lines[0]
    per_year = labelled.groupby("year").economic_diplomacy.mean()     # 2012 < 2017 < 2023 by hand
    assert per_year.is_monotonic_increasing and "rises in 2 and falls in 0 of 2 steps" in economic
    assert "Spearman's rho" in economic and "over 5 articles" in economic
    assert "no trend beyond chance" in economic          # five articles cannot show a trend at the article level


def test_tiny_groups_are_named_and_left_out_of_the_comparison():
    # Months with one and two articles at both ends (synthetic shares in the shape theme_shares returns).
    shares = pd.DataFrame({"month": [202009, 202010, 202011, 202012], "theme": "health",
                           "share": [1.0, 0.12, 0.003, 0.0], "ci_low": [0.0, 0.08, 0.001, 0.0],
                           "ci_high": [1.0, 0.17, 0.006, 0.97], "articles": [1, 95, 102, 2]})
    lines = ts.share_findings(shares, "month", what="units")
    assert lines[0] == ("202009 (1 article) and 202012 (2 articles) have fewer than 5 articles and are left out of "
                        "the comparisons below.")
    assert lines[1] == ("health: 12% [8.0%, 17%] of units in 202010, 0.3% [0.1%, 0.6%] in 202011: the last group is "
                        "lower, and the intervals do not overlap.")
