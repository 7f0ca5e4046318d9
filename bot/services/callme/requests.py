"""Call-back requests: a resident asks for a phone call, a volunteer takes it and calls.

A request is a task. Its life: open -> claimed (one volunteer, atomically) ->
closed with an outcome, or back to open when released, or cancelled by the
resident. Everything the change tells someone (volunteers, the resident,
coordinators) is enqueued in the outbox inside the same transaction, with a
dedupe key, so a restart or crash never loses or doubles a notification.

Only the volunteer who claimed a task gets the resident's name and phone number:
offers say when, in which language and about what, so a volunteer can choose.
"""

from __future__ import annotations

import functools
import html
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

import aiosqlite
from babel.dates import format_timedelta

from bot.clock import Clock, from_iso, to_iso
from bot.config import Settings
from bot.db import Database
from bot.i18n import N_, Catalogs, Translator
from bot.services.callme.phones import (
    callable_phone,
    contact_phone,
    normalise_phone,
)
from bot.services.counts import Counts
from bot.services.outbox import Button, NewRow, Outbox, OutMessage, Priority
from bot.services.volunteers import Volunteers

NO_ANSWER_LIMIT = 3
# A volunteer coming on duty is offered at most this many waiting tasks (the oldest).
OFFERS_ON_DUTY = 10
MAX_NOTE_LENGTH = 500
# A moment is offered only while at least this much of it is left, so a
# volunteer has time to see the task and call.
MIN_LEAD = timedelta(hours=1)

# Callback data on the buttons the services send; bot/buttons.py parses it.
TASK_CLAIM = "task:claim:{id}"
TASK_SHOW = "task:show:{id}"
# A volunteer's /tasks list names at most this many of their own tasks, so that it
# stays one message that can be kept up to date.
MY_TASKS_LISTED = 40
WAITING_LISTED = 10


class Topic(StrEnum):
    CHAT = "chat"
    PRACTICAL = "practical"
    ACTIVITIES = "activities"
    WORRIED = "worried"
    MISSED_CHECKIN = "missed_checkin"  # made by the check-ins' safety net, not chosen


TOPIC_LABELS: dict[Topic, str] = {
    Topic.CHAT: N_("☕ Just a chat"),
    Topic.PRACTICAL: N_("🧾 A practical question"),
    Topic.ACTIVITIES: N_("🎨 Activities"),
    Topic.WORRIED: N_("💛 Worried about someone"),
    Topic.MISSED_CHECKIN: N_("🛟 Did not answer a check-in"),
}
# What a resident can choose when asking for a call.
RESIDENT_TOPICS = (Topic.CHAT, Topic.PRACTICAL, Topic.ACTIVITIES, Topic.WORRIED)


class TaskStatus(StrEnum):
    OPEN = "open"
    CLAIMED = "claimed"
    CLOSED = "closed"
    CANCELLED = "cancelled"


class CallOutcome(StrEnum):
    REACHED = "reached"
    NO_ANSWER = "no_answer"
    FOLLOW_UP = "follow_up"
    REFERRED = "referred"


OUTCOME_LABELS: dict[CallOutcome, str] = {
    CallOutcome.REACHED: N_("✅ Reached"),
    CallOutcome.NO_ANSWER: N_("📵 No answer"),
    CallOutcome.FOLLOW_UP: N_("🔁 Needs follow-up"),
    CallOutcome.REFERRED: N_("🤝 Referred to a partner"),
}


class DayPart(StrEnum):
    MORNING = "m"
    AFTERNOON = "a"
    EVENING = "e"


PART_HOURS: dict[DayPart, tuple[time, time]] = {
    DayPart.MORNING: (time(9), time(12)),
    DayPart.AFTERNOON: (time(12), time(17)),
    DayPart.EVENING: (time(17), time(20)),
}

MOMENT_LABELS: dict[tuple[int, DayPart], str] = {
    (0, DayPart.MORNING): N_("This morning"),
    (0, DayPart.AFTERNOON): N_("This afternoon"),
    (0, DayPart.EVENING): N_("This evening"),
    (1, DayPart.MORNING): N_("Tomorrow morning"),
    (1, DayPart.AFTERNOON): N_("Tomorrow afternoon"),
    (1, DayPart.EVENING): N_("Tomorrow evening"),
}


