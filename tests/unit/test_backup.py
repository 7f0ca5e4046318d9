"""Backups: consistent while written to, checked before a restore, rotated every night."""

from __future__ import annotations

import asyncio
import sqlite3
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.backup import (
    BackupError,
    check_backup,
    copy_database,
    nightly_due,
    restore_database,
    rotate,
)
from bot.config import load_settings
from bot.db import Database, discover_migrations
from bot.runtime import Runtime
from bot.scheduler import nightly_backup, ticks_for
from bot.service_state import ServiceState
from tests.conftest import FakeClock

AMSTERDAM = ZoneInfo("Europe/Amsterdam")


async def _count(path: Path) -> int:
    conn = sqlite3.connect(path)
    try:
        return int(conn.execute("SELECT COUNT(*) FROM service_state").fetchone()[0])
    finally:
        conn.close()


async def test_a_backup_taken_during_writes_is_whole_and_restores(
    tmp_path: Path, clock: FakeClock
) -> None:
    source = tmp_path / "samen.sqlite3"
    db = await Database.open(source)
    await db.migrate()
    state = ServiceState(db, clock)
    stop = asyncio.Event()

    async def keep_writing() -> int:
        written = 0
        while not stop.is_set():
            await state.put(f"key-{written}", "x" * 200)
            written += 1
            await asyncio.sleep(0)
        return written

    writer = asyncio.create_task(keep_writing())
    await asyncio.sleep(0.05)
    backup = tmp_path / "copies" / "one.sqlite3"
    await asyncio.to_thread(copy_database, source, backup)
    stop.set()
    written = await writer
    assert check_backup(backup) is None
    in_backup = await _count(backup)
    assert 0 < in_backup <= written  # a snapshot of what was committed at that moment
    assert not backup.with_name(backup.name + ".part").exists()

    await db.close()  # restore runs with the bot stopped (the caller holds the run lock)
    restore_database(backup, source)
    assert await _count(source) == in_backup
    reopened = await Database.open(source)
    try:
        assert await reopened.user_version() == len(discover_migrations())
    finally:
        await reopened.close()


def test_restore_refuses_what_is_not_a_sound_samen_database(tmp_path: Path) -> None:
    database = tmp_path / "samen.sqlite3"
    sqlite3.connect(database).close()
    junk = tmp_path / "junk.sqlite3"
    junk.write_bytes(b"this is not a database at all" * 100)
    with pytest.raises(BackupError, match="is not an SQLite database"):
        restore_database(junk, database)
    other = tmp_path / "other.sqlite3"
    conn = sqlite3.connect(other)
    conn.execute("CREATE TABLE things (x)")
    conn.close()
    with pytest.raises(BackupError, match="is not a Samen database"):
        restore_database(other, database)
    newer = tmp_path / "newer.sqlite3"
    conn = sqlite3.connect(newer)
    conn.execute("CREATE TABLE residents (x)")
    conn.execute("PRAGMA user_version = 9999")
    conn.close()
    with pytest.raises(BackupError, match="comes from a newer Samen"):
        restore_database(newer, database)
    with pytest.raises(BackupError, match="is not a file"):
        restore_database(tmp_path / "missing.sqlite3", database)


def test_nightly_copy_is_due_once_a_day_after_three(tmp_path: Path) -> None:
    night = datetime(2026, 12, 2, 1, 30, tzinfo=UTC)  # 02:30 in Amsterdam
    assert nightly_due(tmp_path, night, AMSTERDAM) is None
    after = datetime(2026, 12, 2, 2, 5, tzinfo=UTC)  # 03:05 in Amsterdam
    due = nightly_due(tmp_path, after, AMSTERDAM)
    assert due == tmp_path / "samen-2026-12-02.sqlite3"
    due.write_bytes(b"")
    assert nightly_due(tmp_path, after, AMSTERDAM) is None


def test_rotation_keeps_the_newest(tmp_path: Path) -> None:
    for day in range(1, 6):
        (tmp_path / f"samen-2026-12-0{day}.sqlite3").write_bytes(b"")
    (tmp_path / "notes.txt").write_text("not a backup")
    removed = rotate(tmp_path, keep=2)
    assert [p.name for p in removed] == [f"samen-2026-12-0{d}.sqlite3" for d in (1, 2, 3)]
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "notes.txt",
        "samen-2026-12-04.sqlite3",
        "samen-2026-12-05.sqlite3",
    ]


async def test_the_nightly_tick_copies_once_and_keeps_the_newest(tmp_path: Path) -> None:
    folder = tmp_path / "backups"
    settings = load_settings(
        SAMEN_DATABASE=tmp_path / "samen.sqlite3", SAMEN_BACKUP_DIR=folder, SAMEN_BACKUP_KEEP=2
    )
    clock = FakeClock(datetime(2026, 12, 1, 2, 30, tzinfo=UTC))  # 03:30 in Amsterdam
    runtime = await Runtime.open(settings, clock)
    try:
        assert "backup" in [tick.name for tick in ticks_for(runtime)]
        for _day in range(3):
            await nightly_backup(runtime)
            await nightly_backup(runtime)  # the next tick the same night does nothing
            clock.advance(days=1)
        assert sorted(p.name for p in folder.iterdir()) == [
            "samen-2026-12-02.sqlite3",
            "samen-2026-12-03.sqlite3",
        ]
        assert await runtime.state.get("backup.last") == "2026-12-03T02:30:00Z"
    finally:
        await runtime.close()
