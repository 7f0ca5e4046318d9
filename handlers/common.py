"""Small helpers every journey uses to answer a person."""

from __future__ import annotations

from telegram import CallbackQuery, InlineKeyboardMarkup, Message, ReplyKeyboardMarkup, Update

from bot.channels.telegram.send import MAX_MESSAGE as MAX_MESSAGE
from bot.channels.telegram.send import send_parts
from bot.channels.telegram.send import shows_already as shows_already
from bot.channels.telegram.send import split_message as split_message
from bot.config import SUPPORTED_LANGUAGES
from bot.services.residents import Status
from handlers.context import SamenContext
from handlers.keyboards import main_menu


def guess_language(language_code: str | None, default: str) -> str:
    """Telegram's language setting, if Samen speaks it; else the configured default."""
    code = (language_code or "").split("-")[0].lower()
    return code if code in SUPPORTED_LANGUAGES else default


def is_consented(ctx: SamenContext) -> bool:
    return ctx.resident is not None and ctx.resident.consent_current


def messages_stopped(ctx: SamenContext) -> bool:
    """They stopped all messages (“📋 My data”): no screen may promise one is coming."""
    return ctx.resident is not None and ctx.resident.status is Status.STOPPED


def menu_for(ctx: SamenContext) -> ReplyKeyboardMarkup:
    return main_menu(ctx.t, consented=is_consented(ctx))


async def send_with_menu(update: Update, ctx: SamenContext, text: str) -> Message | None:
    """Answer in the person's chat with the main menu underneath: never a dead end."""
    chat = update.effective_chat
    if chat is None:
        return None
    return await ctx.bot.send_message(chat.id, text, reply_markup=menu_for(ctx))


async def send_long(
    ctx: SamenContext,
    chat_id: int,
    text: str,
    reply_markup: InlineKeyboardMarkup | ReplyKeyboardMarkup | None = None,
) -> Message:
    """Send ``text`` in as many messages as it needs; the buttons go under the last one."""
    return await send_parts(ctx.bot, chat_id, text, reply_markup)


async def edit_text(
    query: CallbackQuery, text: str, reply_markup: InlineKeyboardMarkup | None = None
) -> None:
    """Edit the message a button was on, unless it shows this already (a second press)."""
    if not shows_already(query.message, reply_markup, text):
        await query.edit_message_text(text, reply_markup=reply_markup)


async def edit_buttons(query: CallbackQuery, keyboard: InlineKeyboardMarkup | None) -> None:
    """Change (or, with None, take off) the buttons of the message a button was on.

    Nothing is sent when they are already so: a second press, or a forged one on a
    message whose buttons are gone.
    """
    if not shows_already(query.message, keyboard):
        await query.edit_message_reply_markup(reply_markup=keyboard)