@dataclass(frozen=True)
class Moment:
    """A window in which the resident would like to be called."""

    day: date  # local date
    offset: int  # 0 today, 1 tomorrow (as seen when offered)
    part: DayPart
    start: datetime  # aware, UTC
    end: datetime

    @property
    def key(self) -> str:
        return f"{self.day:%Y%m%d}{self.part.value}"


@dataclass(frozen=True)
class CallPolicy:
    """The settings call-backs follow; the defaults are the documented ones."""

    zone: ZoneInfo = field(default_factory=lambda: ZoneInfo("Europe/Amsterdam"))
    daytime: tuple[time, time] = (time(8), time(21))
    escalate_after: timedelta = timedelta(hours=2)
    retention: timedelta = timedelta(days=30)
    regions: tuple[str, ...] = ("NL",)

    @classmethod
    def from_settings(cls, settings: Settings) -> CallPolicy:
        return cls(
            zone=settings.zone,
            daytime=settings.daytime_hours,
            escalate_after=settings.task_escalate_after,
            retention=timedelta(days=settings.phone_retention_days),
            regions=settings.call_regions,
        )


@dataclass(frozen=True)
class Task:
    id: int
    resident_id: int | None
    resident_name: str
    language: str
    phone: str | None
    moment_start: datetime
    moment_end: datetime
    topic: Topic | None
    status: TaskStatus
    volunteer_id: int | None
    volunteer_name: str
    outcome: CallOutcome | None
    no_answers: int
    note: str | None
    round: int
    created_at: datetime
    opened_at: datetime
    closed_at: datetime | None

    @classmethod
    def from_row(cls, row: sqlite3.Row) -> Task:
        return cls(
            id=int(row["id"]),
            resident_id=row["resident_id"],
            resident_name=str(row["resident_name"] or ""),
            language=str(row["language"]),
            phone=row["phone"],
            moment_start=from_iso(row["moment_start"]),
            moment_end=from_iso(row["moment_end"]),
            topic=Topic(row["topic"]) if row["topic"] else None,
            status=TaskStatus(row["status"]),
            volunteer_id=row["volunteer_id"],
            volunteer_name=str(row["volunteer_name"] or ""),
            outcome=CallOutcome(row["outcome"]) if row["outcome"] else None,
            no_answers=int(row["no_answers"]),
            note=row["note"],
            round=int(row["round"]),
            created_at=from_iso(row["created_at"]),
            opened_at=from_iso(row["opened_at"]),
            closed_at=from_iso(row["closed_at"]) if row["closed_at"] else None,
        )


class Withdrawal(StrEnum):
    """Why a task's name and number are taken out of a volunteer's chat."""

    CANCELLED = "cancelled"
    WITHDRAWN = "withdrawn"  # the resident deleted their data
    GIVEN_BACK = "given_back"
    ENDED = "ended"  # the volunteer's volunteering ended; the task went to the others
    PURGED = "purged"  # SAMEN_PHONE_RETENTION_DAYS after the task closed
    LEFT = "left"  # the volunteer deleted their own data


# What a message that showed a task's details says once they are taken out.
CLEARED_TEXTS: dict[Withdrawal, str] = {
    Withdrawal.LEFT: N_(
        "Call-back request #%(id)s: the name and number have been removed, "
        "because you deleted your data."
    ),
    Withdrawal.CANCELLED: N_(
        "Call-back request #%(id)s was cancelled. No need to call. "
        "The name and number have been removed."
    ),
    Withdrawal.WITHDRAWN: N_(
        "Call-back request #%(id)s was withdrawn. No need to call. "
        "The name and number have been removed."
    ),
    Withdrawal.GIVEN_BACK: N_(
        "↩️ You gave call-back request #%(id)s back. The other volunteers can take it now."
    ),
    Withdrawal.ENDED: N_(
        "Call-back request #%(id)s went back to the other volunteers. "
        "The name and number have been removed."
    ),
    Withdrawal.PURGED: N_(
        "Call-back request #%(id)s was closed some time ago. "
        "For privacy, the name and number have been removed."
    ),
}


