"""The last line of defence: log ids only, and tell the person something went wrong."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.error import Forbidden, NetworkError

from handlers.common import send_with_menu
from handlers.context import SamenContext
from handlers.people import translator_for

log = logging.getLogger("samen.errors")


async def on_error(update: object, ctx: SamenContext) -> None:
    error = ctx.error
    update_id = update.update_id if isinstance(update, Update) else None
    if isinstance(error, Forbidden | NetworkError) and update_id is None:
        # Polling hiccups and blocked users are expected; PTB retries polling itself.
        log.warning("telegram: %s", type(error).__name__)
        return
    ctx.runtime.monitor.errors.labels("handler").inc()
    # Only ids and the exception: a traceback names code, not people.
    log.error("update %s failed", update_id, exc_info=error)
    if isinstance(update, Update) and update.effective_chat is not None:
        if update.effective_chat.type != "private":
            return
        try:
            # PTB gives the error handler a fresh context: find the person's language.
            user = update.effective_user
            if user is not None:
                ctx.resident = await ctx.services.residents.get(user.id)
                ctx.t = translator_for(ctx, user.language_code)
            await send_with_menu(
                update,
                ctx,
                ctx.t._("Sorry, something went wrong on our side. Please try again in a moment."),
            )
        except Exception:
            log.warning("could not tell update %s about the error", update_id)
