"""A Reply as Telegram markup: choices and list rows as inline buttons, the menu and
one-time asks as a reply keyboard.

Telegram puts one keyboard under a message, so choices win over the menu (which stays
on screen from earlier messages), and an ask wins over the menu.
"""

from __future__ import annotations

from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    ReplyKeyboardMarkup,
)

from bot.chat.menu import MENU_LABELS, MenuAction
from bot.chat.message import Ask, Reply
from bot.i18n import N_, Translator

Markup = InlineKeyboardMarkup | ReplyKeyboardMarkup

ASK_LABELS = {
    Ask.LOCATION: N_("📍 Share my location"),
    Ask.PHONE: N_("📱 Share my phone number"),
}


def inline_keyboard(reply: Reply) -> InlineKeyboardMarkup | None:
    """List rows one per line, then the choices in their rows; None without any."""
    lines = [[InlineKeyboardButton(row.title, callback_data=row.data)] for row in reply.rows]
    lines += [
        [InlineKeyboardButton(choice.label, callback_data=choice.data) for choice in line]
        for line in reply.choices
    ]
    return InlineKeyboardMarkup(lines) if lines else None


def ask_keyboard(reply: Reply, t: Translator) -> ReplyKeyboardMarkup:
    """The one button that shares a location or a phone number, and the typed answers."""
    request = KeyboardButton(
        t._(ASK_LABELS[reply.ask]),
        request_location=reply.ask is Ask.LOCATION,
        request_contact=reply.ask is Ask.PHONE,
    )
    return ReplyKeyboardMarkup(
        [[request], *([label] for label in reply.ask_also)],
        resize_keyboard=True,
        input_field_placeholder=reply.placeholder or None,
    )


def markup_of(reply: Reply, t: Translator, *, consented: bool) -> Markup | None:
    """The one keyboard this reply shows under its message, if any."""
    inline = inline_keyboard(reply)
    if inline is not None:
        return inline
    if reply.ask is not Ask.NOTHING:
        return ask_keyboard(reply, t)
    return main_menu(t, consented=consented) if reply.menu else None


def main_menu(t: Translator, *, consented: bool) -> ReplyKeyboardMarkup:
    if consented:
        rows = [
            [MenuAction.ACTIVITIES],
            [MenuAction.CALL_ME, MenuAction.HELP_OUT],
            [MenuAction.CHECKINS],
            [MenuAction.MY_DATA],
            [MenuAction.LANGUAGE, MenuAction.HELP],
        ]
    else:
        # Browsing activities stores nothing, so it works before consent too.
        rows = [
            [MenuAction.ACTIVITIES],
            [MenuAction.PRIVACY],
            [MenuAction.LANGUAGE, MenuAction.HELP],
        ]
    return ReplyKeyboardMarkup(
        [[t._(MENU_LABELS[action]) for action in row] for row in rows],
        resize_keyboard=True,
        is_persistent=True,
        input_field_placeholder=t._("Type a few words or tap a button"),
    )
