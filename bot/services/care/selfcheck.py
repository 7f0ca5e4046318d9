"""The optional monthly self-check: the 6-item De Jong Gierveld loneliness scale.

This is health data. It has its own consent (with a version and time), only the
resident ever sees their own answers and result, and coordinators see nothing
but anonymous counts (``daily_counts``: how many self-checks were done and how
many fell in each band). Stopping deletes every answer; so does erasure.

The schedule lives in the database: each participant's row holds ``next_due``,
the UTC moment of their next monthly invitation (a fixed day of the month at a
decent local hour). A tick reads what is due through an index; in one
transaction per batch it writes this month's round (UNIQUE per resident and
month), queues the invitation in the outbox (dedupe key per resident and month)
and moves ``next_due`` to next month. So an invitation comes at most once a
month, also across restarts and crashes.

Scoring follows the CBS short version: three emotional items (negatively
worded) count 1 for "yes" or "more or less"; three social items (positively
worded) count 1 for "no" or "more or less". The total 0-6 reads 0-1 not lonely,
2-4 moderately, 5-6 severely lonely. The result is only ever shown back to the
resident as a gentle reflection, never as a diagnosis.
"""

from __future__ import annotations

import html
import sqlite3
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum

from bot.buttons import Prefix, encode
from bot.clock import Clock, from_iso, to_iso
from bot.db import Database
from bot.i18n import Catalogs, Translator
from bot.services.care.schedule import CheckinPolicy, slot_moment
from bot.services.care.selfcheck_scale import QUESTIONS, Reply, Score, band_of, score
from bot.services.counts import Counts
from bot.services.outbox import Button, NewRow, Outbox, OutMessage

# Raise this when the self-check consent text changes in substance: participants
# who agreed to an older text are asked again before anything more is stored.
SELFCHECK_CONSENT_VERSION = 1
# The invitation comes at this local time (or when quiet hours end, if later).
INVITE_AT = time(10, 30)
LAST_INVITE_DAY = 28  # every month has it
BATCH = 500
# A self-check is kept this long, so the resident can look at their result again.
ROUND_RETENTION = timedelta(days=92)


# ---------------------------------------------------------------- the calendar


def invite_time(policy: CheckinPolicy) -> time:
    """A decent hour: 10:30, or the end of quiet hours if those reach past it."""
    return policy.quiet.end if policy.quiet.contains(INVITE_AT) else INVITE_AT


def month_key(moment: datetime, policy: CheckinPolicy) -> str:
    """The local month of a moment, 'YYYY-MM': a resident has one self-check per month."""
    return moment.astimezone(policy.zone).strftime("%Y-%m")


def month_code(month: str) -> str:
    """'2026-12' <-> '202612' (the form in callback data)."""
    return month.replace("-", "")


def month_from_code(code: str) -> str:
    return f"{code[:4]}-{code[4:]}"


def invitation_after(after: datetime, day: int, policy: CheckinPolicy) -> datetime:
    """The invitation in the local month after the month of ``after``, on ``day``."""
    local = after.astimezone(policy.zone)
    year, month = (local.year + 1, 1) if local.month == 12 else (local.year, local.month + 1)
    return slot_moment(date(year, month, day), invite_time(policy), policy.zone)


def end_of_quiet(now: datetime, policy: CheckinPolicy) -> datetime:
    """The first moment after ``now`` when quiet hours are over (``now`` is inside them)."""
    local = now.astimezone(policy.zone)
    day = local.date()
    for offset in (0, 1):
        moment = slot_moment(day + timedelta(days=offset), policy.quiet.end, policy.zone)
        if moment > now:
            return moment
    raise AssertionError("quiet hours end within a day")


# ---------------------------------------------------------------- the service


@dataclass(frozen=True)
class Participation:
    telegram_id: int
    consent_version: int
    consent_at: datetime
    day: int
    next_due: datetime

    @property
    def consent_current(self) -> bool:
        return self.consent_version >= SELFCHECK_CONSENT_VERSION

    @classmethod
    def from_row(cls, row: sqlite3.Row) -> Participation:
        return cls(
            telegram_id=int(row["telegram_id"]),
            consent_version=int(row["consent_version"]),
            consent_at=from_iso(row["consent_at"]),
            day=int(row["day"]),
            next_due=from_iso(row["next_due"]),
        )


class RoundStatus(StrEnum):
    INVITED = "invited"
    DECLINED = "declined"  # "not now"; it can still be done this month
    STARTED = "started"
    DONE = "done"


