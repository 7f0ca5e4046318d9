"""The kind answer to a button that no longer works (old, stale or forged)."""

from __future__ import annotations

from telegram import Update

from handlers.common import send_with_menu
from handlers.context import SamenContext


async def button_expired(update: Update, ctx: SamenContext) -> None:
    query = update.callback_query
    if query is not None:
        await query.answer(ctx.t._("This button no longer works."))
    await send_with_menu(update, ctx, ctx.t._("That button no longer works. Here is the menu."))
