"""The activities journey, on the conversation layer: where to look, the results and
their filters, the details with their map pin, reminders, and keeping activities
(coordinators, and partners their own sources'; /partner invites a partner)."""

from __future__ import annotations

from bot.chat.journeys import Journeys
from handlers.activities import admin, browse, details, manage, reminders, where


def register(journeys: Journeys) -> None:
    where.register(journeys)
    browse.register(journeys)
    details.register(journeys)
    reminders.register(journeys)
    manage.register(journeys)
    admin.register(journeys)