@dataclass(frozen=True)
class Round:
    id: int
    telegram_id: int
    month: str
    status: RoundStatus
    replies: tuple[Reply, ...]
    score: int | None
    message_id: int | None
    created_at: datetime
    finished_at: datetime | None

    @property
    def question(self) -> int | None:
        """The number (1-6) of the question to answer next; None when all are answered."""
        return len(self.replies) + 1 if len(self.replies) < QUESTIONS else None

    @property
    def result(self) -> Score | None:
        return score(self.replies) if len(self.replies) == QUESTIONS else None

    @classmethod
    def from_row(cls, row: sqlite3.Row) -> Round:
        return cls(
            id=int(row["id"]),
            telegram_id=int(row["telegram_id"]),
            month=str(row["month"]),
            status=RoundStatus(row["status"]),
            replies=tuple(Reply(letter) for letter in row["answers"]),
            score=None if row["score"] is None else int(row["score"]),
            message_id=None if row["message_id"] is None else int(row["message_id"]),
            created_at=from_iso(row["created_at"]),
            finished_at=from_iso(row["finished_at"]) if row["finished_at"] else None,
        )


class Problem(StrEnum):
    GONE = "gone"  # no such self-check of this person, or no consent (stopped, forged)
    ANSWERED = "answered"  # that question was answered already (a second tap)
    OUT_OF_ORDER = "out_of_order"  # not the question that is due (forged)
    FINISHED = "finished"  # the self-check is complete


@dataclass(frozen=True)
class Answered:
    round: Round | None
    problem: Problem | None = None
    finished: bool = False  # this answer completed the self-check


