"""The Telegram face of Samen: handlers registered in one documented order.

Order matters, because PTB stops at the first matching handler in a group:

group -1  load_person: who is this, which language; groups are answered once, then ignored
group  0  0. journeys converted to the conversation layer (bot/chat), through one
             handler that claims only what they handle: onboarding's buttons, /privacy,
             the menu's /menu /help /language and labels, my data, broadcasts, numbers,
             call me, volunteers (desk, profiles, invites, applications, coordinators' tools),
             activities (where to look, typed postcodes and shared locations, results,
             details, reminders, keeping them, /partner), the monthly self-check
          1. conversations (check-ins)
             - their states win while open
          2. each journey's buttons and commands: the task desk, volunteers
             (before /start, which it answers for invite links)
          3. /start (after the volunteers' /start <invite code>)
          4. check-in mood buttons
          5. text: typed check-in answers, else the text step, what the words mean
             (handlers.listen; "112" and "113" alone are calls for help, never postcodes)
          6. the journeys handler again, for what nobody took (handlers.unexpected):
             unknown commands, voice/video/photos (the offer of a call),
             stickers and files, edited messages, and buttons nobody knows (stale or forged)
"""

from __future__ import annotations

from typing import Any

from telegram import Update
from telegram.ext import (
    Application,
    CommandHandler,
    MessageHandler,
    TypeHandler,
    filters,
)

from bot.channels.telegram.conversation import ptb_callback, run_step
from bot.channels.telegram.errors import error_handler
from bot.channels.telegram.handler import JourneysHandler
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
from handlers.care import selfcheck
from handlers.care.answers import mood_handler, typed_checkin_answer
from handlers.care.checkins import checkins_conversation
from handlers.care.contact import contact_handlers
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
            checkins_conversation(),
            *contact_handlers(),  # before /start: it answers /start <contact invite>
            # before /start: the invite link's /start <code> (a converted step)
            CommandHandler("start", _join_with_invite, filters=private & INVITE_START),
            CommandHandler("start", ptb_callback(start_step), filters=private),
            mood_handler(),
            MessageHandler(
                private & filters.UpdateType.MESSAGE & filters.TEXT & ~filters.COMMAND,
                _typed_text,
            ),
            # What no handler took: unknown commands, stale or forged buttons, edits,
            # voice/video/photos (the offer of a call), stickers, files (handlers.unexpected).
            JourneysHandler(journeys, app.bot_data.runtime.questions, leftovers=True),
        ]
    )
    app.add_error_handler(error_handler(went_wrong))


async def _join_with_invite(update: Update, ctx: Any) -> None:
    await run_step(join_with_invite, update, ctx)


async def _typed_text(update: Update, ctx: Any) -> None:
    """Typed text nobody claimed: a typed answer to a check-in on screen ("goed", 🙁),
    else the text step (handlers.listen: what the words mean). The check-in answers
    are still PTB's, so they come first here rather than in the journeys' table."""
    if not await typed_checkin_answer(update, ctx):
        await run_step(listen.answer_typed, update, ctx)
