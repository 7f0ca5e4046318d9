"""/weekly: the resident's own weekly call (pause, resume, someone else, end) and, for a
volunteer, the residents they call every week (pause, stop).

Every choice is checked again by the service against the presser: a resident can only
change their own call, a volunteer only a call they make. Ending and "someone else"
ask once more, and nobody has to say why.
"""

from __future__ import annotations

import html
from collections.abc import Awaitable, Callable
from datetime import timedelta

from bot.buttons import Prefix, args_of, encode
from bot.chat.conversation import Conversation, consented
from bot.chat.message import Choice, ListRow, Reply, choices
from bot.i18n import Translator
from bot.services.callme.phones import display_phone
from bot.services.regularcall import RegularCall, Status, interests_line, when_text, wish_text
from bot.services.regularcall.schedule import call_moment
from bot.services.roles import Role
from bot.when import parse_day
from handlers.auth import only_for
from handlers.regularcall.wish import start_wish

Step = Callable[[Conversation], Awaitable[None]]
PAUSE_WEEKS = ("1", "2", "4")
PAUSE_UNTIL = "regularcall.pause"  # the open question: until which day
NAME_IN_BUTTON = 12  # a resident's first name on a button, cut to fit every channel


async def show_weekly(c: Conversation) -> None:
    """/weekly and rc:show: what the person has, and what they can do with it."""
    resident = c.resident
    mine = (
        await c.runtime.services.regular_calls.of_resident(resident.telegram_id)
        if resident is not None
        else None
    )
    matches = await c.runtime.services.regular_calls.of_volunteer(c.person.id)
    if matches:
        await c.say(_volunteer_screen(c, matches))
        if mine is None:
            return
    if mine is None:
        await c.say(_offer(c))
        return
    await c.say(_call_screen(c, mine))


def _offer(c: Conversation) -> Reply:
    return Reply(
        c.t._(
            "🔁 <b>A call every week</b>\n\n"
            "Would you like a call from the same volunteer every week? You choose the days "
            "and the time of day. A volunteer who fits calls you then, every week. "
            "You can pause it or end it whenever you like."
        ),
        choices=choices(Choice(c.t._("✅ Yes, I would like that"), encode(Prefix.REGULAR, "new"))),
    )


def _call_screen(c: Conversation, call: RegularCall) -> Reply:
    t = c.t
    lines = [t._("🔁 <b>Your weekly call</b>"), ""]
    lines.append(t._("Number: %(phone)s", phone=display_phone(call.phone)))
    if call.status is not Status.MATCHED or call.weekday is None:
        lines.append(t._("You asked for: %(wish)s", wish=wish_text(t, call)))
        lines.append(
            t._("We are looking for a volunteer who fits. You will hear their first name.")
        )
        return Reply("\n".join(lines), choices=choices(_end_choice(c)))
    calls = c.runtime.services.regular_calls
    next_day = call_moment(calls.next_day(call), call.part, calls.policy.zone)[0]
    lines.append(
        t._(
            "%(name)s calls you %(when)s.",
            name=html.escape(call.volunteer_name),
            when=when_text(t, call.weekday, call.part),
        )
    )
    if call.paused_until is not None:
        lines.append(t._("Paused. No call before %(day)s.", day=t.day(call.paused_until)))
    lines.append(t._("Next call: %(day)s.", day=t.day(next_day)))
    pause = (
        Choice(t._("▶️ Start again"), encode(Prefix.REGULAR, "resume"))
        if call.paused_until is not None
        else Choice(t._("⏸ Pause"), encode(Prefix.REGULAR, "pause"))
    )
    other = Choice(t._("🔄 Someone else"), encode(Prefix.REGULAR, "other"))
    return Reply("\n".join(lines), choices=choices((pause, other), _end_choice(c)))


def _end_choice(c: Conversation) -> Choice:
    return Choice(c.t._("⏹ End the weekly calls"), encode(Prefix.REGULAR, "end"))


async def regular_action(c: Conversation) -> None:
    """rc:<show|new|pause|resume|end|endyes|other|otheryes> for the resident's own call."""
    (action,) = args_of(c.incoming.data)
    if action != "show" and not consented(c):
        await start_wish(c)  # it offers the privacy text first
        return
    await _ACTIONS[action](c)


async def _show(c: Conversation) -> None:
    await c.clear_choices()
    await show_weekly(c)


