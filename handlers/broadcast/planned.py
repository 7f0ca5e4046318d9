"""/broadcasts: the announcements planned or being sent, each with a choice to cancel it."""

from __future__ import annotations

import html
import re

from bot.buttons import Prefix
from bot.chat.conversation import Conversation
from bot.chat.message import Reply
from bot.services.broadcasts import Broadcast, Status
from bot.services.roles import Role
from handlers.auth import only_for
from handlers.broadcast.drafts import choice
from handlers.expired import choice_expired


@only_for(Role.COORDINATOR)
async def list_broadcasts(c: Conversation) -> None:
    planned = await c.runtime.services.broadcasts.scheduled()
    if not planned:
        await c.say(Reply(c.t._("No announcements are planned or being sent."), menu=True))
        return
    for broadcast in planned:
        await c.say(
            Reply(
                _listed(c, broadcast),
                choices=(
                    choice(c.t._("✖️ Cancel this one"), Prefix.BROADCAST, "cancel", broadcast.id),
                ),
            )
        )


def _listed(c: Conversation, broadcast: Broadcast) -> str:
    when = broadcast.send_at or c.runtime.clock()
    state = (
        c.t._("being sent now")
        if broadcast.status is Status.SENDING
        else c.t._("planned for %(moment)s", moment=c.t.datetime(when))
    )
    preview = html.escape(_plain_start(broadcast.text))
    return c.t._("#%(id)s, %(state)s:\n%(preview)s", id=broadcast.id, state=state, preview=preview)


def _plain_start(text: str, length: int = 80) -> str:
    """The start of an HTML text without its tags, for a short list."""
    plain = html.unescape(re.sub(r"<[^>]+>", "", text))
    return plain if len(plain) <= length else plain[: length - 1] + "…"


async def cancel_planned(c: Conversation, broadcast_id: int) -> None:
    """bc:cancel:<id>: stop a planned or running announcement (any coordinator may)."""
    was = await c.runtime.services.broadcasts.cancel(broadcast_id, c.person.id)
    if was is None:
        await choice_expired(c)
        return
    await c.acknowledge(c.t._("Cancelled."))
    await c.clear_choices()
    text = (
        c.t._("Stopped. People who already got it keep it; nobody else will.")
        if was is Status.SENDING
        else c.t._("The announcement is cancelled.")
    )
    await c.say(Reply(text, menu=True))
