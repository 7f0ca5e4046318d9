"""The call-request service's upkeep: escalation, the purge, and erasure's part."""

from __future__ import annotations

import functools
from datetime import datetime

from babel.dates import format_timedelta

from bot.clock import from_iso, to_iso
from bot.i18n import Translator
from bot.services.callme.model import Task, Topic, Withdrawal
from bot.services.callme.moments import daytime_between, moment_text
from bot.services.callme.store import TaskStore


class Upkeep(TaskStore):
    async def escalate_unclaimed(self) -> int:
        """Alert coordinators, once per round, about tasks nobody took in time (daytime).

        Not the safety net's own tasks (a missed check-in): its ladder climbs on from an
        unclaimed task to the emergency contact or the coordinators, and one alert that
        says why is enough (bot/services/care/safety.py).
        """
        now = self._clock()
        policy = self.policy
        candidates = await self._db.fetchall(
            "SELECT id, opened_at FROM call_requests WHERE status = 'open'"
            " AND unclaimed_alerted_at IS NULL AND opened_at <= ?"
            " AND COALESCE(topic, '') NOT IN (?, ?) ORDER BY opened_at",
            (
                to_iso(now - policy.escalate_after),
                Topic.MISSED_CHECKIN.value,
                Topic.UNDELIVERED_CHECKIN.value,
            ),
        )
        due = [
            int(r[0])
            for r in candidates
            if daytime_between(from_iso(r[1]), now, policy.zone, policy.daytime)
            >= policy.escalate_after
        ]
        alerted = 0
        for task_id in due:
            async with self._db.transaction() as conn:
                cursor = await conn.execute(
                    "UPDATE call_requests SET unclaimed_alerted_at = ? WHERE id = ?"
                    " AND status = 'open' AND unclaimed_alerted_at IS NULL",
                    (to_iso(now), task_id),
                )
                changed = cursor.rowcount == 1
                await cursor.close()
                if not changed:
                    continue
                task = await self._get(conn, task_id)
                await self._notices.alert(
                    conn,
                    f"task:{task.id}:r{task.round}:unclaimed",
                    functools.partial(_unclaimed_text, task=task, now=now),
                )
                alerted += 1
        if alerted:
            await self._counts.bump("call_requests_unclaimed_alerts", alerted)
        return alerted

    async def purge_closed(self) -> int:
        """Forget who and which number, a set time after closing; the anonymous facts stay.

        The messages that still show them in volunteers' chats are cleared too.
        """
        now = self._clock()
        async with self._db.transaction() as conn:
            purged = list(
                await conn.execute_fetchall(
                    "UPDATE call_requests SET resident_id = NULL, phone = NULL, note = NULL,"
                    " volunteer_id = NULL, purged_at = ?"
                    " WHERE purged_at IS NULL AND closed_at IS NOT NULL AND closed_at <= ?"
                    " RETURNING id",
                    (to_iso(now), to_iso(now - self.policy.retention)),
                )
            )
            for row in purged:
                await self._notices.clear_details(conn, int(row[0]), Withdrawal.PURGED)
        return len(purged)

    async def take_details_from(self, volunteer_id: int) -> list[tuple[int, int]]:
        """(task id, message id) of every message in this volunteer's chat that shows a
        name and number, forgotten here: the volunteer is erasing their data, so the
        caller clears them at once (an outbox edit to their chat would be erased too)."""
        async with self._db.transaction() as conn:
            rows = await conn.execute_fetchall(
                "SELECT task_id, message_id FROM call_request_messages WHERE chat_id = ?",
                (volunteer_id,),
            )
            await conn.execute(
                "DELETE FROM call_request_messages WHERE chat_id = ?", (volunteer_id,)
            )
        return [(int(r[0]), int(r[1])) for r in rows]

    async def forget_resident(self, resident_id: int) -> None:
        """Before a resident's erasure: their requests' details leave volunteers' chats."""
        async with self._db.transaction() as conn:
            for row in await conn.execute_fetchall(
                "SELECT id FROM call_requests WHERE resident_id = ?", (resident_id,)
            ):
                await self._notices.clear_details(conn, int(row[0]), Withdrawal.WITHDRAWN)


def _unclaimed_text(t: Translator, task: Task, now: datetime) -> str:
    return t._(
        "⏰ <b>Call request #%(id)s is waiting</b>\n\n"
        "Nobody has taken it for %(age)s. The resident speaks %(language)s "
        "and would like a call: %(moment)s. Type /tasks to see all tasks.",
        id=task.id,
        age=format_timedelta(now - task.opened_at, locale=t.locale),
        language=t.language_name(task.language),
        moment=moment_text(t, task.moment_start, task.moment_end),
    )
