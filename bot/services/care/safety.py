"""The safety net that climbs: one unanswered check-in, four calm steps.

1. ``nudge``: no answer ``nudge_after`` after the check-in arrived: one gentle reminder,
   with the same mood buttons (so answering it answers the check-in).
2. ``task``: still nothing at the safety window: a volunteer call task (as before).
3. ``contact``: the volunteer recorded "no answer" twice, or nobody took the task
   within the escalation time: the resident's emergency contact (``contacts.py``) is
   told, with only the first name and that Samen could not reach them.
4. ``coordinators``: there is no confirmed contact, or the contact did not answer
   within the escalation time.

A check-in that cannot reach them, after one that could not either and climbed, makes
no new task until they write again; the coordinators hear it once (``unreachable.py``).

A step stops the climb when the resident answers, a volunteer reached them, or the
contact says "all is well" or "I will go and look". Each step reached is one row
in ``safety_steps`` (UNIQUE per check-in), written in the same transaction as its
messages, so a crash repeats nothing. Steps 3 and 4 wait out quiet hours: a
missed check-in is a reason to look, not an alarm in the night.
"""

from __future__ import annotations

import html
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Protocol

import aiosqlite

from bot.clock import Clock, from_iso, to_iso
from bot.db import Database
from bot.i18n import Catalogs, Translator
from bot.services.callme.requests import CallRequests, Problem, RequestRefused, TaskStatus, Topic
from bot.services.care.kinds import NUDGE
from bot.services.care.safety_sql import (
    CLIMB_SQL,
    CONTACT_OF_SEND_SQL,
    NUDGE_SQL,
    OPEN_ALERT_SQL,
    SILENT_CONTACT_SQL,
    TOLD_CONTACT_SQL,
    WATCH_SQL,
)
from bot.services.care.safety_texts import (
    contact_message,
    coordinator_text,
    nudge_message,
    unreachable_text,
)
from bot.services.care.schedule import CheckinPolicy
from bot.services.care.unreachable import HELD, Hold, hold_for
from bot.services.counts import Counts
from bot.services.outbox import NewRow, Outbox, OutMessage, Priority

BATCH = 500
# A volunteer who could not reach the resident this often: the next step.
NO_ANSWERS_TO_CLIMB = 2
# The check-in's outbox status when it could not be delivered (each messenger records
# it: Telegram's 403 as blocked; WhatsApp's refusals and its 'failed' status as failed).
UNDELIVERED = frozenset({"failed", "blocked"})
# The resident's status while the net works: a volunteer can call someone who blocked
# Samen's messages (unreachable), but not someone who stopped them all.
NET_STATUSES = frozenset({"active", "unreachable"})
# Check-ins older than this no longer climb (a gap of days is for the coordinators'
# overview, not for a message to the family).
CLIMB_HORIZON = timedelta(days=2)


class Step(StrEnum):
    NUDGE = "nudge"
    TASK = "task"
    CONTACT = "contact"
    COORDINATORS = "coordinators"
    WELL = "well"  # the contact: "all is well"
    LOOK = "look"  # the contact: "I will go and look"
    ANSWERED = "answered"  # the resident answered after all; the contact was told


# ---------------------------------------------------------------- the task desk


@dataclass(frozen=True)
class TaskState:
    """What the ladder needs to know about the volunteer task of a missed check-in."""

    waiting: bool  # open: no volunteer took it yet
    active: bool  # open or taken: a volunteer may still call
    no_answers: int
    starts: datetime  # volunteers may call from here on


class MissedCheckinDesk(Protocol):
    """What the safety net needs from the call request desk (bot/services/callme).

    ``open_missed_checkin`` opens a "missed check-in" task for the resident and offers
    it to the volunteers (``undelivered``: the check-in could not reach them, which the
    task says). It returns (task id, True) for a new task, (task id, False)
    when the resident already has an open request (that one then covers the missed
    check-in), or None when no task can be made. A resident has at most one open
    request, so calling it again after a crash makes no second task.
    """

    async def open_missed_checkin(
        self, resident_id: int, phone: str, *, undelivered: bool = False
    ) -> tuple[int, bool] | None: ...

    async def task_state(self, task_id: int) -> TaskState | None: ...

    async def cancel_missed_checkin(self, task_id: int, resident_id: int) -> bool: ...


