"""Atomic writes (toolkit/atomic.py): a file is either the old one or the whole new one, never half of one."""

import hashlib
import os
import socket

import matplotlib.pyplot as plt
import pandas as pd
import pytest

from conftest import DATA
from toolkit import figures
from toolkit.atomic import atomic_write

ARTICLE = sorted((DATA / "raw").iterdir())[0]      # a study article, as collected


def test_the_new_file_appears_whole_and_the_old_one_stays_until_then(tmp_path):
    target = tmp_path / "article.txt"
    target.write_text("the old version", encoding="utf-8")
    new = ARTICLE.read_bytes()
    seen = []

    def write(tmp):
        # Written beside the target under a hidden temporary name, while the target still holds the old version.
        seen.append((tmp.parent, tmp.name, target.read_text(encoding="utf-8")))
        tmp.write_bytes(new[: len(new) // 2])
        seen.append(target.read_text(encoding="utf-8"))
        with open(tmp, "ab") as handle:
            handle.write(new[len(new) // 2:])

    atomic_write(target, write)
    # The temporary name says which machine (8 hex digits of its name's digest) and process write it.
    host = hashlib.blake2b(socket.gethostname().encode("utf-8"), digest_size=4).hexdigest()
    assert seen == [(tmp_path, f".article.txt.{host}-{os.getpid()}.tmp", "the old version"), "the old version"]
    assert target.read_bytes() == new
    assert sorted(p.name for p in tmp_path.iterdir()) == ["article.txt"]


@pytest.mark.parametrize("error", [OSError("disk full"), KeyboardInterrupt()])
def test_an_interrupted_write_keeps_the_old_file_and_leaves_no_temporary_file(tmp_path, error):
    target = tmp_path / "article.txt"
    target.write_bytes(ARTICLE.read_bytes())

    def half_then_fail(tmp):
        tmp.write_bytes(b"half an article")
        raise error

    with pytest.raises(type(error)):
        atomic_write(target, half_then_fail)
    assert target.read_bytes() == ARTICLE.read_bytes()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["article.txt"]
    # Without an old file, an interrupted write leaves nothing at all.
    with pytest.raises(type(error)):
        atomic_write(tmp_path / "new.txt", half_then_fail)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["article.txt"]


def test_missing_folders_are_created_and_a_string_path_is_accepted(tmp_path):
    target = tmp_path / "reports" / "2017" / "article.txt"
    atomic_write(str(target), lambda tmp: tmp.write_bytes(ARTICLE.read_bytes()))
    assert target.read_bytes() == ARTICLE.read_bytes()
    assert [p.name for p in target.parent.iterdir()] == ["article.txt"]


def test_interrupted_figure_write_leaves_no_half_file(tmp_path, monkeypatch):
    fig, ax = plt.subplots()
    ax.plot([0, 1], [0, 1])
    original = fig.savefig

    def failing(path, format=None, **kw):
        if format == "svg":
            with open(path, "w") as handle:
                handle.write("<svg")          # half a file, then the disk fills up
            raise OSError("disk full")
        return original(path, format=format, **kw)

    monkeypatch.setattr(fig, "savefig", failing)
    with pytest.raises(OSError, match="disk full"):
        figures.save_figure(fig, "fig", pd.DataFrame({"x": [1]}), folder=tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["fig.pdf"]   # the PDF before it; no svg, no temp
    plt.close(fig)
