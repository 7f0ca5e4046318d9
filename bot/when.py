"""Reading a date and time that a person typed, in local (Amsterdam) time."""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

_WHEN = re.compile(r"^\s*(?:(\d{1,2})[-/.](\d{1,2})(?:[-/.](\d{4}))?\s+)?(\d{1,2})[:.](\d{2})\s*$")


def parse_when(text: str, now: datetime, zone: ZoneInfo) -> datetime | None:
    """'10:00', '12-12 10:00', '12/12/2026 10.00' as an aware datetime, or None.

    A time alone means today, or tomorrow when today's has passed; a day and
    month without a year mean the next such date. Nonsense gives None.
    """
    match = _WHEN.match(text)
    if not match:
        return None
    day, month, year, hour, minute = match.groups()
    local_now = now.astimezone(zone)
    try:
        at = time(int(hour), int(minute))
        if day is None:
            candidate = datetime.combine(local_now.date(), at, zone)
            if candidate <= local_now:
                candidate = datetime.combine(local_now.date() + timedelta(days=1), at, zone)
            return candidate
        on = date(int(year) if year else local_now.year, int(month), int(day))
        candidate = datetime.combine(on, at, zone)
        if year is None and candidate <= local_now:
            candidate = datetime.combine(on.replace(year=on.year + 1), at, zone)
        return candidate
    except ValueError:
        return None
