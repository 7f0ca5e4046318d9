"""The activities journey: search, details, reminders, keeping by coordinators and
partners. Steps on the conversation layer register here (reminders, manage, editing);
the search itself and /partner are still PTB handlers (``search.activity_handlers``)."""

from __future__ import annotations

from bot.chat.journeys import Journeys
from handlers.activities import manage, reminders


def register(journeys: Journeys) -> None:
    reminders.register(journeys)
    manage.register(journeys)
