from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from bot.db import Database, MigrationError, discover_migrations


async def test_pragmas_and_version(db: Database) -> None:
    assert (await db.fetchone("PRAGMA journal_mode"))[0] == "wal"  # type: ignore[index]
    assert (await db.fetchone("PRAGMA foreign_keys"))[0] == 1  # type: ignore[index]
    assert (await db.fetchone("PRAGMA synchronous"))[0] == 1  # type: ignore[index]  # NORMAL
    assert await db.user_version() == len(discover_migrations())


async def test_migrate_is_idempotent(db: Database) -> None:
    assert await db.migrate() == []


async def test_failed_migration_rolls_back(tmp_path: Path) -> None:
    folder = tmp_path / "migrations"
    folder.mkdir()
    (folder / "0001_ok.sql").write_text("CREATE TABLE a (x INTEGER);")
    (folder / "0002_broken.sql").write_text("CREATE TABLE b (x INTEGER); NOT SQL;")
    database = await Database.open(tmp_path / "x.sqlite3")
    try:
        with pytest.raises(sqlite3.Error):
            await database.migrate(folder)
        assert await database.user_version() == 1
        assert "b" not in await database.table_names()
    finally:
        await database.close()


def test_migration_names_are_checked(tmp_path: Path) -> None:
    (tmp_path / "0002_skipped_one.sql").write_text("")
    with pytest.raises(MigrationError):
        discover_migrations(tmp_path)
    (tmp_path / "0002_skipped_one.sql").unlink()
    (tmp_path / "Oops.sql").write_text("")
    with pytest.raises(MigrationError):
        discover_migrations(tmp_path)


async def test_transaction_rolls_back_on_error(db: Database) -> None:
    with pytest.raises(RuntimeError):
        async with db.transaction() as conn:
            await conn.execute("INSERT INTO quiet_chats (chat_id, noticed_at) VALUES (-1, 'x')")
            raise RuntimeError("boom")
    assert await db.fetchall("SELECT * FROM quiet_chats") == []


async def test_ptbs_old_conversations_table_is_dropped_with_its_rows(tmp_path: Path) -> None:
    """A database from before 0019 loses PTB's conversation states (nothing reads them)."""
    before = tmp_path / "before"
    before.mkdir()
    for number, path in discover_migrations():
        if number < 19:
            (before / path.name).write_text(path.read_text(encoding="utf-8"))
    database = await Database.open(tmp_path / "old.sqlite3")
    try:
        await database.migrate(before)
        await database.execute(
            "INSERT INTO conversations VALUES ('erase', '[1, 1]', 1, '\"confirm\"', 'now')"
        )
        assert 19 in await database.migrate()
        assert "conversations" not in await database.table_names()
        assert (
            await database.fetchall(
                "SELECT name FROM sqlite_master WHERE name = 'conversations_user'"
            )
            == []
        )
    finally:
        await database.close()
