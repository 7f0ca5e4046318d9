"""Domain logic over the database. Knows nothing of Telegram: plain data in and out."""

from __future__ import annotations

from dataclasses import dataclass

from bot.clock import Clock
from bot.db import Database
from bot.services.counts import Counts
from bot.services.groups import Groups
from bot.services.outbox import Outbox
from bot.services.privacy import Privacy
from bot.services.residents import Residents
from bot.services.roles import Roles


@dataclass(frozen=True)
class Services:
    """Every service, wired to one database and one clock."""

    residents: Residents
    roles: Roles
    privacy: Privacy
    counts: Counts
    groups: Groups
    outbox: Outbox

    @classmethod
    def create(cls, db: Database, clock: Clock) -> Services:
        counts = Counts(db, clock)
        return cls(
            residents=Residents(db, clock, counts),
            roles=Roles(db, clock),
            privacy=Privacy(db, clock, counts),
            counts=counts,
            groups=Groups(db, clock),
            outbox=Outbox(db, clock),
        )
