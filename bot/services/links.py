"""One resident, two apps: link a Telegram and a WhatsApp account with a one-time code.

The resident asks for a code in one app and sends it in the other ("/start <code>").
A linked resident keeps one id: their Telegram id, because the Telegram adapter keys
people on it. Linking therefore moves whatever the WhatsApp account had onto the
Telegram id, in one transaction over every personal table (``privacy.PERSONAL_TABLES``),
and points the WhatsApp account at it. Only one of the two may have agreed to the
privacy text before: Samen never merges two residents. Messages Samen starts go to the
app the resident wrote in last (``residents.last_channel``, read by the outbox).
Unlinking gives the WhatsApp account a fresh id of its own: it starts anew; the data
stays with the Telegram id.
"""

from __future__ import annotations

import hashlib
import secrets
import sqlite3
from datetime import datetime, timedelta
from enum import StrEnum

from bot.clock import Clock, to_iso
from bot.db import Database
from bot.person_ids import Channel, channel_of, whatsapp_id
from bot.services.privacy import NAMED_IN_OTHERS, PERSONAL_TABLES

LINK_VALIDITY = timedelta(minutes=15)
# No 0/O, 1/I/L: read aloud or typed by someone with poor eyesight.
ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 8
# "/start <code>": the code as a start payload, typed in any case.
CODE_PATTERN = f"[{ALPHABET}]{{{CODE_LENGTH}}}"


class LinkResult(StrEnum):
    LINKED = "linked"
    UNKNOWN = "unknown"  # wrong, used or older than 15 minutes
    SAME_APP = "same_app"  # the code was sent in the app that made it
    ALREADY_LINKED = "already_linked"  # that Telegram account has a WhatsApp already
    BOTH_AGREED = "both_agreed"  # both accounts are residents: Samen does not merge


def _hash(code: str) -> str:
    return hashlib.sha256(code.upper().encode()).hexdigest()


class Links:
    def __init__(self, db: Database, clock: Clock) -> None:
        self._db = db
        self._clock = clock

    async def new_code(self, resident_id: int) -> tuple[str, datetime]:
        """A fresh code for this resident (an older one stops working) and its expiry."""
        code = "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))
        expires_at = self._clock() + LINK_VALIDITY
        async with self._db.transaction() as conn:
            await conn.execute("DELETE FROM link_codes WHERE resident_id = ?", (resident_id,))
            await conn.execute(
                "INSERT INTO link_codes (code_hash, resident_id, expires_at) VALUES (?, ?, ?)",
                (_hash(code), resident_id, to_iso(expires_at)),
            )
        return code, expires_at

    async def redeem(self, code: str, joining_id: int) -> tuple[LinkResult, int]:
        """``joining_id`` (the person in the other app) sends ``code``: the result and
        the resident's id from now on (``joining_id`` unless linked)."""
        row = await self._db.fetchone(
            "SELECT resident_id FROM link_codes WHERE code_hash = ? AND expires_at > ?",
            (_hash(code), to_iso(self._clock())),
        )
        if row is None:
            return LinkResult.UNKNOWN, joining_id
        owner = int(row[0])
        if channel_of(owner) is channel_of(joining_id):
            return LinkResult.SAME_APP, joining_id
        telegram, whatsapp = (
            (owner, joining_id) if channel_of(owner) is Channel.TELEGRAM else (joining_id, owner)
        )
        if await self.linked(telegram):
            return LinkResult.ALREADY_LINKED, joining_id
        if await self._db.fetchone("SELECT 1 FROM residents WHERE telegram_id = ?", (joining_id,)):
            return LinkResult.BOTH_AGREED, joining_id
        try:
            await self._move(whatsapp, telegram, channel_of(joining_id))
        except sqlite3.IntegrityError:  # the Telegram id has rows of its own (a coordinator)
            return LinkResult.BOTH_AGREED, joining_id
        return LinkResult.LINKED, telegram

    async def _move(self, whatsapp: int, telegram: int, now_in: Channel) -> None:
        """Everything of the WhatsApp id becomes the Telegram id's, the code is used up."""
        async with self._db.transaction() as conn:
            await conn.execute(
                "DELETE FROM link_codes WHERE resident_id IN (?, ?)", (whatsapp, telegram)
            )
            for table, column in (*PERSONAL_TABLES, *NAMED_IN_OTHERS):
                await conn.execute(
                    f"UPDATE {table} SET {column} = ? WHERE {column} = ?", (telegram, whatsapp)
                )
            await conn.execute(
                "UPDATE residents SET last_channel = ? WHERE telegram_id = ?",
                (now_in.value, telegram),
            )

    async def linked(self, resident_id: int) -> bool:
        """True for a resident on both apps (a Telegram id with a WhatsApp account)."""
        if channel_of(resident_id) is Channel.WHATSAPP:
            return False
        row = await self._db.fetchone(
            "SELECT 1 FROM whatsapp_people WHERE resident_id = ?", (resident_id,)
        )
        return row is not None

    async def wrote_in(self, resident_id: int, channel: Channel, last: str | None) -> None:
        """A linked resident wrote in ``channel``: Samen's own messages go there now.
        ``last`` is what the resident row says already (no write when unchanged)."""
        if last is not None and last != channel.value:
            await self._db.execute(
                "UPDATE residents SET last_channel = ? WHERE telegram_id = ?",
                (channel.value, resident_id),
            )

    async def unlink(self, resident_id: int) -> bool:
        """The WhatsApp account gets an id of its own again (a stranger to Samen, who
        starts anew); the resident and their data stay with the Telegram id."""
        if channel_of(resident_id) is Channel.WHATSAPP:
            return False
        row = await self._db.fetchone(
            "SELECT seq FROM whatsapp_people WHERE resident_id = ?", (resident_id,)
        )
        if row is None:
            return False
        async with self._db.transaction() as conn:
            await conn.execute(
                "UPDATE whatsapp_people SET resident_id = ? WHERE seq = ?",
                (whatsapp_id(int(row[0])), int(row[0])),
            )
            await conn.execute(
                "UPDATE residents SET last_channel = NULL WHERE telegram_id = ?", (resident_id,)
            )
        return True
