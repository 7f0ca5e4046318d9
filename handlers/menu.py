"""The main menu: /menu, /help, /language, and taps on the menu's reply buttons."""

from __future__ import annotations

from telegram import Update

from bot.buttons import Prefix, args_of
from bot.channels.telegram.conversation import run_step
from bot.services.roles import Role
from handlers.activities.search import show_activities
from handlers.care.checkins import show_checkins, typed_checkin_answer
from handlers.care.selfcheck import typed_selfcheck_answer
from handlers.common import edit_buttons, send_with_menu
from handlers.context import SamenContext
from handlers.keyboards import MAX_LABEL, MenuAction, language_choice, menu_action
from handlers.listen import answer_typed
from handlers.start import show_privacy
from handlers.volunteers.profile import show_help_out


async def show_menu(update: Update, ctx: SamenContext) -> None:
    await send_with_menu(update, ctx, ctx.t._("What would you like to do?"))


async def show_help(update: Update, ctx: SamenContext) -> None:
    """How Samen works; volunteers and coordinators also see their own commands."""
    parts = [
        ctx.t._(
            "<b>How Samen works</b>\n\n"
            "Tap a button at the bottom of your screen. "
            "No buttons? Tap the small square with four dots next to the text box, "
            "or type /menu.\n\n"
            "/menu – show the buttons\n"
            "/mydata – what Samen stores about you\n"
            "/language – choose another language\n"
            "/privacy – the privacy text\n"
            "/help – this text"
        )
    ]
    user = update.effective_user
    roles = await ctx.services.roles.of(user.id) if user is not None else frozenset()
    if Role.VOLUNTEER in roles:
        parts.append(ctx.t._("<b>For volunteers</b>\n/tasks – open call-back requests and yours"))
    if Role.COORDINATOR in roles:
        parts.append(
            ctx.t._(
                "<b>For coordinators</b>\n"
                "/broadcast – a message to many residents\n"
                "/broadcasts – planned messages, to cancel\n"
                "/activities – add or change activities\n"
                "/invite – an invite link for a new volunteer\n"
                "/volunteers – who helps\n"
                "/tasks – all call-back requests\n"
                "/stats – the numbers, with a chart\n"
                "/audit – who did what"
            )
        )
    await send_with_menu(update, ctx, "\n\n".join(parts))


async def ask_language(update: Update, ctx: SamenContext) -> None:
    chat = update.effective_chat
    if chat is None:
        return
    await ctx.bot.send_message(
        chat.id,
        ctx.t._("Which language do you want?"),
        reply_markup=language_choice(Prefix.SET_LANGUAGE, ctx.t.language),
    )


async def set_language(update: Update, ctx: SamenContext) -> None:
    """setlang:xx: remember the language (stored only for residents who agreed)."""
    query = update.callback_query
    user = update.effective_user
    if query is None or user is None:
        return
    language = args_of(query.data)[0]
    if ctx.resident is not None:
        await ctx.services.residents.set_language(user.id, language)
    elif ctx.user_data is not None:
        ctx.user_data["language"] = language
    ctx.t = ctx.runtime.catalogs.get(language)
    await query.answer()
    await edit_buttons(query, None)
    await send_with_menu(update, ctx, ctx.t._("Fine, I will write in English from now on."))


async def on_text(update: Update, ctx: SamenContext) -> None:
    """A tap on a menu button arrives as its label; anything else is read for its meaning."""
    message = update.message
    if message is None or message.text is None:
        return
    text = message.text
    action = menu_action(ctx.bot_data.menu_index, text) if len(text) <= MAX_LABEL else None
    if action is MenuAction.LANGUAGE:
        await ask_language(update, ctx)
    elif action is MenuAction.HELP:
        await show_help(update, ctx)
    elif action is MenuAction.PRIVACY:
        await show_privacy(update, ctx)
    elif action is MenuAction.ACTIVITIES:
        await show_activities(update, ctx)
    elif action is MenuAction.BACK:
        await show_menu(update, ctx)
    elif action is MenuAction.HELP_OUT:
        await run_step(show_help_out, update, ctx)
    elif action is MenuAction.CHECKINS:
        await show_checkins(update, ctx)
    elif action is None and await typed_checkin_answer(update, ctx):
        pass  # a typed answer to a check-in ("goed", "niet zo goed", 🙁)
    elif action is None and await typed_selfcheck_answer(update, ctx):
        pass  # a typed answer to the self-check question on screen ("ja", "min of meer")
    else:
        await answer_typed(update, ctx)  # "ik voel me eenzaam", "koffie morgen", "112"
