"""The numbers for coordinators: anonymous weekly counts, never a person.

Each section belongs to a feature and is shown only when that feature's table
exists, so the numbers never pretend a feature is running. Weekly series come
from the anonymous ``daily_counts`` (which survive erasure); a few current
totals and the call-back waiting time come from the feature's own tables.

Counts about feelings and health are *sensitive* (see ``SENSITIVE_METRICS``): a
coordinator who knows who just did the self-check must not learn the result
from the numbers. They pass through ``protect`` and appear only for finished
weeks; see there for how that also holds through totals and differences.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.clock import Clock, from_iso
from bot.db import Database
from bot.i18n import N_

WEEKS = 12
DEFAULT_MIN_COUNT = 5

# Counts about how people feel or their health, shown only protected (``protect``):
# check-in moods, the safety net's calls after an unanswered check-in, and everything
# about the monthly loneliness self-check (taking part in it says something too).
# A new count of that kind (e.g. what typed messages meant) only needs its metric here.
SENSITIVE_METRICS: frozenset[str] = frozenset(
    {
        "checkins_answered_good",
        "checkins_answered_okay",
        "checkins_answered_bad",
        "checkins_answered_very_bad",
        "checkins_escalated",
        "checkins_undelivered",
        "checkins_held",
        # How far the safety net climbed says that someone could not be reached.
        "safety_step_nudge",
        "safety_step_contact",
        "safety_step_coordinators",
        "safety_contact_well",
        "safety_contact_look",
        # Weekly calls: so few residents in a small town that each count could name one,
        # and a missed week says someone could not be reached.
        "regular_calls_asked",
        "regular_calls_matched",
        "regular_calls_made",
        "regular_calls_missed",
        "selfcheck_invited",
        "selfcheck_done",
        "selfcheck_not_lonely",
        "selfcheck_moderate",
        "selfcheck_severe",
        "selfcheck_joined",
        "selfcheck_stopped",
        # What people typed says how they feel (crisis, lonely) and what they need.
        *(
            f"typed_{meaning}"
            for meaning in (
                "messages",
                "crisis",
                "call",
                "lonely",
                "activity",
                "checkin",
                "help_out",
                "stop",
                "delete",
                "how",
                "greeting",
                "thanks",
                "other",
            )
        ),
    }
)


@dataclass(frozen=True)
class Few:
    """Fewer than ``limit`` people, perhaps none: too few to show (rendered "< 5")."""

    limit: int


@dataclass(frozen=True)
class Later:
    """A sensitive count of the week still running: shown once the week is over."""


# One week's value: a number, Few, Later, or None when there was nothing to measure.
Value = float | Few | Later | None


def protect(count: int, min_count: int) -> float | Few:
    """A sensitive count as it may be shown to coordinators.

    Below ``min_count`` (0 too) it is ``Few``: "< 5" says nothing about whether
    one person or nobody is in it. From ``min_count`` up it is rounded to the
    nearest multiple of ``min_count`` (7 -> 5, 8 -> 10), so a total and its
    parts, or two rows, cannot be subtracted back to an exact small count: each
    shown number stands for a range of ``min_count`` values. Differences between
    two looks at the same week cannot show one person's answer either, because
    ``Stats`` shows sensitive counts only for weeks that are over.
    """
    if min_count <= 1:
        return float(count)
    if count < min_count:
        return Few(min_count)
    return float(min_count * ((count + min_count // 2) // min_count))


@dataclass(frozen=True)
class Series:
    label: str  # an N_() msgid
    values: tuple[Value, ...]  # one per week, oldest first
    sensitive: bool = False  # protected (see ``protect``)
    hours: bool = False  # a duration in hours, not a count: drawn on its own axis


@dataclass(frozen=True)
class Section:
    key: str
    title: str  # an N_() msgid
    totals: tuple[tuple[str, float], ...]  # (msgid, value): the state right now
    series: tuple[Series, ...]


@dataclass(frozen=True)
class Report:
    weeks: tuple[date, ...]  # the Monday of each week, oldest first
    sections: tuple[Section, ...]
    min_count: int = DEFAULT_MIN_COUNT  # sensitive counts below it are Few


@dataclass(frozen=True)
class _Spec:
    key: str
    title: str
    table: str  # the feature exists when this table does
    metrics: tuple[tuple[str, str], ...]  # (daily_counts metric, label msgid)


_SPECS = (
    _Spec(
        "residents",
        N_("Residents"),
        "residents",
        (
            ("residents_joined", N_("joined")),
            ("residents_erased", N_("left and deleted their data")),
        ),
    ),
    _Spec(
        "checkins",
        N_("Check-ins"),
        "checkin_sends",
        (
            ("checkins_sent", N_("sent")),
            ("checkins_answered_good", N_("answered: good")),
            ("checkins_answered_okay", N_("answered: so-so")),
            ("checkins_answered_bad", N_("answered: not good")),
            ("checkins_answered_very_bad", N_("answered: very bad")),
            ("checkins_escalated", N_("no answer: a volunteer called")),
        ),
    ),
    _Spec(
        "safety_net",
        N_("Safety net (steps reached)"),
        "safety_steps",
        (
            ("safety_step_nudge", N_("1. reminder sent")),
            ("checkins_escalated", N_("2. a volunteer called")),
            ("checkins_undelivered", N_("check-in could not be delivered: a volunteer called")),
            ("checkins_held", N_("could not be delivered again: no new call")),
            ("safety_step_contact", N_("3. emergency contact told")),
            ("safety_step_coordinators", N_("4. coordinators alerted")),
            ("safety_contact_well", N_("contact: all is well")),
            ("safety_contact_look", N_("contact: went to look")),
            ("emergency_contacts_confirmed", N_("emergency contacts named")),
        ),
    ),
    _Spec(
        "selfcheck",
        N_("Monthly self-check (anonymous)"),
        "selfcheck_rounds",
        (
            ("selfcheck_invited", N_("invitations sent")),
            ("selfcheck_done", N_("self-checks done")),
            ("selfcheck_not_lonely", N_("result: not lonely")),
            ("selfcheck_moderate", N_("result: moderately lonely")),
            ("selfcheck_severe", N_("result: severely lonely")),
        ),
    ),
    _Spec(
        "call_requests",
        N_("Call requests"),
        "call_requests",
        (
            ("call_requests_requested", N_("asked")),
            ("call_requests_claimed", N_("taken by a volunteer")),
            ("call_requests_reached", N_("resident reached")),
        ),
    ),
    _Spec(
        "regular_calls",
        N_("Weekly calls with the same volunteer"),
        "regular_calls",
        (
            ("regular_calls_asked", N_("asked")),
            ("regular_calls_matched", N_("matches made")),
            ("regular_calls_made", N_("weekly calls made")),
            ("regular_calls_missed", N_("weeks missed")),
        ),
    ),
    _Spec(
        "activities",
        N_("Activities"),
        "activities",
        (
            ("activity_searches", N_("searches")),
            ("activity_reminders", N_("reminders asked")),
        ),
    ),
    _Spec(
        "typed",
        N_("Typed messages (anonymous, the text is not kept)"),
        "daily_counts",
        (
            ("typed_messages", N_("typed instead of tapped")),
            ("typed_crisis", N_("crisis words: 113 and 112 shown")),
            ("typed_call", N_("asked for a call")),
            ("typed_lonely", N_("said they feel lonely")),
            ("typed_activity", N_("looked for something to do")),
            ("typed_checkin", N_("asked for check-ins")),
            ("typed_help_out", N_("wanted to help")),
            ("typed_stop", N_("wanted no more messages")),
            ("typed_delete", N_("wanted their data deleted")),
            ("typed_how", N_("asked how Samen works")),
            ("typed_greeting", N_("greeted")),
            ("typed_thanks", N_("said thank you")),
            ("typed_other", N_("nothing matched")),
        ),
    ),
    _Spec(
        "broadcasts",
        N_("Broadcasts"),
        "broadcasts",
        (
            ("broadcasts_sent", N_("announcements sent")),
            ("broadcast_messages_delivered", N_("messages delivered")),
        ),
    ),
)


def week_start(day: date) -> date:
    return day - timedelta(days=day.weekday())


class Stats:
    def __init__(
        self, db: Database, clock: Clock, zone: ZoneInfo, min_count: int = DEFAULT_MIN_COUNT
    ) -> None:
        self._db = db
        self._clock = clock
        self._zone = zone
        self.min_count = min_count

    async def report(self) -> Report:
        today = self._clock().astimezone(self._zone).date()
        weeks = tuple(week_start(today) - timedelta(weeks=WEEKS - 1 - i) for i in range(WEEKS))
        tables = set(await self._db.table_names())
        counts = await self._weekly_counts(weeks[0])
        sections = []
        for spec in _SPECS:
            if spec.table not in tables:
                continue
            series = tuple(
                self._series(metric, label, weeks, counts) for metric, label in spec.metrics
            )
            sections.append(Section(spec.key, spec.title, await self._totals(spec.key), series))
        if "call_requests" in tables:
            sections = [
                _with_series(s, await self._call_request_waits(weeks))
                if s.key == "call_requests"
                else s
                for s in sections
            ]
        return Report(weeks, tuple(sections), self.min_count)

    def _series(
        self, metric: str, label: str, weeks: tuple[date, ...], counts: dict[tuple[str, date], int]
    ) -> Series:
        weekly = [counts.get((metric, w), 0) for w in weeks]
        if metric not in SENSITIVE_METRICS:
            return Series(label, tuple(float(v) for v in weekly))
        finished = [protect(v, self.min_count) for v in weekly[:-1]]
        return Series(label, (*finished, Later()), sensitive=True)

    async def _weekly_counts(self, since: date) -> dict[tuple[str, date], int]:
        rows = await self._db.fetchall(
            "SELECT day, metric, count FROM daily_counts WHERE day >= ?", (since.isoformat(),)
        )
        weekly: dict[tuple[str, date], int] = {}
        for row in rows:
            key = (str(row["metric"]), week_start(date.fromisoformat(row["day"])))
            weekly[key] = weekly.get(key, 0) + int(row["count"])
        return weekly

    async def _totals(self, key: str) -> tuple[tuple[str, float], ...]:
        if key == "residents":
            rows = await self._db.fetchall("SELECT status, COUNT(*) FROM residents GROUP BY status")
            by_status = {str(r[0]): float(r[1]) for r in rows}
            return (
                (N_("active"), by_status.get("active", 0.0)),
                (N_("stopped messages"), by_status.get("stopped", 0.0)),
                (N_("blocked the bot"), by_status.get("unreachable", 0.0)),
            )
        if key == "call_requests":
            rows = await self._db.fetchall(
                "SELECT status, COUNT(*) FROM call_requests WHERE regular_call_id IS NULL"
                " GROUP BY status"
            )
            by_status = {str(r[0]): float(r[1]) for r in rows}
            return (
                (N_("waiting for a volunteer"), by_status.get("open", 0.0)),
                (N_("taken, not yet closed"), by_status.get("claimed", 0.0)),
            )
        return ()

    async def _call_request_waits(self, weeks: tuple[date, ...]) -> Series:
        """Median hours from request to the call that reached the resident, per week."""
        rows = await self._db.fetchall(
            "SELECT created_at, closed_at FROM call_requests"
            " WHERE status = 'closed' AND outcome = 'reached' AND closed_at >= ?",
            (weeks[0].isoformat(),),
        )
        hours: dict[date, list[float]] = {}
        for row in rows:
            created: datetime = from_iso(row[0])
            closed: datetime = from_iso(row[1])
            hours.setdefault(week_start(closed.astimezone(self._zone).date()), []).append(
                (closed - created).total_seconds() / 3600
            )
        return Series(
            N_("median hours from request to call"),
            tuple(round(statistics.median(hours[w]), 1) if w in hours else None for w in weeks),
            hours=True,
        )


def _with_series(section: Section, extra: Series) -> Section:
    return Section(section.key, section.title, section.totals, (*section.series, extra))
