"""Anonymous daily counts: the only trace a person leaves after erasure."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from bot.clock import Clock
from bot.db import Database


class Counts:
    """Counts per local (Amsterdam) day, so a week in the numbers is a week here."""

    def __init__(self, db: Database, clock: Clock, zone: ZoneInfo) -> None:
        self._db = db
        self._clock = clock
        self._zone = zone

    async def bump(self, metric: str, by: int = 1) -> None:
        day = self._clock().astimezone(self._zone).date().isoformat()
        await self._db.execute(
            "INSERT INTO daily_counts (day, metric, count) VALUES (?, ?, ?) "
            "ON CONFLICT (day, metric) DO UPDATE SET count = count + excluded.count",
            (day, metric, by),
        )

    async def total(self, metric: str) -> int:
        row = await self._db.fetchone(
            "SELECT COALESCE(SUM(count), 0) FROM daily_counts WHERE metric = ?", (metric,)
        )
        return int(row[0]) if row else 0
