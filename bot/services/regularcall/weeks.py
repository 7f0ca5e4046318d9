"""The weekly schedule, run by one tick (bot/scheduler.py): the database is the schedule.

Each run asks SQL what is due and is idempotent: a proposal nobody answered passes to
the next volunteer; a waiting resident is matched when a volunteer who fits comes on
duty; each matched call gets its week's task OPEN_AHEAD before the call (once: the
week's row is its key); a week is settled from its task: made, or missed (no answer,
or no outcome SETTLE_AFTER its day). Two missed weeks in a row alert the coordinators
once; a call made resets the count.
"""

from __future__ import annotations

import html
import sqlite3
from dataclasses import dataclass
from datetime import date, datetime

import aiosqlite

from bot.buttons import Prefix, encode
from bot.clock import from_iso, to_iso
from bot.db import rows_changed
from bot.i18n import Translator
from bot.services.callme.requests import CallOutcome, Task, Withdrawal, moment_text
from bot.services.outbox import Button
from bot.services.regularcall.model import SELECT_CALLS, RegularCall
from bot.services.regularcall.schedule import (
    MISSED_WEEKS_ALERT,
    OPEN_AHEAD,
    SETTLE_AFTER,
    call_moment,
    next_call_day,
)
from bot.services.regularcall.service import PROPOSAL_VALID
from bot.services.regularcall.volunteering import Volunteering

# Outcomes that mean the resident was spoken to.
MADE = frozenset(
    {CallOutcome.REACHED.value, CallOutcome.FOLLOW_UP.value, CallOutcome.REFERRED.value}
)


@dataclass
class WeekReport:
    """What one run of the tick did (for tests and the log)."""

    proposals_passed: int = 0
    opened: int = 0
    made: int = 0
    missed: int = 0


