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


# The Dutch words coordinators and partners write for a kind (in a CSV cell or a
# calendar's CATEGORIES), besides its key.
_DUTCH_KINDS = {
    "koffie": Kind.COFFEE,
    "ontmoeting": Kind.COFFEE,
    "bewegen": Kind.SPORT,
    "wandelen": Kind.SPORT,
    "creatief": Kind.CREATIVE,
    "muziek": Kind.MUSIC,
    "zingen": Kind.MUSIC,
    "leren": Kind.LEARNING,
    "cursus": Kind.LEARNING,
    "bibliotheek": Kind.LEARNING,
    "vrijwilligerswerk": Kind.VOLUNTEERING,
    "jeugd": Kind.YOUTH,
    "eten": Kind.MEALS,
    "maaltijd": Kind.MEALS,
    "samen eten": Kind.MEALS,
    "spellen": Kind.GAMES,
    "spelletjes": Kind.GAMES,
    "kaarten": Kind.GAMES,
}


def parse_kind(text: str) -> Kind | None:
    """A kind from a file or a button: its key or its usual Dutch word, any case,
    surrounding spaces ignored."""
    word = text.strip().lower()
    try:
        return Kind(word)
    except ValueError:
        return _DUTCH_KINDS.get(word)


class Audience(StrEnum):
    """Who an activity is meant for; residents by default see all but young people's."""

    EVERYONE = "everyone"
    YOUTH = "youth"
    SENIORS = "seniors"
    FAMILIES = "families"


AUDIENCE_LABELS: dict[Audience, str] = {
    Audience.EVERYONE: N_("👥 For everyone"),
    Audience.YOUTH: N_("🧑 For young people (12-18)"),
    Audience.SENIORS: N_("👵 For older people"),
    Audience.FAMILIES: N_("👨‍👩‍👧 For families with children"),
}

# Words partners write for an audience, Dutch and English (lower case, no accents needed).
_AUDIENCE_WORDS: dict[str, Audience] = {
    **{a.value: a for a in Audience},
    "iedereen": Audience.EVERYONE,
    "all": Audience.EVERYONE,
    "alle": Audience.EVERYONE,
    "jongeren": Audience.YOUTH,
    "jeugd": Audience.YOUTH,
    "young people": Audience.YOUTH,
    "12-18": Audience.YOUTH,
    "ouderen": Audience.SENIORS,
    "senioren": Audience.SENIORS,
    "older people": Audience.SENIORS,
    "55+": Audience.SENIORS,
    "65+": Audience.SENIORS,
    "gezinnen": Audience.FAMILIES,
    "gezin": Audience.FAMILIES,
    "family": Audience.FAMILIES,
    "ouders en kinderen": Audience.FAMILIES,
}


def parse_audience(text: str) -> Audience | None:
    """An audience from a file, a button or a coordinator: its key or a common word for it."""
    return _AUDIENCE_WORDS.get(" ".join(text.strip().lower().split()))
