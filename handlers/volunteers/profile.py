"""“🤝 I want to help”: a volunteer's profile, a coordinator's tools, or how to join.

Every press re-checks the role (``requires``); the services check it again.
"""

from __future__ import annotations

import html

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.ext import (
    ConversationHandler,
)

from bot.buttons import Prefix, args_of
from bot.config import SUPPORTED_LANGUAGES
from bot.services.applications import ApplyResult
from bot.services.roles import Role
from bot.services.volunteers import (
    Volunteer,
)
from handlers.auth import has_role, requires
from handlers.callme.request import drop_buttons
from handlers.common import edit_text, is_consented, send_with_menu
from handlers.context import SamenContext
from handlers.keyboards import consent_choice
from handlers.volunteers.availability import availability_choice
from handlers.volunteers.desk import button, show_tasks

WRITE_NAME = "volunteer_name"


# ---------------------------------------------------------------------- "I want to help"


async def show_help_out(update: Update, ctx: SamenContext) -> None:
    """The menu button: the volunteer's desk, the coordinator's tools, or how to join."""
    chat = update.effective_chat
    resident = ctx.resident
    if chat is None:
        return
    if resident is None or not is_consented(ctx):
        from handlers.start import consent_question

        await ctx.bot.send_message(
            chat.id, consent_question(ctx), reply_markup=consent_choice(ctx.t)
        )
        return
    roles = await ctx.services.roles.of(resident.telegram_id)
    if Role.COORDINATOR in roles:
        await _coordinator_panel(update, ctx)
    if Role.VOLUNTEER in roles:
        volunteer = await ctx.services.volunteers.get(resident.telegram_id)
        if volunteer is not None:
            await ctx.bot.send_message(
                chat.id,
                profile_text(ctx, volunteer),
                reply_markup=profile_buttons(ctx, volunteer),
            )
    if roles:
        return
    await ctx.bot.send_message(
        chat.id,
        ctx.t._(
            "<b>Would you like to help?</b> 🤝\n\n"
            "Samen volunteers call residents who asked for a phone call. "
            "Sometimes just for a chat, sometimes with a practical question. "
            "You choose when you are available.\n\n"
            "Tap the button below. A coordinator of WIJ Heemstede will then get in touch."
        ),
        reply_markup=InlineKeyboardMarkup(
            [[button(ctx.t._("🙋 I would like to become a volunteer"), Prefix.APPLY, "yes")]]
        ),
    )


async def apply(update: Update, ctx: SamenContext) -> None:
    query = update.callback_query
    if query is None:
        return
    await query.answer()
    resident = ctx.resident
    if resident is None or not is_consented(ctx):
        await send_with_menu(update, ctx, ctx.t._("Please agree to the privacy text first."))
        return
    result = await ctx.services.applications.apply(resident.telegram_id)
    await drop_buttons(update)
    answers = {
        ApplyResult.SENT: ctx.t._(
            "Thank you! We sent your offer to a coordinator. You will hear from us soon."
        ),
        ApplyResult.PENDING: ctx.t._(
            "You already offered to help. A coordinator will get back to you soon."
        ),
        ApplyResult.ALREADY: ctx.t._("You are already a volunteer. Thank you!"),
    }
    await send_with_menu(update, ctx, answers[result])


# ---------------------------------------------------------------------- profile


def profile_text(ctx: SamenContext, volunteer: Volunteer) -> str:
    t = ctx.t
    return t._(
        "<b>Your volunteer profile</b>\n\n"
        "Name residents see: %(name)s\n"
        "Languages you speak: %(languages)s\n"
        "On duty: %(duty)s\n\n"
        "On duty means: you get a message when someone asks for a call.",
        name=html.escape(volunteer.first_name),
        languages=", ".join(t.language_name(code) for code in volunteer.languages),
        duty=t._("yes") if volunteer.on_duty else t._("no"),
    )


