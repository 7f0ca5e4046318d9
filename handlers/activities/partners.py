"""A partner's own list, on the conversation layer: their sources' activities, shown and
hidden, to open and change, and a way to add one to each source.

A partner keeps the activities of their sources (bot/services/activities/partners.py);
the changes themselves go through the editing screens (handlers/activities/admin.py),
which check per activity who may change it.
"""

from __future__ import annotations

import html

from bot.buttons import Prefix, encode
from bot.chat.conversation import Conversation
from bot.chat.message import Choice, Reply, choices

LISTED = 30  # a partner's activities shown at once (Telegram allows 100 buttons)
TITLE_IN_BUTTON = 48


async def show_partner_manage(c: Conversation) -> None:
    """A partner's /activities: their sources' activities, and adding one to each source."""
    t = c.t
    services = c.runtime.services
    sources = await services.partners.sources_of(c.person.id)
    mine = await services.activities.of_sources(sources, limit=LISTED)
    listed = [
        Choice(
            ("🙈 " if a.hidden_by else "") + a.title(t.language)[:TITLE_IN_BUTTON],
            encode(Prefix.ACT_DETAILS, str(a.id)),
        )
        for a in mine
    ]
    adds = [
        Choice(
            t._("➕ Add an activity")
            if len(sources) == 1
            else t._("➕ Add to %(source)s", source=source),
            encode(Prefix.ACT_MANAGE, "add", str(number)),
        )
        for number, source in enumerate(sources)
    ]
    text = t._(
        "<b>Your activities</b> (%(sources)s)\n\n"
        "Open one to change, hide or show it. 🙈 means hidden: residents do not see it.",
        sources=html.escape(", ".join(sources)),
    )
    await c.say(Reply(text, choices=choices(*listed, *adds)))