class SelfChecks:
    def __init__(
        self,
        db: Database,
        clock: Clock,
        outbox: Outbox,
        counts: Counts,
        catalogs: Catalogs,
        policy: CheckinPolicy,
    ) -> None:
        self._db = db
        self._clock = clock
        self._outbox = outbox
        self._counts = counts
        self._catalogs = catalogs
        self.policy = policy

    # -------------------------------------------------------- consent

    async def get(self, telegram_id: int) -> Participation | None:
        row = await self._db.fetchone(
            "SELECT * FROM selfcheck_subscriptions WHERE telegram_id = ?", (telegram_id,)
        )
        return Participation.from_row(row) if row else None

    async def consenting(self, telegram_id: int) -> Participation | None:
        """The participation, only if its consent is to the current text."""
        found = await self.get(telegram_id)
        return found if found is not None and found.consent_current else None

    async def consent(self, telegram_id: int) -> Participation:
        """Record consent to the current text; the first invitation comes next month.

        The day of the month is today's (at most the 28th), so it is easy to
        remember; a renewed consent keeps the existing schedule.
        """
        now = self._clock()
        day = min(now.astimezone(self.policy.zone).day, LAST_INVITE_DAY)
        changed = await self._db.execute(
            "INSERT INTO selfcheck_subscriptions"
            " (telegram_id, consent_version, consent_at, day, next_due, created_at)"
            " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (telegram_id) DO UPDATE SET"
            " consent_version = excluded.consent_version, consent_at = excluded.consent_at",
            (
                telegram_id,
                SELFCHECK_CONSENT_VERSION,
                to_iso(now),
                day,
                to_iso(invitation_after(now, day, self.policy)),
                to_iso(now),
            ),
        )
        if changed:
            await self._counts.bump("selfcheck_joined")
        found = await self.get(telegram_id)
        assert found is not None
        return found

    async def stop(self, telegram_id: int) -> bool:
        """Stop the self-check and delete every answer and result; the counts stay."""
        async with self._db.transaction() as conn:
            await conn.execute("DELETE FROM selfcheck_rounds WHERE telegram_id = ?", (telegram_id,))
            cursor = await conn.execute(
                "DELETE FROM selfcheck_subscriptions WHERE telegram_id = ?", (telegram_id,)
            )
            stopped = cursor.rowcount > 0
            await cursor.close()
        if stopped:
            await self._counts.bump("selfcheck_stopped")
        return stopped

    # -------------------------------------------------------- rounds

    def this_month(self) -> str:
        return month_key(self._clock(), self.policy)

    async def round(self, telegram_id: int, month: str) -> Round | None:
        row = await self._db.fetchone(
            "SELECT * FROM selfcheck_rounds WHERE telegram_id = ? AND month = ?",
            (telegram_id, month),
        )
        return Round.from_row(row) if row else None

    async def last_done(self, telegram_id: int) -> Round | None:
        row = await self._db.fetchone(
            "SELECT * FROM selfcheck_rounds WHERE telegram_id = ? AND status = 'done'"
            " ORDER BY month DESC LIMIT 1",
            (telegram_id,),
        )
        return Round.from_row(row) if row else None

    async def begin(self, telegram_id: int, month: str | None = None) -> Round | None:
        """Start (or continue) a self-check; None without consent or without that round.

        Without ``month``: this month's, made here if the invitation has not come
        yet. With ``month`` (an invitation's button): only that existing round.
        A finished round is returned as it is: there is one self-check a month.
        """
        if await self.consenting(telegram_id) is None:
            return None
        if month is None:
            month = self.this_month()
            await self._db.execute(
                "INSERT INTO selfcheck_rounds (telegram_id, month, status, created_at)"
                " VALUES (?, ?, 'started', ?) ON CONFLICT (telegram_id, month) DO NOTHING",
                (telegram_id, month, to_iso(self._clock())),
            )
        await self._db.execute(
            "UPDATE selfcheck_rounds SET status = 'started'"
            " WHERE telegram_id = ? AND month = ? AND status IN ('invited', 'declined')",
            (telegram_id, month),
        )
        return await self.round(telegram_id, month)

    async def decline(self, telegram_id: int, month: str) -> Round | None:
        """ "Not now" under an invitation: nothing is asked; it can still be done later."""
        await self._db.execute(
            "UPDATE selfcheck_rounds SET status = 'declined'"
            " WHERE telegram_id = ? AND month = ? AND status = 'invited'",
            (telegram_id, month),
        )
        return await self.round(telegram_id, month)

    async def shown(self, round_id: int, message_id: int | None) -> None:
        """Remember the question message on screen, to show its answer there later (None:
        the channel cannot change a sent message)."""
        await self._db.execute(
            "UPDATE selfcheck_rounds SET message_id = ? WHERE id = ?", (message_id, round_id)
        )

    async def shown_off(self, telegram_id: int) -> None:
        """The question on screen lost its choices ("later"): nothing there to change."""
        await self._db.execute(
            "UPDATE selfcheck_rounds SET message_id = NULL"
            " WHERE telegram_id = ? AND status = 'started'",
            (telegram_id,),
        )

    async def answer(self, telegram_id: int, month: str, question: int, reply: Reply) -> Answered:
        """Record the answer to question ``question`` (1-6), only if it is the one due.

        Checked and written in one transaction, so a double tap or a forged
        button can neither skip a question nor answer one twice.
        """
        now = self._clock()
        async with self._db.transaction() as conn:
            rows = list(
                await conn.execute_fetchall(
                    "SELECT r.* FROM selfcheck_rounds r JOIN selfcheck_subscriptions s"
                    " ON s.telegram_id = r.telegram_id"
                    " WHERE r.telegram_id = ? AND r.month = ? AND s.consent_version >= ?",
                    (telegram_id, month, SELFCHECK_CONSENT_VERSION),
                )
            )
            if not rows:
                return Answered(None, Problem.GONE)
            current = Round.from_row(rows[0])
            if current.status is RoundStatus.DONE:
                return Answered(current, Problem.FINISHED)
            if question <= len(current.replies):
                return Answered(current, Problem.ANSWERED)
            if question != len(current.replies) + 1:
                return Answered(current, Problem.OUT_OF_ORDER)
            replies = (*current.replies, reply)
            done = len(replies) == QUESTIONS
            total = score(replies).total if done else None
            await conn.execute(
                "UPDATE selfcheck_rounds SET answers = ?, status = ?, score = ?, finished_at = ?"
                " WHERE id = ?",
                (
                    "".join(replies),
                    RoundStatus.DONE if done else RoundStatus.STARTED,
                    total,
                    to_iso(now) if done else None,
                    current.id,
                ),
            )
        updated = await self.round(telegram_id, month)
        if done and total is not None:
            # Anonymous counts only: how many, and how many per band; never who.
            await self._counts.bump("selfcheck_done")
            await self._counts.bump(f"selfcheck_{band_of(total).value}")
        return Answered(updated, finished=done)

    # -------------------------------------------------------- the tick

    async def tick(self) -> int:
        """Queue every due monthly invitation; returns how many were queued."""
        queued = 0
        while True:
            read, sent = await self._tick_batch()
            queued += sent
            if read < BATCH:
                return queued

    async def _tick_batch(self) -> tuple[int, int]:
        now = self._clock()
        month = month_key(now, self.policy)
        quiet = self.policy.quiet.contains(now.astimezone(self.policy.zone).time())
        async with self._db.transaction() as conn:
            rows = list(await conn.execute_fetchall(_DUE_SQL, (to_iso(now), BATCH)))
            if not rows:
                return 0, 0
            if quiet:
                # Late (the bot was down): wait for the morning rather than wake anyone.
                later = to_iso(end_of_quiet(now, self.policy))
                await conn.executemany(
                    "UPDATE selfcheck_subscriptions SET next_due = ? WHERE telegram_id = ?",
                    [(later, int(r["telegram_id"])) for r in rows],
                )
                return len(rows), 0
            ids = [int(r["telegram_id"]) for r in rows]
            marks = ",".join("?" * len(ids))
            had = {
                int(r[0])
                for r in await conn.execute_fetchall(
                    f"SELECT telegram_id FROM selfcheck_rounds WHERE month = ?"
                    f" AND telegram_id IN ({marks})",
                    (month, *ids),
                )
            }
            rounds: list[tuple[object, ...]] = []
            messages: list[NewRow] = []
            advances: list[tuple[str, int]] = []
            for row in rows:
                telegram_id = int(row["telegram_id"])
                following = invitation_after(now, int(row["day"]), self.policy)
                advances.append((to_iso(following), telegram_id))
                invite = (
                    row["status"] == "active"
                    and int(row["consent_version"]) >= SELFCHECK_CONSENT_VERSION
                    and telegram_id not in had  # this month's was done or asked for already
                )
                if not invite:
                    continue
                rounds.append((telegram_id, month, to_iso(now)))
                messages.append(self._invitation(row, month))
            if rounds:
                await conn.executemany(
                    "INSERT INTO selfcheck_rounds (telegram_id, month, status, created_at)"
                    " VALUES (?, ?, 'invited', ?) ON CONFLICT (telegram_id, month) DO NOTHING",
                    rounds,
                )
                await self._outbox.enqueue_many(messages, conn)
            await conn.executemany(
                "UPDATE selfcheck_subscriptions SET next_due = ? WHERE telegram_id = ?", advances
            )
        if messages:
            await self._counts.bump("selfcheck_invited", len(messages))
        return len(rows), len(messages)

    def _invitation(self, row: sqlite3.Row, month: str) -> NewRow:
        telegram_id = int(row["telegram_id"])
        return NewRow(
            telegram_id,
            render_invitation(
                self._catalogs.get(str(row["language"])), str(row["first_name"]), month
            ),
            kind="selfcheck",
            ref=f"selfcheck:{month}",
            dedupe_key=dedupe_key(telegram_id, month),
        )

    async def purge(self, older_than: timedelta = ROUND_RETENTION) -> int:
        """Forget old self-checks (health data); the anonymous counts stay."""
        return await self._db.execute(
            "DELETE FROM selfcheck_rounds WHERE created_at < ?",
            (to_iso(self._clock() - older_than),),
        )


