"""Reading a date, or a date and time, that a person typed, in local (Amsterdam) time.

People write dates as they say them: "24 december", "za 5 dec", "morgen",
"zaterdag", "24-12". This is a small parser of our own on top of Babel's month
and day names (already how Samen shows dates) rather than ``dateparser``: that
library is large (regex, pytz, tzlocal, data for 200 languages), slow to import,
and guesses: it reads almost any text as some date, where Samen should rather say
"I did not understand" than plan something on a day nobody meant. Dutch and
English words are both understood, whatever language the person chose.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta
from functools import cache
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import get_day_names, get_month_names

from bot.config import SUPPORTED_LANGUAGES

RELATIVE_WORDS = {
    "vandaag": 0,
    "today": 0,
    "morgen": 1,
    "tomorrow": 1,
    "overmorgen": 2,
}

# Words that may come before a date and change nothing: "tot 24 december", "t/m zaterdag".
_FILLER = re.compile(r"^(?:tot en met|tot|t/m|until|till|op|on)\s+")
_NUMERIC = re.compile(r"(\d{1,2})[-/.](\d{1,2})(?:[-/.](\d{2}|\d{4}))?")
_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_DAY_MONTH = re.compile(r"(\d{1,2})(?:e|ste|de)?\s+([a-z]+)\.?(?:\s+(\d{4}))?")
_MONTH_DAY = re.compile(r"([a-z]+)\.?\s+(\d{1,2})(?:st|nd|rd|th)?(?:,?\s+(\d{4}))?")
_WHEN = re.compile(r"(?:(.*?)[\s,]+(?:om\s+|at\s+)?)?(\d{1,2})[:.](\d{2})(?:\s*uur)?")


@cache
def _names() -> tuple[dict[str, int], dict[str, int]]:
    """Month and weekday names, full and short, in every language Samen speaks."""
    months: dict[str, int] = {}
    weekdays: dict[str, int] = {}
    for language in SUPPORTED_LANGUAGES:
        locale = Locale.parse(language)
        for width in ("wide", "abbreviated"):
            for number, name in get_month_names(width, locale=locale).items():
                months[str(name).casefold().rstrip(".")] = number
            for number, name in get_day_names(width, locale=locale).items():
                weekdays[str(name).casefold().rstrip(".")] = number
    months.setdefault("sept", 9)
    return months, weekdays


def _next(month: int, day: int, year: str | None, today: date) -> date:
    """That day and month in the given year, else the next one from today on."""
    if year:
        number = int(year)
        return date(number + 2000 if number < 100 else number, month, day)
    candidate = date(today.year, month, day)
    return candidate if candidate >= today else date(today.year + 1, month, day)


def _without_weekday(text: str) -> str:
    """'zaterdag 24 december' -> '24 december': the date says which day it is."""
    first, _, rest = text.partition(" ")
    return rest if rest and first.rstrip(",") in _names()[1] else text


def parse_day(text: str, today: date) -> date | None:
    """A typed day as a date, or None when it is no day at all.

    'vandaag', 'morgen', 'overmorgen'; a weekday ('zaterdag', 'za', 'Saturday')
    is the next one after today; '24 december', '24 dec 2027', 'December 24',
    '24-12', '24/12/27', '2026-12-24'. Without a year: the next such date from
    today on. The caller decides what is too early or too late.
    """
    cleaned = _FILLER.sub("", " ".join(text.casefold().split()).strip(" .,!"))
    months, weekdays = _names()
    if cleaned in RELATIVE_WORDS:
        return today + timedelta(days=RELATIVE_WORDS[cleaned])
    if cleaned in weekdays:
        ahead = (weekdays[cleaned] - today.weekday() - 1) % 7 + 1
        return today + timedelta(days=ahead)
    cleaned = _without_weekday(cleaned)
    try:
        if iso := _ISO.fullmatch(cleaned):
            return date(int(iso.group(1)), int(iso.group(2)), int(iso.group(3)))
        if numeric := _NUMERIC.fullmatch(cleaned):
            day, month, year = numeric.groups()
            return _next(int(month), int(day), year, today)
        if (named := _DAY_MONTH.fullmatch(cleaned)) and named.group(2) in months:
            return _next(months[named.group(2)], int(named.group(1)), named.group(3), today)
        if (named := _MONTH_DAY.fullmatch(cleaned)) and named.group(1) in months:
            return _next(months[named.group(1)], int(named.group(2)), named.group(3), today)
    except ValueError:
        return None  # 31 February, month 13
    return None


def parse_when(text: str, now: datetime, zone: ZoneInfo) -> datetime | None:
    """A typed moment as an aware datetime, or None.

    '10:00', '24-12 10:00', '24 december om 10.00', 'morgen 9:30', 'zaterdag 14:00'.
    A time alone means today, or tomorrow when today's has passed; a day without a
    year is read by ``parse_day``; a dated moment earlier today is simply in the past.
    """
    match = _WHEN.fullmatch(" ".join(text.casefold().split()))
    if not match:
        return None
    day_text, hour, minute = match.groups()
    local_now = now.astimezone(zone)
    try:
        at = time(int(hour), int(minute))
    except ValueError:
        return None
    if not day_text:
        candidate = datetime.combine(local_now.date(), at, zone)
        if candidate <= local_now:
            candidate = datetime.combine(local_now.date() + timedelta(days=1), at, zone)
        return candidate
    day = parse_day(day_text, local_now.date())
    return None if day is None else datetime.combine(day, at, zone)
