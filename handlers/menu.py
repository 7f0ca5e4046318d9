"""The main menu: /menu, /help, /language, and taps on the menu's reply buttons.

The steps here speak the conversation layer (bot/chat).
"""

from __future__ import annotations

from bot.buttons import Prefix, args_of
from bot.chat.conversation import Conversation
from bot.chat.journeys import Journeys
from bot.chat.menu import MenuAction
from bot.chat.message import Reply
from bot.services.roles import Role
from handlers.choices import language_choices
from handlers.commands import names


def register(journeys: Journeys) -> None:
    journeys.command(names("menu", "cancel"), show_menu)
    journeys.command(names("help"), show_help)
    journeys.command(names("language"), ask_language)
    journeys.choice(Prefix.SET_LANGUAGE, set_language)
    journeys.menu(MenuAction.BACK, show_menu)
    journeys.menu(MenuAction.HELP, show_help)
    journeys.menu(MenuAction.LANGUAGE, ask_language)


async def show_menu(c: Conversation) -> None:
    await c.say(Reply(c.t._("What would you like to do?"), menu=True))


async def show_help(c: Conversation) -> None:
    """How Samen works; volunteers and coordinators also see their own commands."""
    parts = [
        c.t._(
            "<b>How Samen works</b>\n\n"
            "Tap a button at the bottom of your screen. "
            "No buttons? Tap the small square with four dots next to the text box, "
            "or type /menu.\n\n"
            "/menu – show the buttons\n"
            "/mydata – what Samen stores about you\n"
            "/language – choose another language\n"
            "/privacy – the privacy text\n"
            "/help – this text"
        )
    ]
    parts.append(c.t._("/weekly – a call every week from the same volunteer"))
    roles = await c.runtime.services.roles.of(c.person.id)
    if Role.VOLUNTEER in roles:
        parts.append(c.t._("<b>For volunteers</b>\n/tasks – open call requests and yours"))
    if Role.COORDINATOR in roles:
        parts.append(
            c.t._(
                "<b>For coordinators</b>\n"
                "/broadcast – a message to many residents\n"
                "/broadcasts – planned messages, to cancel\n"
                "/activities – add or change activities\n"
                "/invite – an invite link for a new volunteer\n"
                "/volunteers – who helps\n"
                "/tasks – all call requests\n"
                "/stats – the numbers, with a chart\n"
                "/audit – who did what"
            )
        )
        parts.append(c.t._("/matches – weekly calls: who calls whom, who waits"))
    await c.say(Reply("\n\n".join(parts), menu=True))


async def ask_language(c: Conversation) -> None:
    await c.say(
        Reply(
            c.t._("Which language do you want?"),
            choices=language_choices(Prefix.SET_LANGUAGE, c.t.language),
        )
    )


async def set_language(c: Conversation) -> None:
    """setlang:xx: remember the language (stored only for residents who agreed)."""
    await c.set_language(args_of(c.incoming.data)[0])
    await c.acknowledge()
    await c.clear_choices()
    await c.say(Reply(c.t._("Fine, I will write in English from now on."), menu=True))
