"""TF-IDF and class-based TF-IDF: BERTopic's formula by hand, and tables on the study corpus."""

import numpy as np
import pytest

from conftest import dfm_table
from toolkit.features import dfm
from toolkit.tfidf import class_tfidf, top_tfidf


def test_class_tfidf_as_bertopic():
    # Class sizes 4 and 5: A = int(4.5) = 4 (BERTopic truncates). Counts x = [3, 1], y = [1, 4].
    # ctfidf(A, x) = 3/4 * ln(1 + 4/4) = 0.519860; ctfidf(B, y) = 4/5 * ln(1 + 4/5) = 0.470229.
    out = class_tfidf(dfm_table([[3, 1], [1, 4]], ["x", "y"], ["A", "B"])).set_index(["group", "term"])
    assert out.loc[("A", "x"), "ctfidf"] == pytest.approx(0.75 * np.log(2), abs=1e-9)
    assert out.loc[("B", "y"), "ctfidf"] == pytest.approx(0.8 * np.log(1.8), abs=1e-9)


def test_tfidf_tables(body):
    by_year = dfm(body, by="year")
    for table, score in ((top_tfidf(by_year, 5), "tfidf"), (class_tfidf(by_year, 5), "ctfidf")):
        assert table.groupby("group").size().tolist() == [5, 5, 5]
        assert (table.groupby("group")[score].apply(lambda s: s.is_monotonic_decreasing)).all()
