"""Check-ins: a friendly "how are you?" on the resident's own schedule.

The database is the schedule. Each subscriber has one row holding their days,
a wall-clock time in the municipality's time zone, and ``next_due``: the UTC
moment of their next check-in. A tick reads what is due through an index, and
in one transaction per batch writes one ``checkin_sends`` row per (resident,
slot) (UNIQUE), queues the message in the outbox (dedupe key per slot) and
advances ``next_due``. A crash anywhere rolls the whole batch back, and running
it again cannot send twice. Nothing is sent in quiet hours.

When a check-in goes unanswered, the safety net (``safety.py``) climbs; the
schedule arithmetic is in ``schedule.py``, the message and its answers in ``moods.py``.
"""

from __future__ import annotations

import asyncio
import sqlite3
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from bot.clock import Clock, from_iso, to_iso
from bot.db import Database
from bot.i18n import Catalogs
from bot.services.care.kinds import AGREED_WITH_CHECKINS, CHECKIN
from bot.services.care.moods import Mood, dedupe_key, render_checkin
from bot.services.care.safety import MissedCheckinDesk
from bot.services.care.schedule import EVERY_DAY, CheckinPolicy, next_slot, time_text
from bot.services.counts import Counts
from bot.services.outbox import NewRow, Outbox

BATCH = 500
# A typed "good" or "bad" is read as the answer to a check-in this recent.
TYPED_ANSWER_WINDOW = timedelta(hours=12)
# Check-in rows (moods) are kept this long for the person's own history, then purged;
# the numbers live on in anonymous daily counts.
SEND_RETENTION = timedelta(days=90)
MAX_PAUSE = timedelta(days=366)


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

    async def agreed_to(self, telegram_id: int, kind: str) -> bool:
        """Whether their check-ins are their agreement to a message of this kind: one of
        the check-ins' own (``kinds``), while they have a schedule with a time. What a
        messenger asks before it sends a message nobody just asked for (WhatsApp's
        templates outside the 24-hour window); stopping check-ins ends it."""
        if kind not in AGREED_WITH_CHECKINS:
            return False
        sub = await self.get(telegram_id)
        return sub is not None and sub.complete

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
                if not _gets_checkin(row):
                    report.inactive += 1  # stopped, or unreachable without the net
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
            kind=CHECKIN,
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
            state = await self.desk.task_state(task_id)
            task_open = state is not None and state.active
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

    async def purge(self, older_than: timedelta = SEND_RETENTION) -> int:
        """Forget old check-ins (moods are personal); the daily counts stay."""
        return await self._db.execute(
            "DELETE FROM checkin_sends WHERE created_at < ?",
            (to_iso(self._clock() - older_than),),
        )


def _gets_checkin(row: sqlite3.Row) -> bool:
    """Active residents get their check-in. So does one Samen's messages cannot reach
    (they blocked it, or the app refused) while their safety net is on: it failing again
    is what makes the net call them, so it never goes silent. Someone who stopped all
    messages gets nothing, as they were told."""
    status = row["status"]
    return status == "active" or (status == "unreachable" and bool(row["safety_net"]))


_DUE_SQL = (
    "SELECT s.telegram_id, s.days, s.local_time, s.paused_until, s.safety_net, s.next_due,"
    " r.first_name, r.language, r.status"
    " FROM checkin_subscriptions s JOIN residents r ON r.telegram_id = s.telegram_id"
    " WHERE s.next_due <= ? ORDER BY s.next_due LIMIT ?"
)
