"""A resident the check-ins cannot reach gets one call, not one every day
(bot/services/care/unreachable.py)."""

from __future__ import annotations

import pytest

from bot.db import Database
from bot.services import Services
from bot.services.callme.requests import CallOutcome
from bot.services.care.moods import Mood
from bot.services.outbox import Outcome
from tests.conftest import FakeClock
from tests.unit.test_safety_ladder import (
    ANNA,
    COORDINATOR,
    PIET,
    deliver_all,
    kinds_to,
    services,
    setting,
    steps,
    utc,
)

__all__ = ["services"]  # the fixture, where pytest finds it


async def next_day(
    services: Services, clock: FakeClock, day: int, outcome: Outcome = Outcome.BLOCKED
) -> int:
    """Anna's check-in of that December day, delivered (or not) as ``outcome``, and the
    tasks the safety net makes for it once the safety window is past."""
    clock.now = utc(2026, 12, day, 9, 31)
    await services.checkins.tick()
    await deliver_all(services, outcome)
    clock.advance(hours=3, minutes=1)
    return (await services.safety_net.climb()).tasks


async def piet_reaches_her(services: Services, clock: FakeClock) -> None:
    task = await services.call_requests.open_request(ANNA)
    assert task is not None
    await services.call_requests.claim(task.id, PIET)
    clock.now = max(clock.now, task.moment_start)
    await services.call_requests.record_outcome(task.id, PIET, CallOutcome.REACHED)


async def calls(db: Database) -> int:
    rows = await db.fetchall("SELECT id FROM call_requests")
    return len(rows)


async def escalations(db: Database) -> list[tuple[str, bool]]:
    rows = await db.fetchall(
        "SELECT escalation, task_id FROM checkin_sends WHERE outcome = 'sent' ORDER BY slot"
    )
    return [(str(r[0]), r[1] is not None) for r in rows]


async def test_one_call_then_the_coordinators_hear_it_once_and_no_call_a_day(
    services: Services, db: Database, clock: FakeClock
) -> None:
    """Anna blocked Samen. Monday's check-in climbs: Piet calls and reaches her. Tuesday's
    fails the same way: no new task, the coordinators hear once that check-ins cannot
    reach her. Wednesday's: nothing new at all."""
    await setting(services, db, clock, Outcome.BLOCKED)
    clock.advance(hours=3, minutes=1)
    assert (await services.safety_net.climb()).tasks == 1
    await piet_reaches_her(services, clock)
    assert await next_day(services, clock, 1) == 0
    alerts = await db.fetchall(
        "SELECT payload FROM outbox WHERE recipient_id = ? AND ref LIKE 'safety:%'",
        (COORDINATOR,),
    )
    assert len(alerts) == 1
    assert "check-ins van Samen komen niet aan bij Anna" in str(alerts[0][0])
    assert "+316" not in str(alerts[0][0])
    assert await next_day(services, clock, 2) == 0
    assert await kinds_to(db, COORDINATOR) == ["alert"]  # once
    assert await calls(db) == 1
    # Held check-ins keep the task that covers them, which is how the next finds it.
    assert await escalations(db) == [("task", True), ("dropped", True), ("dropped", True)]
    assert await steps(db) == ["task", "coordinators"]
    assert await services.counts.total("checkins_held") == 2


@pytest.mark.parametrize("since", ["she wrote", "she answered", "it was delivered"])
async def test_a_word_from_her_ends_the_hold_and_the_next_silence_climbs_again(
    services: Services, db: Database, clock: FakeClock, since: str
) -> None:
    """Writing to Samen (she hears about the check-in that never came), answering a
    check-in, or one that reached her: the next check-in that cannot reach her is news
    again, and a volunteer calls."""
    await setting(services, db, clock, Outcome.BLOCKED)
    clock.advance(hours=3, minutes=1)
    await services.safety_net.climb()
    await piet_reaches_her(services, clock)
    assert await next_day(services, clock, 1) == 0  # held
    if since == "she wrote":
        assert await services.undelivered_checkins.tell(ANNA, "nl")
    elif since == "she answered":  # the mood buttons that came with that notice
        await services.checkins.answer(ANNA, utc(2026, 12, 1, 9, 30), Mood.OKAY)
    else:
        clock.now = utc(2026, 12, 2, 9, 31)
        await services.checkins.tick()
        await deliver_all(services)
        await services.checkins.answer(ANNA, utc(2026, 12, 2, 9, 30), Mood.GOOD)
    assert await next_day(services, clock, 3) == 1
    assert await calls(db) == 2


async def test_another_cause_is_news_and_an_open_call_still_covers_it(
    services: Services, db: Database, clock: FakeClock
) -> None:
    """Blocked on Monday, then WhatsApp's 'failed' on Tuesday: not the same cause, so it
    climbs as before (Piet has not called yet: his open task covers it)."""
    await setting(services, db, clock, Outcome.BLOCKED)
    clock.advance(hours=3, minutes=1)
    await services.safety_net.climb()
    assert await next_day(services, clock, 1, Outcome.FAILED) == 0
    assert await escalations(db) == [("task", True), ("existing", True)]
    alerts = await db.fetchall("SELECT payload FROM outbox WHERE recipient_id = ?", (COORDINATOR,))
    assert not any("komen niet aan" in str(a[0]) for a in alerts)  # (only the unclaimed task's)
