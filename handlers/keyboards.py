"""Telegram keyboards for journeys not yet converted to the conversation layer.

The menu's actions and labels are channel-neutral (bot/chat/menu.py), the menu keyboard
is the Telegram channel's (bot/channels/telegram/render.py) and shared choices are in
handlers/choices.py; these names stay here until nothing imports them from here.
"""

from __future__ import annotations

from telegram import InlineKeyboardMarkup

from bot.channels.telegram.render import choice_keyboard
from bot.channels.telegram.render import main_menu as main_menu
from bot.chat.menu import MAX_LABEL as MAX_LABEL
from bot.chat.menu import MENU_LABELS as MENU_LABELS
from bot.chat.menu import MenuAction as MenuAction
from bot.chat.menu import menu_action as menu_action
from bot.chat.menu import menu_label_index as menu_label_index
from bot.i18n import Translator
from handlers.choices import consent_choices


def consent_choice(t: Translator, *, details: bool = True) -> InlineKeyboardMarkup:
    """Agree or not (``handlers.choices.consent_choices``)."""
    return choice_keyboard(consent_choices(t, details=details))
