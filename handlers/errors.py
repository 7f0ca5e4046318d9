"""What a person hears when Samen failed them (the channel logs ids only)."""

from __future__ import annotations

from bot.chat.conversation import Conversation
from bot.chat.message import Reply


async def went_wrong(c: Conversation) -> None:
    await c.say(
        Reply(
            c.t._("Sorry, something went wrong on our side. Please try again in a moment."),
            menu=True,
        )
    )
