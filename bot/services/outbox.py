"""The outbox: proactive messages as rows, so none is lost and none is sent twice.

Services describe a message in messenger-neutral terms (``OutMessage``: text
with simple HTML, rows of buttons carrying callback data, an optional photo)
and enqueue it, ideally inside the transaction of the change that causes it.
The messenger claims due rows, sends them and records the outcomes in batches.
"""

from __future__ import annotations

import asyncio
import json
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum

import aiosqlite

from bot.clock import Clock, from_iso, to_iso
from bot.db import Database
from bot.person_ids import WHATSAPP_ID_CEILING, Channel

MAX_ATTEMPTS = 5
# A delivered (or dead) message keeps its row for edits and the numbers, but not
# its text: texts can name people, and a person's erasure must not miss them.
EMPTY_PAYLOAD = '{"text":"","buttons":[],"photo":null}'
# Delivered messages' rows (who, when, which kind) are forgotten after this long.
OUTBOX_RETENTION = timedelta(days=30)


class Priority:
    """Which due messages go first: a task alert must not wait behind a broadcast."""

    URGENT = 0  # call-back tasks, safety-net alerts
    NORMAL = 1  # reminders, check-ins, notices to one person
    BULK = 2  # broadcasts


@dataclass(frozen=True)
class Button:
    text: str
    data: str


@dataclass(frozen=True)
class OutMessage:
    """What to say; the messenger turns it into its own format."""

    text: str
    buttons: tuple[tuple[Button, ...], ...] = ()
    photo: str | None = None  # a file id the messenger already knows (e.g. an upload)

    def to_json(self) -> str:
        return json.dumps(
            {
                "text": self.text,
                "buttons": [[[b.text, b.data] for b in row] for row in self.buttons],
                "photo": self.photo,
            },
            ensure_ascii=False,
            separators=(",", ":"),
        )

    @classmethod
    def from_json(cls, payload: str) -> OutMessage:
        data = json.loads(payload)
        return cls(
            text=data["text"],
            buttons=tuple(tuple(Button(t, d) for t, d in row) for row in data["buttons"]),
            photo=data.get("photo"),
        )


class Outcome(StrEnum):
    SENT = "sent"
    RETRY = "retry"  # temporary failure: try again later (counts as an attempt)
    DEFER = "defer"  # not sent, through no fault of the message (pacing, a pause)
    FAILED = "failed"  # permanent failure
    BLOCKED = "blocked"  # the person blocked the bot
    CANCELLED = "cancelled"  # nothing to send any more (e.g. an edit of a failed message)


@dataclass(frozen=True)
class Pending:
    id: int
    recipient_id: int
    kind: str
    message: OutMessage
    attempts: int
    edit_of: int | None
    edit_message_id: int | None  # Telegram's id of the message to edit (None: it failed)


@dataclass
class Result:
    id: int
    outcome: Outcome
    message_id: int | None = None
    error: str | None = None
    retry_in: timedelta = field(default_factory=timedelta)
    channel_message_id: str | None = None  # WhatsApp's message id ("wamid....")


@dataclass(frozen=True)
class NewRow:
    recipient_id: int
    message: OutMessage
    kind: str
    ref: str | None = None
    dedupe_key: str | None = None
    not_before: datetime | None = None
    priority: int = Priority.NORMAL
    # Edit this message in the recipient's chat instead of sending a new one: for
    # messages that were answers to a button, not sent through the outbox.
    edit_message_id: int | None = None


_INSERT = (
    "INSERT INTO outbox (recipient_id, kind, priority, ref, dedupe_key, edit_of, payload,"
    " not_before, created_at, edit_message_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
    " ON CONFLICT (dedupe_key) DO NOTHING"
)


