"""Residents: created at consent, never before."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from bot.clock import Clock, from_iso, to_iso
from bot.db import Database
from bot.services.counts import Counts

# Raise this whenever the privacy notice changes in substance: residents who
# agreed to an older version are asked again.
# The shorter wording of December 2026 (details a tap away) describes the same use of
# data, so it stays version 1: raising it would take every resident's menu away until
# they agree again.
PRIVACY_NOTICE_VERSION = 1


class Status(StrEnum):
    ACTIVE = "active"  # may receive messages the bot sends on its own
    STOPPED = "stopped"  # asked for no messages; only answers to their own actions
    UNREACHABLE = "unreachable"  # blocked the bot


@dataclass(frozen=True)
class Resident:
    telegram_id: int
    first_name: str
    language: str
    consent_version: int
    consent_at: datetime
    status: Status
    created_at: datetime
    postcode_area: str | None = None  # 4 digits, only if the resident gave it
    last_channel: str | None = None  # on two apps: the one they wrote in last

    @property
    def consent_current(self) -> bool:
        return self.consent_version >= PRIVACY_NOTICE_VERSION

    @classmethod
    def from_row(cls, row: sqlite3.Row) -> Resident:
        return cls(
            telegram_id=int(row["telegram_id"]),
            first_name=str(row["first_name"]),
            language=str(row["language"]),
            consent_version=int(row["consent_version"]),
            consent_at=from_iso(row["consent_at"]),
            status=Status(row["status"]),
            created_at=from_iso(row["created_at"]),
            postcode_area=row["postcode_area"],
            last_channel=row["last_channel"],
        )


class Residents:
    def __init__(self, db: Database, clock: Clock, counts: Counts) -> None:
        self._db = db
        self._clock = clock
        self._counts = counts

    async def get(self, telegram_id: int) -> Resident | None:
        row = await self._db.fetchone(
            "SELECT * FROM residents WHERE telegram_id = ?", (telegram_id,)
        )
        return Resident.from_row(row) if row else None

    async def give_consent(self, telegram_id: int, first_name: str, language: str) -> Resident:
        """Record consent to the current notice; creates the resident on first consent."""
        now = to_iso(self._clock())
        changed = await self._db.execute(
            "INSERT INTO residents (telegram_id, first_name, language, consent_version,"
            " consent_at, status, created_at, updated_at)"
            " VALUES (?, ?, ?, ?, ?, 'active', ?, ?)"
            " ON CONFLICT (telegram_id) DO NOTHING",
            (telegram_id, first_name, language, PRIVACY_NOTICE_VERSION, now, now, now),
        )
        if changed:
            await self._counts.bump("residents_joined")
        else:
            await self._db.execute(
                "UPDATE residents SET consent_version = ?, consent_at = ?, language = ?,"
                " updated_at = ? WHERE telegram_id = ?",
                (PRIVACY_NOTICE_VERSION, now, language, now, telegram_id),
            )
        resident = await self.get(telegram_id)
        assert resident is not None
        return resident

    async def set_language(self, telegram_id: int, language: str) -> None:
        await self._db.execute(
            "UPDATE residents SET language = ?, updated_at = ? WHERE telegram_id = ?",
            (language, to_iso(self._clock()), telegram_id),
        )

    async def set_postcode_area(self, telegram_id: int, digits: str | None) -> None:
        """Where the resident lives, as the 4 digits of the postcode (for local news)."""
        await self._db.execute(
            "UPDATE residents SET postcode_area = ?, updated_at = ? WHERE telegram_id = ?",
            (digits, to_iso(self._clock()), telegram_id),
        )

    async def set_status(self, telegram_id: int, status: Status) -> None:
        await self._db.execute(
            "UPDATE residents SET status = ?, updated_at = ? WHERE telegram_id = ?",
            (status.value, to_iso(self._clock()), telegram_id),
        )
