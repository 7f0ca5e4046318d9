"""Commands in each language: Dutch texts name Dutch commands, and every name is answered."""

from __future__ import annotations

import re

import pytest
from babel.messages.pofile import read_po
from telegram.ext import CommandHandler

from bot.config import SUPPORTED_LANGUAGES
from bot.i18n import LOCALES_DIR
from handlers.commands import DUTCH, localised, names

# "/word" that is a command: not part of a web address, a date like 24/12 or </b>.
MENTIONED = re.compile(r"(?<![\w./:<])/([a-z_]+)\b")


def _mentioned_commands(language: str) -> set[str]:
    with (LOCALES_DIR / language / "LC_MESSAGES" / "messages.po").open("rb") as po:
        catalog = read_po(po, locale=language)
    found: set[str] = set()
    for message in catalog:
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        for string in strings:
            found |= set(MENTIONED.findall(string or ""))
    return found


@pytest.mark.parametrize("language", SUPPORTED_LANGUAGES)
def test_texts_mention_the_commands_of_their_own_language(language: str) -> None:
    own = {localised(command, language) for command in DUTCH}
    mentioned = _mentioned_commands(language)
    assert mentioned, "the catalog mentions no command at all: the pattern is broken"
    assert mentioned - own == set()


def test_dutch_texts_never_mention_an_english_only_command() -> None:
    english_only = {command for command, dutch in DUTCH.items() if command != dutch}
    assert _mentioned_commands("nl") & english_only == set()


def test_every_name_is_a_valid_telegram_command() -> None:
    for command in DUTCH:
        for name in names(command):
            assert re.fullmatch(r"[a-z0-9_]{1,32}", name), name
            CommandHandler(name, lambda *_: None)  # PTB refuses an invalid name


def test_names_keep_english_and_add_dutch_once() -> None:
    assert names("mydata") == ["mydata", "gegevens"]
    assert names("menu") == ["menu"]
    assert names("cancel", "menu") == ["cancel", "stoppen", "annuleren", "menu"]
    assert localised("mydata", "nl") == "gegevens"
    assert localised("mydata", "en") == "mydata"
