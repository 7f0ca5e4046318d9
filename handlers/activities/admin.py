"""/partner, the coordinators' invite link for a partner, still a PTB handler: the
link is a Telegram deep link (``t.me/<bot>?start=<code>``) until links have a
channel-neutral form. Everything else about keeping activities is on the conversation
layer (``manage``, ``editing``).
"""

from __future__ import annotations

import html
from typing import Any

from telegram import Update
from telegram.ext import BaseHandler, CommandHandler, filters

from bot.channels.telegram.conversation import telegram_start_link
from bot.services.roles import Role
from handlers.auth import requires
from handlers.commands import names
from handlers.common import send_with_menu
from handlers.context import SamenContext


@requires(Role.COORDINATOR)
async def new_partner_invite(update: Update, ctx: SamenContext) -> None:
    """/partner SOURCE…: a single-use link that makes someone the partner of these sources."""
    user = update.effective_user
    if user is None:
        return
    t = ctx.t
    known = await ctx.services.partners.known_sources()
    wanted = list(dict.fromkeys(ctx.args or ()))
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
        await send_with_menu(update, ctx, "\n\n".join(lines))
        return
    invite = await ctx.services.volunteers.create_invite(user.id, wanted)
    await send_with_menu(
        update,
        ctx,
        t._(
            "<b>Invite link for a partner</b>\n\n%(link)s\n\n"
            "Whoever opens it first keeps the activities of %(sources)s in Samen: "
            "adding, changing, hiding and showing them, nothing else. "
            "It works once, until %(until)s.",
            link=telegram_start_link(ctx.bot.username, invite.code),
            sources=html.escape(", ".join(wanted)),
            until=t.datetime(invite.expires_at),
        ),
    )


def admin_handlers() -> list[BaseHandler[Update, Any, Any]]:
    return [CommandHandler(names("partner"), new_partner_invite, filters=filters.ChatType.PRIVATE)]
