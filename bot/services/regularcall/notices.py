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
from bot.i18n import Translator
from bot.services.callme.moments import PART_HOURS, DayPart
from bot.services.callme.news import News, Text
from bot.services.outbox import Button, NewRow, OutMessage
from bot.services.regularcall.model import RegularCall


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


class CallNotices(News):
    async def to_resident(
        self, conn: aiosqlite.Connection, call: RegularCall, key: str, text: Text
    ) -> None:
        """News about the weekly call for its resident."""
        await self.news_for(
            conn,
            call.resident_id,
            text,
            kind="regular_call",
            ref=f"regular:{call.id}:resident",
            dedupe_key=f"regular:{call.id}:{key}",
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
