"""The kind answer to a button that no longer works (old, stale or forged)."""

from __future__ import annotations

from telegram import Update

from bot.channels.telegram.conversation import run_step
from bot.chat.conversation import Conversation
from bot.chat.message import Reply
from handlers.context import SamenContext


async def choice_expired(conversation: Conversation) -> None:
    await conversation.acknowledge(conversation.t._("This button no longer works."))
    await conversation.say(
        Reply(conversation.t._("That button no longer works. Here is the menu."), menu=True)
    )


async def button_expired(update: Update, ctx: SamenContext) -> None:
    """The same, for journeys not yet converted to the conversation layer."""
    await run_step(choice_expired, update, ctx)
