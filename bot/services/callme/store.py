"""What the call-request service's parts share: the wiring and reading tasks back."""

from __future__ import annotations

from datetime import timedelta

import aiosqlite

from bot.clock import Clock, to_iso
from bot.db import Database
from bot.i18n import Catalogs
from bot.services.callme.lists import WAITING_LISTED
from bot.services.callme.model import HELD_TASKS, OPEN_TASKS, SELECT_TASKS, Task
from bot.services.callme.moments import CallPolicy
from bot.services.callme.notices import TaskNotices
from bot.services.counts import Counts
from bot.services.outbox import Outbox
from bot.services.volunteers import Volunteers


class TaskStore:
    def __init__(
        self,
        db: Database,
        clock: Clock,
        volunteers: Volunteers,
        outbox: Outbox,
        counts: Counts,
        catalogs: Catalogs,
        policy: CallPolicy,
    ) -> None:
        self._db = db
        self._clock = clock
        self._volunteers = volunteers
        self._outbox = outbox
        self._counts = counts
        self._catalogs = catalogs
        self.policy = policy
        self._notices = TaskNotices(clock, volunteers, outbox, catalogs, policy)

    async def get(self, task_id: int) -> Task | None:
        row = await self._db.fetchone(SELECT_TASKS + " WHERE t.id = ?", (task_id,))
        return Task.from_row(row) if row else None

    async def _get(self, conn: aiosqlite.Connection, task_id: int) -> Task:
        rows = await conn.execute_fetchall(SELECT_TASKS + " WHERE t.id = ?", (task_id,))
        return Task.from_row(next(iter(rows)))

    async def open_tasks(self, limit: int = WAITING_LISTED) -> list[Task]:
        return [Task.from_row(r) for r in await self._db.fetchall(OPEN_TASKS, (limit,))]

    async def tasks_of(self, volunteer_id: int) -> list[Task]:
        return [Task.from_row(r) for r in await self._db.fetchall(HELD_TASKS, (volunteer_id,))]

    async def held_counts(self) -> dict[int, int]:
        """How many tasks each volunteer holds now, in one query (for the coordinators' list)."""
        rows = await self._db.fetchall(
            "SELECT volunteer_id, count(*) FROM call_requests"
            " WHERE status = 'claimed' AND volunteer_id IS NOT NULL GROUP BY volunteer_id"
        )
        return {int(r[0]): int(r[1]) for r in rows}

    async def overview(self, limit: int = 30) -> list[Task]:
        """For coordinators: every open and taken task, and recent follow-ups, oldest first."""
        since = to_iso(self._clock() - timedelta(days=14))
        rows = await self._db.fetchall(
            SELECT_TASKS + " WHERE t.status IN ('open', 'claimed')"
            " OR (t.outcome = 'follow_up' AND t.closed_at >= ?)"
            " ORDER BY t.status = 'closed', t.created_at, t.id LIMIT ?",
            (since, limit),
        )
        return [Task.from_row(r) for r in rows]