class Weeks(Volunteering):
    async def tick(self) -> WeekReport:
        report = WeekReport()
        report.proposals_passed = await self._pass_old_proposals()
        await self._retry_waiting()
        report.opened = await self._open_due_weeks()
        report.made, report.missed = await self._settle_weeks()
        return report

    async def _pass_old_proposals(self) -> int:
        """A proposal without an answer after PROPOSAL_VALID goes to the next who fits."""
        now = self._clock()
        async with self._db.transaction() as conn:
            rows = list(
                await conn.execute_fetchall(
                    "UPDATE regular_call_proposals SET answer = 'expired', answered_at = ?"
                    " WHERE answer IS NULL AND proposed_at <= ? RETURNING call_id",
                    (to_iso(now), to_iso(now - PROPOSAL_VALID)),
                )
            )
            for row in rows:
                call = await self._get(conn, int(row[0]))
                if call is not None:
                    await self._propose_next(conn, call)
        return len(rows)

    async def _retry_waiting(self) -> None:
        """Waiting residents are asked for again: a volunteer may have come on duty."""
        async with self._db.transaction() as conn:
            rows = await conn.execute_fetchall(SELECT_CALLS + " WHERE c.status = 'waiting'")
            for row in rows:
                await self._propose_next(conn, RegularCall.from_row(row))

    async def _open_due_weeks(self) -> int:
        """Each matched call's next week becomes the volunteer's task, once."""
        now = self._clock()
        opened = 0
        async with self._db.transaction() as conn:
            rows = await conn.execute_fetchall(SELECT_CALLS + " WHERE c.status = 'matched'")
            for call in (RegularCall.from_row(r) for r in rows):
                day = self.next_day(call)
                moment = call_moment(day, call.part, self.policy.zone)
                if now < moment[0] - OPEN_AHEAD:
                    continue
                if await self._volunteer_away(conn, call, day):
                    continue
                # A week called off (a pause, someone else) comes back when the call is
                # on again before its day; any other week is made once.
                new = await rows_changed(
                    conn,
                    "INSERT INTO regular_call_weeks (call_id, day) VALUES (?, ?)"
                    " ON CONFLICT (call_id, day) DO UPDATE SET result = NULL, task_id = NULL"
                    " WHERE regular_call_weeks.result = 'cancelled'",
                    (call.id, day.isoformat()),
                )
                if new == 1:
                    await self._open_week(conn, call, day.isoformat(), moment)
                    opened += 1
        return opened

    async def _volunteer_away(
        self, conn: aiosqlite.Connection, call: RegularCall, day: date
    ) -> bool:
        """The volunteer is on holiday that day (🗓 When I can call): the week is off, and
        the resident hears, once, when the next call is."""
        rows = await conn.execute_fetchall(
            "SELECT paused_until FROM volunteer_availability WHERE telegram_id = ?",
            (call.volunteer_id,),
        )
        row = next(iter(rows), None)
        back = date.fromisoformat(row[0]) if row is not None and row[0] else None
        if back is None or day >= back:
            return False
        new = await rows_changed(
            conn,
            "INSERT INTO regular_call_weeks (call_id, day, result) VALUES (?, ?, 'cancelled')"
            " ON CONFLICT DO NOTHING",
            (call.id, day.isoformat()),
        )
        if new == 1:
            assert call.weekday is not None
            later = max(back, call.paused_until or back)
            next_day = next_call_day(
                self._clock(), self.policy.zone, call.weekday, call.part, later
            )
            start = call_moment(next_day, call.part, self.policy.zone)[0]
            await self._notices.to_resident(
                conn,
                call,
                f"away:{day}",
                lambda t: t._(
                    "%(name)s is away for a while. Your next weekly call is %(day)s.",
                    name=html.escape(call.volunteer_name),
                    day=t.day(start),
                ),
            )
        return True

    async def _open_week(
        self,
        conn: aiosqlite.Connection,
        call: RegularCall,
        day: str,
        moment: tuple[datetime, datetime],
    ) -> None:
        """The task, held by the volunteer, and a message that leads to its card (the
        number is shown only there, and taken out again when the match ends)."""
        assert call.volunteer_id is not None
        task = await self._tasks.open_weekly_task(
            conn, call.id, (call.resident_id, call.volunteer_id), call.phone, moment, call.language
        )
        await conn.execute(
            "UPDATE regular_call_weeks SET task_id = ? WHERE call_id = ? AND day = ?",
            (task.id, call.id, day),
        )

        def show(t: Translator) -> tuple[tuple[Button, ...], ...]:
            data = encode(Prefix.TASK, "show", str(task.id))
            return ((Button(t._("📞 Show the number"), data),),)

        await self._notices.to_volunteer(
            conn,
            call.volunteer_id,
            f"{call.id}:week:{day}",
            lambda t: _week_text(t, call, task),
            show,
        )

    async def _settle_weeks(self) -> tuple[int, int]:
        """Weeks whose task closed, or whose day passed without an outcome."""
        now = self._clock()
        made = missed = 0
        async with self._db.transaction() as conn:
            rows = await conn.execute_fetchall(
                "SELECT w.call_id, w.day, w.task_id, t.status, t.outcome, t.moment_end"
                " FROM regular_call_weeks w LEFT JOIN call_requests t ON t.id = w.task_id"
                " WHERE w.result IS NULL ORDER BY w.day"
            )
            for row in rows:
                result = await self._week_result(conn, row, now)
                if result is None:
                    continue
                await conn.execute(
                    "UPDATE regular_call_weeks SET result = ? WHERE call_id = ? AND day = ?",
                    (result, row["call_id"], row["day"]),
                )
                if result == "made":
                    made += 1
                    await self._made(conn, int(row["call_id"]))
                elif result == "missed":
                    missed += 1
                    await self._missed(conn, int(row["call_id"]))
        if made:
            await self._counts.bump("regular_calls_made", made)
        if missed:
            await self._counts.bump("regular_calls_missed", missed)
        return made, missed

    async def _week_result(
        self, conn: aiosqlite.Connection, row: sqlite3.Row, now: datetime
    ) -> str | None:
        """made / missed / cancelled, or None while the week is still open.

        A week whose day passed without an outcome is missed, and its task is taken
        off the volunteer's list (the number leaves their chat)."""
        if row["task_id"] is None:
            return "cancelled"  # its task went with an erasure
        status, outcome = row["status"], row["outcome"]
        if status == "closed":
            return "made" if outcome in MADE else "missed"
        if status == "cancelled":
            return "cancelled"
        if now < from_iso(row["moment_end"]) + SETTLE_AFTER:
            return None
        await self._tasks.withdraw_weekly_task(conn, int(row["task_id"]), Withdrawal.PASSED)
        return "missed"

    async def _made(self, conn: aiosqlite.Connection, call_id: int) -> None:
        await conn.execute(
            "UPDATE regular_calls SET missed_in_row = 0, missed_alerted_at = NULL WHERE id = ?",
            (call_id,),
        )

    async def _missed(self, conn: aiosqlite.Connection, call_id: int) -> None:
        """One more missed week; the second in a row alerts the coordinators, once."""
        rows = await conn.execute_fetchall(
            "UPDATE regular_calls SET missed_in_row = missed_in_row + 1 WHERE id = ?"
            " RETURNING missed_in_row, missed_alerted_at",
            (call_id,),
        )
        row = next(iter(rows), None)
        if row is None or int(row[0]) < MISSED_WEEKS_ALERT or row[1] is not None:
            return
        await conn.execute(
            "UPDATE regular_calls SET missed_alerted_at = ? WHERE id = ?",
            (to_iso(self._clock()), call_id),
        )
        call = await self._get(conn, call_id)
        if call is None:
            return
        await self._notices.alert(
            conn,
            f"regular:{call_id}:missed:{to_iso(self._clock())}",
            lambda t: t._(
                "📵 <b>Weekly call: %(n)s weeks missed in a row</b>\n\n"
                "%(volunteer)s could not reach %(resident)s, or recorded nothing, "
                "%(n)s weeks in a row. Please check how they are. Type /matches to see "
                "every weekly call.",
                n=int(row[0]),
                volunteer=html.escape(call.volunteer_name or "?"),
                resident=html.escape(call.resident_name or "?"),
            ),
        )


def _week_text(t: Translator, call: RegularCall, task: Task) -> str:
    return t._(
        "🔁 <b>Weekly call with %(name)s</b> (#%(id)s)\n\n"
        "When: %(moment)s\n"
        "Tap below to see the number. After the call, tap what happened.",
        name=html.escape(call.resident_name),
        id=task.id,
        moment=moment_text(t, task.moment_start, task.moment_end),
    )
