"""Tokens of many texts, once per distinct word: the same as the tokenizer unit by unit on real text."""

import toolkit as tk


def test_tokens_of_many_texts_equal_the_tokenizer_text_by_text(real_texts):
    # Tokens are computed once per distinct word and remembered per tokenizer setting: on real text,
    # each setting in turn (and the default again) gives what Tokenizer.filter gives unit by unit.
    import pandas as pd

    from toolkit.batch import tokenize_units

    units = pd.DataFrame({"text": real_texts[:2000]})
    words = [w.split() for w in tokenize_units(units, cache=False, lists=False).words]
    for tokenizer in (tk.Tokenizer(), tk.Tokenizer(remove_stopwords=False), tk.Tokenizer(lowercase=False),
                      tk.Tokenizer(extra_stopwords=["hợp_tác", "việt_nam"]), tk.Tokenizer()):
        got = tokenize_units(units, tokenizer=tokenizer, cache=False, lists=True).tokens.tolist()
        assert got == [tokenizer.filter(w) for w in words], tokenizer
