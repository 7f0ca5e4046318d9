"""The Telegram face of Samen: handlers registered in one documented order.

Order matters, because PTB stops at the first matching handler in a group:

group -1  load_person: who is this, which language; groups are answered once, then ignored
group  0  0. journeys converted to the conversation layer (bot/chat), through one
             handler that claims only what they handle: onboarding's buttons, /privacy,
             the menu's /menu /help /language and labels, my data, broadcasts, numbers,
             call me, volunteers (desk, profiles, invites, applications, coordinators' tools),
             activities (where to look, typed postcodes and shared locations, results,
             details, reminders, keeping them, /partner), check-ins (set-up, answers,
             the safety net, the emergency contact and their /start ec<code>), the
             monthly self-check
          1. volunteers' /start <invite code> (before /start)
          2. /start
          3. the journeys handler again, for what nobody claimed: typed text (the text
             step, handlers.listen: what the words mean), and the kind answers of
             handlers.unexpected:
             unknown commands, voice/video/photos (the offer of a call),
             stickers and files, edited messages, and buttons nobody knows (stale or forged)
"""

from __future__ import annotations

from typing import Any

from telegram import Update
from telegram.ext import (
    Application,
    CommandHandler,
    TypeHandler,
    filters,
)

from bot.channels.telegram.conversation import ptb_callback, run_step
from bot.channels.telegram.errors import error_handler
from bot.channels.telegram.handler import JourneysHandler, Stage
from bot.channels.telegram.people import load_person
from bot.chat.journeys import Journeys
from bot.chat.menu import MenuAction
from handlers import (
    activities,
    broadcast,
    callme,
    listen,
    menu,
    mydata,
    numbers,
    start,
    unexpected,
    volunteers,
)
from handlers.care import answers, checkins, contact, safety_net, selfcheck
from handlers.errors import went_wrong
from handlers.start import start as start_step
from handlers.volunteers import availability
from handlers.volunteers.joining import join_with_invite

INVITE_START = filters.Regex(r"^/start [A-Za-z0-9_-]{16}$")


def converted_journeys(menu_index: dict[str, MenuAction]) -> Journeys:
    """Every journey on the conversation layer: the one routing table of every channel
    (Telegram's JourneysHandler here, WhatsApp's in bot/channels/whatsapp)."""
    journeys = Journeys(menu_index)
    # The order of these calls does not matter: each claims its own prefixes, commands,
    # menu labels and questions, and a second claim is refused.
    start.register(journeys)
    menu.register(journeys)
    mydata.register(journeys)
    activities.register(journeys)
    availability.register(journeys)
    callme.register(journeys)
    volunteers.register(journeys)
    unexpected.register(journeys)
    broadcast.register(journeys)
    numbers.register(journeys)
    checkins.register(journeys)
    safety_net.register(journeys)
    answers.register(journeys)
    contact.register(journeys)
    selfcheck.register(journeys)
    listen.register(journeys)
    return journeys


def register(app: Application[Any, Any, Any, Any, Any, Any]) -> None:
    private = filters.ChatType.PRIVATE
    app.add_handler(TypeHandler(Update, load_person), group=-1)
    journeys = converted_journeys(app.bot_data.menu_index)
    app.add_handlers(
        [
            JourneysHandler(journeys, app.bot_data.runtime.questions),
            # before /start: the invite link's /start <code> (a converted step)
            CommandHandler("start", _join_with_invite, filters=private & INVITE_START),
            CommandHandler("start", ptb_callback(start_step), filters=private),
            # What no handler took: typed text (the text step, handlers.listen), unknown
            # commands, stale or forged buttons, edits, voice/video/photos (the offer of a
            # call), stickers, files (handlers.unexpected).
            JourneysHandler(journeys, app.bot_data.runtime.questions, Stage.LEFTOVERS),
        ]
    )
    app.add_error_handler(error_handler(went_wrong))


async def _join_with_invite(update: Update, ctx: Any) -> None:
    await run_step(join_with_invite, update, ctx)
