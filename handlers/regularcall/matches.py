"""A volunteer's answer to a proposal, and the coordinators' /matches.

Coordinators see first names only (never a number): who is matched with whom and
when, who waits and since when, who is asked now, and missed weeks in a row.
"""

from __future__ import annotations

import html

from babel.dates import format_timedelta

from bot.buttons import args_of
from bot.chat.conversation import Conversation
from bot.chat.message import Reply
from bot.i18n import Translator
from bot.services.regularcall import Answer, RegularCall, Status, when_text, wish_text
from bot.services.roles import Role
from handlers.auth import only_for
from handlers.regularcall.screens import proposal_reply


@only_for(Role.VOLUNTEER)
async def answer_proposal(c: Conversation) -> None:
    """rcv:<yes|no>:<call>: only an open proposal to this volunteer can be answered."""
    answer, raw_id = args_of(c.incoming.data)
    result, call = await c.runtime.services.regular_calls.answer_proposal(
        int(raw_id), c.person.id, yes=answer == "yes"
    )
    if result is Answer.ACCEPTED and call is not None:
        await c.update(Reply(proposal_reply(c, call)))
    elif result is Answer.DECLINED:
        await c.update(Reply(c.t._("Thank you for letting us know. We will ask someone else.")))
    else:
        await c.clear_choices()
        await c.acknowledge(c.t._("This question is no longer open. Thank you!"))


@only_for(Role.COORDINATOR)
async def show_matches(c: Conversation) -> None:
    """/matches: every weekly call; waiting residents first."""
    t = c.t
    calls = await c.runtime.services.regular_calls.everyone()
    lines = [t._("🔁 <b>Weekly calls</b>"), ""]
    lines += [_line(t, call, c) for call in calls] or [t._("Nobody has asked for one yet.")]
    await c.say(Reply("\n".join(lines)))


def _line(t: Translator, call: RegularCall, c: Conversation) -> str:
    name = html.escape(call.resident_name or "?")
    if call.status is Status.MATCHED and call.weekday is not None:
        line = t._(
            "• %(resident)s ↔ %(volunteer)s, %(when)s",
            resident=name,
            volunteer=html.escape(call.volunteer_name or "?"),
            when=when_text(t, call.weekday, call.part),
        )
        if call.paused_until is not None:
            line += " " + t._("(paused until %(day)s)", day=t.day(call.paused_until))
        if call.missed_in_row:
            line += " " + t._("— missed %(n)s weeks in a row", n=call.missed_in_row)
        return line
    waiting = format_timedelta(c.runtime.clock() - call.created_at, locale=t.locale)
    status = (
        t._("a volunteer is asked") if call.status is Status.PROPOSED else t._("nobody fits yet")
    )
    return t._(
        "• %(resident)s waits %(age)s (%(language)s; %(wish)s): %(status)s",
        resident=name,
        age=waiting,
        language=t.language_name(call.language),
        wish=wish_text(t, call),
        status=status,
    )
