"""Joining the team: invite links, and coordinators deciding on applications.

Invite codes are single-use and expire; a decision counts once, only for the
application the coordinator was asked about.
"""

from __future__ import annotations

import html

from telegram import InlineKeyboardMarkup, Update
from telegram.ext import (
    filters,
)

from bot.buttons import Prefix, args_of
from bot.services.applications import DecideResult
from bot.services.roles import Role
from bot.services.volunteers import (
    InviteResult,
    invite_link,
)
from handlers.auth import requires
from handlers.callme.request import drop_buttons
from handlers.common import edit_text, is_consented, send_with_menu
from handlers.context import SamenContext
from handlers.expired import button_expired
from handlers.volunteers.desk import button
from handlers.volunteers.profile import profile_buttons, profile_text

INVITE_START = filters.Regex(r"^/start [A-Za-z0-9_-]{16}$")


@requires(Role.COORDINATOR)
async def decide_application(update: Update, ctx: SamenContext) -> None:
    """appl:<yes|no>:<id>: the first coordinator's decision counts."""
    query = update.callback_query
    user = update.effective_user
    if query is None or user is None:
        return
    decision, application_id = args_of(query.data)
    result, name = await ctx.services.applications.decide(
        int(application_id), user.id, approve=decision == "yes"
    )
    name = html.escape(name)
    if result is DecideResult.UNKNOWN:  # erased, or not the application on this message
        await drop_buttons(update)
        await button_expired(update, ctx)
        return
    texts = {
        DecideResult.APPROVED: ctx.t._(
            "✅ You approved %(name)s. They are a volunteer now and have been told.", name=name
        ),
        DecideResult.DECLINED: ctx.t._(
            "❌ You declined %(name)s. They have been told that a coordinator will get in touch.",
            name=name,
        ),
        DecideResult.ALREADY_DECIDED: ctx.t._(
            "The application of %(name)s was already decided.", name=name
        ),
    }
    await query.answer()
    await edit_text(query, texts[result])
    if result is DecideResult.APPROVED:
        applicant = await ctx.services.applications.applicant_of(int(application_id))
        if applicant is not None:
            await ctx.services.call_requests.offer_open_tasks(applicant)


@requires(Role.COORDINATOR)
async def new_invite(update: Update, ctx: SamenContext) -> None:
    """/invite: a single-use link, valid for seven days."""
    user = update.effective_user
    chat = update.effective_chat
    if user is None or chat is None:
        return
    invite = await ctx.services.volunteers.create_invite(user.id)
    link = invite_link(ctx.bot.username, invite.code)
    await ctx.bot.send_message(
        chat.id,
        ctx.t._(
            "<b>New invite link</b>\n\n%(link)s\n\n"
            "Send it to one new volunteer. It works once, until %(until)s.",
            link=link,
            until=ctx.t.datetime(invite.expires_at),
        ),
    )


@requires(Role.COORDINATOR)
async def invite_button(update: Update, ctx: SamenContext) -> None:
    if update.callback_query is not None:
        await update.callback_query.answer()
    await new_invite(update, ctx)


async def join_with_invite(update: Update, ctx: SamenContext) -> None:
    """/start <code>: the invite link. Without consent, the privacy text comes first."""
    user = update.effective_user
    chat = update.effective_chat
    if user is None or chat is None or not ctx.args:
        return
    code = ctx.args[0]
    if is_consented(ctx):
        await _redeem(update, ctx, code)
        return
    state = await ctx.services.volunteers.check_invite(code)
    if state is not InviteResult.JOINED:
        await send_with_menu(update, ctx, _invite_problem(ctx, state))
        return
    from handlers.start import consent_question

    await ctx.bot.send_message(
        chat.id,
        ctx.t._(
            "Welcome to Samen! 👋 You have been invited to help as a volunteer. "
            "First, please read how Samen handles your data."
        ),
    )
    await ctx.bot.send_message(
        chat.id,
        consent_question(ctx),
        reply_markup=InlineKeyboardMarkup(
            [
                [button(ctx.t._("✅ I agree"), Prefix.JOIN, code)],
                [button(ctx.t._("No, thank you"), Prefix.CONSENT, "no", ctx.t.language)],
            ]
        ),
    )


async def joined_with_consent(update: Update, ctx: SamenContext) -> None:
    """join:<code>: record consent (the first thing stored), then use the invite."""
    query = update.callback_query
    user = update.effective_user
    if query is None or user is None:
        return
    (code,) = args_of(query.data)
    await query.answer()
    await drop_buttons(update)
    if not is_consented(ctx):
        ctx.resident = await ctx.services.residents.give_consent(
            user.id, user.first_name, ctx.t.language
        )
    await _redeem(update, ctx, code)


async def _redeem(update: Update, ctx: SamenContext, code: str) -> None:
    user = update.effective_user
    resident = ctx.resident
    if user is None or resident is None:
        return
    result = await ctx.services.volunteers.redeem_invite(
        code, user.id, resident.first_name or user.first_name, resident.language
    )
    if result is InviteResult.JOINED:
        await send_with_menu(
            update,
            ctx,
            ctx.t._(
                "🎉 Welcome to the team! You are now a Samen volunteer.\n\n"
                "You will get a message when someone asks for a phone call. "
                "Tap “🤝 I want to help” to see your tasks and your profile."
            ),
        )
        volunteer = await ctx.services.volunteers.get(user.id)
        if volunteer is not None:
            await ctx.bot.send_message(
                user.id,
                profile_text(ctx, volunteer),
                reply_markup=profile_buttons(ctx, volunteer),
            )
        await ctx.services.call_requests.offer_open_tasks(user.id)
        return
    if result is InviteResult.ALREADY:
        await send_with_menu(update, ctx, ctx.t._("You are already a volunteer. Thank you!"))
        return
    await send_with_menu(update, ctx, _invite_problem(ctx, result))


def _invite_problem(ctx: SamenContext, result: InviteResult) -> str:
    if result is InviteResult.USED:
        return ctx.t._(
            "This invite link was already used. Please ask the coordinator for a new one."
        )
    if result is InviteResult.EXPIRED:
        return ctx.t._("This invite link has expired. Please ask the coordinator for a new one.")
    return ctx.t._("This invite link does not work. Please ask the coordinator for a new one.")
