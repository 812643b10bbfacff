"""Where tasks run (toolkit/executor.py): serially, in worker processes and on Dask, the same results.

The Dask runs here use a cluster of threads in this process (quick to start); tests/test_parallel.py
runs the pipeline's stages on a cluster of processes.
"""

import os
import time

import pytest

import toolkit as tk
from toolkit import executor as E
from toolkit.executor import Executor, progress_bar


@pytest.fixture(scope="module")
def client():
    from dask.distributed import Client

    client = Client(processes=False, n_workers=2, threads_per_worker=1, dashboard_address=None)
    yield client
    client.close()


def _slow_words(item):
    # Earlier items take longer, so that they finish last when run side by side.
    position, text = item
    time.sleep(0.05 * (3 - position) if position < 3 else 0)
    return tk.word_segment(text)


def _square(x):
    return x * x


_PRELOADED: dict = {}


def _preloaded_and_pid(_):
    return _PRELOADED.get("model"), os.getpid()


def test_validation_messages():
    for bad in (0, -2, 1.5, True, "2"):
        with pytest.raises(tk.ToolkitError, match=f"n_jobs must be a whole number of at least 1, got {bad!r}$"):
            Executor(bad)
    with pytest.raises(tk.ToolkitError, match="at least 1, got -1$"):
        Executor(-1)
    assert Executor(-1, every_core=True).n_jobs == (os.cpu_count() or 1)
    with pytest.raises(tk.ToolkitError, match=r"at least 1, or -1 for every core, got 0$"):
        Executor(0, every_core=True)


def test_backend_is_chosen_from_jobs_scheduler_and_tasks(client):
    assert [Executor(2).backend(n) for n in (0, 1, 2)] == ["serial", "serial", "processes"]
    assert Executor(1).backend(10) == "serial"
    assert Executor(4, scheduler=client).backend(1) == "dask"


def test_map_keeps_the_order_of_the_items_everywhere(sentences, client):
    texts = list(dict.fromkeys(sentences.text))[:8]        # distinct sentences: their order shows
    expected = [tk.word_segment(t) for t in texts]
    assert expected[0] and len(set(map(tuple, expected))) == len(expected)
    for executor in (Executor(), Executor(3), Executor(scheduler=client)):
        assert list(executor.map(_slow_words, list(enumerate(texts)))) == expected


def test_serial_map_runs_each_task_when_its_result_is_asked_for():
    ran = []
    results = Executor().map(lambda x: ran.append(x) or x, iter([1, 2, 3]))
    assert ran == []
    assert next(results) == 1 and ran == [1]
    assert list(results) == [2, 3] and ran == [1, 2, 3]


def test_processes_never_outnumber_the_tasks(monkeypatch):
    sizes = []

    class Recording(E.ProcessPoolExecutor):
        def __init__(self, max_workers):
            sizes.append(max_workers)
            super().__init__(max_workers=max_workers)

    monkeypatch.setattr(E, "ProcessPoolExecutor", Recording)
    assert list(Executor(4).map(_square, [1, 2])) == [1, 4]
    assert sorted(Executor(2).stream(_square, [1, 2, 3])) == [1, 4, 9]
    assert list(Executor(4).map(_square, [5])) == [25]       # one task: here, no pool
    assert sizes == [2, 2]


def test_preload_runs_once_before_the_workers_start():
    calls = []

    def preload():
        calls.append(1)
        _PRELOADED["model"] = "loaded"

    try:
        # Serially the preload is not needed: the task loads what it uses when it runs.
        assert list(Executor(1).map(_preloaded_and_pid, range(3), preload=preload)) == [(None, os.getpid())] * 3
        assert calls == []
        got = list(Executor(2).map(_preloaded_and_pid, range(6), preload=preload))
        assert calls == [1]
        # Every worker has the model without loading it: the processes were started after the preload.
        assert [model for model, _ in got] == ["loaded"] * 6
        assert os.getpid() not in {pid for _, pid in got}
        _PRELOADED.clear()
        got = list(Executor(2).stream(_preloaded_and_pid, list(range(4)), preload=preload))
        assert calls == [1, 1] and [model for model, _ in got] == ["loaded"] * 4
    finally:
        _PRELOADED.clear()


