"""The last line of defence on Telegram: log ids only, and tell the person (with the
journeys' own step) that something went wrong."""

from __future__ import annotations

import logging
from collections.abc import Callable, Coroutine
from typing import Any

from telegram import Update
from telegram.constants import ChatType
from telegram.error import Forbidden, NetworkError

from bot.channels.telegram.context import SamenContext
from bot.channels.telegram.conversation import run_step
from bot.channels.telegram.people import translator_for
from bot.chat.journeys import Step

log = logging.getLogger("samen.errors")

ErrorHandler = Callable[[object, SamenContext], Coroutine[Any, Any, None]]


def error_handler(tell: Step) -> ErrorHandler:
    """PTB's error handler; ``tell`` is the step that tells the person."""

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
        if not isinstance(update, Update) or update.effective_chat is None:
            return
        user = update.effective_user
        if update.effective_chat.type != ChatType.PRIVATE or user is None:
            return
        try:
            # PTB gives the error handler a fresh context: find the person's language.
            ctx.resident = await ctx.runtime.services.residents.get(user.id)
            ctx.t = translator_for(ctx, user.language_code)
            await run_step(tell, update, ctx)
        except Exception:
            log.warning("could not tell update %s about the error", update_id)

    return on_error
