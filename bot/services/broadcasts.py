"""Broadcasts: a coordinator's announcement to an audience, delivered through the outbox.

A broadcast is a row from the first draft on, so a restart in the middle of
writing, scheduling or sending loses nothing. Recipients are chosen when it is
queued: residents who agreed, are active (not stopped, not unreachable) and fit
the audience. Every recipient gets one outbox row with a dedupe key, so queuing
twice (after a crash) never sends twice.
"""

from __future__ import annotations

import hashlib
import re
import sqlite3
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from babel.dates import format_timedelta
from babel.numbers import format_decimal

from bot.clock import Clock, from_iso, to_iso
from bot.db import Database
from bot.i18n import Catalogs, Translator
from bot.services.audit import Audit
from bot.services.counts import Counts
from bot.services.outbox import NewRow, Outbox, OutMessage, Priority

TEXT_LIMIT = 4096  # Telegram's limit for a message
CAPTION_LIMIT = 1024  # and for a photo caption


class AudienceKind(StrEnum):
    ALL = "all"
    LANGUAGE = "lang"
    AREA = "area"
    VOLUNTEERS = "vol"


_AUDIENCE = re.compile(r"all|vol|lang:(nl|en)|area:([1-9][0-9]{3})")


@dataclass(frozen=True)
class Audience:
    kind: AudienceKind
    value: str = ""

    def encode(self) -> str:
        return f"{self.kind.value}:{self.value}" if self.value else self.kind.value

    @classmethod
    def decode(cls, text: str) -> Audience | None:
        if not _AUDIENCE.fullmatch(text):
            return None
        kind, _, value = text.partition(":")
        return cls(AudienceKind(kind), value)

    def where(self) -> tuple[str, tuple[object, ...]]:
        """SQL over ``residents r`` choosing this audience's recipients."""
        base = "r.status = 'active'"
        if self.kind is AudienceKind.LANGUAGE:
            return base + " AND r.language = ?", (self.value,)
        if self.kind is AudienceKind.AREA:
            return base + " AND r.postcode_area = ?", (self.value,)
        if self.kind is AudienceKind.VOLUNTEERS:
            return (
                base + " AND EXISTS (SELECT 1 FROM roles o WHERE o.telegram_id = r.telegram_id"
                " AND o.role = 'volunteer')",
                (),
            )
        return base, ()


class Status(StrEnum):
    DRAFT = "draft"
    SCHEDULED = "scheduled"
    SENDING = "sending"
    DONE = "done"
    CANCELLED = "cancelled"


@dataclass(frozen=True)
class Broadcast:
    id: int
    author_id: int
    language: str
    text: str
    photo_file_id: str | None
    audience: Audience | None
    status: Status
    send_at: datetime | None
    recipients: int | None
    progress_outbox_id: int | None
    progress_shown: str | None
    queued_at: datetime | None
    finished_at: datetime | None

    @property
    def ref(self) -> str:
        return f"broadcast:{self.id}"

    def message(self) -> OutMessage:
        return OutMessage(self.text, photo=self.photo_file_id)

    @classmethod
    def from_row(cls, row: sqlite3.Row) -> Broadcast:
        def when(value: str | None) -> datetime | None:
            return from_iso(value) if value else None

        return cls(
            id=int(row["id"]),
            author_id=int(row["author_id"]),
            language=str(row["language"]),
            text=str(row["text"]),
            photo_file_id=row["photo_file_id"],
            audience=Audience.decode(row["audience"]) if row["audience"] else None,
            status=Status(row["status"]),
            send_at=when(row["send_at"]),
            recipients=row["recipients"],
            progress_outbox_id=row["progress_outbox_id"],
            progress_shown=row["progress_shown"],
            queued_at=when(row["queued_at"]),
            finished_at=when(row["finished_at"]),
        )


@dataclass(frozen=True)
class Progress:
    """Where delivery stands, from the outbox rows that still exist (a recipient who
    erased their data meanwhile simply drops out)."""

    sent: int
    blocked: int
    failed: int
    to_go: int

    @property
    def total(self) -> int:
        return self.sent + self.blocked + self.failed + self.to_go

    @property
    def done(self) -> bool:
        return self.to_go == 0


