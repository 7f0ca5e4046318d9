"""Command names in each language: /gegevens beside /mydata, /stoppen beside /cancel.

Telegram commands are plain words, so a Dutch resident gets Dutch ones. Every
command keeps its English name too (people and old texts still use them), and
every handler registers all names through ``names``, so the two can never drift.
The Dutch catalog mentions the Dutch names; tests/unit/test_commands.py checks
that every "/word" a text mentions is a command Samen answers in that language.
"""

from __future__ import annotations

# English name -> Dutch name. Telegram's rules: 1-32 characters, a-z, 0-9 and _.
DUTCH = {
    "start": "start",
    "menu": "menu",
    "help": "hulp",
    "mydata": "gegevens",
    "language": "taal",
    "privacy": "privacy",
    "cancel": "stoppen",
    "tasks": "taken",
    "invite": "uitnodigen",
    "volunteers": "vrijwilligers",
    "broadcast": "rondsturen",
    "broadcasts": "geplande_berichten",
    "activities": "activiteiten",
    "partner": "partner",
    "stats": "cijfers",
    "audit": "logboek",
    "weekly": "belmaatje",
    "matches": "koppels",
}

# Further names that mean the same, so a guess works too.
EXTRA = {"cancel": ("annuleren",)}


def names(*english: str) -> list[str]:
    """Every name a command answers to, in every language (for CommandHandler)."""
    found: list[str] = []
    for command in english:
        for name in (command, DUTCH[command], *EXTRA.get(command, ())):
            if name not in found:
                found.append(name)
    return found


def localised(command: str, language: str) -> str:
    """The name a person sees in their language: 'gegevens' in Dutch, 'mydata' in English."""
    return DUTCH[command] if language == "nl" else command
