"""Kind answers to everything Samen does not expect: never silence, never a trace."""

from __future__ import annotations

from telegram import Update

from handlers.common import is_consented, send_with_menu
from handlers.context import SamenContext


async def unknown_command(update: Update, ctx: SamenContext) -> None:
    await send_with_menu(update, ctx, ctx.t._("I do not know that command. Here is the menu."))


async def unsupported_message(update: Update, ctx: SamenContext) -> None:
    """Stickers, files, and contacts we did not ask for (voice and photos: handlers.listen).

    (A location is never unexpected: it looks for activities nearby.) A shared
    contact outside "Call me" is not stored; the person hears where a number is used.
    """
    if update.message is not None and update.message.contact is not None:
        await send_with_menu(
            update,
            ctx,
            ctx.t._(
                "Thank you. I only use a phone number when you ask for a call: tap “📞 Call me”."
            )
            if is_consented(ctx)
            else ctx.t._(
                "Thank you. I did not save this number. "
                "I only use a phone number when you ask for a call."
            ),
        )
        return
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
