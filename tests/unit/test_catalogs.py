"""The catalogs are complete: every text in the code, in every language, same placeholders."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from bot.config import SUPPORTED_LANGUAGES
from bot.i18n import LOCALES_DIR, Catalogs

ROOT = Path(__file__).resolve().parents[2]
KEYWORDS = {"_": None, "N_": None, "ngettext": (1, 2)}
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]|\{(\w+)\}")


def _code_msgids() -> set[str]:
    found: set[str] = set()
    for folder in ("bot", "handlers"):
        for _file, _line, message, _comments, _context in extract_from_dir(
            ROOT / folder, keywords=KEYWORDS
        ):
            # A plural is one catalog entry, keyed by its singular msgid.
            found.add(message if isinstance(message, str) else message[0])
    return found


def _catalog(language: str):  # type: ignore[no-untyped-def]
    with (LOCALES_DIR / language / "LC_MESSAGES" / "messages.po").open("rb") as po:
        return read_po(po, locale=language)


def _placeholders(text: str) -> set[str]:
    return {a or b for a, b in PLACEHOLDER.findall(text)}


def test_code_has_texts() -> None:
    assert len(_code_msgids()) > 30


@pytest.mark.parametrize("language", SUPPORTED_LANGUAGES)
def test_every_code_text_is_in_the_catalog(language: str) -> None:
    catalog = _catalog(language)
    missing = sorted(m for m in _code_msgids() if m not in catalog)
    assert missing == [], f"run `make catalogs` and translate: {missing}"


@pytest.mark.parametrize("language", SUPPORTED_LANGUAGES)
def test_translations_complete_not_fuzzy_same_placeholders(language: str) -> None:
    for message in _catalog(language):
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        assert all(strings), f"{language}: empty translation for {ids[0]!r}"
        assert not message.fuzzy, f"{language}: fuzzy translation for {ids[0]!r}"
        for string in strings:
            assert _placeholders(string) == _placeholders(ids[0]), (
                f"{language}: placeholders differ for {ids[0]!r}"
            )


def test_no_obsolete_texts_left_in_catalogs() -> None:
    code = _code_msgids()
    for language in SUPPORTED_LANGUAGES:
        singular = [m.id if isinstance(m.id, str) else m.id[0] for m in _catalog(language)]
        stale = [msgid for msgid in singular if msgid and msgid not in code]
        assert stale == [], f"{language}: texts no longer in the code: {stale}"


def test_dutch_is_really_translated() -> None:
    from zoneinfo import ZoneInfo

    catalogs = Catalogs.load(ZoneInfo("Europe/Amsterdam"))
    nl = catalogs.get("nl")
    assert nl._("Do you agree?") == "Gaat u akkoord?"
    assert catalogs.get("en")._("Do you agree?") == "Do you agree?"


def test_dates_are_formatted_in_the_language() -> None:
    from datetime import UTC, datetime
    from zoneinfo import ZoneInfo

    moment = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)  # 10:00 in Amsterdam (winter)
    catalogs = Catalogs.load(
        ZoneInfo("Europe/Amsterdam"), lambda: datetime(2026, 11, 20, tzinfo=UTC)
    )
    assert catalogs.get("nl").datetime(moment) == "dinsdag 1 december om 10:00"
    assert catalogs.get("en").datetime(moment) == "Tuesday 1 December at 10:00"
    summer = datetime(2026, 7, 7, 8, 0, tzinfo=UTC)  # 10:00 in Amsterdam (summer time)
    assert catalogs.get("nl").time(summer) == "10:00"
