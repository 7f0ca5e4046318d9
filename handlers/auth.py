"""The one role check every privileged step uses, on the server, every time.

Wrap a step with ``only_for(Role.COORDINATOR)`` (a PTB handler not yet converted with
``requires``): the role is read from the store for the person who sent this update, so
neither a forged button nor a stale menu can get past it.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Coroutine
from typing import Any, TypeVar

from telegram import Update

from bot.chat.conversation import Conversation
from bot.chat.journeys import Step
from bot.chat.message import Reply
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


def only_for(role: Role) -> Callable[[Step], Step]:
    """A step only people with ``role`` may take; anyone else hears so, kindly."""

    def wrap(step: Step) -> Step:
        @functools.wraps(step)
        async def guarded(c: Conversation) -> None:
            if await c.runtime.services.roles.has(c.person.id, role):
                await step(c)
                return
            await c.acknowledge(c.t._("This is not available for you."))
            await c.say(Reply(c.t._("Sorry, this is only for the Samen team."), menu=True))

        return guarded

    return wrap
