"""Partners in the chat: a coordinator's invite link for one, and a partner's own list.

A partner keeps the activities of their sources (see bot/services/activities/partners.py):
``/activities`` shows them theirs, shown and hidden, to open and change, and a way to
add one. The changes themselves go through the coordinators' screens
(handlers/activities/admin.py), which check per activity who may change it.
"""

from __future__ import annotations

import html
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import BaseHandler, CommandHandler, filters

from bot.buttons import Prefix, encode
from bot.services.roles import Role
from bot.services.volunteers import invite_link
from handlers.auth import requires
from handlers.commands import names
from handlers.common import send_with_menu
from handlers.context import SamenContext

LISTED = 30  # a partner's activities shown at once (Telegram allows 100 buttons)
_TITLE_IN_BUTTON = 48


@requires(Role.COORDINATOR)
async def new_partner_invite(update: Update, ctx: SamenContext) -> None:
    """/partner SOURCE…: a single-use link that makes someone the partner of these sources."""
    user = update.effective_user
    chat = update.effective_chat
    if user is None or chat is None:
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
    await ctx.bot.send_message(
        chat.id,
        t._(
            "<b>Invite link for a partner</b>\n\n%(link)s\n\n"
            "Whoever opens it first keeps the activities of %(sources)s in Samen: "
            "adding, changing, hiding and showing them, nothing else. "
            "It works once, until %(until)s.",
            link=invite_link(ctx.bot.username, invite.code),
            sources=html.escape(", ".join(wanted)),
            until=t.datetime(invite.expires_at),
        ),
    )


async def show_partner_manage(update: Update, ctx: SamenContext) -> None:
    """A partner's /activities: their sources' activities, and adding one to each source."""
    chat = update.effective_chat
    if chat is None:
        return
    t = ctx.t
    sources = await ctx.services.partners.sources_of(chat.id)
    mine = await ctx.services.activities.of_sources(sources, limit=LISTED)
    rows = [
        [
            InlineKeyboardButton(
                ("🙈 " if a.hidden_by else "") + a.title(t.language)[:_TITLE_IN_BUTTON],
                callback_data=encode(Prefix.ACT_DETAILS, str(a.id)),
            )
        ]
        for a in mine
    ]
    for number, source in enumerate(sources):
        label = (
            t._("➕ Add an activity")
            if len(sources) == 1
            else t._("➕ Add to %(source)s", source=source)
        )
        rows.append(
            [
                InlineKeyboardButton(
                    label, callback_data=encode(Prefix.ACT_MANAGE, "add", str(number))
                )
            ]
        )
    await ctx.bot.send_message(
        chat.id,
        t._(
            "<b>Your activities</b> (%(sources)s)\n\n"
            "Open one to change, hide or show it. 🙈 means hidden: residents do not see it.",
            sources=html.escape(", ".join(sources)),
        ),
        reply_markup=InlineKeyboardMarkup(rows),
    )


def partner_handlers() -> list[BaseHandler[Update, Any, Any]]:
    return [CommandHandler(names("partner"), new_partner_invite, filters=filters.ChatType.PRIVATE)]
