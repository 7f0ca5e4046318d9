"""Backups: a consistent copy while the bot runs, a checked restore, a nightly rotation.

SQLite's online backup API copies a snapshot of committed data page by page from a
connection of its own, so the bot keeps writing meanwhile. A copy is written next to its
target and renamed into place only after ``PRAGMA integrity_check`` passed: a crash
halfway never leaves a broken file with a backup's name.
"""

from __future__ import annotations

import os
import sqlite3
from datetime import datetime, time
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.db import discover_migrations

NIGHTLY_AFTER = time(3, 0)  # local time: when the bot is quietest
NAME_PREFIX = "samen-"
NAME_SUFFIX = ".sqlite3"


class BackupError(Exception):
    """A backup or restore could not be made; the message is one line for the operator."""


def copy_database(source: Path, target: Path) -> None:
    """Copy ``source`` to ``target`` with the online backup API; checked, then renamed."""
    if not source.exists():
        raise BackupError(f"there is no database at {source}")
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".part")
    partial.unlink(missing_ok=True)
    src = sqlite3.connect(source)
    try:
        dst = sqlite3.connect(partial)
        try:
            src.backup(dst)
            dst.execute("PRAGMA journal_mode = DELETE")  # one self-contained file
        finally:
            dst.close()
    finally:
        src.close()
    problem = check_backup(partial)
    if problem:
        partial.unlink(missing_ok=True)
        raise BackupError(f"the copy failed its check: {problem}")
    os.replace(partial, target)


def check_backup(path: Path) -> str | None:
    """None when ``path`` is a sound Samen database this version can use, else why not."""
    if not path.is_file():
        return f"{path} is not a file"
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            if conn.execute("PRAGMA integrity_check").fetchone() != ("ok",):
                return f"{path} is damaged (integrity check failed)"
            version = int(conn.execute("PRAGMA user_version").fetchone()[0])
            tables = {
                str(r[0]) for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")
            }
        finally:
            conn.close()
    except sqlite3.DatabaseError:
        return f"{path} is not an SQLite database"
    newest = len(discover_migrations())
    if version == 0 or "residents" not in tables:
        return f"{path} is not a Samen database"
    if version > newest:
        return f"{path} comes from a newer Samen (schema {version}, this one knows {newest})"
    return None


def restore_database(backup: Path, database: Path) -> None:
    """Replace ``database`` by ``backup`` (checked first); the caller holds the run lock."""
    problem = check_backup(backup)
    if problem:
        raise BackupError(problem)
    src = sqlite3.connect(f"file:{backup}?mode=ro", uri=True)
    try:
        dst = sqlite3.connect(database)
        try:
            # The backup API writes every page through the target's own journal (WAL
            # included), so no stale -wal file can bring old pages back.
            src.backup(dst)
        finally:
            dst.close()
    finally:
        src.close()


def nightly_name(day: datetime) -> str:
    return f"{NAME_PREFIX}{day:%Y-%m-%d}{NAME_SUFFIX}"


def nightly_due(folder: Path, now: datetime, zone: ZoneInfo) -> Path | None:
    """Tonight's backup file when it is past 03:00 local and today's copy is missing."""
    local = now.astimezone(zone)
    if local.time() < NIGHTLY_AFTER:
        return None
    target = folder / nightly_name(local)
    return None if target.exists() else target


def rotate(folder: Path, keep: int) -> list[Path]:
    """Delete all but the newest ``keep`` nightly copies; return what was deleted."""
    copies = sorted(folder.glob(f"{NAME_PREFIX}*{NAME_SUFFIX}"))
    old = copies[:-keep] if keep > 0 else copies
    for path in old:
        path.unlink(missing_ok=True)
    return old


def newest_backup(folder: Path) -> Path | None:
    copies = sorted(folder.glob(f"{NAME_PREFIX}*{NAME_SUFFIX}"))
    return copies[-1] if copies else None
