"""Volunteers: profiles, single-use invite links and who to notify.

Applications to become one are in bot/services/applications.py.

Invite codes are stored only as their SHA-256, so a copy of the database does
not hand out working links. Every change that tells someone something enqueues
that message in the same transaction (the outbox), so nothing is lost or doubled.
"""

from __future__ import annotations

import hashlib
import secrets
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

import aiosqlite

from bot.clock import Clock, from_iso, to_iso
from bot.config import SUPPORTED_LANGUAGES
from bot.db import Database
from bot.i18n import Catalogs, Translator
from bot.services.activities.partners import Partners
from bot.services.audit import Audit
from bot.services.availability import Availability
from bot.services.counts import Counts
from bot.services.outbox import NewRow, Outbox, OutMessage
from bot.services.roles import Role, Roles

INVITE_VALIDITY = timedelta(days=7)
MAX_NAME_LENGTH = 32
INVITE_REF_LENGTH = 12  # hex digits of the code's hash that name an invite in the audit


class InviteResult(StrEnum):
    JOINED = "joined"
    ALREADY = "already"  # already a volunteer; the code is left unused
    USED = "used"
    EXPIRED = "expired"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class Volunteer:
    telegram_id: int
    first_name: str
    languages: tuple[str, ...]
    on_duty: bool
    joined_at: datetime

    @classmethod
    def from_row(cls, row: sqlite3.Row) -> Volunteer:
        return cls(
            telegram_id=int(row["telegram_id"]),
            first_name=str(row["first_name"]),
            languages=tuple(code for code in str(row["languages"]).split(",") if code),
            on_duty=bool(row["on_duty"]),
            joined_at=from_iso(row["joined_at"]),
        )


@dataclass(frozen=True)
class Invite:
    code: str
    expires_at: datetime


def hash_code(code: str) -> str:
    return hashlib.sha256(code.encode()).hexdigest()


def clean_name(text: str) -> str | None:
    """A first name as typed: one line, trimmed, short; None if nothing usable is left."""
    name = " ".join(text.split())[:MAX_NAME_LENGTH].strip()
    return name or None


