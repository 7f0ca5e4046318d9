"""PTB ConversationHandlers, while journeys not yet converted still use them: a person who
moves on (a menu tap, a command) or is erased leaves every question they left open."""

from __future__ import annotations

from typing import Any

from telegram import Update
from telegram.ext import Application, ConversationHandler


def leave_conversations(app: Application[Any, Any, Any, Any, Any, Any], update: Update) -> None:
    """The person moved on (a menu tap, a command): end every question left open.

    Otherwise an abandoned question (a check-in time, a postcode) would read a later,
    unrelated message as its answer, or swallow a menu tap meant to start another
    journey. PTB has no public call for this; ``_get_key`` and ``_update_state`` are
    what ConversationHandler itself uses (PTB 20-22), and the change is persisted.
    """
    for handler in app.handlers.get(0, []):
        if isinstance(handler, ConversationHandler):
            handler._update_state(ConversationHandler.END, handler._get_key(update))
