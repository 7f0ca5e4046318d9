"""Coordinators manage volunteers: see who helps, and end someone's volunteering.

Ending it gives their open calls back to the other volunteers first, so no
resident who is waiting for a call is forgotten.
"""

from __future__ import annotations

import html
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, filters

from bot.buttons import Prefix, args_of, encode, matches
from bot.services.roles import Role
from handlers.auth import requires
from handlers.commands import names
from handlers.common import edit_buttons, send_long, send_with_menu
from handlers.context import SamenContext
from handlers.expired import button_expired

# Buttons (one per volunteer) stay well under Telegram's 100; the rest is counted.
SHOWN = 50


def _button(text: str, action: str, telegram_id: int) -> list[InlineKeyboardButton]:
    return [
        InlineKeyboardButton(
            text, callback_data=encode(Prefix.VOLUNTEER_ADMIN, action, str(telegram_id))
        )
    ]


@requires(Role.COORDINATOR)
async def list_volunteers(update: Update, ctx: SamenContext) -> None:
    """/volunteers: everyone who helps now, on duty or not, with their open calls."""
    chat = update.effective_chat
    if chat is None:
        return
    if update.callback_query is not None:
        await update.callback_query.answer()
    t = ctx.t
    volunteers = await ctx.services.volunteers.everyone()
    if not volunteers:
        await send_with_menu(
            update, ctx, t._("There are no volunteers yet. Make an invite link with /invite.")
        )
        return
    lines = [t._("<b>Volunteers</b> (%(n)s)", n=len(volunteers))]
    held_by = await ctx.services.call_requests.held_counts()
    for volunteer in volunteers[:SHOWN]:
        held = held_by.get(volunteer.telegram_id, 0)
        lines.append(
            t._(
                "• %(name)s – %(duty)s – %(languages)s – open calls: %(held)s",
                name=html.escape(volunteer.first_name),
                duty=t._("on duty") if volunteer.on_duty else t._("off duty"),
                languages=", ".join(t.language_name(code) for code in volunteer.languages),
                held=held,
            )
        )
    if len(volunteers) > SHOWN:
        lines.append(t._("… and %(n)s more.", n=len(volunteers) - SHOWN))
    rows = [
        _button(t._("✖️ End: %(name)s", name=v.first_name), "ask", v.telegram_id)
        for v in volunteers[:SHOWN]
    ]
    await send_long(ctx, chat.id, "\n".join(lines), reply_markup=InlineKeyboardMarkup(rows))


@requires(Role.COORDINATOR)
async def volunteer_admin_action(update: Update, ctx: SamenContext) -> None:
    """vman:<list|ask|end>:<id>: every press re-checks the role and the volunteer."""
    query = update.callback_query
    user = update.effective_user
    if query is None or query.message is None or user is None:
        return
    action, raw_id = args_of(query.data)
    if action == "list":
        await list_volunteers(update, ctx)
        return
    volunteer = await ctx.services.volunteers.get(int(raw_id))
    if volunteer is None:
        await button_expired(update, ctx)
        return
    t = ctx.t
    name = html.escape(volunteer.first_name)
    if action == "ask":
        held = len(await ctx.services.call_requests.tasks_of(volunteer.telegram_id))
        await query.answer()
        await ctx.bot.send_message(
            query.message.chat.id,
            t._(
                "End the volunteering of %(name)s? They can no longer take calls. "
                "Their open calls (%(held)s) go back to the other volunteers.",
                name=name,
                held=held,
            ),
            reply_markup=InlineKeyboardMarkup(
                [
                    _button(t._("✖️ Yes, end it"), "end", volunteer.telegram_id),
                    _button(t._("↩️ No"), "list", 0),
                ]
            ),
        )
        return
    if not await ctx.services.call_requests.end_volunteer(volunteer.telegram_id, user.id):
        await button_expired(update, ctx)  # another coordinator was just quicker
        return
    await query.answer()
    await edit_buttons(query, None)
    await send_with_menu(
        update,
        ctx,
        t._(
            "%(name)s is no longer a volunteer. Their open calls went back to the others.",
            name=name,
        ),
    )


def volunteer_admin_handlers() -> list[BaseHandler[Update, Any, Any]]:
    return [
        CommandHandler(names("volunteers"), list_volunteers, filters=filters.ChatType.PRIVATE),
        CallbackQueryHandler(volunteer_admin_action, pattern=matches(Prefix.VOLUNTEER_ADMIN)),
    ]
