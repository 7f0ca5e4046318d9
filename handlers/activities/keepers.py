"""Who may keep activities, checked on the server for every step: coordinators any,
partners their own sources' ones only (bot/services/activities/partners.py)."""

from __future__ import annotations

import functools

from bot.chat.conversation import Conversation
from bot.chat.journeys import Step
from bot.chat.message import Reply
from bot.services.activities.catalog import Activity


def keepers_only(step: Step) -> Step:
    """A step for coordinators and partners only; anyone else hears so, kindly."""

    @functools.wraps(step)
    async def guarded(c: Conversation) -> None:
        if await c.runtime.services.partners.may_manage(c.person.id):
            await step(c)
            return
        await c.acknowledge(c.t._("This is not available for you."))
        await c.say(Reply(c.t._("Sorry, this is only for the Samen team."), menu=True))

    return guarded


async def may_change(c: Conversation, activity: Activity) -> bool:
    """May this person change this activity? A forged or forwarded choice for another
    source's activity is refused here, kindly."""
    if await c.runtime.services.partners.may_change(c.person.id, activity.source):
        return True
    await c.acknowledge(c.t._("This is not available for you."))
    await c.say(Reply(c.t._("Sorry, this activity is not one of yours."), menu=True))
    return False
