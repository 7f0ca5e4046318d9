"""A regular call with the same volunteer every week ("vaste belmaatje", issue 17).

Put together from its parts: asking, matching, pausing and ending (service.py), the
volunteer's side (volunteering.py) and the weekly schedule (weeks.py); who fits is
decided in matching.py, when a call is due in schedule.py, what is said in notices.py.
Each week's call is a call task of the desk (bot/services/callme/weekly.py), so the
volunteer's card, outcomes, notes and the clearing of the number are the desk's own.
"""

from __future__ import annotations

from bot.services.regularcall.model import (
    INTERESTS,
    Answer,
    Problem,
    Refused,
    RegularCall,
    Status,
)
from bot.services.regularcall.notices import interests_line, when_text, wish_text
from bot.services.regularcall.weeks import WeekReport, Weeks

__all__ = [
    "INTERESTS",
    "Answer",
    "Problem",
    "Refused",
    "RegularCall",
    "RegularCalls",
    "Status",
    "WeekReport",
    "interests_line",
    "when_text",
    "wish_text",
]


class RegularCalls(Weeks):
    """The whole regular-call service, one object for the journeys and the scheduler."""

    async def forget_resident(self, resident_id: int) -> None:
        """Before a resident's erasure: their planned weeks are off (the number leaves
        the volunteer's chat) and the volunteer hears the calls ended; the rows go."""
        await self.end(resident_id)
