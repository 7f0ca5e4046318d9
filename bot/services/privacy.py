"""Export and erasure: the resident's rights under the AVG/GDPR.

``PERSONAL_TABLES`` names every table that holds data about a person and the
column that points at them; ``ANONYMOUS_TABLES`` names the rest. A test fails
when a migration adds a table to neither list, so erasure cannot silently miss one.
"""

from __future__ import annotations

from typing import Any

from bot.clock import Clock, to_iso
from bot.db import Database
from bot.services.counts import Counts

PERSONAL_TABLES: tuple[tuple[str, str], ...] = (
    ("outbox", "recipient_id"),
    ("conversations", "telegram_id"),
    ("roles", "telegram_id"),
    ("residents", "telegram_id"),
)
ANONYMOUS_TABLES: frozenset[str] = frozenset({"daily_counts", "quiet_chats"})


class Privacy:
    def __init__(self, db: Database, clock: Clock, counts: Counts) -> None:
        self._db = db
        self._clock = clock
        self._counts = counts

    async def export(self, telegram_id: int) -> dict[str, Any]:
        """Everything stored about one person, table by table."""
        data: dict[str, Any] = {
            "exported_at": to_iso(self._clock()),
            "telegram_id": telegram_id,
        }
        for table, column in PERSONAL_TABLES:
            rows = await self._db.fetchall(
                f"SELECT * FROM {table} WHERE {column} = ?", (telegram_id,)
            )
            data[table] = [dict(row) for row in rows]
        return data

    async def erase(self, telegram_id: int) -> None:
        """Remove the person from every personal table, in one transaction."""
        async with self._db.transaction() as conn:
            for table, column in PERSONAL_TABLES:
                await conn.execute(f"DELETE FROM {table} WHERE {column} = ?", (telegram_id,))
        await self._counts.bump("residents_erased")
