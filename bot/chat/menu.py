"""The main menu's actions and labels, in every language: channel-neutral.

A channel shows the menu its own way (Telegram: big reply-keyboard buttons); a tap on
it arrives as the label's text, which ``menu_action`` turns back into the action.
"""

from __future__ import annotations

from enum import StrEnum

from bot.i18n import N_, Catalogs


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
