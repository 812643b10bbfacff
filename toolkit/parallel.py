"""Run a per-row function over a frame in partitions: here, in processes or on a Dask cluster.

Many toolkit functions work row by row (``tk.score_themes`` scores each text
on its own; document-term matrices count each unit's tokens), so mapping them
over partitions of the rows and concatenating the results in order gives the
same answer as one call on the whole frame. :func:`map_partitions` does that
locally or on a ``dask.distributed`` cluster (an :class:`toolkit.executor.Executor`
chooses); what travels over the network
is each partition (pickled) to a worker and each partition's result back.

Examples
--------
>>> import pandas as pd
>>> frame = pd.DataFrame({"x": range(5)})
>>> map_partitions(lambda part: part.assign(y=part.x * 2), frame, partition_size=2).y.tolist()
[0, 2, 4, 6, 8]
"""

from __future__ import annotations

import pandas as pd

from .errors import ToolkitError
# dask_client and progress_bar live in toolkit.executor; imported here, where they were first defined.
from .executor import Executor, dask_client, progress_bar  # noqa: F401

__all__ = ["map_partitions"]


def _combine(parts: list, like):
    if not parts:
        return like.iloc[:0] if isinstance(like, (pd.DataFrame, pd.Series)) else []
    first = parts[0]
    if isinstance(first, (pd.DataFrame, pd.Series)):
        return pd.concat(parts)
    if isinstance(first, list):
        return [x for part in parts for x in part]
    return parts


def map_partitions(func, data, partition_size: int = 5000, n_jobs: int = 1, scheduler=None, **kwargs):
    """``func`` applied to consecutive partitions of ``data``, results concatenated in order.

    Parameters
    ----------
    func : callable
        ``func(partition, **kwargs)``; must treat rows independently (its
        result for a row may not depend on other rows) for the result to equal
        ``func(data, **kwargs)``. Must be picklable for processes or Dask (a
        module-level function, not a lambda).
    data : pandas.DataFrame, pandas.Series or list
    partition_size : int, default 5000
        Rows per partition.
    n_jobs : int, default 1
        Worker processes (ignored with ``scheduler``); ``-1`` for one per
        core. Never more processes than partitions.
    scheduler : dask.distributed.Client or str, optional
        Run the partitions on a Dask cluster (a client or a scheduler address).
    **kwargs
        Passed to ``func`` (sent once per partition over the network).

    Returns
    -------
    The partitions' results: concatenated frames or series (index kept),
    concatenated lists, or else a list of per-partition results.

    Examples
    --------
    >>> import toolkit as tk
    >>> texts = pd.Series(["Hợp tác kinh tế qua cửa khẩu.", "Tuần tra biên giới."])
    >>> scores = map_partitions(tk.score_themes, texts, partition_size=1)
    >>> scores.equals(tk.score_themes(texts))
    True
    """
    if not isinstance(partition_size, int) or partition_size < 1:
        raise ToolkitError(f"partition_size must be a whole number of at least 1, got {partition_size!r}")
    executor = Executor(n_jobs, scheduler, every_core=True)
    if isinstance(data, (pd.DataFrame, pd.Series)):
        parts = [data.iloc[i:i + partition_size] for i in range(0, len(data), partition_size)]
    else:
        data = list(data)
        parts = [data[i:i + partition_size] for i in range(0, len(data), partition_size)]
    with executor:
        results = list(executor.map(func, executor.scatter(parts), kwargs=kwargs))
    return _combine(results, data)
