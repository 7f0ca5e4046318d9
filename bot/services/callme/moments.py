"""When a volunteer may call: the parts of the day a resident can choose, and the policy.

Pure time arithmetic in the residents' zone (DST-aware); nothing here touches the database.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from bot.config import Settings
from bot.i18n import N_, Translator
from bot.services.quiet import QuietHours

# A moment is offered only while at least this much of it is left, so a
# volunteer has time to see the task and call.
MIN_LEAD = timedelta(hours=1)


class DayPart(StrEnum):
    MORNING = "m"
    AFTERNOON = "a"
    EVENING = "e"


PART_HOURS: dict[DayPart, tuple[time, time]] = {
    DayPart.MORNING: (time(9), time(12)),
    DayPart.AFTERNOON: (time(12), time(17)),
    DayPart.EVENING: (time(17), time(20)),
}

MOMENT_LABELS: dict[tuple[int, DayPart], str] = {
    (0, DayPart.MORNING): N_("This morning"),
    (0, DayPart.AFTERNOON): N_("This afternoon"),
    (0, DayPart.EVENING): N_("This evening"),
    (1, DayPart.MORNING): N_("Tomorrow morning"),
    (1, DayPart.AFTERNOON): N_("Tomorrow afternoon"),
    (1, DayPart.EVENING): N_("Tomorrow evening"),
}


@dataclass(frozen=True)
class Moment:
    """A window in which the resident would like to be called."""

    day: date  # local date
    offset: int  # 0 today, 1 tomorrow (as seen when offered)
    part: DayPart
    start: datetime  # aware, UTC
    end: datetime

    @property
    def key(self) -> str:
        return f"{self.day:%Y%m%d}{self.part.value}"


@dataclass(frozen=True)
class CallPolicy:
    """The settings call requests follow; the defaults are the documented ones."""

    zone: ZoneInfo = field(default_factory=lambda: ZoneInfo("Europe/Amsterdam"))
    daytime: tuple[time, time] = (time(8), time(21))
    # News to residents waits for the end of quiet hours.
    quiet: QuietHours = field(default_factory=lambda: QuietHours(time(21), time(8)))
    escalate_after: timedelta = timedelta(hours=2)
    retention: timedelta = timedelta(days=30)
    regions: tuple[str, ...] = ("NL",)

    @classmethod
    def from_settings(cls, settings: Settings) -> CallPolicy:
        return cls(
            zone=settings.zone,
            daytime=settings.daytime_hours,
            quiet=QuietHours(*settings.quiet_hours_span),
            escalate_after=settings.task_escalate_after,
            retention=timedelta(days=settings.phone_retention_days),
            regions=settings.call_regions,
        )


def _local(day: date, moment: time, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, moment, tzinfo=zone).astimezone(UTC)


def moments_ahead(now: datetime, zone: ZoneInfo, daytime: tuple[time, time]) -> list[Moment]:
    """Today's and tomorrow's parts of the day that are still ahead, within daytime."""
    today = now.astimezone(zone).date()
    found: list[Moment] = []
    for offset in (0, 1):
        day = today + timedelta(days=offset)
        for part, (start, end) in PART_HOURS.items():
            start, end = max(start, daytime[0]), min(end, daytime[1])
            if start >= end:
                continue
            moment = Moment(day, offset, part, _local(day, start, zone), _local(day, end, zone))
            if now + MIN_LEAD <= moment.end:
                found.append(moment)
    return found


def daytime_between(
    start: datetime, end: datetime, zone: ZoneInfo, daytime: tuple[time, time]
) -> timedelta:
    """How much of [start, end) falls within daytime hours (local time, DST-aware)."""
    total = timedelta()
    day = start.astimezone(zone).date()
    last = end.astimezone(zone).date()
    while day <= last:
        overlap = min(end, _local(day, daytime[1], zone)) - max(
            start, _local(day, daytime[0], zone)
        )
        if overlap > timedelta():
            total += overlap
        day += timedelta(days=1)
    return total


def moment_text(t: Translator, start: datetime, end: datetime) -> str:
    """'tomorrow, 12:00–17:00' or 'Saturday 28 November, 12:00–17:00', in the reader's language."""
    return t._(
        "%(day)s, %(start)s–%(end)s",
        day=t.day(start),
        start=t.time(start),
        end=t.time(end),
    )