def telegram_length(text: str) -> int:
    """A text's length as Telegram counts it: UTF-16 code units, so an emoji may count
    two (a coordinator writing on WhatsApp, which counts characters, can go over)."""
    return len(text.encode("utf-16-le")) // 2


def too_long(text: str, has_photo: bool) -> int | None:
    """The limit a text breaks (4,096, or 1,024 for a caption), or None if it fits."""
    limit = CAPTION_LIMIT if has_photo else TEXT_LIMIT
    return limit if telegram_length(text) > limit else None


def progress_text(t: Translator, progress: Progress, took: timedelta | None) -> str:
    """The coordinator's status message: a text bar and counts, then the final report."""

    def number(n: int) -> str:
        return format_decimal(n, locale=t.locale)

    if took is not None:
        return t._(
            "<b>Broadcast finished</b> in %(took)s.\n"
            "Delivered: %(sent)s\nBlocked the bot: %(blocked)s\nFailed: %(failed)s",
            took=format_timedelta(took, locale=t.locale, threshold=1.5),
            sent=number(progress.sent),
            blocked=number(progress.blocked),
            failed=number(progress.failed),
        )
    done = progress.total - progress.to_go
    share = done / progress.total if progress.total else 1.0
    filled = round(share * 10)
    bar = "▓" * filled + "░" * (10 - filled)
    return t._(
        "<b>Sending…</b>\n%(bar)s %(percent)s%%\n"
        "Sent: %(sent)s · To go: %(to_go)s · Failed: %(failed)s",
        bar=bar,
        percent=round(share * 100),
        sent=number(progress.sent),
        to_go=number(progress.to_go),
        failed=number(progress.failed + progress.blocked),
    )


def _progress_row(broadcast: Broadcast, text: str, suffix: str) -> NewRow:
    """The author's progress message (or an edit of it): urgent, once per text."""
    return NewRow(
        broadcast.author_id,
        OutMessage(text),
        kind="broadcast-progress",
        ref=f"{broadcast.ref}:progress",
        dedupe_key=f"{broadcast.ref}:progress{suffix}",
        priority=Priority.URGENT,
    )


