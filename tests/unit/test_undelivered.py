"""A check-in that could not reach the resident: they hear it once, and see it in the menu."""

from __future__ import annotations

from bot.db import Database
from bot.services import Services
from bot.services.care.moods import Mood
from bot.services.care.undelivered import KIND
from bot.services.outbox import Outcome
from tests.conftest import FakeClock
from tests.unit.test_safety_ladder import ANNA, deliver_all, setting, utc


async def notices(db: Database) -> list[str]:
    rows = await db.fetchall("SELECT payload FROM outbox WHERE kind = ? ORDER BY id", (KIND,))
    return [str(r[0]) for r in rows]


async def test_a_blocked_check_in_is_told_once_with_its_moods_while_it_can_be_answered(
    services: Services, db: Database, clock: FakeClock
) -> None:
    undelivered = services.undelivered_checkins
    await setting(services, db, clock, Outcome.BLOCKED)
    missed = await undelivered.latest(ANNA)
    assert missed is not None and missed.slot == utc(2026, 11, 30, 9, 30)
    assert missed.safety_net and missed.answerable and not missed.told
    assert await undelivered.tell(ANNA, "nl")
    assert not await undelivered.tell(ANNA, "nl")  # once per check-in
    told = await undelivered.latest(ANNA)
    assert told is not None and told.told
    (payload,) = await notices(db)
    assert "kon uw berichtje van" in payload and "vangnet" in payload
    assert "mood:" in payload  # its answer still counts
    # Answering it through the notice's choices answers the check-in itself.
    answer = await services.checkins.answer(ANNA, missed.slot, Mood.GOOD)
    assert answer is not None and answer.first


async def test_an_old_one_is_told_without_moods_and_a_delivered_one_ends_it(
    services: Services, db: Database, clock: FakeClock
) -> None:
    undelivered = services.undelivered_checkins
    await setting(services, db, clock, Outcome.FAILED)
    clock.advance(hours=13)
    missed = await undelivered.latest(ANNA)
    assert missed is not None and not missed.answerable
    assert await undelivered.tell(ANNA, "en")
    (payload,) = await notices(db)
    assert "could not deliver your check-in" in payload and "mood:" not in payload
    clock.now = utc(2026, 12, 1, 9, 31)  # the next check-in arrives
    await services.checkins.tick()
    await deliver_all(services)
    assert await undelivered.latest(ANNA) is None
    assert not await undelivered.tell(ANNA, "en")


async def test_a_delivered_check_in_and_one_long_ago_are_not_mentioned(
    services: Services, db: Database, clock: FakeClock
) -> None:
    await setting(services, db, clock)
    assert await services.undelivered_checkins.latest(ANNA) is None
    await db.execute("UPDATE outbox SET status = 'blocked' WHERE kind = 'checkin'")
    clock.advance(days=8)
    assert await services.undelivered_checkins.latest(ANNA) is None
