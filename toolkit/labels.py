"""The toolkit's decision rule: which themes a text carries, by the dictionary or the classifier.

Decision rule
-------------
``label_themes`` with ``method="lexicon"`` marks a theme present when its score
(:func:`toolkit.score_themes`, :mod:`toolkit.measure`) is at least ``threshold`` (default 1.0: one
full-weight hit). A unit can carry several themes or none. With ``method="classifier"`` a
:class:`toolkit.classify.ThemeClassifier` decides; ``"auto"`` uses the shipped classifier for the
default lexicon when the package ships one, the dictionary rule otherwise.

This module sits above :mod:`toolkit.measure` and :mod:`toolkit.classify` and below everything that
counts labelled units: :mod:`toolkit.themes`, :mod:`toolkit.validation`, the validation sample
(:mod:`toolkit.sampling`) and the design-based estimates (:mod:`toolkit.design`).
"""

from __future__ import annotations

import pandas as pd

from .errors import ToolkitError
from .lexicon import Lexicon
from .measure import _DEFAULT, _lexicon, score_themes

__all__ = ["label_themes", "METHODS"]


METHODS = ("auto", "lexicon", "classifier")


def _is_default_lexicon(lex: Lexicon) -> bool:
    default = _lexicon(None)
    return lex is default or (lex.version == default.version and lex.entries.equals(default.entries)
                              and lex.contexts == default.contexts and lex.blockers.equals(default.blockers))


def _shipped_model() -> bool:
    from .classify import DEFAULT_MODEL

    return DEFAULT_MODEL.is_file()


def _classifier(model, context: bool = False):
    """The classifier to use: ``model``, or the shipped one (the context model when ``context`` and it
    is shipped)."""
    from .classify import CONTEXT_MODEL, ThemeClassifier, load_classifier

    if isinstance(model, ThemeClassifier):
        return model
    if model is None:
        key = "context classifier" if context and CONTEXT_MODEL.is_file() else "classifier"
        if key not in _DEFAULT:
            _DEFAULT[key] = load_classifier(CONTEXT_MODEL if key == "context classifier" else None)
        return _DEFAULT[key]
    return load_classifier(model)


def _texts_and_context(texts):
    """``texts`` as given, or a units frame's ``text`` and each unit's context (None when the frame has
    neither ``doc_id`` nor context columns)."""
    if not isinstance(texts, pd.DataFrame):
        return texts, None
    from .classify import unit_context

    if "text" not in texts.columns:
        raise ToolkitError("a frame of units needs a text column")
    usable = "doc_id" in texts.columns or {"context_before", "context_after"} <= set(texts.columns)
    return texts["text"], (unit_context(texts) if usable else None)


def label_themes(texts, lexicon: Lexicon | str | None = None, threshold: float = 1.0, segmenter=None,
                 method: str = "auto", model=None) -> pd.DataFrame:
    """The toolkit's decision rule: one bool column per theme.

    Parameters
    ----------
    texts : list or Series of str, or DataFrame of units
        A frame of units (``text``, with ``doc_id`` or ``context_before`` / ``context_after``, and
        optionally ``title``, ``paragraph``, ``sentence``) lets the classifier read each sentence's
        context: the title and the neighbouring units of the same article in the frame
        (:func:`toolkit.classify.unit_context`). Pass the units measured, as ``theme_shares`` does.
    lexicon : Lexicon, path or version, optional
    threshold : float, default 1.0
        ``method="lexicon"``: a theme is present when its score (:func:`score_themes`) is at least this.
    segmenter : callable, optional
        ``method="lexicon"``: count only hits on this segmenter's word boundaries.
    method : {"auto", "lexicon", "classifier"}, default "auto"
        ``"lexicon"``: the dictionary rule above. ``"classifier"``: a :class:`toolkit.classify.ThemeClassifier`
        (``model``, default the shipped model of the study's themes, trained on the tuning half of the
        real-text validation set: logistic regression on the lexicon's hits and syllable n-grams).
        ``"auto"``: the shipped classifier for the default lexicon when the package ships one (the
        combination validated on real text; given units with their articles, the shipped model that
        also reads context), the dictionary rule for any other lexicon, when ``threshold`` or
        ``segmenter`` is given, or when no model is shipped.
    model : ThemeClassifier or path, optional
        The classifier for ``method="classifier"``.

    Examples
    --------
    >>> label_themes(["Kim ngạch xuất khẩu qua cửa khẩu tăng 20%.", "Giá rau tăng mạnh."]).to_dict("list")
    {'economic_diplomacy': [True, False], 'border_security': [False, False], 'people_to_people': [False, False]}
    """
    if not threshold > 0:
        raise ToolkitError(f"threshold must be positive, got {threshold!r}")
    if method not in METHODS:
        raise ToolkitError(f"method must be one of {', '.join(METHODS)}, got {method!r}")
    lex = _lexicon(lexicon)
    texts, context = _texts_and_context(texts)
    if method == "auto":
        plain = threshold == 1.0 and segmenter is None
        shipped = plain and _is_default_lexicon(lex) and _shipped_model()
        method = "classifier" if (model is not None or shipped) else "lexicon"
    if method == "lexicon":
        return score_themes(texts, lex, segmenter) >= threshold
    clf = _classifier(model, context is not None)
    if set(clf.themes_) != set(lex.themes):
        raise ToolkitError(f"the classifier measures {', '.join(clf.themes_)}, the lexicon "
                           f"{', '.join(lex.themes)}; use method='lexicon' or a model trained on these themes")
    return clf.predict(texts, context)[list(lex.themes)]
