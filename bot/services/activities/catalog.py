"""Activities: store, import, coordinators' and partners' changes; search in ``nearby``.

Upcoming occurrences (the next ``WINDOW``) are materialised in
``activity_occurrences`` so a search is one indexed query (``nearby.search_nearby``).
The search's names (``When``, ``SearchQuery``, ``Hit``, ``SearchPage``, ``PAGE_SIZE``,
``DAY_AS_M``, ``rank``) are offered here too, where callers have always found them.
"""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import aiosqlite

from bot.clock import Clock, from_iso, to_iso
from bot.db import Database
from bot.services.activities.fields import ActivityData
from bot.services.activities.nearby import (
    DAY_AS_M,
    PAGE_SIZE,
    Hit,
    SearchPage,
    SearchQuery,
    When,
    rank,
    search_nearby,
)
from bot.services.activities.records import (
    Activity,
    HiddenBy,
    activity_of,
    import_one,
    schedule_of,
)
from bot.services.activities.schedule import Schedule
from bot.services.audit import Audit
from bot.services.places.geo import Places

__all__ = [
    "DAY_AS_M",
    "PAGE_SIZE",
    "Activities",
    "Activity",
    "HiddenBy",
    "Hit",
    "SearchPage",
    "SearchQuery",
    "When",
    "rank",
]

WINDOW = timedelta(weeks=8)
BOT_SOURCE = "bot"  # activities added in chat by coordinators
# The external id of an activity a partner added in the chat to their own source: an
# import of that source's file or feed leaves these alone (the file does not have them).
CHAT_ID_PREFIX = "chat-"


@dataclass(frozen=True)
class Occurrence:
    starts_at: datetime
    ends_at: datetime


@dataclass
class ImportReport:
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    hidden: int = 0
    errors: list[str] = field(default_factory=list)  # the file was refused: nothing changed
    skipped: list[str] = field(default_factory=list)  # rows left out, the rest imported

    def summary(self) -> str:
        """One line for the command line and `samen sources`."""
        return (
            f"added {self.added}, updated {self.updated}, unchanged {self.unchanged},"
            f" hidden {self.hidden}, skipped {len(self.skipped)}, errors {len(self.errors)}"
        )


@dataclass(frozen=True)
class Change:
    changed_by: int | None
    action: str
    detail: str
    changed_at: datetime


def occurrence_rows(
    activity_id: int, schedule: Schedule, start: datetime, end: datetime
) -> list[tuple[int, str, str]]:
    return [(activity_id, to_iso(b), to_iso(e)) for b, e in schedule.occurrences(start, end)]