def profile_buttons(ctx: SamenContext, volunteer: Volunteer) -> InlineKeyboardMarkup:
    t = ctx.t
    when = availability_choice(t)
    duty = (
        button(t._("⏸ Go off duty"), Prefix.VOLUNTEER, "duty:off")
        if volunteer.on_duty
        else button(t._("▶️ Go on duty"), Prefix.VOLUNTEER, "duty:on")
    )
    languages = [
        button(
            ("✓ " if code in volunteer.languages else "") + t.language_name(code),
            Prefix.VOLUNTEER,
            f"lang:{code}",
        )
        for code in SUPPORTED_LANGUAGES
    ]
    return InlineKeyboardMarkup(
        [
            [duty],
            languages,
            [button(t._("✏️ Change my name"), Prefix.VOLUNTEER, "name:edit")],
            [button(t._("📋 Tasks"), Prefix.VOLUNTEER, "tasks:show")],
            [InlineKeyboardButton(when.label, callback_data=when.data)],
        ]
    )


@requires(Role.VOLUNTEER)
async def profile_action(update: Update, ctx: SamenContext) -> None:
    """vol:duty:on|off, vol:lang:xx, vol:tasks:show (vol:name:edit is a conversation)."""
    query = update.callback_query
    user = update.effective_user
    if query is None or user is None:
        return
    what, value = args_of(query.data)[0].split(":")
    if what == "tasks":
        await query.answer()
        await show_tasks(update, ctx)
        return
    volunteers = ctx.services.volunteers
    if what == "duty":
        volunteer = await volunteers.set_on_duty(user.id, value == "on")
        await ctx.services.call_requests.offer_open_tasks(user.id)
    elif what == "lang":
        volunteer = await volunteers.toggle_language(user.id, value)
    else:
        volunteer = await volunteers.get(user.id)
    if volunteer is None:
        await query.answer(ctx.t._("This button no longer works."))
        return
    await query.answer(
        (ctx.t._("You are on duty.") if volunteer.on_duty else ctx.t._("You are off duty."))
        if what == "duty"
        else ctx.t._("Saved.")
    )
    # Unticking the only language, or "off duty" pressed twice, changes nothing: the
    # buttons already show it (duty and languages are all they show), so no edit.
    buttons = profile_buttons(ctx, volunteer)
    if isinstance(query.message, Message) and query.message.reply_markup == buttons:
        return
    await edit_text(query, profile_text(ctx, volunteer), buttons)


@requires(Role.VOLUNTEER)
async def ask_name(update: Update, ctx: SamenContext) -> str:
    query = update.callback_query
    if query is not None:
        await query.answer()
    await send_with_menu(
        update,
        ctx,
        ctx.t._("Which first name should residents see? Type it below, or type /cancel."),
    )
    return WRITE_NAME


async def got_name(update: Update, ctx: SamenContext) -> str | int:
    user = update.effective_user
    message = update.message
    if user is None or message is None or message.text is None:
        return WRITE_NAME
    if not await has_role(update, ctx, Role.VOLUNTEER):
        await send_with_menu(update, ctx, ctx.t._("Sorry, this is only for the Samen team."))
        return ConversationHandler.END
    volunteer = await ctx.services.volunteers.set_first_name(user.id, message.text)
    if volunteer is None:
        await message.reply_text(ctx.t._("Please type a first name, or type /cancel."))
        return WRITE_NAME
    await ctx.bot.send_message(
        user.id, profile_text(ctx, volunteer), reply_markup=profile_buttons(ctx, volunteer)
    )
    return ConversationHandler.END


# ---------------------------------------------------------------------- coordinators


async def _coordinator_panel(update: Update, ctx: SamenContext) -> None:
    chat = update.effective_chat
    if chat is None:
        return
    t = ctx.t
    pending = await ctx.services.applications.pending_applications()
    await ctx.bot.send_message(
        chat.id,
        t._(
            "<b>For coordinators</b>\n\n"
            "/invite – a new invite link for a volunteer\n"
            "/volunteers – who helps, and ending someone's volunteering\n"
            "/tasks – all call-back requests\n\n"
            "Applications waiting for you: %(n)s",
            n=len(pending),
        ),
        reply_markup=InlineKeyboardMarkup(
            [
                [button(t._("➕ New invite link"), Prefix.INVITE, "new")],
                [button(t._("📋 Tasks"), Prefix.VOLUNTEER, "tasks:show")],
                [button(t._("👥 Volunteers"), Prefix.VOLUNTEER_ADMIN, "list", "0")],
            ]
        ),
    )
