"""Keyboards: the main menu (reply keyboard, big buttons) and inline choices.

The menu shows only what works for this person: without consent there is
nothing to see under "My data", so they get the way to agree instead.
"""

from __future__ import annotations

from enum import StrEnum

from babel import Locale
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, ReplyKeyboardMarkup

from bot.buttons import Prefix, encode
from bot.config import SUPPORTED_LANGUAGES
from bot.i18n import N_, Catalogs, Translator


class MenuAction(StrEnum):
    MY_DATA = "my_data"
    LANGUAGE = "language"
    HELP = "help"
    PRIVACY = "privacy"
    ACTIVITIES = "activities"
    BACK = "back"  # leave a temporary keyboard (e.g. "share my location") for the menu
    CALL_ME = "call_me"
    HELP_OUT = "help_out"
    CHECKINS = "checkins"


MENU_LABELS: dict[MenuAction, str] = {
    MenuAction.MY_DATA: N_("📋 My data"),
    MenuAction.LANGUAGE: N_("🌐 Language"),
    MenuAction.HELP: N_("❓ Help"),
    MenuAction.PRIVACY: N_("🔒 Privacy"),
    MenuAction.ACTIVITIES: N_("🔎 Activities"),
    MenuAction.BACK: N_("⬅️ Back to the menu"),
    MenuAction.CALL_ME: N_("📞 Call me"),
    MenuAction.HELP_OUT: N_("🤝 I want to help"),
    MenuAction.CHECKINS: N_("💬 Check-ins"),
}


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


# Labels the menu once had: a phone keeps showing an old keyboard until Samen
# sends a new one, so a tap on an old label must still work.
FORMER_LABELS: dict[str, MenuAction] = {
    "💬 Check-ins": MenuAction.CHECKINS,  # Dutch until "💬 Dagelijks berichtje"
}


def menu_label_index(catalogs: Catalogs) -> dict[str, MenuAction]:
    """Every menu label in every language, and former ones, so a tap always works."""
    current = {
        _normalise(catalogs.get(lang)._(label)): action
        for lang in catalogs.languages
        for action, label in MENU_LABELS.items()
    }
    return {_normalise(label): action for label, action in FORMER_LABELS.items()} | current


def _normalise(text: str) -> str:
    return " ".join(text.split()).casefold()


# Longer than any menu label; longer texts need no lookup.
MAX_LABEL = 64


def menu_action(index: dict[str, MenuAction], text: str) -> MenuAction | None:
    return index.get(_normalise(text))


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
