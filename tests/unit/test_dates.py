"""Dates as people say them: 'vandaag', 'morgen', 'zaterdag 5 december', a year only when needed."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from bot.i18n import Catalogs

AMS = ZoneInfo("Europe/Amsterdam")
NOW = datetime(2026, 12, 2, 22, 30, tzinfo=UTC)  # 23:30 on Wednesday 2 December in Amsterdam


def _catalogs(now: datetime = NOW) -> Catalogs:
    return Catalogs.load(AMS, lambda: now)


@pytest.mark.parametrize(
    ("day", "nl", "en"),
    [
        (date(2026, 12, 2), "vandaag", "today"),
        (date(2026, 12, 3), "morgen", "tomorrow"),
        (date(2026, 12, 1), "gisteren", "yesterday"),
        (date(2026, 12, 5), "zaterdag 5 december", "Saturday 5 December"),
        (date(2027, 1, 9), "zaterdag 9 januari", "Saturday 9 January"),  # soon: no year
        (date(2027, 8, 1), "zondag 1 augustus 2027", "Sunday 1 August 2027"),
        (date(2026, 3, 1), "zondag 1 maart", "Sunday 1 March"),
        (date(2025, 12, 24), "woensdag 24 december 2025", "Wednesday 24 December 2025"),
    ],
)
def test_days_read_as_people_say_them(day: date, nl: str, en: str) -> None:
    catalogs = _catalogs()
    assert catalogs.get("nl").day(day) == nl
    assert catalogs.get("en").day(day) == en


def test_today_is_the_local_day_not_utc() -> None:
    # 23:30 UTC on 2 December is already 3 December in Amsterdam.
    late = datetime(2026, 12, 2, 23, 30, tzinfo=UTC)
    nl = _catalogs(late).get("nl")
    assert nl.day(datetime(2026, 12, 3, 8, 0, tzinfo=UTC)) == "vandaag"
    assert nl.day(datetime(2026, 12, 2, 12, 0, tzinfo=UTC)) == "gisteren"


def test_moments_and_short_days() -> None:
    catalogs = _catalogs()
    nl, en = catalogs.get("nl"), catalogs.get("en")
    assert nl.datetime(datetime(2026, 12, 3, 9, 0, tzinfo=UTC)) == "morgen om 10:00"
    assert en.datetime(datetime(2026, 12, 3, 9, 0, tzinfo=UTC)) == "tomorrow at 10:00"
    assert nl.datetime(datetime(2026, 12, 5, 13, 30, tzinfo=UTC)) == "zaterdag 5 december om 14:30"
    assert nl.day(date(2026, 12, 5), short=True) == "za 5 dec"
    assert (
        en.datetime(datetime(2026, 12, 5, 13, 30, tzinfo=UTC), short=True) == "Sat 5 Dec at 14:30"
    )


def test_languages_are_named_in_the_readers_language() -> None:
    catalogs = _catalogs()
    assert catalogs.get("nl").language_name("en") == "Engels"
    assert catalogs.get("nl").language_name("nl") == "Nederlands"
    assert catalogs.get("en").language_name("nl") == "Dutch"
