"""Roles on top of "resident", checked on the server for every privileged action."""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum

import aiosqlite

from bot.clock import Clock, to_iso
from bot.db import Database
from bot.services.audit import Audit


class Role(StrEnum):
    VOLUNTEER = "volunteer"
    COORDINATOR = "coordinator"
    PARTNER = "partner"  # keeps the activities of their own sources (migration 0015)


class Roles:
    def __init__(self, db: Database, clock: Clock, audit: Audit) -> None:
        self._db = db
        self._clock = clock
        self._audit = audit

    async def of(self, telegram_id: int) -> frozenset[Role]:
        rows = await self._db.fetchall(
            "SELECT role FROM roles WHERE telegram_id = ?", (telegram_id,)
        )
        return frozenset(Role(r["role"]) for r in rows)

    async def has(self, telegram_id: int, role: Role) -> bool:
        row = await self._db.fetchone(
            "SELECT 1 FROM roles WHERE telegram_id = ? AND role = ?", (telegram_id, role.value)
        )
        return row is not None

    async def grant(
        self,
        telegram_id: int,
        role: Role,
        granted_by: int | None,
        conn: aiosqlite.Connection | None = None,
    ) -> None:
        """Give a role (and audit it); pass ``conn`` to make it part of a larger change."""
        if conn is None:
            async with self._db.transaction() as own:
                return await self.grant(telegram_id, role, granted_by, own)
        cursor = await conn.execute(
            "INSERT INTO roles (telegram_id, role, source, granted_at, granted_by)"
            " VALUES (?, ?, 'bot', ?, ?) ON CONFLICT DO NOTHING",
            (telegram_id, role.value, to_iso(self._clock()), granted_by),
        )
        if cursor.rowcount:
            await self._audit.record(
                "role.granted",
                actor_id=granted_by,
                subject_id=telegram_id,
                detail=role.value,
                conn=conn,
            )
        await cursor.close()
        return None

    async def revoke(
        self,
        telegram_id: int,
        role: Role,
        revoked_by: int | None = None,
        conn: aiosqlite.Connection | None = None,
    ) -> bool:
        """Take a role away (and audit it); True when there was one to take."""
        if conn is None:
            async with self._db.transaction() as own:
                return await self.revoke(telegram_id, role, revoked_by, own)
        cursor = await conn.execute(
            "DELETE FROM roles WHERE telegram_id = ? AND role = ?", (telegram_id, role.value)
        )
        revoked = cursor.rowcount > 0
        await cursor.close()
        if revoked:
            await self._audit.record(
                "role.revoked",
                actor_id=revoked_by,
                subject_id=telegram_id,
                detail=role.value,
                conn=conn,
            )
        return revoked

    async def sync_config_coordinators(self, telegram_ids: Iterable[int]) -> None:
        """Make the coordinators from configuration exactly the config-sourced ones."""
        ids = sorted(set(telegram_ids))
        now = to_iso(self._clock())
        async with self._db.transaction() as conn:
            await conn.execute(
                "DELETE FROM roles WHERE source = 'config' AND role = 'coordinator'"
                f" AND telegram_id NOT IN ({','.join('?' * len(ids))})",
                ids,
            )
            await conn.executemany(
                "INSERT INTO roles (telegram_id, role, source, granted_at)"
                " VALUES (?, 'coordinator', 'config', ?) ON CONFLICT DO NOTHING",
                [(i, now) for i in ids],
            )
