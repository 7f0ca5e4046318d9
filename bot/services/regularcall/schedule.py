"""When a regular call is due: pure date arithmetic in the residents' zone.

A week's call is a part of the day (bot/services/callme/moments.py: morning, afternoon,
evening) on the agreed weekday. Local times are combined with the zone before they
become UTC, so a call stays "Tuesday afternoon" across the change to and from summer
time. Nothing here touches the database.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.services.callme.moments import PART_HOURS, DayPart

# The volunteer gets the week's call as a task this long before it starts.
OPEN_AHEAD = timedelta(days=1)
# A week's call without an outcome this long after its part of the day counts as missed.
SETTLE_AFTER = timedelta(days=1)
MISSED_WEEKS_ALERT = 2  # missed weeks in a row that bring the coordinators in (once)


def weekdays_of(days: int) -> list[int]:
    """The weekdays (0 Monday) in a days mask (bit 0 Monday ... bit 6 Sunday)."""
    return [day for day in range(7) if days & (1 << day)]


def call_moment(day: date, part: DayPart, zone: ZoneInfo) -> tuple[datetime, datetime]:
    """The part of the day on this local date, in UTC."""
    start, end = PART_HOURS[part]
    return (
        datetime.combine(day, start, tzinfo=zone).astimezone(UTC),
        datetime.combine(day, end, tzinfo=zone).astimezone(UTC),
    )


def next_on(weekday: int, after: date) -> date:
    """The first date on or after ``after`` that falls on this weekday."""
    return after + timedelta(days=(weekday - after.weekday()) % 7)


def next_call_day(
    now: datetime,
    zone: ZoneInfo,
    weekday: int,
    part: DayPart,
    paused_until: date | None = None,
) -> date:
    """The day of the next call that has not ended yet, not before a pause ends."""
    today = now.astimezone(zone).date()
    first = max(today, paused_until) if paused_until else today
    day = next_on(weekday, first)
    if call_moment(day, part, zone)[1] <= now:
        day += timedelta(days=7)
    return day


def week_moments(
    now: datetime, zone: ZoneInfo, days: int, part: DayPart
) -> dict[int, tuple[datetime, datetime]]:
    """For each chosen weekday, its next moment from tomorrow on (to check who can call)."""
    tomorrow = now.astimezone(zone).date() + timedelta(days=1)
    return {w: call_moment(next_on(w, tomorrow), part, zone) for w in weekdays_of(days)}
