"""Where the toolkit's tasks run: in this process, in worker processes or on a Dask cluster.

An :class:`Executor` owns that choice and how work is sent; the stages that
run many tasks (word segmentation, the shards of an archive run, partitions
of a frame, report notebooks, distributed counts) say only what to send.

* **serial** when ``n_jobs`` is 1 or there is at most one task: tasks run
  here, one at a time, each when its result is asked for;
* **processes** otherwise: a pool of at most ``n_jobs`` processes, never
  more than there are tasks, started the platform's default way (forked on
  Linux up to Python 3.13), after an optional ``preload`` (a model loaded once here is then
  inherited by every worker instead of being loaded in each);
* **dask** when a ``scheduler`` is given (a ``dask.distributed`` client or
  a scheduler address), whatever ``n_jobs`` says.

Two ways to run: :meth:`Executor.map`, every task's result in order, and
:meth:`Executor.stream`, results as they finish with a bounded number of
tasks in flight, each task's arguments built as it is sent (so that they
can depend on the results gathered so far).

The module also holds the toolkit's one Dask client (:func:`dask_client`)
and its one progress bar (:func:`progress_bar`).

Examples
--------
>>> with Executor(n_jobs=1) as executor:
...     list(executor.map(abs, [-2, 1, -3]))
[2, 1, 3]
"""

from __future__ import annotations

import os
import sys
from collections import deque
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from contextlib import ExitStack, contextmanager
from functools import partial

from .errors import ToolkitError

__all__ = ["Executor", "dask_client", "progress_bar"]


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