class Activities:
    def __init__(
        self, db: Database, clock: Clock, places: Places, zone: ZoneInfo, audit: Audit | None = None
    ) -> None:
        self._db = db
        self._clock = clock
        self._audit = audit
        self.places = places
        self.zone = zone

    # ------------------------------------------------------------------ reading

    async def get(self, activity_id: int) -> Activity | None:
        row = await self._db.fetchone("SELECT * FROM activities WHERE id = ?", (activity_id,))
        return activity_of(row) if row else None

    async def upcoming(self, activity_id: int, limit: int = 3) -> list[Occurrence]:
        """The next occurrences that have not ended (an all-day one counts until its end)."""
        now = self._clock()
        rows = await self._db.fetchall(
            "SELECT starts_at, ends_at FROM activity_occurrences"
            " WHERE activity_id = ? AND starts_at >= ? AND ends_at > ?"
            " ORDER BY starts_at LIMIT ?",
            (activity_id, to_iso(now - timedelta(days=1)), to_iso(now), limit),
        )
        return [Occurrence(from_iso(r[0]), from_iso(r[1])) for r in rows]

    async def hidden(self, limit: int = 20, sources: Sequence[str] | None = None) -> list[Activity]:
        """Hidden activities, newest change first; only of ``sources`` when given."""
        rows = await self._db.fetchall(
            "SELECT * FROM activities WHERE hidden_by IS NOT NULL"
            f"{_of_sources(sources)} ORDER BY updated_at DESC, id DESC LIMIT ?",
            (*(sources or ()), limit),
        )
        return [activity_of(r) for r in rows]

    async def of_sources(self, sources: Sequence[str], limit: int = 30) -> list[Activity]:
        """A partner's activities (shown and hidden), by title."""
        rows = await self._db.fetchall(
            f"SELECT * FROM activities WHERE 1{_of_sources(sources)}"
            " ORDER BY title_nl COLLATE NOCASE, id LIMIT ?",
            (*sources, limit),
        )
        return [activity_of(r) for r in rows]

    async def history(self, activity_id: int, limit: int = 3) -> list[Change]:
        """The latest changes to an activity, newest first (who, what and when)."""
        rows = await self._db.fetchall(
            "SELECT changed_by, action, detail, changed_at FROM activity_changes"
            " WHERE activity_id = ? ORDER BY id DESC LIMIT ?",
            (activity_id, limit),
        )
        return [
            Change(r["changed_by"], r["action"], r["detail"], from_iso(r["changed_at"]))
            for r in rows
        ]

    def until(self, when: When) -> datetime:
        """The end of 'today' / 'this week' in local time.

        "This week" ("deze week") ends with Sunday, as people mean it: on a
        Saturday it is the weekend, not the next Friday.
        """
        now = self._clock()
        if when is When.ANY:
            return now + WINDOW
        local_day = now.astimezone(self.zone).date()
        days = 1 if when is When.TODAY else 7 - local_day.weekday()
        return datetime.combine(local_day + timedelta(days=days), time(), tzinfo=self.zone)

    async def search(self, query: SearchQuery) -> SearchPage:
        """Visible activities with an occurrence in the chosen period, soonest nearby
        first (``bot.services.activities.nearby``)."""
        return await search_nearby(self._db, self._clock(), self.until(query.when), query)

    # ------------------------------------------------------------------ occurrences

    def _window(self) -> tuple[datetime, datetime]:
        now = self._clock()
        return now - timedelta(days=1), now + WINDOW

    async def refresh(self) -> int:
        """Rebuild every shown activity's occurrences for the window from now.

        The expansion runs in a worker thread (it is CPU work), the rewrite in
        one transaction; run by the scheduler, it is idempotent. An activity that
        was added, edited, hidden or shown while the expansion ran is left alone:
        that change already rebuilt its occurrences, and the expansion is stale.
        """
        rows = await self._db.fetchall(f"SELECT {_VERSION}, hidden_by FROM activities")
        read = {int(r["id"]): tuple(r)[1:] for r in rows}
        start, end = self._window()
        schedules = [(int(r["id"]), schedule_of(r)) for r in rows if r["hidden_by"] is None]
        expanded = await asyncio.to_thread(_expand_all, schedules, start, end)
        async with self._db.transaction() as conn:
            current = await conn.execute_fetchall(f"SELECT {_VERSION}, hidden_by FROM activities")
            changed = [int(r["id"]) for r in current if read.get(int(r["id"])) != tuple(r)[1:]]
            await conn.execute(
                "DELETE FROM activity_occurrences"
                f" WHERE activity_id NOT IN ({', '.join('?' * len(changed))})",
                changed,
            )
            unchanged = {int(r["id"]) for r in current} - set(changed)
            occurrences = [o for o in expanded if o[0] in unchanged]
            await conn.executemany(
                "INSERT INTO activity_occurrences (activity_id, starts_at, ends_at)"
                " VALUES (?, ?, ?)",
                occurrences,
            )
        return len(occurrences)

    async def _rebuild(
        self, conn: aiosqlite.Connection, activity_id: int, schedule: Schedule | None
    ) -> None:
        """One activity's occurrences, inside the caller's transaction (None: none)."""
        await conn.execute("DELETE FROM activity_occurrences WHERE activity_id = ?", (activity_id,))
        if schedule is not None:
            start, end = self._window()
            await conn.executemany(
                "INSERT INTO activity_occurrences (activity_id, starts_at, ends_at)"
                " VALUES (?, ?, ?)",
                occurrence_rows(activity_id, schedule, start, end),
            )

    # ------------------------------------------------------------------ import

    async def import_activities(
        self,
        source: str,
        activities: Sequence[ActivityData],
        keep: Collection[str] = frozenset(),
    ) -> ImportReport:
        """Bring one source in line with its file, in one transaction.

        New ids are added, changed ones updated in place, ids the file no longer
        has are hidden (and shown again if they come back). Ids in ``keep`` (rows
        the file has but that could not be read) stay as they were. A coordinator's
        hide is left alone. Every change is recorded in activity_changes.
        """
        report = ImportReport()
        now = self._clock()
        stamp = to_iso(now)
        start, end = self._window()
        existing = {
            str(r["external_id"]): r
            for r in await self._db.fetchall(
                "SELECT * FROM activities WHERE source = ? AND external_id NOT LIKE ?",
                (source, CHAT_ID_PREFIX + "%"),
            )
        }
        # Expand outside the transaction and off the event loop.
        expanded = await asyncio.to_thread(
            lambda: [a.schedule.occurrences(start, end) for a in activities]
        )
        changes: list[tuple[int, str, str]] = []
        async with self._db.transaction() as conn:
            for activity, spans in zip(activities, expanded, strict=True):
                row = existing.pop(activity.external_id, None)
                done = await import_one(conn, source, activity, spans, row, stamp)
                if done is None:
                    report.unchanged += 1
                    continue
                activity_id, action = done
                if action == "import-add":
                    report.added += 1
                else:
                    report.updated += 1
                changes.append((activity_id, action, source))
            gone = [
                int(r["id"])
                for r in existing.values()
                if r["hidden_by"] is None and r["external_id"] not in keep
            ]
            await conn.executemany(
                "UPDATE activities SET hidden_by = 'source', updated_at = ? WHERE id = ?",
                [(stamp, i) for i in gone],
            )
            await conn.executemany(
                "DELETE FROM activity_occurrences WHERE activity_id = ?", [(i,) for i in gone]
            )
            report.hidden = len(gone)
            changes += [(i, "import-hide", source) for i in gone]
            await conn.executemany(
                "INSERT INTO activity_changes (activity_id, changed_by, action, detail,"
                " changed_at) VALUES (?, NULL, ?, ?, ?)",
                [(i, action, detail, stamp) for i, action, detail in changes],
            )
        return report

    # ------------------------------------------------------------------ coordinators

    async def create(self, data: ActivityData, by: int, source: str = BOT_SOURCE) -> Activity:
        """A new activity added in the chat: a coordinator's (source 'bot') or a partner's
        (their source, with an external id no import touches); a fresh external id."""
        stamp = to_iso(self._clock())
        prefix = "" if source == BOT_SOURCE else CHAT_ID_PREFIX
        columns = data.with_columns(external_id=prefix + uuid.uuid4().hex).columns()
        async with self._db.transaction() as conn:
            cursor = await conn.execute(
                f"INSERT INTO activities (source, {', '.join(columns)}, created_at, updated_at)"
                f" VALUES (?, {', '.join('?' * len(columns))}, ?, ?)",
                (source, *columns.values(), stamp, stamp),
            )
            activity_id = int(cursor.lastrowid or 0)
            await cursor.close()
            await self._rebuild(conn, activity_id, data.schedule)
            await self._record(conn, activity_id, by, "add", "")
        created = await self.get(activity_id)
        assert created is not None
        return created

    async def update(self, activity_id: int, data: ActivityData, by: int, what: str) -> bool:
        """Save a coordinator's edit of one field (``what`` names it for the history)."""
        columns = data.columns()
        columns.pop("external_id")
        stamp = to_iso(self._clock())
        async with self._db.transaction() as conn:
            cursor = await conn.execute(
                f"UPDATE activities SET {', '.join(f'{k} = ?' for k in columns)},"
                " updated_at = ? WHERE id = ?",
                (*columns.values(), stamp, activity_id),
            )
            changed = cursor.rowcount > 0
            await cursor.close()
            if not changed:
                return False
            hidden = await conn.execute_fetchall(
                "SELECT 1 FROM activities WHERE id = ? AND hidden_by IS NOT NULL", (activity_id,)
            )
            await self._rebuild(conn, activity_id, None if list(hidden) else data.schedule)
            await self._record(conn, activity_id, by, "edit", what)
        return True

    async def set_hidden(self, activity_id: int, hidden: bool, by: int) -> Activity | None:
        """Hide or show again; showing undoes any hide, the source's included."""
        activity = await self.get(activity_id)
        if activity is None:
            return None
        async with self._db.transaction() as conn:
            await conn.execute(
                "UPDATE activities SET hidden_by = ?, updated_at = ? WHERE id = ?",
                (
                    HiddenBy.COORDINATOR.value if hidden else None,
                    to_iso(self._clock()),
                    activity_id,
                ),
            )
            await self._rebuild(conn, activity_id, None if hidden else activity.data.schedule)
            await self._record(conn, activity_id, by, "hide" if hidden else "show", "")
        return await self.get(activity_id)

    async def draft(self, telegram_id: int) -> dict[str, Any] | None:
        """A coordinator's half-finished add or edit, so a restart loses no answers."""
        row = await self._db.fetchone(
            "SELECT data FROM activity_drafts WHERE telegram_id = ?", (telegram_id,)
        )
        if row is None:
            return None
        data = json.loads(row[0])
        return data if isinstance(data, dict) else None

    async def save_draft(self, telegram_id: int, data: dict[str, Any]) -> None:
        await self._db.execute(
            "INSERT INTO activity_drafts (telegram_id, data, updated_at) VALUES (?, ?, ?)"
            " ON CONFLICT (telegram_id) DO UPDATE SET data = excluded.data,"
            " updated_at = excluded.updated_at",
            (telegram_id, json.dumps(data, ensure_ascii=False), to_iso(self._clock())),
        )

    async def drop_draft(self, telegram_id: int) -> None:
        await self._db.execute("DELETE FROM activity_drafts WHERE telegram_id = ?", (telegram_id,))

    async def _record(
        self, conn: aiosqlite.Connection, activity_id: int, by: int, action: str, detail: str
    ) -> None:
        await conn.execute(
            "INSERT INTO activity_changes (activity_id, changed_by, action, detail, changed_at)"
            " VALUES (?, ?, ?, ?, ?)",
            (activity_id, by, action, detail, to_iso(self._clock())),
        )
        if self._audit is not None:  # also in the coordinators' /audit, with the rest
            await self._audit.record(
                f"activity.{action}", actor_id=by, subject_id=activity_id, detail=detail, conn=conn
            )


# What ``refresh`` compares to see that an activity changed while it expanded:
# the stamp (second precision) and the schedule itself (for a change within that second).
_VERSION = "id, updated_at, tz, start_local, all_day, duration_min, rrule, exdates, rdates"


def _of_sources(sources: Sequence[str] | None) -> str:
    """The SQL condition "and of one of these sources" (None: of any)."""
    if sources is None:
        return ""
    return f" AND source IN ({', '.join('?' * len(sources))})"


def _expand_all(
    schedules: list[tuple[int, Schedule]], start: datetime, end: datetime
) -> list[tuple[int, str, str]]:
    rows: list[tuple[int, str, str]] = []
    for activity_id, schedule in schedules:
        rows += occurrence_rows(activity_id, schedule, start, end)
    return rows
