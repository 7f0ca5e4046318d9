"""'Remind me': a message a set time before an activity starts, through the outbox.

A reminder is a row with the moment to send it. The scheduler's tick reads the
due rows with one indexed query and, in one transaction, enqueues the message
(dedupe key ``reminder:<id>``) and marks the row sent, so a crash or restart
never loses a reminder and never sends one twice.

Nothing is sent in quiet hours (``SAMEN_QUIET_HOURS``): a reminder that would
fall in them comes when they end if that still leaves time to get ready, and
otherwise the evening before, just before they begin.
"""

from __future__ import annotations

import html
import sqlite3
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from bot.clock import Clock, from_iso, to_iso
from bot.db import Database
from bot.i18n import Catalogs, Translator
from bot.services.care.schedule import CheckinPolicy, slot_moment
from bot.services.care.selfcheck import end_of_quiet
from bot.services.outbox import NewRow, Outbox, OutMessage

DUE_BATCH = 500
# A reminder moved out of quiet hours comes at their end only if that is still this
# long before the start (or the whole lead, if shorter); else the evening before.
WELL_AHEAD = timedelta(minutes=90)
# The evening reminder comes this long before quiet hours begin, not at their edge.
BEFORE_QUIET = timedelta(minutes=30)


class Added(StrEnum):
    ADDED = "added"
    ALREADY = "already"  # this person already has a reminder for this occurrence
    TOO_LATE = "too_late"  # it starts within the lead time
    GONE = "gone"  # the occurrence no longer exists (hidden, moved, over)


@dataclass(frozen=True)
class Reminder:
    id: int
    activity_id: int
    title_nl: str
    title_en: str
    starts_at: datetime
    all_day: bool
    remind_at: datetime

    def title(self, language: str) -> str:
        return self.title_en if language == "en" and self.title_en else self.title_nl


def start_of_quiet(moment: datetime, policy: CheckinPolicy) -> datetime:
    """The moment the quiet hours that contain ``moment`` began."""
    day = moment.astimezone(policy.zone).date()
    for offset in (0, 1):
        begun = slot_moment(day - timedelta(days=offset), policy.quiet.start, policy.zone)
        if begun <= moment:
            return begun
    raise AssertionError("quiet hours begin within a day")


def reminder_moment(
    starts_at: datetime, lead: timedelta, now: datetime, policy: CheckinPolicy
) -> datetime | None:
    """When to remind: ``lead`` before the start, moved out of quiet hours; None: too late."""
    wanted = starts_at - lead
    if not policy.quiet.contains(wanted.astimezone(policy.zone).time()):
        return wanted if wanted > now else None
    morning = end_of_quiet(wanted, policy)
    evening = start_of_quiet(wanted, policy) - BEFORE_QUIET
    if now < morning <= starts_at - min(lead, WELL_AHEAD):
        return morning
    if evening > now:
        return evening
    return morning if now < morning < starts_at else None


