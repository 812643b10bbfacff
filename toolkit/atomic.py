"""Atomic file writes: a temporary file in the same folder, then a rename.

An interrupted run never leaves a half-written file that looks whole: either
the old file stays or the new one is complete. The temporary file is removed
when the write fails. Its name, ``.<name>.<host>-<pid>.tmp``, says which
machine and process write it (``<host>``: 8 hex digits of the host name's
digest), so that a folder shared by workers on several machines can tell a
write in progress from one a killed process left.
"""

from __future__ import annotations

import hashlib
import os
import socket
from pathlib import Path

__all__ = ["atomic_write"]

HOST = hashlib.blake2b(socket.gethostname().encode("utf-8"), digest_size=4).hexdigest()
"""This machine in temporary file names: 8 hex digits of its host name's BLAKE2b digest."""


def temporary_name(path: Path) -> Path:
    """Where :func:`atomic_write` writes ``path`` before the rename: ``.<name>.<host>-<pid>.tmp`` beside it."""
    return path.with_name(f".{path.name}.{HOST}-{os.getpid()}.tmp")


def atomic_write(path: str | os.PathLike, write) -> None:
    """Call ``write(tmp_path)`` and rename the result onto ``path``; creates the folder if needed."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = temporary_name(path)
    try:
        write(tmp)
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()
