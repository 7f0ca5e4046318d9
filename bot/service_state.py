"""Facts about the running service (never about people), kept in ``service_state``."""

from __future__ import annotations

from datetime import datetime

from bot.clock import Clock, to_iso
from bot.db import Database


class ServiceState:
    def __init__(self, db: Database, clock: Clock) -> None:
        self._db = db
        self._clock = clock

    async def get(self, key: str) -> str | None:
        row = await self._db.fetchone("SELECT value FROM service_state WHERE key = ?", (key,))
        return None if row is None else str(row[0])

    async def put(self, key: str, value: str) -> None:
        await self._db.execute(
            "INSERT INTO service_state (key, value, updated_at) VALUES (?, ?, ?)"
            " ON CONFLICT (key) DO UPDATE SET value = excluded.value,"
            " updated_at = excluded.updated_at",
            (key, value, to_iso(self._clock())),
        )

    async def put_time(self, key: str, moment: datetime) -> None:
        await self.put(key, to_iso(moment))
