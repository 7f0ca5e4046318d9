"""The kind answer to a choice that no longer works (old, stale or forged)."""

from __future__ import annotations

from bot.chat.conversation import Conversation
from bot.chat.message import Reply


async def choice_expired(conversation: Conversation) -> None:
    await conversation.acknowledge(conversation.t._("This button no longer works."))
    await conversation.say(
        Reply(conversation.t._("That button no longer works. Here is the menu."), menu=True)
    )
