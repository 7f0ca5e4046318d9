"""Partners: people at an organisation who keep the activities of their own sources.

A coordinator invites them with a single-use link (the volunteers' invites, made
with the sources; see ``Volunteers.create_invite``). A partner may add, change, hide
and show the activities of their sources in the chat, and nothing else. Whether
someone may change an activity is decided here, on the server, for every change:
coordinators any, partners their own sources' only. The role is held while the
person keeps at least one source; erasing the person removes both.
"""

from __future__ import annotations

from collections.abc import Sequence
from enum import StrEnum

import aiosqlite

from bot.clock import Clock, to_iso
from bot.db import Database
from bot.services.activities.catalog import BOT_SOURCE
from bot.services.audit import Audit
from bot.services.roles import Role, Roles


class Hider(StrEnum):
    """Who hid an activity in the chat, as its keepers are told."""

    COORDINATOR = "coordinator"
    PARTNER = "partner"  # the organisation that keeps its source
    UNKNOWN = "unknown"  # the person was erased since


class Partners:
    def __init__(self, db: Database, clock: Clock, roles: Roles, audit: Audit) -> None:
        self._db = db
        self._clock = clock
        self._roles = roles
        self._audit = audit

    async def sources_of(self, person_id: int) -> tuple[str, ...]:
        """The sources this person keeps as a partner, by name (none: not a partner)."""
        rows = await self._db.fetchall(
            "SELECT s.source FROM partner_sources s JOIN roles r"
            " ON r.telegram_id = s.telegram_id AND r.role = 'partner'"
            " WHERE s.telegram_id = ? ORDER BY s.source",
            (person_id,),
        )
        return tuple(str(r[0]) for r in rows)

    async def may_change(self, person_id: int, source: str) -> bool:
        """May this person add to, change, hide or show the activities of ``source``?"""
        if await self._roles.has(person_id, Role.COORDINATOR):
            return True
        return source in await self.sources_of(person_id)

    async def may_manage(self, person_id: int) -> bool:
        """A coordinator, or a partner with at least one source."""
        return await self._roles.has(person_id, Role.COORDINATOR) or bool(
            await self.sources_of(person_id)
        )

    async def who_hid(self, activity_id: int) -> Hider:
        """Who hid this activity last: a coordinator, or a partner (whose hide must not
        read as a coordinator's). The table keeps only 'coordinator' for both, so the
        last hide's author is looked up in the history."""
        row = await self._db.fetchone(
            "SELECT changed_by FROM activity_changes WHERE activity_id = ? AND action = 'hide'"
            " ORDER BY id DESC LIMIT 1",
            (activity_id,),
        )
        if row is None or row[0] is None:
            return Hider.UNKNOWN
        coordinator = await self._roles.has(int(row[0]), Role.COORDINATOR)
        return Hider.COORDINATOR if coordinator else Hider.PARTNER

    async def known_sources(self) -> list[str]:
        """Every source a partner could keep: registered ones and imported files."""
        rows = await self._db.fetchall(
            "SELECT name FROM sources UNION SELECT source FROM activities WHERE source <> ?"
            " ORDER BY 1",
            (BOT_SOURCE,),
        )
        return [str(r[0]) for r in rows]

    async def grant(
        self,
        person_id: int,
        sources: Sequence[str],
        granted_by: int | None,
        conn: aiosqlite.Connection,
    ) -> None:
        """Make someone the partner of these sources, inside the caller's transaction."""
        await self._roles.grant(person_id, Role.PARTNER, granted_by, conn)
        await conn.executemany(
            "INSERT INTO partner_sources (telegram_id, source, granted_at, granted_by)"
            " VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
            [(person_id, s, to_iso(self._clock()), granted_by) for s in sources],
        )
        await self._audit.record(
            "partner.sources",
            actor_id=granted_by,
            subject_id=person_id,
            detail=", ".join(sources),
            conn=conn,
        )
