"""One shard of an archive run: the pipeline on a few hundred articles, in a worker, returning compact results.

The worker's side of :func:`toolkit.process_archive` (:mod:`toolkit.archive`),
below :mod:`toolkit.gather`, which sends shards here and folds their results
together. A shard's rows of the manifest go through every stage in turn::

    load_rows -> segment (near-duplicates) -> tokenize_units (Parquet cache)
        -> document-term counts by group -> theme labels per unit
        -> per-article theme counts, a seeded sample of units for topics

and only the counts, one row per article, the units whose hashed ``unit_id``
may enter the sample, counters and seconds per stage come back. With a
``units_dir`` the shard's measured units are kept as a Parquet file named by
a digest of everything they depend on, and a later run reads them.
"""

from __future__ import annotations

import hashlib
import os
import time

import numpy as np
import pandas as pd

from .pipeline import Settings
from .store import add_fields, file_key, key_hash, read_checked, read_parquet, write_parquet

__all__: list[str] = []

_TOP = 2 ** 64 - 1
STAGES = ("load + clean", "segment + near-duplicates", "tokenise", "counts", "theme labels")


def _priority(unit_ids) -> np.ndarray:
    """A 64-bit hash of each unit id: the sample keeps the smallest, whatever the shard order."""
    return np.array([int.from_bytes(hashlib.blake2b(u.encode("utf-8"), digest_size=8).digest(), "big")
                     for u in unit_ids], dtype=np.uint64)


def _process_shard(root: str, rows: pd.DataFrame, settings: Settings, run: dict) -> dict:
    """The pipeline on one shard's rows; only compact results are returned.

    ``settings`` says what is selected and measured; ``run`` where the files and caches are
    (``raw_dir``, ``cache``, ``units_dir``) and how many units to sample (``sample``, ``ceiling``).
    """
    from .corpus import load_rows
    from .features import dfm
    from .segment import segment
    from .groups import add_periods, with_groups
    from .measure import _forget_hits
    from .batch import tokenize_units

    seconds = dict.fromkeys(STAGES, 0.0)
    cpu = dict.fromkeys(STAGES, 0.0)
    clock, cpu_clock = time.perf_counter(), time.process_time()

    def lap(stage):
        nonlocal clock, cpu_clock
        now, cpu_now = time.perf_counter(), time.process_time()
        seconds[stage] += now - clock
        cpu[stage] += cpu_now - cpu_clock
        clock, cpu_clock = now, cpu_now

    by, themes = settings.by, settings.lexicon.themes
    stored = _stored_units(root, rows, settings, run) if run.get("units_dir") else None
    if stored is not None and stored[1] is not None:
        measured, n_units, n_duplicates, n_articles = stored[1]
        lap("load + clean")
    else:
        corpus = add_periods(load_rows(root, rows, run["raw_dir"]), settings.periods)
        n_articles = len(corpus.documents)
        lap("load + clean")
        units = with_groups(segment(corpus, unit=settings.unit), corpus.documents, by)
        del corpus
        n_units, n_duplicates = len(units), int(units.duplicate_of.notna().sum())
        lap("segment + near-duplicates")
        measured = settings.select(units, allow_empty=True).reset_index(drop=True)
        del units
        # Chunks of 2,000 texts: the work done per distinct syllable and word of a chunk is shared by
        # more texts than in the default 200 (the words of a text do not depend on its chunk).
        measured = tokenize_units(measured, cache=run["cache"], progress=False, lists=False, chunk_size=2000)
        if stored is not None:
            _store_units(stored[0], measured, n_units, n_duplicates, n_articles)
        lap("tokenise")
    counts = dfm(measured, by=by) if measured.n_tokens.sum() else None    # a shard may have no tokens at all
    priority = _priority(measured.unit_id)
    below = np.flatnonzero(priority <= np.uint64(run.get("ceiling", _TOP)))
    keep = below[np.argsort(priority[below], kind="stable")[:run["sample"]]]
    sample = measured.iloc[keep][["unit_id", "doc_id", by, "tokens"]].assign(priority=priority[keep])
    sample["tokens"] = sample["tokens"].astype(str)
    lap("counts")
    labels = (settings.label(measured).astype(np.int64) if len(measured)
              else pd.DataFrame(0, index=measured.index, columns=list(themes)))
    _forget_hits(settings.lexicon)
    frame = pd.concat([measured[["doc_id", by]], labels.set_index(measured.index)], axis=1)
    articles = frame.groupby(["doc_id", by], sort=True).agg(**{"units": ("doc_id", "size")},
                                                            **{t: (t, "sum") for t in themes}).reset_index()
    lap("theme labels")
    return {"counts": counts, "articles": articles, "sample": sample.reset_index(drop=True),
            "units": n_units, "duplicates": n_duplicates, "articles_read": n_articles, "seconds": seconds,
            "cpu": cpu}


def _shard_key(root: str, rows: pd.DataFrame, settings: Settings, raw_dir: str) -> str:
    """A digest of what a shard's units depend on: its rows, its files' bytes and the toolkit's signature."""
    from .wordcache import cache_signature

    h = add_fields(key_hash(), (cache_signature(), settings.unit, repr(settings.kinds),
                                repr(settings.drop_duplicates), settings.by, repr(settings.periods),
                                rows.to_csv(index=False)))
    for rel in rows["path"]:
        h.update(file_key(os.path.join(root, raw_dir, rel)))
    return h.hexdigest()


def _stored_units(root: str, rows: pd.DataFrame, settings: Settings, run: dict):
    """``(path, None)`` when the shard's units are not stored yet, else ``(path, (units, counters...))``.

    A stored file that cannot be read is removed: its units are computed again and rewritten.
    """
    path = os.path.join(run["units_dir"], f"units-{_shard_key(root, rows, settings, run['raw_dir'])}.parquet")
    return path, read_checked(path, _read_units)


def _read_units(path: str):
    """``(units, n_units, n_duplicates, n_articles)`` of a stored shard; raises when it cannot be read."""
    table = read_parquet(path)
    meta = {k.decode(): int(v) for k, v in (table.schema.metadata or {}).items() if k.startswith(b"n_")}
    units = table.replace_schema_metadata(None).to_pandas()
    for column in ("words", "tokens"):          # lean Arrow strings, as tokenize_units(lists=False) gives
        units[column] = pd.Series(pd.arrays.ArrowExtensionArray(table.column(column)), index=units.index)
    return units, meta["n_units"], meta["n_duplicates"], meta["n_articles"]


def _store_units(path: str, units: pd.DataFrame, n_units: int, n_duplicates: int, n_articles: int) -> None:
    import pyarrow as pa

    write_parquet(path, pa.Table.from_pandas(units, preserve_index=False),
                  {"n_units": n_units, "n_duplicates": n_duplicates, "n_articles": n_articles})
