"""When check-ins happen: days, a wall-clock time, quiet hours, and times as people type them.

Wall-clock arithmetic is done per local date, never by adding 24 hours: a 09:00
check-in stays at 09:00 across the daylight-saving Sundays; a time that does not
exist that day (spring forward) is sent once at the first valid moment after
the gap; a time that exists twice (fall back) is sent once, at its first
occurrence.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.config import Settings
from bot.services.quiet import QuietHours

EVERY_DAY = 0b1111111
WEEKDAYS = 0b0011111
TIME_PRESETS = (time(9, 0), time(10, 30), time(13, 0), time(16, 0), time(19, 0))
SUGGESTED_TIME = time(10, 30)


@dataclass(frozen=True)
class CheckinPolicy:
    zone: ZoneInfo = field(default_factory=lambda: ZoneInfo("Europe/Amsterdam"))
    quiet: QuietHours = field(default_factory=lambda: QuietHours(time(21, 0), time(8, 0)))
    grace: timedelta = timedelta(hours=2)
    safety_window: timedelta = timedelta(hours=3)
    nudge_after: timedelta = timedelta(hours=1)
    # The volunteer task of the safety net nobody took this long: the next step.
    escalate_after: timedelta = timedelta(hours=2)
    desk_name: str = "WIJ Heemstede"
    desk_phone: str = "023 205 08 89"

    @classmethod
    def from_settings(cls, settings: Settings) -> CheckinPolicy:
        return cls(
            zone=settings.zone,
            quiet=QuietHours(*settings.quiet_hours_span),
            grace=settings.checkin_grace,
            safety_window=settings.safety_window,
            nudge_after=settings.nudge_after,
            escalate_after=settings.task_escalate_after,
            desk_name=settings.social_desk_name,
            desk_phone=settings.social_desk_phone,
        )

    def suggested(self) -> time | None:
        """The time offered for the one-tap set-up: mid-morning, unless that is quiet."""
        presets = self.presets()
        if SUGGESTED_TIME in presets:
            return SUGGESTED_TIME
        return presets[0] if presets else None

    def presets(self) -> tuple[time, ...]:
        """The offered times, minus any inside quiet hours."""
        return tuple(t for t in TIME_PRESETS if not self.quiet.contains(t))


_TIME = re.compile(r"(\d{1,2})(?:\s*[:.hu]\s*(\d{2})|(\d{2}))?\s*(?:uur|u|h|hrs?)?\.?")


def parse_time(text: str) -> time | None:
    """'9', '9:30', '09.30', '0930', '9u30', '14 uur', and as people say it: 'half tien',
    'kwart over negen', 'tien uur', "drie uur 's middags", '3 pm' -> a time; else None."""
    match = _TIME.fullmatch(text.strip().lower())
    if match is None:
        return _spoken_time(text)
    hour = int(match.group(1))
    minute = int(match.group(2) or match.group(3) or 0)
    if hour > 23 or minute > 59:
        return None
    return time(hour, minute)


_HOUR_WORDS = {
    word: number
    for number, words in enumerate(
        (
            ("een", "één", "one"),
            ("twee", "two"),
            ("drie", "three"),
            ("vier", "four"),
            ("vijf", "five"),
            ("zes", "six"),
            ("zeven", "seven"),
            ("acht", "eight"),
            ("negen", "nine"),
            ("tien", "ten"),
            ("elf", "eleven"),
            ("twaalf", "twelve"),
        ),
        start=1,
    )
    for word in words
}
_LATER = {"middags", "avonds", "pm", "afternoon", "evening"}
_FILLER = {
    "om", "uur", "rond", "ongeveer", "tegen", "s", "ochtends", "morgens", "at", "about",
    "around", "oclock", "o", "clock", "am", "in", "the", "morning", *_LATER,
}  # fmt: skip


def _spoken_time(text: str) -> time | None:
    """A time as people say it; "half tien" is 9:30, as in Dutch."""
    words = re.sub(r"[^a-z0-9éë ]", " ", text.lower().replace("'", "")).split()
    later = any(w in _LATER for w in words)
    said = [w for w in words if w not in _FILLER]

    def hour_of(word: str) -> int | None:
        number = int(word) if word.isdigit() else _HOUR_WORDS.get(word)
        return number if number is not None and 1 <= number <= 12 else None

    if len(said) == 2 and said[0] == "half" and (hour := hour_of(said[1])) is not None:
        hour, minute = hour - 1, 30
    elif len(said) == 3 and said[0] == "kwart" and (hour := hour_of(said[2])) is not None:
        if said[1] in ("over", "past"):
            minute = 15
        elif said[1] in ("voor", "to"):
            hour, minute = hour - 1, 45
        else:
            return None
    elif len(said) == 1 and (hour := hour_of(said[0])) is not None:
        minute = 0
    else:
        return None
    hour = 12 if hour == 0 else hour  # "half een" is half past twelve
    if later and hour < 12:
        hour += 12
    return time(hour, minute)


def slot_moment(day: date, at: time, zone: ZoneInfo) -> datetime:
    """The UTC moment of wall-clock ``at`` on local ``day``: once, even on DST Sundays.

    Ambiguous (fall back): the first occurrence. Nonexistent (spring forward): the
    first valid moment after the gap, i.e. the moment the clocks jumped.
    """
    local = datetime.combine(day, at, tzinfo=zone)  # fold=0: the first occurrence
    utc = local.astimezone(UTC)
    if utc.astimezone(zone).replace(tzinfo=None) == local.replace(tzinfo=None):
        return utc
    # In the gap: fold=1 maps to an instant before the jump, fold=0 to one after it.
    low = int(local.replace(fold=1).timestamp())
    high = int(utc.timestamp())
    wall = local.replace(tzinfo=None)
    while low < high:  # the first instant whose local wall time is at or past ``at``
        middle = (low + high) // 2
        if datetime.fromtimestamp(middle, zone).replace(tzinfo=None) >= wall:
            high = middle
        else:
            low = middle + 1
    return datetime.fromtimestamp(high, UTC)


def next_slot(
    days: int, at: time, zone: ZoneInfo, after: datetime, paused_until: date | None = None
) -> datetime:
    """The first slot strictly after ``after`` on a chosen day, not before ``paused_until``.

    Walks local dates, so each date has exactly one slot whatever the clocks do.
    """
    if not 1 <= days <= EVERY_DAY:
        raise ValueError("days must name at least one day")
    day = after.astimezone(zone).date()
    if paused_until is not None and paused_until > day:
        day = paused_until
    for offset in range(8):
        candidate = day + timedelta(days=offset)
        if days & (1 << candidate.weekday()):
            moment = slot_moment(candidate, at, zone)
            if moment > after:
                return moment
    raise AssertionError("a chosen day always comes within 8 days")


def time_text(at: time) -> str:
    return at.strftime("%H:%M")


def chosen_days(days: int) -> Sequence[int]:
    """Weekday numbers (0 Monday .. 6 Sunday) in a days mask."""
    return [d for d in range(7) if days & (1 << d)]
