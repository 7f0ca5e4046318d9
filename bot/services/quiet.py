"""Quiet hours (``SAMEN_QUIET_HOURS``): local hours in which Samen sends residents nothing.

Shared by every service that messages residents on its own: check-ins, reminders,
the self-check and news about a call request.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo


@dataclass(frozen=True)
class QuietHours:
    """Local hours in which nothing is sent; ``start > end`` wraps midnight."""

    start: time
    end: time

    def contains(self, moment: time) -> bool:
        moment = moment.replace(second=0, microsecond=0, tzinfo=None)
        if self.start < self.end:
            return self.start <= moment < self.end
        return moment >= self.start or moment < self.end

    def held_until(self, now: datetime, zone: ZoneInfo) -> datetime | None:
        """When a message due ``now`` may go: the end of these quiet hours, or None (now)."""
        local = now.astimezone(zone)
        if not self.contains(local.time()):
            return None
        for offset in (0, 1):
            day = local.date() + timedelta(days=offset)
            end = datetime.combine(day, self.end, tzinfo=zone).astimezone(UTC)
            if end > now:
                return end
        raise AssertionError("quiet hours end within a day")
