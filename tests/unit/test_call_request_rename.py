"""Migration 0012: call-backs became call requests; rows, ids and counts come along."""

from __future__ import annotations

import shutil
from pathlib import Path

from bot.db import MIGRATIONS_DIR, Database

ANNA = 700_123_456
NOW = "2026-11-28T10:00:00Z"


async def _database_at_0011(tmp_path: Path) -> Database:
    folder = tmp_path / "migrations"
    folder.mkdir()
    for path in sorted(MIGRATIONS_DIR.glob("*.sql")):
        if int(path.name[:4]) <= 11:
            shutil.copy(path, folder)
    db = await Database.open(tmp_path / "samen.db")
    await db.migrate(folder)
    return db


async def test_tables_ids_sequence_and_counts_are_renamed(tmp_path: Path) -> None:
    db = await _database_at_0011(tmp_path)
    try:
        await db.execute(
            "INSERT INTO callback_tasks (id, resident_id, language, phone, moment_start,"
            " moment_end, status, created_at, opened_at) VALUES (41, ?, 'nl', '+31612345678',"
            " ?, ?, 'open', ?, ?)",
            (ANNA, NOW, NOW, NOW, NOW),
        )
        await db.execute(
            "INSERT INTO daily_counts (day, metric, count) VALUES"
            " ('2026-11-28', 'callbacks_requested', 3), ('2026-11-28', 'checkins_sent', 2)"
        )
        assert (await db.migrate())[0] == 12
        rows = await db.fetchall("SELECT id, resident_id FROM call_requests")
        assert [(r[0], r[1]) for r in rows] == [(41, ANNA)]
        tables = {r[0] for r in await db.fetchall("SELECT name FROM sqlite_master")}
        assert not {t for t in tables if t.startswith("callback")}
        assert {"call_request_messages", "call_request_lists"} <= tables
        sequence = await db.fetchone("SELECT seq FROM sqlite_sequence WHERE name = 'call_requests'")
        assert sequence is not None and sequence[0] == 41
        counts = {r[0]: r[1] for r in await db.fetchall("SELECT metric, count FROM daily_counts")}
        assert counts == {"call_requests_requested": 3, "checkins_sent": 2}
    finally:
        await db.close()
