"""Keyboards: the main menu (reply keyboard, big buttons) and inline choices.

The menu shows only what works for this person: without consent there is
nothing to see under "My data", so they get the way to agree instead.
"""

from __future__ import annotations

from babel import Locale
from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.buttons import Prefix, encode

# The menu's actions and labels are channel-neutral (bot/chat/menu.py); journeys not yet
# converted to the conversation layer still import them from here.
from bot.channels.telegram.render import main_menu as main_menu
from bot.chat.menu import MAX_LABEL as MAX_LABEL
from bot.chat.menu import MENU_LABELS as MENU_LABELS
from bot.chat.menu import MenuAction as MenuAction
from bot.chat.menu import menu_action as menu_action
from bot.chat.menu import menu_label_index as menu_label_index
from bot.config import SUPPORTED_LANGUAGES
from bot.i18n import Translator


def language_name(language: str) -> str:
    """A language's own name for itself ('Nederlands', 'English'), for the language choice.

    Everywhere else a language is named in the reader's language (``Translator.language_name``).
    """
    name = Locale.parse(language).get_display_name(language) or language
    return name[:1].upper() + name[1:]


def language_choice(prefix: Prefix, suggested: str) -> InlineKeyboardMarkup:
    """One button per language, the suggested one first and ticked."""
    ordered = sorted(SUPPORTED_LANGUAGES, key=lambda lang: lang != suggested)
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    ("✓ " if lang == suggested else "") + language_name(lang),
                    callback_data=encode(prefix, lang),
                )
            ]
            for lang in ordered
        ]
    )


def consent_choice(t: Translator, *, details: bool = True) -> InlineKeyboardMarkup:
    """Agree or not; ``details`` adds the way to the full privacy text under them."""
    rows = [
        [
            InlineKeyboardButton(
                t._("✅ I agree"), callback_data=encode(Prefix.CONSENT, "yes", t.language)
            )
        ],
        [
            InlineKeyboardButton(
                t._("No, thank you"), callback_data=encode(Prefix.CONSENT, "no", t.language)
            )
        ],
    ]
    if details:
        rows.append([privacy_details_button(t)])
    return InlineKeyboardMarkup(rows)


def privacy_details_button(t: Translator) -> InlineKeyboardButton:
    return InlineKeyboardButton(
        t._("📄 Read more"), callback_data=encode(Prefix.PRIVACY_DETAILS, t.language)
    )
