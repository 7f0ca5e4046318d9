"""Onboarding: language, a warm introduction, the privacy notice, consent.

Each button carries the chosen language, so onboarding needs no server-side
state: nothing about the person is stored before they agree, and a restart
in the middle of it strands nobody.
"""

from __future__ import annotations

from telegram import InlineKeyboardMarkup, Update

from bot.buttons import Prefix, args_of
from bot.services.residents import PRIVACY_NOTICE_VERSION
from handlers.common import (
    edit_buttons,
    edit_text,
    guess_language,
    is_consented,
    menu_for,
    send_with_menu,
)
from handlers.context import SamenContext
from handlers.helplines import crisis_help
from handlers.keyboards import consent_choice, language_choice, privacy_details_button


def privacy_notice(ctx: SamenContext) -> str:
    """The short notice (B1) people agree to; the details are one tap away."""
    return ctx.t._(
        "<b>Your privacy</b>\n\n"
        "If you agree, Samen keeps:\n"
        "• your first name and your language;\n"
        "• what you choose, for example a request for a phone call.\n\n"
        "Samen only uses this to help you. You can delete it all at any time.\n\n"
        "(Privacy text, version %(version)s)",
        version=PRIVACY_NOTICE_VERSION,
    )


def privacy_details(ctx: SamenContext) -> str:
    """Everything about what is kept, why, who sees it and how to delete it, in plain words."""
    return ctx.t._(
        "<b>Your privacy in detail</b>\n\n"
        "<b>What does Samen keep?</b>\n"
        "• Your first name and your language.\n"
        "• The number of your Telegram account, so Samen knows where to send a message. "
        "This is not your phone number.\n"
        "• When you agreed to the privacy text.\n"
        "• What you choose in Samen, for example a reminder or a request for a phone call.\n"
        "• Your phone number only if you give it yourself, for a phone call.\n\n"
        "<b>Why?</b> Only to help you. We never sell your data.\n\n"
        "<b>Who sees it?</b> A volunteer who helps you only sees what is needed for that. "
        "The coordinators of Samen also see your first name and your requests, "
        "to make sure someone helps you.\n\n"
        "<b>How long?</b> Until you delete it. You can do that at any time.\n\n"
        "<b>Delete?</b> Tap “📋 My data” and then “🗑 Delete everything”. "
        "Then everything is gone at once."
    )


def consent_question(ctx: SamenContext) -> str:
    return privacy_notice(ctx) + "\n\n" + ctx.t._("Do you agree?")


async def start(update: Update, ctx: SamenContext) -> None:
    """/start: welcome back, or begin onboarding with the language question."""
    user = update.effective_user
    if user is None or update.effective_chat is None:
        return
    if is_consented(ctx):
        await send_with_menu(update, ctx, ctx.t._("Welcome back! What would you like to do?"))
        return
    suggested = guess_language(user.language_code, ctx.runtime.settings.default_language)
    both = " · ".join(
        ctx.runtime.catalogs.get(lang)._("Choose your language") for lang in ("nl", "en")
    )
    await ctx.bot.send_message(
        update.effective_chat.id, both, reply_markup=language_choice(Prefix.LANGUAGE, suggested)
    )


async def chose_language(update: Update, ctx: SamenContext) -> None:
    """lang:xx: show the introduction and the privacy notice in that language."""
    query = update.callback_query
    if query is None or update.effective_chat is None:
        return
    await query.answer()
    language = args_of(query.data)[0]
    if ctx.user_data is not None:
        ctx.user_data["language"] = language
    ctx.t = ctx.runtime.catalogs.get(language)
    if ctx.resident is not None:
        await ctx.services.residents.set_language(ctx.resident.telegram_id, language)
    await edit_text(
        query,
        ctx.t._(
            "<b>Welcome to Samen!</b> 👋\n\n"
            "Samen is for everyone in Heemstede who would like more contact with others. "
            "The municipality and local partners, such as WIJ Heemstede and the library, "
            "work on it together.\n\n"
            "You use Samen with the buttons. You do not need to type."
        ),
    )
    if is_consented(ctx):
        await send_with_menu(update, ctx, ctx.t._("What would you like to do?"))
        return
    await ctx.bot.send_message(
        update.effective_chat.id, consent_question(ctx), reply_markup=consent_choice(ctx.t)
    )


async def answered_consent(update: Update, ctx: SamenContext) -> None:
    """consent:yes|no:xx: store consent (the first thing ever stored), or store nothing."""
    query = update.callback_query
    user = update.effective_user
    if query is None or user is None:
        return
    answer, language = args_of(query.data)
    ctx.t = ctx.runtime.catalogs.get(language)
    if answer == "yes":
        ctx.resident = await ctx.services.residents.give_consent(user.id, user.first_name, language)
        await query.answer(ctx.t._("Thank you!"))
        await edit_buttons(query, None)
        await send_with_menu(
            update,
            ctx,
            ctx.t._(
                "Thank you! Everything is ready.\n\n"
                "Choose what you want to do with the buttons below. "
                "You can always type /menu to see them again."
            ),
        )
        return
    await query.answer()
    await edit_buttons(query, None)
    if is_consented(ctx):
        text = ctx.t._(
            "You already agreed before. Do you want to withdraw? "
            "Go to “My data” and tap “Delete everything”."
        )
    else:
        if ctx.user_data is not None:
            ctx.user_data["language"] = language
        # Help from a person needs no consent: the numbers are shown, nothing is stored.
        text = (
            ctx.t._(
                "That is fine. Samen has stored nothing about you.\n\n"
                "Changed your mind? Tap “🔒 Privacy” below to agree after all."
            )
            + "\n\n"
            + crisis_help(ctx)
        )
    await ctx.bot.send_message(user.id, text, reply_markup=menu_for(ctx))


async def show_privacy(update: Update, ctx: SamenContext) -> None:
    """/privacy or the Privacy button: the notice, with the choice if not yet agreed."""
    chat = update.effective_chat
    if chat is None:
        return
    if is_consented(ctx) and ctx.resident is not None:
        agreed = ctx.t._("You agreed: %(moment)s.", moment=ctx.t.datetime(ctx.resident.consent_at))
        await ctx.bot.send_message(
            chat.id,
            privacy_notice(ctx) + "\n\n" + agreed,
            reply_markup=InlineKeyboardMarkup([[privacy_details_button(ctx.t)]]),
        )
        return
    await ctx.bot.send_message(chat.id, consent_question(ctx), reply_markup=consent_choice(ctx.t))


async def show_privacy_details(update: Update, ctx: SamenContext) -> None:
    """privmore:xx: the full privacy text, then still the choice for who has not agreed."""
    query = update.callback_query
    chat = update.effective_chat
    if query is None or chat is None:
        return
    await query.answer()
    ctx.t = ctx.runtime.catalogs.get(args_of(query.data)[0])
    if is_consented(ctx):
        await send_with_menu(update, ctx, privacy_details(ctx))
        return
    await ctx.bot.send_message(
        chat.id,
        privacy_details(ctx) + "\n\n" + ctx.t._("Do you agree?"),
        reply_markup=consent_choice(ctx.t, details=False),
    )
