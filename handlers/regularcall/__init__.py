"""A call every week with the same volunteer (issue 17): the resident's wish (wish.py),
/weekly for residents and volunteers (screens.py), a volunteer's answer to a proposal
and the coordinators' /matches (matches.py). The service: bot/services/regularcall."""

from __future__ import annotations

from bot.buttons import Prefix
from bot.chat.incoming import Kind
from bot.chat.journeys import Journeys
from handlers.commands import names
from handlers.regularcall.matches import answer_proposal, pick_volunteer, show_matches
from handlers.regularcall.screens import (
    PAUSE_UNTIL,
    paused,
    regular_action,
    show_weekly,
    typed_pause_date,
    volunteer_action,
)
from handlers.regularcall.wish import (
    ASK_PHONE,
    answered_phone,
    chose_days,
    chose_interests,
    chose_part,
    chose_phone,
)


def register(journeys: Journeys) -> None:
    journeys.command(names("weekly"), show_weekly)
    journeys.command(names("matches"), show_matches)
    journeys.choice(Prefix.REGULAR, regular_action)
    journeys.choice(Prefix.REGULAR_DAYS, chose_days)
    journeys.choice(Prefix.REGULAR_PART, chose_part)
    journeys.choice(Prefix.REGULAR_INTERESTS, chose_interests)
    journeys.choice(Prefix.REGULAR_PHONE, chose_phone)
    journeys.answer(ASK_PHONE, answered_phone, kinds=(Kind.TEXT, Kind.CONTACT, Kind.MEDIA))
    journeys.choice(Prefix.REGULAR_PAUSE, paused)
    journeys.answer(PAUSE_UNTIL, typed_pause_date)
    journeys.choice(Prefix.REGULAR_PROPOSAL, answer_proposal)
    journeys.choice(Prefix.REGULAR_VOLUNTEER, volunteer_action)
    journeys.choice(Prefix.REGULAR_PICK, pick_volunteer)
