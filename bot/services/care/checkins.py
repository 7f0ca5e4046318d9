"""Check-ins: a friendly "how are you?" on the resident's own schedule, with a safety net.

The database is the schedule. Each subscriber has one row holding their days,
a wall-clock time in the municipality's time zone, and ``next_due``: the UTC
moment of their next check-in. A tick reads what is due through an index, and
in one transaction per batch writes one ``checkin_sends`` row per (resident,
slot) (UNIQUE), queues the message in the outbox (dedupe key per slot) and
advances ``next_due``. A crash anywhere rolls the whole batch back, and running
it again cannot send twice.

Wall-clock arithmetic is done per local date, never by adding 24 hours: a 09:00
check-in stays at 09:00 across the daylight-saving Sundays; a time that does not
exist that day (spring forward) is sent once at the first valid moment after
the gap; a time that exists twice (fall back) is sent once, at its first
occurrence. Nothing is sent in quiet hours.

This module knows nothing of Telegram: buttons carry callback data in the
format ``bot/buttons.py`` accepts for the ``mood`` prefix.
"""

from __future__ import annotations

import asyncio
import html
import re
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from typing import Protocol
from zoneinfo import ZoneInfo

from bot.clock import Clock, from_iso, to_iso
from bot.config import Settings
from bot.db import Database
from bot.i18n import N_, Catalogs, Translator
from bot.services.callme.requests import CallRequests, Problem, RequestRefused, TaskStatus, Topic
from bot.services.counts import Counts
from bot.services.outbox import Button, NewRow, Outbox, OutMessage
from bot.services.quiet import QuietHours

EVERY_DAY = 0b1111111
WEEKDAYS = 0b0011111
BATCH = 500
# A typed "good" or "bad" is read as the answer to a check-in this recent.
TYPED_ANSWER_WINDOW = timedelta(hours=12)
# Check-in rows (moods) are kept this long for the person's own history, then purged;
# the numbers live on in anonymous daily counts.
SEND_RETENTION = timedelta(days=90)
MAX_PAUSE = timedelta(days=366)
TIME_PRESETS = (time(9, 0), time(10, 30), time(13, 0), time(16, 0), time(19, 0))


class Mood(StrEnum):
    GOOD = "good"
    OKAY = "okay"
    BAD = "bad"
    VERY_BAD = "very_bad"  # a crisis signal: 113 and 112 are shown first

    @property
    def stored(self) -> str:
        """The value in ``checkin_sends.mood``, whose CHECK (0005) knows three moods.

        "Very bad" is kept there as "bad" (it is one), and counted on its own in
        ``checkins_answered_very_bad``, so the counts still add up to the answers.
        """
        return Mood.BAD.value if self is Mood.VERY_BAD else self.value


MOOD_EMOJI = {Mood.GOOD: "🙂", Mood.OKAY: "😐", Mood.BAD: "🙁", Mood.VERY_BAD: "😢"}
MOOD_LABELS = {
    Mood.GOOD: N_("🙂 Good"),
    Mood.OKAY: N_("😐 So-so"),
    Mood.BAD: N_("🙁 Not good"),
    Mood.VERY_BAD: N_("😢 Very bad"),
}
# Two rows, so four labels stay readable on a small phone.
MOOD_ROWS = ((Mood.GOOD, Mood.OKAY), (Mood.BAD, Mood.VERY_BAD))

GREETINGS = {
    "morning": (
        N_("Good morning, %(name)s!"),
        N_("Good morning, %(name)s. I hope you slept well."),
        N_("Hello %(name)s, a good morning to you!"),
    ),
    "afternoon": (
        N_("Good afternoon, %(name)s!"),
        N_("Hello %(name)s, I am thinking of you this afternoon."),
        N_("Good afternoon, %(name)s. Nice to see you."),
    ),
    "evening": (
        N_("Good evening, %(name)s!"),
        N_("Hello %(name)s, I hope you had a good day."),
        N_("Good evening, %(name)s. Here I am again."),
    ),
}


def mood_data(slot: datetime, mood: Mood) -> str:
    """Callback data of a mood button: the slot (minutes since 1970, UTC) and the mood."""
    return f"mood:{slot_code(slot)}:{mood.value}"


