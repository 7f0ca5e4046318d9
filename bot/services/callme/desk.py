"""The volunteer desk: claim, give back, the call's outcome, notes and /tasks lists.

Only the volunteer who claimed a task gets the resident's name and phone number:
offers say when, in which language and about what, so a volunteer can choose.
"""

from __future__ import annotations

import functools
import html
import sqlite3

import aiosqlite

from bot.clock import to_iso
from bot.i18n import Translator
from bot.services.callme.lists import task_list
from bot.services.callme.model import (
    OPEN_TASKS,
    SELECT_TASKS,
    CallOutcome,
    ClaimResult,
    OutcomeResult,
    Task,
    TaskStatus,
    Withdrawal,
)
from bot.services.callme.moments import moment_text
from bot.services.callme.store import TaskStore
from bot.services.outbox import OutMessage

NO_ANSWER_LIMIT = 3
# A volunteer coming on duty is offered at most this many waiting tasks (the oldest).
OFFERS_ON_DUTY = 10
MAX_NOTE_LENGTH = 500
# The condition under which a volunteer may change a task: they hold it.
_MINE = "WHERE id = ? AND status = 'claimed' AND volunteer_id = ?"


class Desk(TaskStore):
    async def task_for(self, task_id: int, volunteer_id: int) -> Task | None:
        """The task with its details, only for the volunteer who holds (or closed) it."""
        row = await self._db.fetchone(
            SELECT_TASKS + " WHERE t.id = ? AND t.volunteer_id = ? AND t.purged_at IS NULL",
            (task_id, volunteer_id),
        )
        return Task.from_row(row) if row else None

    async def claim(self, task_id: int, volunteer_id: int) -> tuple[ClaimResult, Task | None]:
        """Take an open task. One UPDATE under the write lock: exactly one volunteer wins."""
        now = to_iso(self._clock())
        async with self._db.transaction() as conn:
            cursor = await conn.execute(
                "UPDATE call_requests SET status = 'claimed', volunteer_id = ?, claimed_at = ?"
                " WHERE id = ? AND status = 'open' AND EXISTS (SELECT 1 FROM roles"
                " WHERE telegram_id = ? AND role = 'volunteer')",
                (volunteer_id, now, task_id, volunteer_id),
            )
            won = cursor.rowcount == 1
            await cursor.close()
            rows = await conn.execute_fetchall(SELECT_TASKS + " WHERE t.id = ?", (task_id,))
            row = next(iter(rows), None)
            task = Task.from_row(row) if row else None
            if task is None:
                return ClaimResult.GONE, None
            if not won:
                return _why_not_claimed(task, volunteer_id), (
                    task if task.volunteer_id == volunteer_id else None
                )
            name = task.volunteer_name or "?"
            await self._notices.settle_offers(
                conn,
                task,
                lambda t, recipient: (
                    t._("✅ You took call request #%(id)s.", id=task.id)
                    if recipient == volunteer_id
                    else t._(
                        "Call request #%(id)s was taken by %(name)s. Thank you!",
                        id=task.id,
                        name=html.escape(name),
                    )
                ),
            )
            await self._notices.refresh_lists(conn)
            await self._notices.tell_resident(
                conn,
                task,
                f"task:{task.id}:r{task.round}:taken",
                lambda t: t._(
                    "Good news! %(name)s, a volunteer, will call you: %(moment)s.",
                    name=html.escape(name),
                    moment=moment_text(t, task.moment_start, task.moment_end),
                ),
            )
        await self._counts.bump("call_requests_claimed")
        return ClaimResult.CLAIMED, task

    async def release(self, task_id: int, volunteer_id: int) -> Task | None:
        """Give a task back: it is offered again (to the others), the resident is told."""
        async with self._db.transaction() as conn:
            rows = await conn.execute_fetchall(
                SELECT_TASKS + " WHERE t.id = ? AND t.status = 'claimed' AND t.volunteer_id = ?",
                (task_id, volunteer_id),
            )
            row = next(iter(rows), None)
            if row is None:
                return None
            await self._release(conn, Task.from_row(row), Withdrawal.GIVEN_BACK)
        await self._counts.bump("call_requests_released")
        return await self.get(task_id)

    async def end_volunteer(self, volunteer_id: int, coordinator_id: int) -> bool:
        """A coordinator ends someone's volunteering, all in one transaction.

        The role goes and they go off duty (so they can claim nothing more), every
        task they hold opens again and is offered to the volunteers on duty, the
        residents hear another volunteer will call, and the volunteer is thanked.
        False if they were no volunteer (anymore).
        """
        async with self._db.transaction() as conn:
            if not await self._volunteers.deactivate(volunteer_id, coordinator_id, conn):
                return False
            rows = await conn.execute_fetchall(
                SELECT_TASKS + " WHERE t.status = 'claimed' AND t.volunteer_id = ? ORDER BY t.id",
                (volunteer_id,),
            )
            held = [Task.from_row(row) for row in rows]
            for task in held:
                await self._release(conn, task, Withdrawal.ENDED)
        if held:
            await self._counts.bump("call_requests_released", len(held))
        return True

    async def _release(self, conn: aiosqlite.Connection, before: Task, why: Withdrawal) -> None:
        """Open a claimed task again, offer it to the others and tell the resident.

        The name and number leave the chat of the volunteer who held it.
        """
        await self._notices.clear_details(conn, before.id, why)
        await conn.execute(
            "UPDATE call_requests SET status = 'open', volunteer_id = NULL,"
            " claimed_at = NULL, opened_at = ?, round = round + 1,"
            " unclaimed_alerted_at = NULL WHERE id = ?",
            (to_iso(self._clock()), before.id),
        )
        await self._notices.offer(conn, await self._get(conn, before.id), skip=before.volunteer_id)
        await self._notices.refresh_lists(conn)
        await self._notices.tell_resident(
            conn,
            before,
            f"task:{before.id}:r{before.round}:released",
            lambda t: t._(
                "%(name)s cannot call you after all. Another volunteer will call you.",
                name=html.escape(before.volunteer_name or "?"),
            ),
        )

    async def record_outcome(
        self, task_id: int, volunteer_id: int, outcome: CallOutcome
    ) -> tuple[OutcomeResult, Task | None]:
        """What came of the call. "No answer" keeps the task until the third time."""
        now = to_iso(self._clock())
        async with self._db.transaction() as conn:
            if outcome is CallOutcome.NO_ANSWER:
                early_or_again = await self._count_no_answer(conn, task_id, volunteer_id, now)
                if early_or_again is not None:
                    return early_or_again
            cursor = await conn.execute(
                "UPDATE call_requests SET status = 'closed', outcome = ?, closed_at = ? " + _MINE,
                (outcome.value, now, task_id, volunteer_id),
            )
            changed = cursor.rowcount == 1
            await cursor.close()
            if not changed:
                return OutcomeResult.NOT_YOURS, None
            task = await self._get(conn, task_id)
            await self._notices.refresh_lists(conn)
            await self._closing_news(conn, task, outcome)
        if not task.weekly:  # a week's call is counted when its week is settled
            await self._counts.bump(f"call_requests_{outcome.value}")
        return (
            OutcomeResult.GAVE_UP if outcome is CallOutcome.NO_ANSWER else OutcomeResult.CLOSED
        ), task

    async def _count_no_answer(
        self, conn: aiosqlite.Connection, task_id: int, volunteer_id: int, now: str
    ) -> tuple[OutcomeResult, Task | None] | None:
        """Count one "no answer"; the result to stop with, or None: the task closes now."""
        # Not answering before the moment they chose is no "no answer": the
        # resident would hear at night that a volunteer "just called".
        held = await conn.execute_fetchall(
            "SELECT moment_start FROM call_requests " + _MINE, (task_id, volunteer_id)
        )
        early = next(iter(held), None)
        if early is not None and str(early[0]) > now:
            return OutcomeResult.TOO_EARLY, await self._get(conn, task_id)
        rows = await conn.execute_fetchall(
            "UPDATE call_requests SET no_answers = no_answers + 1 "
            + _MINE
            + " RETURNING no_answers",
            (task_id, volunteer_id),
        )
        row = next(iter(rows), None)
        if row is None:
            return OutcomeResult.NOT_YOURS, None
        if int(row[0]) >= NO_ANSWER_LIMIT:
            return None
        tried = await self._get(conn, task_id)
        await self._notices.tell_resident(
            conn,
            tried,
            f"task:{task_id}:noanswer:{tried.no_answers}",
            functools.partial(
                _weekly_tried_text if tried.weekly else _tried_text,
                name=tried.volunteer_name or "?",
            ),
        )
        return OutcomeResult.TRY_AGAIN, tried

    async def _closing_news(
        self, conn: aiosqlite.Connection, task: Task, outcome: CallOutcome
    ) -> None:
        """Tell the resident the request is closed; coordinators hear what needs them."""
        name = html.escape(task.volunteer_name or "?")
        if task.weekly:
            await self._weekly_closing_news(conn, task, outcome, name)
            return
        if outcome is CallOutcome.NO_ANSWER:
            await self._notices.alert(
                conn,
                f"task:{task.id}:noanswer",
                lambda t: t._(
                    "📵 <b>Call request #%(id)s: no answer three times</b>\n\n"
                    "%(name)s tried to call %(n)s times. The request is closed. "
                    "Please decide if someone should look in on this resident.",
                    id=task.id,
                    name=name,
                    n=task.no_answers,
                ),
            )
            await self._notices.tell_resident(
                conn,
                task,
                f"task:{task.id}:closed",
                lambda t: t._(
                    "A volunteer tried to call you three times, but could not reach you. "
                    "Would you still like a call? Tap “📞 Call me” to ask again."
                ),
            )
            return
        if outcome is CallOutcome.FOLLOW_UP:
            await self._follow_up_alert(conn, task, name)
        await self._notices.tell_resident(
            conn,
            task,
            f"task:{task.id}:closed",
            lambda t: t._(
                "Your call request is closed. Thank you for talking with us! "
                "Would you like another call later? Tap “📞 Call me”."
            ),
        )

    async def _follow_up_alert(self, conn: aiosqlite.Connection, task: Task, name: str) -> None:
        await self._notices.alert(
            conn,
            f"task:{task.id}:followup",
            lambda t: t._(
                "🔁 <b>Call request #%(id)s needs follow-up</b>\n\n"
                "%(name)s spoke with the resident. Type /tasks to see it.",
                id=task.id,
                name=name,
            ),
        )

    async def _weekly_closing_news(
        self, conn: aiosqlite.Connection, task: Task, outcome: CallOutcome, name: str
    ) -> None:
        """A week's call: the resident just talked (nothing to say), or hears that their
        volunteer could not reach them and calls again next week. Missed weeks reach the
        coordinators through the regular call's own count, not from here."""
        if outcome is CallOutcome.FOLLOW_UP:
            await self._follow_up_alert(conn, task, name)
        if outcome is CallOutcome.NO_ANSWER:
            await self._notices.tell_resident(
                conn,
                task,
                f"task:{task.id}:closed",
                lambda t: t._(
                    "%(name)s tried to call you for your weekly call, but could not reach "
                    "you. %(name)s will call again next week.",
                    name=name,
                ),
            )

    async def add_note(self, task_id: int, volunteer_id: int, text: str) -> bool:
        """A short note on the call, for the volunteer's own task only (cleared at purge)."""
        note = text.strip()[:MAX_NOTE_LENGTH]
        if not note:
            return False
        changed = await self._db.execute(
            "UPDATE call_requests SET note = ? WHERE id = ? AND volunteer_id = ?"
            " AND status IN ('claimed', 'closed') AND purged_at IS NULL",
            (note, task_id, volunteer_id),
        )
        return changed == 1

    async def offer_open_tasks(self, volunteer_id: int) -> int:
        """Offer the waiting tasks to a volunteer who just came on duty or joined.

        Nothing if they are not on duty (or cannot be messaged); a task already
        offered to them in its current round is not offered again.
        """
        async with self._db.transaction() as conn:
            t = dict(await self._volunteers.on_duty(conn)).get(volunteer_id)
            if t is None:
                return 0
            rows = await conn.execute_fetchall(OPEN_TASKS, (OFFERS_ON_DUTY,))
            waiting = [
                task
                for task in (Task.from_row(row) for row in rows)
                if volunteer_id
                in dict(await self._volunteers.on_duty(conn, (task.moment_start, task.moment_end)))
            ]
            for task in waiting:
                await self._notices.offer_to(conn, task, volunteer_id, t)
        return len(waiting)

    async def task_list(self, volunteer_id: int, t: Translator) -> OutMessage:
        """The volunteer's /tasks list as it is now."""
        return task_list(
            t, await self.tasks_of(volunteer_id), await self.open_tasks(), self._clock()
        )

    async def remember_list(self, volunteer_id: int, message_id: int, shown: OutMessage) -> None:
        """Keep the volunteer's newest /tasks list current from now on; an older one
        loses its buttons (it would offer tasks that were taken meanwhile)."""
        async with self._db.transaction() as conn:
            rows = await conn.execute_fetchall(
                "SELECT message_id FROM call_request_lists WHERE chat_id = ?", (volunteer_id,)
            )
            old = next(iter(rows), None)
            if old is not None and int(old[0]) != message_id:
                t = self._catalogs.get(await self._volunteers.language_of(conn, volunteer_id))
                await self._notices.edit_list(
                    conn,
                    volunteer_id,
                    int(old[0]),
                    OutMessage(t._("This list is old. The newest list of tasks is further down.")),
                )
            await conn.execute(
                "INSERT INTO call_request_lists (chat_id, message_id, content, shown_at)"
                " VALUES (?, ?, ?, ?) ON CONFLICT (chat_id) DO UPDATE SET"
                " message_id = excluded.message_id, content = excluded.content,"
                " shown_at = excluded.shown_at",
                (volunteer_id, message_id, shown.to_json(), to_iso(self._clock())),
            )

    async def remember_details(self, task_id: int, volunteer_id: int, message_id: int) -> None:
        """Note a message that shows this task's name and number in a volunteer's chat.

        It is cleared when the task is cancelled, withdrawn, given back or purged.
        Had that already happened (a race with the send), it is cleared at once.
        """
        async with self._db.transaction() as conn:
            await conn.execute(
                "INSERT OR IGNORE INTO call_request_messages (task_id, chat_id, message_id,"
                " shown_at) VALUES (?, ?, ?, ?)",
                (task_id, volunteer_id, message_id, to_iso(self._clock())),
            )
            rows = await conn.execute_fetchall(
                "SELECT status, volunteer_id, purged_at FROM call_requests WHERE id = ?",
                (task_id,),
            )
            why = _no_longer_theirs(next(iter(rows), None), volunteer_id)
            if why is not None:
                await self._notices.clear_details(conn, task_id, why)


