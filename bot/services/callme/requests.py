"""Call requests: a resident asks for a phone call, a volunteer takes it and calls.

The service is put together from its parts, each in its own module: asking
(bot/services/callme/asking.py), the volunteer desk (desk.py), upkeep (upkeep.py),
on a shared store (store.py). What a change tells someone goes through
notices.py; what a task is lives in model.py, when to call in moments.py.
Journeys import the service and its vocabulary from here.
"""

from __future__ import annotations

from bot.services.callme.asking import Asking
from bot.services.callme.desk import NO_ANSWER_LIMIT, Desk
from bot.services.callme.model import (
    OUTCOME_LABELS,
    RESIDENT_TOPICS,
    TOPIC_LABELS,
    CallOutcome,
    ClaimResult,
    OutcomeResult,
    Problem,
    RequestRefused,
    Task,
    TaskStatus,
    Topic,
    Withdrawal,
)
from bot.services.callme.moments import MOMENT_LABELS, CallPolicy, DayPart, Moment, moment_text
from bot.services.callme.notices import CLEARED_TEXTS
from bot.services.callme.upkeep import Upkeep
from bot.services.callme.weekly import WeeklyTasks

__all__ = [
    "CLEARED_TEXTS",
    "MOMENT_LABELS",
    "NO_ANSWER_LIMIT",
    "OUTCOME_LABELS",
    "RESIDENT_TOPICS",
    "TOPIC_LABELS",
    "CallOutcome",
    "CallPolicy",
    "CallRequests",
    "ClaimResult",
    "DayPart",
    "Moment",
    "OutcomeResult",
    "Problem",
    "RequestRefused",
    "Task",
    "TaskStatus",
    "Topic",
    "Withdrawal",
    "moment_text",
]


class CallRequests(Asking, Desk, Upkeep, WeeklyTasks):
    """The whole call-request service, one object for the journeys and the scheduler."""
