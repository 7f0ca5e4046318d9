"""Volunteer availability: days and hours, a holiday; tasks go to those available then."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from bot.db import Database
from bot.services import Services
from bot.services.availability import Availability
from bot.services.callme.moments import DayPart
from tests.conftest import FakeClock

AMS = ZoneInfo("Europe/Amsterdam")
RESIDENT = 700_100_001
PIET = 700_200_001  # mornings on weekdays
KEES = 700_200_002  # no hours set: whenever on duty
COORDINATOR = 700_300_001
MONDAY = 0b0000001
WEEKDAYS = 0b0011111


def local(*args: int) -> datetime:
    return datetime(*args, tzinfo=AMS).astimezone(UTC)  # type: ignore[misc]


def test_hours_fit_a_moment_that_overlaps_them_on_a_chosen_day() -> None:
    mornings = Availability(1, WEEKDAYS, time(9, 0), time(12, 0), None)
    monday = (2026, 11, 30)
    assert mornings.fits(local(*monday, 8, 0), local(*monday, 12, 0), AMS)
    assert mornings.fits(local(*monday, 11, 0), local(*monday, 13, 0), AMS)
    assert not mornings.fits(local(*monday, 12, 0), local(*monday, 17, 0), AMS)
    assert not mornings.fits(local(2026, 12, 5, 9, 0), local(2026, 12, 5, 12, 0), AMS)  # Sat
    away = Availability(1, WEEKDAYS, time(9, 0), time(12, 0), date(2026, 12, 7))
    assert not away.fits(local(*monday, 9, 0), local(*monday, 12, 0), AMS)
    assert away.fits(local(2026, 12, 7, 9, 0), local(2026, 12, 7, 12, 0), AMS)


@pytest.fixture
async def people(services: Services, db: Database, clock: FakeClock) -> Services:
    clock.now = local(2026, 11, 30, 8, 30)  # Monday morning
    await services.residents.give_consent(RESIDENT, "Anna", "nl")
    for volunteer, name in ((PIET, "Piet"), (KEES, "Kees")):
        await services.residents.give_consent(volunteer, name, "nl")
        async with db.transaction() as conn:
            await services.volunteers.enrol(volunteer, name, "nl", None, conn)
    await services.availability.set_hours(PIET, WEEKDAYS, time(8, 0), time(12, 0))
    return services


async def offered_to(db: Database) -> set[int]:
    rows = await db.fetchall("SELECT DISTINCT recipient_id FROM outbox WHERE kind = 'task'")
    return {int(r[0]) for r in rows}


async def request_for(services: Services, part: DayPart) -> None:
    moment = next(m for m in services.call_requests.moments() if m.part is part)
    await services.call_requests.create_request(RESIDENT, "0612345678", moment.key, None)


async def test_a_morning_task_goes_to_both_an_afternoon_task_only_to_kees(
    people: Services, db: Database
) -> None:
    await request_for(people, DayPart.MORNING)
    assert await offered_to(db) == {PIET, KEES}
    task = await people.call_requests.open_request(RESIDENT)
    assert task is not None
    await people.call_requests.cancel(task.id, RESIDENT)
    await db.execute("DELETE FROM outbox")
    await request_for(people, DayPart.AFTERNOON)
    assert await offered_to(db) == {KEES}


async def test_a_holiday_pauses_offers_and_coming_back_brings_the_waiting_ones(
    people: Services, db: Database
) -> None:
    await people.availability.pause(PIET, date(2026, 12, 7))
    await request_for(people, DayPart.MORNING)
    assert await offered_to(db) == {KEES}
    await people.availability.resume(PIET)
    assert await people.call_requests.offer_open_tasks(PIET) == 1
    assert await offered_to(db) == {PIET, KEES}


async def test_a_pause_without_hours_and_clearing_them(people: Services) -> None:
    await people.availability.pause(KEES, date(2026, 12, 7))
    hours = await people.availability.get(KEES)
    assert hours is not None and hours.days == 0b1111111 and hours.paused_until == date(2026, 12, 7)
    await people.availability.clear(KEES)
    assert await people.availability.get(KEES) is None
    with pytest.raises(ValueError):
        await people.availability.set_hours(KEES, MONDAY, time(12, 0), time(9, 0))


async def coordinator_alerts(db: Database) -> list[str]:
    rows = await db.fetchall("SELECT payload FROM outbox WHERE kind = 'alert' ORDER BY id")
    return [str(r[0]) for r in rows]


async def test_the_coordinators_hear_truthfully_why_nobody_got_a_task(
    people: Services, db: Database
) -> None:
    """On duty but not available then is not "nobody on duty"; both are said plainly."""
    await people.roles.sync_config_coordinators([COORDINATOR])
    await people.volunteers.set_on_duty(KEES, False)
    await request_for(people, DayPart.AFTERNOON)  # Piet is on duty, but mornings only
    (alert,) = await coordinator_alerts(db)
    assert "Er zijn wel vrijwilligers met dienst" in alert and "12:00–17:00" in alert
    task = await people.call_requests.open_request(RESIDENT)
    assert task is not None
    await people.call_requests.cancel(task.id, RESIDENT)
    await people.volunteers.set_on_duty(PIET, False)
    await request_for(people, DayPart.AFTERNOON)
    alerts = await coordinator_alerts(db)
    assert len(alerts) == 2 and "geen vrijwilliger beschikbaar" in alerts[1]
    assert "wel vrijwilligers" not in alerts[1]
