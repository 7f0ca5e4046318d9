"""Small helpers every journey uses to answer a person."""

from __future__ import annotations

from telegram import Message, ReplyKeyboardMarkup, Update

from bot.config import SUPPORTED_LANGUAGES
from handlers.context import SamenContext
from handlers.keyboards import main_menu


def guess_language(language_code: str | None, default: str) -> str:
    """Telegram's language setting, if Samen speaks it; else the configured default."""
    code = (language_code or "").split("-")[0].lower()
    return code if code in SUPPORTED_LANGUAGES else default


def is_consented(ctx: SamenContext) -> bool:
    return ctx.resident is not None and ctx.resident.consent_current


def menu_for(ctx: SamenContext) -> ReplyKeyboardMarkup:
    return main_menu(ctx.t, consented=is_consented(ctx))


async def send_with_menu(update: Update, ctx: SamenContext, text: str) -> Message | None:
    """Answer in the person's chat with the main menu underneath: never a dead end."""
    chat = update.effective_chat
    if chat is None:
        return None
    return await ctx.bot.send_message(chat.id, text, reply_markup=menu_for(ctx))
