"""A typed answer to buttons is a tap on that button ("ja", "nee", "2", its words).

See ``bot.shown_choices``: the request layer remembers the last message with buttons in
each chat; here a typed text that picks one becomes a button press, queued after the
current update, so every journey's own button handler answers it.
"""

from __future__ import annotations

import secrets

from telegram import CallbackQuery, Message, Update

from bot.shown_choices import TYPED_QUERY
from handlers.context import SamenContext


async def press_typed_choice(update: Update, ctx: SamenContext) -> bool:
    """Queue the button press a typed answer means; False when it picks no button."""
    message = update.message
    chat = update.effective_chat
    user = update.effective_user
    if message is None or message.text is None or chat is None or user is None:
        return False
    shown = ctx.runtime.shown_choices.last(chat.id)
    data = shown.pick(message.text) if shown is not None else None
    if shown is None or data is None:
        return False
    pressed = CallbackQuery(
        id=TYPED_QUERY + secrets.token_hex(8),
        from_user=user,
        chat_instance=str(chat.id),
        message=Message.de_json(shown.message, ctx.bot),
        data=data,
    )
    pressed.set_bot(ctx.bot)
    await ctx.application.update_queue.put(
        Update(update_id=-update.update_id, callback_query=pressed)
    )
    return True
