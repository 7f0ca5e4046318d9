"""The one role check every privileged step uses, on the server, every time.

Wrap a step with ``only_for(Role.COORDINATOR)``: the role is read from the store for the
person who sent this update, so neither a forged choice nor a stale menu can get past it.
"""

from __future__ import annotations

import functools
from collections.abc import Callable

from bot.chat.conversation import Conversation
from bot.chat.journeys import Step
from bot.chat.message import Reply
from bot.services.roles import Role


def only_for(role: Role) -> Callable[[Step], Step]:
    """A tap from someone without the role gets a short notice, and everyone without it
    a kind word and the menu."""

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
