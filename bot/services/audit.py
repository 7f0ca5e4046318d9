"""Who did what and when, for the coordinators: ids and counts only, never content."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import aiosqlite

from bot.clock import Clock, from_iso, to_iso
from bot.db import Database


@dataclass(frozen=True)
class AuditEntry:
    at: datetime
    actor_id: int | None
    action: str
    subject_id: int | None
    detail: str


class Audit:
    def __init__(self, db: Database, clock: Clock) -> None:
        self._db = db
        self._clock = clock

    async def record(
        self,
        action: str,
        *,
        actor_id: int | None,
        subject_id: int | None = None,
        detail: str = "",
        conn: aiosqlite.Connection | None = None,
    ) -> None:
        """Add an entry; pass ``conn`` to make it part of the change it describes."""
        params = (to_iso(self._clock()), actor_id, action, subject_id, detail)
        sql = (
            "INSERT INTO audit_log (at, actor_id, action, subject_id, detail)"
            " VALUES (?, ?, ?, ?, ?)"
        )
        if conn is None:
            await self._db.execute(sql, params)
        else:
            await conn.execute(sql, params)

    async def latest(self, limit: int = 20) -> list[AuditEntry]:
        rows = await self._db.fetchall(
            "SELECT at, actor_id, action, subject_id, detail FROM audit_log"
            " ORDER BY id DESC LIMIT ?",
            (limit,),
        )
        return [AuditEntry(from_iso(r[0]), r[1], str(r[2]), r[3], str(r[4])) for r in rows]
