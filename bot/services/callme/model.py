"""What a call request is: its topic, status, outcome, and why it can be refused.

A request is a task. Its life: open -> claimed (one volunteer, atomically) ->
closed with an outcome, or back to open when released, or cancelled by the
resident.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from bot.clock import from_iso
from bot.i18n import N_


class Topic(StrEnum):
    CHAT = "chat"
    PRACTICAL = "practical"
    ACTIVITIES = "activities"
    WORRIED = "worried"
    MISSED_CHECKIN = "missed_checkin"  # made by the check-ins' safety net, not chosen
    UNDELIVERED_CHECKIN = "undelivered_checkin"  # the same, for a check-in that never came


TOPIC_LABELS: dict[Topic, str] = {
    Topic.CHAT: N_("☕ Just a chat"),
    Topic.PRACTICAL: N_("🧾 A practical question"),
    Topic.ACTIVITIES: N_("🎨 Activities"),
    Topic.WORRIED: N_("💛 Worried about someone"),
    Topic.MISSED_CHECKIN: N_("🛟 Did not answer a check-in"),
    Topic.UNDELIVERED_CHECKIN: N_("🛟 A check-in could not reach them"),
}
# What a resident can choose when asking for a call.
RESIDENT_TOPICS = (Topic.CHAT, Topic.PRACTICAL, Topic.ACTIVITIES, Topic.WORRIED)


class TaskStatus(StrEnum):
    OPEN = "open"
    CLAIMED = "claimed"
    CLOSED = "closed"
    CANCELLED = "cancelled"


class CallOutcome(StrEnum):
    REACHED = "reached"
    NO_ANSWER = "no_answer"
    FOLLOW_UP = "follow_up"
    REFERRED = "referred"


OUTCOME_LABELS: dict[CallOutcome, str] = {
    CallOutcome.REACHED: N_("✅ Reached"),
    CallOutcome.NO_ANSWER: N_("📵 No answer"),
    CallOutcome.FOLLOW_UP: N_("🔁 Needs follow-up"),
    CallOutcome.REFERRED: N_("🤝 Referred to a partner"),
}


@dataclass(frozen=True)
class Task:
    id: int
    resident_id: int | None
    resident_name: str
    language: str
    phone: str | None
    moment_start: datetime
    moment_end: datetime
    topic: Topic | None
    status: TaskStatus
    volunteer_id: int | None
    volunteer_name: str
    outcome: CallOutcome | None
    no_answers: int
    note: str | None
    round: int
    created_at: datetime
    opened_at: datetime
    closed_at: datetime | None
    # Set when the task is a week's call of a regular call (bot/services/regularcall),
    # held by the matched volunteer from the start.
    regular_call_id: int | None = None

    @property
    def weekly(self) -> bool:
        return self.regular_call_id is not None

    @classmethod
    def from_row(cls, row: sqlite3.Row) -> Task:
        return cls(
            id=int(row["id"]),
            resident_id=row["resident_id"],
            resident_name=str(row["resident_name"] or ""),
            language=str(row["language"]),
            phone=row["phone"],
            moment_start=from_iso(row["moment_start"]),
            moment_end=from_iso(row["moment_end"]),
            topic=Topic(row["topic"]) if row["topic"] else None,
            status=TaskStatus(row["status"]),
            volunteer_id=row["volunteer_id"],
            volunteer_name=str(row["volunteer_name"] or ""),
            outcome=CallOutcome(row["outcome"]) if row["outcome"] else None,
            no_answers=int(row["no_answers"]),
            note=row["note"],
            round=int(row["round"]),
            created_at=from_iso(row["created_at"]),
            opened_at=from_iso(row["opened_at"]),
            closed_at=from_iso(row["closed_at"]) if row["closed_at"] else None,
            regular_call_id=row["regular_call_id"],
        )


class Withdrawal(StrEnum):
    """Why a task's name and number are taken out of a volunteer's chat."""

    CANCELLED = "cancelled"
    WITHDRAWN = "withdrawn"  # the resident deleted their data
    GIVEN_BACK = "given_back"
    ENDED = "ended"  # the volunteer's volunteering ended; the task went to the others
    PURGED = "purged"  # SAMEN_PHONE_RETENTION_DAYS after the task closed
    LEFT = "left"  # the volunteer deleted their own data
    PASSED = "passed"  # a week's call whose day passed without an outcome
    MATCH_ENDED = "match_ended"  # a regular call ended or paused: this week's call is off


class Problem(StrEnum):
    NOT_RESIDENT = "not_resident"  # no consent: nothing may be stored
    INVALID_PHONE = "invalid_phone"
    MOMENT_PASSED = "moment_passed"
    ALREADY_OPEN = "already_open"


class RequestRefused(Exception):
    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.value)
        self.problem = problem


class ClaimResult(StrEnum):
    CLAIMED = "claimed"
    ALREADY_YOURS = "already_yours"
    TAKEN = "taken"  # someone else was first
    GONE = "gone"  # cancelled, closed or erased
    NOT_ALLOWED = "not_allowed"  # not (or no longer) a volunteer


class OutcomeResult(StrEnum):
    CLOSED = "closed"
    TRY_AGAIN = "try_again"  # no answer, fewer than NO_ANSWER_LIMIT times
    GAVE_UP = "gave_up"  # the last "no answer": closed, coordinators alerted
    NOT_YOURS = "not_yours"
    TOO_EARLY = "too_early"  # "no answer" before the moment the resident chose


# Every read of a task joins the first names of the resident and the volunteer.
SELECT_TASKS = (
    "SELECT t.*, r.first_name AS resident_name, v.first_name AS volunteer_name"
    " FROM call_requests t"
    " LEFT JOIN residents r ON r.telegram_id = t.resident_id"
    " LEFT JOIN volunteers v ON v.telegram_id = t.volunteer_id"
)
OPEN_TASKS = SELECT_TASKS + " WHERE t.status = 'open' ORDER BY t.opened_at, t.id LIMIT ?"
HELD_TASKS = (
    SELECT_TASKS + " WHERE t.status = 'claimed' AND t.volunteer_id = ? ORDER BY t.moment_start"
)