class Problem(StrEnum):
    NOT_RESIDENT = "not_resident"  # no consent: nothing may be stored
    INVALID_PHONE = "invalid_phone"
    MOMENT_PASSED = "moment_passed"
    ALREADY_OPEN = "already_open"


class RequestRefused(Exception):
    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.value)
        self.problem = problem


class ClaimResult(StrEnum):
    CLAIMED = "claimed"
    ALREADY_YOURS = "already_yours"
    TAKEN = "taken"  # someone else was first
    GONE = "gone"  # cancelled, closed or erased
    NOT_ALLOWED = "not_allowed"  # not (or no longer) a volunteer


class OutcomeResult(StrEnum):
    CLOSED = "closed"
    TRY_AGAIN = "try_again"  # no answer, fewer than NO_ANSWER_LIMIT times
    GAVE_UP = "gave_up"  # the last "no answer": closed, coordinators alerted
    NOT_YOURS = "not_yours"
    TOO_EARLY = "too_early"  # "no answer" before the moment the resident chose


_SELECT = (
    "SELECT t.*, r.first_name AS resident_name, v.first_name AS volunteer_name"
    " FROM call_requests t"
    " LEFT JOIN residents r ON r.telegram_id = t.resident_id"
    " LEFT JOIN volunteers v ON v.telegram_id = t.volunteer_id"
)
_OPEN = _SELECT + " WHERE t.status = 'open' ORDER BY t.opened_at, t.id LIMIT ?"
_HELD = _SELECT + " WHERE t.status = 'claimed' AND t.volunteer_id = ? ORDER BY t.moment_start"


# ---------------------------------------------------------------------- pure helpers


def _local(day: date, moment: time, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, moment, tzinfo=zone).astimezone(UTC)


def moments_ahead(now: datetime, zone: ZoneInfo, daytime: tuple[time, time]) -> list[Moment]:
    """Today's and tomorrow's parts of the day that are still ahead, within daytime."""
    today = now.astimezone(zone).date()
    found: list[Moment] = []
    for offset in (0, 1):
        day = today + timedelta(days=offset)
        for part, (start, end) in PART_HOURS.items():
            start, end = max(start, daytime[0]), min(end, daytime[1])
            if start >= end:
                continue
            moment = Moment(day, offset, part, _local(day, start, zone), _local(day, end, zone))
            if now + MIN_LEAD <= moment.end:
                found.append(moment)
    return found


def daytime_between(
    start: datetime, end: datetime, zone: ZoneInfo, daytime: tuple[time, time]
) -> timedelta:
    """How much of [start, end) falls within daytime hours (local time, DST-aware)."""
    total = timedelta()
    day = start.astimezone(zone).date()
    last = end.astimezone(zone).date()
    while day <= last:
        overlap = min(end, _local(day, daytime[1], zone)) - max(
            start, _local(day, daytime[0], zone)
        )
        if overlap > timedelta():
            total += overlap
        day += timedelta(days=1)
    return total


def moment_text(t: Translator, start: datetime, end: datetime) -> str:
    """'tomorrow, 12:00–17:00' or 'Saturday 28 November, 12:00–17:00', in the reader's language."""
    return t._(
        "%(day)s, %(start)s–%(end)s",
        day=t.day(start),
        start=t.time(start),
        end=t.time(end),
    )