def _tried_text(t: Translator, name: str) -> str:
    return t._(
        "📵 %(name)s, a volunteer, tried to call you just now, but could not reach you.\n\n"
        "%(name)s will try again later. The call may come from a number you do not know. "
        "Please answer it!\n\n"
        "Not convenient after all? Tap “📞 Call me” to see or cancel your request.",
        name=html.escape(name),
    )


def _weekly_tried_text(t: Translator, name: str) -> str:
    return t._(
        "📵 %(name)s tried to call you just now for your weekly call, but could not "
        "reach you. %(name)s will try again later. Please answer the phone!",
        name=html.escape(name),
    )


def _no_longer_theirs(row: sqlite3.Row | None, volunteer_id: int) -> Withdrawal | None:
    """Why a task's details may no longer be in this volunteer's chat, if they may not."""
    if row is None:
        return Withdrawal.WITHDRAWN
    if row["purged_at"] is not None:
        return Withdrawal.PURGED
    if row["status"] == TaskStatus.CANCELLED:
        return Withdrawal.CANCELLED
    if row["volunteer_id"] != volunteer_id:
        return Withdrawal.GIVEN_BACK
    return None


def _why_not_claimed(task: Task, volunteer_id: int) -> ClaimResult:
    if task.status is TaskStatus.CLAIMED:
        return ClaimResult.ALREADY_YOURS if task.volunteer_id == volunteer_id else ClaimResult.TAKEN
    if task.status is TaskStatus.OPEN:
        return ClaimResult.NOT_ALLOWED
    return ClaimResult.GONE
