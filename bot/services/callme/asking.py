"""A resident asks for a call (or withdraws it): moments, numbers, the request itself."""

from __future__ import annotations

import sqlite3

from bot.clock import to_iso
from bot.services.callme.model import (
    SELECT_TASKS,
    Problem,
    RequestRefused,
    Task,
    Topic,
    Withdrawal,
)
from bot.services.callme.moments import Moment, moments_ahead
from bot.services.callme.phones import (
    PhoneRefused,
    callable_phone,
    contact_phone,
    normalise_phone,
)
from bot.services.callme.store import TaskStore
from bot.services.outbox import NewRow, OutMessage


class Asking(TaskStore):
    # ------------------------------------------------------------------ moments

    def moments(self) -> list[Moment]:
        return moments_ahead(self._clock(), self.policy.zone, self.policy.daytime)

    def moment(self, key: str) -> Moment | None:
        """The moment with this key if it is still offered now (else it passed, or is forged)."""
        return next((m for m in self.moments() if m.key == key), None)

    # ------------------------------------------------------------------ residents

    def check_phone(self, text: str) -> str:
        """A typed number volunteers may call (E.164), or ``PhoneRefused`` with the reason."""
        return callable_phone(text, self.policy.regions)

    def check_contact(self, raw: str) -> str:
        """A shared contact's number volunteers may call, or ``PhoneRefused``."""
        return contact_phone(raw, self.policy.regions)

    async def known_phone(self, resident_id: int) -> str | None:
        """The number this resident gave Samen most recently, if volunteers may still call it.

        From their safety net (kept while it is on), a call request (until it is
        purged) or their weekly call, so nobody is asked again for what Samen has;
        the journeys show it and offer to change it. None when there is none, or it is
        no longer callable (``SAMEN_CALL_REGIONS`` changed).
        """
        row = await self._db.fetchone(
            "SELECT phone FROM ("
            " SELECT phone, updated_at AS given_at FROM checkin_subscriptions"
            " WHERE telegram_id = :id AND safety_net = 1 AND phone IS NOT NULL"
            " UNION ALL SELECT phone, created_at FROM call_requests"
            " WHERE resident_id = :id AND phone IS NOT NULL"
            " UNION ALL SELECT phone, created_at FROM regular_calls WHERE resident_id = :id"
            ") ORDER BY given_at DESC LIMIT 1",
            {"id": resident_id},
        )
        if row is None:
            return None
        try:
            return callable_phone(str(row[0]), self.policy.regions)
        except PhoneRefused:
            return None

    async def open_request(self, resident_id: int) -> Task | None:
        row = await self._db.fetchone(
            SELECT_TASKS + " WHERE t.resident_id = ? AND t.status IN ('open', 'claimed')"
            " AND t.regular_call_id IS NULL",
            (resident_id,),
        )
        return Task.from_row(row) if row else None

    async def create_request(
        self, resident_id: int, phone: str, moment_key: str, topic: Topic | None
    ) -> Task:
        """Store a request and offer it to every volunteer on duty.

        Also the way in for other journeys ("I'd rather not go alone" creates one
        with ``Topic.ACTIVITIES``). Raises ``RequestRefused`` with the reason.
        """
        number = normalise_phone(phone, self.policy.regions)
        if number is None:
            raise RequestRefused(Problem.INVALID_PHONE)
        moment = self.moment(moment_key)
        if moment is None:
            raise RequestRefused(Problem.MOMENT_PASSED)
        now = to_iso(self._clock())
        async with self._db.transaction() as conn:
            rows = await conn.execute_fetchall(
                "SELECT language FROM residents WHERE telegram_id = ?", (resident_id,)
            )
            resident = next(iter(rows), None)
            if resident is None:
                raise RequestRefused(Problem.NOT_RESIDENT)
            try:
                cursor = await conn.execute(
                    "INSERT INTO call_requests (resident_id, language, phone, moment_start,"
                    " moment_end, topic, created_at, opened_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        resident_id,
                        str(resident[0]),
                        number,
                        to_iso(moment.start),
                        to_iso(moment.end),
                        topic.value if topic else None,
                        now,
                        now,
                    ),
                )
            except sqlite3.IntegrityError:
                raise RequestRefused(Problem.ALREADY_OPEN) from None
            task_id = int(cursor.lastrowid or 0)
            await cursor.close()
            await self._notices.offer(conn, await self._get(conn, task_id))
            await self._notices.refresh_lists(conn)
        await self._counts.bump("call_requests_requested")
        task = await self.get(task_id)
        assert task is not None
        return task

    async def cancel(self, task_id: int, resident_id: int) -> Task | None:
        """The resident withdraws their own open request; None if it is not theirs or open."""
        now = to_iso(self._clock())
        async with self._db.transaction() as conn:
            cursor = await conn.execute(
                "UPDATE call_requests SET status = 'cancelled', closed_at = ?"
                " WHERE id = ? AND resident_id = ? AND status IN ('open', 'claimed')"
                " AND regular_call_id IS NULL",
                (now, task_id, resident_id),
            )
            changed = cursor.rowcount == 1
            await cursor.close()
            if not changed:
                return None
            task = await self._get(conn, task_id)
            await self._notices.settle_offers(
                conn,
                task,
                lambda t, _r: t._(
                    "Call request #%(id)s was cancelled. No need to call.", id=task.id
                ),
            )
            await self._notices.clear_details(conn, task.id, Withdrawal.CANCELLED)
            await self._notices.refresh_lists(conn)
            if task.volunteer_id is not None:
                t = self._catalogs.get(await self._volunteers.language_of(conn, task.volunteer_id))
                await self._outbox.enqueue(
                    NewRow(
                        task.volunteer_id,
                        OutMessage(
                            t._(
                                "The resident cancelled call request #%(id)s. "
                                "No need to call. Thank you!",
                                id=task.id,
                            )
                        ),
                        kind="task",
                        ref=f"task:{task.id}:volunteer",
                        dedupe_key=f"task:{task.id}:cancelled:volunteer",
                    ),
                    conn,
                )
        await self._counts.bump("call_requests_cancelled")
        return task