def task_list(t: Translator, mine: list[Task], waiting: list[Task], now: datetime) -> OutMessage:
    """A volunteer's /tasks: their own tasks and the waiting ones, each with its button."""
    listed = mine[:MY_TASKS_LISTED]
    lines = [t._("<b>Your tasks</b>")]
    lines += [
        t._(
            "• #%(id)s – %(moment)s",
            id=task.id,
            moment=moment_text(t, task.moment_start, task.moment_end),
        )
        for task in listed
    ] or [t._("None right now.")]
    if len(mine) > len(listed):
        lines.append(t._("…and %(n)s more.", n=len(mine) - len(listed)))
    lines += ["", t._("<b>Waiting for a volunteer</b>")]
    lines += [
        t._(
            "• #%(id)s – speaks %(language)s – waiting %(age)s",
            id=task.id,
            language=t.language_name(task.language),
            age=format_timedelta(now - task.opened_at, locale=t.locale),
        )
        for task in waiting
    ] or [t._("Nobody is waiting. Thank you!")]
    rows = [
        (Button(t._("📞 #%(id)s: details", id=task.id), TASK_SHOW.format(id=task.id)),)
        for task in listed
    ]
    rows += [
        (Button(t._("🙋 Take #%(id)s", id=task.id), TASK_CLAIM.format(id=task.id)),)
        for task in waiting
    ]
    return OutMessage("\n".join(lines), tuple(rows))


# ---------------------------------------------------------------------- the service


