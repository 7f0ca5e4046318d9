"""Typed days and moments, as people write them in Dutch and English."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from bot.when import parse_day, parse_when

AMS = ZoneInfo("Europe/Amsterdam")
TODAY = date(2026, 12, 2)  # a Wednesday


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("vandaag", date(2026, 12, 2)),
        ("Morgen", date(2026, 12, 3)),
        ("overmorgen", date(2026, 12, 4)),
        ("tomorrow", date(2026, 12, 3)),
        ("zaterdag", date(2026, 12, 5)),
        ("za", date(2026, 12, 5)),
        ("Saturday", date(2026, 12, 5)),
        ("woensdag", date(2026, 12, 9)),  # today is Wednesday: the next one
        ("24 december", date(2026, 12, 24)),
        ("24 dec", date(2026, 12, 24)),
        ("24 December", date(2026, 12, 24)),
        ("December 24", date(2026, 12, 24)),
        ("zaterdag 5 december", date(2026, 12, 5)),
        ("tot 24 december", date(2026, 12, 24)),
        ("t/m maandag", date(2026, 12, 7)),
        ("6 januari", date(2027, 1, 6)),  # past this year: next year
        ("1 december", date(2027, 12, 1)),
        ("2 december", date(2026, 12, 2)),  # today counts; the caller decides
        ("3 maart 2028", date(2028, 3, 3)),
        ("1 mrt", date(2027, 3, 1)),
        ("24-12", date(2026, 12, 24)),
        ("24/12", date(2026, 12, 24)),
        ("12-7", date(2027, 7, 12)),
        ("1.2.27", date(2027, 2, 1)),
        ("2027-01-03", date(2027, 1, 3)),
        ("31-02", None),
        ("31 februari", None),
        ("24 decembe", None),
        ("soms", None),
        ("", None),
        ("13-13", None),
    ],
)
def test_typed_days(text: str, expected: date | None) -> None:
    assert parse_day(text, TODAY) == expected


NOW = datetime(2026, 12, 2, 15, 0, tzinfo=AMS)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("16:00", datetime(2026, 12, 2, 16, 0, tzinfo=AMS)),
        ("10:00", datetime(2026, 12, 3, 10, 0, tzinfo=AMS)),  # passed today: tomorrow
        ("24-12 10:00", datetime(2026, 12, 24, 10, 0, tzinfo=AMS)),
        ("24 december om 10.00", datetime(2026, 12, 24, 10, 0, tzinfo=AMS)),
        ("morgen 9:30", datetime(2026, 12, 3, 9, 30, tzinfo=AMS)),
        ("zaterdag, 14:00 uur", datetime(2026, 12, 5, 14, 0, tzinfo=AMS)),
        ("Saturday at 14:00", datetime(2026, 12, 5, 14, 0, tzinfo=AMS)),
        ("12/12/2026 10.00", datetime(2026, 12, 12, 10, 0, tzinfo=AMS)),
        ("vandaag 10:00", datetime(2026, 12, 2, 10, 0, tzinfo=AMS)),  # past: caller refuses
        ("25:00", None),
        ("morgen", None),
        ("ergens 10:00", None),
    ],
)
def test_typed_moments(text: str, expected: datetime | None) -> None:
    assert parse_when(text, NOW, AMS) == expected
