"""The Telegram face of Samen: handlers registered in one documented order.

Order matters, because PTB stops at the first matching handler in a group:

group -1  load_person: who is this, which language; groups are answered once, then ignored
group  0  0. journeys converted to the conversation layer (bot/chat), through one
             handler that claims only what they handle: my data, call me, volunteers
             (the task desk, profiles, invites, applications, coordinators' tools)
          1. conversations (check-ins; adding an activity) - their states win while open
          2. each journey's buttons and commands: broadcasts, the invite link's
             /start <code> (a converted step, before /start), numbers, the monthly
             self-check, activities
             (before the text handler, which it answers for typed postcodes)
          3. commands: /start /menu /help /language /privacy
          4. onboarding buttons, check-in mood buttons
          5. text: menu labels and typed check-in answers, else what the words mean
             (handlers.listen; "112" and "113" before the activities' postcodes)
          6. catch-alls: unknown commands, voice/video/photos (the offer of a call),
             stickers and files, edited messages, and buttons nobody knows (stale or forged)
"""

from __future__ import annotations

from typing import Any

from telegram import Update
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    CommandHandler,
    MessageHandler,
    TypeHandler,
    filters,
)

from bot.buttons import Prefix, matches
from bot.channels.telegram.conversation import run_step
from bot.channels.telegram.handler import JourneysHandler
from bot.chat.journeys import Journeys
from handlers import callme, mydata, volunteers
from handlers.activities.admin import activity_admin_conversation
from handlers.activities.search import activity_handlers
from handlers.broadcast import broadcast_handlers
from handlers.care.checkins import checkins_conversation, mood_handler
from handlers.care.selfcheck import selfcheck_handlers
from handlers.commands import names
from handlers.context import SamenContext
from handlers.errors import on_error
from handlers.expired import button_expired
from handlers.listen import helpline_handler, media_handler
from handlers.menu import ask_language, on_text, set_language, show_help, show_menu
from handlers.numbers import numbers_handlers
from handlers.people import load_person
from handlers.start import (
    answered_consent,
    chose_language,
    show_privacy,
    show_privacy_details,
    start,
)
from handlers.unexpected import edited_message, unknown_command, unsupported_message
from handlers.volunteers.joining import join_with_invite

INVITE_START = filters.Regex(r"^/start [A-Za-z0-9_-]{16}$")


def register(app: Application[Any, Any, Any, Any, Any, Any]) -> None:
    private = filters.ChatType.PRIVATE
    app.add_handler(TypeHandler(Update, load_person), group=-1)
    journeys = Journeys(app.bot_data.menu_index)
    mydata.register(journeys)
    callme.register(journeys)
    volunteers.register(journeys)
    app.add_handlers(
        [
            JourneysHandler(journeys, app.bot_data.runtime.questions),
            checkins_conversation(),
            activity_admin_conversation(),
            *broadcast_handlers(),
            # before /start: the invite link's /start <code> (a converted step)
            CommandHandler("start", _join_with_invite, filters=private & INVITE_START),
            *numbers_handlers(),
            *selfcheck_handlers(),
            helpline_handler(),  # "112" is a call for help, not a postcode
            *activity_handlers(),  # before the text handler: it answers typed postcodes
            CommandHandler("start", start, filters=private),
            CommandHandler(names("menu", "cancel"), show_menu, filters=private),
            CommandHandler(names("help"), show_help, filters=private),
            CommandHandler(names("language"), ask_language, filters=private),
            CommandHandler(names("privacy"), show_privacy, filters=private),
            CallbackQueryHandler(chose_language, pattern=matches(Prefix.LANGUAGE)),
            CallbackQueryHandler(set_language, pattern=matches(Prefix.SET_LANGUAGE)),
            CallbackQueryHandler(answered_consent, pattern=matches(Prefix.CONSENT)),
            CallbackQueryHandler(_privacy_button, pattern=matches(Prefix.PRIVACY)),
            CallbackQueryHandler(show_privacy_details, pattern=matches(Prefix.PRIVACY_DETAILS)),
            mood_handler(),
            MessageHandler(
                private & filters.UpdateType.MESSAGE & filters.TEXT & ~filters.COMMAND, on_text
            ),
            MessageHandler(private & filters.UpdateType.MESSAGE & filters.COMMAND, unknown_command),
            MessageHandler(private & filters.UpdateType.EDITED, edited_message),
            media_handler(),  # voice, video notes, photos: Samen cannot listen; a call
            MessageHandler(private & filters.UpdateType.MESSAGE, unsupported_message),
            CallbackQueryHandler(button_expired),
        ]
    )
    app.add_error_handler(on_error)


async def _join_with_invite(update: Update, ctx: SamenContext) -> None:
    await run_step(join_with_invite, update, ctx)


async def _privacy_button(update: Update, ctx: Any) -> None:
    if update.callback_query is not None:
        await update.callback_query.answer()
    await show_privacy(update, ctx)