class Volunteers:
    def __init__(
        self,
        db: Database,
        clock: Clock,
        roles: Roles,
        outbox: Outbox,
        counts: Counts,
        catalogs: Catalogs,
        default_language: str,
        audit: Audit,
        partners: Partners,
    ) -> None:
        self._audit = audit
        self._partners = partners
        self._db = db
        self._clock = clock
        self._roles = roles
        self._outbox = outbox
        self._counts = counts
        self._catalogs = catalogs
        self._default_language = default_language

    # ------------------------------------------------------------------ profiles

    async def get(self, telegram_id: int) -> Volunteer | None:
        """The profile of someone who is a volunteer now (the role is the authority)."""
        row = await self._db.fetchone(
            "SELECT v.* FROM volunteers v JOIN roles r ON r.telegram_id = v.telegram_id"
            " AND r.role = 'volunteer' WHERE v.telegram_id = ?",
            (telegram_id,),
        )
        return Volunteer.from_row(row) if row else None

    async def everyone(self) -> list[Volunteer]:
        """All current volunteers, by first name (for the coordinators' list)."""
        rows = await self._db.fetchall(
            "SELECT v.* FROM volunteers v JOIN roles r ON r.telegram_id = v.telegram_id"
            " AND r.role = 'volunteer' ORDER BY v.first_name COLLATE NOCASE, v.telegram_id"
        )
        return [Volunteer.from_row(r) for r in rows]

    async def deactivate(
        self, telegram_id: int, coordinator_id: int, conn: aiosqlite.Connection
    ) -> bool:
        """End someone's volunteering: the role goes, they go off duty and are thanked.

        Part of ``CallRequests.end_volunteer``, which in the same transaction gives
        the tasks they still hold back, so no resident waiting for a call is
        forgotten and they cannot claim anything in between. False if they were
        no volunteer.
        """
        if not await self._roles.revoke(telegram_id, Role.VOLUNTEER, coordinator_id, conn):
            return False
        await conn.execute(
            "UPDATE volunteers SET on_duty = 0, updated_at = ? WHERE telegram_id = ?",
            (to_iso(self._clock()), telegram_id),
        )
        resident = await resident_facts(conn, telegram_id)
        if resident is not None and resident[2] == "active":
            t = self._catalogs.get(resident[1])
            await self._outbox.enqueue(
                NewRow(
                    telegram_id,
                    OutMessage(
                        t._(
                            "Your time as a Samen volunteer has ended. "
                            "Thank you very much for everything you did!"
                        )
                    ),
                    kind="volunteer",
                ),
                conn,
            )
        return True

    async def first_names(self, ids: Iterable[int]) -> dict[int, str]:
        wanted = sorted(set(ids))
        if not wanted:
            return {}
        rows = await self._db.fetchall(
            "SELECT telegram_id, first_name FROM volunteers"
            f" WHERE telegram_id IN ({','.join('?' * len(wanted))})",
            wanted,
        )
        return {int(r[0]): str(r[1]) for r in rows}

    async def enrol(
        self,
        telegram_id: int,
        first_name: str,
        language: str,
        granted_by: int | None,
        conn: aiosqlite.Connection,
    ) -> None:
        """Make someone a volunteer (role and profile), on duty, speaking their language."""
        now = to_iso(self._clock())
        await self._roles.grant(telegram_id, Role.VOLUNTEER, granted_by, conn)
        await conn.execute(
            "INSERT INTO volunteers (telegram_id, first_name, languages, on_duty, joined_at,"
            " updated_at) VALUES (?, ?, ?, 1, ?, ?) ON CONFLICT (telegram_id) DO UPDATE SET"
            " on_duty = 1, updated_at = excluded.updated_at",
            (telegram_id, clean_name(first_name) or "?", language, now, now),
        )

    async def set_on_duty(self, telegram_id: int, on_duty: bool) -> Volunteer | None:
        await self._db.execute(
            "UPDATE volunteers SET on_duty = ?, updated_at = ? WHERE telegram_id = ?",
            (int(on_duty), to_iso(self._clock()), telegram_id),
        )
        return await self.get(telegram_id)

    async def toggle_language(self, telegram_id: int, language: str) -> Volunteer | None:
        """Add or remove a spoken language; the last one cannot be removed."""
        volunteer = await self.get(telegram_id)
        if volunteer is None or language not in SUPPORTED_LANGUAGES:
            return volunteer
        spoken = set(volunteer.languages)
        spoken ^= {language}
        if not spoken:
            return volunteer
        ordered = ",".join(code for code in SUPPORTED_LANGUAGES if code in spoken)
        await self._db.execute(
            "UPDATE volunteers SET languages = ?, updated_at = ? WHERE telegram_id = ?",
            (ordered, to_iso(self._clock()), telegram_id),
        )
        return await self.get(telegram_id)

    async def set_first_name(self, telegram_id: int, text: str) -> Volunteer | None:
        """The name residents are told; None when the text holds no usable name."""
        name = clean_name(text)
        if name is None:
            return None
        await self._db.execute(
            "UPDATE volunteers SET first_name = ?, updated_at = ? WHERE telegram_id = ?",
            (name, to_iso(self._clock()), telegram_id),
        )
        return await self.get(telegram_id)

    # ------------------------------------------------------------------ invites

    async def create_invite(self, coordinator_id: int, sources: Sequence[str] = ()) -> Invite:
        """A fresh single-use code, valid for seven days; only its hash is stored.

        With ``sources`` it makes a partner of those sources instead of a volunteer.
        """
        code = secrets.token_urlsafe(12)  # 16 characters from [A-Za-z0-9_-]
        now = self._clock()
        expires_at = now + INVITE_VALIDITY
        code_hash = hash_code(code)
        role = Role.PARTNER if sources else Role.VOLUNTEER
        async with self._db.transaction() as conn:
            await conn.execute(
                "INSERT INTO volunteer_invites (code_hash, created_by, created_at, expires_at,"
                " role, sources) VALUES (?, ?, ?, ?, ?, ?)",
                (
                    code_hash,
                    coordinator_id,
                    to_iso(now),
                    to_iso(expires_at),
                    role.value,
                    "\n".join(sources),
                ),
            )
            # The invite's own key, shortened: it names no person and cannot be
            # turned back into the code (the table has no rowid to refer to).
            await self._audit.record(
                "invite.created" if role is Role.VOLUNTEER else "partner.invited",
                actor_id=coordinator_id,
                detail=", ".join(sources) or f"invite {code_hash[:INVITE_REF_LENGTH]}",
                conn=conn,
            )
        return Invite(code, expires_at)

    async def invite_sources(self, code: str) -> tuple[str, ...]:
        """The sources a partner invite is for (none: a volunteer's invite, or no invite)."""
        row = await self._db.fetchone(
            "SELECT sources FROM volunteer_invites WHERE code_hash = ? AND role = 'partner'",
            (hash_code(code),),
        )
        return tuple(str(row[0]).split("\n")) if row else ()

    async def check_invite(self, code: str) -> InviteResult:
        """What would happen with this code, without using it (before consent)."""
        row = await self._db.fetchone(
            "SELECT expires_at, used_by FROM volunteer_invites WHERE code_hash = ?",
            (hash_code(code),),
        )
        if row is None:
            return InviteResult.UNKNOWN
        if row["used_by"] is not None:
            return InviteResult.USED
        if from_iso(row["expires_at"]) <= self._clock():
            return InviteResult.EXPIRED
        return InviteResult.JOINED

    async def redeem_invite(
        self, code: str, telegram_id: int, first_name: str, language: str
    ) -> InviteResult:
        """Use a code once: the first person to redeem it becomes a volunteer (or the
        partner of the invite's sources)."""
        sources = await self.invite_sources(code)
        if not sources and await self._roles.has(telegram_id, Role.VOLUNTEER):
            return InviteResult.ALREADY
        now = to_iso(self._clock())
        async with self._db.transaction() as conn:
            cursor = await conn.execute(
                "UPDATE volunteer_invites SET used_by = ?, used_at = ?"
                " WHERE code_hash = ? AND used_by IS NULL AND expires_at > ?",
                (telegram_id, now, hash_code(code), now),
            )
            used = cursor.rowcount == 1
            await cursor.close()
            if used:
                rows = await conn.execute_fetchall(
                    "SELECT created_by FROM volunteer_invites WHERE code_hash = ?",
                    (hash_code(code),),
                )
                inviter = next(iter(rows))[0]
                if sources:
                    await self._partners.grant(telegram_id, sources, inviter, conn)
                else:
                    await self.enrol(telegram_id, first_name, language, inviter, conn)
        if not used:
            state = await self.check_invite(code)
            return InviteResult.UNKNOWN if state is InviteResult.JOINED else state
        if not sources:
            await self._counts.bump("volunteers_joined")
        return InviteResult.JOINED

    # ------------------------------------------------------------------ recipients

    async def language_of(self, conn: aiosqlite.Connection, telegram_id: int) -> str:
        resident = await resident_facts(conn, telegram_id)
        return resident[1] if resident else self._default_language

    async def coordinators_to_alert(
        self, conn: aiosqlite.Connection
    ) -> list[tuple[int, Translator]]:
        """Coordinators who can be messaged, each with a translator for their language.

        Coordinators from the configuration may never have agreed to anything as a
        resident; staff alerts still reach them, unless they stopped or blocked the bot.
        """
        rows = await conn.execute_fetchall(
            "SELECT ro.telegram_id, COALESCE(r.language, ?) FROM roles ro"
            " LEFT JOIN residents r ON r.telegram_id = ro.telegram_id"
            " WHERE ro.role = 'coordinator' AND COALESCE(r.status, 'active') = 'active'"
            " ORDER BY ro.telegram_id",
            (self._default_language,),
        )
        return [(int(r[0]), self._catalogs.get(str(r[1]))) for r in rows]

    async def on_duty(
        self, conn: aiosqlite.Connection, between: tuple[datetime, datetime] | None = None
    ) -> list[tuple[int, Translator]]:
        """Volunteers on duty who receive messages, with a translator each; with
        ``between``, only those whose availability (if set) fits that moment."""
        rows = list(
            await conn.execute_fetchall(
                "SELECT v.telegram_id, r.language, a.telegram_id AS has_hours, a.days,"
                " a.from_time, a.until_time, a.paused_until FROM volunteers v"
                " JOIN roles ro ON ro.telegram_id = v.telegram_id AND ro.role = 'volunteer'"
                " JOIN residents r ON r.telegram_id = v.telegram_id AND r.status = 'active'"
                " LEFT JOIN volunteer_availability a ON a.telegram_id = v.telegram_id"
                " WHERE v.on_duty = 1 ORDER BY v.telegram_id"
            )
        )
        if between is not None:
            zone = self._catalogs.get(self._default_language).zone
            rows = [
                r
                for r in rows
                if r["has_hours"] is None or Availability.from_row(r).fits(*between, zone)
            ]
        return [(int(r[0]), self._catalogs.get(str(r[1]))) for r in rows]


async def resident_facts(
    conn: aiosqlite.Connection, telegram_id: int
) -> tuple[str, str, str] | None:
    """(first name, language, status) of a resident, read inside a transaction."""
    rows = await conn.execute_fetchall(
        "SELECT first_name, language, status FROM residents WHERE telegram_id = ?",
        (telegram_id,),
    )
    row = next(iter(rows), None)
    return (str(row[0]), str(row[1]), str(row[2])) if row else None
