"""What call requests and weekly calls both send, in the caller's transaction.

News for a resident waits out quiet hours (a volunteer may well take or close a task
late in the evening, a resident should sleep) and goes only to a resident who still
takes messages; an alert goes to every coordinator. Both carry a dedupe key, so a
tick or step that runs twice never sends twice.
"""

from __future__ import annotations

from collections.abc import Callable

import aiosqlite

from bot.clock import Clock
from bot.i18n import Catalogs, Translator
from bot.services.callme.moments import CallPolicy
from bot.services.outbox import NewRow, Outbox, OutMessage
from bot.services.volunteers import Volunteers

Text = Callable[[Translator], str]


class News:
    """The base of ``TaskNotices`` (call requests) and ``CallNotices`` (weekly calls)."""

    def __init__(
        self,
        clock: Clock,
        volunteers: Volunteers,
        outbox: Outbox,
        catalogs: Catalogs,
        policy: CallPolicy,
    ) -> None:
        self._clock = clock
        self._volunteers = volunteers
        self._outbox = outbox
        self._catalogs = catalogs
        self._policy = policy

    async def news_for(
        self,
        conn: aiosqlite.Connection,
        resident_id: int,
        text_for: Text,
        *,
        kind: str,
        ref: str,
        dedupe_key: str,
    ) -> None:
        """A message to the resident in their language, held in quiet hours; nothing
        when they stopped messages or blocked the bot (or are gone)."""
        rows = await conn.execute_fetchall(
            "SELECT language FROM residents WHERE telegram_id = ? AND status = 'active'",
            (resident_id,),
        )
        row = next(iter(rows), None)
        if row is None:
            return
        await self._outbox.enqueue(
            NewRow(
                resident_id,
                OutMessage(text_for(self._catalogs.get(str(row[0])))),
                kind=kind,
                ref=ref,
                dedupe_key=dedupe_key,
                not_before=self._policy.quiet.held_until(self._clock(), self._policy.zone),
            ),
            conn,
        )

    async def alert(self, conn: aiosqlite.Connection, key: str, text_for: Text) -> None:
        """One message per coordinator; the key (plus recipient) makes it once-only."""
        for coordinator, t in await self._volunteers.coordinators_to_alert(conn):
            await self._outbox.enqueue(
                NewRow(
                    coordinator,
                    OutMessage(text_for(t)),
                    kind="alert",
                    ref=key,
                    dedupe_key=f"{key}:{coordinator}",
                ),
                conn,
            )