async def _ask_pause(c: Conversation) -> None:
    await c.update(
        Reply(
            c.t._("How long would you like a break? You get no call in that time."),
            choices=choices(
                tuple(
                    Choice(
                        c.t.ngettext("%(n)s week", "%(n)s weeks", int(weeks)),
                        encode(Prefix.REGULAR_PAUSE, weeks),
                    )
                    for weeks in PAUSE_WEEKS
                ),
                Choice(c.t._("📅 Until a date I choose"), encode(Prefix.REGULAR_PAUSE, "date")),
            ),
        )
    )


async def paused(c: Conversation) -> None:
    """rcz:<weeks>: the resident's holiday; rcz:date asks until which day."""
    (weeks,) = args_of(c.incoming.data)
    if weeks == "date":
        await c.clear_choices()
        text = c.t._("Until which day? Type for example 24 December, Saturday or 24-12.")
        await c.ask(PAUSE_UNTIL, Reply(text))
        return
    calls = c.runtime.services.regular_calls
    until = calls.today() + timedelta(weeks=int(weeks))
    await _after_change(c, await calls.pause(c.person.id, until))


async def typed_pause_date(c: Conversation) -> None:
    """The answer to "until which day?": a date as people write it (bot/when.py)."""
    calls = c.runtime.services.regular_calls
    until = parse_day(c.incoming.text, calls.today())
    if until is None:
        text = c.t._("I did not understand that date. Please type it like 24 December.")
        await c.say(Reply(text))
        return
    try:
        call = await calls.pause(c.person.id, until)
    except ValueError:
        await c.say(Reply(c.t._("Please choose a date after today and within a year.")))
        return
    await c.close_question()
    if call is None:
        await c.say(Reply(c.t._("That is no longer possible. Type /weekly to see it now.")))
        return
    await c.say(_call_screen(c, call))


async def _resume(c: Conversation) -> None:
    await _after_change(c, await c.runtime.services.regular_calls.resume(c.person.id))


async def _after_change(c: Conversation, call: RegularCall | None) -> None:
    if call is None:
        await _no_longer_possible(c)
        return
    await c.update(_call_screen(c, call))


async def _ask_end(c: Conversation) -> None:
    await c.update(
        Reply(
            c.t._("Do you want to end the weekly calls? Your number is then removed."),
            choices=choices(
                Choice(c.t._("Yes, end them"), encode(Prefix.REGULAR, "endyes")),
                Choice(c.t._("No, keep them"), encode(Prefix.REGULAR, "show")),
            ),
        )
    )


async def _end(c: Conversation) -> None:
    ended = await c.runtime.services.regular_calls.end(c.person.id)
    await c.update(
        Reply(
            c.t._(
                "The weekly calls have ended, and your number is removed. "
                "Thank you! You can ask again any time: type /weekly."
            )
            if ended
            else c.t._("You have no weekly call.")
        )
    )


async def _ask_other(c: Conversation) -> None:
    await c.update(
        Reply(
            c.t._(
                "Would you like another volunteer to call you? That is fine, and you do "
                "not have to say why. We let your volunteer know kindly."
            ),
            choices=choices(
                Choice(c.t._("Yes, someone else"), encode(Prefix.REGULAR, "otheryes")),
                Choice(c.t._("No, keep them"), encode(Prefix.REGULAR, "show")),
            ),
        )
    )


async def _other(c: Conversation) -> None:
    changed = await c.runtime.services.regular_calls.end(c.person.id, someone_else=True)
    await c.update(
        Reply(
            c.t._(
                "We are looking for another volunteer for you. "
                "You will hear their first name. Your days and number stay the same."
            )
            if changed
            else c.t._("You have no weekly call.")
        )
    )


_ACTIONS: dict[str, Step] = {
    "show": _show,
    "new": start_wish,
    "pause": _ask_pause,
    "resume": _resume,
    "end": _ask_end,
    "endyes": _end,
    "other": _ask_other,
    "otheryes": _other,
}


# ---------------------------------------------------------------------- the volunteer


def _volunteer_screen(c: Conversation, matches: list[RegularCall]) -> Reply:
    """Every resident this volunteer calls, however many: one list row each (the
    channel pages a long list), leading to that resident's own choices."""
    t = c.t
    lines = [t._("🔁 <b>The residents you call every week</b>"), ""]
    lines += [_resident_line(t, call) for call in matches]
    lines += ["", t._("Tap a name to pause or stop a weekly call.")]
    rows = tuple(
        ListRow(
            call.resident_name[:NAME_IN_BUTTON],
            encode(Prefix.REGULAR_VOLUNTEER, "show", str(call.id)),
            when_text(t, call.weekday or 0, call.part),
        )
        for call in matches
    )
    return Reply("\n".join(lines), rows=rows)