# Other edits of the same message as edit ``o``; an edit goes to the chat of the
# message it edits, so the recipient index finds them.
_SIBLING_EDITS = (
    "SELECT 1 FROM outbox s WHERE s.recipient_id = o.recipient_id AND s.edit_of = o.edit_of"
)
_CLAIM = (
    "SELECT o.id, o.recipient_id, o.kind, o.payload, o.attempts, o.edit_of,"
    # An edit names its original (edit_of) or, for a message sent directly, its id.
    " COALESCE(o.edit_message_id, e.message_id) AS edit_message_id,"
    f" CASE WHEN o.edit_of IS NULL THEN 0 ELSE EXISTS ({_SIBLING_EDITS} AND s.id > o.id)"
    " END AS superseded"
    " FROM outbox o LEFT JOIN outbox e ON e.id = o.edit_of"
    " WHERE o.status = 'pending' AND o.not_before <= ? AND {channel}"
    # An edit waits until the message it edits is no longer on its way,
    " AND (e.id IS NULL OR e.status NOT IN ('pending', 'sending'))"
    # and while another edit of that message is (it may still arrive after this one).
    f" AND (o.edit_of IS NULL OR NOT EXISTS ({_SIBLING_EDITS} AND s.status = 'sending'))"
    " ORDER BY o.priority, o.not_before, o.id LIMIT ?"
)
# Each channel's messenger claims only its people's rows (see bot.person_ids); a
# resident on both apps (bot.services.links) gets them in the app they wrote in last.
_ON_WHATSAPP_TOO = (
    "EXISTS (SELECT 1 FROM residents r WHERE r.telegram_id = o.recipient_id"
    " AND r.last_channel = 'whatsapp')"
)
_CHANNEL_ROWS = {
    Channel.TELEGRAM: f"o.recipient_id > {WHATSAPP_ID_CEILING} AND NOT {_ON_WHATSAPP_TOO}",
    Channel.WHATSAPP: f"(o.recipient_id <= {WHATSAPP_ID_CEILING} OR {_ON_WHATSAPP_TOO})",
}
# What WhatsApp reports about a sent message, in the order it happens; a status that
# arrives late (webhooks may come out of order) never takes a message back a step.
DELIVERY_STEPS = ("sent", "delivered", "read", "failed")
_DELIVERY_RANK = (
    "CASE delivery "
    + " ".join(f"WHEN '{step}' THEN {rank}" for rank, step in enumerate(DELIVERY_STEPS, 1))
    + " ELSE 0 END"
)
_RECORD_DELIVERY = (
    "UPDATE outbox SET delivery = :step,"
    " status = CASE WHEN :step = 'failed' THEN 'failed' ELSE status END,"
    " error = CASE WHEN :error = '' THEN error ELSE :error END"
    f" WHERE channel_message_id = :id AND {_DELIVERY_RANK} < :rank RETURNING recipient_id"
)


