"""Supervised theme measurement: logistic regression on lexicon features and syllable n-grams.

A dictionary (:mod:`toolkit.measure`) always errs on real text: an ambiguous word ("thị trường", "cột
mốc", "văn hóa") fires outside foreign affairs, and a context cue cannot see whether the sentence has
a Vietnamese side. :class:`ThemeClassifier` learns, from hand-coded sentences, how much each lexicon
signal and each word sequence counts, one calibrated logistic regression per theme:

* **lexicon features**: per theme, the lexicon score (capped at 3), the number of hits without a
  context cue, with a cue, and of kind ``formula``; per context of the lexicon, whether one of its cues
  occurs (``foreign``, ``border``, ``vietnam``...);
* **n-gram features**: lower-cased syllable unigrams and bigrams (present or not) seen in at least
  ``min_df`` training sentences. Syllables need no word segmentation, so labelling is fast on archives;
* **side features** (``sides=True``): whether a Vietnamese side and a foreign actor take part, and
  whether the sentence speaks of the economy, security or culture, crossed with each other and with
  the lexicon's hits (:func:`toolkit.sides.side_features`);
* **context features** (``context=True``): the same sides and the lexicon's themes found in the
  article's title and the sentences just before and after, and the sentence's fields crossed with the
  sides of its context (:func:`toolkit.theme_features.context_features`). A coder reads "Hai bên
  nhất trí mở rộng thương mại" with its article: the context says who "hai bên" are.
  :func:`unit_context` gives each unit its context from the units frame.

``features="lexicon"``, ``"ngrams"`` or ``"both"`` choose the feature set, so the three measurements a
validation compares (lexicon features only, words only, their combination) are one class. A model is
saved as JSON (coefficients, vocabulary, thresholds and the lexicon version it was trained with), never
as a pickle; :func:`load_classifier` reads it back and :func:`toolkit.label_themes` uses the shipped
model with ``method="classifier"``.

The features are computed in :mod:`toolkit.theme_features` (lexicon, n-gram and context features) and
:mod:`toolkit.sides` (side features); this module fits and applies the models on them, saves and
loads them, and gives units their context. :mod:`toolkit.measure` sits above it: ``label_themes``
calls the classifier.

Examples
--------
>>> import pandas as pd
>>> texts = ["Tỉnh thu hút 12 dự án FDI.", "Giá rau tăng mạnh.", "Hai bên tuần tra chung biên giới.",
...          "Học sinh nghỉ Tết.", "Kim ngạch xuất khẩu sang Lào tăng.", "Trời mưa to."]
>>> y = pd.DataFrame({"economic_diplomacy": [1, 0, 0, 0, 1, 0], "border_security": [0, 0, 1, 0, 0, 0]})
>>> model = ThemeClassifier(min_df=1).fit(texts, y)
>>> model.predict(["Thu hút dự án FDI vào tỉnh."]).economic_diplomacy.tolist()
[True]
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np
import pandas as pd
import scipy.sparse as sp

from .errors import ToolkitError
from .lexicon import LEXICON_DIR, Lexicon, load_lexicon
from .match import syllables
from .theme_features import _context_block, _NgramIndex, _ngram_matrix, _signals, _themes_present, syllable_ngrams

__all__ = ["ThemeClassifier", "load_classifier", "DEFAULT_MODEL", "CONTEXT_MODEL", "unit_context"]

#: The shipped model for the study's three themes that reads sentences alone (trained on the real-text
#: validation set, see data/validation/real/README.md).
DEFAULT_MODEL = LEXICON_DIR.parent / "models" / "themes_classifier.json"
#: The shipped model that also reads each sentence's context (title, sentence before and after); used
#: by :func:`toolkit.label_themes` when it is given units with their articles.
CONTEXT_MODEL = LEXICON_DIR.parent / "models" / "themes_classifier_context.json"
FEATURE_SETS = ("lexicon", "ngrams", "both")


def unit_context(units: pd.DataFrame) -> list[tuple[str, str, str]]:
    """Each unit's context ``(title, sentence before, sentence after)``, in the frame's row order.

    With columns ``context_before`` / ``context_after`` (a coding sheet), they are used as given.
    Otherwise the units are put in article order (``doc_id``, then ``paragraph`` and ``sentence`` when
    present, else their order in the frame) and the neighbours are the units of the same article in
    the frame: pass the units that were measured (body sentences), as :func:`toolkit.label_themes`
    does. The title is the ``title`` column when there is one.

    >>> frame = pd.DataFrame({"doc_id": ["a", "a", "b"], "text": ["Một.", "Hai.", "Ba."], "title": ["T", "T", "U"]})
    >>> unit_context(frame)
    [('T', '', 'Hai.'), ('T', 'Một.', ''), ('U', '', '')]
    """
    if "text" not in units.columns:
        raise ToolkitError("units need a text column")
    n = len(units)
    text = units["text"].astype(str).to_numpy()
    if {"context_before", "context_after"} <= set(units.columns):
        before = units["context_before"].fillna("").astype(str).to_numpy()
        after = units["context_after"].fillna("").astype(str).to_numpy()
    elif "doc_id" in units.columns:
        keys = [c for c in ("doc_id", "paragraph", "sentence") if c in units.columns]
        frame = pd.DataFrame({k: units[k].to_numpy() for k in keys}).assign(_row=np.arange(n), _text=text)
        frame = frame.sort_values([*keys, "_row"], kind="stable")
        doc = frame["doc_id"].to_numpy()
        ordered = frame["_text"].to_numpy()
        same_prev = np.r_[False, doc[1:] == doc[:-1]]
        same_next = np.r_[doc[:-1] == doc[1:], False]
        prev = np.where(same_prev, np.r_[[""], ordered[:-1]], "")
        nxt = np.where(same_next, np.r_[ordered[1:], [""]], "")
        before, after = np.empty(n, dtype=object), np.empty(n, dtype=object)
        before[frame["_row"].to_numpy()] = prev
        after[frame["_row"].to_numpy()] = nxt
    else:
        raise ToolkitError("a unit's context needs doc_id (units of articles) or context_before / context_after columns")
    title = units["title"].fillna("").astype(str).to_numpy() if "title" in units.columns else np.full(n, "")
    return [(str(t), str(b), str(a)) for t, b, a in zip(title, before, after)]


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.clip(z, -40, 40)))


class ThemeClassifier:
    """One logistic regression per theme on lexicon and n-gram features.

    Parameters
    ----------
    lexicon : Lexicon, path or version, optional
        The lexicon whose hits are features (default: the toolkit's default lexicon).
    features : {"both", "lexicon", "ngrams"}, default "both"
    C : float, default 1.0
        Inverse L2 penalty of scikit-learn's ``LogisticRegression``.
    min_df : int, default 2
        An n-gram is a feature when it occurs in at least this many training texts.
    class_weight : "balanced" or None, default "balanced"
    thresholds : dict or float, default 0.5
        Probability from which a theme is present, per theme or for all.
    sides : bool, default False
        With lexicon features, add who takes part and in which field (:func:`toolkit.sides.side_features`),
        each side crossed with each theme's lexicon hits, and each field crossed with the sides: a relation
        is a field *and* a partner, which a linear model on words alone cannot express, and a security word
        in news about other countries can count for less than on Vietnam's border.
    context : bool, default False
        With lexicon features, add what the text's context says
        (:func:`toolkit.theme_features.context_features`). Such a model needs ``context=`` (one
        ``(title, before, after)`` tuple per text) in ``fit`` and ``predict``.
    """

    def __init__(self, lexicon=None, features: str = "both", C: float = 1.0, min_df: int = 2,
                 class_weight: str | None = "balanced", thresholds=0.5, sides: bool = False, context: bool = False):
        if features not in FEATURE_SETS:
            raise ToolkitError(f"features must be one of {', '.join(FEATURE_SETS)}, got {features!r}")
        if not C > 0:
            raise ToolkitError(f"C must be positive, got {C!r}")
        if not (isinstance(min_df, int) and min_df >= 1):
            raise ToolkitError(f"min_df must be a positive int, got {min_df!r}")
        self.lexicon = lexicon
        self.features = features
        self.C = C
        self.min_df = min_df
        self.class_weight = class_weight
        self.thresholds = thresholds
        self.sides = bool(sides)
        self.context = bool(context)
        if self.context and features == "ngrams":
            raise ToolkitError("context features come with lexicon features; use features='both' or 'lexicon'")

    # -- features -----------------------------------------------------------------------------
    def _lex(self) -> Lexicon:
        from .measure import _lexicon

        return _lexicon(self.lexicon)

    def _context_of(self, texts: list[str], context) -> list | None:
        if not self.context:
            return None
        if context is None:
            raise ToolkitError("this classifier reads each text's context: pass context= (see toolkit.classify.unit_context)")
        context = [tuple(str(p) for p in parts) for parts in context]
        if len(context) != len(texts):
            raise ToolkitError(f"{len(texts)} texts but {len(context)} contexts")
        return context

    def _matrix(self, texts: list[str], context=None) -> sp.csr_matrix:
        # Each distinct text and context part is split into syllables and matched once, shared by every feature.
        lex = self._lex() if self.features in ("lexicon", "both") else None
        parts = [p for c in context for p in c if p] if context is not None else []
        if lex is not None:
            need_sides = self.sides or context is not None
            position, usylls, lexical_all, side_all = _signals([*texts, *parts], lex, need_sides)
            own = [position[t] for t in texts]
            sylls = [usylls[i] for i in own]
        else:
            sylls = [syllables(t) for t in texts]
        blocks = []
        if lex is not None:
            lexical = lexical_all[own]
            blocks.append(sp.csr_matrix(lexical))
            if context is not None:
                blocks.append(sp.csr_matrix(_context_block(texts, context, position, lexical_all, side_all, lex)))
            if self.sides:
                side = side_all[own]
                present = _themes_present(lexical, lex)
                crossed = np.column_stack([present[:, i] * side[:, j] for i in range(present.shape[1])
                                           for j in range(side.shape[1])])
                vn, foreign = side[:, 0], side[:, 1]
                fields = side[:, 3:]
                partner = np.column_stack([fields * foreign[:, None], fields * (foreign * vn)[:, None],
                                           fields * vn[:, None]])
                blocks.append(sp.csr_matrix(np.hstack([side, crossed, partner])))
        if self.features in ("ngrams", "both"):
            table = getattr(self, "_ngram_table", None)
            if table is None or table[0] is not self.vocabulary_:
                table = self._ngram_table = (self.vocabulary_, _NgramIndex(self.vocabulary_))
            blocks.append(_ngram_matrix(sylls, self.vocabulary_, table[1]))
        return sp.hstack(blocks, format="csr")

    # -- fitting ------------------------------------------------------------------------------
    def fit(self, texts, y: pd.DataFrame, sample_weight=None, context=None) -> "ThemeClassifier":
        """Fit one model per column of ``y`` (0/1 codes, one column per theme); ``context`` as in
        :meth:`predict_proba`."""
        from sklearn.linear_model import LogisticRegression

        from .measure import _as_texts

        values, _ = _as_texts(texts)
        if len(values) != len(y):
            raise ToolkitError(f"{len(values)} texts but {len(y)} rows of codes")
        self.themes_ = tuple(y.columns)
        if self.features in ("ngrams", "both"):
            counts: dict[str, int] = {}
            for text in values:
                for gram in set(syllable_ngrams(text)):
                    counts[gram] = counts.get(gram, 0) + 1
            kept = sorted(g for g, c in counts.items() if c >= self.min_df)
            self.vocabulary_ = {g: i for i, g in enumerate(kept)}
        else:
            self.vocabulary_ = {}
        X = self._matrix(values, self._context_of(values, context))
        self.coef_, self.intercept_ = {}, {}
        for theme in self.themes_:
            target = np.asarray(y[theme], dtype=int)
            if target.min() == target.max():
                raise ToolkitError(f"theme {theme!r} has only {'positive' if target[0] else 'negative'} codes; "
                                   "a classifier needs both")
            model = LogisticRegression(C=self.C, class_weight=self.class_weight, max_iter=5000)
            model.fit(X, target, sample_weight=sample_weight)
            self.coef_[theme] = model.coef_[0]
            self.intercept_[theme] = float(model.intercept_[0])
        self.lexicon_version_ = self._lex().version
        return self

    def _threshold(self, theme: str) -> float:
        return float(self.thresholds.get(theme, 0.5) if isinstance(self.thresholds, dict) else self.thresholds)

    def predict_proba(self, texts, context=None) -> pd.DataFrame:
        """Probability of each theme, one float column per theme.

        ``context``: with a model fitted with ``context=True``, one ``(title, before, after)`` tuple of
        strings per text (:func:`unit_context`); ignored otherwise.
        """
        from .measure import _as_texts

        if not hasattr(self, "coef_"):
            raise ToolkitError("the classifier is not fitted; call fit() or load_classifier()")
        values, index = _as_texts(texts)
        X = (self._matrix(values, self._context_of(values, context)) if values else sp.csr_matrix((0, len(next(iter(self.coef_.values()))))))
        out = {t: _sigmoid(X @ self.coef_[t] + self.intercept_[t]) for t in self.themes_}
        return pd.DataFrame(out, index=index, columns=list(self.themes_))

    def predict(self, texts, context=None) -> pd.DataFrame:
        """Bool labels: probability at least the theme's threshold."""
        proba = self.predict_proba(texts, context)
        return pd.DataFrame({t: proba[t] >= self._threshold(t) for t in self.themes_}, index=proba.index)

    # -- persistence --------------------------------------------------------------------------
    def save(self, path) -> Path:
        """Write the fitted model as JSON."""
        path = Path(path)
        data = {
            "format": "vn-discourse theme classifier 1", "features": self.features, "C": self.C,
            "min_df": self.min_df, "class_weight": self.class_weight, "sides": self.sides,
            "context": self.context,
            "thresholds": {t: self._threshold(t) for t in self.themes_}, "themes": list(self.themes_),
            "lexicon_version": self.lexicon_version_, "vocabulary": sorted(self.vocabulary_, key=self.vocabulary_.get),
            "coef": {t: [round(float(v), 6) for v in self.coef_[t]] for t in self.themes_},
            "intercept": {t: round(self.intercept_[t], 6) for t in self.themes_},
        }
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(data, ensure_ascii=False, indent=0) + "\n", encoding="utf-8")
        return path


