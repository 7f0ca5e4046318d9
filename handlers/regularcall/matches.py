"""A volunteer's answer to a proposal, and the coordinators' /matches.

Coordinators see first names only (never a number): who is matched with whom and
when, who waits and since when, who is asked now, and missed weeks in a row.
"""

from __future__ import annotations

import html

from babel.dates import format_timedelta

from bot.buttons import Prefix, args_of, encode
from bot.chat.conversation import Conversation
from bot.chat.message import Choice, Reply, choices
from bot.i18n import Translator
from bot.services.regularcall import Answer, RegularCall, Status, when_text, wish_text
from bot.services.roles import Role
from handlers.auth import only_for
from handlers.regularcall.screens import proposal_reply

PICKS_LISTED = 8  # waiting residents (or volunteers) offered as choices at once


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
    waiting = [call for call in calls if call.status is not Status.MATCHED][:PICKS_LISTED]
    await c.say(
        Reply(
            "\n".join(lines),
            choices=choices(
                *(
                    Choice(
                        t._("👤 A volunteer for %(name)s", name=call.resident_name[:12]),
                        encode(Prefix.REGULAR_PICK, str(call.id)),
                    )
                    for call in waiting
                )
            ),
        )
    )


@only_for(Role.COORDINATOR)
async def pick_volunteer(c: Conversation) -> None:
    """rck:<call>: the volunteers who speak the resident's language; rck:<call>:<id>: ask
    that one (the service checks the call still waits and they are a volunteer)."""
    raw_call, *raw_volunteer = args_of(c.incoming.data)
    calls = c.runtime.services.regular_calls
    if raw_volunteer:
        asked = await calls.propose_to(int(raw_call), int(raw_volunteer[0]))
        await c.update(
            Reply(
                c.t._("Asked. You see the answer in /matches.")
                if asked
                else c.t._("That is no longer possible. Type /matches to see it now.")
            )
        )
        return
    call = next((x for x in await calls.everyone() if x.id == int(raw_call)), None)
    people = [
        v
        for v in await c.runtime.services.volunteers.everyone()
        if call is not None and call.language in v.languages
    ]
    if call is None or call.status is Status.MATCHED or not people:
        await c.update(Reply(c.t._("Nobody to choose: no volunteer speaks that language.")))
        return
    await c.update(
        Reply(
            c.t._(
                "Who should we ask to call %(name)s every week (%(wish)s)?",
                name=html.escape(call.resident_name),
                wish=wish_text(c.t, call),
            ),
            choices=choices(
                *(
                    Choice(v.first_name, encode(Prefix.REGULAR_PICK, raw_call, str(v.telegram_id)))
                    for v in people[:PICKS_LISTED]
                )
            ),
        )
    )


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
