"""Which IANA time zone a calendar's time is in, whatever the calendar calls it.

Samen keeps a schedule in a named zone (``Europe/Amsterdam``) so a weekly 10:00 stays
10:00 across daylight-saving changes. Calendars name zones their own way: Outlook
writes ``W. Europe Standard Time``, Exchange ``(UTC+01:00) Amsterdam, Berlijn, …``,
each with a VTIMEZONE that spells out its rules. icalendar reads those rules into a
zone of its own; here it becomes the IANA zone that gives the same offsets, so the
file's own definition decides and a zone that differs is never guessed.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from icalendar.timezone.windows_to_olson import WINDOWS_TO_OLSON


def known_zone(name: str) -> str | None:
    """An IANA zone name for ``name`` (itself or a Windows zone name), or None."""
    cleaned = name.strip().strip('"')
    for candidate in (cleaned, WINDOWS_TO_OLSON.get(cleaned, "")):
        if not candidate:
            continue
        try:
            ZoneInfo(candidate)
        except (ZoneInfoNotFoundError, ValueError):
            continue
        return candidate
    return None


def iana_name(zone: tzinfo, tzid: str, at: datetime, preferred: tuple[str, ...]) -> str | None:
    """The IANA zone that keeps the same clock as ``zone`` around ``at``, or None.

    ``preferred`` zones (the calendar's X-WR-TIMEZONE, Samen's own) are tried first,
    then what the TZID names; a zone counts as the same when its offset from UTC
    agrees twice a month over three years around ``at`` (so its summer time too).
    """
    if isinstance(zone, ZoneInfo):
        return zone.key
    candidates = [*preferred, known_zone(tzid) or ""]
    for candidate in dict.fromkeys(c for c in candidates if c):
        if _same_clock(zone, ZoneInfo(candidate), at):
            return candidate
    if all(zone.utcoffset(moment) == timedelta(0) for moment in _samples(at)):
        return "UTC"
    return None


def _same_clock(given: tzinfo, named: ZoneInfo, at: datetime) -> bool:
    return all(
        moment.astimezone(given).utcoffset() == moment.astimezone(named).utcoffset()
        for moment in _samples(at)
    )


def _samples(at: datetime) -> list[datetime]:
    """Noon UTC on the 1st and 15th of every month from the year before ``at``'s to the
    year after (no changeover falls at noon, so no sample is ambiguous)."""
    return [
        datetime(year, month, day, 12, tzinfo=UTC)
        for year in range(max(at.year - 1, 1), min(at.year + 1, 9999) + 1)
        for month in range(1, 13)
        for day in (1, 15)
    ]