_DUE_SQL = (
    "SELECT s.telegram_id, s.day, s.consent_version, r.first_name, r.language, r.status"
    " FROM selfcheck_subscriptions s JOIN residents r ON r.telegram_id = s.telegram_id"
    " WHERE s.next_due <= ? ORDER BY s.next_due LIMIT ?"
)


def dedupe_key(telegram_id: int, month: str) -> str:
    return f"selfcheck:{telegram_id}:{month}"


def start_data(month: str) -> str:
    """Button data of the invitation's buttons (``bot/buttons.py``, ``sci``)."""
    return encode(Prefix.SELFCHECK_INVITE, "go", month_code(month))


def not_now_data(month: str) -> str:
    return encode(Prefix.SELFCHECK_INVITE, "not", month_code(month))


def answer_data(month: str, question: int, reply: Reply) -> str:
    """sca:<YYYYMM>:<question 1-6>:<y|m|n>."""
    return encode(Prefix.SELFCHECK_ANSWER, month_code(month), str(question), reply.value)


def render_invitation(t: Translator, first_name: str, month: str) -> OutMessage:
    name = html.escape(first_name.strip()) or t._("neighbour")
    text = t._(
        "<b>Your monthly self-check</b>\n\n"
        "Hello %(name)s. It is time for your self-check: six short sentences about "
        "contact with other people. It takes about two minutes. Only you see the result.",
        name=name,
    )
    return OutMessage(
        text,
        buttons=(
            (Button(t._("▶️ Start"), start_data(month)),),
            (Button(t._("↩️ Not now"), not_now_data(month)),),
        ),
    )
