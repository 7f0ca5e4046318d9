"""Who did what and when, for the coordinators: ids and counts only, never content.

The log stores Telegram ids; ``latest`` looks up the names to show in their place
(a volunteer's display name, else the first name the person gave), so nobody has
to read raw ids. An erased person's id is gone from the log, so no name is found.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import aiosqlite

from bot.clock import Clock, from_iso, to_iso
from bot.db import Database

# Actions whose subject_id is a person (the rest: an activity, or nothing).
PERSON_SUBJECTS = ("role.", "partner.")
ACTIVITY_SUBJECTS = ("activity.",)


@dataclass(frozen=True)
class AuditEntry:
    at: datetime
    actor_id: int | None
    action: str
    subject_id: int | None
    detail: str
    actor_name: str | None = None  # None: not known (anymore)
    subject_name: str | None = None  # a person's first name or an activity's title


class Audit:
    def __init__(self, db: Database, clock: Clock) -> None:
        self._db = db
        self._clock = clock

    async def record(
        self,
        action: str,
        *,
        actor_id: int | None,
        subject_id: int | None = None,
        detail: str = "",
        conn: aiosqlite.Connection | None = None,
    ) -> None:
        """Add an entry; pass ``conn`` to make it part of the change it describes."""
        params = (to_iso(self._clock()), actor_id, action, subject_id, detail)
        sql = (
            "INSERT INTO audit_log (at, actor_id, action, subject_id, detail)"
            " VALUES (?, ?, ?, ?, ?)"
        )
        if conn is None:
            await self._db.execute(sql, params)
        else:
            await conn.execute(sql, params)

    async def latest(self, limit: int = 20, language: str = "nl") -> list[AuditEntry]:
        """The newest entries, with names; activity titles in ``language`` where there is one."""
        rows = await self._db.fetchall(
            "SELECT at, actor_id, action, subject_id, detail FROM audit_log"
            " ORDER BY id DESC LIMIT ?",
            (limit,),
        )
        people = {r[1] for r in rows if r[1] is not None} | {
            r[3] for r in rows if r[3] is not None and str(r[2]).startswith(PERSON_SUBJECTS)
        }
        names = await self._first_names(people)
        activities = await self._activity_titles(
            {r[3] for r in rows if r[3] is not None and str(r[2]).startswith(ACTIVITY_SUBJECTS)},
            language,
        )
        entries = []
        for r in rows:
            action = str(r[2])
            subjects = activities if action.startswith(ACTIVITY_SUBJECTS) else names
            entries.append(
                AuditEntry(
                    from_iso(r[0]),
                    r[1],
                    action,
                    r[3],
                    str(r[4]),
                    names.get(r[1]) if r[1] is not None else None,
                    subjects.get(r[3]) if r[3] is not None else None,
                )
            )
        return entries

    async def _first_names(self, ids: set[int]) -> dict[int, str]:
        """The volunteer's display name where there is one, else the resident's first name."""
        marks = ",".join("?" * len(ids))
        rows = await self._db.fetchall(
            f"SELECT telegram_id, first_name, 0 AS rank FROM residents"
            f" WHERE telegram_id IN ({marks}) AND first_name <> ''"
            f" UNION ALL SELECT telegram_id, first_name, 1 AS rank FROM volunteers"
            f" WHERE telegram_id IN ({marks}) ORDER BY rank",
            (*ids, *ids),
        )
        return {int(r[0]): str(r[1]) for r in rows}  # volunteers come last and win

    async def _activity_titles(self, ids: set[int], language: str) -> dict[int, str]:
        rows = await self._db.fetchall(
            f"SELECT id, title_nl, title_en FROM activities"
            f" WHERE id IN ({','.join('?' * len(ids))})",
            tuple(ids),
        )
        return {int(r[0]): str(r[2]) if language == "en" and r[2] else str(r[1]) for r in rows}