class Executor:
    """Tasks run here, in worker processes or on a Dask cluster, chosen once from ``n_jobs`` and ``scheduler``.

    Parameters
    ----------
    n_jobs : int, default 1
        Worker processes (ignored with ``scheduler``); 1 runs every task here.
    scheduler : dask.distributed.Client or str, optional
        Run the tasks on a Dask cluster (a client or a scheduler address);
        needs ``pip install -e .[dask]``.
    every_core : bool, default False
        Accept ``n_jobs=-1``: one process per core.

    Raises
    ------
    ToolkitError
        ``n_jobs`` that is not a whole number of at least 1 (or -1 with ``every_core``).

    Notes
    -----
    Used as a context manager (``with Executor(...) as executor:``), one Dask
    client serves every run inside the block, and :meth:`scatter` may place
    data on the cluster for several maps. Functions and tasks sent to
    processes or Dask must be picklable (module-level functions, or
    ``functools.partial`` of them). An error raised by a task is raised again
    here, with its class and message.

    Examples
    --------
    >>> executor = Executor(n_jobs=2)
    >>> executor.backend(1), executor.backend(3), Executor().backend(3)
    ('serial', 'processes', 'serial')
    >>> Executor(n_jobs=0)
    Traceback (most recent call last):
    ...
    toolkit.errors.ToolkitError: n_jobs must be a whole number of at least 1, got 0
    """

    def __init__(self, n_jobs: int = 1, scheduler=None, every_core: bool = False):
        if every_core and n_jobs == -1 and not isinstance(n_jobs, bool):
            n_jobs = os.cpu_count() or 1
        if not isinstance(n_jobs, int) or isinstance(n_jobs, bool) or n_jobs < 1:
            cores = ", or -1 for every core" if every_core else ""
            raise ToolkitError(f"n_jobs must be a whole number of at least 1{cores}, got {n_jobs!r}")
        self.n_jobs = n_jobs
        self.scheduler = scheduler
        self._stack: ExitStack | None = None
        self._client = None

    def __enter__(self) -> Executor:
        self._stack = ExitStack()
        if self.scheduler is not None:
            self._client = self._stack.enter_context(dask_client(self.scheduler))
        return self

    def __exit__(self, *exc) -> None:
        stack, self._stack, self._client = self._stack, None, None
        if stack is not None:
            stack.close()

    def backend(self, n_tasks: int) -> str:
        """``"dask"``, ``"serial"`` or ``"processes"``: where ``n_tasks`` tasks would run."""
        if self.scheduler is not None:
            return "dask"
        return "serial" if self.n_jobs == 1 or n_tasks <= 1 else "processes"

    @contextmanager
    def _dask(self):
        """The block's client, or a client for one run."""
        if self._client is not None:
            yield self._client
        else:
            with dask_client(self.scheduler) as client:
                yield client

    @contextmanager
    def _pool(self, n_tasks: int, preload):
        """A pool of at most ``n_jobs`` processes and no more than ``n_tasks``, started after ``preload()``."""
        if preload is not None:
            preload()        # here, before the workers start: they inherit what it loaded
        with ProcessPoolExecutor(max_workers=min(self.n_jobs, n_tasks)) as pool:
            yield pool

    def scatter(self, items: list) -> list:
        """``items`` placed on the cluster once, for several :meth:`map` calls in one ``with`` block.

        Without a scheduler the items themselves. On Dask, each item is sent
        to a worker ahead of the tasks, which then carry only a reference.
        """
        if self.scheduler is None:
            return items
        if self._client is None:
            raise ToolkitError("Executor.scatter needs the executor's with block (the data lives as long as its client)")
        return self._client.scatter(list(items))

    def map(self, func, items, preload=None, kwargs: dict | None = None):
        """``func(item, **kwargs)`` for each item, results yielded in the order of ``items``.

        Serial, each task runs when its result is asked for (``items`` may be
        any iterable, read as the results are); in processes or on Dask,
        ``items`` is read at once and every task sent. ``preload`` is called
        once before worker processes start (and only then). On Dask,
        ``kwargs`` go to ``Client.map`` as Dask takes them: futures among
        them are resolved to their values on the workers.
        """
        kwargs = kwargs or {}
        if self.scheduler is not None:
            with self._dask() as client:
                yield from client.gather(client.map(func, list(items), pure=False, **kwargs))
            return
        if kwargs:
            func = partial(func, **kwargs)
        if self.n_jobs > 1:
            items = list(items)
            if self.backend(len(items)) == "processes":
                with self._pool(len(items), preload) as pool:
                    yield from pool.map(func, items)
                return
        for item in items:
            yield func(item)

    def stream(self, func, tasks: list, arguments=None, preload=None, per_worker: int = 2):
        """``func(*arguments(task))`` for each task, results yielded as they finish.

        Parameters
        ----------
        func : callable
        tasks : list
        arguments : callable, optional
            ``arguments(task)``, the tuple of ``func``'s positional arguments,
            called as the task is sent (default: the task alone); serially,
            as each task starts.
        preload : callable, optional
            Called once before worker processes start.
        per_worker : int, default 2
            At most this many tasks per worker (process or Dask worker) are
            in flight, so that finished results never pile up unread.

        Yields
        ------
        Each task's result, in the order the tasks finish (serially: in order).
        """
        arguments = arguments or (lambda task: (task,))
        backend = self.backend(len(tasks))
        if backend == "serial":
            for task in tasks:
                yield func(*arguments(task))
        elif backend == "processes":
            with self._pool(len(tasks), preload) as pool:
                window = per_worker * min(self.n_jobs, len(tasks))
                yield from _bounded(lambda task: pool.submit(func, *arguments(task)), _first_done, tasks, window)
        else:
            with self._dask() as client:
                from dask.distributed import wait as dask_wait

                window = per_worker * max(len(client.scheduler_info().get("workers", {})), 1)
                yield from _bounded(lambda task: client.submit(func, *arguments(task), pure=False),
                                    lambda running: dask_wait(running, return_when="FIRST_COMPLETED"), tasks, window)


def _first_done(running: set):
    return wait(running, return_when=FIRST_COMPLETED)


def _bounded(submit, first_done, tasks: list, window: int):
    """Results of futures as they finish, with at most ``window`` tasks submitted and not yet read.

    Each finished task's successor is submitted before its result is handed on.
    """
    todo = deque(tasks)
    running = {submit(todo.popleft()) for _ in range(min(window, len(todo)))}
    while running:
        done, running = first_done(running)
        for future in done:
            result = future.result()
            if hasattr(future, "release"):
                future.release()        # a Dask future: the cluster may forget the result now
            if todo:
                running.add(submit(todo.popleft()))
            yield result