class Outbox:
    def __init__(self, db: Database, clock: Clock) -> None:
        self._db = db
        self._clock = clock
        self.wakeup = asyncio.Event()  # set on enqueue; the messenger waits on it

    def _row(self, new: NewRow, edit_of: int | None = None) -> tuple[object, ...]:
        now = self._clock()
        return (
            new.recipient_id,
            new.kind,
            new.priority,
            new.ref,
            new.dedupe_key,
            edit_of,
            new.message.to_json(),
            to_iso(new.not_before or now),
            to_iso(now),
            new.edit_message_id,
        )

    async def enqueue(self, new: NewRow, conn: aiosqlite.Connection | None = None) -> int | None:
        """Add one message; returns its id, or None when its dedupe key was used before.

        Pass ``conn`` (from ``db.transaction()``) to make the message part of that change.
        """
        if conn is None:
            async with self._db.transaction() as own:
                return await self.enqueue(new, own)
        cursor = await conn.execute(_INSERT, self._row(new))
        row_id = cursor.lastrowid if cursor.rowcount else None
        await cursor.close()
        self.wakeup.set()
        return row_id

    async def enqueue_many(self, rows: Iterable[NewRow], conn: aiosqlite.Connection) -> None:
        """Bulk insert (broadcasts): one executemany inside the caller's transaction."""
        await conn.executemany(_INSERT, [self._row(r) for r in rows])
        self.wakeup.set()

    async def enqueue_edit(
        self, of_id: int, new: NewRow, conn: aiosqlite.Connection | None = None
    ) -> int | None:
        """Replace the text and buttons of an earlier outbox message once it is sent.

        ``new.recipient_id`` is the chat of that message. Each edit carries the whole
        new text, so when several are waiting only the newest is sent.
        """
        if conn is None:
            async with self._db.transaction() as own:
                return await self.enqueue_edit(of_id, new, own)
        cursor = await conn.execute(_INSERT, self._row(new, edit_of=of_id))
        row_id = cursor.lastrowid if cursor.rowcount else None
        await cursor.close()
        self.wakeup.set()
        return row_id

    async def cancel_pending(self, ids: Sequence[int], conn: aiosqlite.Connection) -> None:
        """Drop messages that are no longer true (e.g. a task alert after it was taken)."""
        await conn.executemany(
            f"UPDATE outbox SET status = 'cancelled', payload = '{EMPTY_PAYLOAD}'"
            " WHERE id = ? AND status = 'pending'",
            [(i,) for i in ids],
        )

    async def recover(self) -> int:
        """After a crash, rows caught in flight go back to the queue (at-least-once)."""
        return await self._db.execute(
            "UPDATE outbox SET status = 'pending' WHERE status = 'sending'"
        )

    async def claim_due(self, limit: int, channel: Channel = Channel.TELEGRAM) -> list[Pending]:
        """Mark up to ``limit`` due rows as in flight and return them, oldest first.

        Edits of one message apply in the order they were made (their ids): an edit
        waits while an earlier edit of its message is on its way, and an edit that a
        newer one replaces is dropped here, whether it is due for the first time or
        for a retry, so it can never overwrite the newer text.
        """
        now = to_iso(self._clock())
        async with self._db.transaction() as conn:
            claim = _CLAIM.format(channel=_CHANNEL_ROWS[channel])
            rows = list(await conn.execute_fetchall(claim, (now, limit)))
            superseded = [(r["id"],) for r in rows if r["superseded"]]
            claimed = [r for r in rows if not r["superseded"]]
            if superseded:
                await conn.executemany(
                    "UPDATE outbox SET status = 'cancelled', error = 'superseded',"
                    f" payload = '{EMPTY_PAYLOAD}' WHERE id = ?",
                    superseded,
                )
            if claimed:
                await conn.executemany(
                    "UPDATE outbox SET status = 'sending' WHERE id = ?", [(r[0],) for r in claimed]
                )
        return [_pending(r) for r in claimed]

    async def record(self, results: Sequence[Result]) -> None:
        """Write a batch of outcomes in one transaction."""
        if not results:
            return
        now = self._clock()
        done = [
            (r.outcome.value, r.message_id, r.channel_message_id, r.error, to_iso(now), r.id)
            for r in results
            if r.outcome not in (Outcome.RETRY, Outcome.DEFER)
        ]
        retry = [
            {"error": r.error, "at": to_iso(now + r.retry_in), "last": MAX_ATTEMPTS, "id": r.id}
            for r in results
            if r.outcome is Outcome.RETRY
        ]
        defer = [(to_iso(now + r.retry_in), r.id) for r in results if r.outcome is Outcome.DEFER]
        async with self._db.transaction() as conn:
            if done:
                await conn.executemany(
                    "UPDATE outbox SET status = ?, message_id = ?, channel_message_id = ?,"
                    " error = ?, sent_at = ?,"
                    f" attempts = attempts + 1, payload = '{EMPTY_PAYLOAD}' WHERE id = ?",
                    done,
                )
            if retry:
                await conn.executemany(
                    # The last attempt fails the row, and like a delivered one it
                    # keeps no text.
                    "UPDATE outbox SET attempts = attempts + 1, error = :error, not_before = :at,"
                    " status = CASE WHEN attempts + 1 >= :last THEN 'failed' ELSE 'pending' END,"
                    f" payload = CASE WHEN attempts + 1 >= :last THEN '{EMPTY_PAYLOAD}'"
                    " ELSE payload END WHERE id = :id",
                    retry,
                )
            if defer:
                await conn.executemany(
                    "UPDATE outbox SET status = 'pending', not_before = ? WHERE id = ?", defer
                )

    async def record_delivery(
        self, channel_message_id: str, step: str, error: str = ""
    ) -> int | None:
        """What the channel reports later about a sent message (WhatsApp's statuses).

        A message that fails after it was accepted (e.g. outside the 24-hour window)
        counts as failed, so a broadcast's report says it was not sent. Returns the
        recipient when the row moved on, None when no row has this message id (a reply,
        not an outbox message, or purged) or the status came late.
        """
        if step not in DELIVERY_STEPS:
            raise ValueError(f"unknown delivery step {step!r}")
        async with self._db.transaction() as conn:  # a write: under the write lock
            rows = list(
                await conn.execute_fetchall(
                    _RECORD_DELIVERY,
                    {
                        "step": step,
                        "error": error,
                        "id": channel_message_id,
                        "rank": DELIVERY_STEPS.index(step) + 1,
                    },
                )
            )
        return int(rows[0][0]) if rows else None

    async def purge(self, older_than: timedelta) -> int:
        """Forget delivered or dead messages after a while: they hold names and texts.

        A coordinator's question about an application still waiting for a decision
        stays (without its text): it is what lets their Approve count
        (``Volunteers.decide``), however long the decision takes.
        """
        cutoff = to_iso(self._clock() - older_than)
        return await self._db.execute(
            "DELETE FROM outbox WHERE status IN ('sent', 'failed', 'blocked', 'cancelled')"
            " AND created_at < ? AND id NOT IN"
            " (SELECT edit_of FROM outbox WHERE edit_of IS NOT NULL AND status = 'pending')"
            " AND NOT (kind = 'application' AND ref IN (SELECT 'application:' || id"
            " FROM volunteer_applications WHERE status = 'pending'))",
            (cutoff,),
        )

    async def counts(self, ref: str) -> dict[str, int]:
        """How many messages of one batch (e.g. one broadcast) are in each status."""
        rows = await self._db.fetchall(
            "SELECT status, COUNT(*) FROM outbox WHERE ref = ? AND edit_of IS NULL GROUP BY status",
            (ref,),
        )
        return {str(r[0]): int(r[1]) for r in rows}

    async def originals(self, ref: str, conn: aiosqlite.Connection) -> list[tuple[int, int, str]]:
        """(outbox id, recipient, status) of a batch's messages, read inside a change.

        A change that makes them untrue (a task taken) cancels the pending ones and
        edits the ones sent or in flight.
        """
        rows = await conn.execute_fetchall(
            "SELECT id, recipient_id, status FROM outbox WHERE ref = ? AND edit_of IS NULL"
            " ORDER BY id",
            (ref,),
        )
        return [(int(r[0]), int(r[1]), str(r[2])) for r in rows]

    async def backlog(self) -> Backlog:
        """What waits to be sent (per priority) and how late the oldest due row is."""
        now = self._clock()
        rows = await self._db.fetchall(
            "SELECT priority, COUNT(*), MIN(CASE WHEN not_before <= ? THEN not_before END)"
            " FROM outbox WHERE status = 'pending' GROUP BY priority",
            (to_iso(now),),
        )
        due = [from_iso(str(r[2])) for r in rows if r[2] is not None]
        lag = (now - min(due)).total_seconds() if due else 0.0
        return Backlog({int(r[0]): int(r[1]) for r in rows}, max(0.0, lag))


@dataclass(frozen=True)
class Backlog:
    waiting: dict[int, int]  # priority -> rows pending
    lag_seconds: float  # how long the oldest due row has waited; 0 when none is due


def _pending(row: sqlite3.Row) -> Pending:
    return Pending(
        id=int(row["id"]),
        recipient_id=int(row["recipient_id"]),
        kind=str(row["kind"]),
        message=OutMessage.from_json(row["payload"]),
        attempts=int(row["attempts"]),
        edit_of=row["edit_of"],
        edit_message_id=row["edit_message_id"],
    )