class CallDesk:
    """The safety net's view of the call request service."""

    def __init__(self, call_requests: CallRequests) -> None:
        self._call_requests = call_requests

    async def open_missed_checkin(
        self, resident_id: int, phone: str, *, undelivered: bool = False
    ) -> tuple[int, bool] | None:
        moments = self._call_requests.moments()  # the soonest part of the day a volunteer calls
        if not moments:
            return None
        topic = Topic.UNDELIVERED_CHECKIN if undelivered else Topic.MISSED_CHECKIN
        try:
            task = await self._call_requests.create_request(
                resident_id, phone, moments[0].key, topic
            )
        except RequestRefused as refused:
            if refused.problem is not Problem.ALREADY_OPEN:
                return None
            existing = await self._call_requests.open_request(resident_id)
            return (existing.id, False) if existing else None
        return task.id, True

    async def task_state(self, task_id: int) -> TaskState | None:
        task = await self._call_requests.get(task_id)
        if task is None:
            return None
        return TaskState(
            waiting=task.status is TaskStatus.OPEN,
            active=task.status in (TaskStatus.OPEN, TaskStatus.CLAIMED),
            no_answers=task.no_answers,
            starts=task.moment_start,
        )

    async def cancel_missed_checkin(self, task_id: int, resident_id: int) -> bool:
        return await self._call_requests.cancel(task_id, resident_id) is not None


class Coordinators(Protocol):
    """Who gets step 4 (bot/services/volunteers.py), each with their own language."""

    async def coordinators_to_alert(
        self, conn: aiosqlite.Connection
    ) -> list[tuple[int, Translator]]: ...


# ---------------------------------------------------------------- the ladder


@dataclass
class LadderReport:
    nudged: int = 0
    tasks: int = 0
    contacts: int = 0
    coordinators: int = 0