def slot_code(slot: datetime) -> str:
    return str(int(slot.timestamp()) // 60)


def slot_from_code(code: str) -> datetime:
    return datetime.fromtimestamp(int(code) * 60, UTC)


# ---------------------------------------------------------------- the schedule


@dataclass(frozen=True)
class CheckinPolicy:
    zone: ZoneInfo = field(default_factory=lambda: ZoneInfo("Europe/Amsterdam"))
    quiet: QuietHours = field(default_factory=lambda: QuietHours(time(21, 0), time(8, 0)))
    grace: timedelta = timedelta(hours=2)
    safety_window: timedelta = timedelta(hours=3)
    desk_name: str = "WIJ Heemstede"
    desk_phone: str = "023 205 08 89"

    @classmethod
    def from_settings(cls, settings: Settings) -> CheckinPolicy:
        return cls(
            zone=settings.zone,
            quiet=QuietHours(*settings.quiet_hours_span),
            grace=settings.checkin_grace,
            safety_window=settings.safety_window,
            desk_name=settings.social_desk_name,
            desk_phone=settings.social_desk_phone,
        )

    def presets(self) -> tuple[time, ...]:
        """The offered times, minus any inside quiet hours."""
        return tuple(t for t in TIME_PRESETS if not self.quiet.contains(t))


_TIME = re.compile(r"(\d{1,2})(?:\s*[:.hu]\s*(\d{2})|(\d{2}))?\s*(?:uur|u|h|hrs?)?\.?")


def parse_time(text: str) -> time | None:
    """'9', '9:30', '09.30', '0930', '9u30', '14 uur', and as people say it: 'half tien',
    'kwart over negen', 'tien uur', "drie uur 's middags", '3 pm' -> a time; else None."""
    match = _TIME.fullmatch(text.strip().lower())
    if match is None:
        return _spoken_time(text)
    hour = int(match.group(1))
    minute = int(match.group(2) or match.group(3) or 0)
    if hour > 23 or minute > 59:
        return None
    return time(hour, minute)


_HOUR_WORDS = {
    word: number
    for number, words in enumerate(
        (
            ("een", "één", "one"),
            ("twee", "two"),
            ("drie", "three"),
            ("vier", "four"),
            ("vijf", "five"),
            ("zes", "six"),
            ("zeven", "seven"),
            ("acht", "eight"),
            ("negen", "nine"),
            ("tien", "ten"),
            ("elf", "eleven"),
            ("twaalf", "twelve"),
        ),
        start=1,
    )
    for word in words
}
_LATER = {"middags", "avonds", "pm", "afternoon", "evening"}
_FILLER = {
    "om", "uur", "rond", "ongeveer", "tegen", "s", "ochtends", "morgens", "at", "about",
    "around", "oclock", "o", "clock", "am", "in", "the", "morning", *_LATER,
}  # fmt: skip


def _spoken_time(text: str) -> time | None:
    """A time as people say it; "half tien" is 9:30, as in Dutch."""
    words = re.sub(r"[^a-z0-9éë ]", " ", text.lower().replace("'", "")).split()
    later = any(w in _LATER for w in words)
    said = [w for w in words if w not in _FILLER]

    def hour_of(word: str) -> int | None:
        number = int(word) if word.isdigit() else _HOUR_WORDS.get(word)
        return number if number is not None and 1 <= number <= 12 else None

    if len(said) == 2 and said[0] == "half" and (hour := hour_of(said[1])) is not None:
        hour, minute = hour - 1, 30
    elif len(said) == 3 and said[0] == "kwart" and (hour := hour_of(said[2])) is not None:
        if said[1] in ("over", "past"):
            minute = 15
        elif said[1] in ("voor", "to"):
            hour, minute = hour - 1, 45
        else:
            return None
    elif len(said) == 1 and (hour := hour_of(said[0])) is not None:
        minute = 0
    else:
        return None
    hour = 12 if hour == 0 else hour  # "half een" is half past twelve
    if later and hour < 12:
        hour += 12
    return time(hour, minute)


def slot_moment(day: date, at: time, zone: ZoneInfo) -> datetime:
    """The UTC moment of wall-clock ``at`` on local ``day``: once, even on DST Sundays.

    Ambiguous (fall back): the first occurrence. Nonexistent (spring forward): the
    first valid moment after the gap, i.e. the moment the clocks jumped.
    """
    local = datetime.combine(day, at, tzinfo=zone)  # fold=0: the first occurrence
    utc = local.astimezone(UTC)
    if utc.astimezone(zone).replace(tzinfo=None) == local.replace(tzinfo=None):
        return utc
    # In the gap: fold=1 maps to an instant before the jump, fold=0 to one after it.
    low = int(local.replace(fold=1).timestamp())
    high = int(utc.timestamp())
    wall = local.replace(tzinfo=None)
    while low < high:  # the first instant whose local wall time is at or past ``at``
        middle = (low + high) // 2
        if datetime.fromtimestamp(middle, zone).replace(tzinfo=None) >= wall:
            high = middle
        else:
            low = middle + 1
    return datetime.fromtimestamp(high, UTC)


def next_slot(
    days: int, at: time, zone: ZoneInfo, after: datetime, paused_until: date | None = None
) -> datetime:
    """The first slot strictly after ``after`` on a chosen day, not before ``paused_until``.

    Walks local dates, so each date has exactly one slot whatever the clocks do.
    """
    if not 1 <= days <= EVERY_DAY:
        raise ValueError("days must name at least one day")
    day = after.astimezone(zone).date()
    if paused_until is not None and paused_until > day:
        day = paused_until
    for offset in range(8):
        candidate = day + timedelta(days=offset)
        if days & (1 << candidate.weekday()):
            moment = slot_moment(candidate, at, zone)
            if moment > after:
                return moment
    raise AssertionError("a chosen day always comes within 8 days")


def time_text(at: time) -> str:
    return at.strftime("%H:%M")


# ---------------------------------------------------------------- the task desk


class MissedCheckinDesk(Protocol):
    """What the safety net needs from the call-back task desk (issue 4).

    ``open_missed_checkin`` opens a "missed check-in" call-back task for the
    resident and offers it to the volunteers. It returns (task id, True) for a new
    task, (task id, False) when the resident already has an open request (that
    one then covers the missed check-in, and no second task is made), or None
    when no task can be made (e.g. the resident is gone). Because a resident has
    at most one open request, calling it again after a crash makes no second task.
    ``task_is_open`` says whether a volunteer may still call; ``cancel_missed_checkin``
    withdraws the resident's task (True if it did).
    """

    async def open_missed_checkin(
        self, resident_id: int, phone: str
    ) -> tuple[int, bool] | None: ...

    async def task_is_open(self, task_id: int) -> bool: ...

    async def cancel_missed_checkin(self, task_id: int, resident_id: int) -> bool: ...


class CallDesk:
    """The safety net's view of the call-back service (bot/services/callme/requests.py)."""

    def __init__(self, call_requests: CallRequests) -> None:
        self._call_requests = call_requests

    async def open_missed_checkin(self, resident_id: int, phone: str) -> tuple[int, bool] | None:
        moments = self._call_requests.moments()  # the soonest part of the day a volunteer calls
        if not moments:
            return None
        try:
            task = await self._call_requests.create_request(
                resident_id, phone, moments[0].key, missed_checkin_topic()
            )
        except RequestRefused as refused:
            if refused.problem is not Problem.ALREADY_OPEN:
                return None
            existing = await self._call_requests.open_request(resident_id)
            return (existing.id, False) if existing else None
        return task.id, True

    async def task_is_open(self, task_id: int) -> bool:
        task = await self._call_requests.get(task_id)
        return task is not None and task.status in (TaskStatus.OPEN, TaskStatus.CLAIMED)

    async def cancel_missed_checkin(self, task_id: int, resident_id: int) -> bool:
        return await self._call_requests.cancel(task_id, resident_id) is not None


def missed_checkin_topic() -> Topic:
    """The call-back topic for a missed check-in.

    Issue 4 is asked to add ``Topic.MISSED_CHECKIN`` ("missed_checkin"); until it
    exists, the task is marked as "just a chat".
    """
    return next((topic for topic in Topic if topic.value == "missed_checkin"), Topic.CHAT)


# ---------------------------------------------------------------- the service


class QuietHoursError(ValueError):
    """The chosen time is inside quiet hours."""


@dataclass(frozen=True)
class Subscription:
    telegram_id: int
    days: int
    local_time: time | None  # None while being set up
    paused_until: date | None
    safety_net: bool
    phone: str | None
    next_due: datetime | None

    @property
    def complete(self) -> bool:
        return self.local_time is not None and self.next_due is not None

    @classmethod
    def from_row(cls, row: sqlite3.Row) -> Subscription:
        return cls(
            telegram_id=int(row["telegram_id"]),
            days=int(row["days"]),
            local_time=time.fromisoformat(row["local_time"]) if row["local_time"] else None,
            paused_until=date.fromisoformat(row["paused_until"]) if row["paused_until"] else None,
            safety_net=bool(row["safety_net"]),
            phone=row["phone"],
            next_due=from_iso(row["next_due"]) if row["next_due"] else None,
        )


@dataclass
class TickReport:
    sent: int = 0
    missed: int = 0
    quiet: int = 0
    inactive: int = 0


@dataclass(frozen=True)
class Answer:
    """What happened when a resident answered a check-in."""

    mood: Mood
    first: bool  # False: they had answered this check-in before
    late: bool  # the safety net had already made a call-back task
    task_open: bool  # ... and a volunteer may still call
    task_cancelled: bool  # ... and it was withdrawn because they are fine


class Checkins:
    def __init__(
        self,
        db: Database,
        clock: Clock,
        outbox: Outbox,
        counts: Counts,
        catalogs: Catalogs,
        policy: CheckinPolicy,
        desk: MissedCheckinDesk | None = None,
    ) -> None:
        self._db = db
        self._clock = clock
        self._outbox = outbox
        self._counts = counts
        self._catalogs = catalogs
        self.policy = policy
        self.desk = desk

    # -------------------------------------------------------- subscription

    async def get(self, telegram_id: int) -> Subscription | None:
        row = await self._db.fetchone(
            "SELECT * FROM checkin_subscriptions WHERE telegram_id = ?", (telegram_id,)
        )
        return Subscription.from_row(row) if row else None

    def today(self) -> date:
        return self._clock().astimezone(self.policy.zone).date()

    async def set_days(self, telegram_id: int, days: int) -> Subscription:
        """Choose the days; a schedule with a time is recomputed at once."""
        if not 1 <= days <= EVERY_DAY:
            raise ValueError("days must name at least one day")
        now = to_iso(self._clock())
        await self._db.execute(
            "INSERT INTO checkin_subscriptions (telegram_id, days, created_at, updated_at)"
            " VALUES (?, ?, ?, ?) ON CONFLICT (telegram_id) DO UPDATE SET"
            " days = excluded.days, updated_at = excluded.updated_at",
            (telegram_id, days, now, now),
        )
        return await self._reschedule(telegram_id)

    async def set_time(self, telegram_id: int, at: time) -> Subscription:
        """Choose the time (after the days); refuses a time inside quiet hours."""
        if self.policy.quiet.contains(at):
            raise QuietHoursError(time_text(at))
        sub = await self.get(telegram_id)
        if sub is None:
            raise LookupError("no check-in subscription")
        due = next_slot(sub.days, at, self.policy.zone, self._clock(), self._pause_of(sub))
        await self._db.execute(
            "UPDATE checkin_subscriptions SET local_time = ?, next_due = ?, updated_at = ?"
            " WHERE telegram_id = ?",
            (time_text(at), to_iso(due), to_iso(self._clock()), telegram_id),
        )
        if sub.local_time is None:
            await self._counts.bump("checkins_subscribed")
        return await self._require(telegram_id)

    async def set_safety_net(self, telegram_id: int, phone: str | None) -> Subscription | None:
        """Switch the safety net on with a (normalised) phone number, or off (None)."""
        await self._db.execute(
            "UPDATE checkin_subscriptions SET safety_net = ?, phone = ?, updated_at = ?"
            " WHERE telegram_id = ?",
            (1 if phone else 0, phone, to_iso(self._clock()), telegram_id),
        )
        return await self.get(telegram_id)

    async def pause(self, telegram_id: int, until: date) -> Subscription:
        """No check-ins before ``until`` (a local date after today, within a year)."""
        today = self.today()
        if not today < until <= today + MAX_PAUSE:
            raise ValueError("pause date out of range")
        await self._db.execute(
            "UPDATE checkin_subscriptions SET paused_until = ?, updated_at = ?"
            " WHERE telegram_id = ?",
            (until.isoformat(), to_iso(self._clock()), telegram_id),
        )
        return await self._reschedule(telegram_id)

    async def resume(self, telegram_id: int) -> Subscription:
        await self._db.execute(
            "UPDATE checkin_subscriptions SET paused_until = NULL, updated_at = ?"
            " WHERE telegram_id = ?",
            (to_iso(self._clock()), telegram_id),
        )
        return await self._reschedule(telegram_id)

    async def stop(self, telegram_id: int) -> bool:
        """Stop check-ins: the schedule and phone number are deleted."""
        changed = await self._db.execute(
            "DELETE FROM checkin_subscriptions WHERE telegram_id = ?", (telegram_id,)
        )
        if changed:
            await self._counts.bump("checkins_stopped")
        return changed > 0

    def _pause_of(self, sub: Subscription) -> date | None:
        """The pause still ahead of us, if any (a holiday that is over no longer counts)."""
        paused = sub.paused_until
        return paused if paused is not None and paused > self.today() else None

    async def _require(self, telegram_id: int) -> Subscription:
        sub = await self.get(telegram_id)
        if sub is None:
            raise LookupError("no check-in subscription")
        return sub

    async def _reschedule(self, telegram_id: int) -> Subscription:
        """Recompute next_due from now (after any change to days or pause)."""
        sub = await self._require(telegram_id)
        if sub.local_time is None:
            return sub
        paused = self._pause_of(sub)
        due = next_slot(sub.days, sub.local_time, self.policy.zone, self._clock(), paused)
        await self._db.execute(
            "UPDATE checkin_subscriptions SET next_due = ?, paused_until = ? WHERE telegram_id = ?",
            (to_iso(due), paused.isoformat() if paused else None, telegram_id),
        )
        return await self._require(telegram_id)

    # -------------------------------------------------------- the tick

    async def tick(self) -> TickReport:
        """Queue every due check-in, one transaction per batch, until none is due."""
        report = TickReport()
        # A slot missed long ago advances to the next one, which may be due too:
        # go on until nothing is due (every pass moves each row it read forward).
        while True:
            if not await self._tick_batch(report):
                return report
            await asyncio.sleep(0)  # let handlers run between batches

    async def find_due(self, limit: int = BATCH) -> list[sqlite3.Row]:
        """The due subscriptions (what the tick reads first); used by the benchmark too."""
        return await self._db.fetchall(_DUE_SQL, (to_iso(self._clock()), limit))

    async def _tick_batch(self, report: TickReport) -> int:
        now = self._clock()
        local_now = now.astimezone(self.policy.zone)
        async with self._db.transaction() as conn:
            rows = list(await conn.execute_fetchall(_DUE_SQL, (to_iso(now), BATCH)))
            sends: list[tuple[object, ...]] = []
            messages: list[NewRow] = []
            advances: list[tuple[str, int]] = []
            for row in rows:
                telegram_id = int(row["telegram_id"])
                slot = from_iso(row["next_due"])
                at = time.fromisoformat(row["local_time"])
                paused = date.fromisoformat(row["paused_until"]) if row["paused_until"] else None
                following = next_slot(int(row["days"]), at, self.policy.zone, slot, paused)
                advances.append((to_iso(following), telegram_id))
                if row["status"] != "active":
                    report.inactive += 1  # stopped or unreachable: nothing is sent or kept
                    continue
                outcome = self._outcome(slot, at, now, local_now)
                sends.append(
                    (telegram_id, to_iso(slot), outcome, to_iso(now), int(row["safety_net"]))
                )
                if outcome == "missed":
                    report.missed += 1
                elif outcome == "quiet":
                    report.quiet += 1
                else:
                    report.sent += 1
                    messages.append(self._message(row, slot))
            if sends:
                await conn.executemany(
                    "INSERT INTO checkin_sends (telegram_id, slot, outcome, created_at, safety_net)"
                    " VALUES (?, ?, ?, ?, ?) ON CONFLICT (telegram_id, slot) DO NOTHING",
                    sends,
                )
            if messages:
                await self._outbox.enqueue_many(messages, conn)
            if advances:
                await conn.executemany(
                    "UPDATE checkin_subscriptions SET next_due = ? WHERE telegram_id = ?",
                    advances,
                )
        if report.sent or report.missed:
            await self._bump_tick_counts(report, len(messages), len(sends) - len(messages))
        return len(rows)

    async def _bump_tick_counts(self, report: TickReport, sent: int, skipped: int) -> None:
        if sent:
            await self._counts.bump("checkins_sent", sent)
        if skipped:
            await self._counts.bump("checkins_skipped", skipped)

    def _outcome(self, slot: datetime, at: time, now: datetime, local_now: datetime) -> str:
        if self.policy.quiet.contains(at):
            return "quiet"  # quiet hours changed after the time was chosen
        if now - slot > self.policy.grace:
            return "missed"
        if self.policy.quiet.contains(local_now.time()) and now - slot > timedelta(minutes=5):
            return "quiet"  # late, and by now it would wake them
        return "sent"

    def _message(self, row: sqlite3.Row, slot: datetime) -> NewRow:
        telegram_id = int(row["telegram_id"])
        t = self._catalogs.get(str(row["language"]))
        return NewRow(
            telegram_id,
            render_checkin(t, str(row["first_name"]), telegram_id, slot),
            kind="checkin",
            ref=f"checkin:{to_iso(slot)}",
            dedupe_key=dedupe_key(telegram_id, slot),
        )

    # -------------------------------------------------------- answers

    async def answer(self, telegram_id: int, slot: datetime, mood: Mood) -> Answer | None:
        """Record how they feel; None when this person got no check-in at that slot."""
        now = to_iso(self._clock())
        async with self._db.transaction() as conn:
            rows = list(
                await conn.execute_fetchall(
                    "SELECT id, answered_at, escalation, task_id FROM checkin_sends"
                    " WHERE telegram_id = ? AND slot = ? AND outcome = 'sent'",
                    (telegram_id, to_iso(slot)),
                )
            )
            if not rows:
                return None
            row = rows[0]
            await conn.execute(
                "UPDATE checkin_sends SET mood = ?, answered_at = COALESCE(answered_at, ?)"
                " WHERE id = ?",
                (mood.stored, now, row["id"]),
            )
        first = row["answered_at"] is None
        if first:
            await self._counts.bump(f"checkins_answered_{mood.value}")
        late = row["escalation"] in ("task", "existing") and row["task_id"] is not None
        task_open = cancelled = False
        if late and self.desk is not None:
            task_id = int(row["task_id"])
            task_open = await self.desk.task_is_open(task_id)
            # Only the task the safety net made is withdrawn; a request they made stays.
            if task_open and mood is Mood.GOOD and row["escalation"] == "task":
                cancelled = await self.desk.cancel_missed_checkin(task_id, telegram_id)
                task_open = not cancelled
        return Answer(mood, first, late, task_open, cancelled)

    async def awaiting_answer(self, telegram_id: int) -> datetime | None:
        """The slot of their latest check-in if it is recent and unanswered (typed answers)."""
        since = to_iso(self._clock() - TYPED_ANSWER_WINDOW)
        row = await self._db.fetchone(
            "SELECT slot, answered_at FROM checkin_sends WHERE telegram_id = ? AND outcome = 'sent'"
            " AND created_at >= ? ORDER BY slot DESC LIMIT 1",
            (telegram_id, since),
        )
        if row is None or row["answered_at"] is not None:
            return None
        return from_iso(row["slot"])

    async def checkin_message_id(self, telegram_id: int, slot: datetime) -> int | None:
        """Telegram's id of a delivered check-in message (to take its buttons away)."""
        row = await self._db.fetchone(
            "SELECT message_id FROM outbox WHERE dedupe_key = ? AND status = 'sent'",
            (dedupe_key(telegram_id, slot),),
        )
        return int(row[0]) if row and row[0] is not None else None

    async def history(self, telegram_id: int, limit: int = 10) -> list[tuple[datetime, Mood]]:
        rows = await self._db.fetchall(
            "SELECT slot, mood FROM checkin_sends WHERE telegram_id = ? AND mood IS NOT NULL"
            " ORDER BY slot DESC LIMIT ?",
            (telegram_id, limit),
        )
        return [(from_iso(r["slot"]), Mood(r["mood"])) for r in rows]

    # -------------------------------------------------------- the safety net

    async def safety_tick(self) -> int:
        """Open one "missed check-in" task per unanswered check-in past the window.

        The task is made before the check-in is marked, so a crash in between
        repeats the attempt; the desk then finds the task already open.
        """
        if self.desk is None:
            return 0
        now = self._clock()
        cutoff = to_iso(now - self.policy.safety_window)
        opened = 0
        for row in await self._db.fetchall(_WATCH_SQL, (cutoff, BATCH)):
            decision = self._escalation(row, cutoff)
            if decision is None:
                continue  # delivered less than a window ago, or still on its way
            task_id: int | None = None
            if decision == "task":
                made = await self.desk.open_missed_checkin(
                    int(row["telegram_id"]), str(row["phone"])
                )
                if made is None:
                    decision = "dropped"
                else:
                    task_id, new = made
                    decision = "task" if new else "existing"
                    opened += new
            await self._db.execute(
                "UPDATE checkin_sends SET escalation = ?, task_id = ?, escalated_at = ?"
                " WHERE id = ? AND escalation IS NULL",
                (decision, task_id, to_iso(now), row["id"]),
            )
        if opened:
            await self._counts.bump("checkins_escalated", opened)
        return opened

    @staticmethod
    def _escalation(row: sqlite3.Row, cutoff: str) -> str | None:
        delivery = row["delivery"]
        if delivery in ("pending", "sending"):
            return None
        if delivery != "sent":
            return "dropped"  # it never arrived (blocked, failed, or long gone)
        if row["sent_at"] is not None and row["sent_at"] > cutoff:
            return None
        if not row["net_now"] or not row["phone"] or row["status"] != "active":
            return "dropped"  # they switched the safety net or messages off since
        return "task"

    async def watch(self) -> int:
        """The slower tick: the safety net, then forgetting old check-ins."""
        opened = await self.safety_tick()
        await self.purge()
        return opened

    async def purge(self, older_than: timedelta = SEND_RETENTION) -> int:
        """Forget old check-ins (moods are personal); the daily counts stay."""
        return await self._db.execute(
            "DELETE FROM checkin_sends WHERE created_at < ?",
            (to_iso(self._clock() - older_than),),
        )


_DUE_SQL = (
    "SELECT s.telegram_id, s.days, s.local_time, s.paused_until, s.safety_net, s.next_due,"
    " r.first_name, r.language, r.status"
    " FROM checkin_subscriptions s JOIN residents r ON r.telegram_id = s.telegram_id"
    " WHERE s.next_due <= ? ORDER BY s.next_due LIMIT ?"
)

_WATCH_SQL = (
    "SELECT c.id, c.telegram_id, c.slot, o.status AS delivery, o.sent_at,"
    " s.safety_net AS net_now, s.phone, r.status, r.language"
    " FROM checkin_sends c"
    " LEFT JOIN outbox o ON o.dedupe_key = 'checkin:' || c.telegram_id || ':' || c.slot"
    " LEFT JOIN checkin_subscriptions s ON s.telegram_id = c.telegram_id"
    " LEFT JOIN residents r ON r.telegram_id = c.telegram_id"
    " WHERE c.safety_net = 1 AND c.answered_at IS NULL AND c.escalation IS NULL"
    " AND c.outcome = 'sent' AND c.created_at <= ? ORDER BY c.created_at LIMIT ?"
)


def dedupe_key(telegram_id: int, slot: datetime) -> str:
    return f"checkin:{telegram_id}:{to_iso(slot)}"


def part_of_day(local: datetime) -> str:
    if local.hour < 12:
        return "morning"
    return "afternoon" if local.hour < 18 else "evening"


def render_checkin(t: Translator, first_name: str, telegram_id: int, slot: datetime) -> OutMessage:
    """The check-in: a greeting that varies from day to day, the question, four buttons.

    The same text is rendered again when the answer is shown under it, so it
    depends only on the person, the slot and the language.
    """
    variants = GREETINGS[part_of_day(slot.astimezone(t.zone))]
    pick = (int(slot.timestamp()) // 86_400 + telegram_id) % len(variants)
    name = html.escape(first_name.strip()) or t._("neighbour")
    text = t._(variants[pick], name=name) + "\n\n" + t._("How are you today?")
    rows = tuple(
        tuple(Button(t._(MOOD_LABELS[m]), mood_data(slot, m)) for m in row) for row in MOOD_ROWS
    )
    return OutMessage(text, buttons=rows)


_GOOD_WORDS = (
    "goed",
    "good",
    "prima",
    "fine",
    "great",
    "ok",
    "oké",
    "oke",
    "okay",
    "super",
    "uitstekend",
    "fijn",
    "well",
    "top",
    "lekker",
    "best goed",
    "heel goed",
)
_OKAY_WORDS = (
    "matig",
    "gaat wel",
    "so-so",
    "so so",
    "soso",
    "redelijk",
    "niet slecht",
    "meh",
    "zozo",
    "zo zo",
    "middel",
    "it's ok",
    "not great",
    "kan beter",
)
_BAD_WORDS = (
    "slecht",
    "bad",
    "niet goed",
    "not good",
    "not well",
    "niet zo goed",
    "rot",
    "verdrietig",
    "sad",
    "alleen",
    "lonely",
    "eenzaam",
    "beroerd",
    "awful",
    "terrible",
    "moe",
    "ziek",
    "sick",
    "down",
    "not ok",
    "niet ok",
    "niet oké",
    "help",
)
_VERY_BAD_WORDS = (
    "heel slecht",
    "erg slecht",
    "zeer slecht",
    "heel erg slecht",
    "vreselijk",
    "verschrikkelijk",
    "very bad",
    "really bad",
    "horrible",
)
_PHRASES = sorted(
    [(w, Mood.GOOD) for w in _GOOD_WORDS]
    + [(w, Mood.OKAY) for w in _OKAY_WORDS]
    + [(w, Mood.BAD) for w in _BAD_WORDS]
    + [(w, Mood.VERY_BAD) for w in _VERY_BAD_WORDS],
    key=lambda pair: -len(pair[0]),
)
_EMOJI = {
    Mood.GOOD: ("🙂", "😀", "😃", "😄", "😊", "👍", "😁", "☺", "❤", "🥰", "😍"),
    Mood.OKAY: ("😐", "😑", "🤷", "😕", "🫤"),
    Mood.BAD: ("🙁", "☹", "😞", "😔", "👎", "😟", "😩", "💔"),
    Mood.VERY_BAD: ("😢", "😭"),
}


def mood_from_text(text: str) -> Mood | None:
    """Read a short typed answer ('goed', 'niet zo goed', 'heel slecht', '🙁') as a mood, or None.

    The longest phrase found wins, so "niet goed" is bad and "niet slecht" is so-so.
    A negation before a mood word that no listed phrase covers ("niet echt goed",
    "not feeling good") is not guessed at: None, and the buttons are offered
    again. A wrong "good" would withdraw a safety-net call.
    """
    negations = {"niet", "not", "geen", "no", "nee", "nooit", "never", "nicht", "kein"}
    negations |= {"keine", "nein", "nie", "dont", "isnt", "aint", "doesnt", "cannot"}
    listed = {
        "niet goed": Mood.BAD,
        "not good": Mood.BAD,
        "niet zo goed": Mood.BAD,
        "not so good": Mood.BAD,
        "niet zo best": Mood.BAD,
        "niet slecht": Mood.OKAY,
        "not bad": Mood.OKAY,
        "niet zo slecht": Mood.OKAY,
        "not so bad": Mood.OKAY,
        "not too bad": Mood.OKAY,
    }
    cleaned = " ".join(re.sub(r"[!?.,;:]+", " ", text.casefold()).split())
    if not cleaned or len(cleaned) > 40:
        return None
    for mood in (Mood.VERY_BAD, Mood.BAD, Mood.OKAY, Mood.GOOD):
        if any(symbol in cleaned for symbol in _EMOJI[mood]):
            return mood
    padded = f" {cleaned} "
    phrases = sorted([*_PHRASES, *listed.items()], key=lambda pair: -len(pair[0]))
    for phrase, mood in phrases:
        at = padded.find(f" {phrase} ")
        if at < 0:
            continue
        if phrase.split()[0] in negations:
            return mood  # a listed negated phrase: "niet goed", "not ok", "not great"
        before = padded[:at].split()
        if any(w in negations or w.endswith(("n't", "n’t")) for w in before):
            return None
        return mood
    return None


def chosen_days(days: int) -> Sequence[int]:
    """Weekday numbers (0 Monday .. 6 Sunday) in a days mask."""
    return [d for d in range(7) if days & (1 << d)]
