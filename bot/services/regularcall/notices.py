"""What a regular call's changes tell people, enqueued in the caller's transaction.

Residents' news waits for the end of quiet hours (as call requests' news does);
volunteers and coordinators get theirs at once. Each has a dedupe key, so a tick that
runs twice never sends twice.
"""

from __future__ import annotations

from collections.abc import Callable

import aiosqlite
from babel.dates import get_day_names

from bot.buttons import Prefix, encode
from bot.clock import Clock
from bot.i18n import Catalogs, Translator
from bot.services.callme.moments import PART_HOURS, CallPolicy, DayPart
from bot.services.outbox import Button, NewRow, Outbox, OutMessage
from bot.services.regularcall.model import RegularCall
from bot.services.volunteers import Volunteers

Text = Callable[[Translator], str]


def when_text(t: Translator, weekday: int, part: DayPart) -> str:
    """'every Tuesday, 12:00–17:00' in the reader's language."""
    start, end = PART_HOURS[part]
    return t._(
        "every %(day)s, %(start)s–%(end)s",
        day=get_day_names("wide", locale=t.locale)[weekday],
        start=f"{start:%H:%M}",
        end=f"{end:%H:%M}",
    )


def wish_text(t: Translator, call: RegularCall) -> str:
    """The days and part of the day a resident chose: 'Monday, Thursday; 12:00–17:00'."""
    names = get_day_names("wide", locale=t.locale)
    start, end = PART_HOURS[call.part]
    days = ", ".join(str(names[w]) for w in range(7) if call.days & (1 << w))
    return t._("%(days)s; %(start)s–%(end)s", days=days, start=f"{start:%H:%M}", end=f"{end:%H:%M}")


def interests_line(t: Translator, call: RegularCall) -> str:
    labels = call.interest_labels()
    if not labels:
        return ""
    return t._("Likes to talk about: %(topics)s", topics=", ".join(t._(x) for x in labels)) + "\n"


class CallNotices:
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

    async def to_resident(
        self, conn: aiosqlite.Connection, call: RegularCall, key: str, text: Text
    ) -> None:
        """News for the resident, unless they stopped messages; held in quiet hours."""
        rows = await conn.execute_fetchall(
            "SELECT language FROM residents WHERE telegram_id = ? AND status = 'active'",
            (call.resident_id,),
        )
        row = next(iter(rows), None)
        if row is None:
            return
        await self._outbox.enqueue(
            NewRow(
                call.resident_id,
                OutMessage(text(self._catalogs.get(str(row[0])))),
                kind="regular_call",
                ref=f"regular:{call.id}:resident",
                dedupe_key=f"regular:{call.id}:{key}",
                not_before=self._policy.quiet.held_until(self._clock(), self._policy.zone),
            ),
            conn,
        )

    async def to_volunteer(
        self,
        conn: aiosqlite.Connection,
        volunteer_id: int,
        key: str,
        text: Text,
        buttons: Callable[[Translator], tuple[tuple[Button, ...], ...]] = lambda _t: (),
    ) -> None:
        t = self._catalogs.get(await self._volunteers.language_of(conn, volunteer_id))
        await self._outbox.enqueue(
            NewRow(
                volunteer_id,
                OutMessage(text(t), buttons(t)),
                kind="task",
                ref=f"regular:{key}",
                dedupe_key=f"regular:{key}:{volunteer_id}",
            ),
            conn,
        )

    async def alert(self, conn: aiosqlite.Connection, key: str, text: Text) -> None:
        """One message per coordinator; the key (plus recipient) makes it once-only."""
        for coordinator, t in await self._volunteers.coordinators_to_alert(conn):
            await self._outbox.enqueue(
                NewRow(
                    coordinator,
                    OutMessage(text(t)),
                    kind="alert",
                    ref=f"regular:{key}",
                    dedupe_key=f"regular:{key}:{coordinator}",
                ),
                conn,
            )

    async def propose(
        self,
        conn: aiosqlite.Connection,
        call: RegularCall,
        volunteer_id: int,
        weekday: int,
        again: str = "",
    ) -> None:
        """Ask a volunteer: when, the language and interests; not yet who or which number."""

        def text(t: Translator) -> str:
            return t._(
                "🔁 <b>A weekly call?</b>\n\n"
                "A resident would like a call from the same volunteer every week.\n"
                "When: %(when)s\n"
                "Language: %(language)s\n"
                "%(interests)s\n"
                "Would you be their regular caller? Then you get the call as a task "
                "every week, with the first name and number.",
                when=when_text(t, weekday, call.part),
                language=t.language_name(call.language),
                interests=interests_line(t, call),
            )

        def buttons(t: Translator) -> tuple[tuple[Button, ...], ...]:
            data = str(call.id)
            return (
                (
                    Button(t._("✅ Yes, gladly"), encode(Prefix.REGULAR_PROPOSAL, "yes", data)),
                    Button(t._("Not now"), encode(Prefix.REGULAR_PROPOSAL, "no", data)),
                ),
            )

        # ``again``: a coordinator asks someone a second time (a new message, not a repeat).
        key = f"{call.id}:propose{again}"
        await self.to_volunteer(conn, volunteer_id, key, text, buttons)
