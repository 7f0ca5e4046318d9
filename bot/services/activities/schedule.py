"""When an activity happens: a one-off or an RFC 5545 recurrence, in local wall time.

A schedule is kept as the partners think of it ("Tuesdays 10:00, Europe/Amsterdam,
not on 29 December") and expanded with ``recurring-ical-events`` into UTC
moments, so a weekly 10:00 stays 10:00 in Heemstede across daylight-saving
changes. Every schedule, from a CSV row, an .ics file or the chat, goes through
the same expansion.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import icalendar
import recurring_ical_events
from dateutil.rrule import rrulestr

from bot.i18n import N_

DATE_FORMAT = "%Y-%m-%d"
DATETIME_FORMAT = "%Y-%m-%dT%H:%M"
# Recurrences more often than daily are not activities; they would also flood the
# materialised occurrences.
_TOO_FREQUENT = ("SECONDLY", "MINUTELY", "HOURLY")


class ScheduleError(ValueError):
    """A schedule that cannot be used; the message says what is wrong, in English.

    ``msgid`` says it shortly for the chat, where it is shown translated; the
    importer prints the (more detailed) message next to a line number.
    """

    def __init__(self, message: str, msgid: str) -> None:
        super().__init__(message)
        self.msgid = msgid


@dataclass(frozen=True)
class Schedule:
    tz: str
    start_local: str  # 'YYYY-MM-DDTHH:MM', or 'YYYY-MM-DD' when all_day
    all_day: bool
    duration_min: int
    rrule: str | None = None
    exdates: tuple[str, ...] = ()
    rdates: tuple[str, ...] = ()

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.tz)

    @property
    def recurring(self) -> bool:
        return bool(self.rrule) or bool(self.rdates)

    @property
    def first_start(self) -> datetime:
        """When the first occurrence begins (DTSTART), in UTC."""
        return self._utc(self.local(self.start_local))

    def local(self, text: str) -> date | datetime:
        """A start or exception in this schedule's form: a date, or an aware datetime."""
        if self.all_day:
            return datetime.strptime(text, DATE_FORMAT).date()
        return datetime.strptime(text, DATETIME_FORMAT).replace(tzinfo=self.zone)

    def check(self) -> None:
        """Raise ScheduleError unless this schedule can be expanded."""
        try:
            ZoneInfo(self.tz)
        except (ZoneInfoNotFoundError, ValueError):
            raise ScheduleError(
                f"unknown time zone {self.tz!r}", N_("The time zone is not known.")
            ) from None
        try:
            for text in (self.start_local, *self.exdates, *self.rdates):
                self.local(text)
        except ValueError:
            form = "YYYY-MM-DD" if self.all_day else "YYYY-MM-DD HH:MM"
            raise ScheduleError(
                f"a date is not in the form {form}", N_("This is not a date I can read.")
            ) from None
        if self.duration_min <= 0:
            raise ScheduleError(
                "the end is not after the start", N_("The end is not after the start.")
            )
        if self.rrule:
            rule = self.rrule.upper()
            if any(f"FREQ={freq}" in rule for freq in _TOO_FREQUENT):
                raise ScheduleError(
                    "a recurrence more often than once a day is not supported",
                    N_("An activity can repeat at most once a day."),
                )
            start = self.local(self.start_local)
            naive = (
                datetime.combine(start, time())
                if not isinstance(start, datetime)
                else start.replace(tzinfo=None)
            )
            # Calendars write UNTIL in UTC ("...Z") for a zoned start and as local time
            # for a floating one; dateutil wants the start to match, so try both.
            problem: Exception | None = None
            for dtstart in (naive.replace(tzinfo=self.zone), naive):
                try:
                    rrulestr(self.rrule, dtstart=dtstart)
                    icalendar.vRecur.from_ical(self.rrule)
                except (ValueError, TypeError) as error:
                    problem = error
                else:
                    problem = None
                    break
            if problem is not None:
                raise ScheduleError(
                    f"the RRULE is not valid ({problem})", N_("This repeat rule is not valid.")
                )

    def occurrences(self, start: datetime, end: datetime) -> list[tuple[datetime, datetime]]:
        """(start, end) in UTC of every occurrence overlapping [start, end)."""
        length = timedelta(minutes=self.duration_min)
        if not self.recurring:  # the common one-off: no calendar machinery needed
            begin = self._utc(self.local(self.start_local))
            return [(begin, begin + length)] if begin < end and begin + length > start else []
        calendar = icalendar.Calendar()
        event = icalendar.Event()
        event.add("uid", "samen")
        event.add("dtstart", self.local(self.start_local))
        event.add("duration", timedelta(minutes=self.duration_min))
        if self.rrule:
            event.add("rrule", icalendar.vRecur.from_ical(self.rrule))
        if self.exdates:
            event.add("exdate", [self.local(x) for x in self.exdates])
        if self.rdates:
            event.add("rdate", [self.local(x) for x in self.rdates])
        calendar.add_component(event)
        found: list[tuple[datetime, datetime]] = []
        for component in recurring_ical_events.of(calendar).between(start, end):
            begin = self._utc(component["DTSTART"].dt)
            found.append((begin, begin + length))
        found.sort()
        return found

    def _utc(self, value: date | datetime) -> datetime:
        if isinstance(value, datetime):
            aware = value if value.tzinfo else value.replace(tzinfo=self.zone)
            return aware.astimezone(UTC)
        return datetime.combine(value, time(), tzinfo=self.zone).astimezone(UTC)


def local_text(moment: datetime | date, all_day: bool) -> str:
    """The stored form of a local start or exception."""
    if all_day:
        day = moment.date() if isinstance(moment, datetime) else moment
        return day.strftime(DATE_FORMAT)
    assert isinstance(moment, datetime)
    return moment.strftime(DATETIME_FORMAT)


_DATE_UNTIL = re.compile(r"(UNTIL=\d{8})(?=;|$)", re.IGNORECASE)


def until_end_of_day(rule: str, all_day: bool) -> str:
    """A rule whose UNTIL is a date, in a series with a time, runs through that day.

    RFC 5545 wants UNTIL of the start's type, but calendars and people write
    'UNTIL=20261215' for "up to and including the 15th"; read literally (midnight) it
    would drop the last occurrence.
    """
    return rule if all_day else _DATE_UNTIL.sub(r"\1T235959", rule)