class Broadcasts:
    def __init__(
        self,
        db: Database,
        clock: Clock,
        outbox: Outbox,
        audit: Audit,
        counts: Counts,
        catalogs: Catalogs,
    ) -> None:
        self._db = db
        self._clock = clock
        self._outbox = outbox
        self._audit = audit
        self._counts = counts
        self._catalogs = catalogs

    async def get(self, broadcast_id: int) -> Broadcast | None:
        row = await self._db.fetchone("SELECT * FROM broadcasts WHERE id = ?", (broadcast_id,))
        return Broadcast.from_row(row) if row else None

    async def draft(
        self, author_id: int, language: str, text: str, photo_file_id: str | None
    ) -> Broadcast:
        if too_long(text, photo_file_id is not None):
            raise ValueError("text too long for Telegram")
        async with self._db.transaction() as conn:
            cursor = await conn.execute(
                "INSERT INTO broadcasts (author_id, language, text, photo_file_id, created_at)"
                " VALUES (?, ?, ?, ?, ?)",
                (author_id, language, text, photo_file_id, to_iso(self._clock())),
            )
            new_id = cursor.lastrowid
            await cursor.close()
        created = await self.get(int(new_id or 0))
        assert created is not None
        return created

    async def latest_draft(self, author_id: int) -> Broadcast | None:
        """The author's newest draft with an audience: the one a typed time is for."""
        row = await self._db.fetchone(
            "SELECT * FROM broadcasts WHERE author_id = ? AND status = 'draft'"
            " AND audience IS NOT NULL ORDER BY id DESC LIMIT 1",
            (author_id,),
        )
        return Broadcast.from_row(row) if row else None

    async def count(self, audience: Audience) -> int:
        where, params = audience.where()
        row = await self._db.fetchone(f"SELECT COUNT(*) FROM residents r WHERE {where}", params)
        return int(row[0]) if row else 0

    async def areas(self) -> list[tuple[str, int]]:
        """Postcode areas with at least one reachable resident, and how many."""
        rows = await self._db.fetchall(
            "SELECT postcode_area, COUNT(*) FROM residents WHERE status = 'active'"
            " AND postcode_area IS NOT NULL GROUP BY postcode_area ORDER BY postcode_area"
        )
        return [(str(r[0]), int(r[1])) for r in rows]

    async def set_audience(self, broadcast_id: int, audience: Audience) -> bool:
        changed = await self._db.execute(
            "UPDATE broadcasts SET audience = ? WHERE id = ? AND status = 'draft'",
            (audience.encode(), broadcast_id),
        )
        return changed > 0

    async def schedule(self, broadcast_id: int, actor_id: int, send_at: datetime) -> bool:
        """Send at ``send_at`` (a scheduler tick queues it then); only the author plans
        their own draft."""
        async with self._db.transaction() as conn:
            cursor = await conn.execute(
                "UPDATE broadcasts SET status = 'scheduled', send_at = ?"
                " WHERE id = ? AND author_id = ? AND status = 'draft' AND audience IS NOT NULL",
                (to_iso(send_at), broadcast_id, actor_id),
            )
            changed = cursor.rowcount
            await cursor.close()
            if changed:
                await self._audit.record(
                    "broadcast.scheduled",
                    actor_id=actor_id,
                    detail=f"broadcast {broadcast_id}",
                    conn=conn,
                )
        return changed > 0

    async def send_now(self, broadcast_id: int, actor_id: int) -> int:
        """Queue a draft for everyone in its audience now; returns the number of recipients,
        or -1 when it was no longer a draft (a second tap on "send")."""
        async with self._db.transaction() as conn:
            cursor = await conn.execute(
                "UPDATE broadcasts SET status = 'scheduled', send_at = ?"
                " WHERE id = ? AND status = 'draft' AND audience IS NOT NULL",
                (to_iso(self._clock()), broadcast_id),
            )
            changed = cursor.rowcount
            await cursor.close()
            if changed:
                await self._audit.record(
                    "broadcast.sent",
                    actor_id=actor_id,
                    detail=f"broadcast {broadcast_id}",
                    conn=conn,
                )
        if not changed:
            return -1
        await self._queue(broadcast_id)  # (or the tick, if it came first: same result)
        queued = await self.get(broadcast_id)
        return queued.recipients or 0 if queued else 0

    async def queue_due(self) -> list[int]:
        """Tick: queue every scheduled broadcast whose time has come."""
        rows = await self._db.fetchall(
            "SELECT id FROM broadcasts WHERE status = 'scheduled' AND send_at <= ?",
            (to_iso(self._clock()),),
        )
        for row in rows:
            await self._queue(int(row[0]))
        return [int(r[0]) for r in rows]

    async def _queue(self, broadcast_id: int) -> int:
        """Choose the recipients and write one outbox row each, plus the author's
        progress message, in one transaction that first claims the broadcast (so a
        cancel or a second queue at the same moment cannot both win)."""
        async with self._db.transaction() as conn:
            cursor = await conn.execute(
                "UPDATE broadcasts SET status = 'sending', queued_at = ?"
                " WHERE id = ? AND status = 'scheduled' AND audience IS NOT NULL",
                (to_iso(self._clock()), broadcast_id),
            )
            claimed = cursor.rowcount == 1
            await cursor.close()
            if not claimed:
                return 0
            row = next(
                iter(
                    await conn.execute_fetchall(
                        "SELECT * FROM broadcasts WHERE id = ?", (broadcast_id,)
                    )
                )
            )
            broadcast = Broadcast.from_row(row)
            assert broadcast.audience is not None
            where, params = broadcast.audience.where()
            recipients = [
                int(r[0])
                for r in await conn.execute_fetchall(
                    f"SELECT r.telegram_id FROM residents r WHERE {where}", params
                )
            ]
            message = broadcast.message()
            await self._outbox.enqueue_many(
                (
                    NewRow(
                        recipient,
                        message,
                        kind="broadcast",
                        ref=broadcast.ref,
                        dedupe_key=f"{broadcast.ref}:{recipient}",
                        priority=Priority.BULK,
                    )
                    for recipient in recipients
                ),
                conn,
            )
            t = self._catalogs.get(broadcast.language)
            first = progress_text(t, Progress(0, 0, 0, len(recipients)), None)
            progress_id = await self._outbox.enqueue(_progress_row(broadcast, first, ""), conn)
            await conn.execute(
                "UPDATE broadcasts SET recipients = ?, progress_shown = ?,"
                " progress_outbox_id = COALESCE(?, progress_outbox_id) WHERE id = ?",
                (len(recipients), first, progress_id, broadcast_id),
            )
        return len(recipients)

    async def cancel(self, broadcast_id: int, actor_id: int) -> Status | None:
        """Cancel a draft or scheduled broadcast, or stop one that is sending; returns
        the status it had, or None when there was nothing left to cancel."""
        async with self._db.transaction() as conn:
            rows = await conn.execute_fetchall(
                "SELECT status FROM broadcasts WHERE id = ?", (broadcast_id,)
            )
            row = next(iter(rows), None)
            if row is None or row[0] in (Status.DONE, Status.CANCELLED):
                return None
            was = Status(row[0])
            if was is Status.SENDING:
                await conn.execute(
                    "UPDATE outbox SET status = 'cancelled' WHERE ref = ? AND status = 'pending'",
                    (f"broadcast:{broadcast_id}",),
                )
            await conn.execute(
                "UPDATE broadcasts SET status = 'cancelled', finished_at = ? WHERE id = ?",
                (to_iso(self._clock()), broadcast_id),
            )
            await self._audit.record(
                "broadcast.cancelled",
                actor_id=actor_id,
                detail=f"broadcast {broadcast_id}",
                conn=conn,
            )
        return was

    async def scheduled(self) -> list[Broadcast]:
        rows = await self._db.fetchall(
            "SELECT * FROM broadcasts WHERE status IN ('scheduled', 'sending')"
            " ORDER BY COALESCE(send_at, created_at)"
        )
        return [Broadcast.from_row(r) for r in rows]

    async def sending(self) -> list[Broadcast]:
        rows = await self._db.fetchall("SELECT * FROM broadcasts WHERE status = 'sending'")
        return [Broadcast.from_row(r) for r in rows]

    async def progress(self, broadcast: Broadcast) -> Progress:
        counts = await self._outbox.counts(broadcast.ref)
        return Progress(
            sent=counts.get("sent", 0),
            blocked=counts.get("blocked", 0),
            failed=counts.get("failed", 0) + counts.get("cancelled", 0),
            to_go=counts.get("pending", 0) + counts.get("sending", 0),
        )

    async def report_progress(self) -> None:
        """Tick: update each sending broadcast's progress message when its counts moved,
        and finish it with a report when nothing is left to send."""
        for broadcast in await self.sending():
            progress = await self.progress(broadcast)
            now = self._clock()
            took = (now - broadcast.queued_at) if progress.done and broadcast.queued_at else None
            async with self._db.transaction() as conn:
                t = self._catalogs.get(broadcast.language)
                text = progress_text(t, progress, took)
                if text != broadcast.progress_shown and broadcast.progress_outbox_id:
                    digest = hashlib.sha256(text.encode()).hexdigest()[:16]
                    await self._outbox.enqueue_edit(
                        broadcast.progress_outbox_id,
                        _progress_row(broadcast, text, f":{digest}"),
                        conn,
                    )
                await conn.execute(
                    "UPDATE broadcasts SET progress_shown = ?,"
                    " status = CASE WHEN ? THEN 'done' ELSE status END,"
                    " finished_at = CASE WHEN ? THEN ? ELSE finished_at END WHERE id = ?",
                    (text, progress.done, progress.done, to_iso(now), broadcast.id),
                )
            if progress.done:
                await self._counts.bump("broadcasts_sent")
                await self._counts.bump("broadcast_messages_delivered", progress.sent)
