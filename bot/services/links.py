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

Guessing is hopeless (31^8 codes, 15 minutes each) and kept so: after
``MAX_WRONG_CODES`` wrong codes in ``LINK_VALIDITY`` a person is told to wait, and any
code they send meanwhile is not even looked at, so a right one reveals nothing either.
The wrong tries are counted in memory only: the sender is usually a stranger to Samen,
of whom nothing is stored before they agree.
"""

from __future__ import annotations

import hashlib
import secrets
import sqlite3
from collections import deque
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
# Wrong codes one person may send within LINK_VALIDITY before Samen asks them to wait.
MAX_WRONG_CODES = 5


class LinkResult(StrEnum):
    LINKED = "linked"
    UNKNOWN = "unknown"  # wrong, used or older than 15 minutes
    SAME_APP = "same_app"  # the code was sent in the app that made it, by its maker
    ALREADY_LINKED = "already_linked"  # that Telegram account has a WhatsApp already
    BOTH_AGREED = "both_agreed"  # both accounts are residents: Samen does not merge
    WAIT = "wait"  # too many wrong codes lately: this code was not looked at


class WrongCodes:
    """Each person's wrong codes of the last ``LINK_VALIDITY``, in memory."""

    def __init__(self, clock: Clock) -> None:
        self._clock = clock
        self._tries: dict[int, deque[datetime]] = {}

    def too_many(self, person_id: int) -> bool:
        tries = self._tries.get(person_id)
        return tries is not None and len(self._recent(tries)) >= MAX_WRONG_CODES

    def count(self, person_id: int) -> None:
        """One more wrong code; people whose tries are all old are forgotten."""
        for other in [p for p, tries in self._tries.items() if not self._recent(tries)]:
            del self._tries[other]
        self._tries.setdefault(person_id, deque(maxlen=MAX_WRONG_CODES)).append(self._clock())

    def _recent(self, tries: deque[datetime]) -> deque[datetime]:
        since = self._clock() - LINK_VALIDITY
        while tries and tries[0] <= since:
            tries.popleft()
        return tries


def _hash(code: str) -> str:
    return hashlib.sha256(code.upper().encode()).hexdigest()


class Links:
    def __init__(self, db: Database, clock: Clock) -> None:
        self._db = db
        self._clock = clock
        self._wrong = WrongCodes(clock)

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
        if self._wrong.too_many(joining_id):
            return LinkResult.WAIT, joining_id
        row = await self._db.fetchone(
            "SELECT resident_id FROM link_codes WHERE code_hash = ? AND expires_at > ?",
            (_hash(code), to_iso(self._clock())),
        )
        owner = int(row[0]) if row is not None else None
        if owner == joining_id:
            return LinkResult.SAME_APP, joining_id
        # Someone else's code in the same app is as wrong as no code: it says nothing.
        if owner is None or channel_of(owner) is channel_of(joining_id):
            self._wrong.count(joining_id)
            return LinkResult.UNKNOWN, joining_id
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