@pytest.mark.parametrize("backend", ["serial", "processes", "dask"])
@pytest.mark.parametrize("per_worker", [1, 2])
def test_stream_keeps_its_window_and_builds_arguments_as_each_task_is_sent(backend, per_worker, request):
    executor = {"serial": Executor(1), "processes": Executor(2),
                "dask": Executor(scheduler=request.getfixturevalue("client") if backend == "dask" else None)}[backend]
    ahead = 0 if backend == "serial" else 2 * per_worker          # two processes, two Dask workers
    read = []
    read_when_sent = {}

    def arguments(task):
        read_when_sent[task] = len(read)          # what the caller had gathered when the task was sent
        return (task,)

    for result in executor.stream(_square, list(range(10)), arguments, per_worker=per_worker):
        read.append(result)
    assert sorted(read) == [x * x for x in range(10)]
    # The first window goes out at once; each later task when a result comes back, before it is read.
    assert [read_when_sent[t] for t in range(10)] == [max(0, t - ahead) for t in range(10)]


def test_serial_and_processes_give_the_same_results(sentences):
    texts = sentences.text.tolist()[:12]
    serial = list(Executor().map(tk.word_segment, texts))
    assert serial == [tk.word_segment(t) for t in texts]
    assert list(Executor(2).map(tk.word_segment, texts)) == serial
    streamed = list(Executor(2).stream(tk.word_segment, texts))
    assert sorted(streamed) == sorted(serial)


@pytest.mark.parametrize("backend", ["serial", "processes", "dask"])
def test_a_task_error_reaches_the_caller_with_its_class_and_message(backend, request):
    executor = Executor(scheduler=request.getfixturevalue("client")) if backend == "dask" else \
        Executor(1 if backend == "serial" else 2)
    items = ["Hợp tác.", None, "Biên giới."]
    with pytest.raises(tk.ToolkitError, match="expects a str"):
        list(executor.map(tk.word_segment, items))
    with pytest.raises(tk.ToolkitError, match="expects a str"):
        list(executor.stream(tk.word_segment, items))


def test_scattered_items_serve_several_maps_in_one_block(client):
    chunks = [[1, 2], [3], [4, 5, 6]]
    with Executor(scheduler=client) as executor:
        parts = executor.scatter(chunks)
        assert list(executor.map(sum, parts)) == [3, 3, 15]
        assert list(executor.map(len, parts)) == [2, 1, 3]
    with pytest.raises(tk.ToolkitError, match="with block"):
        Executor(scheduler=client).scatter(chunks)
    with Executor(2) as executor:
        assert executor.scatter(chunks) is chunks          # nothing to place without a cluster


def _quiet_bar(total, show):
    with progress_bar(total, show, "word segmentation") as bar:
        return bar.disable


def test_progress_is_quiet_in_ci_and_on_request(monkeypatch):
    monkeypatch.delenv("CI", raising=False)
    monkeypatch.delenv("TOOLKIT_PROGRESS", raising=False)
    assert not _quiet_bar(1000, None)
    assert _quiet_bar(100, None)           # short runs stay quiet
    monkeypatch.setenv("CI", "true")
    assert _quiet_bar(1000, None)
    monkeypatch.delenv("CI")
    monkeypatch.setenv("TOOLKIT_PROGRESS", "0")
    assert _quiet_bar(1000, None)
    assert not _quiet_bar(1000, True)      # an explicit request wins
    with progress_bar(1, None, "archive", unit="articles", shown_from=2) as bar:
        assert bar.disable                 # an archive run shows its bar from two articles on