class Reminders:
    def __init__(
        self,
        db: Database,
        clock: Clock,
        outbox: Outbox,
        catalogs: Catalogs,
        policy: CheckinPolicy | None = None,
    ) -> None:
        self._db = db
        self._clock = clock
        self._outbox = outbox
        self._catalogs = catalogs
        self.policy = policy or CheckinPolicy()

    def moment(self, starts_at: datetime, lead: timedelta) -> datetime | None:
        """When a reminder for this start would come; None if that is too late already."""
        return reminder_moment(starts_at, lead, self._clock(), self.policy)

    async def add(
        self, telegram_id: int, activity_id: int, starts_at: datetime, lead: timedelta
    ) -> tuple[Added, datetime]:
        """Remind this person ``lead`` before this occurrence (outside quiet hours).

        Returns what happened and when the reminder comes.
        """
        now = self._clock()
        moment = reminder_moment(starts_at, lead, now, self.policy)
        remind_at = starts_at - lead if moment is None else moment
        async with self._db.transaction() as conn:
            exists = await conn.execute_fetchall(
                "SELECT 1 FROM activity_occurrences o JOIN activities a ON a.id = o.activity_id"
                " WHERE o.activity_id = ? AND o.starts_at = ? AND a.hidden_by IS NULL",
                (activity_id, to_iso(starts_at)),
            )
            if not list(exists) or starts_at <= now:
                return Added.GONE, remind_at
            if moment is None:
                return Added.TOO_LATE, remind_at
            cursor = await conn.execute(
                "INSERT INTO activity_reminders (telegram_id, activity_id, starts_at, remind_at,"
                " created_at) VALUES (?, ?, ?, ?, ?)"
                " ON CONFLICT (telegram_id, activity_id, starts_at) DO UPDATE SET"
                " status = 'pending', remind_at = excluded.remind_at WHERE status = 'cancelled'",
                (telegram_id, activity_id, to_iso(starts_at), to_iso(remind_at), to_iso(now)),
            )
            added = cursor.rowcount > 0
            await cursor.close()
        return (Added.ADDED if added else Added.ALREADY), remind_at

    async def pending(self, telegram_id: int) -> list[Reminder]:
        """This person's reminders still to come, soonest first."""
        rows = await self._db.fetchall(
            "SELECT r.id, r.activity_id, r.starts_at, r.remind_at, a.title_nl, a.title_en,"
            " a.all_day FROM activity_reminders r JOIN activities a ON a.id = r.activity_id"
            " WHERE r.telegram_id = ? AND r.status = 'pending' ORDER BY r.starts_at, r.id",
            (telegram_id,),
        )
        return [_reminder(r) for r in rows]

    async def cancel(self, telegram_id: int, reminder_id: int) -> Reminder | None:
        """Cancel one of this person's own pending reminders; None if there is none."""
        async with self._db.transaction() as conn:
            rows = list(
                await conn.execute_fetchall(
                    "SELECT r.id, r.activity_id, r.starts_at, r.remind_at, a.title_nl,"
                    " a.title_en, a.all_day FROM activity_reminders r"
                    " JOIN activities a ON a.id = r.activity_id"
                    " WHERE r.id = ? AND r.telegram_id = ? AND r.status = 'pending'",
                    (reminder_id, telegram_id),
                )
            )
            if not rows:
                return None
            await conn.execute(
                "UPDATE activity_reminders SET status = 'cancelled' WHERE id = ?", (reminder_id,)
            )
        return _reminder(rows[0])

    async def send_due(self) -> int:
        """Enqueue every due reminder once; returns how many messages were queued.

        Residents who stopped messages or cannot be reached, and occurrences that
        already began (Samen was down), are skipped. If the activity was hidden or
        its date dropped, the person is told it may not take place. In quiet hours
        nothing goes out: a reminder planned before they were changed (or before
        Samen kept out of them) waits for their end, if its activity has not begun.
        """
        now = self._clock()
        if self.policy.quiet.contains(now.astimezone(self.policy.zone).time()):
            return 0
        queued = 0
        # Read and mark in one transaction: a reminder cancelled a moment before is
        # not sent, and one cancelled a moment after was already marked sent.
        async with self._db.transaction() as conn:
            rows = await conn.execute_fetchall(
                "SELECT r.id, r.telegram_id, r.activity_id, r.starts_at, res.language, res.status,"
                " a.title_nl, a.title_en, a.place_name, a.address, a.all_day, a.organiser, a.phone,"
                " a.website, (a.hidden_by IS NULL AND EXISTS (SELECT 1 FROM activity_occurrences o"
                "   WHERE o.activity_id = r.activity_id AND o.starts_at = r.starts_at)) AS still_on"
                " FROM activity_reminders r"
                " JOIN residents res ON res.telegram_id = r.telegram_id"
                " JOIN activities a ON a.id = r.activity_id"
                " WHERE r.status = 'pending' AND r.remind_at <= ? ORDER BY r.remind_at LIMIT ?",
                (to_iso(now), DUE_BATCH),
            )
            for row in rows:
                starts_at = from_iso(row["starts_at"])
                send = row["status"] == "active" and starts_at > now
                cursor = await conn.execute(
                    "UPDATE activity_reminders SET status = ? WHERE id = ? AND status = 'pending'",
                    ("sent" if send else "skipped", row["id"]),
                )
                changed = cursor.rowcount == 1
                await cursor.close()
                if not send or not changed:
                    continue
                t = self._catalogs.get(row["language"])
                await self._outbox.enqueue(
                    NewRow(
                        int(row["telegram_id"]),
                        OutMessage(self._text(t, row, starts_at)),
                        kind="reminder",
                        ref=f"activity:{row['activity_id']}",
                        dedupe_key=f"reminder:{row['id']}",
                    ),
                    conn,
                )
                queued += 1
        return queued

    @staticmethod
    def _text(t: Translator, row: sqlite3.Row, starts_at: datetime) -> str:
        language = t.language
        title = html.escape(
            row["title_en"] if language == "en" and row["title_en"] else row["title_nl"]
        )
        when = t.day(starts_at) if row["all_day"] else t.datetime(starts_at)
        place = html.escape(", ".join(p for p in (row["place_name"], row["address"]) if p))
        contact = html.escape(" · ".join(p for p in (row["phone"], row["website"]) if p))
        if not row["still_on"]:
            text = t._(
                "⚠️ <b>%(title)s</b> (%(when)s) is no longer in Samen's list. "
                "It may not take place. Please check with %(organiser)s before you go.",
                title=title,
                when=when,
                organiser=html.escape(row["organiser"]),
            )
        else:
            text = t._(
                "🔔 <b>Reminder</b>\n\n<b>%(title)s</b>\n🕒 %(when)s\n📍 %(place)s\n\n"
                "Have a nice time!",
                title=title,
                when=when,
                place=place,
            )
        if contact:
            text += "\n" + t._("Questions? %(contact)s", contact=contact)
        return text


def _reminder(row: sqlite3.Row) -> Reminder:
    return Reminder(
        id=int(row["id"]),
        activity_id=int(row["activity_id"]),
        title_nl=row["title_nl"],
        title_en=row["title_en"],
        starts_at=from_iso(row["starts_at"]),
        all_day=bool(row["all_day"]),
        remind_at=from_iso(row["remind_at"]),
    )
