"""“🤝 I want to help”: a volunteer's profile, a coordinator's tools, or how to join.

Written against the conversation layer. Every press re-checks the role
(``only_for``); the services check it again.
"""

from __future__ import annotations

import html
from collections.abc import Awaitable, Callable

from bot.buttons import Prefix, args_of, encode
from bot.chat.conversation import Conversation, consented
from bot.chat.message import Choice, Reply, choices
from bot.config import SUPPORTED_LANGUAGES
from bot.services.applications import ApplyResult
from bot.services.roles import Role
from bot.services.volunteers import Volunteer
from handlers.auth import only_for
from handlers.callme.request import consent_offer
from handlers.volunteers.availability import availability_choice
from handlers.volunteers.desk import show_tasks, typed_only

WRITE_NAME = "volunteers.name"  # the open question: the first name residents see


async def show_help_out(c: Conversation) -> None:
    """The menu choice: the volunteer's desk, the coordinator's tools, or how to join."""
    resident = c.resident
    if resident is None or not consented(c):
        await c.say(consent_offer(c))
        return
    roles = await c.runtime.services.roles.of(resident.telegram_id)
    if Role.COORDINATOR in roles:
        await _coordinator_panel(c)
    if Role.VOLUNTEER in roles:
        volunteer = await c.runtime.services.volunteers.get(resident.telegram_id)
        if volunteer is not None:
            await c.say(profile_card(c, volunteer))
    if roles:
        return
    await c.say(
        Reply(
            c.t._(
                "<b>Would you like to help?</b> 🤝\n\n"
                "Samen volunteers call residents who asked for a phone call. "
                "Sometimes just for a chat, sometimes with a practical question. "
                "You choose when you are available.\n\n"
                "Tap the button below. A coordinator of WIJ Heemstede will then get in touch."
            ),
            choices=choices(
                Choice(c.t._("🙋 I would like to become a volunteer"), encode(Prefix.APPLY, "yes"))
            ),
        )
    )


async def apply(c: Conversation) -> None:
    """apply:yes: a resident offers to help; the coordinators are asked."""
    resident = c.resident
    if resident is None or not consented(c):
        await c.say(Reply(c.t._("Please agree to the privacy text first."), menu=True))
        return
    result = await c.runtime.services.applications.apply(resident.telegram_id)
    await c.clear_choices()
    answers = {
        ApplyResult.SENT: c.t._(
            "Thank you! We sent your offer to a coordinator. You will hear from us soon."
        ),
        ApplyResult.PENDING: c.t._(
            "You already offered to help. A coordinator will get back to you soon."
        ),
        ApplyResult.ALREADY: c.t._("You are already a volunteer. Thank you!"),
    }
    await c.say(Reply(answers[result], menu=True))


async def _coordinator_panel(c: Conversation) -> None:
    t = c.t
    pending = await c.runtime.services.applications.pending_applications()
    await c.say(
        Reply(
            t._(
                "<b>For coordinators</b>\n\n"
                "/invite – a new invite link for a volunteer\n"
                "/volunteers – who helps, and ending someone's volunteering\n"
                "/tasks – all call requests\n\n"
                "Applications waiting for you: %(n)s",
                n=len(pending),
            ),
            choices=choices(
                Choice(t._("➕ New invite link"), encode(Prefix.INVITE, "new")),
                Choice(t._("📋 Tasks"), encode(Prefix.VOLUNTEER, "tasks:show")),
                Choice(t._("👥 Volunteers"), encode(Prefix.VOLUNTEER_ADMIN, "list", "0")),
            ),
        )
    )


# ---------------------------------------------------------------------- the profile


def profile_card(c: Conversation, volunteer: Volunteer) -> Reply:
    t = c.t
    text = t._(
        "<b>Your volunteer profile</b>\n\n"
        "Name residents see: %(name)s\n"
        "Languages you speak: %(languages)s\n"
        "On duty: %(duty)s\n\n"
        "On duty means: you get a message when someone asks for a call.",
        name=html.escape(volunteer.first_name),
        languages=", ".join(t.language_name(code) for code in volunteer.languages),
        duty=t._("yes") if volunteer.on_duty else t._("no"),
    )
    duty = (
        Choice(t._("⏸ Go off duty"), encode(Prefix.VOLUNTEER, "duty:off"))
        if volunteer.on_duty
        else Choice(t._("▶️ Go on duty"), encode(Prefix.VOLUNTEER, "duty:on"))
    )
    languages = tuple(
        Choice(
            ("✓ " if code in volunteer.languages else "") + t.language_name(code),
            encode(Prefix.VOLUNTEER, f"lang:{code}"),
        )
        for code in SUPPORTED_LANGUAGES
    )
    return Reply(
        text,
        choices=choices(
            duty,
            languages,
            Choice(t._("✏️ Change my name"), encode(Prefix.VOLUNTEER, "name:edit")),
            Choice(t._("📋 Tasks"), encode(Prefix.VOLUNTEER, "tasks:show")),
            availability_choice(t),
        ),
    )


@only_for(Role.VOLUNTEER)
async def profile_action(c: Conversation) -> None:
    """vol:duty:on|off, vol:lang:xx, vol:name:edit, vol:tasks:show."""
    what, value = args_of(c.incoming.data)[0].split(":")
    await _PROFILE_ACTIONS[what](c, value)


async def _tasks(c: Conversation, _: str) -> None:
    await show_tasks(c)


async def _ask_name(c: Conversation, _: str) -> None:
    await c.ask(
        WRITE_NAME,
        Reply(
            c.t._("Which first name should residents see? Type it below, or type /cancel."),
            menu=True,
        ),
    )


async def _duty(c: Conversation, value: str) -> None:
    volunteer = await c.runtime.services.volunteers.set_on_duty(c.person.id, value == "on")
    await c.runtime.services.call_requests.offer_open_tasks(c.person.id)
    if volunteer is not None:
        await c.acknowledge(
            c.t._("You are on duty.") if volunteer.on_duty else c.t._("You are off duty.")
        )
    await _show_profile(c, volunteer)


async def _language(c: Conversation, value: str) -> None:
    volunteer = await c.runtime.services.volunteers.toggle_language(c.person.id, value)
    if volunteer is not None:
        await c.acknowledge(c.t._("Saved."))
    await _show_profile(c, volunteer)


async def _show_profile(c: Conversation, volunteer: Volunteer | None) -> None:
    """The profile as it is now, on the tapped message (unchanged when nothing changed:
    unticking the only language, or "off duty" tapped twice)."""
    if volunteer is None:
        await c.acknowledge(c.t._("This button no longer works."))
        return
    await c.update(profile_card(c, volunteer))


_PROFILE_ACTIONS: dict[str, Callable[[Conversation, str], Awaitable[None]]] = {
    "tasks": _tasks,
    "name": _ask_name,
    "duty": _duty,
    "lang": _language,
}


async def got_name(c: Conversation) -> None:
    """The typed first name; the role is checked again (it may have ended meanwhile)."""
    if not await typed_only(c):
        return
    if not await c.runtime.services.roles.has(c.person.id, Role.VOLUNTEER):
        await c.close_question()
        await c.say(Reply(c.t._("Sorry, this is only for the Samen team."), menu=True))
        return
    volunteer = await c.runtime.services.volunteers.set_first_name(c.person.id, c.incoming.text)
    if volunteer is None:
        await c.say(Reply(c.t._("Please type a first name, or type /cancel.")))
        return
    await c.close_question()
    await c.say(profile_card(c, volunteer))
