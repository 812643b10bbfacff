"""The main process of an archive run: shards sent to workers and their results folded in as they arrive.

Between :func:`toolkit.process_archive` (:mod:`toolkit.archive`), which calls
:func:`_gather`, and :mod:`toolkit.shard`, whose ``_process_shard`` runs each
shard here, in worker processes or on a Dask cluster. What is kept grows with
the corpus's vocabulary and articles, not with its units: the group-by-term
counts summed over shards, each article's counts stacked (for the
article-level test of keyness), the article rows, the bottom-k sample and the
seconds per stage. The order in which shards finish does not change the
outcome.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import scipy.sparse as sp

from .executor import Executor
from .features import DFM
from .pipeline import Settings
from .shard import _TOP, STAGES, _process_shard

__all__: list[str] = []


class _Counts:
    """Sum of group-by-term matrices over a growing vocabulary and set of groups, with each article's counts.

    An article is in one shard, so its per-article row (kept for the
    article-level tests of keyness) arrives once and is stacked, not summed.
    """

    def __init__(self, by: str):
        self.by = by
        self.vocab: dict[str, int] = {}
        self.groups: dict = {}
        self.matrix = sp.csr_matrix((0, 0), dtype=np.int64)
        self.docs: list = []
        self.doc_rows: list = []

    def add(self, part: DFM | None) -> None:
        if part is None:
            return
        cols = np.fromiter((self.vocab.setdefault(t, len(self.vocab)) for t in part.terms), dtype=np.int64,
                           count=len(part.terms))
        rows = np.fromiter((self.groups.setdefault(g, len(self.groups)) for g in part.rows[self.by]),
                           dtype=np.int64, count=len(part.rows))
        coo = part.matrix.tocoo()
        shape = (len(self.groups), len(self.vocab))
        old = self.matrix
        old.resize(shape)
        self.matrix = (old + sp.csr_matrix((coo.data, (rows[coo.row], cols[coo.col])), shape=shape)).tocsr()
        if part.docs is not None:
            docs = part.docs.tocsr()
            # Compact until dfm(): row pointers, columns in the vocabulary's codes so far (32-bit) and
            # counts (32-bit: an article's count of one term); 8 bytes a nonzero instead of COO's 24.
            self.docs.append((docs.indptr.astype(np.int64), cols[docs.indices].astype(np.int32),
                              docs.data.astype(np.int32)))
            self.doc_rows.append(part.doc_rows)

    def dfm(self) -> DFM:
        groups = sorted(self.groups)
        terms = np.array(sorted(self.vocab), dtype=object)
        row_order = [self.groups[g] for g in groups]
        col_order = [self.vocab[t] for t in terms]
        matrix = self.matrix[row_order][:, col_order].astype(np.int64).tocsr()
        docs = doc_rows = None
        if self.docs and len(self.docs) == len(self.doc_rows):
            doc_rows = pd.concat(self.doc_rows, ignore_index=True)
            # The order of toolkit.dfm on the whole corpus: by doc_id, then group.
            order = doc_rows.sort_values(list(doc_rows.columns), kind="stable").index.to_numpy()
            docs = self._stacked_docs(order, col_order, len(terms))
            doc_rows = doc_rows.iloc[order].reset_index(drop=True)
        return DFM(matrix, terms, pd.DataFrame({self.by: groups}), docs, doc_rows)

    def _stacked_docs(self, order: np.ndarray, col_order: list, n_terms: int) -> sp.csr_matrix:
        """The articles' rows in ``order`` and columns in the final vocabulary's order, written straight
        into one CSR matrix, each shard's part dropped once copied (no COO, no second copy to reorder:
        at 200,000 articles the stacked counts are the largest thing the main process holds)."""
        position = np.empty(len(self.vocab), dtype=np.int32)
        position[col_order] = np.arange(len(col_order), dtype=np.int32)
        lengths = np.concatenate([np.diff(indptr) for indptr, _, _ in self.docs])
        destination = np.empty(len(order), dtype=np.int64)      # each stacked row's place in the result
        destination[order] = np.arange(len(order))
        indptr = np.zeros(len(order) + 1, dtype=np.int64)
        np.cumsum(lengths[order], out=indptr[1:])
        indices = np.empty(indptr[-1], dtype=np.int32)
        data = np.empty(indptr[-1], dtype=np.int32)       # an article's count of one term
        offset = 0
        while self.docs:
            part_indptr, part_cols, part_data = self.docs.pop(0)
            n = len(part_indptr) - 1
            starts = indptr[destination[offset:offset + n]]
            target = np.repeat(starts - part_indptr[:-1], np.diff(part_indptr)) + np.arange(len(part_data))
            indices[target] = position[part_cols]
            data[target] = part_data
            offset += n
        docs = sp.csr_matrix((data, indices, indptr), shape=(len(order), n_terms))
        docs.sort_indices()
        return docs


def _results(tasks: list, executor: Executor, ceiling):
    """Each shard's result as it finishes (gathering does not depend on the order).

    At most two shards per worker are in flight, so finished results never pile up in the
    client; ``ceiling()`` is read as each shard is sent: the sample's current largest kept
    priority, above which a worker need not return units (they could never enter the sample).
    Worker processes inherit the models, loaded once before they start.
    """
    def arguments(task):
        root, rows, settings, run = task
        return root, rows, settings, {**run, "ceiling": ceiling()}

    yield from executor.stream(_process_shard, tasks, arguments, preload=lambda: _load_models(tasks[0][2]))


def _load_models(settings: Settings) -> None:
    """Load pyvi's model and, when the shards will use it, the shipped theme classifier with its tables
    (the model that reads context: shards label units of articles)."""
    from .labels import _classifier, _is_default_lexicon, _shipped_model
    from .wordseg import _batch_tagger

    _batch_tagger()
    if _is_default_lexicon(settings.lexicon) and _shipped_model():
        _classifier(None, context=True).predict_proba([""], [("", "", "")])


def _gather(tasks: list, executor: Executor, sample: int, by: str, bar) -> dict:
    """Every shard's result folded in as it arrives: counts, article rows, the bottom-k sample, tallies
    and seconds per stage (the order of arrival does not change the outcome)."""
    out = {"counts": _Counts(by), "articles": [], "kept": None, "units": 0, "duplicates": 0,
           "seconds": dict.fromkeys(STAGES, 0.0), "cpu": dict.fromkeys(STAGES, 0.0)}

    def ceiling() -> int:
        # Once the sample is full, units above its largest priority can never enter it.
        kept = out["kept"]
        if not sample or kept is None or len(kept) < sample:
            return _TOP
        return int(kept.priority.iloc[-1])

    for done, result in enumerate(_results(tasks, executor, ceiling), start=1):
        out["counts"].add(result["counts"])
        out["articles"].append(result["articles"])
        kept = out["kept"]
        out["kept"] = _smallest([result["sample"]] if kept is None else [kept, result["sample"]], sample)
        out["units"] += result["units"]
        out["duplicates"] += result["duplicates"]
        for stage, value in result["seconds"].items():
            out["seconds"][stage] += value
            out["cpu"][stage] += result["cpu"][stage]
        bar.set_description_str(f"archive, shard {done}/{len(tasks)}", refresh=False)
        bar.update(result["articles_read"])
    return out


def _smallest(samples: list, k: int) -> pd.DataFrame:
    frame = pd.concat(samples, ignore_index=True)
    return frame.sort_values(["priority", "unit_id"], kind="stable").head(k).reset_index(drop=True)
