"""The run lock: one Samen per database, and a lock that ends with its process."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from bot.runlock import AlreadyRunning, lock_path, run_lock


def test_a_second_run_on_the_same_database_is_refused_until_the_first_ends(
    tmp_path: Path,
) -> None:
    database = tmp_path / "samen.sqlite3"
    with run_lock(database):
        with pytest.raises(AlreadyRunning) as refused, run_lock(database):
            pass  # pragma: no cover - never entered
        message = str(refused.value)
        assert message == (
            f"Samen is already running on {database} (process {os.getpid()}); "
            "stop it first, or give this one another SAMEN_DATABASE."
        )
        with run_lock(tmp_path / "other.sqlite3"):  # another database is fine
            pass
    with run_lock(database):  # released when the first run ended
        pass
    assert lock_path(database).exists()  # the file stays; only the flock matters


def test_the_lock_file_is_made_with_its_folder(tmp_path: Path) -> None:
    with run_lock(tmp_path / "new" / "samen.sqlite3"):
        assert (tmp_path / "new" / "samen.sqlite3.lock").exists()
