"""Small helpers every journey uses to answer a person."""

from __future__ import annotations

import html
import re

from telegram import CallbackQuery, InlineKeyboardMarkup, Message, ReplyKeyboardMarkup, Update

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


# Telegram refuses a text longer than this; it counts UTF-16 code units.
MAX_MESSAGE = 4096


def _length(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def split_message(text: str, limit: int = MAX_MESSAGE) -> list[str]:
    """A long text as several messages of at most ``limit``, cut between lines.

    Lists grow with the number of tasks, volunteers or reminders; one message
    over Telegram's limit would be refused and the person would see nothing.
    A single line longer than the limit (never produced by Samen's lists) is
    cut hard, so no part is ever refused.
    """
    parts: list[str] = []
    current = ""
    for line in text.split("\n"):
        while _length(line) > limit:
            if current:
                parts.append(current)
                current = ""
            cut = limit
            while _length(line[:cut]) > limit:
                cut -= 1
            parts.append(line[:cut])
            line = line[cut:]
        candidate = f"{current}\n{line}" if current else line
        if current and _length(candidate) > limit:
            parts.append(current)
            current = line
        else:
            current = candidate
    parts.append(current)
    return [part for part in parts if part.strip()] or [text]


async def send_long(
    ctx: SamenContext,
    chat_id: int,
    text: str,
    reply_markup: InlineKeyboardMarkup | ReplyKeyboardMarkup | None = None,
) -> Message:
    """Send ``text`` in as many messages as it needs; the buttons go under the last one."""
    parts = split_message(text)
    for part in parts[:-1]:
        await ctx.bot.send_message(chat_id, part)
    return await ctx.bot.send_message(chat_id, parts[-1], reply_markup=reply_markup)


def _plain(text: str) -> str:
    """What Telegram shows of an HTML text: the tags gone, the entities decoded."""
    return html.unescape(_TAG.sub("", text)).strip()


_TAG = re.compile(r"<[^>]*>")


def _markup_of(keyboard: InlineKeyboardMarkup | None) -> InlineKeyboardMarkup | None:
    """Telegram drops an empty inline keyboard; compare it as none at all."""
    return keyboard if keyboard is not None and keyboard.inline_keyboard else None


def shows_already(
    message: object, keyboard: InlineKeyboardMarkup | None, text: str | None = None
) -> bool:
    """The message a button was on already shows this text (if given) and these buttons.

    Editing it would change nothing, and Telegram refuses such an edit ("message is
    not modified") and counts the failed call against the bot. A message Telegram
    no longer shows the bot (deleted, or inaccessible) cannot be edited at all, so
    it counts as showing it already.
    """
    if not isinstance(message, Message):
        return True
    if text is not None and (message.text or "").strip() != _plain(text):
        return False
    return _markup_of(message.reply_markup) == _markup_of(keyboard)


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
