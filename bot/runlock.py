"""One running Samen per database: a second ``samen run`` on the same file refuses.

Two bots on one database would both poll Telegram (each seeing only some updates) and
both deliver the outbox (people would get messages twice). The lock is an ``flock`` on
``<database>.lock`` next to the database, held for the life of the process: the kernel
lets go of it when the process ends, however it ends (``kill -9`` too), so a crash
never leaves a stale lock behind, unlike a PID file.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
from collections.abc import Iterator
from pathlib import Path


class AlreadyRunning(Exception):
    """Another process runs Samen on this database; the message is one line for people."""


def lock_path(database: Path) -> Path:
    return Path(f"{database}.lock")


@contextlib.contextmanager
def run_lock(database: Path) -> Iterator[None]:
    """Hold the database's run lock for the ``with`` block, or raise AlreadyRunning."""
    path = lock_path(database)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise AlreadyRunning(
                f"Samen is already running on {database}{_holder(fd)}; "
                "stop it first, or give this one another SAMEN_DATABASE."
            ) from None
        # Only for the message above: who holds it. The lock itself is the flock.
        os.ftruncate(fd, 0)
        os.pwrite(fd, str(os.getpid()).encode(), 0)
        yield
    finally:
        os.close(fd)  # releases the flock


def _holder(fd: int) -> str:
    """ " (process 1234)" from the lock file, or "" if it says nothing useful."""
    text = os.pread(fd, 20, 0).decode(errors="replace").strip()
    return f" (process {text})" if text.isdigit() else ""
