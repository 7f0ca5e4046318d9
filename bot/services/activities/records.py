"""An activity as stored: its row read back, and one imported activity written.

Shared by the catalog (bot/services/activities/catalog.py), which offers these names too.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

import aiosqlite

from bot.clock import from_iso, to_iso
from bot.services.activities.fields import ActivityData
from bot.services.activities.kinds import Audience, Kind
from bot.services.activities.schedule import Schedule


class HiddenBy(StrEnum):
    SOURCE = "source"
    COORDINATOR = "coordinator"


@dataclass(frozen=True)
class Activity:
    id: int
    source: str
    data: ActivityData
    hidden_by: HiddenBy | None
    updated_at: datetime

    def title(self, language: str) -> str:
        return self.data.title_en if language == "en" and self.data.title_en else self.data.title_nl

    def description(self, language: str) -> str:
        if language == "en" and self.data.description_en:
            return self.data.description_en
        return self.data.description_nl


def activity_of(row: sqlite3.Row) -> Activity:
    schedule = schedule_of(row)
    data = ActivityData(
        external_id=row["external_id"],
        title_nl=row["title_nl"],
        title_en=row["title_en"],
        description_nl=row["description_nl"],
        description_en=row["description_en"],
        organiser=row["organiser"],
        kind=Kind(row["kind"]),
        place_name=row["place_name"],
        address=row["address"],
        lat=float(row["lat"]),
        lon=float(row["lon"]),
        schedule=schedule,
        free=bool(row["free"]),
        price=row["price"],
        wheelchair=bool(row["wheelchair"]),
        hearing_loop=bool(row["hearing_loop"]),
        phone=row["phone"],
        website=row["website"],
        audience=Audience(row["audience"]),
    )
    hidden = row["hidden_by"]
    return Activity(
        id=int(row["id"]),
        source=row["source"],
        data=data,
        hidden_by=HiddenBy(hidden) if hidden else None,
        updated_at=from_iso(row["updated_at"]),
    )


async def import_one(
    conn: aiosqlite.Connection,
    source: str,
    activity: ActivityData,
    spans: Sequence[tuple[datetime, datetime]],
    row: sqlite3.Row | None,
    stamp: str,
) -> tuple[int, str] | None:
    """Add or update one imported activity and its occurrences; None: it is unchanged.
    A coordinator's hide stays (no occurrences until it is shown again)."""
    columns = activity.columns()
    if row is None:
        cursor = await conn.execute(
            f"INSERT INTO activities (source, {', '.join(columns)}, created_at, updated_at)"
            f" VALUES (?, {', '.join('?' * len(columns))}, ?, ?)",
            (source, *columns.values(), stamp, stamp),
        )
        activity_id, action = int(cursor.lastrowid or 0), "import-add"
        await cursor.close()
    else:
        activity_id, action = int(row["id"]), "import-update"
        same = all(row[k] == v for k, v in columns.items())
        if same and row["hidden_by"] != HiddenBy.SOURCE:
            return None
        assignments = ", ".join(f"{k} = ?" for k in columns)
        await conn.execute(
            f"UPDATE activities SET {assignments}, updated_at = ?,"
            " hidden_by = CASE hidden_by WHEN 'source' THEN NULL ELSE hidden_by END"
            " WHERE id = ?",
            (*columns.values(), stamp, activity_id),
        )
        await conn.execute("DELETE FROM activity_occurrences WHERE activity_id = ?", (activity_id,))
        if row["hidden_by"] == HiddenBy.COORDINATOR:
            return activity_id, action  # hidden in chat: no occurrences until shown again
    await conn.executemany(
        "INSERT INTO activity_occurrences (activity_id, starts_at, ends_at) VALUES (?, ?, ?)",
        [(activity_id, to_iso(b), to_iso(e)) for b, e in spans],
    )
    return activity_id, action


def schedule_of(row: sqlite3.Row) -> Schedule:
    return Schedule(
        tz=row["tz"],
        start_local=row["start_local"],
        all_day=bool(row["all_day"]),
        duration_min=int(row["duration_min"]),
        rrule=row["rrule"],
        exdates=tuple(row["exdates"].split()),
        rdates=tuple(row["rdates"].split()),
    )
