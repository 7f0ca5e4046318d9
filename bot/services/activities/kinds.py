"""The fixed taxonomy of activity kinds, defined once: key (stored, in buttons) and label.

Keys are short and stable: they are in the database, in the partners' files and
in callback data. Labels are msgids, translated where they are shown.
"""

from __future__ import annotations

from enum import StrEnum

from bot.i18n import N_


class Kind(StrEnum):
    COFFEE = "coffee"
    SPORT = "sport"
    CREATIVE = "creative"
    MUSIC = "music"
    LEARNING = "learning"
    VOLUNTEERING = "volunteering"
    YOUTH = "youth"
    MEALS = "meals"
    GAMES = "games"


KIND_LABELS: dict[Kind, str] = {
    Kind.COFFEE: N_("☕ Coffee and a chat"),
    Kind.SPORT: N_("🚶 Sport and walking"),
    Kind.CREATIVE: N_("🎨 Creative"),
    Kind.MUSIC: N_("🎵 Music and choir"),
    Kind.LEARNING: N_("📚 Learning and library"),
    Kind.VOLUNTEERING: N_("🤝 Volunteering"),
    Kind.YOUTH: N_("🧑 For young people"),
    Kind.MEALS: N_("🍽 Eating together"),
    Kind.GAMES: N_("🎲 Games and cards"),
}


def parse_kind(text: str) -> Kind | None:
    """A kind from a file or a button: its key, any case, surrounding spaces ignored."""
    try:
        return Kind(text.strip().lower())
    except ValueError:
        return None
