"""The desk's side of a regular call (bot/services/regularcall): each week's call is a
task held by the matched volunteer from the start, so its card, outcomes, notes, the
/tasks list and the clearing of the number are the desk's own. Both steps run in the
caller's transaction, so a week's task and the regular call's schedule change together.
"""

from __future__ import annotations

from datetime import datetime

import aiosqlite

from bot.clock import to_iso
from bot.services.callme.model import Task, Withdrawal
from bot.services.callme.notices import CLEARED_TEXTS
from bot.services.callme.store import TaskStore


class WeeklyTasks(TaskStore):
    async def open_weekly_task(
        self,
        conn: aiosqlite.Connection,
        regular_call_id: int,
        holder: tuple[int, int],
        phone: str,
        moment: tuple[datetime, datetime],
        language: str,
    ) -> Task:
        """This week's call, already the volunteer's (the match is the claim).
        ``holder``: (resident, volunteer)."""
        now = to_iso(self._clock())
        resident_id, volunteer_id = holder
        cursor = await conn.execute(
            "INSERT INTO call_requests (resident_id, language, phone, moment_start,"
            " moment_end, status, volunteer_id, claimed_at, created_at, opened_at,"
            " regular_call_id) VALUES (?, ?, ?, ?, ?, 'claimed', ?, ?, ?, ?, ?)",
            (
                resident_id,
                language,
                phone,
                to_iso(moment[0]),
                to_iso(moment[1]),
                volunteer_id,
                now,
                now,
                now,
                regular_call_id,
            ),
        )
        task_id = int(cursor.lastrowid or 0)
        await cursor.close()
        await self._notices.refresh_lists(conn)
        return await self._get(conn, task_id)

    async def withdraw_weekly_task(
        self, conn: aiosqlite.Connection, task_id: int, why: Withdrawal
    ) -> bool:
        """A week's call that is off (its day passed, or the calls paused or ended):
        closed without an outcome, and its number leaves every chat that shows it."""
        cursor = await conn.execute(
            "UPDATE call_requests SET status = 'cancelled', closed_at = ?"
            " WHERE id = ? AND regular_call_id IS NOT NULL AND status IN ('open', 'claimed')",
            (to_iso(self._clock()), task_id),
        )
        changed = cursor.rowcount == 1
        await cursor.close()
        if not changed:
            return False
        task = await self._get(conn, task_id)
        await self._notices.settle_offers(
            conn, task, lambda t, _r: t._(CLEARED_TEXTS[why], id=task.id)
        )
        await self._notices.clear_details(conn, task_id, why)
        await self._notices.refresh_lists(conn)
        return True
