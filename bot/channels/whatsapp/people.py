"""WhatsApp people: their ids, their 24-hour window, their opt-in, messages seen once.

Meta names a person by a business-scoped user id (BSUID, e.g. ``NL.13491208655302741918``)
and shows the phone number only if the person allows it. Samen's services key people on
an integer, so each BSUID gets an id of its own (``bot.person_ids.whatsapp_id``),
never one a Telegram person could have. The row exists from the first message on: it is
what lets Samen answer at all (and ask for consent); erasure removes it with the rest.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta

from bot.clock import Clock, from_iso, to_iso
from bot.db import Database
from bot.person_ids import whatsapp_id

# Meta allows free-form messages only this long after the person's last message.
WINDOW = timedelta(hours=24)
# Meta retries a webhook for up to a week; an id seen longer ago cannot come back.
INBOUND_MEMORY = timedelta(days=7)


@dataclass(frozen=True)
class Reach:
    """How the messenger can reach one person right now."""

    resident_id: int
    bsuid: str
    language: str | None  # the resident's language, None before consent
    window_open: bool  # free form allowed
    opted_in: bool  # templates (messages Samen starts) allowed


class WhatsAppPeople:
    def __init__(self, db: Database, clock: Clock) -> None:
        self._db = db
        self._clock = clock

    async def person_for(self, bsuid: str, wa_id: str | None = None) -> int:
        """The resident id of this BSUID, made on first sight; keeps the phone up to date."""
        row = await self._db.fetchone(
            "SELECT resident_id FROM whatsapp_people WHERE bsuid = ?", (bsuid,)
        )
        if row is not None:
            if wa_id:
                await self._db.execute(
                    "UPDATE whatsapp_people SET wa_id = ? WHERE bsuid = ?", (wa_id, bsuid)
                )
            return int(row[0])
        async with self._db.transaction() as conn:
            cursor = await conn.execute(
                "INSERT INTO whatsapp_people (resident_id, bsuid, wa_id, created_at)"
                " VALUES (0, ?, ?, ?)",
                (bsuid, wa_id or None, to_iso(self._clock())),
            )
            seq = int(cursor.lastrowid or 0)
            await cursor.close()
            resident_id = whatsapp_id(seq)
            await conn.execute(
                "UPDATE whatsapp_people SET resident_id = ? WHERE seq = ?", (resident_id, seq)
            )
        return resident_id

    async def resident_of(self, bsuid: str) -> int | None:
        """The id this account has now (linking to Telegram changes it), if it has one."""
        row = await self._db.fetchone(
            "SELECT resident_id FROM whatsapp_people WHERE bsuid = ?", (bsuid,)
        )
        return None if row is None else int(row[0])

    async def bsuid_of(self, resident_id: int) -> str | None:
        row = await self._db.fetchone(
            "SELECT bsuid FROM whatsapp_people WHERE resident_id = ?", (resident_id,)
        )
        return None if row is None else str(row[0])

    async def phone_of(self, resident_id: int) -> str | None:
        """The number Meta showed for this person ('+31...'), if it did."""
        row = await self._db.fetchone(
            "SELECT wa_id FROM whatsapp_people WHERE resident_id = ?", (resident_id,)
        )
        return None if row is None or not row[0] else "+" + str(row[0])

    async def heard_from(self, resident_id: int) -> None:
        """The person wrote: the 24-hour window (re)opens now."""
        await self._db.execute(
            "UPDATE whatsapp_people SET last_inbound_at = ? WHERE resident_id = ?",
            (to_iso(self._clock()), resident_id),
        )

    async def set_opt_in(self, resident_id: int, yes: bool) -> None:
        """The person's explicit answer to "may Samen message you first?"."""
        now = to_iso(self._clock())
        await self._db.execute(
            "UPDATE whatsapp_people SET opted_in_at = ?, opt_in_asked_at = ? WHERE resident_id = ?",
            (now if yes else None, now, resident_id),
        )

    async def opt_in_to_ask(self, resident_id: int) -> bool:
        """True the first time after consent: Samen asks about messages it starts once;
        the answer can be changed later by tapping the other button."""
        changed = await self._db.execute(
            "UPDATE whatsapp_people SET opt_in_asked_at = ? WHERE resident_id = ?"
            " AND opt_in_asked_at IS NULL"
            " AND EXISTS (SELECT 1 FROM residents WHERE telegram_id = ?)",
            (to_iso(self._clock()), resident_id, resident_id),
        )
        return changed > 0

    async def first_sight(self, message_id: str) -> bool:
        """True once per incoming message id: Meta may deliver a message twice."""
        now = self._clock()
        async with self._db.transaction() as conn:
            await conn.execute(
                "DELETE FROM whatsapp_inbound WHERE received_at < ?",
                (to_iso(now - INBOUND_MEMORY),),
            )
            cursor = await conn.execute(
                "INSERT INTO whatsapp_inbound (message_id, received_at) VALUES (?, ?)"
                " ON CONFLICT DO NOTHING",
                (message_id, to_iso(now)),
            )
            fresh = cursor.rowcount > 0
            await cursor.close()
        return fresh

    async def forget_message(self, message_id: str) -> None:
        """Handling it failed: let Meta's next delivery of it count as the first."""
        await self._db.execute("DELETE FROM whatsapp_inbound WHERE message_id = ?", (message_id,))

    async def reach(self, resident_ids: Sequence[int]) -> dict[int, Reach]:
        """How to reach each of these people (unknown ids are left out)."""
        if not resident_ids:
            return {}
        marks = ",".join("?" * len(resident_ids))
        rows = await self._db.fetchall(
            "SELECT w.resident_id, w.bsuid, w.last_inbound_at, w.opted_in_at, r.language"
            " FROM whatsapp_people w LEFT JOIN residents r ON r.telegram_id = w.resident_id"
            f" WHERE w.resident_id IN ({marks})",
            list(resident_ids),
        )
        opens_after = self._clock() - WINDOW
        return {
            int(r[0]): Reach(
                resident_id=int(r[0]),
                bsuid=str(r[1]),
                language=r[4],
                window_open=r[2] is not None and from_iso(r[2]) > opens_after,
                opted_in=r[3] is not None,
            )
            for r in rows
        }
