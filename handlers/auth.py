"""The one role check every privileged handler uses, on the server, every time.

Wrap a handler with ``requires(Role.COORDINATOR)``: the role is read from the
store for the person who sent this update, so neither a forged button nor a
stale menu can get past it.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Coroutine
from typing import Any, TypeVar

from telegram import Update

from bot.services.roles import Role
from handlers.common import send_with_menu
from handlers.context import SamenContext

R = TypeVar("R")
Handler = Callable[[Update, SamenContext], Coroutine[Any, Any, R]]


async def has_role(update: Update, ctx: SamenContext, role: Role) -> bool:
    user = update.effective_user
    return user is not None and await ctx.services.roles.has(user.id, role)


def requires(role: Role) -> Callable[[Handler[R]], Handler[R | None]]:
    def wrap(handler: Handler[R]) -> Handler[R | None]:
        @functools.wraps(handler)
        async def guarded(update: Update, ctx: SamenContext) -> R | None:
            if await has_role(update, ctx, role):
                return await handler(update, ctx)
            if update.callback_query is not None:
                await update.callback_query.answer(ctx.t._("This is not available for you."))
            await send_with_menu(update, ctx, ctx.t._("Sorry, this is only for the Samen team."))
            return None

        return guarded

    return wrap
