"""The activities journey: search, details, reminders, keeping by coordinators and
partners. Steps on the conversation layer register here (browse, reminders, manage,
editing); where to look, the details (with their map pin) and /partner are still PTB
handlers (``search.activity_handlers``)."""

from __future__ import annotations

from bot.chat.journeys import Journeys
from handlers.activities import browse, manage, reminders


def register(journeys: Journeys) -> None:
    browse.register(journeys)
    reminders.register(journeys)
    manage.register(journeys)
