"""Sending on Telegram: long texts cut into messages it accepts, and edits that would
change nothing left out."""

from __future__ import annotations

import html
import re

from telegram import Bot, InlineKeyboardMarkup, Message, ReplyKeyboardMarkup

from bot.chat.message import Venue
from bot.services.broadcasts import telegram_length

# Telegram refuses a text longer than this; it counts UTF-16 code units.
MAX_MESSAGE = 4096
# A venue's title and address as Telegram shows them without cutting them itself.
VENUE_TITLE_MAX, VENUE_ADDRESS_MAX = 100, 200


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
        while telegram_length(line) > limit:
            if current:
                parts.append(current)
                current = ""
            cut = limit
            while telegram_length(line[:cut]) > limit:
                cut -= 1
            parts.append(line[:cut])
            line = line[cut:]
        candidate = f"{current}\n{line}" if current else line
        if current and telegram_length(candidate) > limit:
            parts.append(current)
            current = line
        else:
            current = candidate
    parts.append(current)
    return [part for part in parts if part.strip()] or [text]


async def send_parts(
    bot: Bot,
    chat_id: int,
    text: str,
    reply_markup: InlineKeyboardMarkup | ReplyKeyboardMarkup | None = None,
) -> Message:
    """Send ``text`` in as many messages as it needs; the buttons go under the last one."""
    parts = split_message(text)
    for part in parts[:-1]:
        await bot.send_message(chat_id, part)
    return await bot.send_message(chat_id, parts[-1], reply_markup=reply_markup)


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
    no longer shows the bot (deleted, or too old: PTB reads it as a Message dated 0,
    without text or buttons) cannot be compared or sensibly edited, so it counts as
    showing it already.
    """
    if not isinstance(message, Message) or not message.is_accessible:
        return True
    if text is not None and (message.text or "").strip() != _plain(text):
        return False
    return _markup_of(message.reply_markup) == _markup_of(keyboard)


async def send_place(bot: Bot, chat_id: int, place: Venue) -> Message:
    """A pin on the map: a venue with its name and address, or the bare location when
    there is no address (Telegram refuses a venue without one)."""
    if not place.address or not place.name:
        return await bot.send_location(chat_id, place.latitude, place.longitude)
    return await bot.send_venue(
        chat_id,
        latitude=place.latitude,
        longitude=place.longitude,
        title=place.name[:VENUE_TITLE_MAX],
        address=place.address[:VENUE_ADDRESS_MAX],
    )
