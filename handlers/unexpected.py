"""Kind answers to everything Samen does not expect: never silence, never a trace."""

from __future__ import annotations

from telegram import Update

from handlers.common import send_with_menu
from handlers.context import SamenContext

# Texts longer than this are not something a menu tap or short answer produces.
LONG_TEXT = 1000


async def unexpected_text(update: Update, ctx: SamenContext) -> None:
    text = update.message.text if update.message and update.message.text else ""
    if len(text) > LONG_TEXT:
        answer = ctx.t._(
            "That is a long message. I cannot read it, sorry. Please use the buttons below."
        )
    else:
        answer = ctx.t._(
            "Sorry, I do not understand typed messages yet. Please use the buttons below."
        )
    await send_with_menu(update, ctx, answer)


async def unknown_command(update: Update, ctx: SamenContext) -> None:
    await send_with_menu(update, ctx, ctx.t._("I do not know that command. Here is the menu."))


async def unsupported_message(update: Update, ctx: SamenContext) -> None:
    """Stickers, photos, voice, video, files, locations we did not ask for."""
    await send_with_menu(
        update,
        ctx,
        ctx.t._(
            "I cannot look at photos or stickers, or listen to voice messages. "
            "Please use the buttons below."
        ),
    )


async def edited_message(update: Update, ctx: SamenContext) -> None:
    await send_with_menu(
        update,
        ctx,
        ctx.t._(
            "You changed a message. I only read new messages. Please send it again if you like."
        ),
    )
