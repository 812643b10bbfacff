"""Vietnamese discourse-analysis toolkit.

The pipeline runs one way, one module per stage::

    corpus    load_corpus        manifest + raw files -> validated, normalised, cleaned documents
    segment   segment            documents -> paragraph or sentence units, kinds, near-duplicates
    pipeline  select_units, Settings   the units measured (kinds, near-duplicates dropped), the run's choices
    wordseg, tokens, batch   word_segment, tokenize, tokenize_units   units -> words and analysis tokens
    features  dfm                units -> sparse document-term matrices
    lexicon   load_lexicon       theme lexicons as data: any themes, context cues, blockers, formulas
    measure   match_themes, score_themes, explain   lexicon hits and scores of texts
    labels    label_themes       the decision rule: the shipped classifier or the dictionary
    themes    theme_shares, theme_tests, term_hits, theme_kwic ...   the measurement of a corpus's units by group
    validation  validate, term_validation, false_alarms   the measurement against hand-coded texts
    agreement agreement, disagreements   two coders: Krippendorff's alpha, kappa, what they dispute
    sampling  validation_sample, write_sheets, read_codes   a probability sample of units to hand-code, its sheets
    coding_round  coding_sample, adjudication_sheet, consensus   the coding round kept on disk
    design    design_based_shares, accuracy   shares and accuracy that stay right when the measurement errs
    ranksum   article_test       the article-level test of word frequencies behind keyness and log_odds
    keywords  keyness, log_odds  distinctive terms of a group (effect sizes, p from the article-level test)
    tfidf     top_tfidf, class_tfidf   what a group's text is made of
    concordance kwic, kwic_sample, collocations, display_forms   words in their text
    topics    fit_topics, topic_terms, seed_terms   topic models (NMF, LDA, seeded LDA)
    topic_choice  topic_selection, choose_k, beats_null, compare_topics   k against word-shuffled documents
    topic_groups  topic_shares, article_topics   topic shares by group with article-level intervals
    explore   explore, write_explorer   terms, themes, topics, dispersion: a notebook widget or one HTML file
                                 (explore_data -> explore_figures -> explore_page, explore_widget)
    coding    code_sheet         hand-coding the validation sample, one unit at a time
    figures   (toolkit.figures)  plots of tidy frames and their files: figure_style -> figure_layout ->
                                 theme_figures, estimate_figures, topic_figures, figures; figure_files

    archive   process_archive    the same stages a shard of articles at a time (processes or Dask),
                                 keeping per-article counts: corpora larger than memory
    shard, gather                a worker's shard of an archive run; the main process gathering the shards

Example
-------
>>> import toolkit as tk
>>> corpus = tk.load_corpus("data")
>>> units = tk.tokenize_units(tk.segment(corpus, unit="sentence"), cache=False)
>>> units.loc[1, "tokens"][:4]
['đối_ngoại', 'lạng_sơn', 'chủ_động', 'linh_hoạt']
"""

__version__ = "0.1.0"

from .corpus import Corpus, load_corpus
from .manifest import read_manifest
from .errors import CorpusError, ManifestError, ToolkitError
from .normalize import normalize_audited, normalize_text
from .segment import segment, split_sentences
from .pipeline import select_units
from .summary import summarize
from .batch import segment_words, tokenize_units
from .tokens import Tokenizer, stopwords, tokenize
from .wordseg import word_segment, word_segment_many
from .features import DFM, dfm
from .parallel import map_partitions
from .archive import Archive, process_archive
from .sampling import read_codes, validation_sample, write_sheets
from .coding_round import adjudication_sheet, coding_progress, coding_sample, consensus
from .design import accuracy, design_based_regression, design_based_shares
from .lexicon import DEFAULT_LEXICON, Lexicon, lexicon_path, load_lexicon
from .measure import explain, match_themes, score_themes, themes_of
from .labels import label_themes
from .themes import (
    THEMES, corrected_theme_shares, leave_one_term_out, term_hits, theme_kwic, theme_shares, theme_tests, unmatched_terms,
)
from .validation import false_alarms, term_validation, validate
from .agreement import agreement, disagreements, join_codings, krippendorff_alpha
from .ranksum import EffectSizesOnlyWarning, article_test
from .tfidf import class_tfidf, top_tfidf
from .keywords import keyness, log_odds
from .concordance import add_display, collocations, display_forms, kwic, kwic_sample
from .topics import fit_topics, seed_terms, topic_terms
from .topic_choice import (
    beats_null, choose_k, compare_topics, default_ks, seed_effect, selection_table, topic_coherence, topic_selection,
    topic_stability,
)
from .topic_groups import article_topics, topic_shares
from .explore import explore, write_explorer
from .coding import code_sheet

__all__ = [
    "__version__", "Corpus", "load_corpus", "read_manifest", "CorpusError", "ManifestError", "ToolkitError",
    "normalize_text", "normalize_audited", "segment", "split_sentences", "select_units", "summarize", "Tokenizer", "segment_words", "stopwords",
    "tokenize", "tokenize_units", "word_segment", "word_segment_many", "DFM", "dfm", "map_partitions", "Archive", "process_archive", "THEMES", "explain", "label_themes",
    "DEFAULT_LEXICON", "Lexicon", "lexicon_path", "corrected_theme_shares", "false_alarms", "term_validation", "themes_of", "agreement", "disagreements",
    "join_codings", "krippendorff_alpha", "validation_sample", "write_sheets", "read_codes", "design_based_shares",
    "design_based_regression", "coding_sample", "coding_progress", "adjudication_sheet", "consensus", "accuracy",
    "leave_one_term_out", "load_lexicon", "match_themes", "score_themes", "term_hits", "theme_kwic",
    "theme_shares", "theme_tests", "unmatched_terms", "validate", "class_tfidf", "collocations", "keyness",
    "kwic", "log_odds", "article_test", "EffectSizesOnlyWarning", "top_tfidf", "display_forms", "add_display", "fit_topics", "topic_shares", "topic_stability",
    "topic_terms", "topic_selection", "choose_k", "compare_topics", "seed_effect", "seed_terms", "topic_coherence",
    "kwic_sample", "article_topics", "beats_null", "default_ks", "selection_table",
    "explore", "write_explorer", "code_sheet",
]
