"""Agreement between two coders, checked by hand and against libraries.

The agreement of the study's own coders is in tests/study/test_coding_reliability.py.
"""

import numpy as np
import pandas as pd
import pytest

from toolkit.agreement import agreement, disagreements, krippendorff_alpha


def test_alpha_by_hand_with_missing_values():
    # Krippendorff's nominal alpha by hand for two coders on 6 units, one code missing:
    # pairable units 5: (1,1) (0,0) (1,0) (0,0) (1,1); coincidences o11 = 4, o00 = 4, o10 = o01 = 1,
    # n = 10, n1 = n0 = 5: alpha = 1 - (2/10) / (2 * 5 * 5 / 90) = 0.64.
    codes = np.array([[1, 0, 1, 0, 1, 1], [1, 0, 0, 0, 1, np.nan]])
    assert krippendorff_alpha(codes) == pytest.approx(0.64)
    assert np.isnan(krippendorff_alpha(np.zeros((2, 5))))      # no variation: undefined


def test_kappa_and_alpha_agree_with_sklearn_on_a_table():
    from sklearn.metrics import cohen_kappa_score

    a = pd.DataFrame({"unit_id": range(8), "t": [1, 1, 1, 0, 0, 0, 0, 1]})
    b = pd.DataFrame({"unit_id": range(8), "t": [1, 1, 0, 0, 0, 0, 1, 1]})
    row = agreement(a, b, ["t"], n_boot=200).iloc[0]
    assert row.kappa == pytest.approx(cohen_kappa_score(a.t, b.t)) == pytest.approx(0.5)
    assert row.disagreements == 2 and row.agreement == 0.75
    assert row.alpha_low <= row.alpha <= row.alpha_high
    table = disagreements(a, b, ["t"])
    assert table[["unit_id", "coder_a", "coder_b"]].values.tolist() == [[2, 1, 0], [6, 0, 1]]
