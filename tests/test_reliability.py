"""Fuzzing theme scoring with hostile text: any input gives scores or one of the toolkit's documented errors.

The other hostile-input tests (encodings, structure, nothing lost, fuzzing) are in the files of the modules
they test; the hypothesis settings and strategies they share are in conftest.py.
"""

from hypothesis import given
from hypothesis import strategies as st

import toolkit as tk
from conftest import FUZZ, documented, hostile_text


@FUZZ
@given(st.lists(hostile_text, min_size=1, max_size=4))
def test_fuzz_score_themes(texts):
    documented(lambda: tk.score_themes(texts))