class SafetyNet:
    def __init__(
        self,
        db: Database,
        clock: Clock,
        outbox: Outbox,
        counts: Counts,
        catalogs: Catalogs,
        policy: CheckinPolicy,
        desk: MissedCheckinDesk,
        coordinators: Coordinators,
    ) -> None:
        self._db = db
        self._clock = clock
        self._outbox = outbox
        self._counts = counts
        self._catalogs = catalogs
        self.policy = policy
        self.desk = desk
        self._coordinators = coordinators

    async def climb(self) -> LadderReport:
        """Every step that is due, in order (the scheduler's slow tick)."""
        report = LadderReport(nudged=await self.nudge_tick(), tasks=await self.task_tick())
        if not self.policy.quiet.contains(self._clock().astimezone(self.policy.zone).time()):
            report.contacts, report.coordinators = await self.contact_tick()
        return report

    # -------------------------------------------------------- step 1

    async def nudge_tick(self) -> int:
        """One gentle reminder per unanswered check-in, well before the safety window."""
        now = self._clock()
        if self.policy.nudge_after >= self.policy.safety_window:
            return 0  # the volunteer's call would come first: no nudge
        if self.policy.quiet.contains(now.astimezone(self.policy.zone).time()):
            return 0
        cutoff = to_iso(now - self.policy.nudge_after)
        too_late = to_iso(now - self.policy.safety_window)
        nudged = 0
        for row in await self._db.fetchall(NUDGE_SQL, (cutoff, BATCH)):
            if row["sent_at"] is None or not too_late < row["sent_at"] <= cutoff:
                continue  # delivered less than nudge_after ago, or the volunteer is next
            t = self._catalogs.get(str(row["language"]))
            message = nudge_message(t, str(row["first_name"]), from_iso(row["slot"]))
            async with self._db.transaction() as conn:
                if not await self._record(conn, int(row["id"]), Step.NUDGE):
                    continue
                await self._outbox.enqueue(
                    NewRow(
                        int(row["telegram_id"]),
                        message,
                        kind=NUDGE,
                        ref=f"checkin-nudge:{row['id']}",
                        dedupe_key=f"checkin-nudge:{row['id']}",
                    ),
                    conn,
                )
            nudged += 1
        if nudged:
            await self._counts.bump("safety_step_nudge", nudged)
        return nudged

    # -------------------------------------------------------- step 2

    async def task_tick(self) -> int:
        """Open one "missed check-in" task per unanswered check-in past the window.

        The task is made before the check-in is marked, so a crash in between
        repeats the attempt; the desk then finds the task already open.
        """
        now = self._clock()
        cutoff = to_iso(now - self.policy.safety_window)
        opened = undelivered_climbs = 0
        for row in await self._db.fetchall(WATCH_SQL, (cutoff, BATCH)):
            decision = _escalation(row, cutoff)
            if decision is None:
                continue  # delivered less than a window ago, or still on its way
            task_id: int | None = None
            undelivered = row["delivery"] in UNDELIVERED
            if decision == "task" and undelivered:
                hold = await hold_for(
                    self._db, int(row["telegram_id"]), str(row["slot"]), str(row["delivery"])
                )
                if hold is not None:
                    await self._hold(row, hold)
                    continue
            if decision == "task":
                made = await self.desk.open_missed_checkin(
                    int(row["telegram_id"]), str(row["phone"]), undelivered=undelivered
                )
                if made is None:
                    decision = "dropped"
                else:
                    task_id, new = made
                    decision = "task" if new else "existing"
                    opened += new
            async with self._db.transaction() as conn:
                await conn.execute(
                    "UPDATE checkin_sends SET escalation = ?, task_id = ?, escalated_at = ?"
                    " WHERE id = ? AND escalation IS NULL",
                    (decision, task_id, to_iso(now), row["id"]),
                )
                if task_id is not None:
                    await self._record(conn, int(row["id"]), Step.TASK)
            undelivered_climbs += undelivered and task_id is not None
        if opened:
            await self._counts.bump("checkins_escalated", opened)
        if undelivered_climbs:
            await self._counts.bump("checkins_undelivered", undelivered_climbs)
        return opened

    async def _hold(self, row: sqlite3.Row, hold: Hold) -> None:
        """Another check-in that cannot reach them the same way, and no word from them
        since (``unreachable.py``): the earlier call covers it. At the first such one
        the coordinators hear, once, that check-ins cannot reach this resident."""
        send_id = int(row["id"])
        async with self._db.transaction() as conn:
            await conn.execute(
                "UPDATE checkin_sends SET escalation = ?, task_id = ?, escalated_at = ?"
                " WHERE id = ? AND escalation IS NULL",
                (HELD, hold.task_id, to_iso(self._clock()), send_id),
            )
            if hold.first and await self._record(conn, send_id, Step.COORDINATORS):
                name = str(row["first_name"])
                await self._to_coordinators(
                    conn,
                    send_id,
                    lambda t: unreachable_text(t, name),
                    topic="unreachable",
                    priority=Priority.NORMAL,  # no alarm: a call was made already
                )
        await self._counts.bump("checkins_held")

    # -------------------------------------------------------- steps 3 and 4

    async def contact_tick(self) -> tuple[int, int]:
        """Tell the emergency contact (or the coordinators) where the volunteer could not."""
        now = self._clock()
        told = alerted = 0
        for row in await self._db.fetchall(CLIMB_SQL, (to_iso(now - CLIMB_HORIZON),)):
            reason = await self._why_climb(row, now)
            if reason is None:
                continue
            if row["contact_id"] is not None:
                told += await self._tell_contact(row)
            else:
                alerted += await self._alert(row, reason, has_contact=False)
        for row in await self._db.fetchall(
            SILENT_CONTACT_SQL, (to_iso(now - self.policy.escalate_after),)
        ):
            alerted += await self._alert(row, "contact_silent", has_contact=True)
        if told:
            await self._counts.bump("safety_step_contact", told)
        if alerted:
            await self._counts.bump("safety_step_coordinators", alerted)
        return told, alerted

    async def _why_climb(self, row: sqlite3.Row, now: datetime) -> str | None:
        """ "no_answer" or "unclaimed" when step 3 is due for this check-in, else None."""
        state = await self.desk.task_state(int(row["task_id"]))
        if state is None:
            return None
        if state.no_answers >= NO_ANSWERS_TO_CLIMB:
            return "no_answer"
        since = max(from_iso(row["escalated_at"]), state.starts)
        if state.waiting and now - since >= self.policy.escalate_after:
            return "unclaimed"
        return None  # a volunteer has it, reached them, or it was withdrawn

    async def _tell_contact(self, row: sqlite3.Row) -> int:
        send_id = int(row["id"])
        t = self._catalogs.get(str(row["contact_language"] or row["language"]))
        async with self._db.transaction() as conn:
            if not await self._record(conn, send_id, Step.CONTACT):
                return 0
            await self._outbox.enqueue(
                NewRow(
                    int(row["contact_id"]),
                    contact_message(t, str(row["first_name"]), send_id),
                    kind="safety-contact",
                    ref=f"safety:{send_id}:contact",
                    dedupe_key=f"safety:{send_id}:contact",
                    priority=Priority.URGENT,
                ),
                conn,
            )
        return 1

    async def _alert(self, row: sqlite3.Row, reason: str, *, has_contact: bool) -> int:
        send_id = int(row["id"])
        async with self._db.transaction() as conn:
            if not await self._record(conn, send_id, Step.COORDINATORS):
                return 0
            name, undelivered = str(row["first_name"]), row["delivery"] in UNDELIVERED
            await self._to_coordinators(
                conn,
                send_id,
                lambda t: coordinator_text(t, name, reason, has_contact, undelivered=undelivered),
                topic="coordinators",
                priority=Priority.URGENT,
            )
        return 1

    async def _to_coordinators(
        self,
        conn: aiosqlite.Connection,
        send_id: int,
        text: Callable[[Translator], str],
        *,
        topic: str,
        priority: int,
    ) -> None:
        """One message about this check-in to each coordinator, in their own language."""
        for coordinator, t in await self._coordinators.coordinators_to_alert(conn):
            await self._outbox.enqueue(
                NewRow(
                    coordinator,
                    OutMessage(text(t)),
                    kind="alert",
                    ref=f"safety:{send_id}:{topic}",
                    dedupe_key=f"safety:{send_id}:{topic}:{coordinator}",
                    priority=priority,
                ),
                conn,
            )

    # -------------------------------------------------------- the contact answers

    async def contact_answered(self, contact_id: int, send_id: int, step: Step) -> str | None:
        """Record "all is well" or "I will go and look"; the resident's first name, or None
        when this check-in was not theirs to answer (or was answered already)."""
        row = await self._db.fetchone(CONTACT_OF_SEND_SQL, (send_id, contact_id))
        if row is None:
            return None
        async with self._db.transaction() as conn:
            recorded = await self._record(conn, send_id, step)
        if not recorded:
            return None
        await self._counts.bump(f"safety_contact_{step.value}")
        if step is Step.WELL and row["escalation"] == "task":
            await self.desk.cancel_missed_checkin(int(row["task_id"]), int(row["telegram_id"]))
        return str(row["first_name"])

    async def open_alert(self, contact_id: int) -> tuple[int, str] | None:
        """(check-in id, the resident's first name) of the newest message this contact
        got at step 3 and has not answered, if the climb is still on; else None."""
        row = await self._db.fetchone(
            OPEN_ALERT_SQL, (contact_id, to_iso(self._clock() - CLIMB_HORIZON))
        )
        return None if row is None else (int(row["id"]), str(row["first_name"]))

    async def resident_answered(self, telegram_id: int, slot: datetime) -> bool:
        """A late answer after the contact was told: tell them too, so nobody worries
        longer than needed. True when a contact was told."""
        row = await self._db.fetchone(TOLD_CONTACT_SQL, (telegram_id, to_iso(slot)))
        if row is None:
            return False
        send_id = int(row["id"])
        t = self._catalogs.get(str(row["contact_language"] or "nl"))
        text = t._(
            "Good news: %(name)s has just answered Samen's message. Thank you for being there.",
            name=html.escape(str(row["first_name"])),
        )
        async with self._db.transaction() as conn:
            if not await self._record(conn, send_id, Step.ANSWERED):
                return False
            await self._outbox.enqueue(
                NewRow(
                    int(row["contact_id"]),
                    OutMessage(text),
                    kind="safety-contact",
                    ref=f"safety:{send_id}:answered",
                    dedupe_key=f"safety:{send_id}:answered",
                    priority=Priority.URGENT,
                ),
                conn,
            )
        return True

    async def steps_of(self, send_id: int) -> list[Step]:
        rows = await self._db.fetchall(
            "SELECT step FROM safety_steps WHERE send_id = ? ORDER BY id", (send_id,)
        )
        return [Step(r[0]) for r in rows]

    async def _record(self, conn: aiosqlite.Connection, send_id: int, step: Step) -> bool:
        """Note that this check-in reached ``step``; False if it had already."""
        cursor = await conn.execute(
            "INSERT INTO safety_steps (send_id, telegram_id, step, reached_at)"
            " SELECT id, telegram_id, ?, ? FROM checkin_sends WHERE id = ?"
            " ON CONFLICT (send_id, step) DO NOTHING",
            (step.value, to_iso(self._clock()), send_id),
        )
        changed = cursor.rowcount == 1
        await cursor.close()
        return changed


def _escalation(row: sqlite3.Row, cutoff: str) -> str | None:
    """What the net does with an unanswered check-in now: "task", "dropped", or None
    (not yet). One that could not be delivered counts as unanswered: it climbs at the
    same moment, as nobody can answer a message that never came."""
    delivery = row["delivery"]
    if delivery in ("pending", "sending"):
        return None
    if delivery != "sent" and delivery not in UNDELIVERED:
        return "dropped"  # long gone
    if row["sent_at"] is not None and row["sent_at"] > cutoff:
        return None
    if not row["net_now"] or not row["phone"] or row["status"] not in NET_STATUSES:
        return "dropped"  # they switched the safety net or messages off since
    return "task"
