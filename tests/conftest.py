"""Shared fixtures: a migrated database on a temporary file and a clock tests can move."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.db import Database
from bot.services import Services

# PTB 22 reports RetryAfter.retry_after as a timedelta when this is set, and warns
# (an error under -W error) when it is not; the CLI sets it too.
os.environ.setdefault("PTB_TIMEDELTA", "true")


class FakeClock:
    """A clock that only moves when a test says so."""

    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(datetime(2026, 11, 28, 14, 30, tzinfo=UTC))


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Database]:
    database = await Database.open(tmp_path / "samen.sqlite3")
    await database.migrate()
    yield database
    await database.close()


@pytest.fixture
def services(db: Database, clock: FakeClock) -> Services:
    return Services.create(db, clock)
