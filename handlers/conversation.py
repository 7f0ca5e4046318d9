"""One way to build a ConversationHandler, with the conventions every journey shares.

Persistent (state survives a restart), re-enterable, a timeout, and the same
ways out everywhere: /cancel and /menu end the conversation and show the menu,
/start starts over.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Coroutine
from typing import Any

from telegram import Update
from telegram.ext import BaseHandler, CommandHandler, ConversationHandler
from telegram.warnings import PTBUserWarning

from bot.channels.telegram.ptb_conversations import leave_conversations as leave_conversations
from bot.persistence import CONVERSATION_TIMEOUT
from handlers.commands import names
from handlers.context import SamenContext

TIMEOUT_S = int(CONVERSATION_TIMEOUT.total_seconds())

Callback = Callable[[Update, SamenContext], Coroutine[Any, Any, object]]


def conversation(
    name: str,
    entry_points: list[BaseHandler[Update, Any, Any]],
    states: dict[object, list[BaseHandler[Update, Any, Any]]],
) -> ConversationHandler[Any]:
    from handlers.menu import show_menu
    from handlers.start import start

    with warnings.catch_warnings():
        # PTB warns that with per_message=False a CallbackQueryHandler is tracked per
        # person, not per message. That is intended: stale buttons of an old
        # conversation fall through to button_expired.
        warnings.simplefilter("ignore", PTBUserWarning)
        return ConversationHandler(
            entry_points=entry_points,
            states=states,
            fallbacks=[
                CommandHandler(names("cancel", "menu"), end_with(show_menu)),
                CommandHandler("start", end_with(start)),
            ],
            name=name,
            persistent=True,
            allow_reentry=True,
            conversation_timeout=TIMEOUT_S,
        )


def end_with(handler: Callback) -> Callable[[Update, SamenContext], Coroutine[Any, Any, int]]:
    """Run ``handler``, then end the conversation."""

    async def run_and_end(update: Update, ctx: SamenContext) -> int:
        await handler(update, ctx)
        return ConversationHandler.END

    return run_and_end
