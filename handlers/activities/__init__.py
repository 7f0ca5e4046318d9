"""The activities journey: search, details, reminders, editing by coordinators and
partners. Steps on the conversation layer register here; the rest are still PTB
handlers (``search.activity_handlers``, ``admin.activity_admin_conversation``)."""

from __future__ import annotations

from bot.chat.journeys import Journeys
from handlers.activities import reminders


def register(journeys: Journeys) -> None:
    reminders.register(journeys)
