"""Run a per-row function over a frame in partitions: here, in processes or on a Dask cluster.

Many toolkit functions work row by row (``tk.score_themes`` scores each text
on its own; document-term matrices count each unit's tokens), so mapping them
over partitions of the rows and concatenating the results in order gives the
same answer as one call on the whole frame. :func:`map_partitions` does that
locally or on a ``dask.distributed`` cluster; what travels over the network
is each partition (pickled) to a worker and each partition's result back.

Examples
--------
>>> import pandas as pd
>>> frame = pd.DataFrame({"x": range(5)})
>>> map_partitions(lambda part: part.assign(y=part.x * 2), frame, partition_size=2).y.tolist()
[0, 2, 4, 6, 8]
"""

from __future__ import annotations

import os
import sys
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager

import pandas as pd

from .errors import ToolkitError

__all__ = ["map_partitions", "dask_client", "progress_bar"]


def _quiet() -> bool:
    return os.environ.get("TOOLKIT_PROGRESS", "1") == "0" or os.environ.get("CI", "").lower() in ("1", "true", "yes")


def progress_bar(total: int, show: bool | None, desc: str, unit: str = "texts", shown_from: int = 500,
                 leave: bool = False):
    """The toolkit's one progress bar (tqdm on stderr): stage, items done, rate, time elapsed and left.

    ``show=None`` shows it from ``shown_from`` items on, and never when ``CI=true`` or
    ``TOOLKIT_PROGRESS=0``; ``True`` or ``False`` decide. Word segmentation counts texts (from 500),
    an archive run articles (from 2).
    """
    from tqdm import tqdm

    if show is None:
        show = total >= shown_from and not _quiet()
    return tqdm(total=total, disable=not show, desc=desc, file=sys.stderr, leave=leave, unit=f" {unit}",
                mininterval=1.0, bar_format=f"{{desc}}: {{n_fmt}}/{{total_fmt}} {unit}, {{rate_fmt}}, {{elapsed}} "
                                            "elapsed, {remaining} left{postfix}")


@contextmanager
def dask_client(scheduler):
    """A dask.distributed client from a client or a scheduler address (closed after use if made here)."""
    try:
        from dask.distributed import Client
    except ImportError as err:  # optional dependency
        raise ToolkitError("scheduler= needs Dask: pip install -e .[dask]") from err
    if isinstance(scheduler, Client):
        yield scheduler
        return
    try:
        client = Client(scheduler)
    except (OSError, TimeoutError, ValueError) as err:
        raise ToolkitError(f"cannot reach the Dask scheduler {scheduler!r} ({err}); check the address") from err
    try:
        yield client
    finally:
        client.close()


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
    if n_jobs == -1 and not isinstance(n_jobs, bool):
        n_jobs = os.cpu_count() or 1
    if not isinstance(n_jobs, int) or isinstance(n_jobs, bool) or n_jobs < 1:
        raise ToolkitError(f"n_jobs must be a whole number of at least 1, or -1 for every core, got {n_jobs!r}")
    if isinstance(data, (pd.DataFrame, pd.Series)):
        parts = [data.iloc[i:i + partition_size] for i in range(0, len(data), partition_size)]
    else:
        data = list(data)
        parts = [data[i:i + partition_size] for i in range(0, len(data), partition_size)]
    if scheduler is not None:
        with dask_client(scheduler) as client:
            futures = client.map(func, client.scatter(parts), pure=False, **kwargs)
            results = client.gather(futures)
    elif n_jobs == 1 or len(parts) <= 1:
        results = [func(part, **kwargs) for part in parts]
    else:
        with ProcessPoolExecutor(max_workers=min(n_jobs, len(parts))) as pool:
            results = list(pool.map(_call, [func] * len(parts), parts, [kwargs] * len(parts)))
    return _combine(results, data)


def _call(func, part, kwargs):
    return func(part, **kwargs)