class CallRequests:
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

    # ------------------------------------------------------------------ moments

    def moments(self) -> list[Moment]:
        return moments_ahead(self._clock(), self.policy.zone, self.policy.daytime)

    def moment(self, key: str) -> Moment | None:
        """The moment with this key if it is still offered now (else it passed, or is forged)."""
        return next((m for m in self.moments() if m.key == key), None)

    # ------------------------------------------------------------------ residents

    def check_phone(self, text: str) -> str:
        """A typed number volunteers may call (E.164), or ``PhoneRefused`` with the reason."""
        return callable_phone(text, self.policy.regions)

    def check_contact(self, raw: str) -> str:
        """A shared contact's number volunteers may call, or ``PhoneRefused``."""
        return contact_phone(raw, self.policy.regions)

    async def open_request(self, resident_id: int) -> Task | None:
        row = await self._db.fetchone(
            _SELECT + " WHERE t.resident_id = ? AND t.status IN ('open', 'claimed')",
            (resident_id,),
        )
        return Task.from_row(row) if row else None

    async def create_request(
        self, resident_id: int, phone: str, moment_key: str, topic: Topic | None
    ) -> Task:
        """Store a request and offer it to every volunteer on duty.

        Also the way in for other journeys ("I'd rather not go alone" creates one
        with ``Topic.ACTIVITIES``). Raises ``RequestRefused`` with the reason.
        """
        number = normalise_phone(phone, self.policy.regions)
        if number is None:
            raise RequestRefused(Problem.INVALID_PHONE)
        moment = self.moment(moment_key)
        if moment is None:
            raise RequestRefused(Problem.MOMENT_PASSED)
        now = to_iso(self._clock())
        async with self._db.transaction() as conn:
            rows = await conn.execute_fetchall(
                "SELECT language FROM residents WHERE telegram_id = ?", (resident_id,)
            )
            resident = next(iter(rows), None)
            if resident is None:
                raise RequestRefused(Problem.NOT_RESIDENT)
            try:
                cursor = await conn.execute(
                    "INSERT INTO call_requests (resident_id, language, phone, moment_start,"
                    " moment_end, topic, created_at, opened_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        resident_id,
                        str(resident[0]),
                        number,
                        to_iso(moment.start),
                        to_iso(moment.end),
                        topic.value if topic else None,
                        now,
                        now,
                    ),
                )
            except sqlite3.IntegrityError:
                raise RequestRefused(Problem.ALREADY_OPEN) from None
            task_id = int(cursor.lastrowid or 0)
            await cursor.close()
            await self._offer(conn, await self._get(conn, task_id))
            await self._refresh_lists(conn)
        await self._counts.bump("call_requests_requested")
        task = await self.get(task_id)
        assert task is not None
        return task

    async def cancel(self, task_id: int, resident_id: int) -> Task | None:
        """The resident withdraws their own open request; None if it is not theirs or open."""
        now = to_iso(self._clock())
        async with self._db.transaction() as conn:
            cursor = await conn.execute(
                "UPDATE call_requests SET status = 'cancelled', closed_at = ?"
                " WHERE id = ? AND resident_id = ? AND status IN ('open', 'claimed')",
                (now, task_id, resident_id),
            )
            changed = cursor.rowcount == 1
            await cursor.close()
            if not changed:
                return None
            task = await self._get(conn, task_id)
            await self._settle_offers(
                conn,
                task,
                lambda t, _r: t._(
                    "Call-back request #%(id)s was cancelled. No need to call.", id=task.id
                ),
            )
            await self._clear_details(conn, task.id, Withdrawal.CANCELLED)
            await self._refresh_lists(conn)
            if task.volunteer_id is not None:
                t = self._catalogs.get(await self._volunteers.language_of(conn, task.volunteer_id))
                await self._outbox.enqueue(
                    NewRow(
                        task.volunteer_id,
                        OutMessage(
                            t._(
                                "The resident cancelled call-back request #%(id)s. "
                                "No need to call. Thank you!",
                                id=task.id,
                            )
                        ),
                        kind="task",
                        ref=f"task:{task.id}:volunteer",
                        dedupe_key=f"task:{task.id}:cancelled:volunteer",
                    ),
                    conn,
                )
        await self._counts.bump("call_requests_cancelled")
        return task

    # ------------------------------------------------------------------ volunteers

    async def get(self, task_id: int) -> Task | None:
        row = await self._db.fetchone(_SELECT + " WHERE t.id = ?", (task_id,))
        return Task.from_row(row) if row else None

    async def task_for(self, task_id: int, volunteer_id: int) -> Task | None:
        """The task with its details, only for the volunteer who holds (or closed) it."""
        row = await self._db.fetchone(
            _SELECT + " WHERE t.id = ? AND t.volunteer_id = ? AND t.purged_at IS NULL",
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
            rows = await conn.execute_fetchall(_SELECT + " WHERE t.id = ?", (task_id,))
            row = next(iter(rows), None)
            task = Task.from_row(row) if row else None
            if task is None:
                return ClaimResult.GONE, None
            if not won:
                return _why_not_claimed(task, volunteer_id), (
                    task if task.volunteer_id == volunteer_id else None
                )
            name = task.volunteer_name or "?"
            await self._settle_offers(
                conn,
                task,
                lambda t, recipient: (
                    t._("✅ You took call-back request #%(id)s.", id=task.id)
                    if recipient == volunteer_id
                    else t._(
                        "Call-back request #%(id)s was taken by %(name)s. Thank you!",
                        id=task.id,
                        name=html.escape(name),
                    )
                ),
            )
            await self._refresh_lists(conn)
            await self._tell_resident(
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
                _SELECT + " WHERE t.id = ? AND t.status = 'claimed' AND t.volunteer_id = ?",
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
                _SELECT + " WHERE t.status = 'claimed' AND t.volunteer_id = ? ORDER BY t.id",
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
        await self._clear_details(conn, before.id, why)
        await conn.execute(
            "UPDATE call_requests SET status = 'open', volunteer_id = NULL,"
            " claimed_at = NULL, opened_at = ?, round = round + 1,"
            " unclaimed_alerted_at = NULL WHERE id = ?",
            (to_iso(self._clock()), before.id),
        )
        await self._offer(conn, await self._get(conn, before.id), skip=before.volunteer_id)
        await self._refresh_lists(conn)
        await self._tell_resident(
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
            mine = "WHERE id = ? AND status = 'claimed' AND volunteer_id = ?"
            if outcome is CallOutcome.NO_ANSWER:
                # Not answering before the moment they chose is no "no answer": the
                # resident would hear at night that a volunteer "just called".
                held = await conn.execute_fetchall(
                    "SELECT moment_start FROM call_requests " + mine, (task_id, volunteer_id)
                )
                early = next(iter(held), None)
                if early is not None and str(early[0]) > now:
                    return OutcomeResult.TOO_EARLY, await self._get(conn, task_id)
                rows = await conn.execute_fetchall(
                    "UPDATE call_requests SET no_answers = no_answers + 1 "
                    + mine
                    + " RETURNING no_answers",
                    (task_id, volunteer_id),
                )
                row = next(iter(rows), None)
                if row is None:
                    return OutcomeResult.NOT_YOURS, None
                if int(row[0]) < NO_ANSWER_LIMIT:
                    tried = await self._get(conn, task_id)
                    await self._tell_resident(
                        conn,
                        tried,
                        f"task:{task_id}:noanswer:{tried.no_answers}",
                        functools.partial(_tried_text, name=tried.volunteer_name or "?"),
                    )
                    return OutcomeResult.TRY_AGAIN, tried
            cursor = await conn.execute(
                "UPDATE call_requests SET status = 'closed', outcome = ?, closed_at = ? " + mine,
                (outcome.value, now, task_id, volunteer_id),
            )
            changed = cursor.rowcount == 1
            await cursor.close()
            if not changed:
                return OutcomeResult.NOT_YOURS, None
            task = await self._get(conn, task_id)
            await self._refresh_lists(conn)
            if outcome is CallOutcome.NO_ANSWER:
                await self._alert(
                    conn,
                    f"task:{task.id}:noanswer",
                    lambda t: t._(
                        "📵 <b>Call-back request #%(id)s: no answer three times</b>\n\n"
                        "%(name)s tried to call %(n)s times. The request is closed. "
                        "Please decide if someone should look in on this resident.",
                        id=task.id,
                        name=html.escape(task.volunteer_name or "?"),
                        n=task.no_answers,
                    ),
                )
                await self._tell_resident(
                    conn,
                    task,
                    f"task:{task.id}:closed",
                    lambda t: t._(
                        "A volunteer tried to call you three times, but could not reach you. "
                        "Would you still like a call? Tap “📞 Call me” to ask again."
                    ),
                )
            else:
                if outcome is CallOutcome.FOLLOW_UP:
                    await self._alert(
                        conn,
                        f"task:{task.id}:followup",
                        lambda t: t._(
                            "🔁 <b>Call-back request #%(id)s needs follow-up</b>\n\n"
                            "%(name)s spoke with the resident. Type /tasks to see it.",
                            id=task.id,
                            name=html.escape(task.volunteer_name or "?"),
                        ),
                    )
                await self._tell_resident(
                    conn,
                    task,
                    f"task:{task.id}:closed",
                    lambda t: t._(
                        "Your call-back request is closed. Thank you for talking with us! "
                        "Would you like another call later? Tap “📞 Call me”."
                    ),
                )
        await self._counts.bump(f"call_requests_{outcome.value}")
        return (
            OutcomeResult.GAVE_UP if outcome is CallOutcome.NO_ANSWER else OutcomeResult.CLOSED
        ), task

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
            rows = await conn.execute_fetchall(_OPEN, (OFFERS_ON_DUTY,))
            waiting = [Task.from_row(row) for row in rows]
            for task in waiting:
                await self._offer_to(conn, task, volunteer_id, t)
        return len(waiting)

    async def open_tasks(self, limit: int = WAITING_LISTED) -> list[Task]:
        return [Task.from_row(r) for r in await self._db.fetchall(_OPEN, (limit,))]

    async def tasks_of(self, volunteer_id: int) -> list[Task]:
        return [Task.from_row(r) for r in await self._db.fetchall(_HELD, (volunteer_id,))]

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
                await self._edit_list(
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

    async def _refresh_lists(self, conn: aiosqlite.Connection) -> None:
        """Tasks changed: each volunteer's newest /tasks list is edited to show the truth."""
        lists = await conn.execute_fetchall(
            "SELECT l.chat_id, l.message_id, l.content FROM call_request_lists l"
            " JOIN roles ro ON ro.telegram_id = l.chat_id AND ro.role = 'volunteer'"
        )
        if not lists:
            return
        now = self._clock()
        waiting = [Task.from_row(r) for r in await conn.execute_fetchall(_OPEN, (WAITING_LISTED,))]
        for chat_id, message_id, content in lists:
            mine = [Task.from_row(r) for r in await conn.execute_fetchall(_HELD, (chat_id,))]
            t = self._catalogs.get(await self._volunteers.language_of(conn, chat_id))
            fresh = task_list(t, mine, waiting, now)
            if fresh.to_json() == content:
                continue  # Telegram refuses an edit that changes nothing
            await self._edit_list(conn, chat_id, message_id, fresh)
            await conn.execute(
                "UPDATE call_request_lists SET content = ? WHERE chat_id = ?",
                (fresh.to_json(), chat_id),
            )

    async def _edit_list(
        self, conn: aiosqlite.Connection, chat_id: int, message_id: int, shown: OutMessage
    ) -> None:
        """Edit a list message through the outbox; an edit of it still waiting is replaced."""
        ref = f"tasks:{chat_id}:{message_id}"
        pending = await conn.execute_fetchall(
            "SELECT id FROM outbox WHERE ref = ? AND status = 'pending'", (ref,)
        )
        await self._outbox.cancel_pending([int(r[0]) for r in pending], conn)
        await self._outbox.enqueue(
            NewRow(chat_id, shown, kind="task", ref=ref, edit_message_id=message_id), conn
        )

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
            _SELECT + " WHERE t.status IN ('open', 'claimed')"
            " OR (t.outcome = 'follow_up' AND t.closed_at >= ?)"
            " ORDER BY t.status = 'closed', t.created_at, t.id LIMIT ?",
            (since, limit),
        )
        return [Task.from_row(r) for r in rows]

    # ------------------------------------------------------------------ ticks

    async def escalate_unclaimed(self) -> int:
        """Alert coordinators, once per round, about tasks nobody took in time (daytime)."""
        now = self._clock()
        policy = self.policy
        candidates = await self._db.fetchall(
            "SELECT id, opened_at FROM call_requests WHERE status = 'open'"
            " AND unclaimed_alerted_at IS NULL AND opened_at <= ? ORDER BY opened_at",
            (to_iso(now - policy.escalate_after),),
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
                await self._alert(
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
                await self._clear_details(conn, int(row[0]), Withdrawal.PURGED)
        return len(purged)

    # ------------------------------------------------------------------ details shown

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
                await self._clear_details(conn, task_id, why)

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
                await self._clear_details(conn, int(row[0]), Withdrawal.WITHDRAWN)

    async def _clear_details(
        self, conn: aiosqlite.Connection, task_id: int, why: Withdrawal
    ) -> None:
        """Edit every remembered message with this task's details (through the outbox,
        so it survives a restart) to say why the name and number are gone."""
        rows = await conn.execute_fetchall(
            "SELECT chat_id, message_id FROM call_request_messages WHERE task_id = ?",
            (task_id,),
        )
        for chat_id, message_id in rows:
            t = self._catalogs.get(await self._volunteers.language_of(conn, chat_id))
            await self._outbox.enqueue(
                NewRow(
                    chat_id,
                    OutMessage(t._(CLEARED_TEXTS[why], id=task_id)),
                    kind="task",
                    ref=f"task:{task_id}:details",
                    dedupe_key=f"task:{task_id}:clear:{chat_id}:{message_id}",
                    priority=Priority.URGENT,
                    edit_message_id=message_id,
                ),
                conn,
            )
        await conn.execute("DELETE FROM call_request_messages WHERE task_id = ?", (task_id,))

    # ------------------------------------------------------------------ internals

    async def _get(self, conn: aiosqlite.Connection, task_id: int) -> Task:
        rows = await conn.execute_fetchall(_SELECT + " WHERE t.id = ?", (task_id,))
        return Task.from_row(next(iter(rows)))

    async def _offer(self, conn: aiosqlite.Connection, task: Task, skip: int | None = None) -> None:
        """Offer the task to every volunteer on duty; coordinators hear when there is none."""
        recipients = [(v, t) for v, t in await self._volunteers.on_duty(conn) if v != skip]
        for volunteer, t in recipients:
            await self._offer_to(conn, task, volunteer, t)
        if not recipients:
            await self._alert(
                conn,
                f"task:{task.id}:r{task.round}:noduty",
                lambda t: t._(
                    "⚠️ Call-back request #%(id)s came in, but no volunteer is on duty. "
                    "Type /tasks to see it.",
                    id=task.id,
                ),
            )

    async def _offer_to(
        self, conn: aiosqlite.Connection, task: Task, volunteer: int, t: Translator
    ) -> None:
        """One offer: when, language and topic, not yet who or which number (once per round)."""
        topic = task.topic
        text = t._(
            "📞 <b>New call-back request #%(id)s</b>\n\n"
            "When: %(moment)s\n"
            "Language: %(language)s\n"
            "%(topic)s\n"
            "Take it, and you will see the name and the number.",
            id=task.id,
            moment=moment_text(t, task.moment_start, task.moment_end),
            language=t.language_name(task.language),
            topic=t._("Topic: %(topic)s", topic=t._(TOPIC_LABELS[topic])) + "\n" if topic else "",
        )
        button = Button(t._("🙋 I'll take it"), TASK_CLAIM.format(id=task.id))
        await self._outbox.enqueue(
            NewRow(
                volunteer,
                OutMessage(text, ((button,),)),
                kind="task",
                ref=f"task:{task.id}:offer",
                dedupe_key=f"task:{task.id}:r{task.round}:offer:{volunteer}",
            ),
            conn,
        )

    async def _settle_offers(
        self,
        conn: aiosqlite.Connection,
        task: Task,
        text_for: Callable[[Translator, int], str],
    ) -> None:
        """Offers that are no longer true: cancel the unsent, edit the sent (no button)."""
        for outbox_id, recipient, status in await self._outbox.originals(
            f"task:{task.id}:offer", conn
        ):
            if status == "pending":
                await self._outbox.cancel_pending([outbox_id], conn)
            elif status in ("sending", "sent"):
                t = self._catalogs.get(await self._volunteers.language_of(conn, recipient))
                await self._outbox.enqueue_edit(
                    outbox_id,
                    NewRow(
                        recipient,
                        OutMessage(text_for(t, recipient)),
                        kind="task",
                        dedupe_key=f"task:{task.id}:r{task.round}:settle:{outbox_id}:{task.status}",
                    ),
                    conn,
                )

    async def _tell_resident(
        self,
        conn: aiosqlite.Connection,
        task: Task,
        dedupe_key: str,
        text_for: Callable[[Translator], str],
    ) -> None:
        """A message to the resident, unless they stopped messages or blocked the bot."""
        if task.resident_id is None:
            return
        rows = await conn.execute_fetchall(
            "SELECT language FROM residents WHERE telegram_id = ? AND status = 'active'",
            (task.resident_id,),
        )
        row = next(iter(rows), None)
        if row is None:
            return
        await self._outbox.enqueue(
            NewRow(
                task.resident_id,
                OutMessage(text_for(self._catalogs.get(str(row[0])))),
                kind="callback",
                ref=f"task:{task.id}:resident",
                dedupe_key=dedupe_key,
            ),
            conn,
        )

    async def _alert(
        self, conn: aiosqlite.Connection, key: str, text_for: Callable[[Translator], str]
    ) -> None:
        """One message per coordinator; the key (plus recipient) makes it once-only."""
        for coordinator, t in await self._volunteers.coordinators_to_alert(conn):
            await self._outbox.enqueue(
                NewRow(
                    coordinator,
                    OutMessage(text_for(t)),
                    kind="alert",
                    ref=key,
                    dedupe_key=f"{key}:{coordinator}",
                ),
                conn,
            )


def _tried_text(t: Translator, name: str) -> str:
    return t._(
        "📵 %(name)s, a volunteer, tried to call you just now, but could not reach you.\n\n"
        "%(name)s will try again later. The call may come from a number you do not know. "
        "Please answer it!\n\n"
        "Not convenient after all? Tap “📞 Call me” to see or cancel your request.",
        name=html.escape(name),
    )


def _unclaimed_text(t: Translator, task: Task, now: datetime) -> str:
    return t._(
        "⏰ <b>Call-back request #%(id)s is waiting</b>\n\n"
        "Nobody has taken it for %(age)s. The resident speaks %(language)s "
        "and would like a call: %(moment)s. Type /tasks to see all tasks.",
        id=task.id,
        age=format_timedelta(now - task.opened_at, locale=t.locale),
        language=t.language_name(task.language),
        moment=moment_text(t, task.moment_start, task.moment_end),
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
