"""An edit is sent only when it changes what the pressed message shows."""

from __future__ import annotations

from datetime import UTC, datetime

from telegram import Chat, InlineKeyboardButton, InlineKeyboardMarkup, Message, MessageEntity

from bot.channels.telegram.send import shows_already

BUTTONS = InlineKeyboardMarkup([[InlineKeyboardButton("✓ Today", callback_data="af:x:all:t:0")]])


def shown(text: str, markup: InlineKeyboardMarkup | None) -> Message:
    """A message as Telegram delivers it with a button press: plain text and entities."""
    bold = [MessageEntity(MessageEntity.BOLD, 0, 5)]
    return Message(
        1, datetime.now(UTC), Chat(7, Chat.PRIVATE), text=text, entities=bold, reply_markup=markup
    )


def test_the_same_html_text_and_buttons_change_nothing() -> None:
    message = shown("Hello & welcome <you>", BUTTONS)
    same = InlineKeyboardMarkup([[InlineKeyboardButton("✓ Today", callback_data="af:x:all:t:0")]])
    assert shows_already(message, same, "<b>Hello</b> &amp; welcome &lt;you&gt;")
    assert shows_already(message, same)  # only the buttons compared


def test_another_text_or_other_buttons_is_a_change() -> None:
    message = shown("Hello", BUTTONS)
    assert not shows_already(message, BUTTONS, "<b>Hello</b> again")
    other = InlineKeyboardMarkup([[InlineKeyboardButton("Today", callback_data="af:x:all:t:0")]])
    assert not shows_already(message, other, "Hello")
    assert not shows_already(message, None)


def test_no_buttons_and_an_empty_keyboard_are_the_same() -> None:
    message = shown("Hello", None)
    assert shows_already(message, None)
    assert shows_already(message, InlineKeyboardMarkup([]))
    assert not shows_already(message, BUTTONS)
    assert shows_already(None, BUTTONS)  # no message to edit (deleted or inaccessible)
