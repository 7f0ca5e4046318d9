"""Who is asked to be a resident's regular caller: pure choice, no database.

A volunteer fits when they speak the resident's language and their availability
(bot/services/availability.py) fits the chosen part of the day on at least one of the
resident's days. Among those who fit, the one with the fewest regular calls now goes
first, so calls spread over the volunteers; a volunteer who was asked before for this
resident (declined, let it pass, or whose match ended) is not asked again.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Candidate:
    volunteer_id: int
    languages: tuple[str, ...]
    matches: int  # regular calls they have now
    weekdays: frozenset[int]  # the resident's days on which their hours fit (0 Monday)


@dataclass(frozen=True)
class Fit:
    volunteer_id: int
    weekday: int  # the first day that suits both


def best_fit(candidates: list[Candidate], language: str, asked: set[int]) -> Fit | None:
    """The volunteer to ask next and on which day, or None when nobody fits."""
    ranked = sorted(
        (c.matches, c.volunteer_id, min(c.weekdays))
        for c in candidates
        if c.weekdays and language in c.languages and c.volunteer_id not in asked
    )
    if not ranked:
        return None
    _matches, volunteer_id, weekday = ranked[0]
    return Fit(volunteer_id, weekday)
