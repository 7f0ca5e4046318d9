"""The Telegram face of Samen: handlers registered in one documented order.

Order matters, because PTB stops at the first matching handler in a group:

group -1  load_person: who is this, which language; groups are answered once, then ignored
group  0  0. journeys converted to the conversation layer (bot/chat), through one
             handler that claims only what they handle: /start (onboarding, and the codes of
             invites and of linking the other app), onboarding's buttons, /privacy,
             the menu's /menu /help /language and labels, my data, broadcasts, numbers,
             call me, volunteers (desk, profiles, invites, applications, coordinators' tools),
             weekly calls, activities (where to look, typed postcodes and shared locations,
             results, details, reminders, keeping them, /partner), check-ins (set-up,
             answers, the safety net, the emergency contact and their /start ec<code>)
          1. the monthly self-check's buttons; then the journeys handler for typed text
             of a known shape (a postcode typed unasked), after the self-check's questions
          2. text: menu labels, else what the words mean (handlers.listen; "112" and
             "113" alone are calls for help, never postcodes)
          3. the journeys handler again, for what nobody took (handlers.unexpected):
             unknown commands, voice/video/photos (the offer of a call),
             stickers and files, edited messages, and buttons nobody knows (stale or forged)
"""

from __future__ import annotations

from typing import Any

from telegram import Update
from telegram.ext import (
    Application,
    MessageHandler,
    TypeHandler,
    filters,
)

from bot.channels.telegram.errors import error_handler
from bot.channels.telegram.handler import JourneysHandler, Stage
from bot.channels.telegram.people import load_person
from bot.chat.journeys import Journeys
from bot.chat.menu import MenuAction
from handlers import (
    activities,
    broadcast,
    callme,
    menu,
    mydata,
    numbers,
    regularcall,
    start,
    unexpected,
    volunteers,
)
from handlers.care import answers, checkins, contact, safety_net
from handlers.care.selfcheck import selfcheck_handlers
from handlers.errors import went_wrong
from handlers.listen import helpline_handler
from handlers.menu import on_text
from handlers.volunteers import availability


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
    regularcall.register(journeys)
    return journeys


def register(app: Application[Any, Any, Any, Any, Any, Any]) -> None:
    private = filters.ChatType.PRIVATE
    app.add_handler(TypeHandler(Update, load_person), group=-1)
    journeys = converted_journeys(app.bot_data.menu_index)
    app.add_handlers(
        [
            JourneysHandler(journeys, app.bot_data.runtime.questions),
            *selfcheck_handlers(),
            helpline_handler(),  # "112" typed alone: a call for help
            # Typed text of a shape a journey knows (a postcode, typed unasked), after the
            # old conversations above ("12345" may answer one of their questions).
            JourneysHandler(journeys, app.bot_data.runtime.questions, Stage.SHAPED),
            MessageHandler(
                private & filters.UpdateType.MESSAGE & filters.TEXT & ~filters.COMMAND, on_text
            ),
            # What no handler took: unknown commands, stale or forged buttons, edits,
            # voice/video/photos (the offer of a call), stickers, files (handlers.unexpected).
            JourneysHandler(journeys, app.bot_data.runtime.questions, Stage.LEFTOVERS),
        ]
    )
    app.add_error_handler(error_handler(went_wrong))
