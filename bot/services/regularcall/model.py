"""What a regular call is: the resident's wishes, its status and the match."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from bot.clock import from_iso
from bot.i18n import N_
from bot.services.callme.moments import DayPart


class Status(StrEnum):
    WAITING = "waiting"  # nobody fits now; the coordinators know
    PROPOSED = "proposed"  # a volunteer is asked
    MATCHED = "matched"


# What a resident may like to talk about: a fixed list (bits), so no typed text is kept.
INTERESTS: tuple[str, ...] = (
    N_("🌷 Garden, nature"),
    N_("📰 News"),
    N_("🎵 Music"),
    N_("📚 Books"),
    N_("⚽ Sports"),
    N_("👪 Family"),
    N_("🍲 Cooking"),
)
ALL_INTERESTS = (1 << len(INTERESTS)) - 1


class Problem(StrEnum):
    NOT_RESIDENT = "not_resident"  # no consent: nothing may be stored
    INVALID_PHONE = "invalid_phone"
    INVALID_CHOICE = "invalid_choice"  # no day, or a forged value
    ALREADY = "already"  # they have a regular call already


class Refused(Exception):
    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.value)
        self.problem = problem


class Answer(StrEnum):
    """What a volunteer's answer to a proposal did."""

    ACCEPTED = "accepted"
    DECLINED = "declined"
    GONE = "gone"  # no longer theirs to answer (answered, expired, ended)


# Every read of a regular call joins the first names of the resident and the volunteer.
SELECT_CALLS = (
    "SELECT c.*, r.first_name AS resident_name, v.first_name AS volunteer_name"
    " FROM regular_calls c"
    " LEFT JOIN residents r ON r.telegram_id = c.resident_id"
    " LEFT JOIN volunteers v ON v.telegram_id = c.volunteer_id"
)


@dataclass(frozen=True)
class RegularCall:
    id: int
    resident_id: int
    resident_name: str
    days: int
    part: DayPart
    language: str
    interests: int
    phone: str
    status: Status
    volunteer_id: int | None
    volunteer_name: str
    weekday: int | None
    paused_until: date | None
    missed_in_row: int
    created_at: datetime

    @classmethod
    def from_row(cls, row: sqlite3.Row) -> RegularCall:
        return cls(
            id=int(row["id"]),
            resident_id=int(row["resident_id"]),
            resident_name=str(row["resident_name"] or ""),
            days=int(row["days"]),
            part=DayPart(row["part"]),
            language=str(row["language"]),
            interests=int(row["interests"]),
            phone=str(row["phone"]),
            status=Status(row["status"]),
            volunteer_id=row["volunteer_id"],
            volunteer_name=str(row["volunteer_name"] or ""),
            weekday=row["weekday"],
            paused_until=date.fromisoformat(row["paused_until"]) if row["paused_until"] else None,
            missed_in_row=int(row["missed_in_row"]),
            created_at=from_iso(row["created_at"]),
        )

    def interest_labels(self) -> list[str]:
        """The msgids of the chosen interests, to translate for the reader."""
        return [label for bit, label in enumerate(INTERESTS) if self.interests & (1 << bit)]
