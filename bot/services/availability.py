"""When a volunteer can call: days and hours, and a holiday pause (issue 17).

A volunteer with no availability set is available whenever they are on duty, as
before. With it, a call task is offered only to volunteers whose hours on that day
overlap the part of the day the resident chose, and not while they are on holiday.
Times are local (the municipality's zone); the task's moment is stored in UTC.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from bot.clock import Clock, to_iso
from bot.db import Database

EVERY_DAY = 0b1111111
# The hours a volunteer can choose from, as (from, until): mornings, afternoons, evenings.
PARTS_OF_DAY = {
    "morning": (time(8, 0), time(12, 0)),
    "afternoon": (time(12, 0), time(17, 0)),
    "evening": (time(17, 0), time(21, 0)),
}
ANY_TIME = (time(0, 0), time(23, 59))  # a pause set before any hours


@dataclass(frozen=True)
class Availability:
    telegram_id: int
    days: int
    start: time
    end: time
    paused_until: date | None

    @classmethod
    def from_row(cls, row: sqlite3.Row) -> Availability:
        return cls(
            telegram_id=int(row["telegram_id"]),
            days=int(row["days"]),
            start=time.fromisoformat(row["from_time"]),
            end=time.fromisoformat(row["until_time"]),
            paused_until=date.fromisoformat(row["paused_until"]) if row["paused_until"] else None,
        )

    def fits(self, start: datetime, end: datetime, zone: ZoneInfo) -> bool:
        """Whether these hours overlap the moment [start, end) on its local day."""
        local_start, local_end = start.astimezone(zone), end.astimezone(zone)
        day = local_start.date()
        if self.paused_until is not None and day < self.paused_until:
            return False
        if not self.days & (1 << day.weekday()):
            return False
        until = local_end.time() if local_end.date() == day else time.max
        return self.start < until and local_start.time() < self.end


class Availabilities:
    def __init__(self, db: Database, clock: Clock, zone: ZoneInfo) -> None:
        self._db = db
        self._clock = clock
        self.zone = zone

    async def get(self, telegram_id: int) -> Availability | None:
        row = await self._db.fetchone(
            "SELECT * FROM volunteer_availability WHERE telegram_id = ?", (telegram_id,)
        )
        return Availability.from_row(row) if row else None

    async def all(self) -> dict[int, Availability]:
        rows = await self._db.fetchall("SELECT * FROM volunteer_availability")
        return {int(r["telegram_id"]): Availability.from_row(r) for r in rows}

    async def set_hours(self, telegram_id: int, days: int, start: time, end: time) -> None:
        if not 1 <= days <= EVERY_DAY or not start < end:
            raise ValueError("days must name a day, and the hours must not be empty")
        await self._db.execute(
            "INSERT INTO volunteer_availability (telegram_id, days, from_time, until_time,"
            " updated_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (telegram_id) DO UPDATE SET"
            " days = excluded.days, from_time = excluded.from_time,"
            " until_time = excluded.until_time, updated_at = excluded.updated_at",
            (telegram_id, days, f"{start:%H:%M}", f"{end:%H:%M}", to_iso(self._clock())),
        )

    async def pause(self, telegram_id: int, until: date) -> None:
        """A holiday: no tasks before ``until``. Hours not set yet: every day, daytime."""
        start, end = ANY_TIME
        await self._db.execute(
            "INSERT INTO volunteer_availability (telegram_id, days, from_time, until_time,"
            " paused_until, updated_at) VALUES (?, ?, ?, ?, ?, ?)"
            " ON CONFLICT (telegram_id) DO UPDATE SET paused_until = excluded.paused_until,"
            " updated_at = excluded.updated_at",
            (
                telegram_id,
                EVERY_DAY,
                f"{start:%H:%M}",
                f"{end:%H:%M}",
                until.isoformat(),
                to_iso(self._clock()),
            ),
        )

    async def resume(self, telegram_id: int) -> None:
        await self._db.execute(
            "UPDATE volunteer_availability SET paused_until = NULL, updated_at = ?"
            " WHERE telegram_id = ?",
            (to_iso(self._clock()), telegram_id),
        )

    async def clear(self, telegram_id: int) -> None:
        """Back to "whenever I am on duty"."""
        await self._db.execute(
            "DELETE FROM volunteer_availability WHERE telegram_id = ?", (telegram_id,)
        )
