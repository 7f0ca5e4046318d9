"""The SQLite store: one writer connection, WAL, and forward-only migrations.

aiosqlite runs every call on its own thread, so each await costs a thread hop;
the helpers here do a statement and its fetch in one call.
"""

from __future__ import annotations

import asyncio
import re
import sqlite3
from collections.abc import AsyncIterator, Iterable, Sequence
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import aiosqlite

MIGRATIONS_DIR = Path(__file__).resolve().parent.parent / "migrations"
_MIGRATION_NAME = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")

Params = Sequence[Any] | dict[str, Any]


class MigrationError(Exception):
    """The migrations folder is not in the shape the runner expects."""


def discover_migrations(folder: Path = MIGRATIONS_DIR) -> list[tuple[int, Path]]:
    """The numbered migration files, in order, checked for gaps."""
    found: list[tuple[int, Path]] = []
    for path in sorted(folder.glob("*.sql")):
        match = _MIGRATION_NAME.match(path.name)
        if not match:
            raise MigrationError(f"migration file name not understood: {path.name}")
        found.append((int(match.group(1)), path))
    for expected, (number, path) in enumerate(found, start=1):
        if number != expected:
            raise MigrationError(f"migration {path.name} should be number {expected:04d}")
    return found


class Database:
    """An open SQLite database with Samen's pragmas applied."""

    def __init__(self, connection: aiosqlite.Connection) -> None:
        self._conn = connection
        # One connection serves handlers, ticks and the messenger at once: without
        # this lock two coroutines' transactions would interleave on it ("cannot
        # start a transaction within a transaction", or one's writes in the other's).
        self._write_lock = asyncio.Lock()
        self._lock_owner: asyncio.Task[Any] | None = None

    @classmethod
    async def open(cls, path: Path | str) -> Database:
        if str(path) != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        conn = await aiosqlite.connect(str(path), isolation_level=None)
        conn.row_factory = sqlite3.Row
        for pragma in (
            "PRAGMA journal_mode = WAL",
            "PRAGMA synchronous = NORMAL",
            "PRAGMA foreign_keys = ON",
            "PRAGMA busy_timeout = 5000",
            "PRAGMA temp_store = MEMORY",
        ):
            await conn.execute(pragma)
        return cls(conn)

    async def close(self) -> None:
        await self._conn.close()

    async def fetchall(self, sql: str, params: Params = ()) -> list[sqlite3.Row]:
        return list(await self._conn.execute_fetchall(sql, params))

    async def fetchone(self, sql: str, params: Params = ()) -> sqlite3.Row | None:
        rows = await self._conn.execute_fetchall(sql, params)
        return next(iter(rows), None)

    async def execute(self, sql: str, params: Params = ()) -> int:
        """Run one write in its own transaction (autocommit); return rows changed.

        It waits while another coroutine's transaction is open, so it never slips
        into (and is never rolled back with) someone else's transaction.
        """
        if self._lock_owner is not None and self._lock_owner is asyncio.current_task():
            return await self._run(sql, params)  # inside this task's own transaction
        async with self._write_lock:
            return await self._run(sql, params)

    async def _run(self, sql: str, params: Params) -> int:
        return await rows_changed(self._conn, sql, params)

    async def executemany(self, sql: str, rows: Iterable[Params]) -> None:
        async with self.transaction():
            await self._conn.executemany(sql, rows)

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[aiosqlite.Connection]:
        """A ``BEGIN IMMEDIATE`` transaction: takes the write lock up front.

        Transactions of concurrent coroutines on this connection run one after
        the other; opening one inside another (same task) is a bug and raises.
        """
        task = asyncio.current_task()
        if task is not None and task is self._lock_owner:
            raise RuntimeError("a transaction is already open in this task; pass its conn")
        async with self._write_lock:
            self._lock_owner = task
            try:
                await self._conn.execute("BEGIN IMMEDIATE")
                try:
                    yield self._conn
                except BaseException:
                    await self._conn.execute("ROLLBACK")
                    raise
                await self._conn.execute("COMMIT")
            finally:
                self._lock_owner = None

    async def user_version(self) -> int:
        row = await self.fetchone("PRAGMA user_version")
        return int(row[0]) if row else 0

    async def migrate(self, folder: Path = MIGRATIONS_DIR) -> list[int]:
        """Apply the migrations newer than ``PRAGMA user_version``; return their numbers."""
        current = await self.user_version()
        applied: list[int] = []
        for number, path in discover_migrations(folder):
            if number <= current:
                continue
            script = path.read_text(encoding="utf-8")
            # executescript commits first, so wrap the script and the version bump
            # in one explicit transaction inside the script itself.
            try:
                await self._conn.executescript(
                    f"BEGIN IMMEDIATE;\n{script}\nPRAGMA user_version = {number};\nCOMMIT;"
                )
            except sqlite3.Error:
                if self._conn.in_transaction:
                    await self._conn.execute("ROLLBACK")
                raise
            applied.append(number)
        return applied

    async def table_names(self) -> list[str]:
        rows = await self.fetchall(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        )
        return [str(r[0]) for r in rows]


async def rows_changed(conn: aiosqlite.Connection, sql: str, params: Params = ()) -> int:
    """Run one write on ``conn`` (inside a transaction, its connection) and return how
    many rows it changed: 1 says "this run did it, no other" (a once-only INSERT or a
    guarded UPDATE). The cursor is closed either way."""
    cursor = await conn.execute(sql, params)
    try:
        return cursor.rowcount
    finally:
        await cursor.close()
