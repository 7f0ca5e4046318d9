"""/partner, the coordinators' invite for a partner, on the conversation layer: a
single-use link (the channel's own start link) that makes whoever opens it first the
partner of the named sources. Keeping activities is ``manage`` and ``editing``.
"""

from __future__ import annotations

import html

from bot.chat.conversation import Conversation
from bot.chat.journeys import Journeys
from bot.chat.message import Reply
from bot.services.roles import Role
from handlers.auth import only_for
from handlers.commands import names


@only_for(Role.COORDINATOR)
async def new_partner_invite(c: Conversation) -> None:
    """/partner SOURCE…: a single-use link that makes someone the partner of these sources."""
    t = c.t
    services = c.runtime.services
    known = await services.partners.known_sources()
    wanted = list(dict.fromkeys(c.incoming.args))
    unknown = [name for name in wanted if name not in known]
    if not wanted or unknown:
        problem = t._("I do not know these sources: %(names)s", names=", ".join(unknown))
        lines = [html.escape(problem)] if unknown else []
        lines.append(
            t._(
                "Which sources will the partner keep? Type /partner and their names, "
                "for example /partner %(example)s\n\nSources: %(sources)s",
                example=html.escape(known[0] if known else "bibliotheek"),
                sources=html.escape(", ".join(known)) or t._("none yet"),
            )
        )
        await c.say(Reply("\n\n".join(lines), menu=True))
        return
    invite = await services.volunteers.create_invite(c.person.id, wanted)
    text = t._(
        "<b>Invite link for a partner</b>\n\n%(link)s\n\n"
        "Whoever opens it first keeps the activities of %(sources)s in Samen: "
        "adding, changing, hiding and showing them, nothing else. "
        "It works once, until %(until)s.",
        link=html.escape(c.start_link(invite.code)),
        sources=html.escape(", ".join(wanted)),
        until=t.datetime(invite.expires_at),
    )
    await c.say(Reply(text, menu=True))


def register(journeys: Journeys) -> None:
    journeys.command(names("partner"), new_partner_invite)
