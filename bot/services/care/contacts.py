"""The resident's emergency contact: step 3 of the safety net (``safety.py``).

The resident names someone and forwards them an invite link; only when that person
opens it and agrees is their chat id kept, and only then does the safety net tell
them anything. The resident can replace or remove the contact at any time; the
contact can stop too. One contact per resident: the row is the whole state.
"""

from __future__ import annotations

import html
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from bot.clock import Clock, from_iso, to_iso
from bot.db import Database
from bot.i18n import Catalogs, Translator
from bot.services.care.kinds import NET_NEWS
from bot.services.counts import Counts
from bot.services.outbox import NewRow, Outbox, OutMessage

CODE_PREFIX = "ec"  # /start ec<16 characters>: not a volunteer invite (16 characters)
MAX_NAME = 40


@dataclass(frozen=True)
class EmergencyContact:
    resident_id: int
    name: str
    invite_code: str
    contact_id: int | None
    confirmed_at: datetime | None

    @property
    def confirmed(self) -> bool:
        return self.contact_id is not None


class Confirmed(StrEnum):
    YES = "yes"
    UNKNOWN = "unknown"  # no such invite (removed, replaced, or mistyped)
    SELF = "self"  # the resident opened their own link


@dataclass(frozen=True)
class Invitation:
    """What the person who opened the link is shown: whose contact they would be."""

    resident_id: int
    resident_first_name: str
    contact_id: int | None


def clean_name(text: str) -> str | None:
    """The name as the resident typed it, or None when it is empty or too long."""
    name = " ".join(text.split())
    return name if 0 < len(name) <= MAX_NAME else None


class EmergencyContacts:
    def __init__(
        self, db: Database, clock: Clock, counts: Counts, outbox: Outbox, catalogs: Catalogs
    ) -> None:
        self._db = db
        self._clock = clock
        self._counts = counts
        self._outbox = outbox
        self._catalogs = catalogs

    async def get(self, resident_id: int) -> EmergencyContact | None:
        row = await self._db.fetchone(
            "SELECT * FROM emergency_contacts WHERE resident_id = ?", (resident_id,)
        )
        if row is None:
            return None
        return EmergencyContact(
            resident_id=int(row["resident_id"]),
            name=str(row["name"]),
            invite_code=str(row["invite_code"]),
            contact_id=row["contact_id"],
            confirmed_at=from_iso(row["confirmed_at"]) if row["confirmed_at"] else None,
        )

    async def invite(self, resident_id: int, name: str) -> EmergencyContact:
        """Name a (new) contact: a fresh code, and any earlier contact is no longer one."""
        code = CODE_PREFIX + secrets.token_urlsafe(12)
        await self._db.execute(
            "INSERT INTO emergency_contacts (resident_id, name, invite_code, invited_at)"
            " VALUES (?, ?, ?, ?) ON CONFLICT (resident_id) DO UPDATE SET"
            " name = excluded.name, invite_code = excluded.invite_code,"
            " invited_at = excluded.invited_at, contact_id = NULL, contact_language = NULL,"
            " confirmed_at = NULL",
            (resident_id, name, code, to_iso(self._clock())),
        )
        contact = await self.get(resident_id)
        assert contact is not None
        return contact

    async def invitation(self, code: str) -> Invitation | None:
        row = await self._db.fetchone(
            "SELECT e.resident_id, e.contact_id, r.first_name FROM emergency_contacts e"
            " JOIN residents r ON r.telegram_id = e.resident_id WHERE e.invite_code = ?",
            (code,),
        )
        if row is None:
            return None
        return Invitation(int(row[0]), str(row[2]), row[1])

    async def confirm(
        self, code: str, contact_id: int, language: str
    ) -> tuple[Confirmed, int | None]:
        """The person who opened the link agrees; (result, the resident's id)."""
        invitation = await self.invitation(code)
        if invitation is None:
            return Confirmed.UNKNOWN, None
        if invitation.resident_id == contact_id:
            return Confirmed.SELF, invitation.resident_id
        if invitation.contact_id not in (None, contact_id):
            return Confirmed.UNKNOWN, None  # someone else opened this link first
        changed = await self._db.execute(
            "UPDATE emergency_contacts SET contact_id = ?, contact_language = ?,"
            " confirmed_at = ? WHERE invite_code = ? AND contact_id IS NULL",
            (contact_id, language, to_iso(self._clock()), code),
        )
        if changed:
            await self._counts.bump("emergency_contacts_confirmed")
            await self._tell_resident(invitation.resident_id, code, _confirmed_text)
        return Confirmed.YES, invitation.resident_id

    async def remove(self, resident_id: int) -> bool:
        """The resident no longer wants a contact (the safety net goes to the coordinators)."""
        return (
            await self._db.execute(
                "DELETE FROM emergency_contacts WHERE resident_id = ?", (resident_id,)
            )
            > 0
        )

    async def withdraw(self, code: str, contact_id: int) -> int | None:
        """The contact stops being one (the resident is told); the resident's id."""
        contact = await self._db.fetchone(
            "SELECT resident_id FROM emergency_contacts WHERE invite_code = ? AND contact_id = ?",
            (code, contact_id),
        )
        if contact is None:
            return None
        await self._tell_resident(int(contact[0]), code, _withdrawn_text)
        await self._db.execute("DELETE FROM emergency_contacts WHERE invite_code = ?", (code,))
        return int(contact[0])

    async def _tell_resident(
        self, resident_id: int, code: str, text_for: Callable[[Translator, str], str]
    ) -> None:
        row = await self._db.fetchone(
            "SELECT r.language, e.name FROM residents r JOIN emergency_contacts e"
            " ON e.resident_id = r.telegram_id WHERE e.invite_code = ?",
            (code,),
        )
        if row is None:
            return
        t = self._catalogs.get(str(row[0]))
        await self._outbox.enqueue(
            NewRow(
                resident_id,
                OutMessage(text_for(t, html.escape(str(row[1])))),
                kind=NET_NEWS,
                ref=f"emergency-contact:{resident_id}",
            )
        )


def _confirmed_text(t: Translator, name: str) -> str:
    return t._(
        "✅ %(name)s said yes. %(name)s is now your emergency contact for the safety net.",
        name=name,
    )


def _withdrawn_text(t: Translator, name: str) -> str:
    return t._(
        "%(name)s is no longer your emergency contact. "
        "You can name someone else under “💬 Check-ins”.",
        name=name,
    )