def load_classifier(path: str | os.PathLike | None = None, lexicon=None) -> ThemeClassifier:
    """Read a classifier saved by :meth:`ThemeClassifier.save` (default: the shipped model).

    ``lexicon`` defaults to the shipped lexicon version the model was trained with.
    """
    path = Path(path) if path is not None else DEFAULT_MODEL
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ToolkitError(f"{path}: no such classifier file") from None
    except json.JSONDecodeError as err:
        raise ToolkitError(f"{path}: not a classifier file ({err})") from None
    if data.get("format") != "vn-discourse theme classifier 1":
        raise ToolkitError(f"{path}: not a classifier file of this toolkit")
    model = ThemeClassifier(lexicon=lexicon if lexicon is not None else load_lexicon(data["lexicon_version"]),
                            features=data["features"], C=data["C"], min_df=data["min_df"],
                            class_weight=data["class_weight"], thresholds=data["thresholds"],
                            sides=data.get("sides", False), context=data.get("context", False))
    model.themes_ = tuple(data["themes"])
    model.vocabulary_ = {g: i for i, g in enumerate(data["vocabulary"])}
    model.coef_ = {t: np.asarray(v, dtype=float) for t, v in data["coef"].items()}
    model.intercept_ = {t: float(v) for t, v in data["intercept"].items()}
    model.lexicon_version_ = data["lexicon_version"]
    return model
