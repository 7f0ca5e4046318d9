"""Applications: a resident offers to become a volunteer, a coordinator decides once.

Every coordinator is asked with approve/decline buttons; the decision, the
applicant's answer and the other coordinators' settled questions are enqueued in
the outbox in the same transaction, so nothing is lost or doubled.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from datetime import datetime
from enum import StrEnum

import aiosqlite

from bot.buttons import Prefix, encode
from bot.clock import Clock, from_iso, to_iso
from bot.db import Database
from bot.i18n import Catalogs, Translator
from bot.services.counts import Counts
from bot.services.outbox import Button, NewRow, Outbox, OutMessage
from bot.services.roles import Role, Roles
from bot.services.volunteers import Volunteers, resident_facts

# A decision counts only for the application this coordinator was asked about:
# their question was made with it, not before it (before migration 0008 an erased
# applicant's id could come back for someone else, under the old question).
_ASKED = (
    " AND EXISTS (SELECT 1 FROM outbox o WHERE o.dedupe_key ="
    " 'application:' || volunteer_applications.id || ':ask:' || :coordinator"
    " AND o.created_at >= volunteer_applications.created_at)"
)


class ApplyResult(StrEnum):
    SENT = "sent"
    PENDING = "pending"  # an earlier application still waits for a decision
    ALREADY = "already"  # already a volunteer


class DecideResult(StrEnum):
    APPROVED = "approved"
    DECLINED = "declined"
    ALREADY_DECIDED = "already_decided"
    UNKNOWN = "unknown"


class Applications:
    def __init__(
        self,
        db: Database,
        clock: Clock,
        roles: Roles,
        outbox: Outbox,
        counts: Counts,
        catalogs: Catalogs,
        default_language: str,
        volunteers: Volunteers,
    ) -> None:
        self._db = db
        self._clock = clock
        self._roles = roles
        self._outbox = outbox
        self._counts = counts
        self._catalogs = catalogs
        self._default_language = default_language
        self._volunteers = volunteers

    async def apply(self, telegram_id: int) -> ApplyResult:
        """A resident offers to help; every coordinator gets approve/decline buttons."""
        if await self._roles.has(telegram_id, Role.VOLUNTEER):
            return ApplyResult.ALREADY
        now = to_iso(self._clock())
        async with self._db.transaction() as conn:
            cursor = await conn.execute(
                "INSERT INTO volunteer_applications (telegram_id, created_at) VALUES (?, ?)"
                " ON CONFLICT DO NOTHING",
                (telegram_id, now),
            )
            application_id = cursor.lastrowid if cursor.rowcount else None
            await cursor.close()
            if application_id is None:
                return ApplyResult.PENDING
            applicant = await resident_facts(conn, telegram_id)
            name = applicant[0] if applicant else "?"
            language = applicant[1] if applicant else self._default_language
            for coordinator, t in await self._volunteers.coordinators_to_alert(conn):
                text = t._(
                    "🙋 <b>Someone wants to become a volunteer</b>\n\n"
                    "Name: %(link)s\nLanguage: %(language)s\n\n"
                    "Tap the name to send a message first, if you like.",
                    link=_mention(telegram_id, name),
                    language=t.locale.languages.get(language, language),
                )
                buttons = (
                    (
                        Button(t._("✅ Approve"), _decision(application_id, "yes")),
                        Button(t._("❌ Decline"), _decision(application_id, "no")),
                    ),
                )
                await self._outbox.enqueue(
                    NewRow(
                        coordinator,
                        OutMessage(text, buttons),
                        kind="application",
                        ref=f"application:{application_id}",
                        dedupe_key=f"application:{application_id}:ask:{coordinator}",
                    ),
                    conn,
                )
        await self._counts.bump("volunteer_applications")
        return ApplyResult.SENT

    async def decide(
        self, application_id: int, coordinator_id: int, approve: bool
    ) -> tuple[DecideResult, str]:
        """Approve or decline once; returns the result and the applicant's first name.

        The applicant is told; the other coordinators' questions are updated.
        UNKNOWN when the application is gone (erased) or is not the one this
        coordinator was asked about: a button never decides about someone else.
        """
        params = {
            "status": "approved" if approve else "declined",
            "coordinator": coordinator_id,
            "now": to_iso(self._clock()),
            "id": application_id,
        }
        async with self._db.transaction() as conn:
            cursor = await conn.execute(
                "UPDATE volunteer_applications SET status = :status, decided_by = :coordinator,"
                " decided_at = :now WHERE id = :id AND status = 'pending'" + _ASKED,
                params,
            )
            decided = cursor.rowcount == 1
            await cursor.close()
            rows = await conn.execute_fetchall(
                "SELECT telegram_id FROM volunteer_applications WHERE id = :id" + _ASKED, params
            )
            row = next(iter(rows), None)
            if row is None:
                return DecideResult.UNKNOWN, ""
            applicant_id = int(row[0])
            applicant = await resident_facts(conn, applicant_id)
            name = applicant[0] if applicant else "?"
            if not decided:
                return DecideResult.ALREADY_DECIDED, name
            if applicant is not None:
                await self._answer(
                    conn, application_id, applicant_id, applicant, (coordinator_id, approve)
                )
            await self._settle_questions(
                conn,
                application_id,
                lambda t: (
                    t._("✅ %(name)s was approved as a volunteer.", name=html.escape(name))
                    if approve
                    else t._("❌ The application of %(name)s was declined.", name=html.escape(name))
                ),
                skip=coordinator_id,  # the handler edits the message that was pressed
            )
        if approve:
            await self._counts.bump("volunteers_joined")
        return (DecideResult.APPROVED if approve else DecideResult.DECLINED), name

    async def _answer(
        self,
        conn: aiosqlite.Connection,
        application_id: int,
        applicant_id: int,
        applicant: tuple[str, str, str],
        decided_by: tuple[int, bool],
    ) -> None:
        """Enrol an approved applicant; tell them the decision unless they stopped messages."""
        name, language, status = applicant
        coordinator_id, approve = decided_by
        t = self._catalogs.get(language)
        if approve:
            await self._volunteers.enrol(applicant_id, name, language, coordinator_id, conn)
            text = t._(
                "🎉 Welcome to the team! You are now a Samen volunteer.\n\n"
                "You will get a message when someone asks for a phone call. "
                "Tap “🤝 I want to help” to see your tasks and your profile."
            )
        else:
            text = t._(
                "Thank you for offering to help. Right now we cannot add you as a "
                "volunteer. A coordinator will get in touch to tell you more."
            )
        if status != "active":
            return
        await self._outbox.enqueue(
            NewRow(
                applicant_id,
                OutMessage(text),
                kind="application",
                ref=f"application:{application_id}:answer",
                dedupe_key=f"application:{application_id}:answer",
            ),
            conn,
        )

    async def withdraw_application(self, telegram_id: int) -> None:
        """Before "Delete everything": the coordinators' questions about this person's
        waiting application lose their name and buttons (the erasure then removes it)."""
        async with self._db.transaction() as conn:
            rows = await conn.execute_fetchall(
                "SELECT id FROM volunteer_applications WHERE telegram_id = ?"
                " AND status = 'pending'",
                (telegram_id,),
            )
            for row in rows:
                await self._settle_questions(
                    conn,
                    int(row[0]),
                    lambda t: t._("An application to become a volunteer was withdrawn."),
                )

    async def _settle_questions(
        self,
        conn: aiosqlite.Connection,
        application_id: int,
        text_for: Callable[[Translator], str],
        skip: int | None = None,
    ) -> None:
        """The coordinators' approve/decline messages now say what became of it."""
        for outbox_id, recipient, status in await self._outbox.originals(
            f"application:{application_id}", conn
        ):
            if recipient == skip:
                continue
            if status == "pending":
                await self._outbox.cancel_pending([outbox_id], conn)
                continue
            if status not in ("sending", "sent"):
                continue
            t = self._catalogs.get(await self._volunteers.language_of(conn, recipient))
            await self._outbox.enqueue_edit(
                outbox_id,
                NewRow(
                    recipient,
                    OutMessage(text_for(t)),
                    kind="application",
                    dedupe_key=f"application:{application_id}:settled:{outbox_id}",
                ),
                conn,
            )

    async def applicant_of(self, application_id: int) -> int | None:
        """Who made an application (to offer a new volunteer the waiting tasks)."""
        row = await self._db.fetchone(
            "SELECT telegram_id FROM volunteer_applications WHERE id = ?", (application_id,)
        )
        return int(row[0]) if row else None

    async def pending_applications(self) -> list[tuple[int, int, str, datetime]]:
        """(application id, applicant id, first name, asked at), oldest first."""
        rows = await self._db.fetchall(
            "SELECT a.id, a.telegram_id, COALESCE(r.first_name, '?'), a.created_at"
            " FROM volunteer_applications a LEFT JOIN residents r ON r.telegram_id = a.telegram_id"
            " WHERE a.status = 'pending' ORDER BY a.id LIMIT 20"
        )
        return [(int(r[0]), int(r[1]), str(r[2]), from_iso(r[3])) for r in rows]


def _decision(application_id: int, decision: str) -> str:
    return encode(Prefix.APPLICATION, decision, str(application_id))


def _mention(telegram_id: int, name: str) -> str:
    """A tappable name that opens a chat with the person (Telegram's tg://user link)."""
    return f'<a href="tg://user?id={telegram_id}">{html.escape(name)}</a>'
