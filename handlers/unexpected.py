"""Kind answers to everything Samen does not expect: never silence, never a trace."""

from __future__ import annotations

from telegram import Update

from handlers.common import is_consented, send_with_menu
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
    """Stickers, photos, voice, video, files, and contacts we did not ask for.

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