def _resident_line(t: Translator, call: RegularCall) -> str:
    """'• John, every Tuesday, 12:00–17:00', and until when it is paused."""
    line = t._(
        "• %(name)s, %(when)s",
        name=html.escape(call.resident_name),
        when=when_text(t, call.weekday or 0, call.part),
    )
    if call.paused_until is not None:
        line += " " + t._("(paused until %(day)s)", day=t.day(call.paused_until))
    return line


def _one_resident(c: Conversation, call: RegularCall) -> Reply:
    """One resident's weekly call, for the volunteer: pause it or stop it."""
    t, name, data = c.t, call.resident_name[:NAME_IN_BUTTON], str(call.id)
    text = "🔁 " + _resident_line(t, call).removeprefix("• ") + "\n" + interests_line(t, call)
    return Reply(
        text,
        choices=choices(
            Choice(
                t._("⏸ %(name)s: 2 weeks", name=name),
                encode(Prefix.REGULAR_VOLUNTEER, "pause", data),
            ),
            Choice(
                t._("⏹ %(name)s: stop", name=name),
                encode(Prefix.REGULAR_VOLUNTEER, "end", data),
            ),
            Choice(t._("◀️ Back to the list"), encode(Prefix.REGULAR, "show")),
        ),
    )


@only_for(Role.VOLUNTEER)
async def volunteer_action(c: Conversation) -> None:
    """rcw:<show|pause|end|endyes>:<call>: the service checks the call is this volunteer's."""
    action, raw_id = args_of(c.incoming.data)
    await _VOLUNTEER_ACTIONS[action](c, int(raw_id))


async def _show_one(c: Conversation, call_id: int) -> None:
    mine = await c.runtime.services.regular_calls.of_volunteer(c.person.id)
    call = next((call for call in mine if call.id == call_id), None)
    if call is None:
        await _no_longer_possible(c)
        return
    await c.update(_one_resident(c, call))


async def _ask_step_down(c: Conversation, call_id: int) -> None:
    await c.update(
        Reply(
            c.t._(
                "Do you want to stop these weekly calls? The resident hears it kindly, "
                "and we look for another volunteer for them."
            ),
            choices=choices(
                Choice(
                    c.t._("Yes, stop"), encode(Prefix.REGULAR_VOLUNTEER, "endyes", str(call_id))
                ),
                Choice(c.t._("No, keep them"), encode(Prefix.REGULAR, "show")),
            ),
        )
    )


async def _pause_two_weeks(c: Conversation, call_id: int) -> None:
    paused = await c.runtime.services.regular_calls.volunteer_pause(call_id, c.person.id)
    text = c.t._("Done. The resident has been told. No call for the next two weeks.")
    await _volunteer_changed(c, paused, text)


async def _step_down(c: Conversation, call_id: int) -> None:
    stepped_down = await c.runtime.services.regular_calls.step_down(call_id, c.person.id)
    text = c.t._("Done. The resident has been told kindly. Thank you for every call!")
    await _volunteer_changed(c, stepped_down, text)


async def _volunteer_changed(c: Conversation, done: bool, text: str) -> None:
    """The choice's message says what was done, or that it no longer can be."""
    if not done:
        await _no_longer_possible(c)
        return
    await c.update(Reply(text))


async def _no_longer_possible(c: Conversation) -> None:
    await c.clear_choices()
    await c.acknowledge(c.t._("That is no longer possible. Type /weekly to see it now."))


_VOLUNTEER_ACTIONS: dict[str, Callable[[Conversation, int], Awaitable[None]]] = {
    "show": _show_one,
    "pause": _pause_two_weeks,
    "end": _ask_step_down,
    "endyes": _step_down,
}


def proposal_reply(c: Conversation, call: RegularCall) -> str:
    """What a volunteer who said yes reads: who, when, and what comes next."""
    return c.t._(
        "✅ <b>Thank you!</b> You call %(name)s %(when)s.\n%(interests)s\n"
        "The day before, you get the call as a task with the number. "
        "To pause or stop: type /weekly.",
        name=html.escape(call.resident_name),
        when=when_text(c.t, call.weekday or 0, call.part),
        interests=interests_line(c.t, call),
    )
